"""Attribution extraction: who said what (speaker, cue, content) as a spaCy component.

Two stages:
1. *Tagging*: a linear-chain CRF (trained on PolNeAR train, `resources/attribution.v1.crfsuite`) labels every
   token as part of a SOURCE, CUE or CONTENT (BIO tags, one paragraph per sequence). Without the model
   file, a dependency rule tagger gives the same kind of tags (lower recall). `tagger="minilm"` swaps the
   CRF for a fine-tuned transformer with the same interface (`tagger_minilm.py`,
   `resources/attribution_minilm.v1.safetensors`).
2. *Grouping* (`group_chunks`): chunks of tags are tied into attributions through the dependency tree,
   then sentence proximity, then quote continuity; a split quote becomes one claim with several content
   parts.
Claim properties (kind, polarity, hedges, addressee, relay) are read off the grouped spans.
"""
from __future__ import annotations

import dataclasses
import logging
from contextlib import ExitStack
from pathlib import Path
from typing import Iterable, Iterator, Optional, Protocol, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import minibatch

from ..errors import ModelNotFoundError
from ..resources import packaged
from ..schema import Claim
from .claims import build_claim
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR, set_span_groups
from .crf_scorer import CrfScorer
from .features import SENTENCE_ENDS, TEMPLATES, doc_cache, feature_columns, paragraphs, quote_depth
from .grouping import QUOTE_CHARS, Chunk, Group, chunks_from_tags, group_chunks, snap_to_quotes
from .lexicon import CUES_FILE, DENIALS_FILE, HEDGES_FILE, CueLexicon, load_lexicon
from .rules import apply_rule_groups, rule_groups, rule_tags

log = logging.getLogger("claimwatch")

MODEL_FILE = "attribution.v1.crfsuite"
TAGGERS = ("crf", "minilm")
# Whether the dependency-rule groups (rules.apply_rule_groups) are laid over each tagger's groups; measured
# with and without on the train slice (see training/attribution_minilm.py SELECTION).
RULE_LAYER = {"crf": True, "minilm": False}


class Tagger(Protocol):
    """What the component needs of a tagger: BIO tags (B-SRC, I-CON, …) per token, whitespace tokens O. A tagger may
    also offer ``tag_many(docs, lexicon)``, tags for a batch at once, which the component's ``pipe`` then uses."""

    def tag(self, doc: Doc, lexicon: CueLexicon) -> list[str]: ...


class CrfTagger:
    """A CRFsuite model scored in numpy (`crf_scorer`); read lazily so the component pickles for multiprocessing."""

    def __init__(self, path: str):
        self.path = path
        self._scorer: Optional[CrfScorer] = None

    def __getstate__(self):
        return {"path": self.path, "_scorer": None}

    def tag(self, doc: Doc, lexicon: CueLexicon) -> list[str]:
        return self.tag_many([doc], lexicon)[0]

    def tag_many(self, docs: Sequence[Doc], lexicon: CueLexicon) -> list[list[str]]:
        """Tags for several Docs, their paragraphs decoded together (one Viterbi pass per batch)."""
        if self._scorer is None:
            self._scorer = CrfScorer(self.path, TEMPLATES)
        return self._scorer.tag_many([
            (feature_columns(doc, lexicon, rule_tags(doc, lexicon)), len(doc),
             [(p.start, p.end) for p in paragraphs(doc)])
            for doc in docs])


# -------------------------------------------------------------------------------------------- component


def default_model_path(tagger: str = "crf") -> Optional[str]:
    from .tagger_minilm import MINILM_FILE

    path = packaged(MINILM_FILE if tagger == "minilm" else MODEL_FILE)
    return str(path) if path.is_file() else None


