"""Token features for the attribution tagger (a linear-chain CRF over paragraphs).

The features mix surface cues (lemma, POS, quotes) with syntax relative to reporting cues: for every
token we find the nearest governing cue-lexicon word and record how the token hangs from it (inside its
clausal complement, its subject, its object…). Those are the regularities of attribution that
PolNeAR's annotations follow (Pareti 2015; Newell et al. 2018).
"""
from __future__ import annotations

from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, TypeVar

from spacy.tokens import Doc

from .lexicon import CueLexicon

T = TypeVar("T")

OPEN_QUOTES = {"“", "‘", "«", "„"}
CLOSE_QUOTES = {"”", "’", "»"}
STRAIGHT_QUOTES = {'"'}
SENTENCE_ENDS = {".", "!", "?"}
# Dependencies under which a reporting cue's clause or quote is its content.
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "parataxis", "advcl", "pcomp", "obj", "attr", "oprd", "acl"}
SOURCE_DEPS = {"nsubj", "nsubjpass", "agent"}


_CACHE = "_claimwatch_cache"


@contextmanager
def doc_cache(doc: Doc) -> Iterator[None]:
    """Within the block, per-Doc results (quotes, cues, paragraphs) are computed once.

    Several stages need the same views of a Doc; recomputing them was a fifth of the component's time.
    The cache lives in `doc.user_data` only while the component runs.
    """
    doc.user_data[_CACHE] = {}
    try:
        yield
    finally:
        doc.user_data.pop(_CACHE, None)


def _memo(doc: Doc, key: object, compute: Callable[[], T]) -> T:
    cache = doc.user_data.get(_CACHE)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@dataclass(frozen=True)
class Paragraph:
    """A run of tokens between blank-line/newline breaks: the unit the CRF labels."""

    start: int  # token index
    end: int


def paragraphs(doc: Doc) -> list[Paragraph]:
    """Split a Doc into paragraphs at newline whitespace tokens (and at newlines in token whitespace)."""
    return _memo(doc, "paragraphs", lambda: _paragraphs(doc))


def line_paragraphs(doc: Doc) -> list[Paragraph]:
    """The text's own paragraphs: token ranges between newlines."""
    return _memo(doc, "line_paragraphs", lambda: _line_paragraphs(doc))


def _line_paragraphs(doc: Doc) -> list[Paragraph]:
    out: list[Paragraph] = []
    start = 0
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            if tok.i > start:
                out.append(Paragraph(start, tok.i))
            start = tok.i + 1
        elif "\n" in tok.whitespace_:
            out.append(Paragraph(start, tok.i + 1))
            start = tok.i + 1
    if start < len(doc):
        out.append(Paragraph(start, len(doc)))
    return [p for p in out if p.end > p.start]


# A paragraph longer than this many tokens (scraped text often has no line breaks at all) is cut at sentence
# ends into sequences of about CHUNK_TOKENS for the taggers; quotes are still read over the whole paragraph.
MAX_PARAGRAPH_TOKENS = 400
CHUNK_TOKENS = 300


def _paragraphs(doc: Doc) -> list[Paragraph]:
    result: list[Paragraph] = []
    for p in line_paragraphs(doc):
        if p.end - p.start <= MAX_PARAGRAPH_TOKENS:
            result.append(p)
            continue
        cur = p.start
        for sent in doc[p.start : p.end].sents:
            if sent.end - cur > CHUNK_TOKENS and sent.start > cur:
                result.append(Paragraph(cur, sent.start))
                cur = sent.start
        result.append(Paragraph(cur, p.end))
    return [p for p in result if p.end > p.start]


def quote_depth(doc: Doc) -> list[int]:
    """1 for tokens inside quotation marks (quote marks included), else 0.

    Curly quotes open/close explicitly; a straight quote opens or closes by where it stands (space before:
    opening, space after: closing) and otherwise toggles. News marks a quote running over several paragraphs
    by leaving each paragraph but the last unclosed and opening the next with a quote mark; the same text
    scraped without line breaks shows as an opening mark right after a sentence end inside an open quote, and
    is read the same way (the quote continues). A quote left open with no such continuation ends at the end
    of its sentence, so one stray mark does not swallow the rest of the paragraph.
    """
    return _memo(doc, "quotes", lambda: _quote_depth(doc))


def _opening_position(doc: Doc, i: int) -> bool:
    """A straight quote with space (or the text start) before it and a word right after it."""
    before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_space
    after = i + 1 < len(doc) and not doc[i].whitespace_ and not doc[i + 1].is_space and not doc[i + 1].is_punct
    return before and after


