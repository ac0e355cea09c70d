"""Factories for claimwatch's spaCy components (the only place components are registered)."""
from __future__ import annotations

from typing import Optional

from spacy.language import Language

from .extensions import register

DEFAULT_ATTRIBUTION_CONFIG = {"lexicon_path": None, "model_path": None, "use_model": True}


@Language.factory(
    "claimwatch_attribution",
    default_config=DEFAULT_ATTRIBUTION_CONFIG,
    assigns=["doc._.cw_claims", "doc.spans"],
    requires=["token.dep", "token.pos", "token.lemma"],
)
def make_attribution(nlp: Language, name: str, lexicon_path: Optional[str], model_path: Optional[str], use_model: bool):
    from .attribution import AttributionComponent

    register()
    return AttributionComponent(nlp, name, lexicon_path=lexicon_path, model_path=model_path, use_model=use_model)


@Language.factory("claimwatch_speakers", assigns=["doc._.cw_claims"], requires=["doc.ents"])
def make_speakers(nlp: Language, name: str):
    from .speakers import SpeakerResolver

    register()
    return SpeakerResolver(nlp, name)


@Language.factory(
    "claimwatch_actors",
    default_config={"actors_path": None},
    assigns=["doc._.cw_claims"],
    requires=["doc.ents", "doc._.cw_claims"],
)
def make_actors(nlp: Language, name: str, actors_path: Optional[str]):
    from .actors import ActorComponent

    register()
    return ActorComponent(nlp, name, actors_path=actors_path)


@Language.factory("claimwatch_places", assigns=["doc._.cw_claims"], requires=["doc.ents", "doc._.cw_claims"])
def make_places(nlp: Language, name: str):
    from .places import PlaceComponent

    register()
    return PlaceComponent(nlp, name)


@Language.factory("claimwatch_dates", assigns=["doc._.cw_claims", "doc._.cw_article_date"],
                  requires=["doc.ents", "doc._.cw_claims"])
def make_dates(nlp: Language, name: str):
    from .dates import DatesComponent

    register()
    return DatesComponent(nlp, name)


@Language.factory("claimwatch_quantities", assigns=["doc._.cw_claims"], requires=["doc.ents", "doc._.cw_claims"])
def make_quantities(nlp: Language, name: str):
    from .quantities import QuantitiesComponent

    register()
    return QuantitiesComponent(nlp, name)


@Language.factory(
    "claimwatch_events",
    default_config={"patterns_path": None, "ontology_path": None},
    assigns=["doc._.cw_claims"],
    requires=["token.dep", "token.lemma", "doc._.cw_claims"],
)
def make_events(nlp: Language, name: str, patterns_path: Optional[str], ontology_path: Optional[str]):
    from .events import EventsComponent

    register()
    return EventsComponent(nlp, name, patterns_path=patterns_path, ontology_path=ontology_path)


@Language.factory(
    "claimwatch_frames",
    default_config={"lexicon_path": None},
    assigns=["doc._.cw_claims"],
    requires=["token.dep", "token.lemma", "doc._.cw_claims"],
)
def make_frames(nlp: Language, name: str, lexicon_path: Optional[str]):
    from .frames import FramesComponent

    register()
    return FramesComponent(nlp, name, lexicon_path=lexicon_path)
