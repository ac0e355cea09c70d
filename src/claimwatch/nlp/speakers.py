"""Speaker resolution: "he" / "Peskov" / "the spokesman" -> "Dmitry Peskov", with a role.

A light, article-local coreference made for attribution: a named speaker resolves to the fullest name
of the same person in the article (surname match), a pronoun to the most recent compatible speaker or
person, never to another pronoun (an unresolved "I" is no antecedent of "they"), a role noun ("the
spokesman") to the person introduced with that role. Roles come from the
words before a name ("Kremlin spokesperson Dmitry Peskov") or an apposition ("Jane Whitfield, the
chief economist at Ardent Bank"). Floating quotes (no cue, no speaker) inherit the last speaker.
"""
from __future__ import annotations

import dataclasses
import re
import weakref
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np
from spacy.attrs import POS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token

from ..errors import DataFileError
from ..resources import DataPath, cached, data_path, read_lines
from ..schema import CharSpan, Claim
from .countries import CountryIndex, country_index
from .breaks import caption_ranges, in_ranges
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR, doc_text, set_span_groups
from .features import doc_cache, paragraphs, quote_depth
from .speaker_check import (NONSPEAKERS_FILE, cannot_speak, cue_head, nonspeakers, participle_subjects,
                            overlaps_content, subject_of, subject_phrase, within,
                            without_time_prefix, without_time_suffix)

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "it", "we", "them"}
# Every word that stands for a speaker without naming one: never the antecedent of a pronoun (after "I told the
# committee …", a "They said …" must not become "I").
PRONOUN_WORDS = PERSON_PRONOUNS | GROUP_PRONOUNS | {
    "i", "me", "you", "us", "his", "hers", "its", "their", "our", "your", "my", "himself", "herself", "itself",
    "themselves", "ourselves", "yourself", "myself", "who", "whom", "which", "that", "this", "these", "those",
    "one", "someone", "somebody", "s"}
TITLES = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sen.", "sen", "rep.", "rep", "gov.", "gov", "prof.",
          "prof", "president", "minister", "gen.", "col.", "lt.", "cllr", "cllr."}  # ("Cllr": a British councillor)
# The office an abbreviated title names, so that "the senator" finds "Sen. Bill Hagerty" (claims look, seventeenth
# session: a description left unresolved where the title was the only role written).
TITLE_ROLES = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "col": "colonel",
               "lt": "lieutenant", "prof": "professor",
               "cllr": "councillor"}  # (not "Minister": "Foreign Minister Sergei Lavrov" is no
# "armed forces minister", and the words before the title, which say which minister, are the role when written)
# Titles written before a name, beside TITLES: a role ahead of the comma still belongs to the name after them.
NAME_TITLES = {t.rstrip(".") for t in TITLES} | {"father", "sister", "brother", "rev", "reverend", "sheikh", "rabbi",
                                                 "imam", "bishop", "cardinal", "archbishop", "sir", "dame", "lord"}
OWNED_ROLES_FILE = "owned_roles.en.v1.txt"
PERSON_NOUNS_FILE = "person_nouns.en.v1.txt"
FIRST_NAMES_FILE = "first_names.en.v1.tsv"
ORG_NOUNS_FILE = "org_nouns.en.v1.txt"
ORG_NAME_WORDS_FILE = "org_name_words.en.v1.txt"
COLLECTIVE_NOUNS_FILE = "collective_nouns.en.v1.txt"
# How many sentences back "the company" looks for the company it stands for.
ORG_LOOKBACK_SENTENCES = 3
# Sentences before its own in which "it"/"they" finds the speaker it stands for, or else an organisation named as
# a subject.
GROUP_SPEAKER_LOOKBACK = 6
GROUP_LOOKBACK_SENTENCES = 2
HONORIFIC_GENDER = {"mr": "m", "ms": "f", "mrs": "f", "miss": "f"}
# A definite description by age alone ("the 26-year-old", "the 48-year-old actor") stands for a person named before.
AGE_DESCRIPTION = re.compile(r"^(?:the|this) \d{1,3}-year-old(?: [a-z]+)?$")
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
DESCRIPTION_GENDER = {"mother": "f", "mom": "f", "mum": "f", "wife": "f", "daughter": "f", "sister": "f",
                      "woman": "f", "grandmother": "f", "father": "m", "dad": "m", "husband": "m", "son": "m",
                      "brother": "m", "man": "m", "grandfather": "m"}
SPOKES_ROLES = {"spokesman", "spokeswoman", "spokesperson"}  # speak for an organisation: "a spokesman" -> "Pentagon spokesman"
ROLE_DEPS = {"compound", "amod", "nmod", "poss", "case", "nummod", "punct"}


def owned_roles(path: Optional[DataPath] = None) -> frozenset[str]:
    """Head nouns of roles held for another person ("his spokesman", "her lawyer"): resources/owned_roles.en.v1.txt."""
    return cached(_read_lemmas, data_path(path, OWNED_ROLES_FILE))


def _read_lemmas(path: Path) -> frozenset[str]:
    """A one-lower-case-lemma-per-line word list (owned roles, person nouns, organisation nouns)."""
    return frozenset(line.lower() for _, line in read_lines(path))


def first_names(path: Optional[DataPath] = None) -> dict[str, str]:
    """First name -> "f" or "m": resources/first_names.en.v1.tsv."""
    return cached(_read_first_names, data_path(path, FIRST_NAMES_FILE))


