"""The dispute rules file (``resources/disputes.en.v2.json``): event families, opposites, cue lists, units.

Rules live in the data file, not here; this module only reads and checks it. Format: docs/DISPUTES.md.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from ..errors import DataFileError
from ..resources import cached, data_path, read_text
from ..nlp.frames import phrase_regex as _phrases

RESOURCE = "disputes.en.v2.json"
_WORD = re.compile(r"[a-z0-9]+")
CORE_MIN_CHARS = 12
_CASED_WORD = re.compile(r"[A-Za-z0-9]+")
# A capital after nothing, a full stop, or an opening quote starts a sentence: it marks no name.
_SENTENCE_START = re.compile(r"(?:^|[.!?:][\"'”’)]*|[\"“‘(])\s*$")


def stem(word: str) -> str:
    """The dispute rules' light stemmer (plural, -ing, -ed) for terms, names and holders. The stance model keeps its
    own (``stance_features.stem``): its fitted features were computed with that one."""
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[: -len(suffix)]
    return word


REASONS = ("denial", "doubt", "opposite_events", "numbers", "dates", "dispute_cue")


@dataclass(frozen=True)
class DisputeLexicon:
    """The parsed rules: who is opposite to whom, which words deny, doubt or dispute."""

    families: dict[str, tuple[tuple[str, Optional[str]], ...]]
    family_words: dict[str, re.Pattern[str]]
    opposites: dict[tuple[str, str], float]
    denial: Optional[re.Pattern[str]]
    rebuttal: Optional[re.Pattern[str]]  # disagree-class cues whose content is a counter-argument, not a denial
    involvement: Optional[re.Pattern[str]]  # a denial of one's own part in an event, not of the event
    own_act: Optional[re.Pattern[str]]  # a subject-less denied content ("providing X with weapons"): the denier's act
    softening: Optional[re.Pattern[str]]  # deny-class cues that play a thing down: a doubt, not a denial
    directive: Optional[re.Pattern[str]]  # contents telling someone what (not) to do: nothing to deny
    withholding: Optional[re.Pattern[str]]  # cues saying nothing of the content ("doesn't know how many …")
    doubt: Optional[re.Pattern[str]]
    verb_negation: Optional[re.Pattern[str]]  # None (a rules file without the list): every negated event denies
    dispute: Optional[re.Pattern[str]]
    claim_words: Optional[re.Pattern[str]]
    units: dict[str, str]
    qualifier_ranges: dict[str, tuple[float, Optional[float]]]
    thresholds: dict[str, float]
    stop_words: frozenset[str] = frozenset()
    clause_break: Optional[re.Pattern[str]] = None  # where a content's core ends (``core``)
    # what a rejection's noun-phrase object must name to oppose anything ("rejected the offer", not "dismissed 849
    # cases"); None (a rules file without the list): any object
    rejectable: Optional[re.Pattern[str]] = None
    # a denial's object that only points at a claim ("dismissed it as …", "reject this accusation"), matched at the
    # content's start; None (a rules file without the list): none
    unnamed: Optional[re.Pattern[str]] = None
    # a denial's whole content when it only points at a claim ("the allegations"): it answers the claim before it
    # (``answers.py``); None (a rules file without the list): no such pairs
    pointing: Optional[re.Pattern[str]] = None
    # a denial's whole content when it names a charge but states nothing ("accusations of Ukrainian involvement"):
    # it answers an accusation before it; None (no list): none
    charges: Optional[re.Pattern[str]] = None
    # predicate lemmas that tell one transfer from either end ("Russia acquired drones from Iran" / "Iran transferred
    # drones to Russia"): the giver's lemma -> "give", the receiver's -> "get"; empty (no list): none
    converse: dict[str, str] = field(default_factory=dict)
    # event families of acts one is accused of (an attack, coercion, a threat): ``check`` looks for the accused
    # side's answer to a sentence telling of one (``rebuttal.py``); empty (no list): none
    charged: frozenset[str] = frozenset()
    # event families of material acts (a withdrawal, an attack): ``check`` lists a claim telling the same act in
    # other words as supporting; for talk-like acts (consult, agree, protest) sharing the event says too little.
    # None (no list in the file): every family
    material: Optional[frozenset[str]] = None

    def material_act(self, family: Optional[str]) -> bool:
        return family is not None and (self.material is None or family in self.material)

    def converse_pair(self, x: Optional[str], y: Optional[str]) -> bool:
        """One lemma gives and the other receives."""
        return bool(x and y) and {self.converse.get(x or ""), self.converse.get(y or "")} == {"give", "get"}

    def terms(self, text: str) -> frozenset[str]:
        """The content words of a text, lower-case, a plural or -ing/-ed ending stripped ("drones" meets "drone")."""
        words = _WORD.findall(text.casefold().replace("’", "'"))
        return frozenset(stem(w) for w in words if len(w) >= 3 and w not in self.stop_words)

    def names(self, text: str) -> frozenset[str]:
        """The terms of the words a text writes with a capital inside a sentence and never in lower case: the
        names in it ("ISIS", "Kobani"), which say whom a claim is about but not what it says of them."""
        return frozenset(stem(word) for word in self.name_words(text))

    def name_words(self, text: str) -> tuple[str, ...]:
        """The same names as written (case-folded, unstemmed), in text order: what a full-text search looks for."""
        text = text.replace("\u2019", "'")
        lower = {w for w in _CASED_WORD.findall(text) if w.islower()}
        out: dict[str, None] = {}
        for m in _CASED_WORD.finditer(text):
            word = m.group(0)
            if not word[0].isupper() or word.casefold() in lower or _SENTENCE_START.search(text, 0, m.start()):
                continue
            if len(word) >= 3 and word.casefold() not in self.stop_words:
                out[word.casefold()] = None
        return tuple(out)

    def holders(self, text: str) -> frozenset[str]:
        """The names a text gives as the holder of a claim ("Hunter's claim was unfounded"): the one name that
        says which claim a denial answers."""
        return frozenset(stem(name.casefold()) for name in self.holder_names(text))

    def holder_names(self, text: str) -> tuple[str, ...]:
        """The holders' names as written ("Russia" in "Russia's espionage claims"), for a country look-up."""
        if self.claim_words is None:
            return ()
        pattern = _holder_pattern(self.claim_words.pattern)
        return tuple(m.group(1) for m in pattern.finditer(text.replace("\u2019", "'")))

    def main_clause(self, text: str) -> str:
        """A content's main clause: the text before its first clause break (an apposition, a relative clause, a
        tail of description), looked for after its first 12 characters so that a leading "that, " stays."""
        m = self.clause_break.search(text, CORE_MIN_CHARS) if self.clause_break is not None else None
        return text[: m.start()] if m else text

    def core(self, text: str) -> frozenset[str]:
        """The words of a content's main clause (``main_clause``)."""
        return self.terms(self.main_clause(text))

    def family(self, category: Optional[str], mode: Optional[str] = None) -> Optional[str]:
        """The event family of a PLOVER category (and mode); exact mode rules win over any-mode ones."""
        if not category:
            return None
        category = category.upper()
        fallback = None
        for name, events in self.families.items():
            for cat, m in events:
                if cat != category:
                    continue
                if m is not None and m == mode:
                    return name
                if m is None and fallback is None:
                    fallback = name
        return fallback

    def opposition(self, a: Optional[str], b: Optional[str]) -> float:
        """Weight (0-1) of the opposition between two families; 0 when they are not opposite."""
        if a is None or b is None:
            return 0.0
        return self.opposites.get((a, b), 0.0)

    def named_families(self, text: str) -> set[str]:
        """Families whose topic words the text uses ("its withdrawal claims" -> withdraw)."""
        return {name for name, rx in self.family_words.items() if rx.search(text)}

    def unit(self, unit: Optional[str]) -> Optional[str]:
        if unit is None:
            return None
        return self.units.get(unit.lower(), unit.lower())

    def threshold(self, name: str) -> float:
        return float(self.thresholds[name])


