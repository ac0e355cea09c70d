"""Speed and memory of extraction: ``claimwatch bench``.

Two runs over the same texts, each in a fresh process (multiprocessing ``spawn``) so that the
peak RSS one of them reports is its own:

* ``bare``: ``nlp.pipe`` of the base spaCy pipeline (``load_base_model``), docs discarded;
* ``full``: ``load_nlp`` + ``extract_articles`` (boilerplate masking, claimwatch components and
  building the output models).

Each run processes ``warmup`` texts first, untimed, then times one pass over all texts.
Words are whitespace-separated tokens of the input, the same count for both runs.

Notes:
    Modelled on spaCy's ``spacy/cli/benchmark_speed.py`` (warm-up, then a timed pass).
"""
from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from .errors import InputError
from .schema import Article

REFERENCE_CORPUS = "../shared/data/news/bbc_news_2004_2005_sample.jsonl"


def _read_fallback(path: Path) -> list[Article]:
    """JSONL with a "text" field per line, or a plain .txt file as one article."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        out = []
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                    raise InputError(f"{path}:{n}: record has no \"text\" string")
                out.append(Article(id=str(rec.get("id") or f"{path.stem}:{n}"), text=rec["text"]))
        return out
    return [Article(id=path.stem, text=path.read_text(encoding="utf-8", errors="replace"))]


def load_corpus(paths: Sequence[str | Path], limit: Optional[int] = None) -> list[Article]:
    """Read the benchmark corpus with claimwatch's own readers when they are available."""
    for p in paths:
        if not Path(p).exists():
            raise InputError(f"corpus not found: {p}")
    try:
        from .ingest.readers import read_articles  # type: ignore[import-not-found]
    except ImportError:
        read_articles = None
    articles: list[Article] = []
    if read_articles is not None:
        problems: list[Any] = []
        articles = list(islice(read_articles([str(p) for p in paths], problems=problems), limit))
    else:
        for p in paths:
            articles.extend(_read_fallback(Path(p)))
    if limit is not None:
        articles = articles[:limit]
    if not articles:
        raise InputError("the benchmark corpus holds no articles")
    return articles


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _run_bare(model: Optional[str], texts: list[str], warmup: int, batch_size: int) -> dict:
    from .pipeline import load_base_model

    t0 = time.perf_counter()
    nlp = load_base_model(model)
    load_s = time.perf_counter() - t0
    for _ in nlp.pipe(texts[:warmup], batch_size=batch_size):
        pass
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    wall = time.perf_counter() - t0
    return {"load_s": load_s, "wall_s": wall, "peak_rss_mb": _peak_rss_mb(), "claims": None}


def _run_full(model: Optional[str], articles: list[Article], warmup: int, batch_size: int) -> dict:
    from .pipeline import extract_articles, load_nlp

    t0 = time.perf_counter()
    nlp = load_nlp(model)
    load_s = time.perf_counter() - t0
    for _ in extract_articles(nlp, articles[:warmup], batch_size=batch_size):
        pass
    t0 = time.perf_counter()
    claims = 0
    for out in extract_articles(nlp, articles, batch_size=batch_size):
        claims += len(out.claims)
    wall = time.perf_counter() - t0
    return {"load_s": load_s, "wall_s": wall, "peak_rss_mb": _peak_rss_mb(), "claims": claims}


def _in_fresh_process(fn: Callable[..., dict], *args: Any) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as ex:
        return ex.submit(fn, *args).result()


def run_bench(
    corpus: Sequence[str | Path],
    limit: Optional[int] = None,
    model: Optional[str] = None,
    warmup: int = 10,
    batch_size: int = 16,
    progress: Optional[Callable[[str], None]] = None,
) -> dict:
    """Benchmark bare spaCy against full claimwatch extraction on the same texts.

    Returns ``{"corpus", "articles", "words", "machine", "runs": {"bare": {...}, "full": {...}},
    "ratio_full_bare_words_per_s"}``; each run has ``wall_s``, ``articles_per_s``, ``words_per_s``,
    ``peak_rss_mb`` and ``load_s`` (model load, not in ``wall_s``).
    """
    say = progress or (lambda _msg: None)
    articles = load_corpus(corpus, limit)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    say(f"bench: {len(articles)} articles, {words} words; warmup {warmup}")
    # Plain Article copies: whatever a reader attached must pickle cleanly into the child.
    plain = [Article(id=a.id, text=a.text) for a in articles]
    runs = {}
    for name, fn, data in (("bare", _run_bare, texts), ("full", _run_full, plain)):
        say(f"bench: running {name} in a fresh process")
        r = _in_fresh_process(fn, model, data, warmup, batch_size)
        wall = r["wall_s"]
        r["articles_per_s"] = len(articles) / wall if wall else 0.0
        r["words_per_s"] = words / wall if wall else 0.0
        runs[name] = r
        say(f"bench: {name}: {wall:.2f}s, {r['words_per_s']:.0f} words/s, peak RSS {r['peak_rss_mb']:.0f} MB")
    bare_wps = runs["bare"]["words_per_s"]
    return {
        "corpus": [str(c) for c in corpus],
        "articles": len(articles),
        "words": words,
        "warmup": warmup,
        "batch_size": batch_size,
        "model": model or "default",
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "runs": runs,
        "ratio_full_bare_words_per_s": runs["full"]["words_per_s"] / bare_wps if bare_wps else 0.0,
    }
