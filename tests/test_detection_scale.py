"""Detection at scale keeps its answers: blocked proposition grouping, day-banded candidate pairs, embeddings
encoded once per text, and a first check that reuses every stored vector.

The claims are made up here (random vectors around a few topics, days spread over two months); no model runs.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Sequence

import numpy as np

from claimwatch.disputes.candidates import assign_propositions, candidate_pairs, profile
from claimwatch.disputes.embeddings import LexicalEmbedder
from claimwatch.disputes.lexicon import default_lexicon
from claimwatch.schema import Article, ContentOut, SpanOut
from claimwatch.store import StoredClaim

TOPICS = 12


def _claims(n: int, seed: int = 3) -> tuple[list, np.ndarray]:
    """``n`` profiles in a few articles per day (some undated), with vectors near one of ``TOPICS`` directions."""
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    centres = rng.normal(size=(TOPICS, 48))
    vectors, profiles = [], []
    start = date(2031, 3, 1)
    for k in range(n):
        topic = pick.randrange(TOPICS)
        v = centres[topic] + rng.normal(scale=0.35, size=48)
        vectors.append(v / np.linalg.norm(v))
        undated = pick.random() < 0.05
        day = None if undated else (start + timedelta(days=pick.randrange(60))).isoformat()
        text = f"Topic {topic} statement number {k}"
        who = f"Speaker {k % 7}"  # a claim with no speaker enters no dispute (schema.reports_statement)
        c = StoredClaim(id=f"c{k}", speaker=SpanOut(text=who, start=0, end=len(who)), resolved_speaker=who,
                        polarity="asserts", hedged=False, content=ContentOut(text=text, start=0, end=len(text)),
                        kind="indirect",
                        cue=SpanOut(text="said", start=0, end=4), cue_class="assert",
                        article_id=f"art{k // 4}", date=day)
        profiles.append(profile(c, seq=k))
    return profiles, np.asarray(vectors, dtype=np.float32)


def test_proposition_blocks_give_the_claim_by_claim_grouping() -> None:
    profiles, vectors = _claims(400)
    lex = default_lexicon()
    todo = list(range(len(profiles)))
    one_by_one = assign_propositions(profiles, vectors, todo, [], lex, block=1)
    blocked = assign_propositions(profiles, vectors, todo, [], lex, block=64)
    assert [p.id for p in one_by_one[0]] == [p.id for p in blocked[0]]
    assert [p.members for p in one_by_one[0]] == [p.members for p in blocked[0]]
    assert {i: v[:2] for i, v in one_by_one[1].items()} == {i: v[:2] for i, v in blocked[1].items()}
    assert max(abs(one_by_one[1][i][2] - blocked[1][i][2]) for i in todo) <= 1e-4
    assert 1 < len(blocked[0]) < len(profiles)  # the data does group, so the comparison means something


def test_existing_propositions_are_joined_across_blocks() -> None:
    profiles, vectors = _claims(300, seed=5)
    lex = default_lexicon()
    results = []
    for block in (1, 32):
        first, _ = assign_propositions(profiles, vectors, range(150), [], lex, block=block)
        earlier = {p.id for p in first}
        props, assigned = assign_propositions(profiles, vectors, range(150, 300), first, lex, block=block)
        results.append(([p.members for p in props], {i: v[:2] for i, v in assigned.items()}))
        assert any(pid in earlier for pid, _, _ in assigned.values()), "later claims join earlier propositions"
    assert results[0] == results[1]


def test_day_banded_pairs_equal_the_unbanded_ones() -> None:
    profiles, vectors = _claims(500, seed=11)
    lex = default_lexicon()
    todo = list(range(0, 500, 3))
    # One chunk holding every row spans every day, so it compares each row with every claim: the plain prefilter.
    plain = candidate_pairs(profiles, vectors, todo, lex, chunk=10_000)
    banded = candidate_pairs(profiles, vectors, todo, lex, chunk=16)
    assert plain, "the data has candidate pairs"
    assert [p[:2] for p in banded] == [p[:2] for p in plain]
    assert np.allclose([p[2] for p in banded], [p[2] for p in plain], atol=1e-5)


class _Counting(LexicalEmbedder):
    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return super().encode(texts)


def _store_with(tmp_path: Path, nlp, texts: dict[str, str]):
    from claimwatch.pipeline import extract_articles
    from claimwatch.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "s.db")
    for aid, text in texts.items():
        art = Article(id=aid, text=text, date="2031-04-08")
        store.add_article(art, next(extract_articles(nlp, [art])))
    return store


def test_repeated_contents_are_encoded_once_and_every_claim_gets_its_vector(tmp_path: Path, nlp) -> None:
    from claimwatch.disputes.detect import ensure_embeddings

    quote = '"Our troops are going home," the Vardanian defence minister said.'
    texts = {"a": quote, "b": quote + " Ostrelian officials said the troops were still arriving.", "c": quote}
    with _store_with(tmp_path, nlp, texts) as store:
        claims = store.claims_without_embedding(LexicalEmbedder.name)
        distinct = {" ".join(t.split()) for _, t in claims}
        assert len(claims) > len(distinct) >= 2
        counting = _Counting()
        assert ensure_embeddings(store, counting) == len(claims)
        assert sum(counting.calls) == len(distinct)
        ids, matrix = store.embedding_matrix(LexicalEmbedder.name)
        assert sorted(ids) == sorted(cid for cid, _ in claims)
        assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)


def test_a_first_check_after_start_encodes_only_the_sentence(tmp_path: Path, nlp) -> None:
    from claimwatch.disputes.check import Checker
    from claimwatch.disputes.detect import detect_disputes

    texts = {"a": "Vardania said it was withdrawing its troops from the border with Ostrelia.",
             "b": "Ostrelian officials said Vardania is massing troops along the border with Ostrelia."}
    with _store_with(tmp_path, nlp, texts) as store:
        detect_disputes(store, embedder=LexicalEmbedder())
        stored = len(store.embedding_matrix(LexicalEmbedder.name)[0])
        assert stored >= 2
        counting = _Counting()  # a new Checker: what a server builds after a restart
        Checker(store, nlp=nlp, embedder=counting).check("Vardania is pulling its troops back")
        assert counting.calls == [1]


def test_forked_workers_find_the_same_contradictions() -> None:
    from claimwatch.disputes.detect import _contradicting
    from claimwatch.disputes.relation import default_model

    from dataclasses import replace

    from claimwatch.disputes.candidates import DENIES

    profiles, vectors = _claims(300, seed=2)
    # every third claim denies what the others on its topic assert
    profiles = [replace(p, own_stance=DENIES) if k % 3 == 0 else p for k, p in enumerate(profiles)]
    # each claim's frame holds its article's day, as a stored claim's does: two opposed claims with nothing in
    # common (not even a time) are never a dispute (relation._gate)
    from claimwatch.schema import FrameOut, FrameTimeOut

    profiles = [replace(p, frame=FrameOut(time=FrameTimeOut(start=p.day.isoformat(), end=p.day.isoformat(),
                                                            basis="article")))
                if p.day else p for p in profiles]
    lex = default_lexicon()
    pairs = candidate_pairs(profiles, vectors, range(300), lex)
    model = replace(default_model(), threshold_dispute=0.02)  # low, so that made-up claims give some
    serial = _contradicting(profiles, pairs, model, lex, workers=1)
    forked = _contradicting(profiles, pairs, model, lex, workers=2, min_parallel=0)
    assert serial, "the data has contradictions"
    assert [(i, j, r.p_dispute, r.reason) for i, j, r in forked] == [(i, j, r.p_dispute, r.reason) for i, j, r in serial]