def load_lexicon(path: Union[str, Path, None] = None) -> DisputeLexicon:
    """Read a dispute rules file (default: the built-in one); a malformed file is a one-line DataFileError."""
    return cached(_read_lexicon, data_path(path, RESOURCE))


def _read_lexicon(path: Path) -> DisputeLexicon:
    label = str(path)
    text = read_text(path)
    try:
        data: dict[str, Any] = json.loads(text)
        families = {
            name: tuple((str(c).upper(), m) for c, m in spec["events"])
            for name, spec in data["families"].items() if not name.startswith("_")
        }
        family_words = {
            name: rx for name, spec in data["families"].items()
            if not name.startswith("_") and (rx := _phrases(spec.get("words", []))) is not None
        }  # a family with no words is never named by a dispute cue
        opposites: dict[tuple[str, str], float] = {}
        for a, b, w in data["opposites"]["pairs"]:
            for x in (a, b):
                if x not in families:
                    raise DataFileError(f"{label}: opposite pair names unknown family {x!r}")
            opposites[(a, b)] = opposites[(b, a)] = float(w)
        units = {}
        for canon, words in data["units"].items():
            if canon.startswith("_"):
                continue
            for w in words:
                units[w.lower()] = canon
        ranges = {k: (float(v[0]), None if v[1] is None else float(v[1]))
                  for k, v in data["qualifier_ranges"].items() if not (k.startswith("_") and k != "_none")}
        thresholds = {k: float(v) for k, v in data["thresholds"].items() if not k.startswith("_")}
        for needed in ("proposition", "denial", "opposite_events", "numbers", "number_ratio", "dates", "dispute_cue",
                       "window_days"):
            if needed not in thresholds:
                raise DataFileError(f"{label}: thresholds.{needed} is missing")
        return DisputeLexicon(
            families=families, family_words=family_words, opposites=opposites,
            denial=_phrases(data.get("denial_cues", [])), rebuttal=_phrases(data.get("rebuttal_cues", [])),
            involvement=_phrases(data.get("involvement_cues", [])),
            own_act=_phrases(data.get("own_act_forms", [])),
            softening=_phrases(data.get("softening_cues", [])),
            directive=_phrases(data.get("directive_contents", [])),
            withholding=_phrases(data.get("withholding_cues", [])),
            doubt=_phrases(data.get("doubt_cues", [])),
            verb_negation=_phrases(data.get("verb_negation", [])),
            dispute=_phrases(data.get("dispute_cues", [])), claim_words=_phrases(data.get("claim_words", [])),
            units=units, qualifier_ranges=ranges, thresholds=thresholds,
            stop_words=frozenset(w.casefold() for w in data.get("core", {}).get("stop_words", [])),
            clause_break=_breaks(data.get("core", {}).get("clause_breaks", [])),
            rejectable=_phrases(data.get("rejectable_objects", [])),
            unnamed=_phrases(data.get("unnamed_objects", [])),
            pointing=_phrases(data.get("pointing_objects", [])),
            charges=_phrases(data.get("pointing_charges", [])),
            converse={str(w).casefold(): end for end in ("give", "get")
                      for w in data.get("converse_predicates", {}).get(end, [])},
            charged=frozenset(_known_families(data.get("charged_families", []), families)),
            material=(frozenset(_known_families(data["material_families"], families, "material_families"))
                      if "material_families" in data else None),
        )
    except DataFileError:
        raise
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{label}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise DataFileError(f"{label}: malformed dispute rules: {type(exc).__name__}: {exc}") from None


@functools.lru_cache(maxsize=4)
def _holder_pattern(claim_words: str) -> re.Pattern[str]:
    # "Hunter's claim", "Moscow's latest allegations": a capitalised possessor, one optional word, a claim word
    return re.compile(r"([A-Z][\w-]*)'s\s+(?:[a-z]+\s+)?" + claim_words)


def _breaks(marks: list[str]) -> Optional[re.Pattern[str]]:
    """Clause breaks are literal strings (", ", " which "): one alternation, matched case-insensitively."""
    return re.compile("|".join(re.escape(m) for m in marks), re.IGNORECASE) if marks else None


def default_lexicon() -> DisputeLexicon:
    return load_lexicon()


def _known_families(names: list[str], families: dict[str, Any], key: str = "charged_families") -> list[str]:
    unknown = [n for n in names if n not in families]
    if unknown:
        raise ValueError(f"{key} names no family of the file: {', '.join(map(str, unknown))}")
    return [str(n) for n in names]
