"""Attribution extraction: who said what (speaker, cue, content) as a spaCy component.

Two stages:
1. *Tagging*: a linear-chain CRF (trained on PolNeAR train, `resources/attribution.crfsuite`) labels every
   token as part of a SOURCE, CUE or CONTENT (BIO tags, one paragraph per sequence). Without the model
   file, a dependency rule tagger gives the same kind of tags (lower recall).
2. *Grouping* (`group_chunks`): chunks of tags are tied into attributions through the dependency tree,
   then sentence proximity, then quote continuity; a split quote becomes one claim with several content
   parts.
Claim properties (kind, polarity, hedges, addressee, relay) are read off the grouped spans.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..schema import CharSpan, Claim
from .extensions import CLAIMS_ATTR, CONTENT_KEY, CUE_KEY, SPEAKER_KEY
from .features import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    STRAIGHT_QUOTES,
    cue_tokens,
    doc_features,
    paragraphs,
    quote_depth,
)
from .lexicon import CueLexicon, load_lexicon

log = logging.getLogger("claimwatch")

MODEL_FILE = "attribution.crfsuite"
QUOTE_CHARS = OPEN_QUOTES | CLOSE_QUOTES | STRAIGHT_QUOTES | {"``", "''"}
# Relay verbs: "X reported, citing Y" -> Y is the original source, X relayed it.
RELAY_LEMMAS = {"cite", "quote"}
ADDRESSEE_VERBS = {"tell", "inform", "assure", "warn", "brief", "remind", "notify", "reassure", "write"}


@dataclass
class Chunk:
    role: str  # SRC | CUE | CON
    start: int  # token index
    end: int  # exclusive

    def tokens(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


@dataclass
class Group:
    cue: list[Chunk] = field(default_factory=list)
    source: list[Chunk] = field(default_factory=list)
    content: list[Chunk] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- tagging


def chunks_from_tags(doc: Doc, tags: list[str]) -> list[Chunk]:
    """Contiguous runs of one role; B- starts a new chunk, whitespace tokens never start one."""
    out: list[Chunk] = []
    cur: Optional[Chunk] = None
    for i, tag in enumerate(tags):
        if tag == "O" or doc[i].is_space:
            if cur and not (doc[i].is_space and i + 1 < len(tags) and tags[i + 1] == "I-" + cur.role):
                out.append(cur)
                cur = None
            continue
        bio, role = tag.split("-", 1)
        if cur and cur.role == role and bio == "I":
            cur.end = i + 1
        else:
            if cur:
                out.append(cur)
            cur = Chunk(role, i, i + 1)
    if cur:
        out.append(cur)
    return out


def rule_tags(doc: Doc, lexicon: CueLexicon) -> list[str]:
    """Dependency rules: a cue verb's subject is the SOURCE and its clausal complement the CONTENT.

    Used when no trained model is available; also a readable statement of what the CRF learns.
    """
    tags = ["O"] * len(doc)
    cues = cue_tokens(doc, lexicon)

    def mark(tokens, role):
        first = True
        for t in tokens:
            if tags[t.i] == "O" and not t.is_space:
                tags[t.i] = ("B-" if first else "I-") + role
                first = False

    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = [c for c in to.children if c.dep_ == "pobj"]
            if pobj:
                mark([tok, to], "CUE")
                mark(sorted(pobj[0].subtree, key=lambda t: t.i), "SRC")
                clause = tok.head
                rest = [t for t in clause.subtree if t.i not in range(tok.i, pobj[0].right_edge.i + 1)]
                mark([t for t in rest if not t.is_punct or t.text in QUOTE_CHARS], "CON")
            continue
        if not cues[tok.i] or tok.pos_ != "VERB":
            continue
        comps = [c for c in tok.children if c.dep_ in ("ccomp", "parataxis") or (c.dep_ == "xcomp")]
        if not comps:
            continue
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        mark([tok] + [c for c in tok.children if c.dep_ in ("aux", "neg", "prt") and c.i > tok.i - 3], "CUE")
        if subj:
            mark(sorted(subj[0].subtree, key=lambda t: t.i), "SRC")
        for comp in comps:
            toks = sorted(comp.subtree, key=lambda t: t.i)
            if toks and toks[0].lower_ == "that" and toks[0].dep_ == "mark":
                toks = toks[1:]
            mark(toks, "CON")
    return tags


class CrfTagger:
    """Wraps a CRFsuite model; opened lazily so the component pickles for multiprocessing."""

    def __init__(self, path: str):
        self.path = path
        self._tagger = None

    def __getstate__(self):
        return {"path": self.path, "_tagger": None}

    def tag(self, doc: Doc, lexicon: CueLexicon) -> list[str]:
        if self._tagger is None:
            import pycrfsuite

            self._tagger = pycrfsuite.Tagger()
            self._tagger.open(self.path)
        feats = doc_features(doc, lexicon)
        tags = ["O"] * len(doc)
        for para in paragraphs(doc):
            tags[para.start : para.end] = self._tagger.tag(feats[para.start : para.end])
        return tags


# --------------------------------------------------------------------------------------------- grouping


def _is_ancestor(anc: Token, tok: Token, limit: int = 8) -> bool:
    node = tok
    for _ in range(limit):
        if node.i == anc.i:
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _root(doc: Doc, ch: Chunk) -> Token:
    """The token of a chunk whose head lies outside it (the first one, if several)."""
    for t in doc[ch.start : ch.end]:
        if not (ch.start <= t.head.i < ch.end) or t.head.i == t.i:
            return t
    return doc[ch.start]


def _syntactic_link(doc: Doc, cue: Chunk, other: Chunk) -> bool:
    r = _root(doc, other)
    return any(_is_ancestor(t, r) for t in doc[cue.start : cue.end]) or any(
        _is_ancestor(r, t, limit=2) for t in doc[cue.start : cue.end]
    )


def _only_glue_between(doc: Doc, a_end: int, b_start: int) -> bool:
    """True when only punctuation, quotes and whitespace separate two token positions."""
    return all(doc[i].is_punct or doc[i].is_space or doc[i].text in QUOTE_CHARS for i in range(a_end, b_start))


def group_chunks(doc: Doc, chunks: list[Chunk]) -> list[Group]:
    """Tie SOURCE and CONTENT chunks to CUE chunks; cue-less contents become their own claims."""
    sent_of = {}
    for si, sent in enumerate(doc.sents):
        for t in sent:
            sent_of[t.i] = si
    para_of = {}
    for pi, para in enumerate(paragraphs(doc)):
        for i in range(para.start, para.end):
            para_of[i] = pi

    cues = [c for c in chunks if c.role == "CUE"]
    groups = {id(c): Group(cue=[c]) for c in cues}
    ordered: list[Group] = [groups[id(c)] for c in cues]

    def best_cue(ch: Chunk) -> Optional[Chunk]:
        s = sent_of[ch.start]
        same = [c for c in cues if sent_of[c.start] == s or sent_of[c.end - 1] == sent_of[ch.end - 1]]
        linked = [c for c in same if _syntactic_link(doc, c, ch)]
        pool = linked or same
        if pool:
            return min(pool, key=lambda c: min(abs(c.start - ch.end), abs(ch.start - c.end)))
        # "He said:" then the quote in the next sentence; or the quote, then "she said." after it.
        near = [
            c for c in cues
            if para_of.get(c.start) == para_of.get(ch.start) and abs(sent_of[c.start] - s) == 1
            and (c.end <= ch.start and doc[ch.start - 1].text in (":",) or _only_glue_between(doc, c.end, ch.start)
                 or _only_glue_between(doc, ch.end, c.start))
        ]
        if near:
            return min(near, key=lambda c: min(abs(c.start - ch.end), abs(ch.start - c.end)))
        return None

    last_content: Optional[tuple[Group, Chunk]] = None
    orphans: list[Group] = []
    for ch in sorted((c for c in chunks if c.role == "CON"), key=lambda c: c.start):
        cue = best_cue(ch)
        if cue is not None:
            g = groups[id(cue)]
            g.content.append(ch)
            last_content = (g, ch)
            continue
        if last_content and _only_glue_between(doc, last_content[1].end, ch.start):
            # The tagger restarted a chunk inside one stretch of content (e.g. across a sentence end).
            last_content[0].content.append(ch)
            last_content = (last_content[0], ch)
            continue
        g = Group(content=[ch])
        orphans.append(g)
        last_content = (g, ch)

    for ch in (c for c in chunks if c.role == "SRC"):
        s = sent_of[ch.start]
        same = [c for c in cues if sent_of[c.start] == s]
        linked = [c for c in same if _syntactic_link(doc, c, ch)]
        pool = linked or same
        if not pool:
            continue
        cue = min(pool, key=lambda c: (bool(groups[id(c)].source), min(abs(c.start - ch.end), abs(ch.start - c.end))))
        groups[id(cue)].source.append(ch)

    result = [g for g in ordered if g.content] + orphans
    result.sort(key=lambda g: g.content[0].start)
    return result


# ------------------------------------------------------------------------------------- claim properties


def _char(doc: Doc, start: int, end: int) -> Optional[CharSpan]:
    """Char span of tokens [start, end), trimmed of whitespace tokens."""
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start >= end:
        return None
    return CharSpan(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))


def _trim_content(doc: Doc, ch: Chunk) -> tuple[int, int]:
    """Drop a leading complementizer and dangling punctuation (not quote marks) from a content chunk."""
    s, e = ch.start, ch.end
    while s < e and (doc[s].is_space or (doc[s].is_punct and doc[s].text not in QUOTE_CHARS)):
        s += 1
    while e > s and (doc[e - 1].is_space or doc[e - 1].text in {",", ";", ":", "-", "—", "–"}):
        e -= 1
    return s, e


def claim_kind(doc: Doc, group: Group, quotes: list[int]) -> str:
    cue_text = " ".join(doc[c.start : c.end].text.lower() for c in group.cue)
    if "according to" in cue_text:
        return "according_to"
    toks = [t for ch in group.content for t in doc[ch.start : ch.end] if not t.is_space]
    if not toks:
        return "indirect"
    inside = sum(quotes[t.i] for t in toks)
    if inside >= 0.9 * len(toks):
        return "direct"
    if group.cue and all(t.pos_ in ("NOUN", "PROPN") for c in group.cue for t in doc[c.start : c.end] if not t.is_punct and t.pos_ not in ("DET", "ADP", "AUX", "PART")):
        return "nominal"
    if inside >= 2:
        return "mixed"
    return "indirect"


def cue_head(doc: Doc, group: Group) -> Optional[Token]:
    """The main word of the cue: its verb (or noun), not auxiliaries."""
    toks = [t for c in group.cue for t in doc[c.start : c.end]]
    for pos in (("VERB",), ("NOUN", "PROPN"), ("ADP",)):
        for t in toks:
            if t.pos_ in pos:
                return t
    return toks[0] if toks else None


def _polarity(doc: Doc, group: Group, head: Optional[Token], lexicon: CueLexicon) -> str:
    if head is None:
        return "asserts"
    lemma = head.lemma_.lower()
    if lemma in lexicon.denials or lexicon.cue_class(lemma) == "deny":
        return "denies"
    # "rejected claims that …", "dismissed reports that …": the cue's object is a reporting noun.
    for child in head.children:
        if child.dep_ in ("dobj", "obj") and lexicon.noun_class(child.lemma_.lower()) and lemma in lexicon.denials:
            return "denies"
    return "asserts"


def _hedges(doc: Doc, group: Group, head: Optional[Token], lexicon: CueLexicon) -> tuple[str, ...]:
    found: list[str] = []
    words = [t for ch in group.content for t in doc[ch.start : ch.end]]
    if head is not None:
        words += [c for c in head.children if c.dep_ in ("advmod", "aux")] + [head]
    seen = set()
    for t in words:
        w = t.lower_
        if w in lexicon.hedges and lexicon.hedges[w] in ("modal", "evidential", "epistemic") and w not in seen:
            # "can" and "would" in content are usually not hedges of the claim itself.
            if w in ("can", "would", "should") and t.i >= (group.content[0].start if group.content else 0):
                continue
            seen.add(w)
            found.append(w)
    return tuple(found)


def _addressee(doc: Doc, head: Optional[Token], group: Group) -> Optional[CharSpan]:
    if head is None:
        return None
    content_idx = {t.i for ch in group.content for t in doc[ch.start : ch.end]}
    lemma = head.lemma_.lower()
    for child in head.children:
        if child.i in content_idx:
            continue
        if lemma in ADDRESSEE_VERBS and child.dep_ in ("dobj", "dative", "iobj") and child.pos_ in ("PROPN", "NOUN", "PRON"):
            toks = sorted(child.subtree, key=lambda t: t.i)
            return _char(doc, toks[0].i, toks[-1].i + 1)
        if child.dep_ in ("prep", "dative") and child.lower_ == "to" and lemma in ("say", "speak", "write", "explain", "tell"):
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj:
                toks = sorted(pobj[0].subtree, key=lambda t: t.i)
                return _char(doc, toks[0].i, toks[-1].i + 1)
    return None


def _relay(doc: Doc, head: Optional[Token]) -> Optional[tuple[Token, Span]]:
    """'X reported, citing Y': returns (the citing verb, Y)."""
    if head is None:
        return None
    for child in head.children:
        if child.lemma_.lower() in RELAY_LEMMAS and child.dep_ in ("advcl", "xcomp", "conj", "prep", "pcomp", "acl"):
            objs = [c for c in child.children if c.dep_ in ("dobj", "obj", "pobj")]
            if objs:
                toks = sorted(objs[0].subtree, key=lambda t: t.i)
                return child, doc[toks[0].i : toks[-1].i + 1]
    return None


def build_claim(doc: Doc, group: Group, quotes: list[int], lexicon: CueLexicon) -> Optional[Claim]:
    parts = []
    for ch in sorted(group.content, key=lambda c: c.start):
        s, e = _trim_content(doc, ch)
        sp = _char(doc, s, e)
        if sp:
            if parts and doc.text[parts[-1].end : sp.start].strip() == "":
                parts[-1] = CharSpan(parts[-1].start, sp.end)  # touching parts are one span
            else:
                parts.append(sp)
    if not parts:
        return None
    cue = tuple(sp for c in group.cue if (sp := _char(doc, c.start, c.end)))
    speaker = None
    if group.source:
        srcs = sorted(group.source, key=lambda c: c.start)
        speaker = _char(doc, srcs[0].start, srcs[-1].end)
    head = cue_head(doc, group)
    relay: tuple[CharSpan, ...] = ()
    rel = _relay(doc, head)
    if rel is not None and speaker is not None:
        # The cited party is the original speaker; the one who reported it is the relay.
        orig = _char(doc, rel[1].start, rel[1].end)
        if orig is not None:
            relay = (speaker,)
            speaker = orig
            cue = cue + tuple(sp for sp in [_char(doc, rel[0].i, rel[0].i + 1)] if sp)
    return Claim(
        content=tuple(parts),
        cue=cue or None,
        speaker=speaker,
        kind=claim_kind(doc, group, quotes),
        cue_class=lexicon.cue_class(head.lemma_.lower()) if head is not None else None,
        polarity=_polarity(doc, group, head, lexicon),
        hedges=_hedges(doc, group, head, lexicon),
        addressee=_addressee(doc, head, group),
        relay=relay,
    )


# -------------------------------------------------------------------------------------------- component


def default_model_path() -> Optional[str]:
    ref = resources.files("claimwatch.resources").joinpath(MODEL_FILE)
    return str(ref) if ref.is_file() else None


class AttributionComponent:
    """spaCy component `claimwatch_attribution`: sets `doc._.cw_claims` and the cw_* span groups."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        lexicon_path: Optional[str] = None,
        model_path: Optional[str] = None,
        use_model: bool = True,
    ):
        self.name = name
        self.lexicon = load_lexicon(lexicon_path)
        path = model_path or (default_model_path() if use_model else None)
        if model_path and not Path(model_path).is_file():
            from ..errors import ModelNotFoundError

            raise ModelNotFoundError(f"attribution model not found: {model_path}")
        self.tagger = CrfTagger(path) if path else None
        if use_model and self.tagger is None:
            log.warning("no trained attribution model found; using dependency rules only")

    def tags(self, doc: Doc) -> list[str]:
        return self.tagger.tag(doc, self.lexicon) if self.tagger else rule_tags(doc, self.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        quotes = quote_depth(doc)
        chunks = chunks_from_tags(doc, self.tags(doc))
        claims = []
        for group in group_chunks(doc, chunks):
            claim = build_claim(doc, group, quotes, self.lexicon)
            if claim is not None:
                claims.append(claim)
        setattr(doc._, CLAIMS_ATTR, claims)
        self._set_span_groups(doc, claims)
        return doc

    @staticmethod
    def _set_span_groups(doc: Doc, claims: list[Claim]) -> None:
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
        for key, spans in groups.items():
            doc.spans[key] = spans
