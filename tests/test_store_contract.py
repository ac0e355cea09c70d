"""The store contract: every backend (SQLite, PostgreSQL) gives the same answers to the same calls.

The ``store`` fixture yields an empty SqliteStore and an empty PostgresStore (a fresh database on the throwaway
server of tests/conftest.py; those cases skip, saying why, where no server can be started).
"""
from __future__ import annotations

import hashlib
import json
from typing import Iterator, Optional

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claimwatch.errors import ClaimwatchError, StoreError
from claimwatch.ingest.hashing import normalised_text_hash
from claimwatch.schema import Article, ArticleOut, ClaimOut, EventOut
from claimwatch.store import ClaimQuery, DisputeQuery, Store, open_store
from claimwatch.ingest_flow import ingest_articles
from claimwatch.store.dedup import Deduper, sightings_counts
from store_fixtures import (ACTOR_CLAIMS, ACTOR_TEXT, COPY, OTHER, T1, T2, T3, WIRE, SpyPipeline, any_claim, art, article,
                            claim, fake_pipeline, populate, rich_claim)

ENGINES = ["sqlite", "postgresql"]


def _open(engine: str, request: pytest.FixtureRequest):
    if engine == "sqlite":
        return open_store(":memory:")
    return open_store(request.getfixturevalue("pg_url"))


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    s = _open(request.param, request)
    yield s
    s.close()


@pytest.fixture
def populated(store) -> Store:
    return populate(store)


@pytest.fixture
def with_actors(store) -> Store:
    store.add_article(Article(id="a1", text=ACTOR_TEXT, date="2022-02-17", outlet="TASS"),
                      ArticleOut(id="a1", date="2022-02-17", claims=ACTOR_CLAIMS))
    return store


def ids(found) -> list[str]:
    return [c.id for c in found]


# -- writing and dedup -------------------------------------------------------------------------------------------


def test_satisfies_the_protocol(store) -> None:
    assert isinstance(store, Store)
    assert store.counts() == {"articles": 0, "claims": 0}


def test_add_article_is_idempotent(populated) -> None:
    assert populated.counts() == {"articles": 3, "claims": 4}
    a, out = article("a1", T1, [claim(T1, "the economy is strong", cid="other-id")])
    assert populated.add_article(a, out) is False  # same id
    reflowed = "  " + T1.replace(" ", "\n  ", 3) + "\n"
    assert populated.add_article(*article("copy-of-a1", reflowed)) is False  # same text
    assert populated.add_article(*article("a1", "Completely different text.")) is False
    assert populated.counts() == {"articles": 3, "claims": 4}
    assert populated.has_article("a1") and populated.has_article(normalised_text_hash(T2))
    assert populated.has_text(T3 + "   ") and not populated.has_text("never stored")
    assert not populated.has_article("copy-of-a1")


def test_failed_article_writes_nothing(store) -> None:
    a, _ = article("x", T1)
    with pytest.raises(StoreError):
        store.add_article(a, ArticleOut(id="y", claims=[]))
    a, out = article("a1", T1, [claim(T1, "the economy is strong", cid="same"), claim(T1, "the report", cid="same")])
    with pytest.raises(StoreError) as err:
        store.add_article(a, out)
    assert "\n" not in str(err.value)
    assert store.counts() == {"articles": 0, "claims": 0}
    assert store.query_claims(ClaimQuery(speaker="a")) == [] and store.top_actors() == []
    assert store.add_article(*article("a1", T1, [claim(T1, "the report", cid="ok")]))  # usable afterwards
    assert store.counts() == {"articles": 1, "claims": 1}


def test_ingest_skips_known_articles_before_extracting(store) -> None:
    spy = SpyPipeline({})
    arts = [Article(id="a1", text=T1), Article(id="a1", text=T2), Article(id="b", text=" " + T1),
            Article(id="a2", text=T2)]
    stats = ingest_articles(store, arts, spy)
    assert (stats.read, stats.stored, stats.duplicates) == (4, 2, 2) and spy.seen == ["a1", "a2"]