def _quote_depth(doc: Doc) -> list[int]:
    inside = [0] * len(doc)
    paras = line_paragraphs(doc)
    for n, para in enumerate(paras):
        state, opened = False, -1
        for i in range(para.start, para.end):
            t = doc[i].text
            straight = t in STRAIGHT_QUOTES or t in ("''", "``")
            if t in OPEN_QUOTES or (t == "‘" and not state):
                if not state:
                    opened = i
                inside[i] = 1
                state = True
            elif t in CLOSE_QUOTES and state:
                inside[i] = 1
                state = False
            elif straight:
                inside[i] = 1
                if state and _opening_position(doc, i) and i > 0 and doc[i - 1].text in SENTENCE_ENDS:
                    continue  # the next paragraph of the same quote, scraped without its line break
                if not state:
                    opened = i
                state = not state
            else:
                inside[i] = 1 if state else 0
        nxt = paras[n + 1] if n + 1 < len(paras) else None
        continues = nxt is not None and (doc[nxt.start].text in OPEN_QUOTES or doc[nxt.start].text in STRAIGHT_QUOTES
                                         or doc[nxt.start].text == "``")
        if state and not continues:
            end = doc[opened].sent.end
            for i in range(max(end, opened + 1), para.end):
                inside[i] = 0
    return inside


def cue_tokens(doc: Doc, lexicon: CueLexicon) -> list[Optional[str]]:
    """The cue class of each token that is a reporting verb/noun in the lexicon, else None."""
    return _memo(doc, ("cues", id(lexicon)), lambda: _cue_tokens(doc, lexicon))


def _cue_tokens(doc: Doc, lexicon: CueLexicon) -> list[Optional[str]]:
    out: list[Optional[str]] = []
    for tok in doc:
        cls = None
        if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            cls = lexicon.verb_class(tok.lemma_.lower())
        elif tok.pos_ in ("NOUN", "PROPN"):
            cls = lexicon.noun_class(tok.lemma_.lower())
        out.append(cls)
    return out


def governing_path(i: int, heads: list[int], deps: list[str], cues: list[Optional[str]], max_up: int = 6):
    """Nearest cue among token i's ancestors (a cue token governs itself when it is the root) and the
    dependency labels on the way up (token first)."""
    child, node = i, heads[i]
    path: list[str] = []
    for _ in range(max_up):
        path.append(deps[child])
        if cues[node]:
            return node, path
        child, node = node, heads[node]
    return None, []


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "3" if n <= 3 else "10" if n <= 10 else "25" if n <= 25 else "far"


def according_to_marks(doc: Doc) -> list[int]:
    """1 for tokens inside the object of 'according to' (the source), 2 for 'according'/'to' themselves."""
    marks = [0] * len(doc)
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            marks[tok.i] = 2
            marks[tok.i + 1] = 2
            for child in doc[tok.i + 1].children:
                if child.dep_ == "pobj":
                    for t in child.subtree:
                        marks[t.i] = max(marks[t.i], 1)
    return marks


def _shape(text: str) -> str:
    if text.isupper() and len(text) > 1:
        return "UP"
    if text[:1].isupper():
        return "Cap"
    if text.isdigit():
        return "D"
    if text.isalpha():
        return "low"
    return "other"


def nearest_verb(i: int, heads: list[int], deps: list[str], pos: list[str], max_up: int = 4):
    """Nearest verb ancestor (any verb, lexicon or not; a root verb is its own) and the dependency
    just below it. Lets the tagger learn attribution verbs the lexicon lacks ("want", "bemoan")."""
    child, node = i, heads[i]
    for _ in range(max_up):
        if pos[node] == "VERB":
            return node, deps[child]
        child, node = node, heads[node]
    return None, ""


def _nearest(sorted_idx: list[int], i: int) -> int:
    """The value in ``sorted_idx`` closest to ``i``, the earlier one on a tie (as ``min`` by distance gives)."""
    k = bisect_left(sorted_idx, i)
    if k == len(sorted_idx):
        return sorted_idx[-1]
    if k == 0 or sorted_idx[k] - i < i - sorted_idx[k - 1]:
        return sorted_idx[k]
    return sorted_idx[k - 1]


