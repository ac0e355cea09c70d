"""Claim properties read off a grouped attribution: kind, polarity, hedges, addressee, relay."""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..schema import CHARGE_PREPOSITIONS, OBJECT_STATEMENT_CUES, CharSpan, Claim
from .extensions import doc_text
from .features import CLOSE_QUOTES, OPEN_QUOTES, SENTENCE_ENDS, STRAIGHT_QUOTES, opening_position
from .grouping import QUOTE_CHARS, RELAY_LEMMAS, Chunk, Group
from .lexicon import CueLexicon
from .nonclaims import rejecting_words
from .speaker_check import cited_reason, nonspeakers, passive_agent

ADDRESSEE_VERBS = {"tell", "inform", "assure", "warn", "brief", "remind", "notify", "reassure", "write"}




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
    while e > s and (doc[e - 1].is_space or doc[e - 1].text in {",", ";", ":", "-", "—", "–"}
                     or (doc[e - 1].pos_ == "CCONJ" and not doc[e - 1].is_punct)):
        e -= 1  # '…, and' left dangling where the next clause starts
    return s, e


def end_at_closing_quote(doc: Doc, start: int, end: int, quotes: list[int]) -> int:
    """The end of a content chunk [start, end) cut right after a closing quotation mark that a new sentence
    follows outside the quote: in 'said the plan was "a disaster for the city." Officials declined …' the
    content ends at the mark, the unquoted sentence after it is the writer's.

    A new sentence starts with a capitalised word and either a sentence end stands inside the quote before the
    mark ('… city."'), or the parser starts a sentence there; a name right after a closing mark in mid-sentence
    ('only "to mock" Hillary Clinton') is left alone.
    """
    for k in range(start, end - 1):
        if not quotes[k] or quotes[k + 1] or doc[k].text not in QUOTE_CHARS:
            continue  # not the last token of a quoted stretch
        nxt = k + 1
        while nxt < end and doc[nxt].is_space:
            nxt += 1
        if nxt >= end or quotes[nxt]:
            continue
        word = doc[nxt]
        if not (word.is_alpha and word.text[0].isupper()):
            continue
        if _inside_outer_quote(doc, nxt, end):
            continue  # the mark closed a quote within a quote ('“… say, ‘Look, this is not who we are.’ We’ve …”')
        if doc[k - 1].text in SENTENCE_ENDS if k > start else False:
            return k + 1
        if word.is_sent_start or any("\n" in doc[i].text for i in range(k + 1, nxt)):  # or a line break
            return k + 1
    return end


def _quote_bounded(doc: Doc, chunks: list[Chunk], quotes: list[int]) -> list[Chunk]:
    """Content chunks (sorted) cut by ``end_at_closing_quote``; chunks only whitespace apart are read as one stretch
    (they become one span), so a chunk after the cut is dropped and one across it is cut."""
    out: list[Chunk] = []
    run: list[Chunk] = []
    for ch in chunks + [Chunk("CON", len(doc), len(doc))]:  # a sentinel closes the last run
        if run and (ch.start == len(doc) or not all(doc[i].is_space for i in range(run[-1].end, ch.start))):
            limit = end_at_closing_quote(doc, run[0].start, run[-1].end, quotes)
            out += [Chunk("CON", c.start, min(c.end, limit)) for c in run if c.start < limit]
            run = []
        run.append(ch)
    return out


