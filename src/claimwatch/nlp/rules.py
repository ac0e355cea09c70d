"""Dependency rules for attribution: readable, high-precision patterns.

`rule_tags` gives SOURCE/CUE/CONTENT tags from a cue verb's subject and clausal complement; the CRF
uses them as features and falls back on them when no model is installed. `rule_groups` finds the
constructions news conventions make near-certain (quotes next to a speech verb, "according to",
nominal claims, "rejected claims that"); they override the tagger where they fire.
"""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Token

from .features import according_positions, columns, cue_tokens, paragraphs
from .grouping import QUOTE_CHARS, RELAY_LEMMAS, Chunk, Group, _is_ancestor, quote_regions
from .lexicon import CueLexicon
from .speaker_check import cited_reason


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

    # Only 'according to' and cue tokens start a rule; reading just those is the same pass, without a Token
    # object for every other token.
    for i in sorted({*according_positions(doc), *_cue_indices(cues)}):
        tok = doc[i]
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


def _cue_indices(cues: list[Optional[str]]) -> list[int]:
    """Indices of the cue tokens (``cue_tokens``): the only tokens most rules below can start from."""
    return [i for i, c in enumerate(cues) if c]


def _that_clause(tok: Token) -> Optional[Token]:
    """The 'that'-clause hanging from a noun: 'claims [that Moscow was deceitful]'."""
    for c in tok.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > tok.i and any(
            g.dep_ == "mark" and g.lower_ == "that" for g in c.children
        ):
            return c
    return None


def _nominal_parts(noun: Token, lexicon: CueLexicon):
    """Cue, source and content tokens of a nominal attribution, or None.

    'claims by the West that …', "the ministry's claim that …", and denials of reports:
    'X rejected claims that …' (then X is the source and the verb is part of the cue).
    """
    clause = _that_clause(noun)
    if clause is None:
        return None
    content = [t for t in sorted(clause.subtree, key=lambda t: t.i) if not (t.dep_ == "mark" and t.head == clause)]
    verb = noun.head if noun.dep_ in ("dobj", "obj") else None
    source: list[Token] = []
    if verb is not None and verb.pos_ == "VERB" and verb.lemma_.lower() in lexicon.denials:
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        source = sorted(subj[0].subtree, key=lambda t: t.i) if subj else []
        return [verb, noun], source, content, "denial"
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            pobj = [g for g in c.children if g.dep_ == "pobj"]
            if pobj:
                source = sorted(pobj[0].subtree, key=lambda t: t.i)
        elif c.dep_ == "poss":
            source = [t for t in sorted(c.subtree, key=lambda t: t.i) if t.dep_ != "case"]
    return [noun], source, content, "nominal"


def _nominal_rule(doc: Doc, noun: Token, lexicon: CueLexicon, mark) -> None:
    parts = _nominal_parts(noun, lexicon)
    if parts is None:
        return
    cue, source, content, _ = parts
    mark(cue, "CUE")
    if source:
        mark(source, "SRC")
    mark(content, "CON")

def _tokens_of(g: Group) -> set[int]:
    return {i for part in (g.content, g.cue, g.source) for ch in part for i in range(ch.start, ch.end)}


def _speech_verb(tok: Token, cues: list[Optional[str]]) -> bool:
    return bool(cues[tok.i]) and tok.pos_ == "VERB"


def _subject(verb: Token, exclude: set[int]) -> Optional[Chunk]:
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in exclude]
    if not subj or subj[0].lower_ in ("there", "it"):
        return None
    toks = sorted(subj[0].subtree, key=lambda t: t.i)
    if any(t.i in exclude for t in toks):
        return None
    return Chunk("SRC", toks[0].i, toks[-1].i + 1)


def _cue_chunk(verb: Token) -> Chunk:
    """The verb with its auxiliaries and negation right before it ('has said', 'did not say')."""
    start = verb.i
    for c in sorted(verb.children, key=lambda t: -t.i):
        if c.dep_ in ("aux", "neg", "auxpass") and c.i == start - 1:
            start = c.i
    return Chunk("CUE", start, verb.i + 1)


