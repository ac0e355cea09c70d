"""Event coding: each claim's content -> a PLOVER category (+ CAMEO code, mode, source, target, negation).

The coding rule (documented in docs/EVENTS.md):

1. ``event`` codes the **content's** event, not the speech act: "the West alleged that Russia is increasing
   its military presence" is an ``accuse``-class claim (``Claim.cue_class``) whose event is MOBILIZE.
2. The content's event is the pattern match closest to the top of the content's parse: reporting and
   framing verbs ("said", "is set to", "be") are looked through, so "Russia agreed to withdraw" is AGREE and
   "officials said the talks had failed" is CONSULT.
3. PLOVER's auxiliary-mode rules decide future and hypothetical events: a future CONSULT/SUPPORT/COOPERATE/AID
   is AGREE, a future RETREAT is CONCEDE, and a future or hypothetical ASSAULT/COERCE/SANCTION is THREATEN
   ("warned that an invasion could come" -> THREATEN, mode violence). Under a warn-class cue the content is
   hypothetical.
4. When the content has no event of its own, the speech act is the event where it is one in PLOVER:
   accuse -> ACCUSE, warn -> THREATEN, demand -> REQUEST, promise/agree -> AGREE, disagree -> REJECT.
5. ``negated``: the event's clause is negated ("did not withdraw", "no withdrawal") or the claim denies.
6. ``source``: the event's subject (or possessor / "by" agent of a nominal event) when it names an actor,
   else the speaker's actor; ``target``: the actor in the object or in an against/on/of/with/to/around
   phrase of the event.

Patterns and word lists live in ``resources/events.plover.v1.jsonl``; categories, modes, older-label aliases,
the reduction table and the CAMEO codes in ``resources/plover.v1.json``.

Notes:
    PLOVER: Open Event Data Alliance, *PLOVER: Political Language Ontology for Verifiable Event Records*,
    manual draft 0.8 (2021), CC BY-SA 4.0. CAMEO: Gerner, Schrodt, Yilmaz & Abu-Jabr, *Conflict and Mediation
    Event Observations* (2002). Top-down verb-first coding follows the TABARI/PETRARCH tradition.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from spacy.tokens import Doc, Span, Token

from ..errors import ClaimwatchError, DataFileError
from ..resources import DataPath, cached, data_path, read_json, read_jsonl
from ..schema import ActorMention, ActorRef, Claim, EventRef
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR, doc_text

log = logging.getLogger("claimwatch")

PATTERNS_FILE = "events.plover.v1.jsonl"
ONTOLOGY_FILE = "plover.v1.json"

# Clausal links an event's own arguments never cross.
CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "conj", "parataxis", "csubj", "acl", "xcomp", "cc"}
SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
# "from" is left out on purpose: "withdrew from Crimea" names a place, not a recipient.
TARGET_PREPS = {"against", "on", "upon", "at", "of", "with", "to", "toward", "towards", "into", "around", "along",
                "near", "for", "over"}
NOUN_TARGET_PREPS = {"against", "on", "upon", "of", "with", "to", "toward", "towards", "into", "around", "along", "near"}
ACTOR_LABELS = {"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"}
CONTENT_POS = {"VERB", "NOUN", "PROPN", "ADJ"}
NOMINAL_POS = {"NOUN", "PROPN"}
# Words inside these entities name a time, not an event ("in March", "since the May Day holiday").
NON_EVENT_ENTS = {"DATE", "TIME"}

# Speech acts that are PLOVER events when the content has none of its own (cue class -> category, mode).
CUE_EVENTS: dict[str, tuple[str, Optional[str]]] = {
    "accuse": ("ACCUSE", "allege"),
    "warn": ("THREATEN", None),
    "demand": ("REQUEST", None),
    "promise": ("AGREE", None),
    "agree": ("AGREE", None),
    "disagree": ("REJECT", None),
}
WARN_CLASSES = {"warn"}
FUTURE_CUE_CLASSES = {"promise"}


# -- lexicon ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRule:
    category: str
    lemmas: tuple[str, ...]
    mode: Optional[str] = None
    cameo: Optional[str] = None
    pos: tuple[str, ...] = ("VERB", "NOUN")
    prt: tuple[str, ...] = ()
    with_: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass
class EventLexicon:
    """Event patterns by trigger lemma, the framing word lists and the PLOVER ontology table."""

    rules: dict[str, list[EventRule]] = field(default_factory=dict)
    words: dict[str, frozenset[str]] = field(default_factory=dict)
    categories: dict[str, dict] = field(default_factory=dict)
    aliases: dict[str, dict] = field(default_factory=dict)
    reductions: dict[str, dict] = field(default_factory=dict)
    cameo: dict[str, dict] = field(default_factory=dict)

    def word_set(self, kind: str) -> frozenset[str]:
        return self.words.get(kind, frozenset())

    def all_rules(self) -> list[EventRule]:
        seen: dict[int, EventRule] = {}
        for rules in self.rules.values():
            for r in rules:
                seen[id(r)] = r
        return list(seen.values())

    def canonical(self, label: str) -> tuple[str, Optional[str]]:
        """A category label, older ones (DISAPPROVE, DEMAND, FIGHT…) mapped to the current PLOVER category."""
        label = label.strip().upper()
        if label in self.categories:
            return label, None
        alias = self.aliases.get(label)
        if alias:
            return alias["category"], alias.get("mode")
        return label, None

    @classmethod
    def load(cls, patterns: Optional[DataPath] = None, ontology: Optional[DataPath] = None) -> "EventLexicon":
        """The packaged patterns and ontology, or the files given (read once per process)."""
        return cached(cls.from_files, data_path(patterns, PATTERNS_FILE), data_path(ontology, ONTOLOGY_FILE))

    @classmethod
    def from_files(cls, patterns: Path, ontology: Path) -> "EventLexicon":
        lex = cls()
        onto = read_json(ontology)
        lex.categories = onto["categories"]
        lex.aliases = {k: v for k, v in onto.get("aliases", {}).items() if not k.startswith("_")}
        lex.reductions = {k: v for k, v in onto.get("reductions", {}).items() if not k.startswith("_")}
        lex.cameo = onto.get("cameo", {})
        for n, entry in read_jsonl(patterns):
            kind = entry.get("kind", "rule")
            if kind == "about":
                continue
            if kind != "rule":
                lex.words[kind] = frozenset(w.lower() for w in entry.get("lemmas", []))
                continue
            cat = entry.get("category")
            if cat not in lex.categories:
                raise DataFileError(f"{patterns}:{n}: unknown PLOVER category {cat!r}")
            mode = entry.get("mode")
            if mode is not None and mode not in lex.categories[cat]["modes"]:
                raise DataFileError(f"{patterns}:{n}: mode {mode!r} is not a PLOVER mode of {cat}")
            rule = EventRule(
                category=cat,
                lemmas=tuple(w.lower() for w in entry["lemmas"]),
                mode=mode,
                cameo=entry.get("cameo"),
                pos=tuple(entry.get("pos", ("VERB", "NOUN"))),
                prt=tuple(w.lower() for w in entry.get("prt", ())),
                with_=tuple(w.lower() for w in entry.get("with", ())),
                weight=float(entry.get("weight", 1.0)),
            )
            for lemma in rule.lemmas:
                lex.rules.setdefault(lemma, []).append(rule)
        return lex


def default_lexicon() -> EventLexicon:
    return EventLexicon.load()


# -- matching --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventMatch:
    token: Token
    rule: EventRule
    depth: int
    score: float


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def context_tokens(tok: Token) -> list[Token]:
    """``local_tokens`` plus nominal conjuncts ("send medical teams and emergency supplies"): the words a rule's
    ``with`` list is checked against. A conjoined clause stays out; a conjoined noun is part of the phrase."""
    out: list[Token] = []
    stack = list(tok.children)
    while stack:
        t = stack.pop()
        if t.dep_ in CLAUSE_DEPS and not (t.dep_ == "conj" and t.pos_ in NOMINAL_POS and t.head.pos_ in NOMINAL_POS):
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def local_tokens(tok: Token) -> list[Token]:
    """The token's own phrase: descendants reached without crossing into another clause."""
    out: list[Token] = []
    stack = list(tok.children)
    while stack:
        t = stack.pop()
        if t.dep_ in CLAUSE_DEPS:
            continue
        out.append(t)
        stack.extend(t.children)
    return out


