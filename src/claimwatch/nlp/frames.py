"""Claim frames: the proposition a claim's content states, slot by slot (factory ``claimwatch_frames``).

A frame is read from the **content** only, never from the reporting sentence around it: "the West alleged that
Russia is increasing its military presence" has agent Russia, predicate *increase* (MOBILIZE), polarity
``asserts`` and modality ``fact``; the West is the speaker, not the agent. Slots (``schema.FrameOut``):

- agent / target: the content's main predicate's subject and object (a passive's "by" phrase is the agent), with
  the actor they resolve to; a first-person subject, or "it"/"they" in reported speech, is the speaker's actor;
  an accusation's object ("accused Russia of using drones", "blamed Kyiv for the attack") has the accused as its
  agent and the act charged as its predicate;
- category / lemma: the content's PLOVER event (``claimwatch_events``) and the lemma of its main predicate
  (reporting and framing verbs looked through; a copula gives its complement: "was a mistake" -> *mistake*);
- places, time (named dates, else the article's day), tense, quantities;
- polarity: ``denies`` (a denial cue or polarity, a negated main predicate, a denial word in the content's first
  sentence), ``doubts`` (a doubt cue or word), else ``asserts``; a rebuttal cue ("countered that") asserts;
- modality, first rule that applies: ``question`` (a question mark, an asking cue, "whether …"), ``conditional``
  ("if"/"unless" clause), ``demand`` (a demand cue, should/must, need to, an imperative), ``intention`` (want /
  plan / promise to …, or the speaker's own future act), ``prediction`` (will/would/could/may/likely …),
  ``opinion`` (believe/think…, or a copula with an evaluative word: "a mistake", "unacceptable"), else ``fact``.

Word lists: ``resources/frames.en.v1.json`` (modality) and the stance lists of ``resources/disputes.en.v2.json``.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from spacy.tokens import Doc, Span, Token

from ..errors import DataFileError
from ..resources import DataPath, cached, data_path, read_json
from ..schema import (CHARGE_PREPOSITIONS, OBJECT_STATEMENT_CUES, ActorMention, ActorRef, Claim, FrameArgOut, FrameOut,
                      FrameTimeOut, Quantity)
from .datafiles import DataFileComponent, Files
from .extensions import ARTICLE_DATE_ATTR, CLAIMS_ATTR, doc_text
from .speakers import PRONOUN_GENDER

FRAMES_FILE = "frames.en.v1.json"
STANCE_FILE = "disputes.en.v2.json"
SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}
OBJECTS = {"dobj", "dative", "iobj", "oprd", "attr"}
DENY_CLASSES = {"deny", "disagree"}
DOUBT_CLASSES = {"doubt"}
MAX_ARG_WORDS = 8


def phrase_regex(items: Sequence[str]) -> Optional[re.Pattern[str]]:
    """One case-insensitive regex matching any phrase on word boundaries ('.{0,40}' wildcards allowed)."""
    if not items:
        return None
    parts = [item if any(ch in item for ch in ".(?[") else re.escape(item)
             for item in sorted(items, key=len, reverse=True)]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class FrameLexicon:
    words: dict[str, frozenset[str]]
    denial: Optional[re.Pattern[str]]
    doubt: Optional[re.Pattern[str]]
    rebuttal: Optional[re.Pattern[str]]
    softening: Optional[re.Pattern[str]]

    def has(self, kind: str, word: str) -> bool:
        return word in self.words.get(kind, frozenset())


def load_frame_lexicon(path: Optional[DataPath] = None, stance_path: Optional[DataPath] = None) -> FrameLexicon:
    """Read the modality word lists and the stance phrase lists; a malformed file is a one-line DataFileError."""
    return cached(_read_frame_lexicon, data_path(path, FRAMES_FILE), data_path(stance_path, STANCE_FILE))


def _read_frame_lexicon(path: Path, stance_path: Path) -> FrameLexicon:
    data = read_json(path)
    try:
        words = {k: frozenset(str(w).lower() for w in v) for k, v in data.items() if isinstance(v, list)}
    except (AttributeError, TypeError) as exc:
        raise DataFileError(f"{path}:1: not a valid frames word-list file ({exc})") from None
    sdata = read_json(stance_path)
    try:
        return FrameLexicon(words, phrase_regex(sdata.get("denial_cues", [])), phrase_regex(sdata.get("doubt_cues", [])),
                            phrase_regex(sdata.get("rebuttal_cues", [])), phrase_regex(sdata.get("softening_cues", [])))
    except (AttributeError, TypeError, re.error) as exc:
        raise DataFileError(f"{stance_path}:1: not a valid stance phrase file ({exc})") from None


def default_frame_lexicon() -> FrameLexicon:
    return load_frame_lexicon()


SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")


def first_sentence(text: str) -> str:
    """The text up to its first sentence end ("... withdrew. They said ..." -> "... withdrew.")."""
    m = SENTENCE_END.search(text)
    return text[: m.start()] if m else text


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _aux(verb: Token) -> set[str]:
    out = set()
    for c in verb.children:
        if c.dep_ in ("aux", "auxpass"):
            out.add(c.lower_)
            out.add(_lemma(c))
    return out


def _governors(tok: Token, span: Span, steps: int = 3) -> list[Token]:
    """``tok`` and the verbs/adjectives it is an xcomp/ccomp of inside the span ("plans to withdraw" -> plan)."""
    chain = [tok]
    cur = tok
    for _ in range(steps):
        if cur.dep_ in ("xcomp", "ccomp", "acomp") and cur.head.i != cur.i and span.start <= cur.head.i < span.end:
            cur = cur.head
            chain.append(cur)
        else:
            break
    return chain


def _holder_spans(core: Sequence[Token]) -> list[tuple[int, int]]:
    """The character spans of a noun phrase's holder modifiers: "Russian" in "the Russian-held plant", "Kremlin" in
    "Kremlin-backed separatists". They say who holds or backs the thing, not what it is: the argument is the plant,
    not Russia (a Ukrainian strike on "the Russian-held Zaporizhzhia plant" is no strike on Russia)."""
    out = []
    for t in core:
        if t.dep_ in ("npadvmod", "compound", "nmod", "amod") and t.head.tag_ == "VBN" and t.head.dep_ == "amod" \
                and t.i < t.head.i:
            out.append((t.idx, t.head.idx + len(t.head)))
    return out


def _names_place(mention: ActorMention, claim: Claim) -> bool:
    """The mention is one the place stage geocoded: NER reads some Ukrainian place names as people ("Zaporizhzhia")."""
    return any(p.span.start < mention.span.end and mention.span.start < p.span.end for p in claim.places or ())


def _names_thing(mention: ActorMention, head: Token) -> bool:
    """A person's name modifying a common noun that is not part of the name names a thing ("the Zaporizhzhia nuclear
    plant", NER's person), not the person; a possessive ("Putin's army") still says whose it is."""
    if head.tag_ not in ("NN", "NNS") or mention.span.start <= head.idx < mention.span.end:
        return False
    span = head.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    toks = [t for t in span or () if mention.span.start <= t.idx < mention.span.end]
    return bool(toks) and all(t.dep_ in ("compound", "nmod", "amod") and t.head.i != t.i for t in toks
                              if not (mention.span.start <= t.head.idx < mention.span.end))


