"""The CRF scored in numpy (nlp/crf_scorer.py) tags exactly as python-crfsuite does with the same model.

The features come as columns (`features.feature_columns`), most of them coded; `doc_features` renders them as the
strings python-crfsuite trains and tags on. The tags are compared token for token on the project's own gold texts.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc, Span

from claimwatch.errors import ModelNotFoundError
from claimwatch.nlp.attribution import CrfTagger, default_model_path
from claimwatch.nlp.crf_scorer import read_model, viterbi
from claimwatch.nlp.features import Coded, doc_cache, doc_features, feature_columns, paragraphs
from claimwatch.nlp.lexicon import load_lexicon
from claimwatch.nlp.rules import rule_tags

GOLD_DIR = Path(__file__).parent / "gold"


def _brute_force(scores: np.ndarray, transition: np.ndarray) -> list[int]:
    """The best label sequence by enumerating every one (first best in lexicographic order on ties)."""
    n, k = scores.shape
    best, best_path = -np.inf, None
    for path in itertools.product(range(k), repeat=n):
        total = scores[0, path[0]] + sum(transition[a, b] + scores[t + 1, b] for t, (a, b) in
                                          enumerate(zip(path, path[1:])))
        if total > best + 1e-12:
            best, best_path = total, list(path)
    return best_path


def test_viterbi_finds_the_best_path_of_each_span():
    rng = np.random.default_rng(7)
    for _ in range(20):
        lengths = rng.integers(1, 6, size=3)
        scores = rng.normal(size=(int(lengths.sum()) + 2, 3))
        transition = rng.normal(size=(3, 3))
        # Spans of different lengths with a gap between the last two; rows outside every span get `fill`.
        spans, start = [], 0
        for n in lengths:
            spans.append((start, start + int(n)))
            start += int(n) + (1 if len(spans) == 2 else 0)
        got = viterbi(scores, transition, spans, fill=2)
        for a, b in spans:
            assert got[a:b].tolist() == _brute_force(scores[a:b], transition)
        covered = {i for a, b in spans for i in range(a, b)}
        assert all(got[i] == 2 for i in range(len(scores)) if i not in covered)


def test_viterbi_of_no_spans_is_all_fill():
    assert viterbi(np.zeros((3, 2)), np.zeros((2, 2)), [], fill=1).tolist() == [1, 1, 1]


def test_model_file_is_read_whole():
    model = read_model(default_model_path("crf"))
    assert "O" in model.labels and "B-SRC" in model.labels
    assert model.state.shape == (len(model.attributes) + 1, len(model.labels))
    assert not model.state[-1].any()  # the row for features the model never saw
    assert model.transition.shape == (len(model.labels), len(model.labels)) and model.transition.any()
    assert "bias" in model.attributes


def test_a_file_that_is_no_model_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ModelNotFoundError):
        read_model(bad)
    bad.write_bytes(b"")
    with pytest.raises(ModelNotFoundError):
        read_model(bad)
    # A real model cut short: its header is fine, its tables are not there.
    bad.write_bytes(Path(default_model_path("crf")).read_bytes()[:5000])
    with pytest.raises(ModelNotFoundError, match="not a CRFsuite model"):
        read_model(bad)


def _hand_doc() -> Doc:
    words = ["The", "minister", "said", "taxes", "will", "rise", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 2, 2, 5, 5, 2, 2],
              deps=["det", "nsubj", "ROOT", "nsubj", "aux", "ccomp", "punct"],
              pos=["DET", "NOUN", "VERB", "NOUN", "AUX", "VERB", "PUNCT"],
              lemmas=["the", "minister", "say", "tax", "will", "rise", "."],
              tags=["DT", "NN", "VBD", "NNS", "MD", "VB", "."], sent_starts=[True] + [False] * 6)
    doc.ents = [Span(doc, 1, 2, label="PERSON")]
    return doc


def test_feature_strings_say_what_the_tokens_are():
    lexicon = load_lexicon()
    doc = _hand_doc()
    with doc_cache(doc):
        feats = doc_features(doc, lexicon, ["O"] * len(doc))
        cols = feature_columns(doc, lexicon, ["O"] * len(doc))
    taxes = set(feats[3])
    assert {"bias", "w=taxes", "l=tax", "p=NOUN", "d=nsubj", "hd=ccomp", "hl=rise", "hp=VERB", "d|hp=nsubj|VERB",
            "sh=low", "suf=xes", "-1:w=said", "-2:w=minister", "1:w=will", "2:w=rise", "-1:cue", "gov", "gl=say",
            "gdep=ccomp", "gdep2=nsubj|ccomp", "gcontent"} <= taxes
    assert not any(f.endswith(":pad") for f in taxes)
    assert {"-1:pad", "-2:pad", "sstart", "ent=-"} <= set(feats[0])
    assert {"1:pad", "2:pad", "send"} <= set(feats[-1]) and "ent=PERSON" in feats[1]
    assert {"cue", "cue|d=ROOT"} <= set(feats[2]) and not any(f.startswith("cue") for f in taxes)
    # Each template fires at most once per token, and a coded column renders the same values as its codes say.
    for f in feats:
        assert len(f) == len(set(f))
    for _prefix, col in cols:
        if isinstance(col, Coded):
            assert len(col.codes) == len(doc) and col.tolist() == [col.values[k] for k in col.codes]


def _gold_texts() -> list[str]:
    texts = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        texts += [ex["text"] for ex in json.loads(path.read_text(encoding="utf-8"))["examples"]]
    return texts


def test_tags_equal_python_crfsuite(nlp):
    pycrfsuite = pytest.importorskip("pycrfsuite")
    path = default_model_path("crf")
    reference = pycrfsuite.Tagger()
    reference.open(path)
    tagger = CrfTagger(path)
    lexicon = nlp.get_pipe("claimwatch_attribution").lexicon
    ours = [n for n in nlp.pipe_names if n.startswith("claimwatch")]
    with nlp.select_pipes(disable=ours):
        docs = list(nlp.pipe(_gold_texts()))
    assert len(docs) > 50
    tagged = 0
    for doc in docs:
        with doc_cache(doc):
            feats = doc_features(doc, lexicon, rule_tags(doc, lexicon))
            expected = ["O"] * len(doc)
            for p in paragraphs(doc):
                expected[p.start : p.end] = reference.tag(feats[p.start : p.end])
            assert tagger.tag(doc, lexicon) == expected
            tagged += sum(t != "O" for t in expected)
    assert tagged > 100  # the texts are attributions: the comparison is not of all-O sequences
    # Docs tagged together (the component's `pipe`) get the tags each gets alone.
    batch = docs[:12]
    alone = [tagger.tag(d, lexicon) for d in batch]
    assert tagger.tag_many(batch, lexicon) == alone


def test_pipe_and_call_extract_the_same_claims(nlp):
    texts = _gold_texts()[:30]
    piped = [d._.cw_claims for d in nlp.pipe(texts, batch_size=7)]
    called = [nlp(t)._.cw_claims for t in texts]
    assert piped == called and any(piped)