def quote_chains(doc: Doc, quotes: list[int]) -> list[list[tuple[int, int]]]:
    """Quotation regions, with a multi-paragraph quote (no closing mark until its last paragraph)
    chained into one list of regions."""
    regions = quote_regions(quotes)
    para_start = {p.start for p in paragraphs(doc)}
    chains: list[list[tuple[int, int]]] = []
    for qs, qe in regions:
        if chains:
            ps, pe = chains[-1][-1]
            last = doc[pe - 1].text
            unclosed = last not in QUOTE_CHARS or last in ("“", "‘")
            # Only whitespace between the end of the previous region and a new paragraph start.
            gap = all(doc[i].is_space for i in range(pe, qs))
            if unclosed and gap and any(pe <= k <= qs for k in para_start):
                chains[-1].append((qs, qe))
                continue
        chains.append([(qs, qe)])
    return chains


def _opens_beside(doc: Doc, i: int) -> bool:
    """Token ``i`` opens a quotation set right beside the one before it ('“…” “…”'): the space between the marks is
    no token, so the two read as one quoted stretch."""
    return 0 < i < len(doc) and doc[i - 1].text in ("”", '"') and doc[i].text in ("“", '"')


def _quote_cuts(doc: Doc, start: int, end: int) -> list[int]:
    """Where a quotation set right beside another begins, inside ``doc[start:end]``."""
    return [i for i in range(start + 1, end) if _opens_beside(doc, i)]


def _own_quotation(doc: Doc, content: list[Chunk], cues: list[Optional[str]]) -> list[Chunk]:
    """The last of two quotations set side by side ('“…” “…,” the minister revealed') when the first has a speech
    verb of its own before it in its sentence ('Shoigu said “…”': claims interim 23): a space between a closing and
    an opening mark is no token, so the two read as one quoted stretch."""
    first = content[0]
    cuts = _quote_cuts(doc, first.start, first.end)
    if len(content) != 1 or not cuts:
        return content
    sent = doc[first.start].sent
    if not (any(_speech_verb(t, cues) for t in doc[sent.start : first.start]) or _after_said(doc, first.start, cues)):
        return content
    return [Chunk("CON", cuts[-1], first.end)]


def _after_said(doc: Doc, start: int, cues: list[Optional[str]]) -> bool:
    """The quotation opens right after a sentence that ends in its own cue ('"The UN Charter is clear," he said.
    "Any annexation …" "I must be clear," stressed Guterres': claims interim 23): it goes on with that speaker."""
    before = [t for t in doc[max(0, start - 5) : start] if not t.is_space]
    if not before or before[-1].text not in (".", "!", "?"):
        return False
    return any(_speech_verb(t, cues) for t in before[:-1]) and not any(t.text in QUOTE_CHARS for t in before[-3:-1])