class FrameBuilder:
    """Builds ``FrameOut``s from a content span; the events stage's coder supplies actors, main verb and negation."""

    def __init__(self, coder: Any, lexicon: Optional[FrameLexicon] = None) -> None:
        self.coder = coder
        self.lex = lexicon or default_frame_lexicon()

    # -- slots ----------------------------------------------------------------------------------------------

    def predicate(self, span: Span) -> Token:
        """The content's main predicate: the coder's main verb, a copula replaced by its complement."""
        tok = self.coder.main_verb(span)
        if tok.is_punct or tok.is_space:
            tok = next((t for t in span if t.pos_ in ("VERB", "NOUN", "PROPN", "ADJ")), tok)
        if self.lex.has("copulas", _lemma(tok)):
            comp = next((c for c in tok.children if c.dep_ in ("attr", "acomp", "oprd") and span.start <= c.i < span.end),
                        None)
            if comp is not None:
                return comp
        return tok

    def _clause(self, tok: Token) -> Token:
        """The verb that carries ``tok``'s subject and auxiliaries (itself, or the copula of a complement)."""
        if tok.dep_ in ("attr", "acomp", "oprd") and tok.head.i != tok.i:
            return tok.head
        return tok

    def _core(self, head: Token) -> list[Token]:
        """The noun phrase without its prepositional, clausal and appositive attachments ("Units", "Russian troops")."""
        out = [head]
        for c in head.children:
            if c.dep_ in ("det", "poss", "compound", "amod", "nummod", "quantmod", "nmod", "case"):
                out.extend(c.subtree)
        return sorted(out, key=lambda t: t.i)

    def _arg(self, head: Token, claim: Claim, mentions: Sequence[ActorMention]) -> FrameArgOut:
        core = self._core(head)
        start, end = core[0].idx, core[-1].idx + len(core[-1])
        text = " ".join(t.text for t in core[-MAX_ARG_WORDS:])
        low = head.lower_
        actor: Optional[ActorRef] = None
        if head.pos_ == "PRON" or low in self.lex.words.get("first_person", ()) or low in self.lex.words.get("third_person", ()):
            actor = self._pronoun_actor(low, claim, doc_text(head.doc))
        else:
            holders = _holder_spans(core)
            held = (lambda idx: any(a <= idx < b for a, b in holders))
            inside = [m for m in mentions if m.span.start < end and m.span.end > start and not held(m.span.start)
                      and not (m.actor.type == "person" and (_names_place(m, claim) or _names_thing(m, head)))]
            if inside:
                inside.sort(key=lambda m: not (m.span.start <= head.idx < m.span.end))
                actor = inside[0].actor
            elif head.pos_ == "PROPN" or any(t.ent_type_ in ("NORP", "GPE", "ORG", "PERSON") for t in core
                                             if not held(t.idx)):
                actor = self.coder.resolve(doc_text(head.doc)[start:end], head.ent_type_ or None)
                if actor.type == "person" and head.pos_ != "PROPN":
                    actor = None  # a thing named after a person or place ("the Zaporizhzhia plant") is no person
            elif head.tag_ in ("NNS", "NNPS") and any(c.dep_ == "prep" and c.lower_ in ("of", "from") for c in head.children):
                # "units of the southern military district", "troops from Belarus": a group named by whose it is.
                actor = self.coder._np_actor(head, mentions)
        if actor is not None and actor.type == "unknown":
            actor = None
        return FrameArgOut(text=text, actor_id=actor.id if actor else None, country=actor.country if actor else None)

    def _pronoun_actor(self, word: str, claim: Claim, text: str) -> Optional[ActorRef]:
        speaker = claim.speaker_actor
        if speaker is None:
            return None
        if word in self.lex.words.get("first_person", ()):
            return speaker
        # Reported speech: "Russia said it had begun …", "the ministry said they would …": the speaker's own act.
        if claim.kind in ("indirect", "mixed") and word in ("it", "they", "its", "their") and speaker.type != "person":
            return speaker
        if claim.kind in ("indirect", "mixed") and word in ("he", "she") and speaker.type == "person":
            # "He told the radio that she had Israeli citizenship": she is someone else (run 15).
            said = text[claim.speaker.start:claim.speaker.end].lower() if claim.speaker else ""
            return None if PRONOUN_GENDER.get(said, PRONOUN_GENDER[word]) != PRONOUN_GENDER[word] else speaker
        return None

    def agent_target(self, pred: Token, span: Span, claim: Claim) -> tuple[Optional[FrameArgOut], Optional[FrameArgOut]]:
        verb = self._clause(pred)
        inside = range(span.start, span.end)
        subj = None
        # "it had begun pulling troops back": the subject sits on the verb that governs the main predicate.
        for v in _governors(verb, span):
            subj = next((c for c in v.children if c.dep_ in SUBJECTS and c.i in inside and c.dep_ != "expl"), None)
            if subj is not None:
                verb = v
                break
        agent_tok: Optional[Token] = None
        target_tok: Optional[Token] = None
        if subj is not None and subj.dep_ == "nsubjpass":
            target_tok = subj
            by = next((c for c in verb.children if c.dep_ == "agent"), None)
            agent_tok = next((p for p in by.children if p.dep_ == "pobj"), None) if by is not None else None
        else:
            agent_tok = subj
            target_tok = next((c for c in pred.children if c.dep_ in OBJECTS and c.i in inside), None)
            if target_tok is None:
                prep = next((c for c in pred.children if c.dep_ == "prep" and c.i in inside
                             and c.lower_ in ("against", "on", "at", "into", "with", "to")), None)
                if prep is not None:
                    target_tok = next((p for p in prep.children if p.dep_ == "pobj"), None)
        mentions = claim.actors
        agent = self._arg(agent_tok, claim, mentions) if agent_tok is not None else None
        target = self._arg(target_tok, claim, mentions) if target_tok is not None else None
        ev = claim.event
        # The event coder may have found the actor through a nominal event ("Russia's withdrawal").
        if agent is None and ev is not None and ev.source is not None and ev.source != claim.speaker_actor:
            agent = FrameArgOut(text=ev.source.name, actor_id=ev.source.id, country=ev.source.country)
        if target is None and ev is not None and ev.target is not None:
            target = FrameArgOut(text=ev.target.name, actor_id=ev.target.id, country=ev.target.country)
        return agent, target

    @staticmethod
    def charge(span: Span, claim: Claim) -> Optional[tuple[Token, Token]]:
        """An accusation's object, "Russia of using Iranian-made drones", "Kyiv for the attack": the accused (the
        agent) and the act charged (the predicate), not "Russia" as the content's main word (dispute run 10)."""
        if claim.kind != "object" or claim.cue_class not in OBJECT_STATEMENT_CUES:
            return None
        found = []
        for t in span:
            if t.lower_ not in CHARGE_PREPOSITIONS or t.i == span.start:
                continue
            act = next((c for c in t.children if c.dep_ in ("pcomp", "pobj")), None)
            before = [x for x in span[: t.i - span.start] if x.pos_ in ("NOUN", "PROPN", "PRON")]
            if act is None or not before:
                continue
            # "the army of Marovia of shelling", "Marovia's invasion of Lorvia for the rise": an "of" naming a
            # place or party belongs to the noun before it; the charge is the act after it
            if act.pos_ == "PROPN" and any(w is not t for w in span if w.lower_ in CHARGE_PREPOSITIONS and w.i > t.i):
                continue
            # the accused: the noun the phrase before the charge hangs on ("Russia", "the army of Marovia")
            accused = next((x for x in before if x.head.i < span.start or x.head.i >= span.end
                            or x.head.i == t.i), before[-1])
            found.append((accused, act))
        return found[0] if found else None

    def tense(self, pred: Token, span: Span) -> Optional[str]:
        chain = _governors(self._clause(pred), span)
        aux = set().union(*(_aux(v) for v in chain))
        if aux & self.lex.words.get("future_aux", frozenset()) or any(_lemma(g) == "go" and g.tag_ == "VBG"
                                                                       for g in chain[1:]):
            return "future"
        for verb in chain:
            if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and _aux(verb) & {"have", "has", "had", "was", "were", "been"}):
                return "past"
        if aux & {"had", "did", "was", "were"}:
            return "past"
        return "present"

    def modality(self, pred: Token, span: Span, claim: Claim, cue_lemma: Optional[str], agent: Optional[FrameArgOut]
                 ) -> str:
        words = self.lex.words
        text = span.text.strip().strip("\"'“”‘’ ").strip()
        verb = self._clause(pred)
        chain = _governors(verb, span)
        aux = set().union(*(_aux(t) for t in chain))
        first = span[0].lower_ if len(span) else ""
        if text.endswith("?") or (cue_lemma and cue_lemma in words.get("question_cue_lemmas", ())) \
                or (claim.cue_class or "") == "question" or first in ("whether",):
            return "question"
        for t in chain:
            for c in t.children:
                if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in words.get("conditional_marks", ())
                                             for m in c.children):
                    return "conditional"
        if first in ("if", "unless"):
            return "conditional"
        if (claim.cue_class or "") == "demand" or aux & words.get("obligation_aux", frozenset()) \
                or any(_lemma(g) in words.get("obligation_heads", ()) for g in chain[1:]):
            return "demand"
        if verb.tag_ == "VB" and not aux and not any(c.dep_ in SUBJECTS for c in verb.children) and verb.i == span.start:
            return "demand"  # an imperative: "Stop the shelling"
        if any(_lemma(g) in words.get("intention_heads", ()) for g in chain[1:]) or (claim.cue_class or "") == "promise":
            return "intention"
        own = agent is not None and claim.speaker_actor is not None and agent.actor_id == claim.speaker_actor.id
        if aux & words.get("future_aux", frozenset()):
            return "intention" if own else "prediction"
        if aux & words.get("speculative_aux", frozenset()) or any(_lemma(g) in words.get("prediction_heads", ())
                                                                   for g in chain[1:]):
            return "intention" if own and "would" in aux else "prediction"
        if (claim.cue_class or "") == "predict":
            return "prediction"
        if _lemma(verb) in words.get("opinion_verbs", ()) or (claim.cue_class or "") == "believe":
            return "opinion"
        if pred.i != verb.i and (_lemma(pred) in words.get("opinion_words", ())
                                 or any(c.lower_ in words.get("opinion_words", ()) for c in pred.children
                                        if c.dep_ in ("amod", "advmod"))):
            return "opinion"
        return "fact"

    def polarity(self, pred: Token, claim: Claim, content: str, cue_text: Optional[str]) -> str:
        lex = self.lex
        if cue_text and lex.softening is not None and lex.softening.search(cue_text):
            return "doubts"
        rebuttal = cue_text is not None and lex.rebuttal is not None and lex.rebuttal.search(cue_text) is not None
        # (a denial cue whose claim asserts, "dismissed the case as an attempt to pressure her", asserts a verdict)
        if claim.polarity == "denies" or ((claim.cue_class or "") in DENY_CLASSES and not rebuttal
                                          and not (claim.cue_class == "deny" and claim.polarity == "asserts")):
            return "denies"
        lead = first_sentence(content)
        # "no sign of a withdrawal" doubts it; the negation it carries is not a denial.
        if (claim.cue_class or "") in DOUBT_CLASSES or (lex.doubt is not None and lex.doubt.search(lead)):
            return "doubts"
        if self.coder.negated(self._clause(pred)) or self.coder.negated(pred):
            return "denies"
        if lex.denial is not None and lex.denial.search(lead):
            return "denies"
        return "asserts"

    # -- the frame ------------------------------------------------------------------------------------------

    def build(self, doc: Doc, claim: Claim, article_date: Optional[str]) -> Optional[FrameOut]:
        parts = sorted(claim.content, key=lambda s: s.end - s.start, reverse=True)
        span = None
        for part in parts:
            span = doc.char_span(part.start, part.end, alignment_mode="expand")
            if span is not None and len(span):
                break
        if span is None or not len(span):
            return None
        charged = self.charge(span, claim)
        if charged is not None:
            accused, pred = charged
            _, target = self.agent_target(pred, span, claim)
            agent: Optional[FrameArgOut] = self._arg(accused, claim, claim.actors)
        else:
            pred = self.predicate(span)
            agent, target = self.agent_target(pred, span, claim)
        cue_text = None
        cue_lemma = None
        if claim.cue:
            first = claim.cue[0]
            cue_span = doc.char_span(first.start, first.end, alignment_mode="expand")
            if cue_span is not None and len(cue_span):
                cue_text = cue_span.text
                cue_lemma = _lemma(cue_span.root)
        content = span.text
        dates = [d for d in claim.dates if d.resolved and d.value]
        if dates:
            values = sorted(d.value for d in dates if d.value)
            time = FrameTimeOut(start=values[0], end=values[-1], basis="named")
        elif article_date:
            time = FrameTimeOut(start=article_date[:10], end=article_date[:10], basis="article")
        else:
            time = FrameTimeOut()
        return FrameOut(
            agent=agent, target=target, category=claim.event.category if claim.event else None,
            lemma=_lemma(pred), places=sorted({p.name for p in claim.places}), time=time, tense=self.tense(pred, span),
            polarity=self.polarity(pred, claim, content, cue_text),  # type: ignore[arg-type]
            modality=self.modality(pred, span, claim, cue_lemma, agent),  # type: ignore[arg-type]
            quantities=[Quantity(value=q.value, unit=q.unit, qualifier=q.qualifier) for q in claim.quantities],
        )


class FramesComponent(DataFileComponent):
    """spaCy component ``claimwatch_frames``: sets ``Claim.frame`` on every claim (after ``claimwatch_events``)."""

    DEFAULT_FILES = {"lexicon_path": FRAMES_FILE, "stance_path": STANCE_FILE}
    UPSTREAM = "claimwatch_events"  # its coder: patterns and actors

    def read(self, files: Files) -> None:
        coder = getattr(self.upstream, "coder", None)
        if coder is None:
            from .events import EventCoder, load_resolver

            coder = EventCoder(resolver=load_resolver())
        self.builder = FrameBuilder(coder, load_frame_lexicon(files["lexicon_path"], files["stance_path"]))

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        day = getattr(doc._, ARTICLE_DATE_ATTR, None)
        setattr(doc._, CLAIMS_ATTR, [dataclasses.replace(c, frame=self.builder.build(doc, c, day)) for c in claims])
        return doc