def _inside_outer_quote(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens [start, end) reach a closing quotation mark before any opening one."""
    for i in range(start, end):
        t = doc[i].text
        if t in OPEN_QUOTES or (t in STRAIGHT_QUOTES and opening_position(doc, i)):
            return False
        if t in CLOSE_QUOTES or t in STRAIGHT_QUOTES:
            return True
    return False


def claim_kind(doc: Doc, group: Group, quotes: list[int]) -> str:
    cue_text = " ".join(doc[c.start : c.end].text.lower() for c in group.cue)
    if "according to" in cue_text:
        return "according_to"
    if group.rule == "nominal":
        return "nominal"
    toks = [t for ch in group.content for t in doc[ch.start : ch.end] if not t.is_space]
    if not toks:
        return "indirect"
    inside = sum(quotes[t.i] for t in toks)
    if inside >= 0.9 * len(toks):
        return "direct"
    if group.cue and all(t.pos_ in ("NOUN", "PROPN") for c in group.cue for t in doc[c.start : c.end] if not t.is_punct and t.pos_ not in ("DET", "ADP", "AUX", "PART")):
        return "nominal"
    if inside >= 2 and not _noun_phrase_content(toks):
        return "mixed"
    if not any(t.pos_ in ("VERB", "AUX") for t in toks) or _noun_phrase_content(toks):
        # "denied the accusations", "cited a conversation", "reiterated calls for civilians to leave": the cue's
        # object, a noun phrase that states nothing (PolNeAR counts it; a reader does not, see
        # schema.reports_statement).
        return "object"
    return "indirect"


def _noun_phrase_content(toks: list[Token]) -> bool:
    """Whether the content is a phrase headed by a noun or preposition hanging on the cue ("calls for civilians to
    leave", "for the missiles to deter …", a book "titled \"The Plot\"" with its quoted title), not a clause: its
    first word whose head lies outside it is that head's object, or the subject of a passive cue ("A referendum …
    has been announced")."""
    inside = {t.i for t in toks}
    # (a quote mark hangs on the cue whatever it opens: '"London police chief" Lyndon Edwards, who …')
    tops = [t for t in toks if (t.head.i not in inside or t.head.i == t.i) and not t.is_punct]
    # "described the bank's controls as \"seriously inadequate\"", "called the vote a sham": the object and what
    # it is said to be make a statement.
    # (not "as" opening a clause of its own: "declared martial law … as officials began evacuating")
    if any(t.dep_ == "oprd" or (t.lower_ == "as" and t.dep_ != "mark" and (t.head.i not in inside or t.head in tops))
           for t in toks):
        return False
    if not tops:
        return False
    # "has known her since her childhood": a pronoun object names someone, it states nothing
    return tops[0].dep_ in ("dobj", "obj", "prep", "pobj", "nsubjpass") \
        and (tops[0].pos_ in ("NOUN", "PROPN", "ADP") or (tops[0].pos_ == "PRON" and tops[0].dep_ == "dobj"))


def cue_head(doc: Doc, group: Group) -> Optional[Token]:
    """The main word of the cue: its verb (or noun), not auxiliaries."""
    toks = [t for c in group.cue for t in doc[c.start : c.end]]
    for pos in (("VERB",), ("NOUN", "PROPN"), ("ADP",)):
        for t in toks:
            if t.pos_ in pos:
                return t
    return toks[0] if toks else None


def _unrealised(head: Token) -> bool:
    """A cue not yet spoken ("will announce", "is expected to brief"): it reports no statement, so it gets no cue
    class (schema.reports_statement then leaves it out of default lists and disputes)."""
    if _negated(head):
        return False  # "will never accept that …" states a position now
    if any(c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll", "wo") for c in head.children):
        return True
    return head.dep_ == "xcomp" and head.head.lemma_.lower() in ("expect", "plan", "schedule", "due", "set")


WH_WORDS = {"whether", "if", "how", "what", "why", "when", "where", "who", "which"}
# Cue classes whose verb, with an infinitive or a gerund after it, names an act or an aim rather than a statement:
# "agreed to pay", "decided to leave", "hope to capitalise", "considered taking up arms" (judged no attribution in
# claims interims 6, 10 and 11). Not "claimed to have shot down" (assert), "denied attacking" (deny), "admitted
# making" (admit), "promised to" or "urged … to" (promise, demand: their frame is the infinitive).
ACT_CLASSES = frozenset({"agree", "believe", "report"})


def _act_not_statement(doc: Doc, head: Token, parts: list[CharSpan], cue_class: Optional[str]) -> bool:
    if cue_class not in ACT_CLASSES or not parts:
        return False
    first = doc.char_span(parts[0].start, parts[-1].end, alignment_mode="expand")
    if first is None:
        return False
    inside = {t.i for t in first}
    tops = [t for t in first if t.head.i not in inside and not t.is_punct]
    if not tops or tops[0].head.i != head.i:
        return False
    top = tops[0]
    infinitive = top.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in top.children)
    return infinitive or (top.tag_ == "VBG" and top.dep_ in ("xcomp", "dobj", "pcomp"))


def _reported_class(doc: Doc, head: Optional[Token], parts: list[CharSpan], lexicon: CueLexicon) -> Optional[str]:
    """The cue's lexicon class, or None where the cue reports no statement: not yet made, an answer withheld, an
    act or an aim."""
    if head is None:
        return None
    cue_class = lexicon.cue_class(head.lemma_.lower())
    if _unrealised(head) or _withheld(doc, head, parts) or _act_not_statement(doc, head, parts, cue_class) \
            or _hypothetical(head) or _put_to(head) or _as_preposition(head) or _writers_link(head) \
            or _ability(head, cue_class) or _nobody(head) or _writers_inference(head, lexicon) or _not_said(head) \
            or _embedded_question(head) or _purpose_clause(head):
        return None
    if _negated(head) and head.lemma_.lower() not in NEGATED_REJECTS:
        # "did not deny that …", "did not confirm that … until Friday", "never said that …": the writer reports
        # what was not said, which states nothing (run 8: "one simply cannot deny …"; claims interim 14)
        return None
    return cue_class


def _embedded_question(head: Token) -> bool:
    """"It is unclear whether experts believe they meet Kyiv's needs": a cue inside a "whether" clause is a question
    the writer asks, not a belief anyone stated (claims interim 22)."""
    return any(c.dep_ == "mark" and c.lower_ == "whether" for c in head.children)


def _purpose_clause(head: Token) -> bool:
    """"… gave her his watch so she would know that it was him": a cue inside a purpose clause ("so", "so that") is
    an aim, not a belief anyone stated (claims interim 24)."""
    if head.dep_ != "advcl":
        return False
    marks = [c for c in head.children if c.dep_ == "mark"]
    return any(m.lower_ == "so" or (m.lower_ == "that" and m.i > 0 and head.doc[m.i - 1].lower_ == "so") for m in marks)


# Subjects by which the writer points at what came before: "This indicates that …" is the writer's inference.
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
INFERENCE_LEMMAS = frozenset({"indicate", "suggest", "show", "mean", "prove", "imply", "signal", "demonstrate"})


def _writers_link(head: Token) -> bool:
    """"That said, the image is striking" (a connective) and "This indicates that the company …" (the writer's
    inference from what came before) report no one's statement (claims interim 14b)."""
    subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if len(subjects) != 1 or subjects[0].lower_ not in DEMONSTRATIVES:
        return False
    doc = head.doc
    if head.lower_ == "said" and subjects[0].i == head.sent.start and head.i + 1 < len(doc) \
            and doc[head.i + 1].text == ",":
        return True
    return head.lemma_.lower() in INFERENCE_LEMMAS


# Cues of an ABILITY_CLASSES class that still report a statement under "can"/"could": "We can confirm that two
# died", "police can report that …" (speech classes never count as an ability, see ``_ability``).
SPEECH_UNDER_ABILITY = frozenset({"confirm", "report"})


# Cue classes that name a thought, a finding or a wish: under "can"/"could" they are an ability. Speech classes
# (assert, deny, warn, admit, …) stay statements: "We can categorically deny that …".
ABILITY_CLASSES = frozenset({"predict", "believe", "report", "demand", "doubt", "question", "agree"})


def _ability(head: Token, cue_class: Optional[str]) -> bool:
    """"The robots can predict where criminals will strike", "we can accurately determine what caused it": what
    someone is able to do, not what they said (claims interim 16, read as tuning data on 2026-12-04)."""
    if _negated(head) or cue_class not in ABILITY_CLASSES or head.lemma_.lower() in SPEECH_UNDER_ABILITY:
        return False
    return any(c.dep_ == "aux" and c.lower_ in ("can", "could") for c in head.children)


def _nobody(head: Token) -> bool:
    """"No one can say they knew me as a man", "Nobody claims that …": a statement no one made (claims interim 16)."""
    doc = head.doc
    for s in head.children:
        # a subject inside the quote before '…," said Yuliia' is the parser's slip, not the speaker
        if s.dep_ not in ("nsubj", "nsubjpass") or s.i > head.i \
                or any(t.is_quote for t in doc[s.i:head.i]):
            continue
        if s.lower_ in ("nobody", "noone", "none"):
            return True
        # (not "No 10", Downing Street: a number or a name is someone)
        named = s.pos_ == "PROPN" or (s.like_num or s.pos_ == "NUM") and s.lower_ != "one"
        if not named and any(c.dep_ in ("det", "neg") and c.lower_ == "no"
                                                                 and c.i < s.i for c in s.children):
            return True
    return False


# What someone ought to do is the writer's prescription: "American citizens should know that …", "I must tell you".
DEONTIC_MODALS = frozenset({"should", "must", "ought"})
# "It is hard for aid workers to know how many …", "it is fair to say": the writer's judgment about knowing or
# saying, not a statement ("Peskov was quick to deny" has its own subject and stays).
JUDGING_ADJECTIVES = frozenset({"hard", "difficult", "impossible", "easy", "important", "fair", "safe", "tough",
                                "premature", "possible", "unclear", "necessary", "interesting", "worth", "early"})
# Verbs whose object is a feeling the sentence attributes to no one: "the threat has raised fears that …".
CAUSING_VERBS = frozenset({"raise", "spark", "fuel", "prompt", "stoke", "heighten", "ease", "allay", "trigger",
                           "provoke", "cause", "renew", "deepen", "revive", "intensify"})
REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves", "myself", "ourselves", "yourself"})


def _charge_on_cue(doc: Doc, head: Optional[Token], parts: list[CharSpan]) -> bool:
    """Whether an accusation's object names its charge: "accused Russia of shelling the plant", "blamed Kyiv for the
    attack", not "blaming Russia's invasion of Ukraine" (the "of" is the invasion's; dispute run 10)."""
    if head is None or not parts:
        return False
    span = doc.char_span(parts[0].start, parts[-1].end, alignment_mode="expand")
    # (the parser often hangs the charge on the object, "the builders for the leak", "the mayor's office of hiding
    # the report": only an "of" naming a place or party after a possessed noun, "Russia's invasion of Ukraine",
    # is the noun's own)
    return span is not None and any(
        t.lower_ in CHARGE_PREPOSITIONS and (t.head.i == head.i or not _nouns_own_of(t)) for t in span)


def _nouns_own_of(prep: Token) -> bool:
    """"Russia's invasion of Ukraine": an "of" on a possessed noun whose object is a name."""
    if prep.lower_ != "of" or not any(c.dep_ == "poss" for c in prep.head.children):
        return False
    return any(c.dep_ == "pobj" and c.pos_ == "PROPN" for c in prep.children)


def _cannot_hold(subject: Token) -> bool:
    """Whether a subject is an event, a time or a picture (``resources/nonspeakers.en.v1.txt``): it holds no view."""
    words = nonspeakers()
    lemma = subject.lemma_.lower()
    return not subject.ent_type_ and lemma in (words.events | words.times | words.visuals)


def _not_said(head: Token) -> bool:
    """Cues that report no statement (claims interim 17, read as tuning data on 2026-12-04): a prescription
    ("should know"), what someone does instead of saying ("rather than tell voters"), the writer's judgment of
    knowing ("hard for aid workers to know"), the accused in a reduced relative ("A British man accused of …"), a
    situation ("Corbyn finds himself cosying up to …"), and a feeling caused in no one named ("raised fears that")."""
    kids = list(head.children)
    if any(c.dep_ == "aux" and c.lower_ in DEONTIC_MODALS for c in kids):
        return True
    if head.dep_ == "pcomp" and head.head.lower_ == "by" and any(
            c.dep_ == "aux" and c.lower_ in DEONTIC_MODALS for c in head.head.head.children):
        return True  # the means of a prescription: "The United States should exploit … by signaling that …" (interim 18)
    if any(c.dep_ == "mark" and c.lower_ == "than" for c in kids):
        return True
    # (not a past tense the parser took for a participle: "Ukraine's president, Zelenskiy, acknowledged … that")
    if head.tag_ == "VBN" and head.dep_ == "acl" and not any(c.dep_ in ("ccomp", "dobj") for c in kids):
        return True
    if head.lemma_.lower() == "find" and head.i + 1 < len(head.doc) and head.doc[head.i + 1].lower_ in REFLEXIVES:
        return True
    if head.pos_ == "NOUN" and head.dep_ == "dobj" and head.head.lemma_.lower() in CAUSING_VERBS:
        # only an event, a time or a picture as the subject ("The mention of the threat has raised fears …"): people,
        # groups, ministries and reports that raise a concern voice it
        return any(c.dep_ == "nsubj" and _cannot_hold(c) for c in head.head.children)
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in kids) and head.dep_ in ("advcl", "xcomp", "ccomp"):
        gov = head.head
        judged = gov.lower_ in JUDGING_ADJECTIVES or any(
            c.dep_ == "acomp" and c.lower_ in JUDGING_ADJECTIVES and c.i < head.i for c in gov.children)
        impersonal = any(c.dep_ == "mark" and c.lower_ == "for" for c in kids) or any(
            c.dep_ in ("nsubj", "expl") and c.lower_ == "it" for c in gov.children)
        return judged and impersonal
    return False


