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
