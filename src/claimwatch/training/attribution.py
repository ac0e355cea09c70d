"""Train the attribution tagger (a linear-chain CRF) on PolNeAR's train split.

`claimwatch train attribution --polnear DIR` rebuilds `resources/attribution.v1.crfsuite`. L-BFGS training in
CRFsuite is deterministic, so the same data, spaCy model and settings give the same model file.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.features import doc_features, paragraphs
from ..nlp.lexicon import CueLexicon, load_lexicon

log = logging.getLogger("claimwatch")

ROLES = {"source": "SRC", "cue": "CUE", "content": "CON"}
# Chosen on a held-out slice of PolNeAR train (every 10th article), never on dev: strong L1
# regularisation and dropping features seen once gave the best content and end-to-end F1 there
# (c1 0.05 → 0.63/0.49, 0.3 → 0.66/0.54, 1.0 → 0.68/0.56, 2.0 → 0.68/0.57, 4.0 → 0.68/0.56) and a model
# of under 2 MB instead of 9 MB.
DEFAULT_PARAMS = {
    "c1": 2.0,
    "c2": 0.1,
    "feature.minfreq": 2,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}


def token_labels(doc: Doc, attributions: Sequence[dict]) -> list[str]:
    """BIO labels (B-SRC, I-CON, …) for a Doc from char-offset gold attributions.

    PolNeAR is univocal (each token in at most one attribution), so one tag sequence holds all of it.
    """
    labels = ["O"] * len(doc)
    for att in attributions:
        for role, tag in ROLES.items():
            for s, e in att.get(role) or []:
                span = doc.char_span(s, e, alignment_mode="expand")
                if span is None:
                    continue
                for k, tok in enumerate(span):
                    if tok.is_space:
                        continue
                    prev = labels[tok.i - 1] if tok.i > 0 else "O"
                    inside = k > 0 and prev.endswith(tag)
                    labels[tok.i] = ("I-" if inside else "B-") + tag
    return labels


def sequences(doc: Doc, lexicon: CueLexicon, labels: Optional[list[str]] = None):
    """(features, labels) per paragraph, skipping whitespace-only tokens' labels as O."""
    from ..nlp.rules import rule_tags

    feats = doc_features(doc, lexicon, rule_tags(doc, lexicon))
    for para in paragraphs(doc):
        x = feats[para.start : para.end]
        y = labels[para.start : para.end] if labels is not None else None
        yield x, y


def train_crf(
    docs: Iterable[Doc],
    golds: Iterable[Sequence[dict]],
    out_path: Path,
    params: Optional[dict] = None,
    lexicon: Optional[CueLexicon] = None,
) -> Path:
    """Train the CRF from parsed Docs and their gold attributions; write the model file."""
    import pycrfsuite

    lexicon = lexicon or load_lexicon()
    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for doc, gold in zip(docs, golds):
        labels = token_labels(doc, gold)
        for x, y in sequences(doc, lexicon, labels):
            trainer.append(x, y)
        n += 1
    log.info("training CRF on %d articles", n)
    settings = {**DEFAULT_PARAMS, **(params or {})}
    trainer.set_params(settings)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out_path))
    meta = {"articles": n, "params": settings, "crfsuite_iterations": len(trainer.logparser.iterations)}
    out_path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out_path


def train_from_polnear(
    polnear_dir: str, nlp: Language, out_path: Path, split: str = "train", limit: Optional[int] = None,
    params: Optional[dict] = None,
) -> Path:
    """Parse PolNeAR `split` with `nlp` (base spaCy model) and train the CRF."""
    from ..corpora.polnear import read_polnear

    articles = read_polnear(polnear_dir, split)
    if limit:
        articles = articles[:limit]
    docs = nlp.pipe((a.text for a in articles), batch_size=16)
    path = train_crf(docs, (a.attributions for a in articles), out_path, params=params)
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({"data": f"PolNeAR {split} ({len(articles)} articles)", "spacy_pipeline": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}"})
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