def quote_groups(doc: Doc, lexicon: CueLexicon, quotes: list[int]) -> list[Group]:
    """Direct quotes next to a speech verb: '"…," she said', '"…," said X, "…"', 'X told reporters: "…"'."""
    cues = cue_tokens(doc, lexicon)
    out: list[Group] = []
    chains = quote_chains(doc, quotes)
    used: set[int] = set()
    for n, chain in enumerate(chains):
        if n in used:
            continue
        qs, qe = chain[0][0], chain[-1][1]
        if sum(1 for t in doc[qs:qe] if t.is_alpha) < 3:
            continue
        content = [Chunk("CON", s, e) for s, e in chain]
        exclude = set(range(qs, qe))
        verb = None
        # After: the quote, a comma, then a short noun phrase and the verb ("she said", "said Kalnin").
        sent_end = doc[qe - 1].sent.end
        for t in doc[qe : min(sent_end, qe + 10)]:
            if t.text in QUOTE_CHARS or (t.pos_ == "VERB" and not _speech_verb(t, cues)):
                break
            # 'and that the announced withdrawal …' is a new clause, not the quote's attribution.
            if t.pos_ in ("CCONJ", "SCONJ") or t.lower_ == "that":
                break
            if _speech_verb(t, cues) and t.dep_ not in ("amod", "acl", "relcl", "compound"):
                verb = t
                break
        if verb is not None and not any(doc[i].text in (".", "!", "?") for i in range(qe, verb.i)):
            content = _own_quotation(doc, content, cues)
            group = Group(cue=[_cue_chunk(verb)], content=list(content), rule="quote")
            src = _subject(verb, exclude)
            if src is not None:
                group.source = [src]
            # Split quote: the verb clause ends with a comma and the quote goes on.
            clause_end = verb.i
            for t in doc[verb.i + 1 : sent_end]:
                if quotes[t.i] or t.text in (",", ":", ";") or not (_is_ancestor(verb, t)):
                    break
                clause_end = t.i
            nxt = n + 1
            if nxt < len(chains):
                ns = chains[nxt][0][0]
                between = doc[clause_end + 1 : ns]
                if ns > clause_end and all(t.is_punct or t.is_space for t in between) and any(t.text == "," for t in between):
                    group.content += [Chunk("CON", s, e) for s, e in chains[nxt]]
                    used.add(nxt)
                    clause_end = chains[nxt][-1][1] - 1
                    nxt += 1
            # Quotes that follow in the same paragraph continue the claim ('"A," he said. "B."'): the
            # convention of PolNeAR and of most style guides for a run of quotes from one speaker.
            sent_end = doc[clause_end].sent.end
            while nxt < len(chains):
                ns = chains[nxt][0][0]
                if ns < sent_end or not all(t.is_punct for t in doc[sent_end:ns] if not t.is_space):
                    break
                if any("\n" in t.text or "\n" in t.whitespace_ for t in doc[clause_end:ns]):
                    break
                # A quote with its own cue ('"…," she added') is its own claim; a quotation set right before it
                # ('"…," he said. "B." "C," stressed Guterres') still goes on with this one (``_own_quotation``).
                chain_end = chains[nxt][-1][1]
                if any(_speech_verb(t, cues) for t in doc[chain_end : doc[chain_end - 1].sent.end]):
                    cuts = _quote_cuts(doc, chains[nxt][0][0], chains[nxt][0][1])
                    if len(chains[nxt]) == 1 and cuts:
                        group.content.append(Chunk("CON", ns, cuts[-1]))
                    break
                group.content += [Chunk("CON", s, e) for s, e in chains[nxt]]
                used.add(nxt)
                clause_end = chains[nxt][-1][1] - 1
                sent_end = doc[clause_end].sent.end
                nxt += 1
            out.append(group)
            continue
        # Before: 'X said: "…"' / 'X told reporters, "…"'.
        prev = qs - 1
        while prev >= 0 and doc[prev].is_space:
            prev -= 1
        if prev < 0 or doc[prev].text not in (":", ","):
            continue
        for t in reversed(doc[max(doc[prev].sent.start, prev - 8) : prev]):
            if t.pos_ == "VERB" and not _speech_verb(t, cues):
                break
            if _speech_verb(t, cues):
                group = Group(cue=[_cue_chunk(t)], content=list(content), rule="quote")
                src = _subject(t, exclude)
                if src is not None:
                    group.source = [src]
                out.append(group)
                break
    return out


def _span_chunks(tokens: list[Token], role: str) -> list[Chunk]:
    """Contiguous runs of the given tokens (sorted), trimmed of edge punctuation other than quotes."""
    idx = sorted({t.i for t in tokens})
    out: list[Chunk] = []
    for i in idx:
        if out and out[-1].end == i:
            out[-1].end = i + 1
        else:
            out.append(Chunk(role, i, i + 1))
    doc = tokens[0].doc if tokens else None
    trimmed = []
    for ch in out:
        s, e = ch.start, ch.end
        while s < e and (doc[s].is_space or (doc[s].is_punct and doc[s].text not in QUOTE_CHARS)):
            s += 1
        while e > s and (doc[e - 1].is_space or (doc[e - 1].is_punct and doc[e - 1].text in {",", ";", ":", "—", "–", "-"})):
            e -= 1
        if e > s:
            trimmed.append(Chunk(role, s, e))
    return trimmed


