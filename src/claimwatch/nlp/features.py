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

from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_SPACE, LEMMA, LOWER, ORTH, POS, TAG
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


@dataclass(frozen=True)
class Columns:
    """Per-token attributes as plain lists, read from one `Doc.to_array`.

    Loops over every token read these instead of Token objects: making a Token per token, in each of a dozen
    passes over the Doc, was a large part of the attribution stage's time on long articles.
    """

    text: list[str]
    lower: list[str]
    lemma: list[str]  # lower-cased, as the lexicons and features use it
    pos: list[str]
    tag: list[str]
    dep: list[str]
    ent: list[str]  # "" outside entities
    head: list[int]  # absolute token index
    is_space: list[bool]


def columns(doc: Doc) -> Columns:
    """The Doc's `Columns` (computed once within `doc_cache`)."""
    return _memo(doc, "columns", lambda: _columns(doc))


def _columns(doc: Doc) -> Columns:
    n = len(doc)
    if n == 0:
        return Columns([], [], [], [], [], [], [], [], [])
    table = doc.to_array([ORTH, LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, IS_SPACE])
    strings = doc.vocab.strings
    names = {x: strings[x] for x in set(table[:, [0, 1, 3, 4, 5, 6]].ravel().tolist())}
    lemmas = {x: strings[x].lower() for x in set(table[:, 2].tolist())}
    text, lower, lemma, pos, tag, dep, ent = (
        [(lemmas if k == 2 else names)[x] for x in table[:, k].tolist()] for k in range(7)
    )
    # HEAD comes back relative, as uint64: as int64 it is the signed offset.
    heads = (doc.to_array([HEAD]).astype("int64").ravel() + range(n)).tolist()
    return Columns(text, lower, lemma, pos, tag, dep, ent, heads, [bool(x) for x in table[:, 7].tolist()])


def paragraphs(doc: Doc) -> list[Paragraph]:
    """Split a Doc into paragraphs at newline whitespace tokens (long ones again at sentence ends)."""
    return _memo(doc, "paragraphs", lambda: _paragraphs(doc))


def line_paragraphs(doc: Doc) -> list[Paragraph]:
    """The text's own paragraphs: token ranges between newlines."""
    return _memo(doc, "line_paragraphs", lambda: _line_paragraphs(doc))


def _line_paragraphs(doc: Doc) -> list[Paragraph]:
    # Line breaks are whitespace tokens (a token's own `whitespace_` is one space at most). Only whitespace
    # tokens' text is looked at: the speaker stage calls this outside `doc_cache`, once per Doc.
    strings = doc.vocab.strings
    table = doc.to_array([IS_SPACE, ORTH]).tolist() if len(doc) else []
    out: list[Paragraph] = []
    start = 0
    for i, (space, orth) in enumerate(table):
        if space and "\n" in strings[orth]:
            if i > start:
                out.append(Paragraph(start, i))
            start = i + 1
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


def opening_position(doc: Doc, i: int) -> bool:
    """A straight quote with space (or the text start) before it and a word right after it."""
    before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_space
    after = i + 1 < len(doc) and not doc[i].whitespace_ and not doc[i + 1].is_space and not doc[i + 1].is_punct
    return before and after


def _quote_depth(doc: Doc) -> list[int]:
    inside = [0] * len(doc)
    paras = line_paragraphs(doc)
    texts = columns(doc).text
    for n, para in enumerate(paras):
        state, opened = False, -1
        for i in range(para.start, para.end):
            t = texts[i]
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
                if state and opening_position(doc, i) and i > 0 and texts[i - 1] in SENTENCE_ENDS:
                    continue  # the next paragraph of the same quote, scraped without its line break
                if not state:
                    opened = i
                state = not state
            else:
                inside[i] = 1 if state else 0
        nxt = paras[n + 1] if n + 1 < len(paras) else None
        continues = nxt is not None and (texts[nxt.start] in OPEN_QUOTES or texts[nxt.start] in STRAIGHT_QUOTES
                                         or texts[nxt.start] == "``")
        if state and not continues:
            end = doc[opened].sent.end
            for i in range(max(end, opened + 1), para.end):
                inside[i] = 0
    return inside


def cue_tokens(doc: Doc, lexicon: CueLexicon) -> list[Optional[str]]:
    """The cue class of each token that is a reporting verb/noun in the lexicon, else None."""
    return _memo(doc, ("cues", id(lexicon)), lambda: _cue_tokens(doc, lexicon))


def _cue_tokens(doc: Doc, lexicon: CueLexicon) -> list[Optional[str]]:
    cols = columns(doc)
    found: dict[tuple[str, str, str], Optional[str]] = {}
    out: list[Optional[str]] = []
    for key in zip(cols.pos, cols.tag, cols.lemma):
        if key not in found:
            pos, tag, lemma = key
            cls = None
            if pos in ("VERB", "AUX") or tag.startswith("VB"):
                cls = lexicon.verb_class(lemma)
            elif pos in ("NOUN", "PROPN"):
                cls = lexicon.noun_class(lemma)
            found[key] = cls
        out.append(found[key])
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


def according_positions(doc: Doc) -> list[int]:
    """Indices of 'according' followed by 'to' (any case)."""
    lower = columns(doc).lower
    return [i for i in range(len(lower) - 1) if lower[i] == "according" and lower[i + 1] == "to"]


