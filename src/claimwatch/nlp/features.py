"""Token features for the attribution tagger (a linear-chain CRF over paragraphs).

The features mix surface cues (lemma, POS, quotes) with syntax relative to reporting cues: for every
token we find the nearest governing cue-lexicon word and record how the token hangs from it (inside its
clausal complement, its subject, its object…). Those are the regularities of attribution that
PolNeAR's annotations follow (Pareti 2015; Newell et al. 2018).
"""
from __future__ import annotations

import weakref
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, TypeVar, Union

import numpy as np
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


# Views that depend on the tokens and sentences only, kept for the Doc's lifetime (the attribution and speaker
# stages both read them; each reading was a few per cent of claimwatch's time on short articles). Weakly keyed:
# nothing is added to the Doc itself.
_LASTING_KEYS = frozenset({"quotes", "line_paragraphs"})
_LASTING: "weakref.WeakKeyDictionary[Doc, dict]" = weakref.WeakKeyDictionary()


def _memo(doc: Doc, key: object, compute: Callable[[], T]) -> T:
    if key in _LASTING_KEYS:
        lasting = _LASTING.setdefault(doc, {})
        slot = (key, doc.has_annotation("SENT_START"))  # a reading before the parser is not one after it
        if slot not in lasting:
            lasting[slot] = compute()
        return lasting[slot]
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
class Coded:
    """A column as integer codes into a table of values: what a Doc array of string ids is, after `np.unique`.

    The CRF scorer looks each distinct value up once (a few hundred per article) and spreads the results with one
    numpy gather, where a list of strings needs a Python lookup per token. None in `values`: the feature does not
    fire for the tokens with that code.
    """

    codes: np.ndarray  # int64, one per token
    values: list[Optional[str]]

    def tolist(self) -> list[Optional[str]]:
        values = self.values
        return [values[c] for c in self.codes.tolist()]

    def at(self, index: np.ndarray) -> "Coded":
        """The value of token index[i] at position i (a head's, a neighbour's)."""
        return Coded(self.codes[index], self.values)

    def mapped(self, fn: Callable[[str], Optional[str]]) -> "Coded":
        return Coded(self.codes, [None if v is None else fn(v) for v in self.values])


def coded(values: list) -> Coded:
    """A Python list as a `Coded` column (worth it for a column several features read)."""
    table: dict = {}
    codes = [table.setdefault(v, len(table)) for v in values]
    return Coded(np.array(codes, dtype=np.int64), list(table))


def _flag(present: np.ndarray) -> Coded:
    return Coded(present.astype(np.int64), [None, ""])


