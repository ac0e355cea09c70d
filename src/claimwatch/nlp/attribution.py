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
        if cues[tok.i] and tok.pos_ == "NOUN":
            _nominal_rule(doc, tok, lexicon, mark)
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


def _that_clause(tok: Token) -> Optional[Token]:
    """The 'that'-clause hanging from a noun: 'claims [that Moscow was deceitful]'."""
    for c in tok.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > tok.i and any(
            g.dep_ == "mark" and g.lower_ == "that" for g in c.children
        ):
            return c
    return None


def _nominal_rule(doc: Doc, noun: Token, lexicon: CueLexicon, mark) -> None:
    """Nominal attributions: 'claims by the West that …', 'the ministry's claim that …',
    'X rejected claims that …' (then X is the source and the verb is part of the cue)."""
    clause = _that_clause(noun)
    if clause is None:
        return
    content = [t for t in sorted(clause.subtree, key=lambda t: t.i) if not (t.dep_ == "mark" and t.head == clause)]
    verb = noun.head if noun.dep_ in ("dobj", "obj") else None
    source = None
    if verb is not None and verb.pos_ == "VERB" and verb.lemma_.lower() in lexicon.denials:
        mark([verb, noun], "CUE")
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        source = sorted(subj[0].subtree, key=lambda t: t.i) if subj else None
    else:
        mark([noun], "CUE")
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "by":
                pobj = [g for g in c.children if g.dep_ == "pobj"]
                if pobj:
                    source = sorted(pobj[0].subtree, key=lambda t: t.i)
            elif c.dep_ == "poss":
                source = [t for t in sorted(c.subtree, key=lambda t: t.i) if t.dep_ != "case"]
    if source:
        mark(source, "SRC")
    mark(content, "CON")


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
        feats = doc_features(doc, lexicon, rule_tags(doc, lexicon))
        tags = ["O"] * len(doc)
        for para in paragraphs(doc):
            tags[para.start : para.end] = self._tagger.tag(feats[para.start : para.end])
        return tags


