"""The ingest flow: duplicates set aside before any NLP, one hash per text, results stored in order."""
from __future__ import annotations

from typing import Iterator

import pytest

from claimwatch.errors import StoreError
from claimwatch.ingest.hashing import normalised_text_hash
from claimwatch.ingest_flow import ExactDuplicates, ResultsById, SpacyPipeline, ingest_articles
from claimwatch.schema import Article, ArticleOut
from claimwatch.store.sqlite import SqliteStore
from store_fixtures import T1, T2, T3, SpyPipeline, claim


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore(":memory:")
    yield s
    s.close()


def test_ingest_articles_skips_known_before_extracting(store: SqliteStore) -> None:
    arts = [Article(id="a1", text=T1), Article(id="a2", text=T2)]
    spy = SpyPipeline({"a1": [claim(T1, "the economy is strong", cid="c1")]})
    stats = ingest_articles(store, arts, spy)
    assert (stats.read, stats.stored, stats.duplicates, stats.claims) == (2, 2, 0, 1)
    assert spy.seen == ["a1", "a2"]

    again = [Article(id="a1", text=T1), Article(id="copy", text=T2 + "\n"), Article(id="a3", text=T3)]
    spy2 = SpyPipeline({})
    stats = ingest_articles(store, again, spy2)
    assert (stats.read, stats.stored, stats.duplicates, stats.claims) == (3, 1, 2, 0)
    assert spy2.seen == ["a3"]  # known id and known text never reached the NLP
    assert store.counts() == {"articles": 3, "claims": 1}


def test_ingest_articles_dedups_within_one_run(store: SqliteStore) -> None:
    arts = [Article(id="a1", text=T1), Article(id="a1", text=T2), Article(id="b", text=" " + T1)]
    spy = SpyPipeline({})
    stats = ingest_articles(store, arts, spy)
    assert spy.seen == ["a1"]
    assert (stats.read, stats.stored, stats.duplicates) == (3, 1, 2)


def test_ingest_articles_reports_progress(store: SqliteStore) -> None:
    calls = []
    ingest_articles(store, [Article(id="a1", text=T1), Article(id="a1", text=T1)], SpyPipeline({}),
                    on_article=lambda s: calls.append((s.read, s.stored, s.duplicates)))
    assert calls[-1] == (2, 1, 1) and len(calls) == 2


def test_ingest_articles_with_the_real_pipeline(store: SqliteStore, nlp) -> None:
    text = "The minister said the plan would fail. Critics claimed that it was too late."
    stats = ingest_articles(store, [Article(id="p1", text=text, outlet="AP")], SpacyPipeline(nlp=nlp))
    assert stats.stored == 1
    stored = store.get_article("p1")
    assert stored is not None and len(stored.claims) == stats.claims
    for c in stored.claims:
        assert text[c.content.start:c.content.end] == c.content.text or c.content.spans


def test_an_id_equal_to_a_stored_text_hash_is_a_duplicate(store: SqliteStore) -> None:
    # Readers default an article's id to its text's hash, so ids and hashes are compared both ways.
    ingest_articles(store, [Article(id="a1", text=T1)], SpyPipeline({}))
    spy = SpyPipeline({})
    stats = ingest_articles(store, [Article(id=normalised_text_hash(T1), text=T2)], spy)
    assert (stats.stored, stats.duplicates, spy.seen) == (0, 1, [])
    assert ExactDuplicates(store).find(Article(id="new", text=T3), normalised_text_hash(T3)) is None


def test_each_text_is_hashed_once(store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimwatch.ingest_flow as flow
    import claimwatch.store.sqlstore as sqlstore

    hashed: list[str] = []

    def counting_hash(text: str) -> str:
        hashed.append(text)
        return normalised_text_hash(text)

    monkeypatch.setattr(flow, "normalised_text_hash", counting_hash)
    monkeypatch.setattr(sqlstore, "normalised_text_hash", counting_hash)
    arts = [Article(id="a1", text=T1), Article(id="a2", text=T2), Article(id="a1", text=T1)]
    stats = ingest_articles(store, arts, SpyPipeline({}))
    assert stats.stored == 2 and hashed == [T1, T2, T1]
    assert store.has_article(normalised_text_hash(T2))  # the hash the flow passed along is the stored one


def test_results_out_of_order_are_refused(store: SqliteStore) -> None:
    arts = [Article(id="a1", text=T1), Article(id="a2", text=T2)]
    swapped = {"a1": ArticleOut(id="a2", claims=[]), "a2": ArticleOut(id="a1", claims=[])}
    with pytest.raises(StoreError, match="'a2' where 'a1' was expected"):
        ingest_articles(store, arts, ResultsById(swapped))
    assert store.counts()["articles"] == 0
