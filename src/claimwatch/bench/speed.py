"""Speed and memory of extraction: ``claimwatch bench``.

Two runs over the same texts, each in a fresh process (multiprocessing ``spawn``) so that the
peak RSS one of them reports is its own:

* ``bare``: ``nlp.pipe`` of the base spaCy pipeline (``load_base_model``), docs discarded;
* ``full``: ``load_nlp`` + ``extract_articles`` (boilerplate masking, claimwatch components and
  building the output models);
* ``stages``: the same extraction run stage by stage (each pipeline component over a batch in turn), timing
  every component, the masking and the output models; the enrichment stages (``ENRICHMENT``: actors, places,
  dates, quantities, events) are summed and reported as a share of the whole extraction time, overall and
  per article.

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
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..errors import InputError
from ..schema import Article

# The components after attribution and speakers (actors to events): their cost is the "enrichment" share.
ENRICHMENT = ("claimwatch_actors", "claimwatch_places", "claimwatch_dates", "claimwatch_quantities",
              "claimwatch_events")
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
        from ..ingest.readers import read_articles  # type: ignore[import-not-found]
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
    from ..pipeline import load_base_model

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


def _run_full(model: Optional[str], articles: list[Article], warmup: int, batch_size: int,
              tagger: str = "crf") -> dict:
    from ..pipeline import extract_articles, load_nlp

    t0 = time.perf_counter()
    nlp = load_nlp(model, tagger=tagger)
    load_s = time.perf_counter() - t0
    for _ in extract_articles(nlp, articles[:warmup], batch_size=batch_size):
        pass
    t0 = time.perf_counter()
    claims = 0
    for out in extract_articles(nlp, articles, batch_size=batch_size):
        claims += len(out.claims)
    wall = time.perf_counter() - t0
    return {"load_s": load_s, "wall_s": wall, "peak_rss_mb": _peak_rss_mb(), "claims": claims}


def _run_stages(model: Optional[str], articles: list[Article], warmup: int, batch_size: int,
                tagger: str = "crf") -> dict:
    """Extraction stage by stage: seconds per component, per-article enrichment time, its share.

    Each batch goes through masking + ``make_doc``, then every component in pipeline order (``pipe`` where
    the component has one, as ``nlp.pipe`` does), then the output models; the work is that of
    ``extract_articles``, only timed between the stages. Per-article times exist for the enrichment
    components, which process one Doc at a time; the batched stages (parsing, masking, output) are shared
    among a batch's articles in proportion to their tokens.
    """
    from ..ingest.boilerplate import mask_boilerplate
    from ..nlp.extensions import ARTICLE_DATE_ATTR, CLAIMS_ATTR
    from ..pipeline import claims_out, load_nlp

    t0 = time.perf_counter()
    nlp = load_nlp(model, tagger=tagger)
    load_s = time.perf_counter() - t0
    names = [name for name, _ in nlp.pipeline]
    seconds = dict.fromkeys(["mask+make_doc", *names, "output"], 0.0)
    per_article: list[float] = []

    def run(batch: list[Article], record: bool) -> None:
        t = time.perf_counter()
        docs = []
        for a in batch:
            doc = nlp.make_doc(mask_boilerplate(a.text))
            setattr(doc._, ARTICLE_DATE_ATTR, a.date)
            docs.append(doc)
        spent = {"mask+make_doc": time.perf_counter() - t}
        # Per article: its own time in the one-Doc-at-a-time components, and a token-proportional part of
        # the batched ones (masking, the spaCy model's components, the output models).
        sizes = [max(1, len(d)) for d in docs]
        own = [0.0] * len(docs)
        enrich = [0.0] * len(docs)
        batched = spent["mask+make_doc"]
        for name, proc in nlp.pipeline:
            t = time.perf_counter()
            if name in ENRICHMENT or not hasattr(proc, "pipe"):
                out = []
                for i, doc in enumerate(docs):
                    t1 = time.perf_counter()
                    out.append(proc(doc))
                    dt = time.perf_counter() - t1
                    own[i] += dt
                    if name in ENRICHMENT:
                        enrich[i] += dt
                docs = out
                spent[name] = time.perf_counter() - t
            else:
                docs = list(proc.pipe(docs, batch_size=batch_size))
                spent[name] = time.perf_counter() - t
                batched += spent[name]
        t = time.perf_counter()
        for doc, a in zip(docs, batch):
            claims_out(a, getattr(doc._, CLAIMS_ATTR) or [])
        spent["output"] = time.perf_counter() - t
        batched += spent["output"]
        if record:
            for k, v in spent.items():
                seconds[k] += v
            total_tokens = sum(sizes)
            for i in range(len(docs)):
                whole = own[i] + batched * sizes[i] / total_tokens
                per_article.append(enrich[i] / whole if whole else 0.0)

    for i in range(0, min(warmup, len(articles)), batch_size):
        run(articles[i : min(warmup, i + batch_size)], record=False)
    t0 = time.perf_counter()
    for i in range(0, len(articles), batch_size):
        run(articles[i : i + batch_size], record=True)
    wall = time.perf_counter() - t0
    total = sum(seconds.values())
    enrichment = sum(seconds[n] for n in ENRICHMENT if n in seconds)
    shares = sorted(per_article)

    def pct(q: float) -> float:
        return shares[min(len(shares) - 1, int(q * len(shares)))] if shares else 0.0

    return {
        "load_s": load_s, "wall_s": wall, "peak_rss_mb": _peak_rss_mb(), "claims": None,
        "components_s": seconds,
        "enrichment_s": enrichment,
        "enrichment_share": enrichment / total if total else 0.0,
        "enrichment_share_per_article": {"median": pct(0.5), "p90": pct(0.9), "max": shares[-1] if shares else 0.0},
    }


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
    tagger: str = "crf",
    pairs: int = 1,
) -> dict:
    """Benchmark bare spaCy against full claimwatch extraction on the same texts.

    ``tagger``: the attribution tagger of the full and stages runs (``"crf"`` or ``"minilm"``).
    ``pairs``: bare and full run this many times, alternately (bare, full, bare, full, …). A shared machine drifts
    by a few percent between runs a minute apart, as much as the ratio's margin: each pair's ratio is taken
    one run after the other, and the reported ratio is their median (``ratio_per_pair`` lists them all);
    ``runs["bare"]`` and ``runs["full"]`` are then the median-time runs. The load average before each run is
    kept in ``load_before``.

    Returns ``{"corpus", "articles", "words", "machine", "runs": {"bare", "full", "stages"},
    "ratio_full_bare_words_per_s", "components_s", "enrichment_share", "enrichment_share_per_article"}``;
    each run has ``wall_s``, ``articles_per_s``, ``words_per_s``, ``peak_rss_mb`` and ``load_s`` (model
    load, not in ``wall_s``). ``components_s``: seconds per stage of the ``stages`` run;
    ``enrichment_share``: the enrichment components' part of its extraction time.
    """
    say = progress or (lambda _msg: None)
    articles = load_corpus(corpus, limit)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    say(f"bench: {len(articles)} articles, {words} words; warmup {warmup}")
    # Plain Article copies: whatever a reader attached must pickle cleanly into the child.
    plain = [Article(id=a.id, text=a.text) for a in articles]
    runs: dict[str, dict] = {}
    timed: dict[str, list[dict]] = {"bare": [], "full": []}
    plan = [("bare", _run_bare, texts), ("full", _run_full, plain)] * pairs + [("stages", _run_stages, plain)]
    for name, fn, data in plan:
        say(f"bench: running {name} in a fresh process")
        extra = () if name == "bare" else (tagger,)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        r = _in_fresh_process(fn, model, data, warmup, batch_size, *extra)
        wall = r["wall_s"]
        r["articles_per_s"] = len(articles) / wall if wall else 0.0
        r["words_per_s"] = words / wall if wall else 0.0
        r["load_before"] = load
        if name in timed:
            timed[name].append(r)
        runs[name] = r
        say(f"bench: {name}: {wall:.2f}s, {r['words_per_s']:.0f} words/s, peak RSS {r['peak_rss_mb']:.0f} MB")
    per_pair = [f["words_per_s"] / b["words_per_s"] if b["words_per_s"] else 0.0
                for b, f in zip(timed["bare"], timed["full"])]
    for name in timed:
        runs[name] = sorted(timed[name], key=lambda r: r["wall_s"])[(len(timed[name]) - 1) // 2]
    return {
        "corpus": [str(c) for c in corpus],
        "articles": len(articles),
        "words": words,
        "warmup": warmup,
        "batch_size": batch_size,
        "model": model or "default",
        "tagger": tagger,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "runs": runs,
        "ratio_full_bare_words_per_s": statistics.median(per_pair),
        "ratio_per_pair": per_pair,
        "components_s": runs["stages"]["components_s"],
        "enrichment_share": runs["stages"]["enrichment_share"],
        "enrichment_share_per_article": runs["stages"]["enrichment_share_per_article"],
    }
