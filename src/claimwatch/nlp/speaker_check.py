"""Which phrase can be a claim's speaker: not a time or an event, and for a participle cue the subject of its clause.

Used by ``speakers.py`` before resolution. "A day earlier, …" and "The move …" name nobody who can speak (their
head is a time or an event: resources/nonspeakers.en.v1.txt, or spaCy's DATE/TIME entities); "Zelensky addressed
parliament, warning that …" is Zelensky's warning, whatever noun the tagger found near "warning".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..errors import DataFileError
from ..resources import DataPath, cached, data_path, read_lines
from ..schema import Claim

NONSPEAKERS_FILE = "nonspeakers.en.v1.txt"
TIME_ENTS = {"DATE", "TIME"}
# "The 36-year-old said": NER tags an age as DATE, but the phrase is a person.
_AGE = re.compile(r"\bold\b|\baged?\b", re.I)
# A participle hanging on a main clause ("Zelensky addressed parliament, warning that …") reaches it by these.
PARTICIPLE_DEPS = {"advcl", "xcomp", "conj"}
SUBJECT_DEPS = {"nsubj"}


@dataclass(frozen=True)
class NonSpeakers:
    """Head lemmas of phrases that cannot speak: times ("day", "earlier") and events or acts ("move", "attack")."""

    times: frozenset[str]
    events: frozenset[str]
    # Pictures ("Video showed …", "CCTV footage showing …"): evidence a reader sees, not a source's claim.
    visuals: frozenset[str] = frozenset()
    # Grounds given for an act ("citing a law that allows …", "citing rising prices"): not whom a report cites.
    # Only the relay reading of "X …, citing Y" consults them ("the law says" is still a document speaking).
    reasons: frozenset[str] = frozenset()

    def __contains__(self, lemma: str) -> bool:
        return lemma in self.times or lemma in self.events or lemma in self.visuals


def nonspeakers(path: Optional[DataPath] = None) -> NonSpeakers:
    """The words of resources/nonspeakers.en.v1.txt ("time day", "event move")."""
    return cached(_read_nonspeakers, data_path(path, NONSPEAKERS_FILE))


def _read_nonspeakers(path: Path) -> NonSpeakers:
    kinds: dict[str, set[str]] = {"time": set(), "event": set(), "visual": set(), "reason": set()}
    for n, line in read_lines(path):
        parts = line.lower().split()
        if len(parts) != 2 or parts[0] not in kinds:
            raise DataFileError(f"{path}:{n}: expected 'time LEMMA', 'event LEMMA', 'visual LEMMA' or 'reason LEMMA', "
                                f"got {line!r}")
        kinds[parts[0]].add(parts[1])
    return NonSpeakers(times=frozenset(kinds["time"]), events=frozenset(kinds["event"]),
                       visuals=frozenset(kinds["visual"]), reasons=frozenset(kinds["reason"]))


NAMED_ENTS = {"PERSON", "ORG", "GPE", "NORP"}


def cannot_speak(span: Span, nonspeaking: NonSpeakers) -> bool:
    """Whether the phrase names a time ("A day earlier", "Last week") or an event ("The move", "the attack") rather
    than someone who can speak. Pronouns are left to resolution, and a name is never a word of the list ("Ban
    Ki-moon" is no ban, "The Times" no time)."""
    root = span.root
    if root.pos_ == "PRON":
        return False
    if root.lower_ in nonspeaking.visuals or root.lemma_.lower() in nonspeaking.visuals:
        return True  # "CCTV", "Video": shown, not said
    if root.ent_type_ in NAMED_ENTS or root.pos_ == "PROPN" or _capitalised(root):
        return _is_time_word(root, nonspeaking)
    if root.lemma_.lower() in nonspeaking or root.lower_ in nonspeaking:
        return True
    return root.ent_type_ in TIME_ENTS and not _AGE.search(span.text)


def cited_reason(tok: Token, nonspeaking: Optional[NonSpeakers] = None) -> bool:
    """The object of "citing" is a ground given, not a source relayed: "citing a law that allows …", "citing rising
    prices" (a name is always a source: "citing Interfax")."""
    words = nonspeaking or nonspeakers()
    return tok.lemma_.lower() in words.reasons and tok.ent_type_ not in NAMED_ENTS


def _capitalised(tok: Token) -> bool:
    """A capitalised word inside a sentence: a name, whatever its lemma ("Times", "Ban")."""
    return tok.text[:1].isupper() and not tok.is_sent_start


def _is_time_word(tok: Token, nonspeaking: NonSpeakers) -> bool:
    """A word of a time expression. A name ("Stumpf", "Theresa May") is one only when it is a listed day or month
    name that NER also reads as a date ("Monday")."""
    if tok.ent_type_ in NAMED_ENTS:
        return False
    if tok.pos_ == "PROPN" or _capitalised(tok):
        return tok.ent_type_ in TIME_ENTS and tok.lower_ in nonspeaking.times
    return tok.ent_type_ in TIME_ENTS or tok.lemma_.lower() in nonspeaking.times


def without_time_prefix(span: Span, nonspeaking: NonSpeakers) -> Span:
    """'A day earlier, Russia's energy chief' -> "Russia's energy chief": a time adverbial the tagger swept into
    the front of a speaker is no part of it. An age ("The 36-year-old") is left whole."""
    doc = span.doc
    i = span.start
    while i < span.end and _is_time_word(doc[i], nonspeaking):
        i += 1
    if i == span.start or _AGE.search(doc[span.start : i].text) or (i < span.end and doc[i].tag_ == "POS"):
        return span  # "Wednesday's holiday": the time owns the noun, it is no adverbial
    while i < span.end and (doc[i].is_punct or doc[i].is_space):
        i += 1
    rest = doc[i : span.end]
    if not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in rest):
        return span
    return rest