class AttributionComponent(DataFileComponent):
    """spaCy component `claimwatch_attribution`: sets `doc._.cw_claims` and the cw_* span groups."""

    DEFAULT_FILES = {"lexicon_path": CUES_FILE, "hedges_path": HEDGES_FILE, "denials_path": DENIALS_FILE,
                     "model_path": None}

    def __init__(
        self,
        nlp: Language,
        name: str,
        lexicon_path: Optional[str] = None,
        model_path: Optional[str] = None,
        use_model: bool = True,
        hedges_path: Optional[str] = None,
        denials_path: Optional[str] = None,
        tagger: str = "crf",
    ):
        if tagger not in TAGGERS:
            raise ModelNotFoundError(f"unknown attribution tagger '{tagger}' (choose from: {', '.join(TAGGERS)})")
        if model_path and not Path(model_path).is_file():
            raise ModelNotFoundError(f"attribution model not found: {model_path}")
        model = model_path or (default_model_path(tagger) if use_model else None)
        if tagger == "minilm" and use_model and model is None:
            # Asked for by name: falling back to rules would hide a broken install.
            raise ModelNotFoundError("MiniLM attribution model not found (resources/attribution_minilm.v1.safetensors); "
                                     "train it with: claimwatch train attribution --tagger minilm --polnear DIR")
        self.tagger_kind = tagger
        super().__init__(nlp, name, lexicon_path=lexicon_path, hedges_path=hedges_path, denials_path=denials_path,
                         model_path=model)
        if use_model and model is None:
            log.warning("no trained attribution model found; using dependency rules only")

    def read(self, files: Files) -> None:
        self.lexicon = load_lexicon(files["lexicon_path"], files["hedges_path"], files["denials_path"])
        model = files["model_path"]
        self.tagger: Optional[Tagger] = None
        if model and self.tagger_kind == "minilm":
            from .tagger_minilm import MiniLMTagger

            # The packaged CRF's marginals are blended in with the weight the MiniLM file records.
            self.tagger = MiniLMTagger(str(model), crf_path=default_model_path("crf"))
        elif model:
            self.tagger = CrfTagger(str(model))
        self.rule_layer = RULE_LAYER[self.tagger_kind]

    def tags(self, doc: Doc) -> list[str]:
        return self.tagger.tag(doc, self.lexicon) if self.tagger else rule_tags(doc, self.lexicon)

    def process(self, doc: Doc) -> Doc:
        with doc_cache(doc):
            return self._extract(doc, self.tags(doc))

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """`nlp.pipe` hands Docs over in batches: a CRF tags a batch's paragraphs together (the Viterbi steps
        cost per step of the longest paragraph, not per Doc)."""
        if not self.ready:
            self.initialize()
        tag_many = getattr(self.tagger, "tag_many", None)
        for batch in minibatch(stream, batch_size):
            if tag_many is None:
                yield from (self.process(doc) for doc in batch)
                continue
            # Each Doc's cache is closed before it leaves, as in `process`.
            with ExitStack() as caches:
                for doc in batch:
                    caches.enter_context(doc_cache(doc))
                done = [self._extract(doc, tags) for doc, tags in zip(batch, tag_many(batch, self.lexicon))]
            yield from done

    def _extract(self, doc: Doc, tags: list[str]) -> Doc:
        quotes = quote_depth(doc)
        chunks = snap_to_quotes(doc, chunks_from_tags(doc, tags), quotes)
        groups = group_chunks(doc, chunks)
        if self.tagger is not None and self.rule_layer:
            groups = apply_rule_groups(doc, groups, rule_groups(doc, self.lexicon, quotes))
        groups = [part for g in _writers_clauses(doc, [g for g in groups if not self._fragment(doc, g)], quotes)
                  for sentence in _within_sentence(doc, _without_cue_objects(doc, _without_cue_adjuncts(
                      doc, _inside_participle(doc, g, quotes))),
                                                   quotes, self.lexicon)
                  for part in self._bounded(doc, _noun_content(doc, sentence, self.lexicon), quotes)]
        claims = []
        for group in groups:
            claim = build_claim(doc, group, quotes, self.lexicon)
            if claim is not None:
                claims.append(claim)
        setattr(doc._, CLAIMS_ATTR, claims)
        set_span_groups(doc, claims)
        return doc

    def _bounded(self, doc: Doc, group: Group, quotes: list[int]) -> list[Group]:
        """The group's unquoted content ended before a second act of the speaker (which becomes a group of its own),
        or else stretched over a verb conjoined to its own that the tagger left out."""
        cue_toks = [t for ch in group.cue for t in doc[ch.start : ch.end]]
        cue_verb = next((t for t in cue_toks if t.pos_ == "VERB"), None) or next((t for t in cue_toks if t.pos_ == "AUX"), None)
        if cue_verb is None or not group.content:
            return [group]
        group = self._before_another_source(doc, group, quotes, cue_verb)
        return self._second_statement(doc, group, quotes, cue_verb) or [self._with_conjoined(doc, group, quotes, cue_verb)]

    def _before_another_source(self, doc: Doc, group: Group, quotes: list[int], cue_verb: Token) -> Group:
        """"said the attack caused no damage but later the Ministry of Defence conceded that …", "claimed that the plant
        had been reconnected and it is believed generators were used": a clause joined by "but" (or "while", "yet")
        whose cue verb has a subject of its own, or an impersonal "it is believed", is the writer reporting another
        source. Unquoted content that follows its cue ends before it (claims interim 21, read as tuning data: both
        judged as running on). "and officials believe …" is left alone: it may be more of what the speaker said."""
        first = group.content[0].start
        if first < cue_verb.i or doc[first].text in OPENING_QUOTES or (first > 0 and doc[first - 1].text in OPENING_QUOTES):
            return group
        last = max(ch.end for ch in group.content)
        for t in doc[first + 2 : last]:
            # (the small parser hangs such a clause on the content's verb or on the cue itself, as "conj" or "ccomp")
            if quotes[t.i] or t.dep_ not in ("conj", "ccomp") or t.pos_ != "VERB" \
                    or not self.lexicon.cue_class(t.lemma_.lower()):
                continue
            subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects:
                continue
            start = t.left_edge.i
            link = doc[start - 1].lower_ if start > first else ""
            # ("it is believed generators were used": "it" opens a clause; "it is expected to be ready" is the thing)
            impersonal = subjects[0].lower_ == "it" and any(c.dep_ == "auxpass" for c in t.children) \
                and any(c.dep_ == "ccomp" for c in t.children) and not any(c.dep_ == "xcomp" for c in t.children)
            other = subjects[0].lower_ not in SPEAKER_PRONOUNS and link in OTHER_SOURCE_LINKS
            if not (impersonal or other) or any(quotes[i] for i in range(start, last)):
                continue
            kept = _content_before(doc, group, first, start)
            return dataclasses.replace(group, content=kept) if kept else group
        return group

    def _second_statement(self, doc: Doc, group: Group, quotes: list[int], cue_verb: Token) -> Optional[list[Group]]:
        """"Russia has argued that the transit ban is illegal and threatened to retaliate"; "said fighting has reached
        the streets while admitting that …": a second act of speech the writer joins to the content (a conjoined or
        subordinate verb of the lexicon with no subject of its own, or the speaker's pronoun) is not what the first
        cue reports. Unquoted content ends before it, and the rest is the same speaker's second claim, under its own
        cue. The small parser hangs such verbs inside the complement, so the lexicon, not the tree, tells them
        (claims interims 3-18: 33 judged claims still shown ran on so). None when there is no such act."""
        first = group.content[0].start
        if doc[first].text in OPENING_QUOTES or (first > 0 and doc[first - 1].text in OPENING_QUOTES):
            return [group]  # (a quotation in straight single quotes is no quote to quote_depth, but still a quote)
        cut: Optional[int] = None
        verb: Optional[Token] = None
        for ch in group.content:
            for t in doc[ch.start : ch.end]:
                if t.i <= first + 1 or quotes[t.i] or t.dep_ not in ("conj", "advcl") or t.pos_ != "VERB":
                    continue
                kind = self.lexicon.cue_class(t.lemma_.lower())
                if kind not in SECOND_ACTS or not _joined_act(t, cue_verb) or _negated_or_relative(t, first):
                    continue
                if kind in ("assert", "admit") and any(c.dep_ == "dobj" for c in t.children):
                    continue  # "would eventually add $84 billion", "recognizes the holiday": no act of speech
                subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subjects and not all(c.lower_ in SPEAKER_PRONOUNS for c in subjects):
                    continue
                cut, verb = (t.left_edge.i if t.left_edge.i > first else t.i), t
                break
            if cut is not None:
                break
        last = max(ch.end for ch in group.content)
        if cut is None or verb is None:
            return None
        if any(quotes[i] for i in range(cut, last)):
            return [group]
        kept = _content_before(doc, group, first, cut)
        if not kept:
            return [group]
        out = [dataclasses.replace(group, content=kept)]
        start = verb.i + 1
        while start < last and (doc[start].dep_ == "prt" or doc[start].is_punct):
            start += 1  # ("played down …")
        if last - start >= 2:
            out.append(Group(cue=[Chunk("CUE", verb.i, verb.i + 1)], source=list(group.source),
                             content=[Chunk("CON", start, last)], rule=group.rule))
        return out

    def _with_conjoined(self, doc: Doc, group: Group, quotes: list[int], cue_verb: Token) -> Group:
        """"vowed to retrieve classified documents from the National Archives and publish them on his website": an
        unquoted content the tagger ended just before "and" + a verb joined to its own takes that verb's phrase, when
        the verb is no second act of the speaker (``_second_statement``) and has no subject of its own (claims
        interims 3-18: contents cut short so, judged partly right)."""
        end = max(ch.end for ch in group.content)
        if end + 1 >= len(doc) or doc[end].lower_ not in ("and", "or") or quotes[end] or quotes[end - 1]:
            return group  # ("… more action but defended President Bush": "but" opens the speaker's next act)
        verb = doc[end + 1]
        inside = range(group.content[0].start, end)
        if verb.dep_ != "conj" or verb.head.i not in inside or verb.pos_ not in ("VERB", "AUX") or verb.sent != doc[end - 1].sent:
            return group
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) or _negated_or_relative(verb, inside.start):
            return group
        if self.lexicon.cue_class(verb.lemma_.lower()) in SECOND_ACTS and _joined_act(verb, cue_verb):
            return group
        stop = verb.right_edge.i + 1
        if any(quotes[i] for i in range(end, stop)):
            return group
        while stop > end and (doc[stop - 1].is_punct or doc[stop - 1].is_space):
            stop -= 1
        content = group.content[:-1] + [Chunk("CON", group.content[-1].start, stop)]
        return dataclasses.replace(group, content=content)

    def _fragment(self, doc: Doc, group: Group) -> bool:
        """A verbless scrap of two words under a cue the lexicon does not know ('closed the show with
        "Blue River"') is a mention, not a claim."""
        toks = [t for ch in group.content for t in doc[ch.start : ch.end]]
        words = [t for t in toks if t.is_alpha]
        if len(words) >= 3 or any(t.pos_ in ("VERB", "AUX") for t in toks):
            return False
        heads = [t for ch in group.cue for t in doc[ch.start : ch.end] if t.pos_ in ("VERB", "NOUN")]
        return not any(self.lexicon.cue_class(t.lemma_.lower()) for t in heads)