class EventCoder:
    """Codes a span of text (a claim's content, or a whole sentence) as one PLOVER event.

    ``resolver`` turns a mention into an ActorRef: any object with ``resolve(text, label=None, role=None)``
    (``claimwatch.nlp.actors.ActorResolver``); without one, named entities become ``unknown`` actors.
    """

    def __init__(self, lexicon: Optional[EventLexicon] = None, resolver: Any = None) -> None:
        self.lex = lexicon or default_lexicon()
        self.resolver = resolver
        self.transparent = self.lex.word_set("transparent")
        self.future = self.lex.word_set("future")
        self.hypothetical = self.lex.word_set("hypothetical")
        self.intent = self.lex.word_set("intent")
        self.negation = self.lex.word_set("negation")
        self._context: Optional[str] = None
        self._context_key: Optional[tuple] = None

    # candidates -------------------------------------------------------------------------------------------

    def _rule_matches(self, tok: Token, rule: EventRule, context: set[str], near: list[Token]) -> bool:
        pos = tok.pos_
        if pos == "PROPN":
            pos = "NOUN"
        if pos not in rule.pos:
            return False
        if rule.prt:
            if not any(_lemma(c) in rule.prt or c.lower_ in rule.prt for c in near):
                return False
        if rule.with_ and not (context & set(rule.with_)):
            return False
        return True

    def candidates(self, span: Span) -> list[EventMatch]:
        found: list[EventMatch] = []
        inside = range(span.start, span.end)
        for tok in span:
            if tok.pos_ not in CONTENT_POS or tok.ent_type_ in NON_EVENT_ENTS:
                continue
            keys = {_lemma(tok), tok.lower_}
            rules = [r for k in keys for r in self.lex.rules.get(k, [])]
            if not rules:
                continue
            # A noun modifying another noun ("withdrawal claims") names a topic, not an event.
            if tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i in inside:
                continue
            # The subject of a reporting verb that reports a clause ("an investigation found that …",
            # "protesters said …") is who reports, not the event reported.
            if tok.dep_ == "nsubj" and tok.head.i in inside and _lemma(tok.head) in self.transparent \
                    and any(c.dep_ == "ccomp" for c in tok.head.children):
                continue
            local = [t for t in context_tokens(tok) if t.i in inside]
            # "let inspectors resume work": the subject of a verb's complement clause is its object in effect.
            # "found him guilty": a verb's adjectival complement too.
            if tok.pos_ == "VERB":
                for c in tok.children:
                    if c.dep_ in ("ccomp", "xcomp", "oprd") and c.i in inside:
                        local += [s for s in c.children if s.dep_ in ("nsubj", "nsubjpass") and s.i in inside]
                        if c.pos_ == "ADJ":
                            local.append(c)
            heads = [tok.head, tok.head.head] if tok.head.i != tok.i else []
            context = {_lemma(t) for t in local} | {t.lower_ for t in local} | {_lemma(h) for h in heads}
            near = list(tok.children) + ([tok.doc[tok.i + 1]] if tok.i + 1 < len(tok.doc) else [])
            depth = self._depth(tok, span)
            for rule in rules:
                if self._rule_matches(tok, rule, context, near):
                    found.append(EventMatch(tok, rule, depth, rule.weight))
        return found

    def _depth(self, tok: Token, span: Span) -> int:
        """Event-bearing ancestors between the token and the top of the span (framing verbs do not count)."""
        depth = 0
        cur = tok
        for _ in range(40):
            head = cur.head
            if head.i == cur.i or not (span.start <= head.i < span.end):
                break
            if self._is_condition(cur):
                depth += 1  # "attacks will follow unless the government frees …": the condition is subordinate
            if head.pos_ in CONTENT_POS and _lemma(head) not in self.transparent:
                depth += 1
            cur = head
        return depth

    def best(self, span: Span) -> Optional[EventMatch]:
        cands = self.candidates(span)
        if not cands:
            return None
        return min(cands, key=lambda m: (m.depth, -m.score, m.token.i))

    # aspect -------------------------------------------------------------------------------------------------

    def _clause_verb(self, tok: Token) -> Token:
        cur = tok
        for _ in range(6):
            if cur.pos_ in ("VERB", "AUX") or cur.head.i == cur.i:
                return cur
            cur = cur.head
        return cur

    def _aux_words(self, verb: Token) -> set[str]:
        return {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")} | {
            _lemma(c) for c in verb.children if c.dep_ in ("aux", "auxpass")
        }

    def aspect(self, tok: Token) -> Optional[str]:
        """'future', 'hypothetical' or None for the event at ``tok``."""
        verb = self._clause_verb(tok)
        chain = [tok, verb] if verb.i != tok.i else [tok]
        # "plans to withdraw", "is set to meet": the event is an xcomp of an intent word.
        cur = verb
        for _ in range(3):
            if cur.dep_ in ("xcomp", "ccomp") and cur.head.i != cur.i:
                cur = cur.head
                chain.append(cur)
                if _lemma(cur) in self.intent:
                    return "future"
            else:
                break
        for t in chain[:2]:
            words = self._aux_words(t)
            if words & self.hypothetical:
                return "hypothetical"
            if words & self.future:
                return "future"
            if any(c.dep_ == "amod" and _lemma(c) in {"planned", "future", "proposed", "upcoming", "possible",
                                                        "potential", "imminent"} for c in t.children):
                return "hypothetical" if any(_lemma(c) in {"possible", "potential", "imminent"} for c in t.children) else "future"
        return None

    def negated(self, tok: Token) -> bool:
        verb = self._clause_verb(tok)
        for t in ([tok, verb] if verb.i != tok.i else [tok]):
            for c in t.children:
                if (c.dep_ == "neg" and not _litotes(c) and not _contrastive(c, t)) \
                        or (c.dep_ == "det" and c.lower_ in self.negation):
                    return True
        return False

    # actors -------------------------------------------------------------------------------------------------

    def _np_actor(self, np_head: Token, mentions: Sequence[ActorMention]) -> Optional[ActorRef]:
        toks = sorted([np_head, *[t for t in local_tokens(np_head)]], key=lambda t: t.i)
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
        best: Optional[ActorMention] = None
        for m in mentions:
            if m.span.start >= start and m.span.end <= end:
                if best is None or (m.span.start <= np_head.idx < m.span.end):
                    best = m
        if best is not None:
            return best.actor
        doc = np_head.doc
        if self.resolver is not None and len(toks) <= 8 and np_head.pos_ in ("NOUN", "PROPN"):
            # The whole phrase first: "Israeli forces" is the military, not just the country.
            phrase = doc_text(doc)[start:end]
            ref = self.resolve(phrase, np_head.ent_type_ or None)
            if ref is not None and ref.type != "unknown" and (actor_code(ref) or ref.type == "person"):
                return ref
        ents = [e for e in _ents_within(doc, toks[0].i, toks[-1].i) if e.label_ in ACTOR_LABELS]
        if not ents:
            return None
        # The entity heading the phrase first ("Russian troops" -> Russian), else the first one.
        ents.sort(key=lambda e: (not (e.start <= np_head.i < e.end), e.start))
        refs = [self.resolve(e.text, e.label_) for e in ents]
        # One that carries a country or organisation code before one that does not ("Tom King" vs "Britain").
        coded = [r for r in refs if r is not None and actor_code(r) is not None]
        return coded[0] if coded else refs[0]

    def _doc_context(self, doc: Doc) -> Optional[str]:
        """The article's dominant country (bare titles and institutions take it), cached per Doc."""
        key = (id(doc), len(doc), len(doc_text(doc)))
        if self._context_key != key:
            self._context_key = key
            countries = getattr(self.resolver, "countries", None)
            self._context = None
            if countries is not None:
                from .countries import dominant_country

                self._context = dominant_country(doc, countries)
        return self._context

    def resolve(self, text: str, label: Optional[str] = None) -> Optional[ActorRef]:
        if self.resolver is not None:
            try:
                ref = self.resolver.resolve(text, label=label, context=self._context)
                if actor_code(ref) is None and label:
                    # NER labels are noisy ("Sri Lanka" as PERSON): a reading without the label that gives
                    # a country or organisation code wins.
                    other = self.resolver.resolve(text, label=None, context=self._context)
                    if actor_code(other) is not None:
                        return other
                return ref
            except ClaimwatchError:
                raise
            except Exception as exc:  # a resolver bug must not lose the event
                log.debug("actor resolver failed on %r: %s", text, exc)
        return ActorRef(id=f"unknown:{text.casefold()}", name=text, type="unknown")

    def _subject(self, tok: Token, span: Span, mentions: Sequence[ActorMention]) -> Optional[ActorRef]:
        inside = range(span.start, span.end)
        cur = tok
        came_from = -1  # the noun event we climbed from is not its own subject ("an invasion of X could come")
        for _ in range(4):
            if cur.pos_ in ("NOUN", "PROPN"):
                for c in cur.children:
                    if c.dep_ == "poss" or (c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE")):
                        a = self._np_actor(c, mentions)
                        if a is not None:
                            return a
                    if c.dep_ == "prep" and c.lower_ == "by":
                        for p in c.children:
                            if p.dep_ == "pobj":
                                a = self._np_actor(p, mentions)
                                if a is not None:
                                    return a
            else:
                for c in cur.children:
                    if c.dep_ in SUBJECT_DEPS and c.i in inside and c.i != came_from:
                        a = self._np_actor(c, mentions)
                        if a is not None:
                            return a
                        if c.lower_ in {"it", "they", "we"} or c.pos_ in ("NOUN", "PROPN"):
                            return None  # a subject that is no actor we know: don't borrow one from elsewhere
                    if c.dep_ == "agent":
                        for p in c.children:
                            if p.dep_ == "pobj":
                                a = self._np_actor(p, mentions)
                                if a is not None:
                                    return a
            head = cur.head
            if head.i == cur.i or head.i not in inside:
                break
            # Climb from an infinitive, a conjunct, or a noun to the clause that governs it.
            if cur.dep_ in ("xcomp", "conj", "dobj", "pobj", "nsubj", "attr", "advcl", "ccomp", "prep", "acomp") \
                    or cur.pos_ in ("NOUN", "PROPN"):
                came_from = cur.i
                cur = head
                continue
            break
        return None

    def _target(self, tok: Token, source: Optional[ActorRef], mentions: Sequence[ActorMention]) -> Optional[ActorRef]:
        tries: list[Token] = []
        is_noun = tok.pos_ in ("NOUN", "PROPN")
        for c in tok.children:
            if c.dep_ in ("dobj", "dative", "nsubjpass", "iobj", "oprd"):
                tries.append(c)
        preps = NOUN_TARGET_PREPS if is_noun else TARGET_PREPS
        for holder in [tok, *tries]:
            for c in holder.children:
                if c.dep_ == "prep" and c.lower_ in preps:
                    tries.extend(p for p in c.children if p.dep_ == "pobj")
        for t in tries:
            a = self._np_actor(t, mentions)
            if a is not None and not _same_actor(a, source):
                return a
        return None

    # coding -------------------------------------------------------------------------------------------------

    def code(
        self,
        span: Span,
        *,
        cue_class: Optional[str] = None,
        polarity: str = "asserts",
        speaker_actor: Optional[ActorRef] = None,
        mentions: Sequence[ActorMention] = (),
        entity_fallback: bool = False,
    ) -> Optional[EventRef]:
        """The PLOVER event of ``span`` (see the module docstring for the rule), or None."""
        self._doc_context(span.doc)
        match = self.best(span)
        if match is None:
            demanded = self._bare_obligation(span, reported=not entity_fallback)
            if demanded is not None:
                # "The seized tanker must be handed back, London said": an action demanded with no pattern of
                # its own is still a demand (rule 4 of docs/EVENTS.md).
                return self._demand(span, demanded, demanded, speaker_actor, mentions, entity_fallback,
                                    self.negated(demanded) or polarity == "denies")
            return self._speech_act(span, cue_class, polarity, speaker_actor, mentions)
        rule, tok = match.rule, match.token
        category, mode = rule.category, rule.mode
        aspect = self.aspect(tok)
        if cue_class in WARN_CLASSES and aspect is None:
            aspect = "hypothetical"
        if cue_class in FUTURE_CUE_CLASSES and aspect is None:
            aspect = "future"
        reduced = self.lex.reductions.get(aspect or "", {}).get(category) if aspect else None
        cameo = rule.cameo
        if reduced:
            new_mode = self.lex.reductions.get("threaten_mode", {}).get(category) if reduced == "THREATEN" else None
            if reduced == "CONCEDE" or reduced == "AGREE":
                new_mode = None
            category, mode, cameo = reduced, new_mode, None
        conditional = self.lex.reductions.get("conditional", {})
        if aspect == "future" and category in conditional and self._conditional(tok):
            # "will march on the capital unless the tax is scrapped": a conditional future conflict act is a threat.
            category, cameo = conditional[category], None
            mode = self.lex.reductions.get("threaten_mode", {}).get(rule.category) if category == "THREATEN" else None
        negated = self.negated(tok)
        if negated and self.lex.reductions.get("negated", {}).get(category):
            # "will not accept" is a refusal: the negation is the event, not a flag on it.
            category, mode, cameo, negated = self.lex.reductions["negated"][category], None, None, False
        demanded = self._obligation_clause(tok)
        if demanded is not None and self.lex.reductions.get("obligation", {}).get("*"):
            # "Russia said Sudan must return the helicopter": a demand by the speaker on the clause's subject.
            return self._demand(span, tok, demanded, speaker_actor, mentions, entity_fallback,
                                negated or polarity == "denies")
        source, target = self.actors_at(span, tok, speaker_actor=speaker_actor, mentions=mentions,
                                        entity_fallback=entity_fallback)
        negated = negated or polarity == "denies"
        return EventRef(category=category, cameo=cameo, mode=mode, source=source, target=target, negated=negated)

    def main_verb(self, span: Span) -> Token:
        """The span's top verb, reporting and framing verbs looked through ("…, officials said")."""
        root = span.root
        for _ in range(4):
            if _lemma(root) not in self.transparent:
                break
            nxt = next((c for c in root.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")
                        and c.i in range(span.start, span.end)), None)
            if nxt is None:
                break
            root = nxt
        return root

    def code_sentence(self, span: Span) -> "SentenceCoding":
        """A whole sentence as event-data coders read it: its event (or None) and its source and target.

        The actors are the event's; when no pattern matches (no event), those of the sentence's main verb,
        found by the same rules (rule 7 of docs/EVENTS.md) with the sentence-mode entity fallback. A sentence
        coder such as PETRARCH names who acts in every sentence it reads; the category stays None rather than
        guessed ("Chile gave Peru a warm welcome" has actors but no PLOVER pattern).
        """
        event = self.code(span, entity_fallback=True)
        if event is not None:
            return SentenceCoding(event, event.source, event.target)
        source, target = self.actors_at(span, self.main_verb(span), entity_fallback=True)
        return SentenceCoding(None, source, target)

    def actors_at(self, span: Span, tok: Token, *, speaker_actor: Optional[ActorRef] = None,
                  mentions: Sequence[ActorMention] = (), entity_fallback: bool = False,
                  ) -> tuple[Optional[ActorRef], Optional[ActorRef]]:
        """Source and target of an event triggered at ``tok`` (rule 6 of the module docstring)."""
        self._doc_context(span.doc)
        source = self._subject(tok, span, mentions)
        if entity_fallback and actor_code(source) is None:
            # Sentence mode: the first coded entity before the event, else the first after it.
            source = self._entity_near(span, tok, before=True) or self._entity_near(span, tok, before=False) or source
        if source is None or source.type == "unknown" and speaker_actor is not None:
            source = speaker_actor or source
        target = self._target(tok, source, mentions)
        if entity_fallback and actor_code(target) is None:
            target = self._entity_near(span, tok, before=False, exclude=source) or target
        return source, target

    def _obligation_clause(self, tok: Token) -> Optional[Token]:
        """The clause verb of ``tok`` when it carries an obligation modal ("Y must withdraw"), else None."""
        words = self.lex.word_set("obligation")
        if not words:
            return None
        verb = self._clause_verb(tok)
        return verb if self._aux_words(verb) & words else None

    def _bare_obligation(self, span: Span, *, reported: bool) -> Optional[Token]:
        """The content's main verb when it is an action verb under an obligation modal ("X must be released",
        "Y should replace Z") and the clause is reported (a claim's content, or under "said"/"told"), else None."""
        verb = self.main_verb(span)
        if verb.pos_ != "VERB" or _lemma(verb) in self.transparent:
            return None
        if not reported and not (verb.i != span.root.i and _lemma(verb.head) in self.transparent):
            return None
        return self._obligation_clause(verb)

    def _is_condition(self, clause: Token) -> bool:
        """An adverbial clause opened by a conditional word ("unless …", "if …")."""
        words = self.lex.word_set("conditional")
        return clause.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in words for m in clause.children)

    def _conditional(self, tok: Token) -> bool:
        """The event's clause carries a condition: an adverbial clause opened by "unless" or "if"."""
        verb = self._clause_verb(tok)
        # "will move in and hold the town unless …": the condition may hang on a conjoined verb.
        return any(self._is_condition(c) for t in {tok, verb, *[c for c in verb.children if c.dep_ == "conj"]}
                   for c in t.children)

    def _demand(self, span: Span, tok: Token, verb: Token, speaker_actor: Optional[ActorRef],
                mentions: Sequence[ActorMention], entity_fallback: bool, negated: bool) -> EventRef:
        category = self.lex.reductions["obligation"]["*"]
        # Who demands: the subject of the clause that reports it ("Russia said …"), else the speaker.
        source: Optional[ActorRef] = None
        head = verb.head
        if verb.dep_ in ("ccomp", "xcomp", "advcl", "acl", "relcl") and head.i != verb.i and head.i in range(span.start, span.end):
            source = self._subject(head, span, mentions)
        if actor_code(source) is None and speaker_actor is not None:
            source = speaker_actor
        if entity_fallback and actor_code(source) is None:
            source = self._entity_near(span, verb, before=True) or source
        # Of whom: the subject of the obliged clause ("… that Sudan must …").
        target = None
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                target = self._np_actor(c, mentions)
                break
        if target is None or _same_actor(target, source):
            target = self._target(tok, source, mentions)
        return EventRef(category=category, cameo=None, mode=None, source=source, target=target, negated=negated)

    def _speech_act(self, span: Span, cue_class: Optional[str], polarity: str, speaker_actor: Optional[ActorRef],
                    mentions: Sequence[ActorMention]) -> Optional[EventRef]:
        if cue_class not in CUE_EVENTS:
            return None
        category, mode = CUE_EVENTS[cue_class]
        # The accused / warned party is usually the content's subject ("alleged that Russia is lying").
        target = None
        root = span.root
        for c in root.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                target = self._np_actor(c, mentions)
                break
        if target is None and mentions:
            target = mentions[0].actor
        if _same_actor(target, speaker_actor):
            target = None
        return EventRef(category=category, cameo=None, mode=mode, source=speaker_actor, target=target,
                        negated=polarity == "denies")

    def _entity_near(self, span: Span, tok: Token, *, before: bool,
                     exclude: Optional[ActorRef] = None) -> Optional[ActorRef]:
        ents = [e for e in span.ents if e.label_ in ACTOR_LABELS]
        ents = [e for e in ents if (e.end <= tok.i if before else e.start > tok.i)]
        for e in ents:
            a = self.resolve(e.text, e.label_)
            if a is not None and actor_code(a) is not None and not _same_actor(a, exclude):
                return a
        return None


