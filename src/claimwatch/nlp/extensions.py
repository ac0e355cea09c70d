"""Doc extensions and span-group keys used by claimwatch components (names in one place)."""
from __future__ import annotations

import weakref

from spacy.tokens import Doc, Span

CLAIMS_ATTR = "cw_claims"
CUE_KEY = "cw_cue"
SPEAKER_KEY = "cw_speaker"
CONTENT_KEY = "cw_content"
# The article's publication date (ISO), set by the caller before the pipeline runs (extract_articles does);
# claimwatch_dates fills it from a dateline when it is missing and records where it came from.
ARTICLE_DATE_ATTR = "cw_article_date"
ARTICLE_DATE_ORIGIN_ATTR = "cw_article_date_origin"  # "metadata" | "text" | None


# doc.text joins every token's text on each access; read per claim, that made long articles quadratic.
_TEXTS: "weakref.WeakKeyDictionary[Doc, str]" = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc (the text of a Doc never changes once it is made)."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> Doc:
    """Record ``text`` as the Doc's text, for a Doc just made from it (spaCy's tokenizer keeps every character, so
    ``doc.text == text``): joining the tokens again cost 2 ms an article."""
    _TEXTS[doc] = text
    return doc


def register() -> None:
    """Register Doc extensions; idempotent, never run at import time."""
    if not Doc.has_extension(CLAIMS_ATTR):
        # A getter-free default of None: each component assigns a fresh list (no shared mutable default).
        Doc.set_extension(CLAIMS_ATTR, default=None)
    for attr in (ARTICLE_DATE_ATTR, ARTICLE_DATE_ORIGIN_ATTR):
        if not Doc.has_extension(attr):
            Doc.set_extension(attr, default=None)


def set_span_groups(doc: Doc, claims: list) -> None:
    """The cw_cue / cw_speaker / cw_content span groups from ``claims`` (span ``id_`` ties the parts of one claim);
    set by the attribution stage and again by the speaker stage, which trims speaker spans."""
    groups: dict[str, list[Span]] = {CUE_KEY: [], SPEAKER_KEY: [], CONTENT_KEY: []}
    for n, claim in enumerate(claims):
        cid = f"claim-{n}"
        for key, spans in (
            (CONTENT_KEY, claim.content),
            (CUE_KEY, claim.cue or ()),
            (SPEAKER_KEY, (claim.speaker,) if claim.speaker else ()),
        ):
            for sp in spans:
                span = doc.char_span(sp.start, sp.end, alignment_mode="expand")
                if span is not None:
                    span.id_ = cid
                    groups[key].append(span)
    for key, found in groups.items():
        doc.spans[key] = found