def _inside_participle(doc: Doc, group: Group, quotes: list[int]) -> Group:
    """"A fake advertisement claiming iPhones charge in a microwave went viral after …": a participle cue that
    modifies a noun (``acl``) reports only what its own phrase holds; the sentence's main verb after it is the
    writer's. Unquoted content past the participle's phrase is cut off (claims interim 14)."""
    heads = [t for ch in group.cue for t in doc[ch.start : ch.end] if t.dep_ == "acl" and t.pos_ == "VERB"]
    if len(heads) != 1 or not group.content:
        return group
    end = heads[0].right_edge.i + 1
    if all(ch.end <= end for ch in group.content):
        return group
    if any(quotes[i] for ch in group.content for i in range(max(ch.start, end), ch.end)):
        return group  # a quote is the speaker's own words however the parser hung it
    kept = [Chunk(ch.role, ch.start, min(ch.end, end)) for ch in group.content if ch.start < end]
    if not kept:
        return group
    return dataclasses.replace(group, content=kept)


def _content_before(doc: Doc, group: Group, first: int, cut: int) -> list[Chunk]:
    """The group's content chunks up to ``cut``, less the punctuation and conjunctions that led into what is cut."""
    end = cut
    while end > first and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].pos_ in ("CCONJ", "SCONJ")):
        end -= 1
    return [Chunk(ch.role, ch.start, min(ch.end, end)) for ch in group.content if ch.start < end]


