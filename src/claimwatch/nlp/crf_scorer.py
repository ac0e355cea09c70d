"""Tagging with a trained CRFsuite model without python-crfsuite: its weights in numpy, Viterbi over paragraphs.

python-crfsuite takes every token's features as strings and converts each one in C++ before it looks it up.
Over a long article that conversion and the Python that builds ~45 strings per token were most of the
attribution stage (docs/BENCHMARKS.md). Here the model's attributes are split by feature template
(`features.TEMPLATES`) into dicts from a feature's value to its row in a weight matrix. A coded column
(`features.Coded`) is looked up once per distinct value and spread over its tokens with one gather; the label
scores of every token are then one gather and sum. Decoding is the same first-order Viterbi as CRFsuite's (ties
go to the lower label id, as its strict `<` does), run over all the paragraphs of a batch of Docs side by side.
The tags equal python-crfsuite's (`tests/test_crf_scorer.py`); training still goes through python-crfsuite.

The model file is read directly: CRFsuite's FOMC format (crf1m_model.c) is a header, a FEAT chunk of
(type, source, destination, weight) records (type 0: attribute → label; type 1: label → label) and two CQDB
string tables for labels and attributes, whose backward arrays give each id's string.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import ModelNotFoundError
from .features import Coded, Column

_HEADER = "<4sI4sIIIIIIIII"
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])


def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk, by id (each record: id, key size, key bytes with a trailing NUL)."""
    chunk, _size, _flag, _order, count, bwd = struct.unpack_from("<4sIIIII", data, offset)
    if chunk != b"CQDB":
        raise ValueError("no CQDB string table")
    out: list[str] = []
    for k, rec in enumerate(struct.unpack_from("<%dI" % count, data, offset + bwd)):
        ident, size = struct.unpack_from("<II", data, offset + rec)
        if ident != k:
            raise ValueError("string table out of order")
        out.append(data[offset + rec + 8 : offset + rec + 8 + size - 1].decode("utf-8"))
    return out


@dataclass(frozen=True)
class CrfWeights:
    labels: list[str]
    attributes: list[str]
    state: np.ndarray  # (attributes + 1, labels); the last row is zeros, for features the model never saw
    transition: np.ndarray  # (labels, labels): from → to


def read_model(path: str | Path) -> CrfWeights:
    """A CRFsuite first-order model's labels, attributes and weights; a file that is not one is a
    ModelNotFoundError naming it."""
    data = Path(path).read_bytes()
    try:
        return _parse(data)
    except (struct.error, ValueError, IndexError) as exc:  # UnicodeDecodeError is a ValueError
        raise ModelNotFoundError(f"not a CRFsuite model: {path} ({exc})") from exc


def _parse(data: bytes) -> CrfWeights:
    magic, _size, kind, _version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs, *_ = struct.unpack_from(
        _HEADER, data, 0)
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError("no first-order CRFsuite header")
    chunk, _csize, count = struct.unpack_from("<4sII", data, off_feat)
    if chunk != b"FEAT":
        raise ValueError("no feature chunk")
    feats = np.frombuffer(data, dtype=_FEATURE, count=count, offset=off_feat + 12)
    labels = _cqdb_strings(data, off_labels)
    attributes = _cqdb_strings(data, off_attrs)
    if len(labels) != n_labels or len(attributes) != n_attrs:
        raise ValueError("header and string tables disagree")
    state = np.zeros((n_attrs + 1, n_labels))
    transition = np.zeros((n_labels, n_labels))
    s, t = feats[feats["type"] == 0], feats[feats["type"] == 1]
    state[s["src"], s["dst"]] = s["weight"]
    transition[t["src"], t["dst"]] = t["weight"]
    return CrfWeights(labels, attributes, state, transition)