def test_dedup_near_and_exact_copies_become_sightings(store) -> None:
    stats = ingest_articles(store, [art("a1", WIRE, "Wire"), art("b1", COPY, "Planet"), art("c1", OTHER, "Bank")],
                            fake_pipeline, dedup=Deduper(store))
    assert (stats.stored, stats.duplicates, stats.near_duplicates, stats.sightings) == (2, 1, 1, 3)
    # A later run: the LSH index is rebuilt from the stored signatures; an exact copy and a re-ingest.
    stats = ingest_articles(store, [art("x9", WIRE.replace(". ", ".\n"), "Herald"), art("a1", WIRE, "Wire"),
                                    art("b2", COPY, "Planet2")], fake_pipeline, dedup=Deduper(store))
    assert (stats.stored, stats.duplicates, stats.near_duplicates, stats.sightings) == (0, 3, 1, 2)
    assert store.counts() == {"articles": 2, "claims": 2}
    assert sightings_counts(store, ["a1", "c1", "nope"]) == {"a1": 4, "c1": 1, "nope": 1}
    assert store.get_minhash("a1")[0] == 128 and len(list(store.minhashes())) == 2


def test_articles_stored_without_signature_get_one(store) -> None:
    ingest_articles(store, [art("a1", WIRE, "Wire")], fake_pipeline)  # no Deduper: no signature
    assert store.articles_without_minhash() == [("a1", WIRE)]
    stats = ingest_articles(store, [art("b1", COPY, "Planet")], fake_pipeline, dedup=Deduper(store))
    assert stats.near_duplicates == 1 and store.articles_without_minhash() == []


# -- queries -----------------------------------------------------------------------------------------------------


def test_query_order_and_article_fields(populated) -> None:
    assert ids(populated.query_claims(ClaimQuery())) == ["c3", "c1", "c2", "c4"]
    (c,) = populated.query_claims(ClaimQuery(article_id="a2"))
    assert (c.article_id, c.date, c.outlet, c.title, c.url) == ("a2", "2024-03-06T09:30:00", "Le Monde", None, None)
    assert populated.query_claims(ClaimQuery(article_id="missing")) == []


@pytest.mark.parametrize("needle, expected", [
    ("biden", ["c1"]), ("JOE", ["c1"]), ("kyiv", ["c2"]), ("ÉMILE", ["c3"]), ("emile", ["c3"]), ("spokes", ["c4"]),
    ("o", ["c3", "c1", "c2", "c4"]), ("100%", []), ("_", []), ("nobody", []), ("\u0301", []),
])
def test_query_speaker(populated, needle: str, expected: list[str]) -> None:
    assert ids(populated.query_claims(ClaimQuery(speaker=needle))) == expected


@pytest.mark.parametrize("text, expected", [
    ("economy", ["c1"]),
    ("ECONOMY strong", ["c1"]),
    ("economy AND strong", ["c1"]),
    ('"economy is strong"', ["c1"]),
    ('"strong economy"', []),
    ("econ*", ["c1"]),
    ("economy OR inflation", None),
    ("(economy OR inflation) NOT fall", ["c1"]),
    ("economy NOT strong", []),
    ("verite", []),
    ("truth", ["c3"]),
    ("Biden", []),  # content only
    ("Biden's economy", []),
    ('"unbalanced quote', []),
    ("report)", ["c2"]),
    ("AND", []),
    ('""', []), ("*", []), ("NEAR(", []), ("^", []), (":", []), ("'", []), ("((a", []), ("a OR", []), ("NOT x", []),
])
def test_query_text(populated, text: str, expected: Optional[list[str]]) -> None:
    found = ids(populated.query_claims(ClaimQuery(text=text)))
    if expected is None:
        assert sorted(found) == ["c1", "c4"]
    else:
        assert found == expected


def test_query_text_folds_case_and_accents(store) -> None:
    text = "Le ministre a déclaré que la vérité éclatera."
    store.add_article(*article("fr", text, [claim(text, "la vérité éclatera", cid="fr1")]))
    for q in ("verite", "VÉRITÉ", "Vérité", '"la verite"', "écla*"):
        assert ids(store.query_claims(ClaimQuery(text=q))) == ["fr1"], q


@pytest.mark.parametrize("text", ["", "   "])
def test_query_text_empty_is_a_clean_error(populated, text: str) -> None:
    with pytest.raises(ClaimwatchError, match="empty"):
        populated.query_claims(ClaimQuery(text=text))