def quote_regions(quotes: list[int]) -> list[tuple[int, int]]:
    """Token ranges [start, end) of quoted stretches, quote marks included."""
    out = []
    start = None
    for i, q in enumerate(quotes + [0]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            out.append((start, i))
            start = None
    return out


def snap_to_quotes(doc: Doc, chunks: list[Chunk], quotes: list[int]) -> list[Chunk]:
    """Stretch content chunks that cover most of a quotation to the whole quotation.

    Quote marks are the most reliable boundary signal in news text; the tagger's own boundaries inside
    long quotes are not. Chunks that end up covering the same quotation are merged.
    """
    regions = quote_regions(quotes)
    out: list[Chunk] = []
    for ch in chunks:
        if ch.role != "CON":
            out.append(ch)
            continue
        s, e = ch.start, ch.end
        for qs, qe in regions:
            overlap = min(e, qe) - max(s, qs)
            if overlap <= 0:
                continue
            if overlap >= 0.3 * (qe - qs) or (qs <= s and overlap >= 3):
                s, e = min(s, qs), max(e, qe)
        out.append(Chunk("CON", s, e))
    # Merge content chunks that now overlap; drop other roles' tokens swallowed by content.
    out.sort(key=lambda c: (c.start, -c.end))
    merged: list[Chunk] = []
    for ch in out:
        if ch.role == "CON" and merged:
            prev = next((m for m in reversed(merged) if m.role == "CON"), None)
            if prev is not None and ch.start < prev.end:
                prev.end = max(prev.end, ch.end)
                continue
        merged.append(ch)
    cons = [c for c in merged if c.role == "CON"]
    return [c for c in merged if c.role == "CON" or not any(k.start <= c.start and c.end <= k.end for k in cons)]


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
    """True when only punctuation, quotes and whitespace separate two token positions (a before b)."""
    if a_end > b_start:
        return False
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

    quote_flags = quote_depth(doc)
    cues = [c for c in chunks if c.role == "CUE"]
    groups = {id(c): Group(cue=[c]) for c in cues}
    ordered: list[Group] = [groups[id(c)] for c in cues]

    def dist(c: Chunk, ch: Chunk) -> int:
        return min(abs(c.start - ch.end), abs(ch.start - c.end))

    def candidate_cues(ch: Chunk) -> list[Chunk]:
        """Cues that may own a content chunk, best first: syntax, then same sentence, then neighbours."""
        s = sent_of[ch.start]
        same = [c for c in cues if sent_of[c.start] == s or sent_of[c.end - 1] == sent_of[ch.end - 1]]
        linked = sorted((c for c in same if _syntactic_link(doc, c, ch)), key=lambda c: dist(c, ch))
        rest = sorted((c for c in same if c not in linked), key=lambda c: dist(c, ch))
        # "He said:" then the quote in the next sentence; or the quote, then "she said." after it.
        near = sorted(
            (
                c for c in cues
                if para_of.get(c.start) == para_of.get(ch.start)
                and (sent_of[c.start] == s - 1 or (sent_of[c.start] == s + 1 and _only_glue_between(doc, ch.end, c.start)))
            ),
            key=lambda c: dist(c, ch),
        )
        return linked + rest + near

    def compatible(g: Group, cue: Chunk, ch: Chunk) -> bool:
        """One cue owns several content chunks only as a split quote ('A,' he said, 'B') or a run of
        glued pieces; two separate stretches on the same side are two attributions."""
        for other in g.content:
            same_side = (other.end <= cue.start) == (ch.end <= cue.start)
            glued = _only_glue_between(doc, other.end, ch.start) or _only_glue_between(doc, ch.end, other.start)
            if glued:
                continue
            if same_side or not (quoted(other) and quoted(ch)):
                return False
        return True

    def quoted(ch: Chunk) -> bool:
        toks = [t for t in doc[ch.start : ch.end] if not t.is_space]
        return bool(toks) and sum(quote_flags[t.i] for t in toks) >= 0.8 * len(toks)

    # Global greedy assignment: the best (syntactic, then closest) cue-content pairs are tied first, so
    # a wrong early chunk cannot take a cue away from the content that really belongs to it.
    contents = sorted((c for c in chunks if c.role == "CON"), key=lambda c: c.start)
    pairs = []
    for ci, ch in enumerate(contents):
        for rank, cue in enumerate(candidate_cues(ch)):
            pairs.append((rank > 0, dist(cue, ch), rank, ci, cue))
    pairs.sort(key=lambda p: p[:4])
    owner: dict[int, Group] = {}
    for _, _, _, ci, cue in pairs:
        if ci in owner:
            continue
        g = groups[id(cue)]
        if compatible(g, cue, contents[ci]):
            g.content.append(contents[ci])
            owner[ci] = g
    last_content: Optional[tuple[Group, Chunk]] = None
    orphans: list[Group] = []
    for ci, ch in enumerate(contents):
        if ci in owner:
            last_content = (owner[ci], ch)
            continue
        if last_content and _only_glue_between(doc, last_content[1].end, ch.start):
            # The tagger restarted a chunk inside one stretch of content (e.g. across a sentence end).
            last_content[0].content.append(ch)
            last_content = (last_content[0], ch)
            continue
        g = Group(content=[ch])
        orphans.append(g)
        last_content = (g, ch)
    for g in ordered:
        g.content.sort(key=lambda c: c.start)

    for ch in (c for c in chunks if c.role == "SRC"):
        s = sent_of[ch.start]
        same = [c for c in cues if sent_of[c.start] == s]
        linked = [c for c in same if _syntactic_link(doc, c, ch)]
        pool = linked or same
        if not pool:
            continue
        cue = min(pool, key=lambda c: (bool(groups[id(c)].source), min(abs(c.start - ch.end), abs(ch.start - c.end))))
        groups[id(cue)].source.append(ch)

    # "X reported, citing Y": the tagger sometimes makes Y the content of 'citing'; Y is a source.
    relay_heads = {
        _root(doc, g.cue[0]).i for g in ordered if g.cue and _root(doc, g.cue[0]).lemma_.lower() in RELAY_LEMMAS
    }
    ordered = [
        g for g in ordered
        if not (g.cue and _root(doc, g.cue[0]).i in relay_heads and not g.source
                and any(other is not g and other.cue and _root(doc, other.cue[0]).i == _root(doc, g.cue[0]).head.i for other in ordered))
    ]
    # The tagger found the cue but no source: take the cue verb's grammatical subject.
    for g in ordered:
        if g.source or not g.content or not g.cue:
            continue
        head = _root(doc, g.cue[0])
        content_idx = {i for ch in g.content for i in range(ch.start, ch.end)}
        subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in content_idx]
        if subj and subj[0].lower_ not in ("there", "it") and head.pos_ in ("VERB", "AUX"):
            toks = sorted(subj[0].subtree, key=lambda t: t.i)
            if not any(t.i in content_idx for t in toks):
                g.source = [Chunk("SRC", toks[0].i, toks[-1].i + 1)]
    # "Peskov said …, adding that …": a cue verb hanging from another cue inherits its source.
    for g in ordered:
        if g.source or not g.content:
            continue
        head = _root(doc, g.cue[0])
        for other in ordered:
            if other is g or not other.source:
                continue
            if head.dep_ in ("advcl", "conj", "xcomp") and any(t.i == head.head.i for t in other.cue[0].tokens(doc)):
                g.source = list(other.source)
                break
    result = [g for g in ordered if g.content] + orphans
    result.sort(key=lambda g: g.content[0].start)
    return result


def rescue_rule_groups(doc: Doc, groups: list[Group], lexicon: CueLexicon) -> list[Group]:
    """Add high-precision rule attributions the tagger missed: 'according to X' and nominal
    'claims by X that …' / 'rejected claims that …' (rare in PolNeAR, common in conflict news)."""
    taken = {i for g in groups for part in (g.content, g.cue, g.source) for ch in part for i in range(ch.start, ch.end)}
    extra = []
    for g in group_chunks(doc, chunks_from_tags(doc, rule_tags(doc, lexicon))):
        if not g.cue or not g.content:
            continue
        head = doc[g.cue[0].start]
        special = head.lower_ == "according" or any(
            t.pos_ == "NOUN" for c in g.cue for t in doc[c.start : c.end]
        )
        if not special:
            continue
        toks = {i for part in (g.content, g.cue, g.source) for ch in part for i in range(ch.start, ch.end)}
        if toks & taken:
            continue
        extra.append(g)
        taken |= toks
    return sorted(groups + extra, key=lambda g: g.content[0].start)


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
        # The cue verb itself ("alleged") is the claim's cue, not a hedge on it.
        words += [c for c in head.children if c.dep_ in ("advmod", "aux")]
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
        chunks = snap_to_quotes(doc, chunks_from_tags(doc, self.tags(doc)), quotes)
        groups = group_chunks(doc, chunks)
        if self.tagger is not None:
            groups = rescue_rule_groups(doc, groups, self.lexicon)
        claims = []
        for group in groups:
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
