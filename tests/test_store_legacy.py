"""A store written by the release before the one-implementation store opens and answers as a new one does.

tests/fixtures/legacy_store_v10.sql is that release's file (the ten home-made migrations, FTS5 triggers, rows of
the test texts), written by scripts/legacy_store_sql.py; replaying it rebuilds the file byte for byte in layout.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimwatch.errors import StoreError
from claimwatch.schema import Article, ArticleOut
from claimwatch.store import ClaimQuery, DisputeQuery, open_store
from claimwatch.store import versioning
from store_fixtures import ACTOR_CLAIMS, ACTOR_TEXT, T1, article, claim, legacy_file, populate

def fill_like_the_fixture(store) -> None:
    """What scripts/legacy_store_sql.py stored, through today's store."""
    populate(store)
    store.add_article(Article(id="a4", text=ACTOR_TEXT, date="2022-02-17", outlet="TASS"),
                      ArticleOut(id="a4", date="2022-02-17",
                                 claims=[c.model_copy(update={"id": "actor-" + c.id}) for c in ACTOR_CLAIMS]))
    store.put_embeddings("lexical-hash-v1", ["c1", "c2"], np.array([[0.6, 0.8], [0.8, -0.6]], dtype=np.float32))
    store.save_detection(
        [("c1", "p000000000000001", "asserts", 1.0, 1), ("c2", "p000000000000001", "denies", 0.9, 0)],
        [{"id": "d000000000000001", "group_id": "g1", "left_claim_id": "c1", "right_claim_id": "c2",
          "reason": "denial", "reasons": '["denial"]', "explanation": "denial: denied", "score": 0.8,
          "relatedness": 0.9, "first_seen": "2024-03-05", "last_seen": "2024-03-05", "details": "{}"}])


QUERIES = [ClaimQuery(), ClaimQuery(text="economy"), ClaimQuery(text="verite OR truth"), ClaimQuery(speaker="zola"),
           ClaimQuery(actor="RUS"), ClaimQuery(since="2024-03-06"), ClaimQuery(outlet="reuters"),
           ClaimQuery(article_id="a4"), ClaimQuery(limit=2, offset=1)]


def answers(store) -> dict:
    return {
        "claims": [[c.model_dump() for c in store.query_claims(q)] for q in QUERIES],
        "counts": [store.count_claims(q) for q in QUERIES] + [store.counts()],
        "timeline": [d.model_dump() for d in store.claim_timeline(ClaimQuery(limit=None))],
        "articles": [a.model_dump(exclude={"ingested_at"}) for a in store.list_articles(limit=None)],
        "actors": [a.model_dump() for a in store.top_actors(limit=None)],
        "actor": store.get_actor("rus-gov"),
        "disputes": [d.model_dump() for d in store.query_disputes(DisputeQuery(limit=None))],
        "dispute_counts": store.dispute_counts(),
        "embeddings": [store.embedding_matrix("lexical-hash-v1")[0],
                       store.embedding_matrix("lexical-hash-v1")[1].tolist()],
        "unembedded": store.claims_without_embedding("lexical-hash-v1"),
        "has": [store.has_article("a1"), store.find_duplicate("x", "nope")],
    }


def test_a_legacy_store_opens_at_head_and_answers_as_a_new_one(tmp_path: Path) -> None:
    path = legacy_file(tmp_path)
    with open_store(path, create=False) as old, open_store(":memory:") as new:
        fill_like_the_fixture(new)
        assert versioning.sqlite_revisions(old.db.conn) == [versioning.HEAD]
        assert answers(old) == answers(new)


def test_a_legacy_store_takes_new_articles(tmp_path: Path) -> None:
    with open_store(legacy_file(tmp_path)) as store:
        assert store.add_article(*article("a1", T1)) is False  # still a duplicate
        text = "The mayor said the bridge would reopen in May."
        assert store.add_article(*article("a9", text, [claim(text, "the bridge would reopen in May", cid="c9")]))
        assert [c.id for c in store.query_claims(ClaimQuery(text="bridge"))] == ["c9"]


def test_a_legacy_store_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = legacy_file(tmp_path, "INSERT INTO migrations VALUES (11, '0011_from_the_future', 'x')")
    with pytest.raises(StoreError, match="newer than this claimwatch"):
        open_store(path)