def according_groups(doc: Doc) -> list[Group]:
    """'According to X, …' / '…, according to X': X is the source, the rest of the clause the content."""
    out = []
    for i in according_positions(doc):
        tok = doc[i]
        to = doc[tok.i + 1]
        pobj = [c for c in to.children if c.dep_ == "pobj"]
        if not pobj:
            continue
        src = sorted(pobj[0].subtree, key=lambda t: t.i)
        skip = set(range(tok.i, src[-1].i + 1))
        clause = tok.head if tok.head.i != tok.i else tok
        content = [t for t in clause.subtree if t.i not in skip]
        chunks = _span_chunks(content, "CON")
        if not chunks:
            continue
        out.append(Group(cue=[Chunk("CUE", tok.i, tok.i + 2)], source=_span_chunks(src, "SRC"), content=chunks,
                         rule="according_to"))
    return out


def nominal_groups(doc: Doc, lexicon: CueLexicon) -> list[Group]:
    """Nominal attributions and denials of reports (see `_nominal_parts`)."""
    cues = cue_tokens(doc, lexicon)
    out = []
    for noun in (doc[i] for i in _cue_indices(cues)):
        if noun.pos_ != "NOUN":
            continue
        parts = _nominal_parts(noun, lexicon)
        if parts is None:
            continue
        cue_toks, source, content, rule = parts
        if rule == "denial":
            # 'dismissed reports that X as "pure fantasy"': the as-phrase is the speaker's verdict.
            as_phrase = [t for t in doc[noun.i : noun.sent.end] if t.lower_ == "as" and t.dep_ == "prep"]
            if as_phrase:
                content = [t for t in content if t.i < as_phrase[-1].i]
        chunks = _span_chunks(content, "CON")
        if chunks:
            out.append(Group(cue=[Chunk("CUE", t.i, t.i + 1) for t in cue_toks],
                             source=_span_chunks(source, "SRC") if source else [], content=chunks, rule=rule))
    return out

def relay_groups(doc: Doc, lexicon: CueLexicon, quotes: list[int]) -> list[Group]:
    """'Agencies reported, citing the ministry, that …' / 'The agency, quoting a source, said …':
    the cited party is the source, the reporting party the relay."""
    cues = cue_tokens(doc, lexicon)
    cols = columns(doc)
    out = []
    for i, lemma in enumerate(cols.lemma):
        if lemma not in RELAY_LEMMAS or cols.tag[i] != "VBG":
            continue
        part = doc[i]
        objs = [c for c in part.children if c.dep_ in ("dobj", "obj")]
        if not objs or cited_reason(objs[0]):
            continue
        verb = part.head
        if part.dep_ == "acl" and verb.dep_ in ("nsubj", "nsubjpass"):
            verb = verb.head  # 'The agency, quoting a source, said …'
        # The parser may hang 'citing …' from the reported clause; climb to the reporting verb.
        for _ in range(3):
            if (cues[verb.i] and verb.pos_ == "VERB" and verb.i < part.i) or verb.head.i == verb.i:
                break
            verb = verb.head
        if not (cues[verb.i] and verb.pos_ == "VERB") or verb.i == part.i:
            continue
        cited = sorted(objs[0].subtree, key=lambda t: t.i)
        comps = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and c.i != part.i]
        if comps:
            phrase = {t.i for t in part.subtree}
            content = [t for t in comps[0].subtree
                       if not (t.dep_ == "mark" and t.head == comps[0]) and t.i not in phrase]
            # A quoted complement is the whole quotation, marks included.
            for qs, qe in quote_regions(quotes):
                inside = sum(1 for t in content if qs <= t.i < qe)
                if inside >= 0.8 * len(content):
                    content = list(doc[qs:qe])
                    break
        else:
            # The quote next to the verb: '"…," agencies reported, citing the ministry.'
            regions = [r for r in quote_regions(quotes) if r[1] <= verb.i and verb.i - r[1] <= 8]
            if not regions:
                continue
            content = list(doc[regions[-1][0] : regions[-1][1]])
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        relay = []
        if subj:
            phrase = set(t.i for t in part.subtree)
            relay = [t for t in subj[0].subtree if t.i not in phrase]
        group = Group(
            cue=[_cue_chunk(verb), Chunk("CUE", part.i, part.i + 1)],
            source=_span_chunks(cited, "SRC"),
            content=_span_chunks(content, "CON"),
            relay=_span_chunks(relay, "SRC") if relay else [],
            rule="relay",
        )
        if group.content:
            out.append(group)
    return out