def according_to_marks(doc: Doc) -> list[int]:
    """1 for tokens inside the object of 'according to' (the source), 2 for 'according'/'to' themselves."""
    marks = [0] * len(doc)
    for i in according_positions(doc):
        marks[i] = 2
        marks[i + 1] = 2
        for child in doc[i + 1].children:
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
    the rules can be trusted. Token attributes come from `columns`: Token objects (one per token, over and
    over) were most of this function's cost, and on long articles the tagger is the largest part of
    claimwatch's time. Strings are joined with `+` (faster than `%`).
    """
    n = len(doc)
    if n == 0:
        return []
    quotes = quote_depth(doc)
    cues = cue_tokens(doc, lexicon)
    acc = according_to_marks(doc)
    cols = columns(doc)
    orth, lower, lemma, pos, tag, dep, ent, heads = (cols.text, cols.lower, cols.lemma, cols.pos, cols.tag, cols.dep,
                                                      cols.ent, cols.head)
    shapes = {w: _shape(w) for w in set(orth)}
    sents = list(doc.sents)
    sent_start = [0] * n
    sent_end = [0] * n
    for sent in sents:
        sent_start[sent.start : sent.end] = [sent.start] * len(sent)
        sent_end[sent.start : sent.end] = [sent.end] * len(sent)
    qs = ("q=0", "q=1")
    base: list[list[str]] = []
    for i in range(n):
        h = heads[i]
        q = quotes[i]
        low, d = lower[i], dep[i]
        f = [
            "bias",
            "w=" + low,
            "l=" + lemma[i],
            "p=" + pos[i],
            "t=" + tag[i],
            "d=" + d,
            "sh=" + shapes[orth[i]],
            "suf=" + low[-3:],
            qs[q],
            "hd=" + dep[h],
            "hl=" + lemma[h],
            "hp=" + pos[h],
            "d|hp=" + d + "|" + pos[h],
            "ent=" + (ent[i] or "-"),
            "acc=%d" % acc[i],
        ]
        if cues[i]:
            f += ["cue", "cuecls=" + cues[i], "cue|d=" + d]
        if cues[h]:
            f += ["hcue", "hcue|d=" + d]
        g, path = governing_path(i, heads, dep, cues)
        if g is not None:
            gdep = path[-1]
            side = "L" if i < g else "R"
            f += [
                "gov",
                "gdep=" + gdep,
                "gdep|side=" + gdep + "|" + side,
                "gdep|q=" + gdep + "|" + qs[q][2:],
                "gl=" + lemma[g],
                "gcls=" + (cues[g] or ""),
            ]
            if len(path) >= 2:
                f.append("gdep2=" + path[-2] + "|" + gdep)
            f.append("gdist=" + _bucket(abs(i - g)))
            if any(x in ("relcl", "acl") for x in path[:-1]):
                f.append("g_in_rel")
            if gdep in CONTENT_DEPS:
                f.append("gcontent")
            if gdep in SOURCE_DEPS:
                f.append("gsource")
        else:
            f.append("nogov")
        v, vdep = nearest_verb(i, heads, dep, pos)
        if v is not None:
            f += ["vl=" + lemma[v], "vl|d=" + lemma[v] + "|" + vdep, "vside=" + ("L" if i < v else "R")]
        if rule_tags is not None:
            r = rule_tags[i]
            f += ["r=" + r, "r|q=" + (r[2:] if r != "O" else "O") + "|" + qs[q][2:]]
        if i == sent_start[i]:
            f.append("sstart")
        if i == sent_end[i] - 1:
            f.append("send")
        base.append(f)
    # Sentence-level: a cue in the previous sentence of the paragraph; first sentence of a paragraph.
    prev_has_cue = False
    prev_para = -1
    para_of = [-1] * n
    for pn, para in enumerate(paragraphs(doc)):
        para_of[para.start : para.end] = [pn] * (para.end - para.start)
    for sent in sents:
        pn = para_of[sent.start]
        first_in_para = pn != prev_para
        extra = ["pcue=%d" % (1 if prev_has_cue and not first_in_para else 0)] + (["pfirst"] if first_in_para else [])
        for i in range(sent.start, sent.end):
            base[i] += extra
        prev_has_cue = any(cues[i] for i in range(sent.start, sent.end))
        prev_para = pn
    # Sentence-level cue presence and relative position (cheap and strongly predictive).
    for sent in sents:
        cue_idx = [i for i in range(sent.start, sent.end) if cues[i]]
        has_q = any(quotes[i] for i in range(sent.start, sent.end))
        flags = ["scue=%d" % (1 if cue_idx else 0), "sq=%d" % (1 if has_q else 0)]
        for i in range(sent.start, sent.end):
            f = base[i]
            f += flags
            if cue_idx:
                dist = i - _nearest(cue_idx, i)
                side = "0" if dist == 0 else "L" if dist < 0 else "R"
                f += ["cside=" + side, "cside|q=" + side + "|" + qs[quotes[i]][2:]]
    # Window features: a few features of each neighbour, made once per neighbour and offset.
    windows: dict[int, list[list[str]]] = {}
    for off in (-2, -1, 1, 2):
        w, p, qq, dd, rr, cue = ("%d:%s" % (off, k) for k in ("w=", "p=", "q=", "d=", "r=", "cue"))
        near = abs(off) == 1
        column = []
        for j in range(n):
            feats = [w + lower[j], p + pos[j], qq + qs[quotes[j]][2:]]
            if near:
                feats.append(dd + dep[j])
                if rule_tags is not None:
                    feats.append(rr + rule_tags[j])
                if cues[j]:
                    feats.append(cue)
            column.append(feats)
        windows[off] = column
    pads = {off: ["%d:pad" % off] for off in (-2, -1, 1, 2)}
    for i in range(n):
        f = base[i]
        for off in (-2, -1, 1, 2):
            j = i + off
            f += windows[off][j] if 0 <= j < n else pads[off]
    return base
