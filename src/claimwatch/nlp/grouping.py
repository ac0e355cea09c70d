"""From token tags to attributions: chunks of SOURCE / CUE / CONTENT tied together.

Chunks are tied through the dependency tree first, then sentence proximity, then quote continuity
(Pareti 2015 calls this the "attribution relation" of source, cue and content). A split quote becomes
one claim with several content parts; a multi-paragraph quote one claim over its paragraphs.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Span, Token

from .features import CLOSE_QUOTES, OPEN_QUOTES, STRAIGHT_QUOTES, columns, paragraphs, quote_depth

QUOTE_CHARS = OPEN_QUOTES | CLOSE_QUOTES | STRAIGHT_QUOTES | {"``", "''"}
# Relay verbs: "X reported, citing Y" -> Y is the original source, X relayed it.
RELAY_LEMMAS = {"cite", "quote"}
# A cue-less quote continues the claim before it when at most this many words stand between them.
MAX_CONTINUATION_GAP = 3


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
    space = columns(doc).is_space
    for i, tag in enumerate(tags):
        if tag == "O" or space[i]:
            if cur and not (space[i] and i + 1 < len(tags) and tags[i + 1] == "I-" + cur.role):
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
    # Regions are sorted and disjoint: a chunk need only look at those from the first one ending after it.
    region_ends = [qe for _, qe in regions]
    out: list[Chunk] = []
    for ch in chunks:
        if ch.role != "CON":
            out.append(ch)
            continue
        s, e = ch.start, ch.end
        for qs, qe in regions[bisect_right(region_ends, s):]:
            if qs >= e:
                break
            overlap = min(e, qe) - max(s, qs)
            if overlap <= 0:
                continue
            if overlap >= 0.3 * (qe - qs) or (qs <= s and overlap >= 3):
                s, e = min(s, qs), max(e, qe)
                # A quote left open (features.quote_depth ends it with its sentence) ends the content too: the
                # unquoted sentence after it is the writer's ('the deal was "a turning point. Critics were
                # unconvinced.').
                sent_end = doc[qe - 1].sent.end
                unclosed = doc[qe - 1].text not in QUOTE_CHARS
                if unclosed and e > sent_end and not any(quotes[i] for i in range(sent_end, e)):
                    e = sent_end
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
    cons = [c for c in merged if c.role == "CON"]  # merged above: sorted and disjoint
    con_starts = [k.start for k in cons]
    return [c for c in merged if c.role == "CON" or not _inside_one(c, cons, con_starts)]


def _inside_one(c: Chunk, cons: list[Chunk], con_starts: list[int]) -> bool:
    """Whether ``c`` lies within one of the sorted, disjoint ``cons`` (only the last to start before it can hold it)."""
    k = bisect_right(con_starts, c.start) - 1
    return k >= 0 and c.end <= cons[k].end


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
    """Tie SOURCE and CONTENT chunks to CUE chunks; cue-less contents become their own claims.

    The steps, in order (each a method of `_Grouper`):
    1. contents to cues (syntax first, then distance; split quotes allowed),
    2. sources to cues,
    3. drop 'citing Y' pseudo-claims (Y is a source, not content),
    4. complete cues that have no content with their clausal complement,
    5. stretch contents cut short inside that complement,
    6. fill missing sources from syntax (subject, participle's governor, modified noun),
    7. let cue-less quotes continue the claim just before them.
    """
    return _Grouper(doc, chunks).run()


class _Grouper:
    def __init__(self, doc: Doc, chunks: list[Chunk]):
        self.doc = doc
        self.chunks = chunks
        self.sent_of: dict[int, int] = {}
        for si, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = si
        self.para_of: dict[int, int] = {}
        for pi, para in enumerate(paragraphs(doc)):
            for i in range(para.start, para.end):
                self.para_of[i] = pi
        self.quote_flags = quote_depth(doc)
        self.cues = [c for c in chunks if c.role == "CUE"]
        # Cues by the sentence they start and end in: looking only there keeps grouping linear in the text.
        self.cues_starting: dict[int, list[Chunk]] = defaultdict(list)
        self.cues_ending: dict[int, list[Chunk]] = defaultdict(list)
        for c in self.cues:
            self.cues_starting[self.sent_of[c.start]].append(c)
            self.cues_ending[self.sent_of[c.end - 1]].append(c)
        self.cue_rank = {id(c): n for n, c in enumerate(self.cues)}
        self.groups = {id(c): Group(cue=[c]) for c in self.cues}
        self.ordered: list[Group] = [self.groups[id(c)] for c in self.cues]
        self.orphans: list[Group] = []
        self.taken = {i for ch in chunks for i in range(ch.start, ch.end)}

    def run(self) -> list[Group]:
        self.assign_contents()
        self.assign_sources()
        self.drop_relay_objects()
        self.complete_contents()
        self.stretch_contents()
        self.fill_sources()
        self.merge_continuations()
        result = [g for g in self.ordered if g.content] + self.orphans
        result.sort(key=lambda g: g.content[0].start)
        return result

    # -- helpers ---------------------------------------------------------------------------------------
    @staticmethod
    def dist(c: Chunk, ch: Chunk) -> int:
        return min(abs(c.start - ch.end), abs(ch.start - c.end))

    def quoted(self, ch: Chunk) -> bool:
        toks = [t for t in self.doc[ch.start : ch.end] if not t.is_space]
        return bool(toks) and sum(self.quote_flags[t.i] for t in toks) >= 0.8 * len(toks)

    def head(self, g: Group) -> Token:
        return _root(self.doc, g.cue[0])

    def _in_order(self, cues: list[Chunk]) -> list[Chunk]:
        """``cues`` without repeats, in document order (the order ties in distance are broken by)."""
        unique = {id(c): c for c in cues}
        return sorted(unique.values(), key=lambda c: self.cue_rank[id(c)])

    def candidate_cues(self, ch: Chunk) -> list[Chunk]:
        """Cues that may own a content chunk, best first: syntax, then same sentence, then neighbours."""
        doc, sent_of, para_of = self.doc, self.sent_of, self.para_of
        s = sent_of[ch.start]
        same = self._in_order(self.cues_starting.get(s, []) + self.cues_ending.get(sent_of[ch.end - 1], []))
        linked = sorted((c for c in same if _syntactic_link(doc, c, ch)), key=lambda c: self.dist(c, ch))
        rest = sorted((c for c in same if c not in linked), key=lambda c: self.dist(c, ch))
        # "He said:" then the quote in the next sentence; or the quote, then "she said." after it.
        near = sorted(
            (
                c for c in self._in_order(self.cues_starting.get(s - 1, []) + self.cues_starting.get(s + 1, []))
                if para_of.get(c.start) == para_of.get(ch.start)
                and ((sent_of[c.start] == s - 1 and self._opens_next(c, ch))
                     or (sent_of[c.start] == s + 1 and _only_glue_between(doc, ch.end, c.start)))
            ),
            key=lambda c: self.dist(c, ch),
        )
        return linked + rest + near

    def _opens_next(self, cue: Chunk, ch: Chunk) -> bool:
        """Whether a cue may own a content in the next sentence: a quotation, or a cue that announces it ("He said:").
        A cue that closes its own sentence ("…, the operator said. But the gas flow was expected to …") reported
        what came before it, and the next sentence is the writer's (claims interims 3 and 7)."""
        if self.quoted(ch):
            return True
        # (what stands between the cue and its sentence's end may be a time or a place, "said on Monday.", but no
        # verb or colon of its own)
        end = self.doc[cue.end - 1].sent.end if cue.end > 0 else 0
        rest = [t for t in self.doc[cue.end:end] if not t.is_space]
        if not rest or rest[-1].text not in (".", "!", "?"):
            return True
        return any(t.pos_ in ("VERB", "AUX") or t.text in (":",) or t.text in QUOTE_CHARS for t in rest[:-1])

    def compatible(self, g: Group, cue: Chunk, ch: Chunk) -> bool:
        """One cue owns several content chunks only as a split quote ('A,' he said, 'B') or a run of
        glued pieces; two separate stretches on the same side are two attributions."""
        for other in g.content:
            same_side = (other.end <= cue.start) == (ch.end <= cue.start)
            glued = _only_glue_between(self.doc, other.end, ch.start) or _only_glue_between(self.doc, ch.end, other.start)
            if glued:
                continue
            if same_side or not (self.quoted(other) and self.quoted(ch)):
                return False
        return True

    # -- steps -----------------------------------------------------------------------------------------
    def assign_contents(self) -> None:
        """Global greedy assignment: the best (syntactic, then closest) cue-content pairs are tied
        first, so a wrong early chunk cannot take a cue away from the content that belongs to it."""
        contents = sorted((c for c in self.chunks if c.role == "CON"), key=lambda c: c.start)
        pairs = []
        for ci, ch in enumerate(contents):
            for rank, cue in enumerate(self.candidate_cues(ch)):
                pairs.append((rank > 0, self.dist(cue, ch), rank, ci, cue))
        pairs.sort(key=lambda p: p[:4])
        owner: dict[int, Group] = {}
        for _, _, _, ci, cue in pairs:
            if ci in owner:
                continue
            g = self.groups[id(cue)]
            if self.compatible(g, cue, contents[ci]):
                g.content.append(contents[ci])
                owner[ci] = g
        last: Optional[tuple[Group, Chunk]] = None
        for ci, ch in enumerate(contents):
            if ci in owner:
                last = (owner[ci], ch)
                continue
            if last and _only_glue_between(self.doc, last[1].end, ch.start):
                # The tagger restarted a chunk inside one stretch of content (e.g. across a sentence end).
                last[0].content.append(ch)
                last = (last[0], ch)
                continue
            g = Group(content=[ch])
            self.orphans.append(g)
            last = (g, ch)
        for g in self.ordered:
            g.content.sort(key=lambda c: c.start)

    def assign_sources(self) -> None:
        for ch in (c for c in self.chunks if c.role == "SRC"):
            same = self.cues_starting.get(self.sent_of[ch.start], [])
            linked = [c for c in same if _syntactic_link(self.doc, c, ch)]
            pool = linked or same
            if not pool:
                continue
            cue = min(pool, key=lambda c: (bool(self.groups[id(c)].source), self.dist(c, ch)))
            self.groups[id(cue)].source.append(ch)

    def drop_relay_objects(self) -> None:
        """'X reported, citing Y': the tagger sometimes makes Y the content of 'citing'."""
        heads = {self.head(g).i: g for g in self.ordered}
        self.ordered = [
            g for g in self.ordered
            if not (self.head(g).lemma_.lower() in RELAY_LEMMAS and not g.source
                    and any(i == self.head(g).head.i and other is not g for i, other in heads.items()))
        ]

    def _complement(self, g: Group) -> Optional[Token]:
        head = self.head(g)
        comps = [c for c in head.children if c.dep_ == "ccomp" and c.i > head.i]
        return comps[0] if head.pos_ == "VERB" and comps else None

    def complete_contents(self) -> None:
        """A reporting verb with no content gets its clausal complement ('said on Wednesday that …'
        where the tagger lost the thread after the adverbial)."""
        for g in self.ordered:
            comp = None if g.content else self._complement(g)
            if comp is None:
                continue
            toks = [t for t in sorted(comp.subtree, key=lambda t: t.i) if not (t.dep_ == "mark" and t.head == comp)]
            if toks and not any(t.i in self.taken for t in toks) and toks[-1].i - toks[0].i + 1 == len(toks):
                g.content = [Chunk("CON", toks[0].i, toks[-1].i + 1)]

    def stretch_contents(self) -> None:
        """A content cut short inside the cue's clausal complement is stretched to the whole clause."""
        for g in self.ordered:
            comp = self._complement(g) if len(g.content) == 1 else None
            if comp is None:
                continue
            sub = sorted(t.i for t in comp.subtree)
            ch = g.content[0]
            if sub[-1] - sub[0] + 1 != len(sub) or not (sub[0] <= ch.start and ch.end <= sub[-1] + 1):
                continue
            if ch.end - ch.start >= 0.3 * len(sub) and not any(
                i in self.taken and not (ch.start <= i < ch.end) for i in range(sub[0], sub[-1] + 1)
            ):
                g.content = [Chunk("CON", min(ch.start, sub[0]), sub[-1] + 1)]

    def fill_sources(self) -> None:
        """Cues with content but no source: the verb's subject; then a participle ('…, adding that')
        takes the source of the claim it hangs from; then the subject of the governing verb or the
        modified noun ('emails showing that …')."""
        doc = self.doc
        for g in self.ordered:
            if g.source or not g.content:
                continue
            head = self.head(g)
            content_idx = {i for ch in g.content for i in range(ch.start, ch.end)}
            subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in content_idx]
            if subj and subj[0].lower_ not in ("there", "it") and head.pos_ in ("VERB", "AUX"):
                toks = sorted(subj[0].subtree, key=lambda t: t.i)
                if not any(t.i in content_idx for t in toks):
                    g.source = [Chunk("SRC", toks[0].i, toks[-1].i + 1)]
        for g in self.ordered:
            if g.source or not g.content:
                continue
            head = self.head(g)
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
            for other in self.ordered:
                if other is g or not other.source:
                    continue
                other_toks = {i for ch in other.cue + other.content for i in range(ch.start, ch.end)}
                if any(a in other_toks for a in ancestors) and other.cue[0].start < head.i:
                    g.source = list(other.source)
                    break
        for g in self.ordered:
            if g.source or not g.content:
                continue
            content_idx = {i for ch in g.content for i in range(ch.start, ch.end)}
            src = _inherited_subject(doc, self.head(g), content_idx)
            if src is not None:
                g.source = [src]

    def merge_continuations(self) -> None:
        """A cue-less quote right after a claim in the same paragraph continues it ('"A," he said.
        "B."'): PolNeAR's convention for a run of quotes from one speaker."""
        kept = []
        for o in self.orphans:
            ch = o.content[0]
            host = None
            if self.quoted(ch):
                before = [g for g in self.ordered if g.content and max(c.end for c in g.content + g.cue) <= ch.start]
                if before:
                    host = max(before, key=lambda g: max(c.end for c in g.content + g.cue))
                    last = max(c.end for c in host.content + host.cue + host.source)
                    same_para = self.para_of.get(last - 1) == self.para_of.get(ch.start)
                    near = self.sent_of[ch.start] - self.sent_of[last - 1] <= 1
                    # Nothing but the end of the host's sentence may stand between them.
                    gap = [t for t in self.doc[last : ch.start] if not (t.is_punct or t.is_space)]
                    # A quote after a reported clause ('He said he still found time … "I always listened …"') is
                    # a second claim, not the reported clause running on (claims interim 21).
                    quoted_host = any(self.quoted(c) or self.doc[c.start].text in QUOTE_CHARS for c in host.content)
                    if not (same_para and near and len(gap) <= MAX_CONTINUATION_GAP and quoted_host):
                        host = None
            if host is not None:
                host.content.extend(o.content)
            else:
                kept.append(o)
        self.orphans = kept


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
