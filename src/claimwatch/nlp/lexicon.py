"""Reporting-cue, hedge and denial lexicons, loaded from `resources/` (data, not code)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import DataFileError
from ..resources import DataPath, cached, data_path, read_jsonl, read_lines

CUES_FILE = "cues.en.v1.jsonl"
HEDGES_FILE = "hedges.en.v1.txt"
DENIALS_FILE = "negative_cues.en.v1.txt"


@dataclass
class CueLexicon:
    """Reporting verbs, nouns and phrases with their class (assert, deny, accuse, warn, …)."""

    verbs: dict[str, str] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    hedges: dict[str, str] = field(default_factory=dict)
    denials: set[str] = field(default_factory=set)
    # Lemmas whose passive keeps its subject as the source ("was quoted as saying", "is convinced that"); a cue
    # entry's "passive_speaker": true. Any other passive cue's subject is the one told, asked or talked about.
    passive_speakers: set[str] = field(default_factory=set)

    def verb_class(self, lemma: str) -> Optional[str]:
        return self.verbs.get(lemma)

    def noun_class(self, lemma: str) -> Optional[str]:
        return self.nouns.get(lemma)

    def cue_class(self, lemma: str) -> Optional[str]:
        return self.verbs.get(lemma) or self.nouns.get(lemma) or self.phrases.get(lemma)

    @classmethod
    def from_files(cls, cues: Path, hedges: Path, denials: Path) -> "CueLexicon":
        lex = cls()
        for n, entry in read_jsonl(cues):
            if not isinstance(entry, dict) or not isinstance(entry.get("lemma"), str):
                raise DataFileError(f"{cues}:{n}: a cue needs a lemma, e.g. {{\"lemma\": \"say\", \"pos\": \"VERB\"}}")
            lemma = entry["lemma"].lower()
            target = {"VERB": lex.verbs, "NOUN": lex.nouns}.get(entry.get("pos", "VERB"), lex.phrases)
            target.setdefault(lemma, entry.get("class", "assert"))
            if entry.get("passive_speaker"):
                lex.passive_speakers.add(lemma)
        for _, line in read_lines(hedges):
            # "word<TAB or spaces>class"; the class is optional.
            parts = line.rsplit(None, 1) if "\t" not in line else line.split("\t", 1)
            if len(parts) == 2 and parts[1].isalpha() and parts[1].islower() and " " not in parts[1]:
                lex.hedges[parts[0].strip().lower()] = parts[1].strip()
            else:
                lex.hedges[line.lower()] = "hedge"
        for _, line in read_lines(denials):
            lex.denials.add(line.split("\t")[0].strip().lower())
        return lex


def load_lexicon(path: Optional[DataPath] = None, hedges_path: Optional[DataPath] = None,
                 denials_path: Optional[DataPath] = None) -> CueLexicon:
    """The packaged lexicon, or a user's cue, hedge or denial files (same formats) where given."""
    return cached(CueLexicon.from_files, data_path(path, CUES_FILE), data_path(hedges_path, HEDGES_FILE),
                  data_path(denials_path, DENIALS_FILE))