def viterbi(scores: np.ndarray, transition: np.ndarray, spans: Sequence[tuple[int, int]], fill: int = 0) -> np.ndarray:
    """Best label id per row of `scores`, each (start, end) span of rows decoded as its own sequence.

    The spans are stepped together, longest first, so at step t the spans still running are a prefix of the
    batch: numpy's per-call cost is paid once per step of the longest span, not once per token.
    """
    out = np.full(len(scores), fill, dtype=np.int64)  # rows outside every span
    spans = sorted(((a, b) for a, b in spans if b > a), key=lambda s: s[0] - s[1])
    if not spans:
        return out
    n_labels = transition.shape[0]
    lengths = [b - a for a, b in spans]
    longest = lengths[0]
    padded = np.zeros((len(spans), longest, n_labels))
    for k, (a, b) in enumerate(spans):
        padded[k, : b - a] = scores[a:b]
    running = np.searchsorted(-np.array(lengths), -np.arange(longest), side="left")  # spans longer than t
    back = np.zeros((len(spans), longest, n_labels), dtype=np.int64)
    best = padded[:, 0].copy()
    for t in range(1, longest):
        k = running[t]
        cand = best[:k, :, None] + transition  # (span, from, to)
        back[:k, t] = cand.argmax(axis=1)
        best[:k] = cand.max(axis=1) + padded[:k, t]
    for k, (a, b) in enumerate(spans):
        # First best on ties, as CRFsuite's strict `<` keeps.
        label = int(best[k].argmax())
        steps = back[k]
        path = [label]
        for t in range(b - a - 1, 0, -1):
            label = int(steps[t, label])
            path.append(label)
        out[a:b] = path[::-1]
    return out


class CrfScorer:
    """A CRFsuite model's weights, with one value → row dict per feature template."""

    def __init__(self, path: str | Path, templates: Sequence[str]):
        self.weights = read_model(path)
        self.labels = self.weights.labels
        self.missing = len(self.weights.attributes)  # the zero row
        self.outside = self.labels.index("O") if "O" in self.labels else 0  # tokens between paragraphs
        self.index: dict[str, dict[Optional[str], int]] = {}
        for prefix in templates:
            # prefix + value is the attribute's full name, so a startswith match is exact by construction.
            self.index[prefix] = {name[len(prefix):]: k for k, name in enumerate(self.weights.attributes)
                                  if name.startswith(prefix)}

    def tag(self, columns: Sequence[Column], n: int,
            spans: Sequence[tuple[int, int]]) -> list[str]:
        """Tags for `n` tokens from (template, value per token; None where absent) columns."""
        if n == 0:
            return []
        return self.tag_many([(columns, n, spans)])[0]

    def scores(self, columns: Sequence[Column]) -> np.ndarray:
        """(tokens, labels) state scores: the sum of each firing feature's weight row."""
        missing = self.missing
        ids = []
        for prefix, column in columns:
            get = self.index[prefix].get
            if isinstance(column, Coded):
                # One lookup per distinct value, spread over the tokens by their codes.
                rows = np.array([get(v, missing) for v in column.values], dtype=np.int64)
                ids.append(rows[column.codes])
            else:
                ids.append(np.fromiter(map(get, column, repeat(missing)), dtype=np.int64, count=len(column)))
        return self.weights.state[np.stack(ids)].sum(axis=0)

    def tag_many(self, docs: Sequence[tuple[Sequence[Column], int, Sequence[tuple[int, int]]]]) -> list[list[str]]:
        """`tag` for several Docs at once: their paragraphs are decoded side by side."""
        blocks, spans, offset = [], [], 0
        for columns, n, doc_spans in docs:
            if n:
                blocks.append(self.scores(columns))
            spans += [(offset + a, offset + b) for a, b in doc_spans]
            offset += n
        if not offset:
            return [[] for _ in docs]
        best = viterbi(np.concatenate(blocks), self.weights.transition, spans, fill=self.outside)
        labels = [self.labels[k] for k in best.tolist()]
        out, offset = [], 0
        for _columns, n, _spans in docs:
            out.append(labels[offset : offset + n])
            offset += n
        return out
