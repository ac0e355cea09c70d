"""From token tags to attributions: chunks of SOURCE / CUE / CONTENT tied together.

Chunks are tied through the dependency tree first, then sentence proximity, then quote continuity
(Pareti 2015 calls this the "attribution relation" of source, cue and content). A split quote becomes
one claim with several content parts; a multi-paragraph quote one claim over its paragraphs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Span, Token

from .features import CLOSE_QUOTES, OPEN_QUOTES, STRAIGHT_QUOTES, paragraphs, quote_depth

QUOTE_CHARS = OPEN_QUOTES | CLOSE_QUOTES | STRAIGHT_QUOTES | {"``", "''"}
# Relay verbs: "X reported, citing Y" -> Y is the original source, X relayed it.
RELAY_LEMMAS = {"cite", "quote"}
import os
SNAP_CLAUSE = os.environ.get("CW_SNAP", "1") == "1"
MERGE_FLOATING = os.environ.get("CW_MERGEF", "1") == "1"
MAX_GAP = int(os.environ.get("CW_GAP", "3"))


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
    relay: list[Chunk] = field(default_factory=list)  # who passed it on ("news agencies … citing X")
    rule: Optional[str] = None  # which rule built it (None: the tagger)


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
    # The tagger found a reporting verb but no content: take its clausal complement
    # ('said on Wednesday that …' where the tagger lost the thread after the adverbial).
    taken = {i for ch in chunks for i in range(ch.start, ch.end)}
    for g in ordered:
        if g.content or not g.cue:
            continue
        head = _root(doc, g.cue[0])
        comps = [c for c in head.children if c.dep_ == "ccomp" and c.i > head.i]
        if head.pos_ != "VERB" or not comps:
            continue
        toks = [t for t in sorted(comps[0].subtree, key=lambda t: t.i) if not (t.dep_ == "mark" and t.head == comps[0])]
        if toks and not any(t.i in taken for t in toks) and toks[-1].i - toks[0].i + 1 == len(toks):
            g.content = [Chunk("CON", toks[0].i, toks[-1].i + 1)]
    # A content the tagger cut short inside the cue's clausal complement is stretched to the clause.
    if SNAP_CLAUSE:
        for g in ordered:
            if len(g.content) != 1 or not g.cue:
                continue
            head = _root(doc, g.cue[0])
            comps = [c for c in head.children if c.dep_ == "ccomp" and c.i > head.i]
            if head.pos_ != "VERB" or not comps:
                continue
            sub = sorted(t.i for t in comps[0].subtree)
            ch = g.content[0]
            if sub[-1] - sub[0] + 1 != len(sub) or not (sub[0] <= ch.start and ch.end <= sub[-1] + 1):
                continue
            if ch.end - ch.start >= 0.3 * len(sub) and not any(
                i in taken and not (ch.start <= i < ch.end) for i in range(sub[0], sub[-1] + 1)
            ):
                g.content = [Chunk("CON", min(ch.start, sub[0]), sub[-1] + 1)]
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
        if head.dep_ not in ("advcl", "conj", "xcomp") or any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
            continue
        # The participle may hang from the other claim's cue or, by a parser slip, from inside its
        # content ('told reporters the club had received no offer, adding that …').
        ancestors = []
        node = head
        for _ in range(4):
            if node.head.i == node.i:
                break
            node = node.head
            ancestors.append(node.i)
        for other in ordered:
            if other is g or not other.source or not other.cue:
                continue
            other_toks = {i for ch in other.cue + other.content for i in range(ch.start, ch.end)}
            if any(a in other_toks for a in ancestors) and other.cue[0].start < head.i:
                g.source = list(other.source)
                break
    # Still no source: a participle or infinitive cue takes the subject of the verb it hangs from
    # ('…, saying that …', 'is expected to endorse …'); a cue modifying a noun takes that noun
    # ('emails showing that …').
    for g in ordered:
        if g.source or not g.content or not g.cue:
            continue
        head = _root(doc, g.cue[0])
        content_idx = {i for ch in g.content for i in range(ch.start, ch.end)}
        src = _inherited_subject(doc, head, content_idx)
        if src is not None:
            g.source = [src]
    # A cue-less quote right after a claim in the same paragraph continues it ('"A," he said. "B."'),
    # PolNeAR's convention for a run of quotes from one speaker.
    kept_orphans = []
    for o in orphans:
        ch = o.content[0]
        host = None
        if quoted(ch):
            before = [g for g in ordered if g.content and g.cue and max(c.end for c in g.content + g.cue) <= ch.start]
            if before:
                host = max(before, key=lambda g: max(c.end for c in g.content + g.cue))
                last = max(c.end for c in host.content + host.cue + host.source)
                same_para = para_of.get(last - 1) == para_of.get(ch.start)
                near = sent_of[ch.start] - sent_of[last - 1] <= 1
                # Nothing but the end of the host's sentence may stand between them.
                gap = [t for t in doc[last : ch.start] if not (t.is_punct or t.is_space)]
                if not (same_para and near and len(gap) <= MAX_GAP):
                    host = None
        if host is not None and MERGE_FLOATING:
            host.content.extend(o.content)
        else:
            kept_orphans.append(o)
    orphans = kept_orphans
    result = [g for g in ordered if g.content] + orphans
    result.sort(key=lambda g: g.content[0].start)
    return result




def _inherited_subject(doc: Doc, head: Token, exclude: set[int]) -> Optional[Chunk]:
    """The source of a subjectless cue, from the structure around it (see group_chunks)."""
    if head.dep_ == "acl" and head.head.pos_ in ("NOUN", "PROPN") and head.head.i < head.i:
        noun = head.head
        start = noun.left_edge.i
        if not any(i in exclude for i in range(start, noun.i + 1)):
            return Chunk("SRC", start, noun.i + 1)
        return None
    if head.dep_ not in ("advcl", "xcomp", "conj", "ccomp", "pcomp"):
        return None
    node = head
    for _ in range(3):
        if node.head.i == node.i:
            return None
        node = node.head
        subj = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in exclude]
        if subj:
            if subj[0].lower_ in ("there", "it") or subj[0].tag_ == "WDT":
                return None
            toks = sorted(subj[0].subtree, key=lambda t: t.i)
            if any(t.i in exclude for t in toks) or toks[-1].i - toks[0].i + 1 != len(toks):
                return None
            return Chunk("SRC", toks[0].i, toks[-1].i + 1)
    return None
