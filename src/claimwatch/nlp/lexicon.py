"""Reporting-cue, hedge and denial lexicons, loaded from `resources/` (data, not code)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

RESOURCES = "claimwatch.resources"
CUES_FILE = "cues.en.v1.jsonl"
HEDGES_FILE = "hedges.en.v1.txt"
DENIALS_FILE = "negative_cues.en.v1.txt"


def _resource_text(name: str) -> str:
    return resources.files(RESOURCES).joinpath(name).read_text(encoding="utf-8")


def _lines(text: str) -> list[str]:
    """Non-empty lines with `#` comments removed."""
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@dataclass
class CueLexicon:
    """Reporting verbs, nouns and phrases with their class (assert, deny, accuse, warn, …)."""

    verbs: dict[str, str] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    hedges: dict[str, str] = field(default_factory=dict)
    denials: set[str] = field(default_factory=set)

    def verb_class(self, lemma: str) -> Optional[str]:
        return self.verbs.get(lemma)

    def noun_class(self, lemma: str) -> Optional[str]:
        return self.nouns.get(lemma)

    def cue_class(self, lemma: str) -> Optional[str]:
        return self.verbs.get(lemma) or self.nouns.get(lemma) or self.phrases.get(lemma)

    @classmethod
    def from_jsonl(cls, text: str, hedges_text: str = "", denials_text: str = "") -> "CueLexicon":
        lex = cls()
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            entry = json.loads(line)
            lemma = entry["lemma"].lower()
            target = {"VERB": lex.verbs, "NOUN": lex.nouns}.get(entry.get("pos", "VERB"), lex.phrases)
            target.setdefault(lemma, entry.get("class", "assert"))
        for line in _lines(hedges_text):
            # "word<TAB or spaces>class"; the class is optional.
            parts = line.rsplit(None, 1) if "\t" not in line else line.split("\t", 1)
            if len(parts) == 2 and parts[1].isalpha() and parts[1].islower() and " " not in parts[1]:
                lex.hedges[parts[0].strip().lower()] = parts[1].strip()
            else:
                lex.hedges[line.lower()] = "hedge"
        for line in _lines(denials_text):
            lex.denials.add(line.split("\t")[0].strip().lower())
        return lex


@lru_cache(maxsize=4)
def load_lexicon(path: Optional[str] = None) -> CueLexicon:
    """The packaged lexicon, or a user's cue file (same JSONL format) when `path` is given."""
    cues = Path(path).read_text(encoding="utf-8") if path else _resource_text(CUES_FILE)
    try:
        hedges = _resource_text(HEDGES_FILE)
    except FileNotFoundError:
        hedges = ""
    try:
        denials = _resource_text(DENIALS_FILE)
    except FileNotFoundError:
        denials = ""
    return CueLexicon.from_jsonl(cues, hedges, denials)