def _within_sentence(doc: Doc, group: Group, quotes: list[int], lexicon: CueLexicon) -> list[Group]:
    """An unquoted content that follows its cue ends with its sentence: "Goldman Sachs said … more pain at the
    pumps. Britons" loses "Britons", the next sentence's narration (claims interims 18 and 19: contents running
    into the next sentence), and a part the tagger added from a later sentence goes with it ("He said the package
    would help Ukraine defend itself. The proposal includes …"). Quotes opening the next sentence are the speaker's
    words, but a claim of their own, with no cue, that takes the speaker as any following quote does ('He said he
    still found time to listen to the radio there. "I always listened …"': claims interim 21), or of their own cue
    when one follows them ('… "I believe we've shown we can," Yellen said'). A quote runs on as written; a content
    told before its cue is left alone."""
    if not group.content or not group.cue:
        return [group]
    cue_end = max(ch.end for ch in group.cue)
    after = [ch for ch in group.content if ch.start >= cue_end]
    if not after or group.content[-1].start < cue_end or quotes[after[0].start]:
        return [group]
    first = after[0].start
    for ch in after:
        for i in range(max(ch.start, first + 1), ch.end):
            if not _sentence_break(doc, i):
                continue
            kept = [Chunk(c.role, c.start, min(c.end, i)) for c in group.content if c.start < i]
            rest = [Chunk(c.role, max(c.start, i), c.end) for c in group.content if c.end > i]
            rest = [c for c in rest if any(not doc[j].is_space for j in range(c.start, c.end))]
            quoted = [j for c in rest for j in range(c.start, c.end) if not (doc[j].is_space or doc[j].is_punct)]
            if any(quotes[j] for j in quoted):
                if doc[i].text not in OPENING_QUOTES or not all(quotes[j] for j in quoted):
                    return [group]  # a quote runs on as written
                return [dataclasses.replace(group, content=kept), _quote_group(doc, rest, quotes, lexicon)]
            return [dataclasses.replace(group, content=kept)]
    return [group]