def _read_first_names(path: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for n, line in read_lines(path):
        parts = line.split("\t")
        if len(parts) != 2 or parts[0] not in ("f", "m") or not parts[1].strip():
            raise DataFileError(f"{path}:{n}: expected 'f' or 'm', a tab and a first name, got {line!r}")
        names[parts[1].strip().lower()] = parts[0]
    return names


def gender_of(person: Person, names: dict[str, str]) -> Optional[str]:
    """"f", "m" or None (unknown): from "Mr"/"Ms" before a mention, else the first name."""
    said = {HONORIFIC_GENDER[h] for h in person.honorifics}
    if len(said) == 1:
        return said.pop()
    # A one-word name ("Jennifer", as guests in features are often named) may be a first name.
    first = person.first or (person.surname if len(person.name.split()) == 1 else "")
    return names.get(first) if not said else None


def person_nouns(path: Optional[DataPath] = None) -> frozenset[str]:
    """Head nouns naming one person ("protester", "adviser"): resources/person_nouns.en.v1.txt."""
    return cached(_read_lemmas, data_path(path, PERSON_NOUNS_FILE))


def collective_nouns(path: Optional[DataPath] = None) -> frozenset[str]:
    """Singular nouns naming a group ("government", "pair"): resources/collective_nouns.en.v1.txt."""
    return cached(_read_lemmas, data_path(path, COLLECTIVE_NOUNS_FILE))


def org_name_words(path: Optional[DataPath] = None) -> frozenset[str]:
    """Words that end an organisation's name ("Church", "Group"): resources/org_name_words.en.v1.txt."""
    return cached(_read_lemmas, data_path(path, ORG_NAME_WORDS_FILE))


def org_nouns(path: Optional[DataPath] = None) -> frozenset[str]:
    """Head nouns of descriptions standing for a company ("company", "giant"): resources/org_nouns.en.v1.txt."""
    return cached(_read_lemmas, data_path(path, ORG_NOUNS_FILE))


def is_pronoun(text: Optional[str]) -> bool:
    """Whether ``text`` is only pronouns ("He", "they", "who"): a mention that names nobody."""
    words = re.findall(r"\w+", (text or "").casefold())
    return bool(words) and all(w in PRONOUN_WORDS for w in words)


@dataclass
class Person:
    name: str  # fullest form seen
    surname: str
    first_token: int = 0
    first: Optional[str] = None  # the first name, lower-case, once a mention gives one
    # Every role written beside any of the person's mentions, in text order: where their country comes from.
    roles: list[str] = field(default_factory=list)
    honorifics: set[str] = field(default_factory=set)  # "mr", "ms", "mrs", "miss" written before a mention
    named: int = 0  # how often the article names them in full: a bare surname shared by two is the more named one's

    @property
    def role(self) -> Optional[str]:
        """The first role written beside the person ('Kremlin spokesperson'), the one shown with their claims; where
        they are from ("from Bath") is evidence of their country, not a role."""
        return next((r for r in self.roles if not r.startswith("from ")), None)


def _strip_titles(ent: Span) -> Span:
    start = ent.start
    while start < ent.end - 1 and ent.doc[start].lower_ in TITLES:
        start += 1
    return ent.doc[start : ent.end]


def _role_before(ent: Span) -> Optional[Span]:
    """Words in front of a name that modify it: 'Kremlin spokesperson' in 'Kremlin spokesperson Dmitry Peskov'."""
    doc = ent.doc
    i = ent.start - 1
    inside = set(range(ent.start, ent.end))
    while i >= 0:
        t = doc[i]
        if t.dep_ in ROLE_DEPS and (t.head.i in inside) and t.text not in {",", "(", ")"}:
            inside.add(i)
            i -= 1
        else:
            break
    start = i + 1
    # The whole premodifier of the name's phrase ("Czech Industry and Trade Minister Jozef Sikela"): a coordinated
    # title stops the dependency walk above at "and".
    left = ent.root.left_edge.i
    if left < start and ent.start - left <= 10 and not any(doc[k].text in {",", "(", ")", ";", ":"}
                                                             or "\n" in doc[k].text for k in range(left, ent.start)):
        start = left
    while start < ent.start and doc[start].pos_ in ("DET", "PUNCT"):
        start += 1
    if start >= ent.start:
        return None
    role = doc[start : ent.start]
    # A bare title ("Mr.") is not a role.
    if all(t.lower_ in TITLES and t.lower_.endswith(".") for t in role):
        return None
    return role


APPOSITION_MAX_TOKENS = 15
QUOTE_MARKS = {'"', "“", "”", "‘", "’", "«", "»", "``", "''"}


def _role_appos(ent: Span) -> Optional[Span]:
    """'Jane Whitfield, the chief economist at Ardent Bank,' -> the apposition."""
    for t in ent:
        for child in t.children:
            if child.dep_ == "appos" and child.i >= ent.end:
                toks = sorted(child.subtree, key=lambda x: x.i)
                end = toks[-1].i + 1
                while end > toks[0].i and ent.doc[end - 1].is_punct:
                    end -= 1
                return ent.doc[toks[0].i : end]
    return _comma_phrase(ent)


def _role_ahead(ent: Span) -> Optional[Span]:
    """'the prime minister of the German state of Saxony, Michael Kretschmer,' -> the role the name is in
    apposition to, so that a later "the prime minister" is him. When the phrase ends in another person's role ("an
    adviser to the French president, Emmanuel Macron"), the name is that person's: "the French president"."""
    doc = ent.doc
    head = ent.root.head
    start = ent.start
    while start > 0 and doc[start - 1].lower_.rstrip(".") in NAME_TITLES:
        start -= 1  # "the Vatican's deputy spokesman, Father Ciro Benedettini" (claims interim 16)
    if ent.root.dep_ != "appos" or head.i >= start or start < 2 or doc[start - 1].text != ",":
        return None
    while head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.pos_ in ("NOUN", "PROPN"):
        head = head.head.head  # "… minister of the state of Saxony, NAME": the parser hung NAME on "Saxony"
    if head.pos_ != "NOUN":
        return None
    last = doc[start - 2]
    name_start = start
    start = head.left_edge.i
    if last.i != head.i and last.pos_ == "NOUN" and last.head.dep_ == "prep":
        start = last.left_edge.i  # the name belongs to the last noun, a person's title
    role = doc[start : name_start - 1]
    return role if 0 < len(role) <= APPOSITION_MAX_TOKENS else None


def _home(ent: Span) -> Optional[str]:
    """Where a person is from, as "from <place>": evidence of their country (the actor layer reads it; actor gold dev).
    "Tamara Sturtz-Filby from Bath", "Olena, 54, from Kharkiv", "Tatiana, who fled Mariupol in April"."""
    doc = ent.doc
    i = ent.end
    if i < len(doc) and doc[i].text == ",":  # "Olena, 54, from Kharkiv"; "Tatiana, who fled Mariupol"
        i += 1
        if i + 1 < len(doc) and doc[i].like_num and doc[i + 1].text == ",":
            i += 2
        if i + 1 < len(doc) and doc[i].lower_ == "who" and doc[i + 1].lemma_.lower() in HOME_LEFT_VERBS:
            i += 2
            return _from_place(doc, i + 1 if i < len(doc) and doc[i].lower_ == "from" else i)
    if i + 1 >= len(doc) or doc[i].lower_ != "from":
        return None
    return _from_place(doc, i + 1)


# "who fled Mariupol": a place someone left is where they are from.
HOME_LEFT_VERBS = {"flee", "fled", "leave", "left", "escape", "escaped"}


def _from_place(doc: Doc, i: int) -> Optional[str]:
    """"from <place>" for the place name starting at token ``i``: a GPE entity, or a city name NER missed ("Bath")."""
    if i >= len(doc):
        return None
    place = doc[i]
    if place.ent_type_ == "GPE" and place.ent_iob_ == "B":
        end = place.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return f"from {doc[i:end].text}"
    if place.pos_ == "PROPN" and _city_name(place.text):  # NER missed "Bath"
        return f"from {place.text}"
    return None


def _comma_phrase(ent: Span) -> Optional[Span]:
    """The parser often misses an apposition that is followed by the verb ('Mikhail Podolyak, an aide to
    Ukrainian President Vladimir Zelensky, claimed …'): a noun phrase opening with a determiner between two
    commas right after the name, with no verb in it, is one."""
    doc = ent.doc
    start = ent.end + 1
    if start >= len(doc) or doc[ent.end].text != "," or doc[start].pos_ != "DET":
        return None
    sent_end = doc[start].sent.end
    for end in range(start + 1, min(start + APPOSITION_MAX_TOKENS, sent_end)):
        tok = doc[end]
        if tok.text == ",":
            return doc[start:end]
        if tok.pos_ in ("VERB", "AUX") or tok.is_sent_end or tok.text in (";", ":", "(", ")") or tok.text in QUOTE_MARKS:
            return None
    return None


def collect_people(doc: Doc) -> list[tuple[Span, Person]]:
    """Every PERSON mention with the person it belongs to, in text order.

    Mentions merge by surname ("Dmitry Peskov" … "Peskov"), but two first names under one surname are two people:
    "Marsha Mueller" told of "her daughter Kayla Mueller", and the mother's "She told of …" is not the daughter's.
    A surname alone belongs to the person of that surname named most often in full (see ``_same_person``)."""
    people: dict[str, list[Person]] = {}
    last: dict[str, Person] = {}
    mentions: list[tuple[Span, Person]] = []
    # "Virgin heard about his story" in an article about "Virgin Media": a lone word that begins an organisation's
    # name elsewhere in the text is that organisation, whatever NER calls it.
    ents = doc.ents  # (built anew on every access)
    # (not a possessive: "Conal’s" tagged ORG is still one word)
    org_starts = {ent[0].lower_ for ent in ents if ent.label_ == "ORG"
                  and sum(t.text not in ("'s", "’s") for t in ent) > 1}
    # "he" → Metinvest (interim 22): a lone word NER calls an organisation more often than a person is one.
    lone = Counter((ent[0].lower_, ent.label_) for ent in ents if ent.label_ in ("ORG", "PERSON")
                   and sum(t.text not in ("'s", "’s") for t in ent) == 1)
    # (not a word of a full name NER gives elsewhere: "Alena" tagged ORG three times is "Alena Rapoport")
    named = {t.lower_ for ent in ents if ent.label_ == "PERSON" and len(ent) > 1 for t in ent}
    org_words = {w for (w, label), n in lone.items() if label == "ORG" and n > lone[(w, "PERSON")] and w not in named}
    nouns = person_nouns()
    given = first_names()
    apposed = _apposed_names(doc, nouns, given)
    apposed_surnames = {span[-1].lower_ for span in apposed}
    for ent in _with_apposed(doc, ents, apposed, apposed_surnames):
        if ent.label_ != "PERSON" and not (ent[-1].lower_ in apposed_surnames and (
                ent.label_ in APPOSED_LABELS or any(a.start <= ent.start and a.end == ent.end for a in apposed))):
            ent = _person_in_org(ent, nouns, people, given)
            if ent is None:
                continue
        elif ent.label_ == "PERSON" and (_placed(ent) or _credit(ent)):
            continue
        ent = _with_first_name(_with_particle_surname(ent), given)
        name = _strip_titles(ent)
        # "Peskov's" -> "Peskov"
        toks = _name_words(name)
        if not toks or is_pronoun(" ".join(toks)):
            continue  # NER now and then calls a pronoun a PERSON: it names nobody to resolve to
        if toks[0][:1].islower() and toks[0].lower().split("-")[0] not in NAME_PARTICLES | {"el"}:
            continue  # "pro-Putin", "anti-Kremlin": an adjective, not a name
        surname = toks[-1].lower()
        first = toks[0].lower() if len(toks) > 1 else None
        text = " ".join(toks)
        p = _same_person(people.get(surname, []), last.get(surname), first)
        titled = ent.start > 0 and doc[ent.start - 1].lower_.rstrip(".") in HONORIFIC_GENDER
        lone_word = toks[0].lower()
        # (a title NER left out or a first name still makes it a person: "Dr. Oz", "Volodymyr")
        before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        org_word = lone_word in org_words and lone_word not in given and not (
            titled or len(name) < len(ent) or before in TITLES or before.rstrip(".") in TITLES)
        if p is None and len(toks) == 1 and (lone_word in org_starts or org_word or (
                not titled and (_town_name(text, given) or _country_name(text, given)))):
            continue  # "She … Chernihiv", "Denmark said": a lone place name NER calls a PERSON, no one so named before
        if p is None:
            p = Person(name=text, surname=surname, first_token=ent.start, first=first)
            people.setdefault(surname, []).append(p)
        else:
            if len(text.split()) > len(p.name.split()):
                p.name = text
            p.first = p.first or first
        last[surname] = p
        p.named += first is not None
        p.honorifics |= {t.lower_.rstrip(".") for t in doc[max(ent.start - 1, 0) : ent.end]
                         if t.lower_.rstrip(".") in HONORIFIC_GENDER}
        p.roles += [found.text for found in (_role_before(ent), _role_appos(ent), _role_ahead(ent))
                    if found is not None]
        home = _home(ent)
        if home is not None:
            p.roles.append(home)
        p.roles += [TITLE_ROLES[w] for t in doc[max(ent.start - 1, 0) : name.start]
                    if (w := t.lower_.rstrip(".")) in TITLE_ROLES and TITLE_ROLES[w] not in p.roles]
        mentions.append((ent, p))
    return mentions


# Each Doc's people, kept for its lifetime with the entities they were read from: the speaker and actor stages both
# need them, and collecting them twice was a twentieth of claimwatch's time. Weakly keyed: nothing is added to the Doc.
# A mention is kept as its span's offsets, label, kb and span ids: a Span holds its Doc, which would then never leave.
MentionKey = tuple[int, int, int, int, int]
_PEOPLE: "weakref.WeakKeyDictionary[Doc, tuple[tuple, list[tuple[MentionKey, Person]]]]" = weakref.WeakKeyDictionary()


def doc_people(doc: Doc) -> list[tuple[Span, Person]]:
    """``collect_people(doc)``, collected once per Doc while its entities stay the same. Callers share the Persons:
    they read them, never change them."""
    ents = tuple((ent.start, ent.end, ent.label) for ent in doc.ents)
    held = _PEOPLE.get(doc)
    if held is None or held[0] != ents:
        mentions = collect_people(doc)
        _PEOPLE[doc] = (ents, [((s.start, s.end, s.label, s.kb_id, s.id), p) for s, p in mentions])
        return mentions
    return [(Span(doc, start, end, label=label, kb_id=kb_id, span_id=span_id), p)
            for (start, end, label, kb_id, span_id), p in held[1]]


def company_like(person: Person, companies: frozenset[str]) -> bool:
    """"SpaceX, Elon Musk's space company": a one-word name its apposition calls a company is no person, whatever NER
    says (one word, no first name: "Oleg Tinkov, whose … company" stays a person)."""
    return not person.first and any(_role_head(r) in companies for r in person.roles)


def _role_head(role: str) -> str:
    """"the state-owned operator of Langeled" -> "operator"."""
    words = re.findall(r"[a-z]+", re.split(r"\s(?:of|for|in|at|with|who|which|that)\s|,", role.lower())[0])
    return words[-1] if words else ""


# Entity types NER gives a name it did not know for a person's ("Ihnat" ORG, "Hubanov Pavlo" WORK_OF_ART; "" none).
APPOSED_LABELS = {"", "ORG", "WORK_OF_ART", "PRODUCT", "FAC"}


def _apposed_names(doc: Doc, nouns: frozenset[str], given: Optional[dict[str, str]] = None) -> list[Span]:
    """Names NER missed or mistyped that an apposition calls a person: "Stock, the secretary general of …", "said
    Ihnat, the Air Force spokesman", "Hubanov Pavlo, a children's doctor" (claims interim 19: each then lost its
    "he said" to another person named before)."""
    found = []
    # Only proper nouns can be such names: finding them in the POS column spares a Token for every other word.
    for i in np.flatnonzero(doc.to_array(POS) == PROPN).tolist():
        tok = doc[i]
        if tok.ent_type_ == "PERSON" or not tok.text[:1].isupper():
            continue
        start = tok.i
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound" \
                and doc[start - 1].text[:1].isupper() and (doc[start - 1].ent_type_ == tok.ent_type_ or (
                    given is not None and doc[start - 1].lower_ in given)):
            # (a known first name NER left out: "Oleksii" + "Stravko" read as a place)
            start -= 1
        # (a place NER saw, only as a full name: "The chief of Energoatom, Petro Kotin," is no "the capital, Kyiv")
        if tok.ent_type_ not in APPOSED_LABELS and not (tok.ent_type_ in ("GPE", "NORP") and tok.i > start):
            continue
        if any(c.dep_ == "appos" and c.tag_ == "NN" and c.lemma_.lower() in nouns for c in tok.children) \
                or (tok.dep_ == "appos" and _role_noun(_apposed_to(tok.head), nouns)):
            found.append(Span(doc, start, tok.i + 1, label="PERSON"))
    return found