# Main verbs of a speech act the lexicon has no cue for: "Some commentators have expressed concern …, suggesting
# that …" is the commentators' suggestion.
SPEECH_ACTS = frozenset({"express", "voice", "issue", "post", "tweet", "publish", "release", "raise", "make", "send",
                         "speak", "give", "appear", "address", "share", "hold", "deliver", "sign", "answer", "respond",
                         "testify", "write", "talk"})


def _writers_inference(head: Token, lexicon: CueLexicon) -> bool:
    """"The post was shared 10,000 times, proving there are still people who …", "Google bought two more buildings,
    suggesting it is thinking far ahead": a participle that draws the writer's conclusion from a deed, not a report
    of speech (claims interim 16). After a cue ("he said …, suggesting that …") the speaker may still own it."""
    if head.tag_ != "VBG" or head.dep_ != "advcl" or head.lemma_.lower() not in INFERENCE_LEMMAS:
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
        return False
    main = head.head.lemma_.lower()
    # ("The post was shared 10,000 times, proving …": a passive main verb is no one's speech act)
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in head.head.children)
    return lexicon.cue_class(main) is None and (main not in SPEECH_ACTS or passive)


def _is_passive(head: Token) -> bool:
    """"was told", "is being urged", and the second verb of "was banned and ordered to …"."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
        return True
    own = any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in head.children)
    return head.dep_ == "conj" and head.tag_ == "VBN" and not own and _is_passive(head.head)


def passive_source(head: Token, speaker: Optional[CharSpan], lexicon: CueLexicon) -> Optional[CharSpan]:
    """The source of a cue: ``speaker``, unless the cue is a passive whose subject is the one told, asked, urged,
    shown or accused ("the agencies had been told that …", "He was ordered to return his medal", "Merkel has been
    criticised for …", "he is said to have …"); then the "by" agent ("was described by her colleagues as …"), else
    none, and the claim is not shown (fifteenth session: of the 11 such claims among the first 300 Apr–Dec and 300
    BBC articles, we read all 11 as wrong). Cues whose passive keeps the source ("was quoted as saying", "is
    convinced that") are marked in the cue lexicon. This is the one place a passive cue's source is decided."""
    if speaker is None or head.lemma_.lower() in lexicon.passive_speakers or not _is_passive(head):
        return speaker
    agent = passive_agent(head)
    return CharSpan(agent.start_char, agent.end_char) if agent is not None else None


def _negated(head: Token) -> bool:
    if any(c.dep_ == "neg" for c in head.children):
        return True
    # "would neither confirm nor deny that …" (judged no attribution in claims interim 20), either verb
    verb = head.head if head.dep_ == "conj" else head
    return any(c.dep_ == "preconj" and c.lower_ == "neither" for c in verb.children)


def _as_preposition(head: Token) -> bool:
    """"The problem is remarkable considering how excited the company seems": "considering" with no subject of its
    own is a preposition, the writer's comment (claims interim 14)."""
    return head.lower_ == "considering" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children)


# Adverbs by which the writer guesses at someone's view ("Perhaps he thinks MGM has said enough").
GUESS_ADVERBS = frozenset({"perhaps", "maybe", "presumably", "possibly"})


def _hypothetical(head: Token) -> bool:
    """"fans, who may well feel that …", "critics might argue that …": the writer's guess at what someone would
    say, not a report of what was said (claims interim 12); so is "Perhaps he thinks …" (interim 14)."""
    aux = [c.lower_ for c in head.children if c.dep_ == "aux"]
    # "The church could have recognised …", "would have said": what did not happen
    counterfactual = "have" in aux and any(m in aux for m in ("could", "would", "should", "might", "may"))
    return counterfactual or any((c.dep_ == "aux" and c.lower_ in ("may", "might"))
                                 or (c.dep_ == "advmod" and c.lower_ in GUESS_ADVERBS) for c in head.children)


def _put_to(head: Token) -> bool:
    """"Asked if he would quit, he said: …": the participle reports the question put to the main clause's subject,
    whose answer is a claim of its own (claims interim 12)."""
    return head.lemma_.lower() == "ask" and head.tag_ == "VBN" and head.dep_ == "advcl" \
        and not any(c.dep_ in ("nsubj", "nsubjpass", "auxpass") for c in head.children)


def _withheld(doc: Doc, head: Token, parts: list[CharSpan]) -> bool:
    """"didn't disclose whether …", "declined to say how much …": an answer withheld states nothing (judged not an
    attribution in claims interim 9); such a cue gets no cue class."""
    first = doc.char_span(parts[0].start, parts[0].end, alignment_mode="expand") if parts else None
    words = [t for t in first if not t.is_punct] if first is not None else []
    if not words or words[0].lower_ not in WH_WORDS:
        return False
    refused = head.dep_ == "xcomp" and head.head.lemma_.lower() in ("decline", "refuse")
    # "tips that could confirm whether …": an answer someone might give, not one given (claims interim 16)
    hypothetical = any(c.dep_ == "aux" and c.lower_ in ("can", "could", "would", "might", "may") for c in head.children)
    return refused or hypothetical or _negated(head)


# Cue verbs whose negation rejects the content ("does not accept that X"). Not factive or emotive ones: "did not
# know that X" takes X as true, "does not fear that X" rejects nothing.
NEGATED_REJECTS = frozenset({"accept", "agree", "believe", "think", "recognise", "recognize", "acknowledge", "admit"})


def _polarity(doc: Doc, group: Group, head: Optional[Token], lexicon: CueLexicon) -> str:
    if head is None:
        return "asserts"
    lemma = head.lemma_.lower()
    if lemma in lexicon.denials or lexicon.cue_class(lemma) == "deny":
        # "one simply cannot deny the value", "did not deny that …": a denial negated denies nothing
        return "asserts" if _negated(head) or _verdict_only(head, lexicon) else "denies"
    # "does not accept / recognise / believe that X" rejects X; "did not say that X" only says nothing of it.
    if lemma in NEGATED_REJECTS and _negated(head):
        return "denies"
    # "rejected claims that …", "dismissed reports that …": the cue's object is a reporting noun.
    for child in head.children:
        if child.dep_ in ("dobj", "obj") and lexicon.noun_class(child.lemma_.lower()) and lemma in lexicon.denials:
            return "denies"
    return "asserts"


def _verdict_only(head: Token, lexicon: CueLexicon) -> bool:
    """"dismissed the case as the government's attempt to put pressure on her": a verdict on a thing, which the
    speaker asserts; not "dismissed the reports as lies" (a reporting noun) nor "dismissed the video as fake" (a
    rejecting word: run 12, read as tuning data in the fourteenth session)."""
    objects = [c for c in head.children if c.dep_ in ("dobj", "obj")]
    verdicts = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "as"]
    # (a pronoun object is a claim named before: "dismissed it as an attempt to distract attention" denies it)
    if len(objects) != 1 or not verdicts or lexicon.noun_class(objects[0].lemma_.lower()) or objects[0].pos_ == "PRON":
        return False
    rejecting = rejecting_words()
    return not any(t.lemma_.lower() in rejecting or t.lower_ in rejecting for t in verdicts[0].subtree)


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