@dataclass(frozen=True)
class SentenceCoding:
    """``EventCoder.code_sentence``'s answer: the event (None when no pattern matched) and who acts on whom."""

    event: Optional[EventRef]
    source: Optional[ActorRef]
    target: Optional[ActorRef]


def _same_actor(a: Optional[ActorRef], b: Optional[ActorRef]) -> bool:
    return a is not None and b is not None and a.id == b.id


def actor_code(actor: Optional[ActorRef]) -> Optional[str]:
    """The CAMEO-style primary code of an actor: its ISO alpha-3 country, else IGO/NGO for organisations."""
    if actor is None:
        return None
    if actor.country:
        return actor.country.upper()
    kind = (actor.type or "").lower()
    sector = (actor.sector or "").upper()
    if kind in ("igo", "bloc") or sector == "IGO":
        return "IGO"  # an international organisation, or a person acting for one (a UN Secretary-General)
    if kind == "ngo" or sector == "NGO":
        return "NGO"
    return None


# -- the spaCy component ---------------------------------------------------------------------------------------


def load_resolver() -> Any:
    """The actor resolver from ``claimwatch.nlp.actors`` when that stage is installed, else None."""
    try:
        from .actors import ActorResolver
    except ImportError:
        return None
    try:
        return ActorResolver()
    except ClaimwatchError:
        raise
    except Exception as exc:  # pragma: no cover - depends on the actors stage
        log.warning("actor resolver unavailable for events: %s", exc)
        return None