def participle_groups(doc: Doc, lexicon: CueLexicon) -> list[Group]:
    """'…, Peskov said, adding that units "can't just fly away" and that the withdrawal "has a
    schedule"': the participle is a cue of its own and shares the main verb's subject."""
    cues = cue_tokens(doc, lexicon)
    out = []
    for part in (doc[i] for i in _cue_indices(cues)):
        if part.tag_ != "VBG" or part.dep_ not in ("advcl", "xcomp", "conj"):
            continue
        comps = [c for c in part.children if c.dep_ == "ccomp" and c.i > part.i]
        if not comps:
            continue
        # 'adding that A and that B': the second clause is a conjunct of the first.
        last = comps[-1]
        conj = [c for c in last.children if c.dep_ == "conj"]
        tokens = [t for c in comps + conj for t in c.subtree]
        content = _span_chunks([t for t in tokens if not (t.dep_ == "mark" and t.i == t.head.left_edge.i)], "CON")
        if not content:
            continue
        # Its subject is the subject of the nearest verb above it.
        source: Optional[Chunk] = None
        node = part
        for _ in range(4):
            if node.head.i == node.i:
                break
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                source = _subject(node, set(t.i for t in tokens))
                if source is not None:
                    break
        out.append(Group(cue=[Chunk("CUE", part.i, part.i + 1)], source=[source] if source else [],
                         content=content, rule="participle"))
    return out


def announce_groups(doc: Doc, lexicon: CueLexicon) -> list[Group]:
    """'Russia announced a new withdrawal of troops': an announcement verb with a noun-phrase object."""
    cols = columns(doc)
    out = []
    for i, lemma in enumerate(cols.lemma):
        if cols.pos[i] != "VERB" or lexicon.verb_class(lemma) != "announce":
            continue
        verb = doc[i]
        if any(c.dep_ in ("ccomp", "xcomp") and c.i > verb.i for c in verb.children):
            continue  # 'announced that …' is the tagger's and the clause rules' business
        objs = [c for c in verb.children if c.dep_ in ("dobj", "obj") and c.pos_ in ("NOUN", "PROPN")]
        if not objs:
            continue
        toks = sorted(objs[0].subtree, key=lambda t: t.i)
        if len([t for t in toks if t.is_alpha]) < 2:
            continue
        src = _subject(verb, set(t.i for t in toks))
        out.append(Group(cue=[_cue_chunk(verb)], source=[src] if src else [], content=_span_chunks(toks, "CON"),
                         rule="announce"))
    return out


SPEECH_CLASSES = {"assert", "announce", "deny", "accuse", "warn", "promise", "report", "admit"}


def clause_groups(doc: Doc, lexicon: CueLexicon) -> list[Group]:
    """'Valdoria announced that its navy had lifted the blockade': a reporting verb with an explicit
    'that'-clause. Weak: it only fills gaps the tagger left."""
    cues = cue_tokens(doc, lexicon)
    out = []
    for verb in (doc[i] for i in _cue_indices(cues)):
        # Speech acts only, in a main clause: belief and perception verbs ('thinks that') and
        # embedded reports are left to the tagger, which knows PolNeAR's conventions for them.
        if not _speech_verb(verb, cues) or cues[verb.i] not in SPEECH_CLASSES or verb.dep_ not in ("ROOT", "conj"):
            continue
        comps = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i
                 and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)]
        if not comps:
            comps = _fronted_clause(verb)
        if not comps:
            continue
        content = [t for t in comps[0].subtree if not (t.dep_ == "mark" and t.head == comps[0])]
        src = _subject(verb, {t.i for t in content})
        out.append(Group(cue=[_cue_chunk(verb)], source=[src] if src else [], content=_span_chunks(content, "CON"),
                         rule="clause"))
    return out


