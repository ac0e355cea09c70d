"""Paragraph breaks end sentences: the component that runs before spaCy's parser.

Scraped text often ends a headline, a dateline, a photo caption or a paragraph without a full stop. spaCy's parser
then reads two paragraphs as one sentence, and a speaker or a content runs across the blank line ("update\\n\\nAn
Iraqi official denied …", "They say the burger is hard\\n\\nThe pair horrified …"). A blank line is the writer's own
boundary, so the first token after one starts a sentence; the parser respects sentence starts set before it. A
single line break is not used: hard-wrapped text breaks lines inside sentences.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE
from spacy.tokens import Doc


def blank_line_starts(doc: Doc) -> list[int]:
    """Indices of the first non-space token after each whitespace token holding a blank line."""
    if len(doc) < 2:
        return []
    # Only whitespace tokens are looked at (a handful per article): a loop over every token cost more than the
    # rest of the component.
    spaces = np.flatnonzero(doc.to_array([IS_SPACE]).reshape(-1)).tolist()
    is_space = set(spaces)
    starts: list[int] = []
    for i in spaces:
        if doc[i].text.count("\n") < 2:
            continue
        j = i + 1
        while j in is_space:
            j += 1
        if j < len(doc) and (not starts or starts[-1] != j):
            starts.append(j)
    return starts


def mark_paragraph_starts(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on the first token of every paragraph after a blank line."""
    for i in blank_line_starts(doc):
        doc[i].is_sent_start = True
    return doc