# Prepositions that give the medium or the time of a statement ("said in a statement that …", "told reporters at a
# briefing that …"): a that-clause after them is still the cue's.
MEDIUM_PREPOSITIONS = frozenset({"in", "at", "on", "during", "via", "through", "with", "after", "before", "for"})


def _noun_content(doc: Doc, group: Group, lexicon: CueLexicon) -> Group:
    """"The US has been warning Moscow for weeks over public comments from top Russian officials that they could use
    nuclear weapons": a that-clause right after a statement noun and its holder ("comments from …", "remarks by
    …") is that holder's statement, whatever verb the parser hung it on; the cue's subject only spoke of it (runs
    12–15 and claims interim 22: the US given the Russian officials' words). The claim becomes the noun's, held by
    the "from"/"by" phrase. A noun after "in", "at" or "on" is the statement's medium ("said in a statement that")
    and a noun the cue takes as its object ("dismissed claims by Kyiv that …") is what the speaker answers: both
    are left alone."""
    if not group.content or not group.cue or not group.source:
        return group
    first = group.content[0].start
    cue_end = max(ch.end for ch in group.cue)
    if first <= cue_end or doc[first].lower_ != "that":
        return group
    holder = doc[first - 1]
    if holder.dep_ != "pobj" or holder.head.lower_ not in ("from", "by"):
        return group
    noun = holder.head.head
    if noun.pos_ != "NOUN" or noun.dep_ != "pobj" or noun.head.lower_ in MEDIUM_PREPOSITIONS \
            or noun.i < cue_end or lexicon.nouns.get(noun.lemma_.lower()) is None:
        return group
    start = holder.left_edge.i
    return dataclasses.replace(group, cue=[Chunk("CUE", noun.i, noun.i + 1)],
                               source=[Chunk("SRC", start, holder.i + 1)])


def _quote_group(doc: Doc, content: list[Chunk], quotes: list[int], lexicon: CueLexicon) -> Group:
    """Quotes cut from a content before them: with the cue and subject that follow them in their sentence ('"…,"
    Yellen said'), else with none (they continue the speaker before them)."""
    end = content[-1].end
    sent = doc[end - 1].sent
    for tok in doc[end : sent.end]:
        if quotes[tok.i] and not tok.is_punct:
            break  # the next quote: no cue of these
        if tok.pos_ == "VERB" and lexicon.cue_class(tok.lemma_.lower()):
            subjects = [c for c in tok.children if c.dep_ == "nsubj" and c.i > end - 1]
            if subjects:
                subject = subjects[0]
                return Group(cue=[Chunk("CUE", tok.i, tok.i + 1)], source=[
                    Chunk("SRC", subject.left_edge.i, subject.right_edge.i + 1)], content=content)
            break
    return Group(content=content)