def without_time_suffix(span: Span, nonspeaking: NonSpeakers) -> Span:
    """'the Secretary of State earlier this week' -> 'the Secretary of State': a time the tagger swept into the end
    of a speaker. An age ("a man aged 40") and a possessed time ("the ministry's week") are left whole."""
    doc = span.doc
    end = span.end
    while end > span.start and _is_time_word(doc[end - 1], nonspeaking):
        end -= 1
    if end == span.end or _AGE.search(doc[end : span.end].text) or doc[end - 1].tag_ == "POS":
        return span
    # and the words that led into the time ("reporting at the time" -> "reporting")
    while end > span.start and (doc[end - 1].is_punct or doc[end - 1].is_space
                                or doc[end - 1].pos_ in ("DET", "ADP", "CCONJ")):
        end -= 1
    rest = doc[span.start : end]
    if not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in rest):
        return span
    return rest


def cue_head(doc: Doc, claim: Claim) -> Optional[Token]:
    """The main word of the claim's cue: its verb, else its noun."""
    toks = [t for c in claim.cue or () for t in (doc.char_span(c.start, c.end, alignment_mode="expand") or [])]
    for pos in ("VERB", "NOUN"):
        for t in toks:
            if t.pos_ == pos:
                return t
    return None


def subject_of(verb: Token) -> Optional[Token]:
    """The verb's own subject, else that of the verb it is coordinated with ("X arrived and said")."""
    while True:
        subj = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        if subj:
            return subj[0]
        if verb.dep_ != "conj" or verb.head is verb:
            return None
        verb = verb.head


def participle_subjects(head: Token, quoted: Optional[list[int]] = None) -> list[Token]:
    """'Zelensky addressed parliament, warning that …': who a subjectless participle cue gives as its speaker, best
    first: the subject of the clause it hangs on (not a noun near the participle), then the subjects of adverbial
    clauses before it ('The discovery came as the governor spoke, saying …': the discovery cannot speak).

    A subject inside a quotation while the participle is outside ('"This decision has put us at risk," he
    tweeted, calling …') is the quote's, not the speaker's, and is left out."""
    if head.tag_ != "VBG" or head.dep_ not in PARTICIPLE_DEPS or head.head is head:
        return []
    if head.dep_ == "xcomp" and any(c.dep_ in ("dobj", "obj") for c in head.head.children):
        return []  # "left many nations feeling that …": the object is the one feeling
    if any(c.dep_ in SUBJECT_DEPS | {"nsubjpass"} for c in head.children):
        return []  # "with officials saying …": the participle has its own subject
    main = head.head
    # The parser often hangs the participle on the reported clause ('X said Y was essential, adding …'): the one
    # adding is the reporting verb's subject, not the reported clause's.
    # Only a reporting verb before the participle counts ('… mine, saying X. "\n\nShould …," environmentalists
    # worry' is another sentence glued on by the parser).
    while main.dep_ == "ccomp" and main.head.pos_ in ("VERB", "AUX") and main.head.i < head.i:
        main = main.head
    # An adverbial clause with its own subject ('… as the governor spoke, saying') names the one speaking; on a
    # relative clause ('spoke about the lack of respect soldiers hold …, berating') the parse is too unsure.
    own_subject = main.dep_ == "advcl" and any(c.dep_ in SUBJECT_DEPS for c in main.children)
    if main.pos_ not in ("VERB", "AUX") or (main.dep_ not in ("ROOT", "conj") and not own_subject):
        return []
    found = [subject_of(main)]
    clauses = sorted((c for c in main.children if c.dep_ == "advcl" and c.i < head.i and c is not head),
                     key=lambda c: -c.i)
    found += [next((g for g in c.children if g.dep_ in SUBJECT_DEPS), None) for c in clauses]
    return [t for t in found if t is not None and not (quoted is not None and quoted[t.i] and not quoted[head.i])]


def subject_phrase(subj: Token) -> Span:
    """The subject's noun phrase, up to the verb: 'Russia's space chief, Dmitry Rogozin,' for 'chief'."""
    doc = subj.doc
    end = subj.right_edge.i + 1
    end = min(end, subj.head.i) if subj.head.i > subj.i else end
    start = subj.left_edge.i
    # Never across a line break: a heading or dateline the parser hung on the subject is not part of it.
    breaks = [t.i for t in doc[start : subj.i] if "\n" in t.text]
    if breaks:
        start = breaks[-1] + 1
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def within(span: Span, phrase: Span) -> bool:
    """Whether the span lies within the phrase: the tagger took part of the subject ('Donald Trump' of a heading
    the parser hung on it), which is kept."""
    return phrase.start <= span.start and span.end <= phrase.end


def overlaps_content(claim: Claim, phrase: Span) -> bool:
    """Whether the phrase lies in what was said: the quotation's own words speak nothing."""
    return any(p.start < phrase.end_char and phrase.start_char < p.end for p in claim.content)


def passive_agent(head: Token) -> Optional[Span]:
    """The "by" agent of a passive verb ("criticised by rights groups"), as its noun phrase."""
    for c in head.children:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return subject_phrase(objs[0])
    return None