def doc_features(doc: Doc, lexicon: CueLexicon, rule_tags: Optional[list[str]] = None) -> list[list[str]]:
    """Feature strings for every token of the Doc (python-crfsuite's list-of-strings format).

    `rule_tags` (from the dependency rule tagger) are stacked in as features: the CRF learns where
    the rules can be trusted. Token attributes are read once into lists: creating spaCy Token
    objects over and over was most of this function's cost.
    """
    toks = list(doc)
    n = len(toks)
    quotes = quote_depth(doc)
    cues = cue_tokens(doc, lexicon)
    acc = according_to_marks(doc)
    lower = [t.lower_ for t in toks]
    lemma = [t.lemma_.lower() for t in toks]
    pos = [t.pos_ for t in toks]
    dep = [t.dep_ for t in toks]
    heads = [t.head.i for t in toks]
    sents = list(doc.sents)
    sent_start = [0] * n
    sent_end = [0] * n
    for sent in sents:
        for i in range(sent.start, sent.end):
            sent_start[i] = sent.start
            sent_end[i] = sent.end
    base: list[list[str]] = []
    for i, tok in enumerate(toks):
        h = heads[i]
        q = quotes[i]
        f = [
            "bias",
            "w=" + lower[i],
            "l=" + lemma[i],
            "p=" + pos[i],
            "t=" + tok.tag_,
            "d=" + dep[i],
            "sh=" + _shape(tok.text),
            "suf=" + lower[i][-3:],
            "q=%d" % q,
            "hd=" + dep[h],
            "hl=" + lemma[h],
            "hp=" + pos[h],
            "d|hp=%s|%s" % (dep[i], pos[h]),
            "ent=" + (tok.ent_type_ or "-"),
            "acc=%d" % acc[i],
        ]
        if cues[i]:
            f += ["cue", "cuecls=" + cues[i], "cue|d=" + dep[i]]
        if cues[h]:
            f += ["hcue", "hcue|d=" + dep[i]]
        g, path = governing_path(i, heads, dep, cues)
        if g is not None:
            gdep = path[-1]
            side = "L" if i < g else "R"
            f += [
                "gov",
                "gdep=" + gdep,
                "gdep|side=%s|%s" % (gdep, side),
                "gdep|q=%s|%d" % (gdep, q),
                "gl=" + lemma[g],
                "gcls=" + (cues[g] or ""),
            ]
            if len(path) >= 2:
                f.append("gdep2=%s|%s" % (path[-2], path[-1]))
            f.append("gdist=" + _bucket(abs(i - g)))
            if any(d in ("relcl", "acl") for d in path[:-1]):
                f.append("g_in_rel")
            if gdep in CONTENT_DEPS:
                f.append("gcontent")
            if gdep in SOURCE_DEPS:
                f.append("gsource")
        else:
            f.append("nogov")
        v, vdep = nearest_verb(i, heads, dep, pos)
        if v is not None:
            f += ["vl=" + lemma[v], "vl|d=%s|%s" % (lemma[v], vdep), "vside=" + ("L" if i < v else "R")]
        if rule_tags is not None:
            r = rule_tags[i]
            f += ["r=" + r, "r|q=%s|%d" % (r[2:] if r != "O" else "O", q)]
        if i == sent_start[i]:
            f.append("sstart")
        if i == sent_end[i] - 1:
            f.append("send")
        base.append(f)
    # Sentence-level: a cue in the previous sentence of the paragraph; first sentence of a paragraph.
    prev_has_cue = False
    prev_para = -1
    para_of = {}
    for pn, para in enumerate(paragraphs(doc)):
        for i in range(para.start, para.end):
            para_of[i] = pn
    for sent in sents:
        pn = para_of.get(sent.start, -1)
        first_in_para = pn != prev_para
        pcue = "pcue=%d" % (1 if prev_has_cue and not first_in_para else 0)
        for i in range(sent.start, sent.end):
            base[i].append(pcue)
            if first_in_para:
                base[i].append("pfirst")
        prev_has_cue = any(cues[i] for i in range(sent.start, sent.end))
        prev_para = pn
    # Sentence-level cue presence and relative position (cheap and strongly predictive).
    for sent in sents:
        cue_idx = [i for i in range(sent.start, sent.end) if cues[i]]
        has_q = any(quotes[i] for i in range(sent.start, sent.end))
        for i in range(sent.start, sent.end):
            f = base[i]
            f.append("scue=%d" % (1 if cue_idx else 0))
            f.append("sq=%d" % (1 if has_q else 0))
            if cue_idx:
                nearest = _nearest(cue_idx, i)
                dist = i - nearest
                side = "0" if dist == 0 else "L" if dist < 0 else "R"
                f.append("cside=" + side)
                f.append("cside|q=%s|%d" % (side, quotes[i]))
    # Window features: copy a few features from neighbours.
    out: list[list[str]] = []
    for i in range(n):
        f = list(base[i])
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f.append("%d:w=%s" % (off, lower[j]))
                f.append("%d:p=%s" % (off, pos[j]))
                f.append("%d:q=%d" % (off, quotes[j]))
                if abs(off) == 1:
                    f.append("%d:d=%s" % (off, dep[j]))
                    if rule_tags is not None:
                        f.append("%d:r=%s" % (off, rule_tags[j]))
                    if cues[j]:
                        f.append("%d:cue" % off)
            else:
                f.append("%d:pad" % off)
        out.append(f)
    return out
