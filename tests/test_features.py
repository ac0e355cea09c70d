"""Attribution features read token attributes from arrays (features.columns): the same values as Token objects."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

import numpy as np

from claimwatch.nlp.features import (CONTENT_DEPS, Coded, _bucket, _tree_columns, columns, doc_cache, governing_path,
                                     line_paragraphs, nearest_verb)

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


def _walked(doc: Doc, cues: list) -> dict[str, list]:
    """The tree features by one walk up per token (governing_path, nearest_verb), as the CRF was trained on them."""
    cols = columns(doc)
    out: dict[str, list] = {k: [None] * len(doc) for k in ("gdep|side=", "gl=", "gdep2=", "gdist=", "g_in_rel",
                                                           "gcontent", "nogov", "vl|d=", "vside=")}
    for i in range(len(doc)):
        g, path = governing_path(i, cols.head, cols.dep, cues)
        if g is None:
            out["nogov"][i] = ""
        else:
            out["gdep|side="][i] = path[-1] + ("|L" if i < g else "|R")
            out["gl="][i] = cols.lemma[g]
            out["gdep2="][i] = path[-2] + "|" + path[-1] if len(path) >= 2 else None
            out["gdist="][i] = _bucket(abs(i - g))
            out["g_in_rel"][i] = "" if "relcl" in path[:-1] or "acl" in path[:-1] else None
            out["gcontent"][i] = "" if path[-1] in CONTENT_DEPS else None
        v, vdep = nearest_verb(i, cols.head, cols.dep, cols.pos)
        if v is not None:
            out["vl|d="][i] = cols.lemma[v] + "|" + vdep
            out["vside="][i] = "L" if i < v else "R"
    return out


def test_tree_columns_equal_a_walk_up_from_each_token():
    # (with a root cue, which governs itself, and a relative clause on the way up to "added")
    words = ["The", "man", "who", "said", "it", "added", "that", "taxes", "will", "rise", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 5, 3, 1, 3, 5, 9, 9, 9, 5, 5],
              deps=["det", "nsubj", "nsubj", "relcl", "dobj", "ROOT", "mark", "nsubj", "aux", "ccomp", "punct"],
              pos=["DET", "NOUN", "PRON", "VERB", "PRON", "VERB", "SCONJ", "NOUN", "AUX", "VERB", "PUNCT"],
              lemmas=["the", "man", "who", "say", "it", "add", "that", "tax", "will", "rise", "."])
    cues = [None, None, None, "say", None, "add", None, None, None, None, None]
    walked = _walked(doc, cues)
    tree = dict(_tree_columns(columns(doc), cues, np.array(columns(doc).head), Coded(np.zeros(len(doc), dtype=np.int64),
                                                                                      ["0", "1"])))
    assert {k: tree[k].tolist() for k in walked} == walked
    assert tree["gdep|side="].tolist()[5] == "ROOT|R" and tree["g_in_rel"].tolist()[3] == ""