def _pair(a: Coded, b: Coded, join: Callable[[str, str], str]) -> Coded:
    """The conjunction of two coded columns (None where either is None)."""
    width = len(b.values)
    uniq, inverse = np.unique(a.codes * width + b.codes, return_inverse=True)
    values = [None if a.values[u // width] is None or b.values[u % width] is None
              else join(a.values[u // width], b.values[u % width]) for u in uniq.tolist()]
    return Coded(inverse.astype(np.int64).ravel(), values)


def _shift(col: Coded, off: int) -> Coded:
    """col[i + off] at position i; None where i + off falls outside the Doc."""
    n = len(col.codes)
    index = np.arange(n) + off
    outside = (index < 0) | (index >= n)
    codes = np.where(outside, len(col.values), col.codes[np.clip(index, 0, max(n - 1, 0))])
    return Coded(codes, col.values + [None])


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
    # The same attributes as `Coded` columns (text, lower, lemma, pos, tag, dep, ent), for the CRF's features.
    coded: dict[str, Coded] = field(default_factory=dict, compare=False, repr=False)


def columns(doc: Doc) -> Columns:
    """The Doc's `Columns` (computed once within `doc_cache`)."""
    return _memo(doc, "columns", lambda: _columns(doc))


def token_texts(doc: Doc) -> list[str]:
    """Every token's text: the `Columns`' when they are cached, else read on their own (the speaker stage needs
    only the texts, for quotes, and reading all nine columns again was most of its time)."""
    cache = doc.user_data.get(_CACHE)
    if cache is not None and "columns" in cache:
        return cache["columns"].text
    return _memo(doc, "texts", lambda: _texts(doc))


def _texts(doc: Doc) -> list[str]:
    if not len(doc):
        return []
    orths = doc.to_array([ORTH]).tolist()
    strings = doc.vocab.strings
    names = {x: strings[x] for x in set(orths)}
    return [names[x] for x in orths]


_CODED = ("text", "lower", "lemma", "pos", "tag", "dep", "ent")


def _columns(doc: Doc) -> Columns:
    n = len(doc)
    if n == 0:
        return Columns([], [], [], [], [], [], [], [], [])
    table = doc.to_array([ORTH, LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, IS_SPACE, HEAD])
    strings = doc.vocab.strings
    cols: dict[str, Coded] = {}
    for k, name in enumerate(_CODED):
        uniq, inverse = np.unique(table[:, k], return_inverse=True)
        values = [strings[x] for x in uniq.tolist()]
        cols[name] = Coded(inverse.astype(np.int64).ravel(), [v.lower() for v in values] if name == "lemma" else values)
    text, lower, lemma, pos, tag, dep, ent = (cols[name].tolist() for name in _CODED)
    # HEAD comes back relative, as uint64: as int64 it is the signed offset.
    heads = (table[:, 8].astype("int64") + np.arange(n)).tolist()
    return Columns(text, lower, lemma, pos, tag, dep, ent, heads, [bool(x) for x in table[:, 7].tolist()], cols)


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
    texts = token_texts(doc)
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
    dependency labels on the way up (token first). The definition, for one token: `feature_columns` reads it for all
    tokens at once (`_tree_columns`)."""
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


Column = tuple[str, Union[Coded, list[Optional[str]]]]

_OFFSETS = (-2, -1, 1, 2)
# Every feature template: the feature's name is the prefix followed by its value (flags: the prefix alone, value "").
TEMPLATES: tuple[str, ...] = (
    "bias", "w=", "l=", "p=", "t=", "d=", "sh=", "suf=", "q=", "hd=", "hl=", "hp=", "d|hp=", "ent=", "acc=",
    "cue", "cuecls=", "cue|d=", "hcue", "hcue|d=",
    "gov", "gdep=", "gdep|side=", "gdep|q=", "gl=", "gcls=", "gdep2=", "gdist=", "g_in_rel", "gcontent", "gsource",
    "nogov", "vl=", "vl|d=", "vside=", "r=", "r|q=", "sstart", "send", "pcue=", "pfirst", "scue=", "sq=", "cside=",
    "cside|q=",
) + tuple("%d:%s" % (off, k) for off in _OFFSETS for k in ("w=", "p=", "q=", "d=", "r=", "cue", "pad"))


def _bar(a: str, b: str) -> str:
    return a + "|" + b


def _second(_: str, b: str) -> str:
    return b


def _masked(col: Coded, index: np.ndarray, present: np.ndarray) -> Coded:
    """col[index[i]] at position i where ``present``, else None."""
    return Coded(np.where(present, col.codes[index], len(col.values)), col.values + [None])


def _first_up(chain: np.ndarray, hit: np.ndarray, steps: int) -> np.ndarray:
    """Per token, the first step 1..``steps`` up its ``chain`` (chain[:, j]: the ancestor j steps up) whose ancestor
    is a ``hit``; 0 where none is."""
    found = np.zeros(len(chain), dtype=np.int64)
    for j in range(steps, 0, -1):  # (from the top down: the nearest hit is written last)
        found[hit[chain[:, j]]] = j
    return found


_BUCKETS = ["1", "3", "10", "25", "far"]  # `_bucket`'s values, in order


def _tree_columns(cols: Columns, cues: list[Optional[str]], head_of: np.ndarray, q_col: Coded) -> list[Column]:
    """The features of each token's nearest governing cue (``governing_path``) and nearest verb (``nearest_verb``),
    for all tokens at once: one numpy step per level of the tree instead of a walk up it per token."""
    n = len(head_of)
    c = cols.coded
    up = 6  # governing_path's max_up; nearest_verb looks 4 up
    chain = np.empty((n, up + 1), dtype=np.int64)
    chain[:, 0] = np.arange(n)
    for j in range(1, up + 1):
        chain[:, j] = head_of[chain[:, j - 1]]
    rows = np.arange(n)
    is_cue = np.array([bool(x) for x in cues])
    steps = _first_up(chain, is_cue, up)  # the path's length; 0: no governing cue
    gov = steps > 0
    g = chain[rows, steps]
    below = chain[rows, np.maximum(steps - 1, 0)]  # the path's last token, the one the cue governs
    g_dep = _masked(c["dep"], below, gov)
    dep_values = c["dep"].values
    in_set = lambda names: np.array([v in names for v in dep_values])[c["dep"].codes]  # noqa: E731
    relative = in_set({"relcl", "acl"})
    in_rel = np.zeros(n, dtype=bool)
    for j in range(up - 1):  # a relative clause on the way up, the path's last label not counted
        in_rel |= (j < steps - 1) & relative[chain[:, j]]
    distance = np.abs(rows - g)
    buckets = np.select([distance <= 1, distance <= 3, distance <= 10, distance <= 25], [0, 1, 2, 3], 4)
    cue_classes = coded([x or "" for x in cues])
    v_steps = _first_up(chain, np.array([p == "VERB" for p in cols.pos]), 4)
    has_verb = v_steps > 0
    v = chain[rows, v_steps]
    v_lemma = _masked(c["lemma"], v, has_verb)
    side = Coded((rows >= g).astype(np.int64), ["|L", "|R"])  # (a root cue governs itself: R)
    return [
        ("gov", _flag(gov)),
        ("gdep=", g_dep),
        ("gdep|side=", _pair(g_dep, side, str.__add__)),
        ("gdep|q=", _pair(g_dep, q_col, _bar)),
        ("gl=", _masked(c["lemma"], g, gov)),
        ("gcls=", _masked(cue_classes, g, gov)),
        ("gdep2=", _pair(_masked(c["dep"], chain[rows, np.maximum(steps - 2, 0)], steps >= 2), g_dep, _bar)),
        ("gdist=", Coded(np.where(gov, buckets, len(_BUCKETS)), _BUCKETS + [None])),
        ("g_in_rel", _flag(gov & in_rel)),
        ("gcontent", _flag(gov & in_set(CONTENT_DEPS)[below])),
        ("gsource", _flag(gov & in_set(SOURCE_DEPS)[below])),
        ("nogov", _flag(~gov)),
        ("vl=", v_lemma),
        ("vl|d=", _pair(v_lemma, _masked(c["dep"], chain[rows, np.maximum(v_steps - 1, 0)], has_verb), _bar)),
        ("vside=", Coded(np.where(has_verb, (rows >= v).astype(np.int64), 2), ["L", "R", None])),
    ]


def feature_columns(doc: Doc, lexicon: CueLexicon, rule_tags: Optional[list[str]] = None) -> list[Column]:
    """The attribution tagger's features as columns: (template, the value at every token, None where it does not
    fire), most of them `Coded`.

    The CRF scorer (`crf_scorer.CrfScorer`) turns a coded column into weight-row ids with one dict lookup per
    distinct value, without building ~45 strings per token; `doc_features` renders the same features as
    python-crfsuite's strings, for training.

    The features mix surface cues with the token's place under the nearest governing cue (its path up the
    tree), the nearest verb, the rule tagger's tag (`rule_tags`: the CRF learns where the rules can be
    trusted), sentence-level cue and quote presence, and a window of two tokens each side.
    """
    n = len(doc)
    if n == 0:
        return []
    quotes = quote_depth(doc)
    cues = cue_tokens(doc, lexicon)
    cols = columns(doc)
    c = cols.coded
    head_of = np.array(cols.head, dtype=np.int64)
    q_col = Coded(np.array(quotes, dtype=np.int64), ["0", "1"])
    is_cue = np.array([bool(x) for x in cues])
    cue_flag = _flag(is_cue)
    h_cue = _flag(is_cue[head_of])
    hpos = c["pos"].at(head_of)
    out: list[Column] = [
        ("bias", Coded(np.zeros(n, dtype=np.int64), [""])),
        ("w=", c["lower"]),
        ("l=", c["lemma"]),
        ("p=", c["pos"]),
        ("t=", c["tag"]),
        ("d=", c["dep"]),
        ("sh=", c["text"].mapped(_shape)),
        ("suf=", c["lower"].mapped(lambda w: w[-3:])),
        ("q=", q_col),
        ("hd=", c["dep"].at(head_of)),
        ("hl=", c["lemma"].at(head_of)),
        ("hp=", hpos),
        ("d|hp=", _pair(c["dep"], hpos, _bar)),
        ("ent=", c["ent"].mapped(lambda e: e or "-")),
        ("acc=", Coded(np.array(according_to_marks(doc), dtype=np.int64), ["0", "1", "2"])),
        ("cue", cue_flag),
        ("cuecls=", [x or None for x in cues]),
        ("cue|d=", _pair(cue_flag, c["dep"], _second)),
        ("hcue", h_cue),
        ("hcue|d=", _pair(h_cue, c["dep"], _second)),
    ]
    out += _tree_columns(cols, cues, head_of, q_col)
    rules: Optional[Coded] = None
    if rule_tags is not None:
        rules = coded(rule_tags)
        out += [("r=", rules), ("r|q=", _pair(rules, q_col, lambda r, x: (r[2:] if r != "O" else "O") + "|" + x))]
    sents = list(doc.sents)
    starts, ends = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    starts[[s.start for s in sents]] = True
    ends[[s.end - 1 for s in sents]] = True
    out += [("sstart", _flag(starts)), ("send", _flag(ends))]
    # Sentence-level: a cue in the previous sentence of the paragraph; the first sentence of a paragraph; cue and
    # quote presence in the sentence and the side of its nearest cue (codes 0, L, R; 3: no cue in the sentence).
    pcue, pfirst, scue, sq = (np.zeros(n, dtype=np.int64) for _ in range(4))
    side = np.full(n, 3, dtype=np.int64)
    para_of = [-1] * n
    for pn, para in enumerate(paragraphs(doc)):
        para_of[para.start : para.end] = [pn] * (para.end - para.start)
    prev_has_cue, prev_para = False, -1
    for sent in sents:
        a, b = sent.start, sent.end
        pn = para_of[a]
        first_in_para = pn != prev_para
        pcue[a:b] = prev_has_cue and not first_in_para
        pfirst[a:b] = first_in_para
        cue_idx = [i for i in range(a, b) if cues[i]]
        scue[a:b] = bool(cue_idx)
        sq[a:b] = any(quotes[a:b])
        if cue_idx:
            for i in range(a, b):
                dist = i - _nearest(cue_idx, i)
                side[i] = 0 if dist == 0 else 1 if dist < 0 else 2
        prev_has_cue = bool(cue_idx)
        prev_para = pn
    sides = Coded(side, ["0", "L", "R", None])
    out += [("pcue=", Coded(pcue, ["0", "1"])), ("pfirst", _flag(pfirst)), ("scue=", Coded(scue, ["0", "1"])),
            ("sq=", Coded(sq, ["0", "1"])), ("cside=", sides), ("cside|q=", _pair(sides, q_col, _bar))]
    # Window: a few features of the tokens up to two away (a pad flag past either end).
    index = np.arange(n)
    for off in _OFFSETS:
        shifted = [("w=", c["lower"]), ("p=", c["pos"]), ("q=", q_col)]
        if abs(off) == 1:
            shifted.append(("d=", c["dep"]))
            if rules is not None:
                shifted.append(("r=", rules))
            shifted.append(("cue", cue_flag))
        out += [("%d:%s" % (off, key), _shift(col, off)) for key, col in shifted]
        out.append(("%d:pad" % off, _flag((index + off < 0) | (index + off >= n))))
    return out


def doc_features(doc: Doc, lexicon: CueLexicon, rule_tags: Optional[list[str]] = None) -> list[list[str]]:
    """`feature_columns` as python-crfsuite's strings, a list per token (training and the MiniLM tagger's CRF)."""
    feats: list[list[str]] = [[] for _ in range(len(doc))]
    for prefix, column in feature_columns(doc, lexicon, rule_tags):
        values = column.tolist() if isinstance(column, Coded) else column
        for f, v in zip(feats, values):
            if v is not None:
                f.append(prefix + v)
    return feats