def _name_before_description(span: Span, mentions: Sequence[tuple[Span, Person]],
                             by_surname: dict[str, Person]) -> Optional[Person]:
    """"Yoon, a conservative who took office in May, has pledged …": the parser made the description the subject and
    left the name that opens the sentence hanging (NER, too, may miss it there); the description is the named
    person's (claims interim 21)."""
    doc = span.doc
    if span.root.pos_ != "NOUN" or span[0].lower_ not in ("a", "an", "the") or span.start < 2 \
            or doc[span.start - 1].text != ",":
        return None
    for ent, person in mentions:
        if ent.end == span.start - 1 and ent.start == ent.sent.start and ent.root.dep_ not in ("nsubj", "nsubjpass"):
            return person
    name = doc[span.start - 2]
    if name.i == name.sent.start and name.text[:1].isupper() and name.dep_ not in ("nsubj", "nsubjpass"):
        return by_surname.get(name.lower_)
    return None


def _role_noun(tok: Token, nouns: frozenset[str]) -> bool:
    return tok.tag_ == "NN" and tok.lemma_.lower() in nouns


def _apposed_to(head: Token) -> Token:
    """The role a name is apposed to when the parser hung the apposition on the role's place or organisation: "The
    mayor of Sievierodonetsk, Oleksandr Stryuk," (the name under "Sievierodonetsk"; claims interim 21)."""
    if head.pos_ == "PROPN" and head.dep_ == "pobj" and head.head.lower_ in ("of", "for", "at", "in") \
            and head.head.head.tag_ == "NN":
        return head.head.head
    return head


def _with_apposed(doc: Doc, ents: Sequence[Span], apposed: list[Span], surnames: set[str]) -> list[Span]:
    """The entities, with the apposed names and the later bare mentions of their surnames ("Stock said") that NER
    left out, in text order."""
    if not apposed:
        return list(ents)
    taken = {i for e in ents for i in range(e.start, e.end)}
    extra = [s for s in apposed if not any(i in taken for i in range(s.start, s.end))]
    taken |= {i for s in extra for i in range(s.start, s.end)}
    extra += [Span(doc, t.i, t.i + 1, label="PERSON") for t in doc
              if t.i not in taken and t.pos_ == "PROPN" and t.lower_ in surnames and t.text[:1].isupper()]
    return sorted([*ents, *extra], key=lambda e: e.start)


NAME_PARTICLES = {"von", "van", "der", "den", "de", "da", "del", "della", "di", "du", "le", "la", "bin", "al", "ibn"}


def _with_particle_surname(ent: Span) -> Span:
    """"Ursula von der" + "Leyen": NER ended the name at its particle; the capitalised word after it is the surname
    (issue 14: "Ursula von der" as a speaker)."""
    doc = ent.doc
    if ent[-1].lower_ in NAME_PARTICLES and ent.end < len(doc) and doc[ent.end].pos_ == "PROPN" \
            and doc[ent.end].text[:1].isupper() and ent[-1].whitespace_:
        return doc[ent.start : ent.end + 1]
    return ent


def _with_first_name(ent: Span, given: dict[str, str]) -> Span:
    """"Ilya" + "Ponomarev": NER left a known first name out of the name (claims interim 19: "Ilya" read as a role)."""
    doc = ent.doc
    if ent.start > 0 and doc[ent.start - 1].pos_ == "PROPN" and doc[ent.start - 1].dep_ == "compound" \
            and doc[ent.start - 1].lower_ in given and doc[ent.start - 1].text[:1].isupper():
        return Span(doc, ent.start - 1, ent.end, label=ent.label_)
    return ent


def _name_words(name: Span) -> list[str]:
    """The words of a name, a hyphenated one kept whole ("Sturtz-Filby" is one surname, not a first name and a
    surname: actor gold dev), without a possessive."""
    words: list[str] = []
    glued = False
    for t in name:
        if t.text in ("'s", "’s"):
            continue
        if t.text == "-" and words and not name.doc[t.i - 1].whitespace_ and not t.whitespace_:
            words[-1] += "-"
            glued = True
            continue
        if t.is_punct:
            glued = False
            continue
        if glued:
            words[-1] += t.text
        else:
            words.append(t.text)
        glued = False
    return words


def _person_in_org(ent: Span, nouns: frozenset[str], people: dict[str, list[Person]],
                   given: Optional[dict[str, str]] = None) -> Optional[Span]:
    """A person NER took for an organisation (claims interim 16): "Blanco" or "Benedettini" alone, when a person of
    that surname was named before by a full name, and the name after a title inside an ORG ("Guerrero State
    Prosecutor Inaky Blanco"; two proper nouns at least, so "Prosecutor General's Office" stays an office); and a
    known first name with one or two capitalised words after it and no organisation word ("Lina Udodenko", tagged ORG,
    was no antecedent for the "She" that spoke next: claims interim 24)."""
    if ent.label_ != "ORG":
        return None
    words = [t for t in ent if t.text not in ("'s", "’s")]
    if len(words) == 1:
        # (known by a full name: "Oracle", once tagged PERSON, is not a person's surname)
        return ent if any(p.first for p in people.get(words[0].lower_, ())) else None
    if given and len(words) in (2, 3) and words[0].lower_ in given and _name_like(words, nouns):
        return ent
    titles = [t.i for t in words if t.lower_.rstrip(".") in nouns or t.lower_ in TITLES]
    if not titles:
        return None
    name = ent.doc[titles[-1] + 1 : words[-1].i + 1]
    if len(name) >= 2 and all(t.pos_ == "PROPN" for t in name):
        return name
    return None


def _name_like(words: Sequence[Token], nouns: frozenset[str]) -> bool:
    """Capitalised words (not all capitals: "Alina NATO" is no name), none of them an organisation's or a role's
    word."""
    orgs = org_nouns()
    for t in words:
        if not (t.text[:1].isupper() and t.text[1:].islower() and t.text.replace("-", "").isalpha()):
            return False
        if t.lower_ in orgs or t.lower_ in nouns or t.lower_ in org_name_words():
            return False
    return True


# NER now and then calls a town a PERSON ("a courthouse in Khimki", "a siege of Grozny, the Chechen capital"): such
# a mention is no one a pronoun can stand for.
PLACE_PREPOSITIONS = {"in", "near", "outside", "inside"}
PLACE_NOUNS = {"city", "town", "village", "suburb", "region", "province", "district", "capital", "oblast", "port"}


# "Photograph: Ed Ram/The Guardian": a photo credit inside the text names no one the article is about.
CREDIT_WORDS = {"photograph", "photo", "photos", "picture", "pictures", "image", "credit", "illustration", "video"}


def _credit(ent: Span) -> bool:
    doc = ent.doc
    return ent.start >= 2 and doc[ent.start - 1].text == ":" and doc[ent.start - 2].lower_ in CREDIT_WORDS


# A one-word PERSON that is the name of a city at least this large (GeoNames) is taken for the city.
CITY_POPULATION = 50_000


def _city_name(text: str, population: int = CITY_POPULATION) -> bool:
    primary, _ = country_index().cities(text)
    return any(c.population >= population for c in primary)


# A smaller town is taken for the town only when its name is no known first name ("Bucha", "Hostomel" are towns
# to "she said" after them; "Anna", a Russian town of 19,000, stays a woman: the Apr-Dec comparison articles).
TOWN_POPULATION = 10_000


def _town_name(text: str, given: dict[str, str]) -> bool:
    return _city_name(text, CITY_POPULATION if text.lower() in given else TOWN_POPULATION)


def _country_name(text: str, given: dict[str, str]) -> bool:
    """A country's name that is no listed first name ("Denmark", "Ukraine"; not "Georgia" were it listed)."""
    return text.lower() not in given and country_index().country_of(text) is not None


def _placed(ent: Span) -> bool:
    root = ent.root
    if root.dep_ == "pobj" and (root.head.lower_ in PLACE_PREPOSITIONS
                                or (root.head.lower_ == "of" and root.head.head.lemma_.lower() in PLACE_NOUNS)):
        return True
    return any(c.dep_ == "appos" and c.lemma_.lower() in PLACE_NOUNS for c in root.children)


def _same_person(known: list[Person], latest: Optional[Person], first: Optional[str]) -> Optional[Person]:
    """The person a mention with this first name (None: a surname alone) belongs to, among those of its surname."""
    if first is None:
        # "Biden said" in an article naming Joe Biden often and Beau Biden once is Joe Biden, not the one named
        # last; at a tie, the one named first, whom the article is about ("Conor Kennedy", not his grandfather)
        return max(known, key=lambda p: p.named) if len(known) > 1 else latest
    for p in known:
        if p.first == first:
            return p
    for p in known:
        if p.first is None:  # known by surname only so far ("Mueller said …"): now named in full
            return p
    return None


_RELATIVE_CLAUSE = re.compile(r"\s+(?:who|which|whose|whom|that)\b|,")
_TRIM_AT = re.compile(r",\s+|\s+(?=(?:who|which|whose|whom)\b)")
_NAME_LIST = re.compile(r"^[A-Z][^,]*(?:,\s*[A-Z][^,]*)*,?\s+and\s+[A-Z]")


def trim_speaker(doc: Doc, speaker: Optional[CharSpan], name: Optional[str],
                 role: Optional[str]) -> tuple[Optional[CharSpan], Optional[str]]:
    """The speaker span without the apposition or relative clause the tagger swept into it, which goes to the
    role: 'Fred Hasson, head of Tiga, which represents developers,' -> 'Fred Hasson' (role 'head of Tiga');
    'The head of the Farmers Union, Bill Carraway' -> 'Bill Carraway'. A span with nothing to trim is kept."""
    if speaker is None:
        return speaker, role
    text = doc_text(doc)[speaker.start : speaker.end]
    cut = _TRIM_AT.search(text)
    if cut is None or cut.start() == 0 or _NAME_LIST.search(text[cut.end() :]):
        return speaker, role  # nothing to trim, or joint speakers ("Engel, Moss and O'Callaghan")
    head, rest = text[: cut.start()], text[cut.end() :]
    rest_end = _TRIM_AT.search(rest)
    rest_part = rest[: rest_end.start()] if rest_end else rest
    rest_part = rest_part.strip(" ,;")
    name_words = set(re.findall(r"\w+", (name or "").casefold()))
    in_head = bool(name_words & set(re.findall(r"\w+", head.casefold())))
    in_rest = bool(name_words & set(re.findall(r"\w+", rest_part.casefold())))
    relative = rest_part.split()[:1] in (["who"], ["which"], ["whose"], ["whom"])
    if in_rest and not in_head and not relative and rest_part:
        start = speaker.start + cut.end() + rest.find(rest_part)
        return CharSpan(start, start + len(rest_part)), role or head.strip(" ,") or None
    if not re.search(r"\w", head):
        return speaker, role
    extra = rest_part if rest_part and not relative else None
    return CharSpan(speaker.start, speaker.start + len(head.rstrip())), role or extra


