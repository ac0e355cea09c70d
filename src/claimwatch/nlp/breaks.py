"""Paragraph breaks end sentences: the component that runs before spaCy's parser.

Scraped text often ends a headline, a dateline, a photo caption or a paragraph without a full stop. spaCy's parser
then reads two paragraphs as one sentence, and a speaker or a content runs across the blank line ("update\\n\\nAn
Iraqi official denied …", "They say the burger is hard\\n\\nThe pair horrified …"). A blank line is the writer's own
boundary, so the first token after one starts a sentence; the parser respects sentence starts set before it.

Many scraped articles end every paragraph with a single line break, and a caption on a line of its own runs into
the next paragraph's speaker ("ReutersKim Jong Un looking at fast food\nFellow expert Jenny Town … said": claims
interim 16). So a single line break starts a sentence too when the next line opens with a capital, a digit or a
quotation mark and the line before it ends a sentence (closing punctuation) or is a caption (under 70 characters,
not ending in a function word), unless the text is hard-wrapped (lines broken inside sentences): there the lines
are short, so a text of five lines or more whose median line is under 100 characters keeps only its blank lines.
"""
from __future__ import annotations

import functools
import re
from typing import Sequence

import numpy as np
from spacy.attrs import IS_SPACE
from spacy.tokens import Doc

from .extensions import doc_text

HARD_WRAP_MEDIAN = 100  # characters: a news paragraph is longer, a hard-wrapped line shorter
HARD_WRAP_MIN_LINES = 5
OPENERS = set("\"'“‘«(")


def paragraph_starts(doc: Doc) -> list[int]:
    """Indices of the first non-space token after each whitespace token holding a blank line, or a single line break
    where it counts (the module's docstring)."""
    if len(doc) < 2:
        return []
    # Only whitespace tokens are looked at (a handful per article): a loop over every token cost more than the
    # rest of the component.
    spaces = np.flatnonzero(doc.to_array([IS_SPACE]).reshape(-1)).tolist()
    is_space = set(spaces)
    starts: list[int] = []
    single = None  # whether a single line break counts, decided on the first one met
    for i in spaces:
        breaks = doc[i].text.count("\n")
        if breaks == 0:
            continue
        j = i + 1
        while j in is_space:
            j += 1
        if j >= len(doc):
            continue
        if breaks == 1 and not any("\n" in doc[k].text for k in range(i + 1, j)):
            if single is None:
                single = not hard_wrapped(doc_text(doc))
            first = doc[j].text[0]
            if not single or not (first.isupper() or first.isdigit() or first in OPENERS) or _mid_sentence(doc, i):
                continue
        if not starts or starts[-1] != j:
            starts.append(j)
    return starts


LINE_END = set(".!?:;\"'”’)»")
CAPTION_MAX = 70  # characters: a caption or headline line with no full stop is shorter than a wrapped line


def _mid_sentence(doc: Doc, space: int) -> bool:
    """Whether the line before the break at ``space`` stops inside a sentence: it ends in a function word ("… on
    Monday that\nRussia would …") or, with no closing punctuation, is as long as a wrapped line. A short line
    with no full stop is a caption or a headline."""
    k = space - 1
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k < 0:
        return False
    last = doc[k]
    if last.text[-1] in LINE_END:
        return False
    if last.is_stop or last.text in (",", "-", "–", "—"):
        return True
    start = k
    while start > 0 and "\n" not in doc[start - 1].text:
        start -= 1
    return last.idx + len(last.text) - doc[start].idx > CAPTION_MAX


def hard_wrapped(text: str) -> bool:
    """Whether the text breaks its lines inside sentences: five lines or more, the median under 100 characters."""
    lengths = sorted(len(line) for line in text.splitlines() if line.strip())
    return len(lengths) >= HARD_WRAP_MIN_LINES and lengths[len(lengths) // 2] < HARD_WRAP_MEDIAN


def mark_paragraph_starts(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on the first token of every paragraph."""
    for i in paragraph_starts(doc):
        doc[i].is_sent_start = True
    return doc


# A photo caption set inline in scraped text: "   Maria Gritsenko (right) … in central Kyiv. Photograph: Anastasia
# Taylor-Lind/The Guardian   ". It runs from a gap of two or more spaces (or a line break, or the text's start) to
# its credit, followed by another gap or the end. Its names are pictured, not speaking, and its quotation is a pull
# quote the body repeats (claims interim 21: a "he" resolved to a man pictured in a caption; "'I thought I might
# have to start over' … Fernandez. Photograph: …" taken as a claim of the person named before).
CAPTION = re.compile(
    r"(?:^|\n|[ \t\u00a0]{2,})(?P<caption>(?:[^\s]|[ \t\u00a0](?![ \t\u00a0])){0,400}?\b(?:Photograph|Photographs|Photo|Photos|Illustration|Composite)"
    r"\s*:\s*[^\n]{1,100}?)(?=[ \t\u00a0]{2,}|\n|$)")


# A related-article link set inline the same way: "   Related: Evacuation of Azovstal plant in Mariupol – in pictures
#   Akhmetov has said …" (the link title became part of a speaker, and a headline in it a claim).
RELATED = re.compile(r"(?:^|\n|[ \t\u00a0]{2,})(?P<caption>Related:[^\n]{1,200}?)(?=[ \t\u00a0]{2,}|\n|$)")


# A section heading run into the text, in capitals: "… at the end of March. RUSSIA AND UKRAINE TRADE ACCUSATIONS
# Ukraine has accused Russia of …" (run 16: the heading became part of the speaker). Three or more capitalised words
# between a sentence end (or a line's start) and a capitalised word; a transcript's label ("ABC NEWS LIVE:", "TOM
# SOUFI BURRIDGE:") ends in a colon and is no heading.
HEADING = re.compile(r"(?:(?<=[.!?\"”’] )|^|(?<=\n))(?P<caption>[A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]*){2,})(?= [A-Z][a-z])")
_CAPS_RUN = re.compile(r"[A-Z]{2,} [A-Z]{2,} [A-Z]{2,}")


@functools.lru_cache(maxsize=4)
def caption_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """Character ranges of the inline photo captions, related-article links and capitalised section headings in
    ``text`` (see ``CAPTION``, ``RELATED``, ``HEADING``), in text order. Kept for the last few texts: the speaker stage
    asks once per pronoun, with the Doc's one text object (``extensions.doc_text``)."""
    found = []
    if "Photo" in text or "Illustration" in text or "Composite" in text:
        found += [m.span("caption") for m in CAPTION.finditer(text)]
    if "Related:" in text:
        found += [m.span("caption") for m in RELATED.finditer(text)]
    if _CAPS_RUN.search(text):
        found += [m.span("caption") for m in HEADING.finditer(text)]
    return tuple(sorted(found))


def in_ranges(offset: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in ranges)