def _addressee(doc: Doc, head: Optional[Token], parts: tuple[CharSpan, ...]) -> Optional[CharSpan]:
    if head is None:
        return None
    content_idx = {t.i for p in parts for t in (doc.char_span(p.start, p.end, alignment_mode="expand") or [])}
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
            # (a ground given, "citing a law that allows …", "citing rising prices", is nobody relayed)
            if objs and not cited_reason(objs[0]):
                toks = sorted(objs[0].subtree, key=lambda t: t.i)
                return child, doc[toks[0].i : toks[-1].i + 1]
    return None


def _addressee_prefix(doc: Doc, group: Group, start: int) -> int:
    """'informed [the players] that …': the addressee is not part of what was said."""
    head = cue_head(doc, group)
    if head is None or head.lemma_.lower() not in ADDRESSEE_VERBS:
        return start
    for child in head.children:
        if child.dep_ in ("dobj", "dative", "iobj") and child.left_edge.i == start:
            nxt = child.right_edge.i + 1
            while nxt < len(doc) and (doc[nxt].is_space or doc[nxt].text == ","):
                nxt += 1
            if nxt < len(doc) and (doc[nxt].lower_ == "that" or doc[nxt].dep_ in ("nsubj", "nsubjpass", "mark")):
                return nxt
    return start


