"""Factories for claimwatch's spaCy components (the only place components are registered).

Each factory's config names the data files its component reads (None: the packaged file, see resources/), and
declares what the component reads and sets (``requires`` / ``assigns``). The claims every later stage works on
come from earlier claimwatch stages, so ``NEEDS`` spells out which components must already be in the pipeline;
each factory checks it and raises a ClaimwatchError naming the missing one.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Optional

from spacy.language import Language

from .datafiles import require_before
from .extensions import register

DEFAULT_ATTRIBUTION_CONFIG = {"lexicon_path": None, "hedges_path": None, "denials_path": None, "model_path": None,
                              "use_model": True, "tagger": "crf"}

# Component -> the components it reads from, in pipeline order.
NEEDS: dict[str, tuple[str, ...]] = {
    "claimwatch_attribution": (),
    "claimwatch_nonclaims": ("claimwatch_attribution",),
    "claimwatch_holders": ("claimwatch_attribution",),
    "claimwatch_speakers": ("claimwatch_attribution",),
    "claimwatch_actors": ("claimwatch_attribution", "claimwatch_speakers"),
    "claimwatch_places": ("claimwatch_attribution",),
    "claimwatch_dates": ("claimwatch_attribution",),
    "claimwatch_quantities": ("claimwatch_attribution", "claimwatch_dates"),
    "claimwatch_events": ("claimwatch_attribution", "claimwatch_actors"),
    "claimwatch_frames": ("claimwatch_places", "claimwatch_dates", "claimwatch_quantities", "claimwatch_events"),
}


@Language.component("claimwatch_paragraph_breaks", assigns=["token.is_sent_start"])
def paragraph_breaks(doc):
    """A blank line starts a sentence (before the parser; ``breaks.py`` says why)."""
    from .breaks import mark_paragraph_starts

    return mark_paragraph_starts(doc)


# What the components read and set (spaCy's pipe analysis checks these against the pipeline).
CLAIMS = ["doc._.cw_claims"]
ENTS_AND_CLAIMS = ["doc.ents", "doc._.cw_claims"]
PARSE_AND_CLAIMS = ["token.dep", "token.lemma", "doc._.cw_claims"]


def _build(nlp: Language, factory: str, name: str, component: str, **config: Any) -> Any:
    """``component`` ("module:Class" in this package) made for ``nlp``, once the stages it reads are there."""
    require_before(nlp, factory, NEEDS[factory])
    register()
    module, cls = component.split(":")
    return getattr(import_module(f".{module}", __package__), cls)(nlp, name, **config)


@Language.factory("claimwatch_attribution", default_config=DEFAULT_ATTRIBUTION_CONFIG,
                  assigns=["doc._.cw_claims", "doc.spans"], requires=["token.dep", "token.pos", "token.lemma"])
def make_attribution(nlp: Language, name: str, lexicon_path: Optional[str], hedges_path: Optional[str],
                     denials_path: Optional[str], model_path: Optional[str], use_model: bool, tagger: str = "crf"):
    return _build(nlp, "claimwatch_attribution", name, "attribution:AttributionComponent", lexicon_path=lexicon_path,
                  hedges_path=hedges_path, denials_path=denials_path, model_path=model_path, use_model=use_model,
                  tagger=tagger)


@Language.factory("claimwatch_nonclaims", default_config={"rejections_path": None}, assigns=CLAIMS,
                  requires=PARSE_AND_CLAIMS)
def make_nonclaims(nlp: Language, name: str, rejections_path: Optional[str]):
    return _build(nlp, "claimwatch_nonclaims", name, "nonclaims:NonClaimFilter", rejections_path=rejections_path)


@Language.factory("claimwatch_holders", default_config={"holder_verbs_path": None}, assigns=CLAIMS,
                  requires=PARSE_AND_CLAIMS)
def make_holders(nlp: Language, name: str, holder_verbs_path: Optional[str]):
    return _build(nlp, "claimwatch_holders", name, "holders:HolderComponent", holder_verbs_path=holder_verbs_path)


@Language.factory("claimwatch_speakers", default_config={"owned_roles_path": None, "nonspeakers_path": None,
                                                         "person_nouns_path": None, "first_names_path": None,
                                                         "org_nouns_path": None},
                  assigns=CLAIMS, requires=ENTS_AND_CLAIMS)
def make_speakers(nlp: Language, name: str, owned_roles_path: Optional[str], nonspeakers_path: Optional[str],
                  person_nouns_path: Optional[str], first_names_path: Optional[str],
                  org_nouns_path: Optional[str]):
    return _build(nlp, "claimwatch_speakers", name, "speakers:SpeakerResolver", owned_roles_path=owned_roles_path,
                  nonspeakers_path=nonspeakers_path, person_nouns_path=person_nouns_path,
                  first_names_path=first_names_path, org_nouns_path=org_nouns_path)


@Language.factory("claimwatch_actors", assigns=CLAIMS, requires=ENTS_AND_CLAIMS,
                  default_config={"actors_path": None, "builtin_actors_path": None, "countries_path": None})
def make_actors(nlp: Language, name: str, actors_path: Optional[str], builtin_actors_path: Optional[str],
                countries_path: Optional[str]):
    return _build(nlp, "claimwatch_actors", name, "actors:ActorComponent", actors_path=actors_path,
                  builtin_actors_path=builtin_actors_path, countries_path=countries_path)


@Language.factory("claimwatch_places", default_config={"places_path": None, "countries_path": None},
                  assigns=CLAIMS, requires=ENTS_AND_CLAIMS)
def make_places(nlp: Language, name: str, places_path: Optional[str], countries_path: Optional[str]):
    return _build(nlp, "claimwatch_places", name, "places:PlaceComponent", places_path=places_path,
                  countries_path=countries_path)


@Language.factory("claimwatch_dates", default_config={"dates_path": None},
                  assigns=["doc._.cw_claims", "doc._.cw_article_date"], requires=ENTS_AND_CLAIMS)
def make_dates(nlp: Language, name: str, dates_path: Optional[str]):
    return _build(nlp, "claimwatch_dates", name, "dates:DatesComponent", dates_path=dates_path)


@Language.factory("claimwatch_quantities", default_config={"quantities_path": None}, assigns=CLAIMS,
                  requires=ENTS_AND_CLAIMS)
def make_quantities(nlp: Language, name: str, quantities_path: Optional[str]):
    return _build(nlp, "claimwatch_quantities", name, "quantities:QuantitiesComponent", quantities_path=quantities_path)


@Language.factory("claimwatch_events", default_config={"patterns_path": None, "ontology_path": None},
                  assigns=CLAIMS, requires=PARSE_AND_CLAIMS)
def make_events(nlp: Language, name: str, patterns_path: Optional[str], ontology_path: Optional[str]):
    return _build(nlp, "claimwatch_events", name, "events:EventsComponent", patterns_path=patterns_path,
                  ontology_path=ontology_path)


@Language.factory("claimwatch_frames", default_config={"lexicon_path": None, "stance_path": None},
                  assigns=CLAIMS, requires=PARSE_AND_CLAIMS)
def make_frames(nlp: Language, name: str, lexicon_path: Optional[str], stance_path: Optional[str]):
    return _build(nlp, "claimwatch_frames", name, "frames:FramesComponent", lexicon_path=lexicon_path,
                  stance_path=stance_path)