def _verb_subject_speaks(claim: Claim, head: Token) -> Claim:
    """The claim with the cue verb's subject before it as its speaker, or none when it has no such subject."""
    own = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
    phrase = subject_phrase(own) if own is not None and own.i < head.i else None
    return dataclasses.replace(claim, speaker=CharSpan(phrase.start_char, phrase.end_char) if phrase else None)


def _after_caption(doc: Doc, claim: Claim, captions: Sequence[tuple[int, int]]) -> Claim:
    """A speaker span that begins inside an inline caption or link and runs past it begins after it ("Related: … –
    in pictures   Akhmetov" -> "Akhmetov"); one wholly inside it is no speaker."""
    sp = claim.speaker
    if sp is None or not in_ranges(sp.start, captions):
        return claim
    end = max(e for s, e in captions if s <= sp.start < e)
    text = doc_text(doc)
    while end < sp.end and text[end].isspace():
        end += 1
    return dataclasses.replace(claim, speaker=CharSpan(end, sp.end) if end < sp.end else None)


class SpeakerResolver(DataFileComponent):
    """spaCy component `claimwatch_speakers`: fills resolved_speaker and speaker_role on claims."""

    DEFAULT_FILES = {"owned_roles_path": OWNED_ROLES_FILE, "nonspeakers_path": NONSPEAKERS_FILE,
                     "person_nouns_path": PERSON_NOUNS_FILE, "first_names_path": FIRST_NAMES_FILE,
                     "org_nouns_path": ORG_NOUNS_FILE}

    def read(self, files: Files) -> None:
        self.owned_roles = owned_roles(files["owned_roles_path"])
        self.person_nouns = person_nouns(files["person_nouns_path"])
        self.first_names = first_names(files["first_names_path"])
        self.org_nouns = org_nouns(files["org_nouns_path"])
        # nouns of a group that "they" may stand for: a group noun or a company word
        self.group_nouns = collective_nouns() | self.org_nouns
        self.countries = country_index()
        self.nonspeaking = nonspeakers(files["nonspeakers_path"])

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        mentions = doc_people(doc)
        with doc_cache(doc):  # quotes and paragraphs share one reading of the Doc's columns
            quoted = quote_depth(doc)
            para_of = _paragraph_index(doc)
        by_surname = {p.surname: p for _, p in mentions}
        resolved: list[Claim] = []
        captions = caption_ranges(doc_text(doc))
        for claim in claims:
            claim = _after_caption(doc, self._checked_speaker(doc, claim, quoted), captions)
            claim = self._inherit_floating(doc, claim, resolved, para_of)
            if claim.speaker is not None and any(p.start <= claim.speaker.start and claim.speaker.end <= p.end
                                                 for p in claim.content):
                # A word of the quotation itself ("Passion has helped us", Lincoln wrote) speaks nothing.
                claim = dataclasses.replace(claim, speaker=None)
            name, role = self._resolve(doc, claim, mentions, by_surname, resolved, quoted, later=claims)
            speaker, role = trim_speaker(doc, claim.speaker, name, role)
            if speaker != claim.speaker and claim.speaker is not None and speaker is not None and \
                    name == doc_text(doc)[claim.speaker.start : claim.speaker.end]:
                name = doc_text(doc)[speaker.start : speaker.end]  # the speaker was its own words: trim those too
            resolved.append(dataclasses.replace(claim, speaker=speaker, resolved_speaker=name, speaker_role=role))
        setattr(doc._, CLAIMS_ATTR, resolved)
        set_span_groups(doc, resolved)
        return doc

    # -- speakers that cannot be ------------------------------------------------------------------
    def _checked_speaker(self, doc: Doc, claim: Claim, quoted: list[int]) -> Claim:
        """The speaker the cue's clause gives: a participle cue's main-clause subject, and never a time or an
        event ("A day earlier", "The move"), which yields to the cue verb's subject or to none."""
        if claim.speaker is None or not claim.cue:
            return claim
        head = cue_head(doc, claim)
        if head is None:
            return claim
        span = doc.char_span(claim.speaker.start, claim.speaker.end, alignment_mode="expand")
        if span is not None and span.start <= head.i < span.end:
            # A speaker span holding its own cue verb ("The US has been warning Moscow for weeks over public comments
            # from top Russian officials", run 12) is a clause: the verb's subject speaks, if it has one.
            return _verb_subject_speaks(claim, head)
        if span is not None:
            trimmed = without_time_prefix(span, self.nonspeaking)
            if cannot_speak(trimmed, self.nonspeaking):
                # Only where the time became the head ("the Secretary of State earlier this week"): "a poll released
                # last week" reads better whole.
                trimmed = without_time_suffix(trimmed, self.nonspeaking)
            if (trimmed.start, trimmed.end) != (span.start, span.end):
                claim = dataclasses.replace(claim, speaker=CharSpan(trimmed.start_char, trimmed.end_char))
                span = trimmed
        gov = span.root.head if span is not None else None
        if span is not None and gov is not None and span.root.dep_ in ("dobj", "pobj") and head.i < gov.i \
                and claim.cue[0].start <= gov.idx < claim.cue[-1].end \
                and any(t.text == "," for t in doc[head.i : gov.i]) \
                and (cannot_speak(span, self.nonspeaking) or any(t.lower_ == "without" for t in doc[head.i : gov.i + 1])):
            # An object in an aside the cue swept in ("He claimed, still without citing any proof, that …": claims
            # interim 23) names no one who speaks: the cue verb's subject does. A party cited that can speak stays
            # the source ("reported, citing the ministry"); a ground cited ("citing rising prices") is never made
            # the speaker in the first place (``claims._relay``, ``speaker_check.cited_reason``).
            return _verb_subject_speaks(claim, head)
        later = _later_subject(head, span) if span is not None else None
        if later is not None:
            # "A pianist and singer who …, Sofia Mariia said": the description fronted before the subject is hers
            return dataclasses.replace(claim, speaker=CharSpan(later.start_char, later.end_char))
        driven = _driven_object(head)
        if driven is not None and (span is None or not within(span, driven)) and not overlaps_content(claim, driven):
            # "The disparities drove Ken Thompson, the district attorney, to announce that …": the object of the
            # verb that moved them speaks (claims interim 16)
            return dataclasses.replace(claim, speaker=CharSpan(driven.start_char, driven.end_char))
        own = subject_of(head) if head.pos_ == "VERB" else None
        if own is not None and span is not None and own.i < span.start and within(span, subject_phrase(own)) \
                and self._titled(span.root, own) is not None:
            # The tagger took "Emmanuel Macron" of "An adviser to the French president, Emmanuel Macron, said".
            phrase = subject_phrase(own)
            return dataclasses.replace(claim, speaker=CharSpan(phrase.start_char, phrase.end_char))
        subjects = participle_subjects(head, quoted)
        if subjects and span is not None and not (span.start <= subjects[0].i < span.end) \
                and not within(span, subject_phrase(subjects[0])) and not _named(span):
            phrase = self._speaking_phrase(claim, subjects)
            # A common noun the tagger chose yields to a name or pronoun only ("the party platform" to "his
            # operatives"; "South Korea's military" not to "The drills").
            if phrase is not None and (_named(phrase) or phrase.root.lemma_.lower() in self.owned_roles
                                       or cannot_speak(span, self.nonspeaking) or _clause(span)):
                return dataclasses.replace(claim, speaker=CharSpan(phrase.start_char, phrase.end_char))
        if span is None or not (cannot_speak(span, self.nonspeaking) or _clause(span)):
            return claim
        own = subject_of(head) if head.pos_ == "VERB" else None
        # A subject inside the span may speak for it ('an explosion that Mayor Bill de Blasio described as …').
        candidates = [t for t in subjects or [own] if t is not None and t.i != span.root.i]
        phrase = self._speaking_phrase(claim, candidates) or self._speaking_part(span)
        if phrase is not None:
            return dataclasses.replace(claim, speaker=CharSpan(phrase.start_char, phrase.end_char))
        return dataclasses.replace(claim, speaker=None)

    def _titled(self, name: Token, speaker: Token) -> Optional[Token]:
        """The person noun a name right after a comma belongs to, when it is not the speaker's own head: in "an
        adviser to the French president, Emmanuel Macron" the name is the president's ("the head of Ukraine's
        nuclear agency, Petro Kotin" is the head's: "agency" names no person)."""
        doc = name.doc
        at = name.left_edge.i
        if at < 2 or doc[at - 1].text != ",":
            return None
        noun = doc[at - 2]
        if noun.i > speaker.i and noun.tag_ == "NN" and noun.lemma_.lower() in self.person_nouns \
                and speaker.lemma_.lower() in self.person_nouns and noun.head.dep_ == "prep":
            return noun
        return None

    def _speaking_part(self, span: Span) -> Optional[Span]:
        """The first comma-separated part of the span that can speak: the tagger ran 'President Biden, in a
        statement Wednesday night' together, and the parser made the time its head."""
        doc = span.doc
        start = span.start
        for end in [t.i for t in span if t.text == ","] + [span.end]:
            part = doc[start:end]
            if len(part) and any(t.pos_ in ("NOUN", "PROPN") for t in part) \
                    and not cannot_speak(part, self.nonspeaking) and part.end != span.end:
                return part
            start = end + 1
        return None

    def _speaking_phrase(self, claim: Claim, subjects: list[Token]) -> Optional[Span]:
        """The noun phrase of the first subject that can speak and is not part of what was said."""
        for subj in subjects:
            phrase = subject_phrase(subj)
            if not cannot_speak(phrase, self.nonspeaking) and not overlaps_content(claim, phrase):
                return phrase
        return None

    # -- floating quotes ---------------------------------------------------------------------------
    def _inherit_floating(self, doc: Doc, claim: Claim, previous: list[Claim], para_of: dict[int, int]) -> Claim:
        """A quote with no cue and no speaker right after a claim or a person takes that speaker."""
        if claim.speaker is not None or claim.cue or claim.kind != "direct":
            return claim
        start = claim.content[0].start
        tok = doc.char_span(start, start + 1, alignment_mode="expand")
        if tok is None:
            return claim
        sent = tok[0].sent
        if any(not (t.is_punct or t.is_space) for t in doc[sent.start : tok[0].i]):
            # 'Doctored images made their way around the Web with the tag lines "…"': a quote inside the writer's
            # own sentence is not a speaker's next words (claims interim 14)
            return claim
        this_para = para_of.get(sent.start, -1)
        if previous and previous[-1].speaker is not None:
            prev = previous[-1]
            prev_tok = doc.char_span(prev.content[-1].start, prev.content[-1].end, alignment_mode="expand")
            if prev_tok is not None and 0 <= this_para - para_of.get(prev_tok[-1].i, -99) <= 1 and sent.start - prev_tok[-1].i < 80:
                return dataclasses.replace(claim, speaker=prev.speaker, extra={**claim.extra, "floating": True})
        # Otherwise the subject of the sentence just before, when it is a person.
        if sent.start == 0:
            return claim
        prev_sent = doc[sent.start - 1].sent
        if para_of.get(prev_sent.start) != this_para:
            return claim
        for t in prev_sent:
            if t.dep_ == "nsubj" and t.head.dep_ == "ROOT" and (t.ent_type_ == "PERSON" or t.lower_ in PERSON_PRONOUNS):
                ents = [e for e in doc.ents if e.label_ == "PERSON" and e.start <= t.i < e.end]
                sp = ents[0] if ents else doc[t.i : t.i + 1]
                return dataclasses.replace(
                    claim,
                    speaker=CharSpan(sp.start_char, sp.end_char),
                    extra={**claim.extra, "floating": True},
                )
        return claim

    # -- resolution ----------------------------------------------------------------------------------
    def _resolve(
        self,
        doc: Doc,
        claim: Claim,
        mentions: list[tuple[Span, Person]],
        by_surname: dict[str, Person],
        previous: list[Claim],
        quoted: Optional[list[int]] = None,
        later: Sequence[Claim] = (),
    ) -> tuple[Optional[str], Optional[str]]:
        if claim.speaker is None:
            return None, None
        span = doc.char_span(claim.speaker.start, claim.speaker.end, alignment_mode="expand")
        if span is None:
            return doc_text(doc)[claim.speaker.start : claim.speaker.end], None
        span = _relative_antecedent(span)
        # A named person heading the speaker span ("Kremlin spokesperson Dmitry Peskov"), not one merely
        # inside it ("Ostmark's foreign ministry" is the ministry, whatever NER thinks of "Ostmark").
        root = span.root
        for ent, person in mentions:
            if ent.start >= span.start and ent.end <= span.end and ent.start <= root.i < ent.end:
                person = _the_one_speaking(ent, person, mentions, previous)
                return person.name, person.role
        for ent, person in mentions:
            # "A spokesman for Ukraine's president, Volodymyr Zelensky,": the spokesman speaks for him (the name
            # inside the span or right after it)
            if span.start < ent.start <= span.end + 1 and ent.start > root.i:
                # after the span only as an apposition closed by a comma: "According to the ministry, Anna Kova
                # said …" names a new subject, not the ministry
                inside = ent.end <= span.end
                closed = ent.end < len(doc) and doc[ent.end].text == ","
                titled = self._titled(ent.root, root)
                if titled is not None and (inside or closed):
                    return f"{person.name}'s {root.text}", doc[span.start : titled.i + 1].text
                if inside and ent.end >= span.end - 1 and doc[ent.start - 1].text == "," and root.pos_ == "NOUN":
                    # "the prime minister of the German state of Saxony, Michael Kretschmer": the name closing
                    # the span is the role's, wherever the parser hung it
                    return person.name, person.role or doc[span.start : ent.start - 1].text
        if root.dep_ == "appos" and root.head.i < span.start:
            # "Gill Rosenberg, a Canadian-Israeli woman, … posted": the tagger took the apposition; the name it
            # describes speaks (claims interim 16)
            for ent, person in mentions:
                if ent.start <= root.head.i < ent.end:
                    return person.name, person.role or span.text
        named_before = _name_before_description(span, mentions, by_surname)
        if named_before is not None:
            return named_before.name, (named_before.role or span.text).rstrip(" ,")
        # 'The head of the Farmers Union, Bill Carraway,': the person is an apposition of the role.
        for child in root.children:
            # …or right after it ("Russia's space chief, Dmitry Rogozin, called …", the name left out of the span)
            if child.dep_ == "appos" and (span.start <= child.i < span.end or _name_after(span, child)):
                titled = self._titled(child, root)
                if titled is not None:
                    # "An adviser to the French president, Emmanuel Macron,": the name is the president's; the
                    # speaker speaks for him.
                    for ent, person in mentions:
                        if ent.start <= child.i < ent.end:
                            return f"{person.name}'s {root.text}", doc[span.start : titled.i + 1].text
                    continue
                # (through a role in between: "Russia's most famous prisoner, the opposition leader Aleksei A.
                # Navalny,")
                named = [child] + [c for c in child.children if c.dep_ == "appos"]
                for ent, person in mentions:
                    if any(ent.start <= c.i < ent.end for c in named):
                        role = doc[span.start : min(child.left_edge.i, span.end)]
                        role_text = role.text.strip(" ,")
                        return person.name, person.role or (role_text or None)
        # NER missed the name ('Palace spokesperson Dmitri Orlov'): the proper nouns ending at the head.
        if root.pos_ == "PROPN" and root.dep_ != "poss":
            start = _name_start(root, span.start)
            if start > span.start and root.i - start >= 1:
                role = doc[span.start : start]
                role_words = [t for t in role if t.pos_ not in ("DET", "PUNCT")]
                if role_words:
                    return doc[start : root.i + 1].text, doc[role_words[0].i : start].text
        words = [t for t in span if not t.is_punct]
        low = span.text.lower().strip()
        if len(words) == 1 and words[0].lower_ in by_surname:
            p = by_surname[words[0].lower_]
            return p.name, p.role
        if low in PERSON_PRONOUNS or AGE_DESCRIPTION.match(low):
            # "The 26-year-old told the paper …", "the 48-year-old actor said": a person the writer has just named,
            # resolved as a pronoun is (claims interims 13 and 15). Not anyone named in what they said: "Among the
            # airlines … are … Wizz Air Abu Dhabi, he said" (claims interim 19).
            spoken = [m for m in mentions if not any(p.start <= m[0].start_char < p.end for p in claim.content)]
            return self._antecedent(doc, span, spoken, previous, person=True, quoted=quoted)
        if low in GROUP_PRONOUNS:
            return self._antecedent(doc, span, mentions, previous, person=False)
        owned = self._possessed_role(doc, span, mentions, previous, quoted)
        if owned is not None:
            return owned
        # "the spokesman" -> the person introduced with that role word.
        head = span.root
        named = _person_after(span, mentions)
        if named is not None:  # "the head of Ukraine's nuclear agency, Petro Kotin, said": the name
            return named.name, named.role or span.text
        # (the tagger now and then calls "minister" a proper noun: a lower-case word is a common noun here, and so is
        # an all-capital person noun, "The MP" for "Ukrainian MP Kira Rudik": claims interim 23; not "The UN")
        if (head.pos_ == "NOUN" or head.text.islower() or head.lower_ in self.person_nouns) \
                and words and words[0].lower_ in DEFINITE:
            holder = self._with_role(span, mentions)
            if holder is not None:
                return holder.name, holder.role
        if head.pos_ == "NOUN" and words and words[0].lower_ in DEFINITE and head.lemma_.lower() in self.org_nouns:
            company = _company_before(doc, span, previous)
            if company is not None:  # "Microsoft said … The company added": Microsoft
                return company, None
        if head.pos_ == "NOUN" and words and words[0].lower_ in {"the", "a", "an", "this", "that"}:
            if len(words) == 2 and head.lower_ in SPOKES_ROLES:
                org = _organisation_before(doc, span)
                if org is not None:
                    name = org[1:] if org[0].lower_ == "the" and len(org) > 1 else org
                    return f"{name.text} {head.text}", head.text
        given = _named_in_clause(span)
        if given is not None:  # "Another shopper, who only gave his name as Leonid, said"
            described = [t.text for t in doc[span.start : span.root.i + 1] if t.pos_ not in ("DET", "PRON", "NUM")]
            return given.text, " ".join(described) or None
        echoed = _echoed_speaker(doc, span, previous) if words and words[0].lower_ in DEFINITE else None
        if echoed is not None:
            return echoed
        described = self._described(doc, span, mentions, previous, later, quoted)
        if described is not None:
            return described.name, described.role or _without_article(span)
        return span.text, None

    def _bare_person_name(self, span: Span) -> bool:
        """A speaker headed by one to three capitalised proper nouns ("Mutu", "Liberal Democrat peer Lord Carlile")
        that no organisation word, country or city name makes a thing."""
        root = span.root
        span = span.doc[_name_start(root, span.start) : root.i + 1]
        words = [t for t in span if not t.is_punct]
        if not 1 <= len(words) <= 3 or any(t.pos_ != "PROPN" or not t.text[:1].isupper() for t in words):
            return False
        if any(t.ent_type_ == "NORP" or t.lower_ in self.org_nouns for t in words):
            return False
        return not (_countries([span.text], self.countries) or _city_name(span.text))

    def _titled_name(self, name: Span) -> bool:
        """"Foreign Minister Anna Berg": a name written with a role word of its own."""
        before = name.doc[max(name.start - 3, name.sent.start) : name.end]
        return any(t.lower_.rstrip(".") in NAME_TITLES or t.lemma_.lower() in self.person_nouns for t in before)

    def _described(
        self, doc: Doc, span: Span, mentions: list[tuple[Span, Person]], previous: list[Claim],
        later: Sequence[Claim], quoted: Optional[list[int]] = None,
    ) -> Optional[Person]:
        """A speaker named only by a description of one person, who is a person named beside it (claims interim 18:
        6 of its 19 partly right claims). A definite description points back ("The member of the Federation Council
        said", just after Sergey Tsekov spoke); an indefinite or possessive one that opens a report is named in the
        next sentence ("A senior Ukrainian presidential aide has told the BBC … . Mykhaylo Podolyak said")."""
        phrase = _before_apposition(span)
        if not _one_person(span, self.person_nouns) or any(t.ent_type_ == "PERSON" for t in phrase):
            return None  # (a name in the description itself, "the mother of …", is another's; an apposition may err)
        first = next((t for t in span if not t.is_punct), None)
        if first is None:
            return None
        if first.lower_ in ("the", "this"):
            person = self._described_before(doc, span, mentions, previous, quoted)
        elif (first.lower_ in ("a", "an") or first.dep_ == "poss") and span.sent.end < len(doc):
            person = self._described_next(doc, span, mentions, later)
        else:
            return None
        want = DESCRIPTION_GENDER.get(span.root.lemma_.lower())
        if person is None or (want is not None and gender_of(person, self.first_names) not in (None, want)):
            return None
        return person

    def _described_before(
        self, doc: Doc, span: Span, mentions: list[tuple[Span, Person]], previous: list[Claim],
        quoted: Optional[list[int]] = None,
    ) -> Optional[Person]:
        """The person a definite description points back at, as "he" would, named in its sentence or the two before
        (or the last speaker): not one whose own role has the same noun ("The defence minister" is not Foreign
        Minister Lavrov), nor one with another description of that noun in between, nor one whose roles do not show
        the country the description names ("The Austrian leader" is not the Kessel Commission's president)."""
        name, _ = self._antecedent(doc, span, mentions, previous, person=True, quoted=quoted)
        # (sentences as the parser splits them: an apposition may end one early)
        start = _sentences_before(doc, span.sent.start, 2)
        # (or the speaker of a claim in that stretch, resolved to them: "Gossett says … '…,' she said. The mother said")
        last = next((c for c in reversed(previous) if c.speaker and c.speaker.end <= span.start_char), None)
        spoke = last is not None and last.resolved_speaker == name and last.speaker.start >= doc[start].idx
        # A person named there as a subject, outside quotes: "an 'heir to Mussolini'" names no one who speaks.
        subjects = [(e, p) for e, p in mentions if start <= e.start and e.end <= span.start
                    and e.root.dep_ in ("nsubj", "nsubjpass") and not (quoted and quoted[e.start])]
        near = [(e, p) for e, p in subjects if p.name == name]
        if not near and spoke:
            near = [(e, p) for e, p in mentions if p.name == name and e.end <= span.start]
        if not near:  # (the antecedent a role phrase: "the presidential adviser …, in which Ustenko urged")
            # only someone known as a person beyond NER's word, by a first name, a role or a title: "Langeled", a
            # pipeline NER calls a person, is no "the spokesman" (claims interim 19)
            near = [(e, p) for e, p in subjects if p.first or p.roles or p.honorifics]
        if not near:
            return None
        ent, person = near[-1]
        head = span.root.lemma_.lower()
        if any(head in role.lower().split() for role in person.roles):
            return None
        if any(t.lemma_.lower() == head and t.pos_ == "NOUN" for t in doc[ent.end : span.start]):
            return None
        # (the description's own words, not an apposition's: "…, Russia's upper chamber of parliament,")
        described = _countries((t.text for t in _before_apposition(span)), self.countries)
        known = _countries((w for role in person.roles for w in role.split()), self.countries)
        # (a country's leader must be shown to lead it; a nationality, "The former Ukrainian politician", may be
        # told only here)
        if described - known and (known or head in LEADING_ROLES):
            return None
        return person

    def _described_next(
        self, doc: Doc, span: Span, mentions: list[tuple[Span, Person]], later: Sequence[Claim],
    ) -> Optional[Person]:
        """The person an opening description is: the subject of a statement in the next sentence, named there for
        the first time and bare, with no role of their own (a writer gives a new person's role at first mention;
        the description is that role)."""
        following = span.doc[span.sent.end].sent
        speaking = [c.speaker for c in later if c.speaker is not None]
        for e, p in mentions:
            if (following.start <= e.start < following.end and p.first_token == e.start and e.root.dep_ == "nsubj"
                    and _role_before(e) is None and _role_appos(e) is None and not self._titled_name(e)
                    and any((sp.start, sp.end) == (e.start_char, e.end_char) for sp in speaking)):
                return p
        bare = _bare_name_speaking(doc, following, speaking)
        if bare is None or self._titled_name(bare):
            return None
        return Person(name=bare.text, surname=bare[-1].lower_, first_token=bare.start, first=bare[0].lower_)

    def _possessed_role(
        self, doc: Doc, span: Span, mentions: list[tuple[Span, Person]], previous: list[Claim],
        quoted: Optional[list[int]] = None,
    ) -> Optional[tuple[str, str]]:
        """"His press secretary" -> "Daniel Okafor's press secretary": the pronoun's person owns the role, so the
        speaker speaks for that person's side (the actor resolver reads "Okafor's spokesman" as Okafor's country)."""
        root = span.root
        if root.pos_ != "NOUN" or root.lower_ not in self.owned_roles:
            return None
        poss = [c for c in root.children if c.dep_ == "poss" and c.lower_ in ("his", "her") and span.start <= c.i]
        if not poss:
            return None
        owner, _ = self._antecedent(doc, doc[poss[0].i : poss[0].i + 1], mentions, previous, person=True,
                                    quoted=quoted)
        if owner is None:
            return None
        role = doc[poss[0].i + 1 : span.end].text.strip(" ,")
        return f"{owner}'s {role}", role

    def _with_role(self, phrase: Span, mentions: list[tuple[Span, Person]]) -> Optional[Person]:
        """The person last introduced before ``phrase`` with the role it names ("the spokesman")."""
        for ent, person in reversed([m for m in mentions if m[0].start < phrase.start]):
            # any role written beside them ("Father" first, "the Vatican's deputy spokesman" later), up to a
            # relative clause ("one of the brothers who villagers say …" names no villager); one person is singular
            if phrase.root.tag_ in ("NNS", "NNPS"):
                return None
            if any(same_role(phrase, _RELATIVE_CLAUSE.split(role, 1)[0], self.countries) for role in person.roles):
                return person
        return None

    def _role_holder(self, phrase: Span, mentions: list[tuple[Span, Person]]) -> tuple[str, Optional[str]]:
        """"the spokesman" -> the person introduced with that role before it; else the phrase itself."""
        words = [t for t in phrase if not t.is_punct]
        holder = self._with_role(phrase, mentions) if words and words[0].lower_ in DEFINITE else None
        return (holder.name, holder.role) if holder is not None else (phrase.text, None)

    def _antecedent(
        self, doc: Doc, span: Span, mentions: list[tuple[Span, Person]], previous: list[Claim], person: bool,
        quoted: Optional[list[int]] = None,
    ) -> tuple[Optional[str], Optional[str]]:
        if person:
            # (a person pictured in a photo caption is not the one the writer goes on quoting: claims interim 21)
            captions = caption_ranges(doc_text(doc))
            before = [m for m in mentions if m[0].end <= span.start and not in_ranges(m[0].start_char, captions)]
            # "she" is never a man known by "Mr" or by his first name ("Eric Adams"), nor "he" a woman.
            want = PRONOUN_GENDER.get(span.text.lower())
            other = set()
            if want is not None:
                other = {p.name for _, p in before if gender_of(p, self.first_names) not in (None, want)}
                before = [m for m in before if m[1].name not in other]
            # A person named inside a quotation is talked about, not talking: "when we met Beth she was so nice,"
            # said Alina. … "The main thing is …," she said: "she" is Alina. (A pronoun inside a quote may still
            # point at a name inside it.)
            if quoted is not None and not quoted[span.start]:
                before = [m for m in before if not quoted[m[0].start]]
            focus = _focus_person(span, before, self.person_nouns, quoted, want)
            if isinstance(focus, Person):
                return focus.name, focus.role
            if focus is not None:  # "the former adviser": a named person introduced with that role, or the phrase
                return self._role_holder(focus, mentions)
            # The most recent speaker who is a person wins over any person merely mentioned.
            for claim in reversed(previous):
                if claim.resolved_speaker in other:
                    continue  # "'You sound frustrated,' Tur said. … 'I just think …,' he said": the one before her
                if claim.kind == "nominal":
                    # "While he echoed President Joe Biden's message that …, he said": a claim's holder named
                    # in passing is talked about, not talking (claims interim 17)
                    continue
                if claim.resolved_speaker and claim.speaker and claim.speaker.end <= span.start_char:
                    for ent, p in before:
                        if p.name == claim.resolved_speaker:
                            return p.name, p.role
                    # "…, said the former adviser. He also said": a speaker named by a role is a person too.
                    said_by = doc.char_span(claim.speaker.start, claim.speaker.end, alignment_mode="expand")
                    near = said_by is not None and said_by.sent.start >= doc[max(span.sent.start - 1, 0)].sent.start
                    if near and _one_person(said_by, self.person_nouns):
                        return claim.resolved_speaker, claim.speaker_role
                    # "'…,' Mutu said. … He told the Sunday Mirror": a bare name NER took for an organisation or a
                    # place, speaking just before, is the person "he" is (claims interims 3-13: "Mykhaylo said",
                    # "Liberal Democrat peer Lord Carlile … said")
                    if near and self._bare_person_name(said_by):
                        return claim.resolved_speaker, claim.speaker_role
                    break
            if before:
                chosen = _salient(span, before)
                return chosen.name, chosen.role
            return None, None
        plural = span.text.lower() in ("they", "them")
        # "it" or "they" stands for a speaker or a subject of the last few sentences, never one further back: left
        # unresolved, the claim is not shown (schema.names_no_one); resolved far back, it named the wrong source (the
        # Apr–Dec store, fifteenth session: "It also proposes …", a sanctions package, had been given to a diplomat
        # quoted paragraphs before, "they" to "a hoodie").
        start = _sentences_before(doc, span.sent.start, GROUP_LOOKBACK_SENTENCES)
        floor = doc[_sentences_before(doc, span.sent.start, GROUP_SPEAKER_LOOKBACK)].idx
        for claim in reversed(previous):
            if claim.speaker is not None and claim.speaker.end <= floor:
                break
            if claim.resolved_speaker and claim.speaker and claim.speaker.end <= span.start_char:
                # An unresolved "I" or "you" is no antecedent: a pronoun resolves to a named mention or to nothing.
                # (a "person" NER made of a company, "SpaceX, Elon Musk's space company", is one: claims interim 19)
                if not any(p.name == claim.resolved_speaker and not company_like(p, self.org_nouns)
                           for _, p in mentions) and not is_pronoun(claim.resolved_speaker):
                    said_by = doc.char_span(claim.speaker.start, claim.speaker.end, alignment_mode="expand")
                    if span.text.lower() != "we" and said_by is not None and not self._group_antecedent(said_by, plural):
                        continue  # "One Lebanese official has said …. They are threatening to kill them": not him
                    return claim.resolved_speaker, claim.speaker_role
        # The nearest organisation (or, for "it", country) named as a subject in these sentences.
        labels = ("ORG",) if plural else ("ORG", "GPE")
        for ent in reversed([e for e in doc.ents if start <= e.start and e.end <= span.start and e.label_ in labels
                             and e.root.dep_ in ("nsubj", "nsubjpass") and not is_pronoun(e.text)]):
            return ent.text, None
        return None, None

    def _group_antecedent(self, said_by: Span, plural: bool) -> bool:
        """Whether a speaker phrase can be what "it" or "they" stands for: never one person ("One Lebanese official
        has said …. They are …"); for "it" nothing plural; for "they" a plural, a named organisation, country or
        nationality, or a collective noun ("The government", "The pair"), not "a hoodie" or "plan" (the Apr–Dec store,
        fifteenth session: "It also proposes …", a sanctions package, had been given to a diplomat)."""
        if _one_person(said_by, self.person_nouns):
            return False
        root = said_by.root
        named = any(e.label_ in ("ORG", "GPE", "NORP") for e in said_by.ents)
        if not plural:
            return named or root.tag_ not in ("NNS", "NNPS")
        # (a group noun may head the phrase or stand in apposition: "SpaceX, Elon Musk's space company")
        return named or root.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in root.children) \
            or any(t.pos_ == "NOUN" and t.lemma_.lower() in self.group_nouns
                   for t in [*said_by, *(c for c in root.children if c.dep_ == "appos")])