@pytest.mark.parametrize("since, until, expected", [
    ("2024-03-05", None, ["c3", "c1", "c2"]),
    ("2024-03-06", None, ["c3"]),
    ("2024-03-06T10:00:00", None, []),
    (None, "2024-03-05", ["c1", "c2"]),
    (None, "2024-03-06", ["c3", "c1", "c2"]),
    (None, "2024-03-04", []),
    ("2024-03-05", "2024-03-05", ["c1", "c2"]),
])
def test_query_date_range(populated, since, until, expected) -> None:
    assert ids(populated.query_claims(ClaimQuery(since=since, until=until))) == expected


@pytest.mark.parametrize("outlet, expected", [("Reuters", ["c1", "c2"]), ("reuters", ["c1", "c2"]),
                                              ("LE MONDE", ["c3"]), ("Reut", [])])
def test_query_outlet(populated, outlet: str, expected: list[str]) -> None:
    assert ids(populated.query_claims(ClaimQuery(outlet=outlet))) == expected


def test_query_limit_offset_and_combined_filters(populated) -> None:
    assert ids(populated.query_claims(ClaimQuery(limit=2))) == ["c3", "c1"]
    assert ids(populated.query_claims(ClaimQuery(limit=2, offset=2))) == ["c2", "c4"]
    assert ids(populated.query_claims(ClaimQuery(limit=None, offset=3))) == ["c4"]
    assert populated.query_claims(ClaimQuery(limit=0)) == []
    q = ClaimQuery(speaker="kyiv", text="report", since="2024-03-01", until="2024-03-31", outlet="REUTERS",
                   article_id="a1")
    assert ids(populated.query_claims(q)) == ["c2"]
    assert populated.query_claims(ClaimQuery(speaker="biden", text="report")) == []


@pytest.mark.parametrize("needle, expected", [
    ("RUS", ["c1", "c3"]), ("rus", ["c1", "c3"]), ("person:dmitry-peskov", ["c3"]), ("bloc:west", ["c2"]),
    ("peskov", ["c3"]), ("West", ["c2"]), ("igo:nato", ["c4"]), ("nobody", []),
])
def test_query_actor(with_actors, needle: str, expected: list[str]) -> None:
    assert sorted(ids(with_actors.query_claims(ClaimQuery(actor=needle)))) == expected


def test_query_event(store) -> None:
    text = "Russia said troops would withdraw."
    c = claim(text, "troops would withdraw", cid="e1").model_copy(
        update={"event": EventOut(category="Retreat", mode="withdraw")})
    store.add_article(*article("ev", text, [c, claim(text, "Russia", cid="e2")]))
    assert ids(store.query_claims(ClaimQuery(event="retreat"))) == ["e1"]
    assert store.query_claims(ClaimQuery(event="ACCUSE")) == []


@pytest.mark.parametrize("query, count", [
    (ClaimQuery(), 4), (ClaimQuery(speaker="o"), 4), (ClaimQuery(text="economy OR inflation"), 2),
    (ClaimQuery(since="2024-03-05"), 3), (ClaimQuery(outlet="reuters"), 2), (ClaimQuery(article_id="a3"), 1),
    (ClaimQuery(limit=1, offset=3), 4), (ClaimQuery(text="nothing"), 0),
])
def test_count_claims(populated, query: ClaimQuery, count: int) -> None:
    assert populated.count_claims(query) == count


def test_claim_timeline(populated) -> None:
    days = [(d.day, d.claims) for d in populated.claim_timeline(ClaimQuery(limit=None))]
    assert days == [("2024-03-05", 2), ("2024-03-06", 1), (None, 1)]
    assert [(d.day, d.claims) for d in populated.claim_timeline(ClaimQuery(text="truth"))] == [("2024-03-06", 1)]


def test_articles(populated) -> None:
    listed = populated.list_articles()
    assert [(a.id, a.claims) for a in listed] == [("a2", 1), ("a1", 2), ("a3", 1)]
    assert listed[1].title == "Economy" and listed[1].ingested_at
    assert [a.id for a in populated.list_articles(limit=1, offset=1)] == ["a1"]
    assert [a.id for a in populated.list_articles(limit=None)] == ["a2", "a1", "a3"]
    assert populated.article_text("a1") == T1 and populated.article_text("nope") is None
    assert populated.get_article("nope") is None


