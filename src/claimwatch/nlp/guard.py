"""The per-article guard: bounds the work any text can cause, so extraction time grows linearly with length.

Hostile text (a storm of quote marks, ``said said said …`` with no full stop) is cheap to write and used to
cost minutes: spaCy's tokenizer strips affixes from a long unbroken run one character at a time, and the
attribution rules walk a sentence once per reporting verb in it. The guard keeps every offset valid (the
text handed to spaCy has the article's length; characters are only ever replaced by spaces) and says what
it did, so the caller can report it as a problem for that article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from .extensions import remember_text

# No word, URL or number in news is this long; a run without whitespace beyond it is broken up with spaces.
# Up to about 1,000 characters the tokenizer's cost per character stays flat (docs/BENCHMARKS.md).
MAX_RUN_CHARS = 1000
# spaCy strips quote marks and other punctuation off a word one at a time, rescanning the rest each time, so
# a run of them costs the square of its length. Longer runs (never words: separator lines at most) get a
# space every this many characters; no claim can change, so this one is not reported.
MAX_PUNCT_RUN = 32
_PUNCT_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_PUNCT_RUN + 1))
# News sentences are far shorter than this; a longer stretch of tokens without a full stop, question or
# exclamation mark is not prose (a word or quote mark repeated, a table flattened to text) and is not
# analysed: the parser would make it one sentence, and the attribution rules walk a sentence once per
# reporting verb in it.
MAX_SENTENCE_TOKENS = 150
# Tokens analysed per article: some five times a long feature, so news is never cut, while no single
# article can hold the pipeline for more than a bounded time.
MAX_TOKENS = 25_000
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN_CHARS + 1))
_SENTENCE_END = frozenset(".!?")
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass
class Guarded:
    """A Doc ready for the pipeline, and one note per thing the guard changed (empty for ordinary text)."""

    doc: Doc
    notes: list[str] = field(default_factory=list)


def guarded_doc(nlp: Language, text: str) -> Guarded:
    """``nlp.make_doc`` of ``text`` within the guard's limits; each limit that applied is one note.

    - over ``nlp.max_length`` characters: only the first ``nlp.max_length`` are read;
    - a run of more than ``MAX_PUNCT_RUN`` punctuation characters gets a space every ``MAX_PUNCT_RUN`` (silently);
    - a run of more than ``MAX_RUN_CHARS`` non-space characters gets a space every ``MAX_RUN_CHARS``;
    - a stretch of more than ``MAX_SENTENCE_TOKENS`` tokens without sentence punctuation is blanked;
    - only the first ``MAX_TOKENS`` tokens are analysed.

    The Doc's text is a prefix of ``text`` with some characters replaced by spaces, so every offset into it
    is an offset into ``text``.
    """
    notes: list[str] = []
    if len(text) > nlp.max_length:
        notes.append(f"text is {len(text):,} characters; only the first {nlp.max_length:,} were analysed")
        text = text[: nlp.max_length]
    text, _ = _break_runs(text, _PUNCT_RUN, MAX_PUNCT_RUN)
    text, broken = _break_runs(text, _LONG_RUN, MAX_RUN_CHARS)
    if broken:
        notes.append(f"{broken} run(s) of more than {MAX_RUN_CHARS:,} characters without a space were broken up")
    doc = nlp.make_doc(text)
    stretches = _endless_stretches(doc, len(text))
    if stretches:
        chars = sum(end - start for start, end in stretches)
        notes.append(f"{len(stretches)} stretch(es) of more than {MAX_SENTENCE_TOKENS} tokens without sentence "
                     f"punctuation ({chars:,} characters) were not analysed")
        doc = _blanked_doc(nlp, text, stretches)
        text = doc.text
    if len(doc) > MAX_TOKENS:
        cut = doc[MAX_TOKENS].idx
        notes.append(f"text has {len(doc):,} tokens; only the first {MAX_TOKENS:,} ({cut:,} characters) were analysed")
        text = text[:cut]
        doc = nlp.make_doc(text)
    return Guarded(remember_text(doc, text), notes)


def _break_runs(text: str, pattern: re.Pattern, every: int) -> tuple[str, int]:
    """Replace every ``every``-th character of each run ``pattern`` finds with a space (length unchanged)."""
    runs = list(pattern.finditer(text))
    if not runs:
        return text, 0
    chars = list(text)
    for run in runs:
        for i in range(run.start() + every, run.end(), every):
            chars[i] = " "
    return "".join(chars), len(runs)


def _endless_stretches(doc: Doc, length: int) -> list[tuple[int, int]]:
    """Character ranges of the stretches of more than ``MAX_SENTENCE_TOKENS`` tokens with no sentence end.

    Reads token ids from an array rather than Token objects: making one per token was most of the guard's time.
    """
    if len(doc) <= MAX_SENTENCE_TOKENS:
        return []
    table = doc.to_array([ORTH, IDX])
    orths, starts = table[:, 0].tolist(), table[:, 1].tolist()
    ends: dict[int, bool] = {}  # per distinct token string: does it end a sentence or a paragraph?
    found: list[tuple[int, int]] = []
    first = 0  # token index where the current stretch began
    for i, orth in enumerate(orths):
        end = ends.get(orth)
        if end is None:
            word = doc.vocab.strings[orth]
            end = ends[orth] = word[-1:] in _SENTENCE_END or (word.isspace() and "\n\n" in word)
        if end:
            if i - first > MAX_SENTENCE_TOKENS:
                found.append((starts[first], starts[i]))
            first = i + 1
    if len(orths) - first > MAX_SENTENCE_TOKENS:
        found.append((starts[first], length))
    return found


def _blanked_doc(nlp: Language, text: str, ranges: list[tuple[int, int]]) -> Doc:
    """A Doc of ``text`` with the characters in ``ranges`` replaced by spaces (line breaks kept).

    The text around the ranges is tokenized as usual; each blank range becomes whitespace tokens of at most
    ``MAX_RUN_CHARS`` characters, built directly: tokenizing a megabyte of spaces is one giant token that
    spaCy's affix patterns scan in full, several times over.
    """
    parts: list[Doc] = []
    pos = 0
    for start, end in ranges:
        if start > pos:
            parts.append(nlp.make_doc(text[pos:start]))
        blank = _NOT_NEWLINE.sub(" ", text[start:end])
        words = [blank[i : i + MAX_RUN_CHARS] for i in range(0, len(blank), MAX_RUN_CHARS)]
        parts.append(Doc(nlp.vocab, words=words, spaces=[False] * len(words)))
        pos = end
    if pos < len(text):
        parts.append(nlp.make_doc(text[pos:]))
    return Doc.from_docs(parts, ensure_whitespace=False)