def _sentence_break(doc: Doc, i: int) -> bool:
    """Whether token ``i`` opens a sentence: a capital after a full stop, even where the small parser ran on past it
    ("… ($1.09bn; £833m) Europe spent … since the start of the invasion. Some European member states": claims
    interim 21). The tokenizer keeps the stops of "Mr." and "U.S." on their words."""
    tok = doc[i]
    prev = doc[i - 1]
    if prev.is_space and i >= 2:
        prev = doc[i - 2]
    opens = tok.text[:1].isupper() or (tok.text in OPENING_QUOTES and i + 1 < len(doc) and doc[i + 1].text[:1].isupper())
    return prev.text in SENTENCE_ENDS and opens \
        and (tok.is_sent_start or bool(prev.whitespace_) or doc[i - 1].is_space)


def _without_cue_objects(doc: Doc, group: Group) -> Group:
    """'"It felt like a new art form," Rodgers said later of "Rapper's Delight."': a later quoted part that is the
    object of a preposition on the cue ("said of …") names what was spoken of, not what was said (interim 14)."""
    if len(group.content) < 2 or not group.cue:
        return group
    cue = {i for ch in group.cue for i in range(ch.start, ch.end)}

    def on_cue(ch: Chunk) -> bool:
        inside = range(ch.start, ch.end)
        tops = [t for t in doc[ch.start : ch.end] if t.head.i not in inside and not t.is_punct]
        if len(tops) != 1 or tops[0].dep_ != "pobj":
            return False
        prep = tops[0].head
        return prep.head.i in cue or (prep.head.head.i in cue and prep.head.dep_ == "advmod")

    kept = group.content[:1] + [ch for ch in group.content[1:] if not on_cue(ch)]
    return group if len(kept) == len(group.content) else dataclasses.replace(group, content=kept)


# What hangs on the cue verb as a time, place or manner adjunct ("pledged [in early November 2022] that …").
CUE_ADJUNCTS = frozenset({"prep", "npadvmod", "advmod", "tmod"})


def _without_cue_adjuncts(doc: Doc, group: Group) -> Group:
    """'Putin pledged in early November 2022 that, even if …, it would not stop …': the tagger may start the content
    at an adjunct of the cue verb; the content is the "that"-clause, which starts after it (claims read as an
    object of the cue otherwise, and `check` then read such a sentence as the writer's own assertion)."""
    if not group.content or not group.cue:
        return group
    first = min(group.content, key=lambda c: c.start)
    cue = {i for ch in group.cue for i in range(ch.start, ch.end)}
    clause = next((t.head for t in doc[first.start : first.end] if t.lower_ == "that" and t.dep_ == "mark"
                   and t.head.dep_ == "ccomp" and t.head.head.i in cue), None)
    if clause is None or clause.left_edge.i <= first.start or clause.left_edge.i >= first.end:
        return group

    def adjunct(tok: Token) -> bool:
        while tok.head.i not in cue and tok.head.i != tok.i:
            tok = tok.head
        return tok.head.i in cue and tok.dep_ in CUE_ADJUNCTS

    before = doc[first.start : clause.left_edge.i]
    # (a quotation mark opens the content: '“that an autarkic economy is …”' keeps it)
    if not any(adjunct(t) for t in before) or not all(
            t.is_space or (t.is_punct and t.text not in QUOTE_CHARS) or adjunct(t) for t in before):
        return group
    moved = Chunk(first.role, clause.left_edge.i, first.end)
    return dataclasses.replace(group, content=[moved if c is first else c for c in group.content])


# A second act of speech joined to a content by the speaker's own pronoun ("…, as he asked G7 members to …").
SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "it", "we"})
# Words joining a clause in which the writer turns to another source ("… but later the ministry conceded that …").
OTHER_SOURCE_LINKS = frozenset({"but", "while", "whereas", "yet"})
JOINING_MARKS = frozenset({"while", "as"})
# Cue classes of a second act the writer joins to a content; not belief, prediction or a finding ("assuming no
# reduction", "decided", "counter"), whose verbs are as often the content's own.
SECOND_ACTS = frozenset({"assert", "deny", "accuse", "warn", "admit", "promise", "question", "demand"})
OPENING_QUOTES = frozenset({"'", '"', "“", "‘", "`", "``"})