def test_round_trip_rich_claim(store) -> None:
    text, rich = rich_claim()
    a, out = article("r1", text, [rich, claim(text, "We will win", cid="plain")], date="2024-01-02", outlet="AP")
    assert store.add_article(a, out)
    assert store.get_article("r1") == out
    back = store.query_claims(ClaimQuery(article_id="r1"))
    assert [c.claim() for c in back] == out.claims
    assert back[0].content.spans == rich.content.spans and back[0].relay == rich.relay
    assert back[1].content.spans is None and back[1].relay == [] and back[1].addressee is None
    assert store.get_article("missing") is None


def test_actors(with_actors) -> None:
    counts = {a.id: (a.claims, a.mentions) for a in with_actors.top_actors()}
    assert counts == {"RUS": (1, 1), "bloc:west": (1, 0), "person:dmitry-peskov": (1, 0), "igo:nato": (1, 0),
                      "RUS-GOV": (0, 1)}
    assert with_actors.top_actors()[0].id == "RUS" and len(with_actors.top_actors(limit=2)) == 2
    got = with_actors.get_actor("rus-gov")
    assert got is not None and (got.id, got.name, got.claims, got.mentions) == ("RUS-GOV", "Russian government", 0, 1)
    assert with_actors.get_actor("nobody") is None
    assert with_actors.get_article("a1").claims == ACTOR_CLAIMS


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(claims=st.lists(any_claim, max_size=3, unique_by=lambda c: c.id), text=st.text(max_size=100))
def test_round_trip_is_lossless(store, claims: list[ClaimOut], text: str) -> None:
    # PostgreSQL text cannot hold NUL (test_nul_character_is_a_clean_error); everything else goes both ways.
    assume("\x00" not in text and all("\\u0000" not in c.model_dump_json() for c in claims))
    # One store serves every example: ids and text unique per example.
    # (a hash of the raw text: " " and "" normalise alike, and two examples must never share an id)
    aid = "prop-" + hashlib.sha1((text + repr(claims)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    claims = [c.model_copy(update={"id": f"{aid}/{c.id}"}) for c in claims]
    a, out = article(aid, f"{text} {aid}", claims)
    assert store.add_article(a, out)
    assert store.get_article(aid) == out
    assert store.article_text(aid) == f"{text} {aid}"
    assert store.add_article(a, out) is False


# -- disputes ----------------------------------------------------------------------------------------------------


def test_embeddings_and_disputes_round_trip(with_actors) -> None:
    s = with_actors
    assert [cid for cid, _ in s.claims_without_embedding("m")] == ["c1", "c2", "c3", "c4"]
    vectors = np.arange(8, dtype=np.float32).reshape(4, 2)
    s.put_embeddings("m", ["c1", "c2", "c3", "c4"], vectors)
    s.put_embeddings("m", ["c4"], np.array([[9, 9]], dtype=np.float32))  # replaces
    assert s.claims_without_embedding("m") == []
    got_ids, matrix = s.embedding_matrix("m")
    assert dict(zip(got_ids, matrix.tolist())) == {"c1": [0, 1], "c2": [2, 3], "c3": [4, 5], "c4": [9, 9]}
    part_ids, part = s.embedding_matrix("m", ["c2"])
    assert part_ids == ["c2"] and part.tolist() == [[2, 3]]
    assert s.embedding_matrix("other")[0] == []

    assert s.unscanned_claim_ids() == ["c1", "c2", "c3", "c4"]
    props = [("c1", "p1", "asserts", 1.0, 1), ("c4", "p1", "denies", 0.8, 0), ("c3", "p2", "asserts", 1.0, 1)]
    disputes = [
        {"id": "d1", "group_id": "g1", "left_claim_id": "c1", "right_claim_id": "c4", "reason": "denial",
         "reasons": json.dumps(["denial", "numbers"]), "explanation": "x vs y", "score": 0.9, "relatedness": 0.8,
         "first_seen": "2022-02-17", "last_seen": "2022-02-18", "details": json.dumps({"cosine": 0.5})},
        {"id": "d2", "group_id": "g1", "left_claim_id": "c3", "right_claim_id": "c4", "reason": "denial",
         "reasons": json.dumps(["denial"]), "explanation": None, "score": 0.5, "relatedness": None,
         "first_seen": "2022-02-16", "last_seen": "2022-02-17", "details": None},
        {"id": "d3", "group_id": "g2", "left_claim_id": "c2", "right_claim_id": "c3", "reason": "dispute_cue",
         "reasons": json.dumps(["dispute_cue"]), "explanation": "lying", "score": 0.7, "relatedness": 0.6,
         "first_seen": None, "last_seen": None, "details": json.dumps({})},
    ]
    s.save_detection(props, disputes)
    assert sorted(s.unscanned_claim_ids()) == ["c2"]
    assert sorted(s.propositions()) == sorted(props)
    assert s.dispute_counts() == {"disputes": 3, "groups": 2, "propositions": 2, "scanned": 3}

    best = s.query_disputes(DisputeQuery())
    assert [(d.id, d.pairs, d.first_seen, d.last_seen) for d in best] == [("d1", 2, "2022-02-16", "2022-02-18"),
                                                                          ("d3", 1, None, None)]
    d1 = best[0]
    assert (d1.left.id, d1.right.id, d1.reasons, d1.explanation, d1.left_stance, d1.right_stance, d1.group_id) == (
        "c1", "c4", ["denial", "numbers"], "x vs y", "asserts", "denies", "g1")
    assert d1.left.outlet == "TASS" and d1.left.claim() == ACTOR_CLAIMS[0]
    assert ids(s.query_disputes(DisputeQuery(all_pairs=True))) == ["d1", "d3", "d2"]
    assert ids(s.query_disputes(DisputeQuery(dispute_id="d2"))) == ["d2"]
    assert ids(s.query_disputes(DisputeQuery(min_score=0.8, all_pairs=True))) == ["d1"]
    assert ids(s.query_disputes(DisputeQuery(actor="bloc:west", all_pairs=True))) == ["d3"]
    assert ids(s.query_disputes(DisputeQuery(actor="RUS", all_pairs=True))) == ["d1", "d3", "d2"]
    assert ids(s.query_disputes(DisputeQuery(outlet="tass", limit=1))) == ["d1"]
    assert s.query_disputes(DisputeQuery(outlet="nope")) == []
    assert ids(s.query_disputes(DisputeQuery(since="2022-02-18", all_pairs=True))) == ["d1"]
    assert ids(s.query_disputes(DisputeQuery(until="2022-02-16", all_pairs=True))) == ["d2"]
    assert ids(s.query_disputes(DisputeQuery(all_pairs=True, limit=1, offset=1))) == ["d3"]
    assert s.dispute_timeline() == {"2022-02-16": 1}
    assert ids(s.query_disputes(DisputeQuery(group_id="g1"))) == ["d1", "d2"]  # a group: all its pairs
    assert s.dispute_links() == [("d1", "c1", "c4", "g1"), ("d2", "c3", "c4", "g1"), ("d3", "c2", "c3", "g2")]
    s.set_dispute_groups({"d3": "g1"})  # c3 joins the two groups
    assert [(d.id, d.pairs) for d in s.query_disputes(DisputeQuery())] == [("d1", 3)]
    s.set_dispute_groups({"d3": "g2"})

    # Re-detection replaces rows; replace_all clears both tables first.
    s.save_detection([("c2", "p3", "doubts", 0.5, 1)], [dict(disputes[0], score=0.1)])
    assert s.query_disputes(DisputeQuery(dispute_id="d1"))[0].score == 0.1
    s.save_detection([], [], replace_all=True)
    assert s.dispute_counts() == {"disputes": 0, "groups": 0, "propositions": 0, "scanned": 0}


def test_dispute_detection_gives_the_same_disputes(request: pytest.FixtureRequest) -> None:
    from claimwatch.disputes.detect import detect_disputes
    from claimwatch.disputes.embeddings import get_embedder

    found = {}
    for engine in ENGINES:
        with _open(engine, request) as s:
            s.add_article(Article(id="a1", text=ACTOR_TEXT, date="2022-02-17"),
                          ArticleOut(id="a1", date="2022-02-17", claims=ACTOR_CLAIMS))
            stats = detect_disputes(s, embedder=get_embedder("lexical"))
            found[engine] = (stats.scanned, sorted(s.propositions()),
                             [(d.id, d.reason, d.score) for d in s.query_disputes(DisputeQuery(all_pairs=True))])
    assert found["sqlite"] == found["postgresql"]


# -- export ------------------------------------------------------------------------------------------------------


def test_export_gives_the_same_tables(request: pytest.FixtureRequest) -> None:
    pytest.importorskip("pandas")
    from claimwatch.store.export import TABLES, dataframe

    frames = {}
    for engine in ENGINES:
        with _open(engine, request) as s:
            ingest_articles(s, [art("a1", WIRE, "Wire"), art("b1", COPY, "Planet")], fake_pipeline, dedup=Deduper(s))
            s.add_article(Article(id="x", text=ACTOR_TEXT), ArticleOut(id="x", claims=ACTOR_CLAIMS))
            frames[engine] = {t: dataframe(s, t) for t in TABLES}
    clock = ("ingested_at", "seen_at", "detected_at")
    for table in TABLES:
        a, b = frames["sqlite"][table], frames["postgresql"][table]
        assert list(a.columns) == list(b.columns), table
        assert len(a) == len(b), table
        # Rows are compared in export order without the clock columns; sightings are exported in the order they were
        # seen, and two sightings one engine wrote in the same second the other may write a second apart, so their
        # rows are compared sorted.
        kept = [c for c in a.columns if c not in clock]
        assert _rows(a[kept], table in CLOCK_ORDERED) == _rows(b[kept], table in CLOCK_ORDERED), table


# Tables the export orders by a clock column (store/export.py): their row order may differ between engines.
CLOCK_ORDERED = frozenset({"sightings"})


def _rows(frame, any_order: bool) -> list[tuple[str, ...]]:
    """A frame's rows as tuples of comparable cells (``_normal``, dicts by value), sorted when ``any_order``."""
    rows = [tuple(json.dumps(_normal(v), sort_keys=True, default=str) for v in row)
            for row in frame.itertuples(index=False)]
    return sorted(rows) if any_order else rows


def _normal(value):
    """Cells compared across engines: JSON text by value, missing values as None, numbers as floats."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return value


# -- watch state, watchlists and alerts (claimwatch watch) -------------------------------------------------------


def test_watch_source_state_and_items_round_trip(store) -> None:
    from claimwatch.store import SourceState

    assert store.source_state("http://a.example/feed") is None
    state = SourceState(url="http://a.example/feed", etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT",
                        failures=2, next_try="2026-12-01T10:05:00+00:00", last_error="HTTP 500")
    store.save_source_state(state)
    assert store.source_state(state.url) == state
    store.save_source_state(state.model_copy(update={"failures": 0, "next_try": None, "last_error": None}))
    assert store.source_state(state.url).failures == 0 and store.source_state(state.url).next_try is None
    store.mark_item(state.url, "entry-1", "a1")
    store.mark_item(state.url, "entry-1", "a1")  # idempotent
    store.mark_item("http://b.example/feed", "entry-2", None)
    assert store.seen_items(state.url, ["entry-1", "entry-2", "entry-3"]) == {"entry-1"}


def test_watchlists_and_alerts(populated) -> None:
    from claimwatch.store import Alert, Watchlist

    wl = populated.save_watchlist(Watchlist(id="w1", name="all", actor="Peskov", disputes=True))
    assert wl.created_at and wl.checked_at == wl.created_at and wl.disputes is True
    assert populated.save_watchlist(wl.model_copy(update={"name": "renamed"})).created_at == wl.created_at
    assert [w.name for w in populated.watchlists()] == ["renamed"]
    populated.set_checked("w1", "2030-01-01T00:00:00+00:00")
    assert populated.get_watchlist("w1").checked_at == "2030-01-01T00:00:00+00:00"
    assert populated.articles_since("2000-01-01") and populated.articles_since("2999-01-01") == []
    claim = populated.query_claims(ClaimQuery(limit=1))[0]
    alert = Alert(id="al1", watchlist_id="w1", kind="claim", claim_id=claim.id, article_id=claim.article_id,
                  payload={"claim": {"id": claim.id, "content": "é ✓"}}, created_at="2030-01-01T00:00:01+00:00")
    assert populated.add_alert(alert) is True and populated.add_alert(alert) is False
    populated.update_alert("al1", webhook_status="200")
    (back,) = populated.alerts("w1")
    assert back.payload == alert.payload and back.webhook_status == "200" and back.mail_status is None
    assert populated.delete_watchlist("w1") and not populated.delete_watchlist("w1")
    assert populated.alerts("w1") == [] and populated.get_watchlist("w1") is None