def _the_one_speaking(ent: Span, person: Person, mentions: list[tuple[Span, Person]],
                      previous: list[Claim]) -> Person:
    """A bare surname that speaks, shared by two people, is the one who spoke last before it: "Whelan said his
    family is hopeful" after David Whelan's statements about his brother Paul (claims interim 9)."""
    if len(_name_words(ent)) != 1:
        return person
    namesakes = {p.name: p for _, p in mentions if p.surname == person.surname}
    if len(namesakes) < 2:
        return person
    for claim in reversed(previous):
        if claim.resolved_speaker in namesakes and claim.speaker is not None and claim.speaker.end <= ent.start_char:
            return namesakes[claim.resolved_speaker]
    return person


def _focus_person(
    span: Span, before: list[tuple[Span, Person]], person_nouns: frozenset[str] = frozenset(),
    quoted: Optional[list[int]] = None, want: Optional[str] = None,
) -> Optional[Person | Span]:
    """The person a pronoun's own sentence, or the one just before it, is about, when a name is its subject: "As
    Halyna Borysenko finished milking, she said"; "Last week Mr Wallace visited the yard. He told …". Such a new
    subject takes the pronoun from whoever spoke before (a person merely mentioned does not). A main-clause
    subject that names one person by a noun ("The protester … as she yelled"; "The WNBA star spoke to ABC. …
    she said") is returned as its phrase."""
    sent = span.sent
    # A surname NER missed ("… a Russian prison—Browder drew up a list") is the person it names.
    surnames = {p.surname: p for _, p in before}
    inside = {i for e, _ in before for i in range(e.start, e.end)}

    def unquoted(t: Token) -> bool:
        return not (quoted and quoted[t.i] and not quoted[span.start])

    def surname(t: Token) -> Optional[Person]:
        return surnames.get(t.lower_) if t.pos_ == "PROPN" and t.i not in inside else None

    def described(t: Token) -> bool:
        """A noun naming one person whom the pronoun can stand for: not "Her great-grandfather" for "She", nor a
        description fronted before the pronoun that is its own subject ("The only member of …, he left")."""
        if not _nominal_person(t, person_nouns):
            return False
        if want is not None and DESCRIPTION_GENDER.get(t.lemma_.lower(), want) != want:
            return False
        return not any(c.dep_ in ("nsubj", "nsubjpass") and c.i != t.i and c.lower_ in PERSON_PRONOUNS
                       for c in t.head.children)

    here = [(e, p) for e, p in before if e.start >= sent.start]
    subjects: list[tuple[int, Person | Span]] = [(e.root.i, p) for e, p in here
                                                 if e.root.dep_ in ("nsubj", "nsubjpass")]
    for t in sent:
        if t.i < span.start and t.dep_ in ("nsubj", "nsubjpass") and unquoted(t):
            if (named := surname(t)) is not None:
                subjects.append((t.i, named))
            elif _main_subject(t) and described(t):
                subjects.append((t.i, _named_appos(t, before) or _head_phrase(t)))
    if subjects:
        return max(subjects, key=lambda s: s[0])[1]
    if sent.start == 0 or here:
        return None
    prev = span.doc[sent.start - 1].sent

    def subject(t: Token) -> bool:
        # (or the one asked: "Blinken was asked … '…,' he responded" — claims interim 22)
        return t.head.dep_ == "ROOT" and (t.dep_ == "nsubj" or (
            t.dep_ == "nsubjpass" and t.head.lemma_.lower() in ASKED_LEMMAS))

    for e, p in reversed(before):
        if e.start >= prev.start and subject(e.root):
            return p
    for t in prev:
        if subject(t) and unquoted(t):
            if (named := surname(t)) is not None:
                return named
            # Only a definite one ("the former adviser"): "A doctor walks through a corridor" is mostly a caption.
            if described(t) and (t.pos_ == "PROPN" or _definite(t)):
                return _named_appos(t, before) or _head_phrase(t)
    return None