def _negated_or_relative(verb: Token, first: int) -> bool:
    """"nor did he say when …" reports nothing; "candidates who have been critical … or advocated a settlement":
    the verb is the relative clause's subject's, not the speaker's."""
    if any(c.dep_ == "neg" for c in verb.children) or any(t.lower_ == "nor" for t in verb.doc[max(verb.i - 4, 0) : verb.i]):
        return True
    tok = verb
    while tok.head.i != tok.i and tok.i >= first:
        if tok.dep_ in ("relcl", "acl"):
            return True
        tok = tok.head
    return False


def _tense(verb: Token) -> str:
    """PAST, PRES, PERF (have + participle), MODAL or OTHER, from the verb and its auxiliaries."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ == "MD" for a in auxes):
        return "MODAL"
    if any(a.lemma_ == "have" for a in auxes):
        return "PERF"
    tag = auxes[0].tag_ if auxes else verb.tag_
    return "PAST" if tag in ("VBD", "VBN") else "PRES" if tag in ("VBZ", "VBP") else "OTHER"


def _same_tense(a: str, b: str) -> bool:
    return a == b or ("PERF" in (a, b) and {a, b} <= {"PERF", "PAST", "PRES"})


def _joined_act(verb: Token, cue: Token) -> bool:
    """Whether a speech verb inside a content reads as the writer joining a second act of the speaker, not as a verb
    of the content's own subject ("… located her and told her to leave" is law enforcement telling):
    - a participle set off by a comma or dash, or opened by "while" ("…, arguing that …", "while admitting …");
    - a clause opened by "as" with the speaker's pronoun ("as he asked …");
    - a verb joined to the cue itself, or to a conjunct of another tense while it takes the cue's ("is illegal …
      and threatened to retaliate" after "Russia has argued": the content's verb is present, the speaker's acts
      past)."""
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    if verb.dep_ == "advcl":
        if verb.tag_ == "VBG" and verb.left_edge.i == verb.i and verb.i > 0:
            return verb.doc[verb.i - 1].text in (",", "-", "–", "—")
        if verb.tag_ == "VBG" and "while" in marks:
            return True
        return "as" in marks and any(c.dep_ == "nsubj" and c.lower_ in SPEAKER_PRONOUNS for c in verb.children)
    if verb.dep_ != "conj":
        return False
    if verb.head.i == cue.i:
        return True
    mine, head = _tense(verb), _tense(verb.head)
    return mine != head and _same_tense(mine, _tense(cue))


# Subordinators that open the writer's own clause after a cue ("…," the president added, as his administration …).
WRITER_MARKS = frozenset({"as", "while", "after", "before", "when", "because", "since", "though", "although"})


def _writers_clauses(doc: Doc, groups: list[Group], quotes: list[int]) -> list[Group]:
    """Groups whose content is the writer's clause (``_writers_clause``) report instead the cue-less quote just
    before their speaker and cue ('"We grieve," the president added, as …'), or are dropped."""
    out = list(groups)
    for g in groups:
        if not _writers_clause(doc, g, quotes):
            continue
        out.remove(g)
        start = min(ch.start for ch in g.cue + g.source)
        for k, q in enumerate(out):
            if not q.cue and not q.source and q.content and 0 <= start - q.content[-1].end <= 3 \
                    and not any(t.is_alpha for t in doc[q.content[-1].end : start]):
                out[k] = dataclasses.replace(g, content=q.content)
                break
    return out


def _writers_clause(doc: Doc, group: Group, quotes: list[int]) -> bool:
    """An unquoted content that is an adverbial clause of the cue ("'…,' the president added, as his administration
    reaffirmed its aid") is the writer's narration of the moment, not what was said (claims interim 14b)."""
    if len(group.content) != 1 or not group.cue:
        return False
    ch = group.content[0]
    words = [t for t in doc[ch.start : ch.end] if not (t.is_punct or t.is_space)]
    if not words or words[0].lower_ not in WRITER_MARKS or words[0].dep_ != "mark" or quotes[words[0].i]:
        return False
    clause = words[0].head
    cue = {i for c in group.cue for i in range(c.start, c.end)}
    return clause.dep_ == "advcl" and clause.head.i in cue