class EventsComponent(DataFileComponent):
    """spaCy component ``claimwatch_events``: sets ``Claim.event`` on every claim of the Doc."""

    DEFAULT_FILES = {"patterns_path": PATTERNS_FILE, "ontology_path": ONTOLOGY_FILE}
    UPSTREAM = "claimwatch_actors"  # its resolver, and so the user's --actors file

    def read(self, files: Files) -> None:
        lex = EventLexicon.load(files["patterns_path"], files["ontology_path"])
        resolver = getattr(self.upstream, "resolver", None)
        self.coder = EventCoder(lex, resolver=resolver if resolver is not None else load_resolver())

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        setattr(doc._, CLAIMS_ATTR, [self.code_claim(doc, c) for c in claims])
        return doc

    def code_claim(self, doc: Doc, claim: Claim) -> Claim:
        best: Optional[EventRef] = None
        best_key: Optional[tuple] = None
        for part in claim.content:
            span = doc.char_span(part.start, part.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            match = self.coder.best(span)
            key = (match.depth, -match.score) if match else (99, 0.0)
            if best_key is None or key < best_key:
                best_key = key
                best = self.coder.code(span, cue_class=claim.cue_class, polarity=claim.polarity,
                                       speaker_actor=claim.speaker_actor, mentions=claim.actors)
        return dataclasses.replace(claim, event=best)


def _ents_within(doc: Doc, first: int, last: int) -> list[Span]:
    """The entities wholly inside tokens ``first``..``last``, read off the tokens' IOB tags: ``doc.ents`` builds
    every entity Span of the Doc anew on each access, and this runs for every noun phrase that may be an actor."""
    out: list[Span] = []
    i = first
    while i <= last:
        if doc[i].ent_iob_ != "B":
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j - 1 <= last:
            out.append(Span(doc, i, j, label=doc[i].ent_type_))
        i = j
    return out


def _contrastive(neg: Token, head: Token) -> bool:
    """"a forced deportation, not an evacuation": a "not" after the noun it hangs on sets another noun against it and
    negates that one; the predicate noun itself is asserted (a predicate's own negation comes before it: "is not a
    deportation" hangs the "not" on the copula)."""
    return head.pos_ in ("NOUN", "PROPN") and neg.i > head.i


def _litotes(neg: Token) -> bool:
    """"do not look far short of genocide", "not unlike", "not only", "never been higher": a negation that asserts
    (Boris Johnson on Bucha, listed by check as a denial; check dev case C1-23, read as tuning data)."""
    after = [t.lower_ for t in neg.doc[neg.i + 1 : neg.i + 5]]
    if after[:1] == ["only"] or "unlike" in after[:3]:
        return True
    # "has never been higher", "never been more important": a superlative, asserted
    near = neg.doc[neg.i + 1 : neg.i + 4]
    if neg.lower_ == "never" and any(t.lemma_ in ("be", "feel", "look", "seem") for t in near[:2]) \
            and any(t.tag_ in ("JJR", "RBR") for t in near):
        return True
    return any(w == "far" and nxt in ("short", "from") for w, nxt in zip(after, after[1:]))