OBJECT_DEPS = {"pobj", "dobj", "iobj", "dative"}
# Verbs whose passive subject is the one asked, who answers in the next sentence.
ASKED_LEMMAS = frozenset({"ask", "press", "question", "quiz", "challenge"})


def _salient(span: Span, before: list[tuple[Span, Person]]) -> Person:
    """The last person named before a pronoun, preferring one who is not an object in the pronoun's sentence or
    the one before: after "Nachshon, the spokesman, distanced the government from Rosenberg.", "he said" is
    Nachshon (the person something is done to or said about is the less likely speaker)."""
    sent = span.sent
    for ent, person in reversed(before):
        # "When I spoke with Cherelle Griner, she told me": the one spoken with in the pronoun's own sentence
        if ent.start >= sent.start and _spoken_with(ent.root):
            return person
    start = _sentences_before(span.doc, sent.start, 1)
    for ent, person in reversed(before):
        if ent.start < start:
            break
        if ent.root.dep_ not in OBJECT_DEPS:
            return person
    return before[-1][1]


INTERVIEW_VERBS = {"speak", "talk", "interview", "chat"}


def _spoken_with(tok: Token) -> bool:
    """"spoke with X", "talking to X", "interviewed X"."""
    if tok.dep_ == "pobj" and tok.head.lower_ in ("with", "to"):
        return tok.head.head.lemma_.lower() in INTERVIEW_VERBS
    return tok.dep_ == "dobj" and tok.head.lemma_.lower() == "interview"


