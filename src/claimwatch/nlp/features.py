"""Token features for the attribution tagger (a linear-chain CRF over paragraphs).

The features mix surface cues (lemma, POS, quotes) with syntax relative to reporting cues: for every
token we find the nearest governing cue-lexicon word and record how the token hangs from it (inside its
clausal complement, its subject, its object…). Those are the regularities of attribution that
PolNeAR's annotations follow (Pareti 2015; Newell et al. 2018).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Token

from .lexicon import CueLexicon

OPEN_QUOTES = {"“", "‘", "«", "„"}
CLOSE_QUOTES = {"”", "’", "»"}
STRAIGHT_QUOTES = {'"'}
# Dependencies under which a reporting cue's clause or quote is its content.
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "parataxis", "advcl", "pcomp", "obj", "attr", "oprd", "acl"}
SOURCE_DEPS = {"nsubj", "nsubjpass", "agent"}


@dataclass(frozen=True)
class Paragraph:
    """A run of tokens between blank-line/newline breaks: the unit the CRF labels."""

    start: int  # token index
    end: int


def paragraphs(doc: Doc) -> list[Paragraph]:
    """Split a Doc into paragraphs at newline whitespace tokens (and at newlines in token whitespace)."""
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
    # Very long paragraphs (no line breaks at all) are cut at sentence ends to keep sequences small.
    result: list[Paragraph] = []
    for p in out:
        if p.end - p.start <= 400:
            result.append(p)
            continue
        cur = p.start
        for sent in doc[p.start : p.end].sents:
            if sent.end - cur > 300 and sent.start > cur:
                result.append(Paragraph(cur, sent.start))
                cur = sent.start
        result.append(Paragraph(cur, p.end))
    return [p for p in result if p.end > p.start]


def quote_depth(doc: Doc) -> list[int]:
    """1 for tokens inside quotation marks (quote marks included), else 0.

    Curly quotes open/close explicitly; straight quotes toggle. An unclosed quote ends at the paragraph
    break, which is also how news marks multi-paragraph quotes (no closing mark until the last one).
    """
    inside = [0] * len(doc)
    for para in paragraphs(doc):
        state = False
        for i in range(para.start, para.end):
            t = doc[i].text
            if t in OPEN_QUOTES or (t == "‘" and not state):
                inside[i] = 1
                state = True
            elif t in CLOSE_QUOTES and state:
                inside[i] = 1
                state = False
            elif t in STRAIGHT_QUOTES or t == "''" or t == "``":
                inside[i] = 1
                state = not state
            else:
                inside[i] = 1 if state else 0
    return inside


def cue_tokens(doc: Doc, lexicon: CueLexicon) -> list[Optional[str]]:
    """The cue class of each token that is a reporting verb/noun in the lexicon, else None."""
    out: list[Optional[str]] = []
    for tok in doc:
        cls = None
        if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            cls = lexicon.verb_class(tok.lemma_.lower())
        elif tok.pos_ in ("NOUN", "PROPN"):
            cls = lexicon.noun_class(tok.lemma_.lower())
        out.append(cls)
    return out


def governing_cue(tok: Token, is_cue: list[Optional[str]], max_up: int = 6) -> tuple[Optional[Token], str]:
    """Nearest ancestor that is a cue, with the dependency of the child on the path just below it."""
    g, path = governing_path(tok, is_cue, max_up)
    return g, (path[-1] if path else "")


def governing_path(tok: Token, is_cue: list[Optional[str]], max_up: int = 6) -> tuple[Optional[Token], list[str]]:
    """Nearest cue ancestor and the dependency labels on the way up to it (token first)."""
    child = tok
    node = tok.head
    path: list[str] = []
    steps = 0
    while node is not child and steps < max_up:
        path.append(child.dep_)
        if is_cue[node.i]:
            return node, path
        child, node = node, node.head
        steps += 1
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


def nearest_verb(tok: Token, max_up: int = 4) -> tuple[Optional[Token], str]:
    """Nearest verb ancestor (any verb, lexicon or not) and the dependency just below it.

    Lets the tagger learn attribution verbs the lexicon lacks ("want", "promote", "bemoan").
    """
    child, node = tok, tok.head
    for _ in range(max_up):
        if node is child:
            break
        if node.pos_ == "VERB":
            return node, child.dep_
        child, node = node, node.head
    return None, ""


def doc_features(doc: Doc, lexicon: CueLexicon, rule_tags: Optional[list[str]] = None) -> list[list[str]]:
    """Feature strings for every token of the Doc (python-crfsuite's list-of-strings format).

    `rule_tags` (from the dependency rule tagger) are stacked in as features: the CRF learns where
    the rules can be trusted.
    """
    quotes = quote_depth(doc)
    cues = cue_tokens(doc, lexicon)
    acc = according_to_marks(doc)
    gov_paths = [governing_path(t, cues) for t in doc]
    gov: list[tuple[Optional[Token], str]] = [(g, p[-1] if p else "") for g, p in gov_paths]
    base: list[list[str]] = []
    for tok in doc:
        g, gdep = gov[tok.i]
        sent = tok.sent
        f = [
            "bias",
            "w=" + tok.lower_,
            "l=" + tok.lemma_.lower(),
            "p=" + tok.pos_,
            "t=" + tok.tag_,
            "d=" + tok.dep_,
            "sh=" + _shape(tok.text),
            "suf=" + tok.lower_[-3:],
            "q=%d" % quotes[tok.i],
            "hd=" + tok.head.dep_,
            "hl=" + tok.head.lemma_.lower(),
            "hp=" + tok.head.pos_,
            "d|hp=%s|%s" % (tok.dep_, tok.head.pos_),
            "ent=" + (tok.ent_type_ or "-"),
            "acc=%d" % acc[tok.i],
        ]
        if cues[tok.i]:
            f += ["cue", "cuecls=" + cues[tok.i], "cue|d=" + tok.dep_]
        if cues[tok.head.i]:
            f += ["hcue", "hcue|d=" + tok.dep_]
        if g is not None:
            side = "L" if tok.i < g.i else "R"
            f += [
                "gov",
                "gdep=" + gdep,
                "gdep|side=%s|%s" % (gdep, side),
                "gdep|q=%s|%d" % (gdep, quotes[tok.i]),
                "gl=" + g.lemma_.lower(),
                "gcls=" + (cues[g.i] or ""),
            ]
            path = gov_paths[tok.i][1]
            if len(path) >= 2:
                f.append("gdep2=%s|%s" % (path[-2], path[-1]))
            f.append("gdist=" + _bucket(abs(tok.i - g.i)))
            if any(d in ("relcl", "acl") for d in path[:-1]):
                f.append("g_in_rel")
            if gdep in CONTENT_DEPS:
                f.append("gcontent")
            if gdep in SOURCE_DEPS:
                f.append("gsource")
        else:
            f.append("nogov")
        v, vdep = nearest_verb(tok)
        if v is not None:
            f += ["vl=" + v.lemma_.lower(), "vl|d=%s|%s" % (v.lemma_.lower(), vdep), "vside=" + ("L" if tok.i < v.i else "R")]
        if rule_tags is not None:
            r = rule_tags[tok.i]
            f += ["r=" + r, "r|q=%s|%d" % (r[2:] if r != "O" else "O", quotes[tok.i])]
        if tok.i == sent.start:
            f.append("sstart")
        if tok.i == sent.end - 1:
            f.append("send")
        # Does the sentence contain a cue at all, and on which side of this token?
        base.append(f)
    # Sentence-level cue presence and relative position (cheap and strongly predictive).
    prev_has_cue = False
    prev_para = -1
    para_of = {}
    for pn, para in enumerate(paragraphs(doc)):
        for i in range(para.start, para.end):
            para_of[i] = pn
    for sent in doc.sents:
        pn = para_of.get(sent.start, -1)
        first_in_para = pn != prev_para
        for t in sent:
            base[t.i].append("pcue=%d" % (1 if prev_has_cue and not first_in_para else 0))
            if first_in_para:
                base[t.i].append("pfirst")
        prev_has_cue = any(cues[t.i] for t in sent)
        prev_para = pn
    for sent in doc.sents:
        cue_idx = [t.i for t in sent if cues[t.i]]
        has_q = any(quotes[t.i] for t in sent)
        for t in sent:
            f = base[t.i]
            f.append("scue=%d" % (1 if cue_idx else 0))
            f.append("sq=%d" % (1 if has_q else 0))
            if cue_idx:
                nearest = min(cue_idx, key=lambda c: abs(c - t.i))
                dist = t.i - nearest
                f.append("cside=" + ("0" if dist == 0 else "L" if dist < 0 else "R"))
                f.append("cside|q=%s|%d" % ("0" if dist == 0 else "L" if dist < 0 else "R", quotes[t.i]))
    # Window features: copy a few features from neighbours.
    n = len(doc)
    out: list[list[str]] = []
    for i in range(n):
        f = list(base[i])
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                tj = doc[j]
                f.append("%d:w=%s" % (off, tj.lower_))
                f.append("%d:p=%s" % (off, tj.pos_))
                f.append("%d:q=%d" % (off, quotes[j]))
                if abs(off) == 1:
                    f.append("%d:d=%s" % (off, tj.dep_))
                    if rule_tags is not None:
                        f.append("%d:r=%s" % (off, rule_tags[j]))
                    if cues[j]:
                        f.append("%d:cue" % off)
            else:
                f.append("%d:pad" % off)
        out.append(f)
    return out
