"""Training the attribution CRF: reproducible, and the trained model is usable by the component."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.corpora.polnear import read_polnear
from claimwatch.nlp.attribution import AttributionComponent
from claimwatch.nlp.extensions import CLAIMS_ATTR
from claimwatch.training.attribution import token_labels, train_crf


def _train(nlp, polnear_tiny_dir: Path, out: Path) -> Path:
    articles = read_polnear(polnear_tiny_dir, "dev")
    docs = [nlp(a.text) for a in articles]
    # Tiny data: no feature cut-off, light regularisation, so the model learns something at all.
    params = {"c1": 0.01, "c2": 0.01, "feature.minfreq": 0, "max_iterations": 50}
    return train_crf(docs, [a.attributions for a in articles], out, params=params)


def test_token_labels_follow_gold_spans(nlp):
    doc = nlp('Officials said the bridge was safe.')
    att = [{"source": [[0, 9]], "cue": [[10, 14]], "content": [[15, 34]]}]
    labels = token_labels(doc, att)
    assert labels[:3] == ["B-SRC", "B-CUE", "B-CON"]
    assert labels[3:6] == ["I-CON"] * 3  # bridge was safe
    assert labels[-1] == "O"  # the full stop is outside the gold content


def test_training_is_deterministic(nlp, polnear_tiny_dir, tmp_path):
    a = _train(nlp, polnear_tiny_dir, tmp_path / "a.crfsuite")
    b = _train(nlp, polnear_tiny_dir, tmp_path / "b.crfsuite")
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a.json").is_file()


def test_trained_model_is_used_by_the_component(nlp, polnear_tiny_dir, tmp_path):
    path = _train(nlp, polnear_tiny_dir, tmp_path / "m.crfsuite")
    comp = AttributionComponent(nlp, "t", model_path=str(path))
    doc = comp(nlp("The mayor said the budget would be balanced next year."))
    claims = getattr(doc._, CLAIMS_ATTR)
    assert claims, "a model trained on attribution data finds the attribution"
    assert doc.text[claims[0].content[0].start : claims[0].content[-1].end].endswith("next year")


def test_missing_model_file_is_a_clear_error(nlp, tmp_path):
    from claimwatch.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError):
        AttributionComponent(nlp, "t", model_path=str(tmp_path / "nope.crfsuite"))