def _named_appos(tok: Token, before: list[tuple[Span, Person]]) -> Optional[Person]:
    """The person a role subject names in apposition: "Whelan's brother, David Whelan," is David Whelan."""
    for ent, person in before:
        # (or through a role in between: "Russia's most famous prisoner, the opposition leader Aleksei A. Navalny,")
        head = ent.root.head
        if ent.root.dep_ == "appos" and (head.i == tok.i or (head.dep_ == "appos" and head.head.i == tok.i)):
            return person
    return None


def _before_apposition(span: Span) -> Span:
    """"The member of the Federation Council, Russia's upper chamber," -> the words before the apposition."""
    return next((span[: t.i - span.start] for t in span if t.text == "," and t.i > span.root.i), span)


def _bare_name_speaking(doc: Doc, sent: Span, speaking: list[CharSpan]) -> Optional[Span]:
    """A name NER missed that speaks as the subject of ``sent`` ("Mykhaylo Podolyak said …"): two or more proper
    nouns, written nowhere before, with no role beside them."""
    for sp in speaking:
        if not sent.start_char <= sp.start < sent.end_char:
            continue
        name = doc.char_span(sp.start, sp.end, alignment_mode="expand")
        if name is None or len(name) < 2 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in name):
            continue
        if name.root.dep_ == "nsubj" and doc.text.find(name.text) == name.start_char and _role_before(name) is None:
            return name
    return None


NAMING_WORDS = {"named", "called", "name", "as"}


def _named_in_clause(span: Span) -> Optional[Span]:
    """The name a relative clause gives a described speaker: "Another man, who was also named Serhiy, 37,", "one
    H&M shopper, who gave only her first name Anya," (claims interim 19)."""
    root = span.root
    if root.pos_ != "NOUN":
        return None
    for clause in (c for c in root.children if c.dep_ == "relcl"):
        words = list(clause.subtree)
        if not any(t.lower_ in ("named", "called", "name") for t in words):
            continue
        for t in words:
            if t.pos_ == "PROPN" and t.text[:1].isupper() and t.i > 0 and t.doc[t.i - 1].lower_ in NAMING_WORDS:
                end = t.i + 1
                while end < clause.right_edge.i + 1 and t.doc[end].pos_ == "PROPN" and t.doc[end].text[:1].isupper():
                    end += 1
                return t.doc[t.i : end]
    return None


def _later_subject(head: Token, span: Span) -> Optional[Span]:
    """The cue verb's second subject, a name or pronoun after the speaker span the tagger took: the span is a
    description fronted before it ("A pianist and singer who …, Sofia Mariia said")."""
    subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    # (a description, not a name: "Colin Asplin, Blackpool Hotel Association said" is Asplin's)
    if len(subjects) < 2 or not span.start <= subjects[0].i < span.end or span.root.ent_type_ \
            or span.root.pos_ not in ("NOUN", "PROPN"):
        return None
    last = subjects[-1]
    if last.i < span.end or last.i > head.i or last.pos_ not in ("PROPN", "PRON"):
        return None
    return subject_phrase(last)


def _echoed_speaker(doc: Doc, span: Span, previous: list[Claim]) -> Optional[tuple[str, Optional[str]]]:
    """"the spokesman" just after a claim by "a Ministry of Defence spokesman": that speaker, in the sentence or
    the two before (claims interim 19: the definite description went to a pipeline named in between)."""
    head = span.root
    if head.pos_ != "NOUN":
        return None
    start = _sentences_before(doc, span.sent.start, 2)
    for claim in reversed(previous):
        if claim.speaker is None or claim.speaker.end > span.start_char:
            continue
        if claim.speaker.start < doc[start].idx:
            break
        said_by = doc.char_span(claim.speaker.start, claim.speaker.end, alignment_mode="expand")
        if said_by is None or said_by.root.lemma_.lower() != head.lemma_.lower() or said_by.root.pos_ != "NOUN":
            continue
        name = claim.resolved_speaker or said_by.text
        if name != said_by.text:  # resolved to a name ("a spokesman, Jan Kowal,")
            return name, claim.speaker_role or _without_article(said_by)
        # the description that introduced them, when it says more than "the spokesman" ("a Ministry of Defence
        # spokesman"; not a clause-long one)
        if said_by[0].lower_ in ("a", "an", "the") and len(span) < len(said_by) <= 6:
            return _without_article(said_by), _without_article(said_by)
    return None


def _without_article(span: Span) -> str:
    """"the former Ukrainian politician" -> "former Ukrainian politician": the role the description gives."""
    words = span.text.split()
    return " ".join(words[1:]) if len(words) > 1 and words[0].lower() in ("the", "this", "a", "an") else span.text


def _definite(tok: Token) -> bool:
    return any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in DEFINITE) for c in tok.children)


def _sentences_before(doc: Doc, start: int, n: int) -> int:
    """The first token of the sentence ``n`` sentences before the one starting at ``start`` (the text's first
    sentence at most)."""
    for _ in range(n):
        start = doc[start - 1].sent.start if start > 0 else start
    return start


def _name_start(tok: Token, floor: int) -> int:
    """Where the proper nouns compounded onto ``tok`` begin ("Palace spokesperson [Dmitri] Orlov"), not before
    ``floor``."""
    start = tok.i
    while start > floor and tok.doc[start - 1].pos_ == "PROPN" and tok.doc[start - 1].dep_ == "compound":
        start -= 1
    return start


def _head_phrase(tok: Token) -> Span:
    """The noun phrase up to its head: "the former adviser" of "the former adviser, who has worked with Putin";
    the name alone of "Tor, a volunteer who …"."""
    phrase = subject_phrase(tok)
    if tok.pos_ == "PROPN":
        return tok.doc[_name_start(tok, phrase.start) : tok.i + 1]
    return phrase[: tok.i - phrase.start + 1]