COMPLEMENT_PREPS = frozenset({"of", "about", "against", "for", "to", "with"})
# Verbs of "As X reported, …": what a source put on record. Not "testify", "speak" or "argue", whose "as"-clause is
# usually a time ("As the prosecutor testified, the family left the courtroom").
AS_REPORTS = frozenset({"report", "say", "note", "write", "mention", "reveal", "state", "explain", "predict", "announce",
                        "disclose", "confirm", "tell", "point", "warn", "claim", "allege", "suggest", "observe"})


def as_groups(doc: Doc, lexicon: CueLexicon) -> list[Group]:
    """'As the Courier reported last week, the mayor plans to close the bridge' and 'The mayor, as he said on Monday,
    wants …': the clause the "as"-clause hangs on is the content. Only a speech verb with a subject and no
    complement of its own ("as the mayor said he would resign" is a time: its content is its own clause). The
    tagger gave such a cue the next sentence (claims interim 16)."""
    cues = cue_tokens(doc, lexicon)
    out = []
    for verb in (doc[i] for i in _cue_indices(cues)):
        if verb.lemma_.lower() not in AS_REPORTS or verb.dep_ != "advcl" or verb.head is verb \
                or verb.tag_ == "VBG" \
                or not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) \
                or any(c.dep_ in ("ccomp", "dobj", "xcomp") or (c.dep_ == "prep" and c.lower_ in COMPLEMENT_PREPS)
                       for c in verb.children) \
                or cues[verb.head.i] is not None:
            # "… denied the allegations, as his counterpart warned of an escalation": a second statement made
            # at the same time, not the source of the first (a cue of its own, or a complement "of …")
            continue
        clause = {t.i for t in verb.subtree}
        content = [t for t in verb.head.subtree if t.i not in clause]
        src = _subject(verb, {t.i for t in content})
        if src is None or not any(t.pos_ in ("VERB", "AUX") for t in content):
            continue
        out.append(Group(cue=[_cue_chunk(verb)], source=[src], content=_span_chunks(content, "CON"),
                         rule="as_clause"))
    return out


