"""Features of a (headline or claim, body) pair for the stance model.

Three families, each cheap once a text's sentences are embedded:

* lexical overlap (FNC-1 baseline style): stem Jaccard, headline-word and n-gram coverage of the body and its
  lead, TF-IDF cosine;
* semantic similarity: cosine between the headline and the body's sentences (max, top-3 mean, lead,
  mean-vector), and how many sentences pass fixed thresholds;
* cues (resources/stance_cues.en.v1.tsv): refute / negation / hedge / confirm / report / doubt counts in the
  headline, the whole body, the lead, and the body sentences most similar to the headline, which is where a
  body agrees or disagrees.

Notes:
    The overlap and refuting-word features follow the FNC-1 baseline (Pfeifer, Misback et al. 2017,
    fnc-1-baseline). Looking for stance cues in the body sentences closest to the headline follows the
    per-sentence similarity features of Hanselowski et al. 2018, "A Retrospective Analysis of the Fake News
    Challenge Stance-Detection Task" (COLING), and the top FNC-1 systems (Athene, UCLMR).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

import numpy as np

from ..errors import DataFileError
from ..resources import packaged, read_text

CUE_FILE = "stance_cues.en.v1.tsv"
CUE_CLASSES = ("refute", "negation", "hedge", "confirm", "report", "doubt")
MAX_SENTENCES = 60  # longer bodies keep their first 60 sentences: bounds embedding time
LEAD = 3

_TOKEN = re.compile(r"[a-z0-9]+")
_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]*[A-Z0-9])")
_STOP = frozenset("""a an the and or but of to in on at by for with from as is are was were be been being it its
this that these those he she they we you i his her their our your them him us me my has have had do does did
will would shall should can could may might must than then there here which who whom whose what when where why
how all any both each few more most other some such only own same so too very s t just into over after before
about above below up down out off again further once also""".split())


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; "n't" reads as "not" so negation cues match."""
    return _TOKEN.findall(text.lower().replace("n't", " not").replace("’", "'"))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ed, -ing): enough to match "denies"/"denied"/"deny" with overlap."""
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if len(word) > len(suf) + 2 and word.endswith(suf):
            return word[: -len(suf)] + rep
    return word


def split_sentences(text: str, limit: int = MAX_SENTENCES) -> list[str]:
    """Sentences of a body: paragraphs (blank-line or newline separated) cut after . ! ? before a capital."""
    out: list[str] = []
    for para in re.split(r"\s*\n\s*", text.strip()):
        if not para:
            continue
        out.extend(s.strip() for s in _SENT_SPLIT.split(para) if s.strip())
        if len(out) >= limit:
            break
    return out[:limit] or [text.strip() or "."]


@dataclass(frozen=True)
class CueLexicon:
    """Cue phrases by class, as token tuples."""

    phrases: dict[tuple[str, ...], int]  # token tuple -> class index
    max_len: int

    def counts(self, toks: Sequence[str]) -> np.ndarray:
        c = np.zeros(len(CUE_CLASSES), dtype=np.float32)
        n = len(toks)
        for i in range(n):
            for k in range(1, self.max_len + 1):
                if i + k > n:
                    break
                cls = self.phrases.get(tuple(toks[i : i + k]))
                if cls is not None:
                    c[cls] += 1
        return c


def load_cues(text: Optional[str] = None) -> CueLexicon:
    """Read the cue file (the packaged one unless `text` is given)."""
    if text is None:
        text = read_text(packaged(CUE_FILE))
    phrases: dict[tuple[str, ...], int] = {}
    for ln, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[1].strip() not in CUE_CLASSES:
            raise DataFileError(f"{CUE_FILE}:{ln}: expected '<cue><TAB><class>' with class in "
                                f"{', '.join(CUE_CLASSES)}")
        toks = tuple(tokens(parts[0]))
        if toks:
            phrases[toks] = CUE_CLASSES.index(parts[1].strip())
    return CueLexicon(phrases, max((len(p) for p in phrases), default=1))


@dataclass
class TextView:
    """Everything the pair features need from one text, computed once per distinct text."""

    sentences: list[str]
    stems: list[str]                 # all stems, in order
    content: frozenset[str]          # content-word stems
    sent_content: list[frozenset[str]]
    lead_content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    trigrams: frozenset[tuple[str, str, str]]
    cues: np.ndarray                 # (n_sentences, n_classes)
    emb: np.ndarray                  # (n_sentences, dim), L2-normalised rows
    n_tokens: int
    question: bool


def view(sentences: list[str], emb: np.ndarray, cues: CueLexicon) -> TextView:
    sent_toks = [tokens(s) for s in sentences]
    sent_stems = [[stem(t) for t in ts] for ts in sent_toks]
    stems = [s for ss in sent_stems for s in ss]
    content = [s for s in stems if s not in _STOP]
    sent_content = [frozenset(s for s in ss if s not in _STOP) for ss in sent_stems]
    lead = frozenset().union(*sent_content[:LEAD]) if sent_content else frozenset()
    cue_m = np.stack([cues.counts(ts) for ts in sent_toks]) if sent_toks else np.zeros((0, len(CUE_CLASSES)))
    return TextView(
        sentences=sentences, stems=stems, content=frozenset(content), sent_content=sent_content,
        lead_content=lead, bigrams=frozenset(zip(content, content[1:])),
        trigrams=frozenset(zip(content, content[1:], content[2:])),
        cues=cue_m.astype(np.float32), emb=emb, n_tokens=len(stems),
        question=any("?" in s for s in sentences),
    )


def _cover(h: frozenset, b: frozenset) -> float:
    return len(h & b) / len(h) if h else 0.0


def feature_names() -> list[str]:
    c = CUE_CLASSES
    names = ["h_tokens", "h_question", "b_sentences", "b_tokens_log"]
    names += [f"h_{k}" for k in c] + [f"b_{k}_rate" for k in c] + [f"lead_{k}" for k in c]
    names += ["jaccard", "cover_body", "cover_lead", "cover_best_sent", "cover_bigram", "cover_trigram",
              "tfidf_cos"]
    names += ["sim_max", "sim_top3", "sim_mean_vec", "sim_lead", "sim_argmax_pos", "n_sim_50", "n_sim_60",
              "n_sim_70", "sim_max_minus_mean"]
    names += [f"top1_{k}" for k in c] + [f"top3_{k}" for k in c] + [f"simw_{k}" for k in c]
    names += ["lexbest_refute", "lexbest_negation", "polarity_h", "polarity_top3", "polarity_match"]
    return names


def pair_features(h: TextView, b: TextView, tfidf_cos: float) -> np.ndarray:
    """One feature row (order of `feature_names()`)."""
    f: list[float] = [min(h.n_tokens, 60), float(h.question), len(b.sentences), float(np.log1p(b.n_tokens))]
    h_cues = h.cues.sum(axis=0)
    f += list(h_cues)
    f += list(b.cues.sum(axis=0) * 100.0 / max(b.n_tokens, 1))
    f += list(b.cues[:LEAD].sum(axis=0))

    hs = h.content
    union = hs | b.content
    cover_sent = [_cover(hs, s) for s in b.sent_content]
    lex_best = int(np.argmax(cover_sent)) if cover_sent else 0
    f += [len(hs & b.content) / len(union) if union else 0.0, _cover(hs, b.content), _cover(hs, b.lead_content),
          max(cover_sent, default=0.0), _cover(h.bigrams, b.bigrams), _cover(h.trigrams, b.trigrams), tfidf_cos]

    hv = h.emb.mean(axis=0)
    hv = hv / (np.linalg.norm(hv) or 1.0)
    sims = b.emb @ hv
    order = np.argsort(-sims, kind="stable")
    top3 = order[:3]
    mean_vec = b.emb.mean(axis=0)
    sim_mean_vec = float(mean_vec @ hv / (np.linalg.norm(mean_vec) or 1.0))
    f += [float(sims[order[0]]), float(sims[top3].mean()), sim_mean_vec, float(sims[:LEAD].max()),
          float(order[0]) / max(len(sims) - 1, 1), float((sims > 0.5).sum()), float((sims > 0.6).sum()),
          float((sims > 0.7).sum()), float(sims[order[0]] - sims.mean())]

    w = np.clip(sims, 0.0, None) ** 2  # cues weighted by how close their sentence is to the headline
    f += list(b.cues[order[0]]) + list(b.cues[top3].sum(axis=0)) + list((b.cues * w[:, None]).sum(axis=0))

    ref, neg = CUE_CLASSES.index("refute"), CUE_CLASSES.index("negation")
    pol_h = (h_cues[ref] + h_cues[neg]) % 2
    top3_cues = b.cues[top3].sum(axis=0)
    pol_b = (top3_cues[ref] + top3_cues[neg]) % 2
    f += [b.cues[lex_best, ref], b.cues[lex_best, neg], pol_h, pol_b, float(pol_h == pol_b)]
    return np.asarray(f, dtype=np.float32)
