"""Attribution features read token attributes from arrays (features.columns): the same values as Token objects."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from claimwatch.nlp.features import columns, doc_cache, line_paragraphs

WORDS = ["The", "minister", "Said", "\n\n", "“", "Taxes", "will", "RISE", ",", "”", "she", "added", "."]
HEADS = [1, 2, 2, 2, 7, 7, 7, 11, 7, 7, 11, 11, 11]
DEPS = ["det", "nsubj", "ROOT", "dep", "punct", "nsubj", "aux", "ccomp", "punct", "punct", "nsubj", "ROOT", "punct"]
POS = ["DET", "NOUN", "VERB", "SPACE", "PUNCT", "NOUN", "AUX", "VERB", "PUNCT", "PUNCT", "PRON", "VERB", "PUNCT"]
LEMMAS = ["the", "minister", "Say", "\n\n", "“", "tax", "will", "Rise", ",", "”", "she", "add", "."]


def _doc() -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=WORDS, heads=HEADS, deps=DEPS, pos=POS, lemmas=LEMMAS,
              tags=["DT", "NN", "VBD", "_SP", "``", "NNS", "MD", "VB", ",", "''", "PRP", "VBD", "."])
    doc.ents = [Span(doc, 1, 2, label="PERSON")]
    return doc


def test_columns_hold_what_tokens_say():
    doc = _doc()
    cols = columns(doc)
    assert cols.text == [t.text for t in doc]
    assert cols.lower == [t.lower_ for t in doc]
    assert cols.lemma == [t.lemma_.lower() for t in doc]
    assert cols.pos == [t.pos_ for t in doc] and cols.tag == [t.tag_ for t in doc]
    assert cols.dep == [t.dep_ for t in doc] and cols.ent == [t.ent_type_ for t in doc]
    assert cols.head == [t.head.i for t in doc]  # heads before and after the token alike
    assert cols.is_space == [t.is_space for t in doc]


def test_columns_are_computed_once_within_doc_cache():
    doc = _doc()
    with doc_cache(doc):
        assert columns(doc) is columns(doc)
    assert columns(doc) is not columns(doc)
    assert columns(Doc(doc.vocab, words=[])).text == []


def test_line_paragraphs_break_at_newline_tokens():
    doc = _doc()
    assert [(p.start, p.end) for p in line_paragraphs(doc)] == [(0, 3), (4, len(doc))]