def _main_subject(tok: Token) -> bool:
    """The subject of the sentence's main verb, or of a verb joined to it ("… and she said")."""
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


def _nominal_person(tok: Token, person_nouns: frozenset[str]) -> bool:
    """A singular common noun that names one person ("the former adviser"), or a name NER missed that an
    apposition calls one ("Tor, a volunteer who …"). Names NER found are mentions, handled apart."""
    if tok.pos_ == "PROPN" and tok.text.isupper() and tok.lower_ in person_nouns:
        return True  # "The MP said", "the CEO added": an abbreviated role noun the tagger calls a proper noun
    if (tok.pos_ == "PROPN" and tok.text.istitle() and tok.lower_ in person_nouns and tok.i > 0
            and tok.doc[tok.i - 1].lower_ in ("the", "this") and not tok.ent_type_):
        return True  # "The Ambassador also denied …": a role noun capitalised as a title, not a name
    if tok.pos_ == "PROPN" and tok.ent_type_ in ("", "PERSON", "ORG"):
        return any(c.dep_ == "appos" and c.tag_ == "NN" and c.lemma_.lower() in person_nouns for c in tok.children)
    return tok.pos_ == "NOUN" and tok.tag_ == "NN" and not tok.ent_type_ and tok.lemma_.lower() in person_nouns


def _one_person(span: Span, person_nouns: frozenset[str]) -> bool:
    return _nominal_person(span.root, person_nouns)


RELATIVE_PRONOUNS = {"which", "who", "whom", "that"}
# "the spokesman" points back at a person introduced with that role; "a spokesman" introduces someone new.
DEFINITE = {"the", "this", "that"}
AGE_WORDS = {"year", "years", "old", "month", "months"}


HEAD_OF_STATE = {"president", "premier", "chancellor", "taoiseach"}
# Role nouns that name the country a person serves, not where they are from.
LEADING_ROLES = HEAD_OF_STATE | {"leader", "minister", "head", "chief", "ambassador", "envoy", "king", "queen",
                                 "monarch", "governor", "mayor", "secretary", "spokesman", "spokeswoman",
                                 "spokesperson", "commander", "general", "official"}


def same_role(span: Span, role: str, countries: Optional[CountryIndex] = None) -> bool:
    """Whether a role noun phrase ("the defence minister") can stand for a person introduced with ``role``.

    The head noun is one of the role's words (not a piece of one: "the zoo" is no "zookeeper"), and a modifier
    before the head must not clash with the role's own ("armed forces minister" vs "foreign minister")."""
    role_words = re.findall(r"\w+", role.casefold())
    head = span.root
    # "the Ukrainian president" is not the "former Russian President": a country named in both must be the same.
    mine = _countries((t.text for t in head.lefts if t.ent_type_ in ("NORP", "GPE")), countries)
    theirs = _countries(re.findall(r"[A-Z][\w'’.-]*", role), countries) if mine else set()
    if mine and theirs and not mine & theirs:
        return False
    # "the head of Ukraine's nuclear agency" is not "the head of the UN nuclear watchdog": a name after the head
    # must be in the role.
    if any(t.pos_ == "PROPN" and t.lower_ not in role_words for t in span if t.i > head.i):
        return False
    forms = {head.lower_, head.lemma_.lower()}
    at = [k for k, w in enumerate(role_words) if w in forms]
    if not at and "leader" in forms and mine and theirs:
        # "the Hungarian leader" is the one introduced as "Hungarian Prime Minister Viktor Orban" (actor gold dev),
        # when the role names that country ("President of the European Commission" leads no Hungary)
        at = [k for k, w in enumerate(role_words)
              if w in HEAD_OF_STATE or (w == "minister" and k and role_words[k - 1] == "prime")]
    if not at:
        return False
    # Only lower-case modifiers are compared: they name a portfolio ("defence", "armed forces"); capitalised ones
    # (parties, places) have synonyms ("the Republican leader" is the "GOP leader"), ages ("45-year-old") none.
    # Only the head's own modifiers: a possessor ("the agency's director") or a stop word ("the same official")
    # names no portfolio.
    mods = {t.lower_ for t in head.lefts if t.dep_ in ("amod", "compound") and t.pos_ in ("ADJ", "NOUN")
            and t.text.islower() and not t.is_stop and not t.like_num and t.lower_ not in AGE_WORDS}
    before = role_words[at[0] - 1] if at[0] > 0 else None
    if before is None or span.doc.vocab[before].is_stop:
        return True
    return before in mods or not (mods - set(role_words))


def _countries(words: Iterable[str], index: Optional[CountryIndex] = None) -> set[str]:
    index = index or country_index()
    return {code for w in words if (code := index.country_of(w))}


def _company_before(doc: Doc, span: Span, previous: list[Claim]) -> Optional[str]:
    """The organisation "the company" stands for: the last ORG named as a subject, or as a speaker, in the span's
    sentence before it or in the sentences just before. A name NER reads as a person more often than as an
    organisation is not a company ("Conal says …, but the company claims …": claims interim 16)."""
    votes: dict[str, int] = {}
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG"):
            key = _bare_name(ent.text)
            votes[key] = votes.get(key, 0) + (1 if ent.label_ == "PERSON" else -1)
    start = _sentences_before(doc, doc[span.start].sent.start, ORG_LOOKBACK_SENTENCES)
    spoke = {(c.speaker.start, c.speaker.end) for c in previous if c.speaker is not None}
    found = None
    for ent in doc.ents:
        if ent.label_ != "ORG" or ent.start < start or ent.end > span.start:
            continue
        if votes.get(_bare_name(ent.text), 0) > 0:
            continue
        said = any(s <= ent.start_char and ent.end_char <= e for s, e in spoke)
        if ent.root.dep_ in ("nsubj", "nsubjpass") or said:
            found = ent
    if found is None:
        return None
    return (found[1:] if found[0].lower_ == "the" and len(found) > 1 else found).text


# Verbs that made someone speak ("drove X to announce"): the object is the speaker. Not "urged X to say" or "asked
# X to confirm", where nothing may have been said.
DRIVING_VERBS = frozenset({"drive", "prompt", "force", "lead", "push", "compel", "spur", "inspire", "move"})


def _driven_object(head: Token) -> Optional[Span]:
    """The object noun phrase of a driving verb whose "to"-infinitive is the cue."""
    if head.tag_ != "VB" or head.dep_ != "xcomp" or head.head.lemma_.lower() not in DRIVING_VERBS \
            or not any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children):
        return None
    objects = [c for c in head.head.children if c.dep_ == "dobj" and c.i < head.i]
    if not objects or objects[0].pos_ not in ("PROPN", "NOUN"):
        return None
    obj = objects[0]
    doc = head.doc
    end = obj.right_edge.i + 1
    while end > obj.i + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[obj.left_edge.i : end]


def _bare_name(text: str) -> str:
    return text.lower().removesuffix("’s").removesuffix("'s")


def _relative_antecedent(span: Span) -> Span:
    """'Representative Kevin McCarthy, who hopes …': a speaker that is only a relative pronoun stands for the noun
    phrase its clause hangs on (the pronoun's verb is a ``relcl`` of that noun), and one that ends in it ('The
    ministry, which') for the words before it; any other span is returned as is."""
    words = [t for t in span if not t.is_punct]
    if not words or words[-1].lower_ not in RELATIVE_PRONOUNS:
        return span
    if len(words) > 1:  # "The defence ministry, which": the phrase before the pronoun
        end = words[-1].i
        while end > span.start and span.doc[end - 1].is_punct:
            end -= 1
        return span.doc[span.start : end] if end > span.start else span
    verb = words[0].head
    if verb.dep_ != "relcl" or verb.head.i >= words[0].i:
        return span
    noun = verb.head
    if noun.dep_ == "appos" and noun.head.pos_ == "PROPN" and noun.head.i < noun.i:
        noun = noun.head  # "Viktor Medvedchuk, a businessman who …": the clause is about the named person
        return span.doc[min(t.i for t in noun.lefts if t.dep_ == "compound") if any(
            t.dep_ == "compound" for t in noun.lefts) else noun.i : noun.i + 1]
    start = noun.left_edge.i
    # A misparse can hang a whole clause on the noun ('The move angered officials, who said'): its phrase starts
    # after the last verb in front of it.
    # (a clause's verb: not a participle modifying the noun, "state-controlled", unless it has a subject itself)
    verbs = [t.i for t in span.doc[start : noun.i] if t.pos_ in ("VERB", "AUX")
             and (t.dep_ not in ("amod", "compound") or any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children))]
    if verbs:
        start = verbs[-1] + 1
        while start < noun.i and span.doc[start].pos_ in ("ADP", "PUNCT"):
            start += 1  # "led by Viktor Medvedchuk, a businessman who": from the name
    return span.doc[start : noun.i + 1]


def _organisation_before(doc: Doc, span: Span) -> Optional[Span]:
    """The organisation a bare "a spokesman" speaks for: the last ORG named earlier in its sentence or in the
    sentence before ("The Pentagon has not commented. But a spokesman said …"). Places are left alone: after
    "Russia shelled Kyiv." a spokesman may speak for either."""
    start = _sentences_before(doc, span[0].sent.start, 1)
    found = [e for e in doc.ents if e.label_ == "ORG" and start <= e.start and e.end <= span.start]
    return found[-1] if found else None


def _person_after(span: Span, mentions: list[tuple[Span, Person]]) -> Optional[Person]:
    """The person named between commas right after a role phrase ("the head of X, Petro Kotin, said"), whose
    apposition the tagger left out of the speaker and the parser may not link."""
    doc = span.doc
    if span.end + 1 >= len(doc) or doc[span.end].text != ",":
        return None
    for ent, person in mentions:
        if ent.start == span.end + 1 and ent.end < len(doc) and doc[ent.end].text == ",":
            return person
    return None


FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}


def _clause(span: Span) -> bool:
    """Whether the span is a clause headed by a finite verb ("The drills … were \"a countermeasure …\""): the tagger
    ran a sentence into the speaker; a clause speaks nothing."""
    return span.root.pos_ in ("VERB", "AUX") and span.root.tag_ in FINITE_TAGS


def _named(span: Span) -> bool:
    """Whether the span is a name or a pronoun, which the tagger rarely takes by mistake: a participle's clause
    subject overrides only a common noun phrase ("the party platform"), not "Putin" for "Russia"."""
    root = span.root
    return root.pos_ in ("PROPN", "PRON") or bool(root.ent_type_)


def _name_after(span: Span, child: Token) -> bool:
    """Whether the apposition ``child`` follows the span right after a comma: 'the energy chief, [Marta Olenko]'."""
    doc = span.doc
    return span.end < len(doc) and doc[span.end].text == "," and child.left_edge.i == span.end + 1


def _paragraph_index(doc: Doc) -> dict[int, int]:
    out: dict[int, int] = {}
    for n, p in enumerate(paragraphs(doc)):
        for i in range(p.start, p.end):
            out[i] = n
    return out