def _noun_phrase(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A source span cut to its head's phrase: in 'the Kremlin on Thursday also released', 'on
    Thursday' hangs from the verb, not from 'Kremlin'."""
    span = doc[start:end]
    root = span.root
    if root.pos_ not in ("NOUN", "PROPN", "PRON"):
        return start, end
    inside = sorted(t.i for t in root.subtree if start <= t.i < end)
    if not inside or inside[-1] - inside[0] + 1 != len(inside):
        return start, end
    return inside[0], inside[-1] + 1


def build_claim(doc: Doc, group: Group, quotes: list[int], lexicon: CueLexicon) -> Optional[Claim]:
    parts = []
    for n, ch in enumerate(_quote_bounded(doc, sorted(group.content, key=lambda c: c.start), quotes)):
        s, e = _trim_content(doc, ch)
        if n == 0:
            s = _addressee_prefix(doc, group, s)
        sp = _char(doc, s, e)
        if sp:
            if parts and doc_text(doc)[parts[-1].end : sp.start].strip() == "":
                parts[-1] = CharSpan(parts[-1].start, sp.end)  # touching parts are one span
            else:
                parts.append(sp)
    if not parts:
        return None
    cue = tuple(sp for c in group.cue if (sp := _char(doc, c.start, c.end)))
    speaker = None
    if group.source:
        srcs = sorted(group.source, key=lambda c: c.start)
        speaker = _char(doc, *_noun_phrase(doc, srcs[0].start, srcs[-1].end))
    head = cue_head(doc, group)
    relay: tuple[CharSpan, ...] = ()
    rel = _relay(doc, head)
    if group.relay:
        rs = sorted(group.relay, key=lambda c: c.start)
        relay = tuple(sp for sp in [_char(doc, rs[0].start, rs[-1].end)] if sp)
    elif rel is not None and speaker is not None:
        # The cited party is the original speaker; the one who reported it is the relay.
        orig = _char(doc, rel[1].start, rel[1].end)
        if orig is not None:
            relay = (speaker,)
            speaker = orig
            cue = cue + tuple(sp for sp in [_char(doc, rel[0].i, rel[0].i + 1)] if sp)
    kind = claim_kind(doc, group, quotes)
    cue_class = _reported_class(doc, head, parts, lexicon)
    if head is not None:
        speaker = passive_source(head, speaker, lexicon)
    if kind == "object" and cue_class in OBJECT_STATEMENT_CUES and not _charge_on_cue(doc, head, parts):
        cue_class = None
    return Claim(
        content=tuple(parts),
        cue=cue or None,
        speaker=speaker,
        kind=kind,
        cue_class=cue_class,
        polarity=_polarity(doc, group, head, lexicon),
        hedges=_hedges(doc, group, head, lexicon),
        addressee=_addressee(doc, head, tuple(parts)),
        relay=relay,
    )