def _fronted_clause(verb: Token) -> list[Token]:
    """'Taxes will rise next year, the minister said (on Monday).': the reported clause first, then a comma, the
    speaker and the verb ending the sentence. Only a clause with its own subject and a speaker after the comma."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i]
    comps = [c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i
             and any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)]
    if not subj or not comps:
        return []
    clause, speaker = comps[0], subj[0]
    end = max(t.i for t in clause.subtree)
    between = verb.doc[end + 1 : speaker.left_edge.i]
    if speaker.i < clause.i or [t.text for t in between] != [","]:
        return []
    return [clause]


def standalone_quote_groups(doc: Doc, quotes: list[int]) -> list[Group]:
    """Quoted sentences with no cue ('"Every vote will be counted." The sentence has become …').
    Kept with no speaker (the speaker stage may give them the last speaker). A short quoted phrase
    without a verb (a title, a scare quote) is not a claim."""
    out = []
    for chain in quote_chains(doc, quotes):
        toks = [t for s, e in chain for t in doc[s:e]]
        words = [t for t in toks if t.is_alpha]
        if len(words) < 4 or not any(t.pos_ in ("VERB", "AUX") for t in toks):
            continue
        first = toks[0]
        # Only whole quoted sentences: the quote opens a sentence or follows a colon.
        prev = first.i - 1
        while prev >= 0 and doc[prev].is_space:
            prev -= 1
        if prev >= 0 and doc[prev].text not in (":", ".", "!", "?") and first.i != first.sent.start:
            continue
        out.append(Group(content=[Chunk("CON", s, e) for s, e in chain], rule="quote_standalone"))
    return out


def rule_groups(doc: Doc, lexicon: CueLexicon, quotes: list[int]) -> list[Group]:
    """All high-precision rule attributions, most specific first (later ones never overlap earlier)."""
    groups: list[Group] = []
    taken: set[int] = set()
    for batch in (
        relay_groups(doc, lexicon, quotes),
        quote_groups(doc, lexicon, quotes),
        according_groups(doc),
        as_groups(doc, lexicon),
        nominal_groups(doc, lexicon),
        participle_groups(doc, lexicon),
        announce_groups(doc, lexicon),
        clause_groups(doc, lexicon),
        standalone_quote_groups(doc, quotes),
    ):
        for g in batch:
            if g.rule == "nominal" and not g.source and all(quotes[i] for i in _role_tokens(g.cue)):
                # A noun inside a quotation with no holder ('Ukraine had "given us assurances that …"') is the
                # speaker's own words, not a new attribution that would cut the quote apart (claims interim 8).
                continue
            g.content = _to_quote_end(doc, g.content, quotes, taken | _role_tokens(g.cue))
            if g.rule == "clause" and not _role_tokens(g.cue) & taken:
                # A reported clause may contain another attribution ('announced that the navy had
                # lifted the blockade, amid claims by X that …'): end the content before it.
                g.content = _cut_before(doc, g.content, taken)
                if not g.content:
                    continue
            toks = _role_tokens(g.content) | _role_tokens(g.cue)
            if toks & taken:
                continue
            groups.append(g)
            taken |= toks
    return groups


def _to_quote_end(doc: Doc, chunks: list[Chunk], quotes: list[int], taken: set[int]) -> list[Chunk]:
    """A rule's content that enters a closed quotation runs to its end: the quotation is one unit, whatever the
    subtree says ('a statement that she was "opposed to this senseless war of aggression and I am calling on …"').
    Only when nothing else was taken there."""
    if not chunks:
        return chunks
    last = chunks[-1]
    if not quotes[last.end - 1] or _opens_beside(doc, last.end):
        return chunks  # (it ends where a quotation set right beside it begins: '“…” “…”' is two)
    # The one quotation that can hold the content's end is the run of quoted tokens through its last token: find
    # where that run ends, not every quotation of the Doc (this runs once per rule attribution).
    qe = last.end
    while qe < len(quotes) and quotes[qe]:
        qe += 1
    if last.end < qe and doc[qe - 1].text in QUOTE_CHARS and not any(i in taken for i in range(last.end, qe)):
        return chunks[:-1] + [Chunk(last.role, last.start, qe)]
    return chunks


def _cut_before(doc: Doc, chunks: list[Chunk], taken: set[int]) -> list[Chunk]:
    """Content chunks up to the first token another attribution holds, without the preposition or
    conjunction left dangling ('…, amid')."""
    out: list[Chunk] = []
    for ch in chunks:
        end = next((i for i in range(ch.start, ch.end) if i in taken), ch.end)
        if end < ch.end:
            while end > ch.start and (doc[end - 1].pos_ in ("ADP", "CCONJ", "SCONJ", "PUNCT", "SPACE", "DET")):
                end -= 1
        if end > ch.start:
            out.append(Chunk("CON", ch.start, end))
        if end < ch.end:
            break
    return out


def _role_tokens(chunks: list[Chunk]) -> set[int]:
    return {i for ch in chunks for i in range(ch.start, ch.end)}


def _structurally_worse(model: Group, rule: Group) -> bool:
    """A tagger attribution loses to an overlapping rule attribution when it has no cue, when its
    content swallows the rule's cue or speaker, or when its cue sits inside the rule's content."""
    if not model.cue:
        return rule.rule not in ("announce", "clause")
    m_content, m_cue = _role_tokens(model.content), _role_tokens(model.cue)
    r_content, r_cue = _role_tokens(rule.content), _role_tokens(rule.cue)
    if m_cue & r_cue and (m_content <= r_content
                          or rule.rule in ("according_to", "nominal", "denial", "relay", "as_clause")):
        return True  # the same attribution, more complete or more precisely delimited by the rule
    if rule.rule == "relay" and m_content & _role_tokens(rule.source):
        return True
    if rule.rule == "quote" and m_content & r_content and not r_content <= m_content:
        return True  # a quotation is one unit: a content that cuts through it is wrong
    if rule.rule in ("announce", "participle", "quote_standalone", "clause"):
        return False  # weak rules only fill gaps; a claim nested in another claim's content is fine
    if m_content & (_role_tokens(rule.cue) | _role_tokens(rule.source)):
        return True
    return bool(m_cue & _role_tokens(rule.content))


def _shed_cued_quote(doc: Doc, model: Group, rule: Group) -> None:
    """A tagger content that ran on into the next quotation, which has a cue of its own after it ('Shoigu said "…"
    "…," the defense minister revealed': claims interim 23), ends before that quotation; the rule's claim takes it."""
    if rule.rule != "quote" or not rule.cue or not rule.source or not model.content or not model.cue:
        return
    m_content, r_content = _role_tokens(model.content), _role_tokens(rule.content)
    if _role_tokens(model.cue) & _role_tokens(rule.cue) or not r_content <= m_content:
        return
    start = min(r_content)
    if start <= min(m_content) or max(m_content) > max(r_content) + 1 or min(_role_tokens(rule.cue)) < start:
        return
    if doc[start - 1].text not in ("”", '"'):
        return  # (only a quotation set right after another: '… had concerns "about …", adding' is one claim)
    kept = _cut_before(doc, model.content, set(range(start, max(m_content) + 1)))
    if kept:
        model.content = kept


def _shed_earlier_quote(doc: Doc, model: Group, rule: Group) -> None:
    """A tagger content that starts with a quotation the quote rule left to its own speaker (``_own_quotation``: '"…,"
    he said. "…" "I must be clear," stressed Guterres', claims interim 23), with the same cue as the rule, starts
    where the rule's content does."""
    if rule.rule != "quote" or not rule.cue or not model.content or not model.cue:
        return
    if not _role_tokens(model.cue) & _role_tokens(rule.cue):
        return
    m_content, r_content = _role_tokens(model.content), _role_tokens(rule.content)
    start, first = min(r_content), min(m_content)
    if start <= first or start not in m_content or doc[first].text not in QUOTE_CHARS:
        return
    if not _opens_beside(doc, start):
        return
    kept = [Chunk(ch.role, max(ch.start, start), ch.end) for ch in model.content if ch.end > start]
    if kept:
        model.content = kept


def apply_rule_groups(doc: Doc, groups: list[Group], rules: list[Group]) -> list[Group]:
    """Merge rule attributions with the tagger's.

    Where they overlap, the tagger's attribution stays unless it is structurally worse
    (`_structurally_worse`); the tagger follows PolNeAR's conventions, the rules catch its mistakes.
    """
    if not rules:
        return groups

    def core(g: Group) -> set[int]:
        # Sources are shared legitimately ('he said "…", adding that …'), so only content and cue count.
        return _role_tokens(g.content) | _role_tokens(g.cue)

    # Which tagger groups hold each token: a rule is compared with the groups it touches, not with all.
    holders: dict[int, list[Group]] = {}
    for g in groups:
        for i in core(g):
            holders.setdefault(i, []).append(g)
    alive = {id(g) for g in groups}
    added = []
    for rule in rules:
        clashing = {id(g): g for i in core(rule) for g in holders.get(i, ()) if id(g) in alive}
        for g in clashing.values():
            _shed_cued_quote(doc, g, rule)
            _shed_earlier_quote(doc, g, rule)
        clashing = {k: g for k, g in clashing.items() if core(g) & core(rule)}
        if all(_structurally_worse(g, rule) for g in clashing.values()):
            alive -= clashing.keys()
            added.append(rule)
    kept = [g for g in groups if id(g) in alive]
    return sorted(kept + added, key=lambda g: g.content[0].start)
