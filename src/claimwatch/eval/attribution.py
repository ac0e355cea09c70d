"""Evaluate attribution extraction on PolNeAR, against our pipeline and (optionally) a baseline.

Both systems are scored by :mod:`claimwatch.eval.metrics` in the same run on the same articles.
The textacy baseline is ``textacy.extract.triples.direct_quotations`` on a Doc from the same base
spaCy pipeline; it raises on many articles (e.g. an odd number of quote marks), and an article
where a system raises counts as a failure with zero predictions.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from ..corpora.polnear import GoldArticle, ReadStats, read_polnear
from ..errors import ClaimwatchError, InputError
from ..schema import Article, ClaimOut
from .metrics import Counts, content_set, jaccard, match_article, score_report

log = logging.getLogger("claimwatch")

Progress = Callable[[str], None]
Prediction = dict[str, Any]  # {"source": [[s, e], ...] | None, "cue": ... | None, "content": [[s, e], ...]}

BASELINES = ("textacy",)
BATCH = 16
QUOTE_CHARS = frozenset('"“”«»„‟')


def _noop(msg: str) -> None:
    log.info(msg)


# --- our system -------------------------------------------------------------------------------

def claim_to_prediction(claim: ClaimOut) -> Prediction:
    """One ClaimOut as a scorer-ready attribution (the parts of a discontinuous content kept apart)."""
    if claim.content.spans:
        content = [[s.start, s.end] for s in claim.content.spans]
    else:
        content = [[claim.content.start, claim.content.end]]
    return {
        "source": [[claim.speaker.start, claim.speaker.end]] if claim.speaker else None,
        "cue": [[claim.cue.start, claim.cue.end]] if claim.cue else None,
        "content": content,
    }


def predict_claimwatch(
    nlp: Any, articles: Sequence[GoldArticle], progress: Progress = _noop
) -> tuple[list[list[Prediction]], list[bool]]:
    """Run the claimwatch pipeline; returns predictions and a failure flag per article."""
    from ..pipeline import extract_articles

    preds: list[list[Prediction]] = []
    failed: list[bool] = []
    for b in range(0, len(articles), BATCH):
        chunk = [Article(id=a.id, text=a.text) for a in articles[b : b + BATCH]]
        try:
            outs = list(extract_articles(nlp, chunk))
            preds.extend([claim_to_prediction(c) for c in o.claims] for o in outs)
            failed.extend([False] * len(outs))
        except Exception as exc:  # one bad article must not sink the batch: redo it one by one
            log.warning("batch at %d failed (%s); retrying article by article", b, exc)
            for art in chunk:
                try:
                    (out,) = list(extract_articles(nlp, [art]))
                    preds.append([claim_to_prediction(c) for c in out.claims])
                    failed.append(False)
                except Exception as exc1:
                    log.warning("claimwatch failed on %s: %s: %s", art.id, type(exc1).__name__, exc1)
                    preds.append([])
                    failed.append(True)
        progress(f"claimwatch: {len(preds)}/{len(articles)} articles")
    return preds, failed


# --- textacy baseline -------------------------------------------------------------------------

def _token_spans(tokens: Iterable[Any]) -> list[list[int]]:
    """Merge tokens that are adjacent in the Doc into char spans."""
    out: list[list[int]] = []
    last_i = None
    for tok in sorted(tokens, key=lambda t: t.i):
        end = tok.idx + len(tok.text)
        if out and last_i is not None and tok.i == last_i + 1:
            out[-1][1] = end
        else:
            out.append([tok.idx, end])
        last_i = tok.i
    return out


def textacy_predictions(doc: Any) -> list[Prediction]:
    """textacy direct quotations of one Doc as attributions (raises whatever textacy raises)."""
    from textacy.extract.triples import direct_quotations

    preds = []
    for trip in direct_quotations(doc):
        content = trip.content
        preds.append({
            "source": _token_spans(trip.speaker) or None,
            "cue": _token_spans(trip.cue) or None,
            "content": [[content.start_char, content.end_char]],
        })
    return preds


def parse_base(base_nlp: Any, articles: Sequence[GoldArticle], progress: Progress = _noop) -> list[Any]:
    docs = []
    for doc in base_nlp.pipe((a.text for a in articles), batch_size=BATCH):
        docs.append(doc)
        if len(docs) % BATCH == 0 or len(docs) == len(articles):
            progress(f"base parse: {len(docs)}/{len(articles)} articles")
    return docs


def predict_textacy(docs: Sequence[Any]) -> tuple[list[list[Prediction]], list[bool]]:
    try:
        import textacy  # noqa: F401
    except ImportError:
        raise ClaimwatchError("the textacy baseline needs textacy: pip install 'claimwatch[eval]'") from None
    preds: list[list[Prediction]] = []
    failed: list[bool] = []
    for doc in docs:
        try:
            preds.append(textacy_predictions(doc))
            failed.append(False)
        except Exception as exc:
            log.info("textacy failed: %s: %s", type(exc).__name__, exc)
            preds.append([])
            failed.append(True)
    return preds, failed


# --- scoring and error analysis ---------------------------------------------------------------

def score_system(
    name: str, articles: Sequence[GoldArticle], preds: Sequence[Sequence[Prediction]], failed: Sequence[bool]
) -> dict:
    total = Counts()
    for art, pred, fail in zip(articles, preds, failed):
        total += match_article(art.text, art.attributions, pred, fail).counts
    report = score_report(total)
    return {"system": name, **report, "failures": total.failures}


def _features(text: str, doc: Any, attr: Prediction) -> list[str]:
    """Construction buckets one attribution falls in (an attribution can be in several)."""
    feats = []
    content = attr["content"]
    ctext = " ".join(text[s:e] for s, e in content)
    if any(ch in QUOTE_CHARS for ch in ctext):
        feats.append("quote marks in content")
    if ctext.strip().lower().split(" ", 1)[0] == "that":
        feats.append("content starts with 'that'")
    if not attr.get("source"):
        feats.append("source empty")
    cue = attr.get("cue")
    if not cue:
        feats.append("cue empty")
        return feats
    cue_text = " ".join(text[s:e] for s, e in cue).lower()
    if "according" in cue_text:
        feats.append("'according to' cue")
    if doc is not None:
        s, e = cue[0][0], cue[-1][1]
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None and len(span):
            root = span.root
            feats.append(f"cue lemma: {root.lemma_.lower()}")
            if root.pos_ in ("NOUN", "PROPN"):
                feats.append("noun cue")
    return feats


def error_buckets(
    articles: Sequence[GoldArticle],
    preds: Sequence[Sequence[Prediction]],
    docs: Optional[Sequence[Any]] = None,
    top: int = 10,
) -> dict:
    """Bucket missed gold attributions and false positives by construction.

    Returns ``{"missed": [...], "false_positives": [...]}``, each the ``top`` biggest buckets as
    ``{"bucket", "count", "share", "example"}`` (share of all misses / all false positives).
    """
    missed: Counter[str] = Counter()
    fps: Counter[str] = Counter()
    ex_m: dict[str, str] = {}
    ex_f: dict[str, str] = {}
    n_missed = n_fp = 0
    for k, (art, pred) in enumerate(zip(articles, preds)):
        doc = docs[k] if docs is not None else None
        m = match_article(art.text, art.attributions, pred)
        psets = [content_set(art.text, p["content"]) for p in pred]
        gsets = [content_set(art.text, g["content"]) for g in art.attributions]
        for gi in m.missed_gold:
            n_missed += 1
            feats = _features(art.text, doc, art.attributions[gi])
            if 0.0 < m.best_jaccard_gold[gi] < 0.5:
                feats.append("partial content overlap (0<J<0.5)")
            for f in feats:
                missed[f] += 1
                ex_m.setdefault(f, _example(art, art.attributions[gi]))
        for pi in m.false_pred:
            n_fp += 1
            feats = _features(art.text, doc, pred[pi])
            best = max((jaccard(psets[pi], g) for g in gsets), default=0.0)
            feats.append("partial content overlap (0<J<0.5)" if best > 0 else "no gold overlap")
            for f in feats:
                fps[f] += 1
                ex_f.setdefault(f, _example(art, pred[pi]))

    def rows(c: Counter[str], n: int, ex: dict[str, str]) -> list[dict]:
        return [
            {"bucket": b, "count": k, "share": k / n if n else 0.0, "example": ex.get(b, "")}
            for b, k in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ]

    return {
        "n_missed": n_missed,
        "n_false_positives": n_fp,
        "missed": rows(missed, n_missed, ex_m),
        "false_positives": rows(fps, n_fp, ex_f),
    }


def _example(art: GoldArticle, attr: Prediction) -> str:
    def txt(spans: Any) -> str:
        return " … ".join(art.text[s:e] for s, e in spans) if spans else "-"

    content = txt(attr["content"]).replace("\n", " ")
    if len(content) > 80:
        content = content[:77] + "..."
    return f"{art.id}: [{txt(attr.get('source'))}] [{txt(attr.get('cue'))}] {content}"


# --- entry point ------------------------------------------------------------------------------

def export_predictions(path: str | Path, articles: Sequence[GoldArticle], preds: Sequence[Sequence[Prediction]]) -> None:
    """Write predictions as JSONL: ``{"id", "attributions": [{"source", "cue", "content"}]}`` per article."""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            for art, pred in zip(articles, preds):
                fh.write(json.dumps({"id": art.id, "attributions": list(pred)}, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def evaluate_attribution(
    polnear_dir: str | Path,
    split: str = "dev",
    model: Optional[str] = None,
    baseline: Optional[str] = None,
    export: Optional[str | Path] = None,
    limit: Optional[int] = None,
    errors: int = 0,
    progress: Optional[Progress] = None,
    taggers: Sequence[str] = ("crf",),
) -> dict:
    """Score claimwatch (and optionally a baseline) on a PolNeAR split.

    Args:
        polnear_dir: PolNeAR data directory holding ``train/`` and ``dev/``.
        split: ``"dev"`` (default) or ``"train"``.
        model: spaCy pipeline name (default: the English default of :func:`claimwatch.pipeline.load_nlp`).
        baseline: ``"textacy"`` to score textacy's direct quotations beside ours, or None.
        export: write our predictions to this JSONL file.
        limit: evaluate only the first N articles (sorted by id).
        errors: when > 0, add the N biggest error buckets of our system to the report.
        progress: called with one-line progress messages (the CLI prints them to stderr).
        taggers: attribution taggers to score, each as its own system row in the same run (``"crf"``,
            ``"minilm"``). With one tagger the row is named ``claimwatch``, with several ``claimwatch-<tagger>``;
            export and error buckets are of the first.

    Returns:
        ``{"corpus", "split", "articles", "gold_attributions", "reader", "systems": [...], "errors"?}``;
        each system row holds ``content``/``exact``/``e2e`` P/R/F1, ``source_acc``, ``cue_acc``,
        ``counts`` and ``failures``.
    """
    from ..pipeline import load_base_model, load_nlp

    say = progress or _noop
    if baseline is not None and baseline not in BASELINES:
        raise ClaimwatchError(f"unknown baseline '{baseline}' (choose from: {', '.join(BASELINES)})")
    stats = ReadStats()
    articles = read_polnear(polnear_dir, split, limit=limit, stats=stats)
    say(f"read {len(articles)} {split} articles, {stats.attributions} gold attributions")

    if not taggers:
        raise ClaimwatchError("no attribution tagger to score")
    systems = []
    first: Optional[tuple[list[list[Prediction]], list[bool]]] = None
    for tagger in taggers:
        nlp = load_nlp(model, tagger=tagger)
        t_preds, t_failed = predict_claimwatch(nlp, articles, say)
        name = "claimwatch" if len(taggers) == 1 else f"claimwatch-{tagger}"
        systems.append(score_system(name, articles, t_preds, t_failed))
        first = first or (t_preds, t_failed)
    preds, failed = first
    if export is not None:
        export_predictions(export, articles, preds)
        say(f"wrote predictions to {export}")

    docs = None
    if baseline or errors > 0:
        base = load_base_model(model)
        docs = parse_base(base, articles, say)
    if baseline == "textacy":
        assert docs is not None
        b_preds, b_failed = predict_textacy(docs)
        systems.append(score_system("textacy", articles, b_preds, b_failed))

    report: dict[str, Any] = {
        "corpus": "polnear",
        "split": split,
        "model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
        "articles": len(articles),
        "gold_attributions": stats.attributions,
        "reader": {
            "offset_mismatches": stats.offset_mismatches,
            "discontinuous_spans": stats.discontinuous_spans,
            "events_without_content": stats.events_without_content,
        },
        "systems": systems,
    }
    if errors > 0:
        report["errors"] = {"system": systems[0]["system"], **error_buckets(articles, preds, docs, top=errors)}
    return report
