"""The SQLite claim store: dedup, transactions, migrations, queries, lossless round trips."""
from __future__ import annotations

import sqlite3
from typing import Iterator, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch import PIPELINE_VERSION
from claimwatch.errors import ClaimwatchError, StoreError
from claimwatch.ingest.hashing import normalised_text_hash
from claimwatch.schema import ActorOut, ArticleOut, ClaimOut
from claimwatch.store import ClaimQuery, Store, StoredClaim, open_store
from claimwatch.store import sqlstore as sqlstore_mod
from claimwatch.store.migrations import MIGRATIONS, Migrations, immediate_transaction
from claimwatch.store.rows import CLAIM_COLUMNS, claim_to_row
from claimwatch.store.sqlite import SqliteStore
from store_fixtures import (T1, T2, T3, any_claim, any_offset, any_text, article, claim, legacy_file, populate,
                            rich_claim)


# -- builders ----------------------------------------------------------------------------------------------------


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def populated(store: SqliteStore) -> SqliteStore:
    return populate(store)


def ids(found: list[StoredClaim]) -> list[str]:
    return [c.id for c in found]


# -- basics, dedup -----------------------------------------------------------------------------------------------


def test_store_satisfies_protocol(store: SqliteStore) -> None:
    assert isinstance(store, Store)
    assert isinstance(open_store(":memory:"), SqliteStore)


def test_add_article_stores_article_and_claims(populated: SqliteStore) -> None:
    assert populated.counts() == {"articles": 3, "claims": 4}
    row = populated.db.execute(
        "SELECT id, text, text_hash, title, date, outlet, url, pipeline_version, ingested_at FROM articles WHERE id='a1'"
    ).fetchone()
    assert row[:8] == ("a1", T1, normalised_text_hash(T1), "Economy", "2024-03-05", "Reuters",
                       "https://example.com/a1", PIPELINE_VERSION)
    assert row[8]  # ingested_at recorded


def test_reingest_same_article_is_skipped(populated: SqliteStore) -> None:
    a, out = article("a1", T1, [claim(T1, "the economy is strong", cid="other-id")])
    assert populated.add_article(a, out) is False
    assert populated.counts() == {"articles": 3, "claims": 4}


def test_same_text_under_another_id_is_a_duplicate(populated: SqliteStore) -> None:
    reflowed = "  " + T1.replace(" ", "\n  ", 3) + "\n"  # same text up to whitespace
    assert normalised_text_hash(reflowed) == normalised_text_hash(T1)
    assert populated.add_article(*article("copy-of-a1", reflowed)) is False
    assert populated.counts()["articles"] == 3
    assert not populated.has_article("copy-of-a1")


def test_same_id_with_other_text_is_a_duplicate(populated: SqliteStore) -> None:
    assert populated.add_article(*article("a1", "Completely different text.")) is False
    assert populated.counts()["articles"] == 3


def test_has_article_by_id_or_hash(populated: SqliteStore) -> None:
    assert populated.has_article("a1")
    assert populated.has_article(normalised_text_hash(T2))
    assert populated.has_text(T3 + "   ")
    assert not populated.has_article("nope")
    assert not populated.has_text("never stored")


def test_mismatched_result_is_refused(store: SqliteStore) -> None:
    a, _ = article("x", T1)
    with pytest.raises(StoreError):
        store.add_article(a, ArticleOut(id="y", claims=[]))
    assert store.counts()["articles"] == 0


# -- transactions ------------------------------------------------------------------------------------------------


def test_failure_while_inserting_claims_rolls_back_the_article(store: SqliteStore, monkeypatch) -> None:
    a, out = article("a1", T1, [claim(T1, "the economy is strong", cid="c1"), claim(T1, "the report", cid="c2")])
    real = sqlstore_mod.claim_values

    def failing(article_id, seq, c):
        if seq == 1:  # the article row is already written by now
            raise RuntimeError("injected failure")
        return real(article_id, seq, c)

    monkeypatch.setattr(sqlstore_mod, "claim_values", failing)
    with pytest.raises(RuntimeError, match="injected"):
        store.add_article(a, out)
    assert store.counts() == {"articles": 0, "claims": 0}
    assert not store.has_article("a1")
    assert store.query_claims(ClaimQuery(text="economy")) == []
    assert not store.db.conn.in_transaction

    monkeypatch.setattr(sqlstore_mod, "claim_values", real)
    assert store.add_article(a, out) is True
    assert store.counts() == {"articles": 1, "claims": 2}


def test_database_error_rolls_back_and_becomes_store_error(store: SqliteStore) -> None:
    store.db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON claims WHEN NEW.seq = 1 BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    a, out = article("a1", T1, [claim(T1, "the economy is strong", cid="c1"), claim(T1, "the report", cid="c2")])
    with pytest.raises(StoreError, match="a1.*boom"):
        store.add_article(a, out)
    assert store.counts() == {"articles": 0, "claims": 0}
    assert store.db.execute("SELECT count(*) FROM claims_fts").fetchone()[0] == 0


def test_duplicate_claim_ids_in_one_article_roll_back(store: SqliteStore) -> None:
    a, out = article("a1", T1, [claim(T1, "the economy is strong", cid="same"), claim(T1, "the report", cid="same")])
    with pytest.raises(StoreError):
        store.add_article(a, out)
    assert store.counts() == {"articles": 0, "claims": 0}


# -- migrations --------------------------------------------------------------------------------------------------


def test_new_file_gets_the_schema_without_the_legacy_migrations(tmp_path) -> None:
    path = tmp_path / "c.db"
    with SqliteStore(path) as s:
        assert s.applied_migrations() == []
        tables = set(s.db.table_names())
        assert {"articles", "claims", "claims_fts", "alembic_version"} <= tables and "migrations" not in tables
        indexes = {tuple(i.columns) for i in s.db["claims"].indexes} | {tuple(i.columns) for i in s.db["articles"].indexes}
        assert {("article_id", "seq"), ("resolved_speaker",), ("date",), ("outlet",), ("text_hash",)} <= indexes
        s.add_article(*article("a1", T1))


def test_reopening_does_not_recreate(tmp_path) -> None:
    path = tmp_path / "c.db"
    with SqliteStore(path) as s:
        s.add_article(*article("a1", T1))
    with SqliteStore(path) as s:
        assert s.counts()["articles"] == 1
        assert s.db.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


def test_file_database_uses_wal(tmp_path) -> None:
    with SqliteStore(tmp_path / "c.db") as s:
        assert s.db.journal_mode == "wal"


def test_failing_migration_rolls_back_and_stays_pending(tmp_path) -> None:
    from sqlite_utils import Database

    db = Database(tmp_path / "m.db")
    ms = Migrations()

    @ms("0001_ok")
    def ok(db):
        db["t"].create({"id": int}, pk="id")

    @ms("0002_broken")
    def broken(db):
        db["u"].create({"id": int}, pk="id")
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        ms.apply(db)
    assert [m.name for m in ms.applied(db)] == ["0001_ok"]
    assert db["t"].exists() and not db["u"].exists()
    assert [m.name for m in ms.pending(db)] == ["0002_broken"]


def test_newer_legacy_schema_is_refused(tmp_path) -> None:
    path = legacy_file(tmp_path, f"INSERT INTO migrations (version, name, applied_at) VALUES "
                                 f"({MIGRATIONS.latest_version + 1}, '9999_from_the_future', '2099-01-01')")
    with pytest.raises(StoreError, match="newer") as err:
        SqliteStore(path)
    assert "\n" not in str(err.value)
    assert "9999_from_the_future" in str(err.value)


def test_not_a_database_is_refused(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("These are my notes, not a database.\n" * 50)
    with pytest.raises(StoreError, match="not a SQLite database") as err:
        SqliteStore(path)
    assert "\n" not in str(err.value)
    assert path.read_text().startswith("These are my notes")


def test_foreign_sqlite_database_is_refused(tmp_path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a claimwatch"):
        SqliteStore(path)


def test_missing_database_without_create(tmp_path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such claim database"):
        SqliteStore(path, create=False)
    assert not path.exists()


def test_directory_is_refused(tmp_path) -> None:
    with pytest.raises(StoreError, match="directory"):
        SqliteStore(tmp_path)


def test_closed_store_raises_store_error(tmp_path) -> None:
    s = SqliteStore(tmp_path / "c.db")
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.counts()


def test_immediate_transaction_nests() -> None:
    from sqlite_utils import Database

    db = Database(memory=True)
    db.execute("CREATE TABLE t (x)")
    with immediate_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError):
            with immediate_transaction(db):
                db.execute("INSERT INTO t VALUES (2)")
                raise RuntimeError
    assert db.execute("SELECT x FROM t").fetchall() == [(1,)]


# -- queries -----------------------------------------------------------------------------------------------------


def test_query_all_orders_newest_first_undated_last(populated: SqliteStore) -> None:
    assert ids(populated.query_claims(ClaimQuery())) == ["c3", "c1", "c2", "c4"]


def test_query_results_carry_article_fields(populated: SqliteStore) -> None:
    (c,) = populated.query_claims(ClaimQuery(article_id="a2"))
    assert (c.article_id, c.date, c.outlet, c.title, c.url) == ("a2", "2024-03-06T09:30:00", "Le Monde", None, None)


@pytest.mark.parametrize("needle, expected", [
    ("biden", ["c1"]),  # speaker text, case-insensitive
    ("JOE", ["c1"]),  # resolved speaker only
    ("kyiv", ["c2"]),
    ("ÉMILE", ["c3"]),  # non-ASCII case folding
    ("spokes", ["c4"]),
    ("o", ["c3", "c1", "c2", "c4"]),
    ("100%", []),  # LIKE wildcards are not special
    ("nobody", []),
])
def test_query_speaker(populated: SqliteStore, needle: str, expected: list[str]) -> None:
    assert ids(populated.query_claims(ClaimQuery(speaker=needle))) == expected


@pytest.mark.parametrize("text, expected", [
    ("economy", ["c1"]),
    ("ECONOMY strong", ["c1"]),  # implicit AND
    ('"economy is strong"', ["c1"]),  # phrase
    ('"strong economy"', []),
    ("econ*", ["c1"]),  # prefix
    ("economy OR inflation", None),  # order by rank: compare as a set
    ("economy NOT strong", []),
    ("verite", []),
    ("truth", ["c3"]),
    ("Biden", []),  # content only: a speaker name is not content
    ("Biden's economy", []),  # invalid FTS5 syntax: searched literally, no error
    ('"unbalanced quote', []),
    ("report)", ["c2"]),
    ("AND", []),
])
def test_query_text(populated: SqliteStore, text: str, expected: Optional[list[str]]) -> None:
    found = ids(populated.query_claims(ClaimQuery(text=text)))
    if expected is None:
        assert sorted(found) == ["c1", "c4"]
    else:
        assert found == expected


def test_query_text_diacritics_folded(store: SqliteStore) -> None:
    text = "Le ministre a déclaré que la vérité éclatera."
    store.add_article(*article("fr", text, [claim(text, "la vérité éclatera", cid="fr1")]))
    assert ids(store.query_claims(ClaimQuery(text="verite"))) == ["fr1"]
    assert ids(store.query_claims(ClaimQuery(text="VÉRITÉ"))) == ["fr1"]


@pytest.mark.parametrize("text", ["", "   "])
def test_query_text_empty_is_a_clean_error(populated: SqliteStore, text: str) -> None:
    with pytest.raises(ClaimwatchError, match="empty"):
        populated.query_claims(ClaimQuery(text=text))


@pytest.mark.parametrize("text", ['""', "*", "NEAR(", "^", ":", "'", "((a", "a OR", "NOT x"])
def test_query_text_odd_input_never_raises_a_syntax_error(populated: SqliteStore, text: str) -> None:
    assert populated.query_claims(ClaimQuery(text=text)) == []


@pytest.mark.parametrize("since, until, expected", [
    ("2024-03-05", None, ["c3", "c1", "c2"]),
    ("2024-03-06", None, ["c3"]),
    ("2024-03-06T10:00:00", None, []),
    (None, "2024-03-05", ["c1", "c2"]),
    (None, "2024-03-06", ["c3", "c1", "c2"]),  # inclusive: the whole day
    (None, "2024-03-04", []),
    ("2024-03-05", "2024-03-05", ["c1", "c2"]),
])
def test_query_date_range(populated: SqliteStore, since, until, expected) -> None:
    assert ids(populated.query_claims(ClaimQuery(since=since, until=until))) == expected


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", "05/03/2024"])
def test_query_bad_date_is_a_clean_error(bad: str) -> None:
    with pytest.raises(ClaimwatchError, match="ISO"):
        ClaimQuery(since=bad)
    with pytest.raises(ClaimwatchError, match="ISO"):
        ClaimQuery(until=bad)


@pytest.mark.parametrize("outlet, expected", [("Reuters", ["c1", "c2"]), ("reuters", ["c1", "c2"]),
                                              ("le monde", ["c3"]), ("Reut", [])])
def test_query_outlet(populated: SqliteStore, outlet: str, expected: list[str]) -> None:
    assert ids(populated.query_claims(ClaimQuery(outlet=outlet))) == expected


def test_query_article_id(populated: SqliteStore) -> None:
    assert ids(populated.query_claims(ClaimQuery(article_id="a1"))) == ["c1", "c2"]
    assert populated.query_claims(ClaimQuery(article_id="missing")) == []


def test_query_limit_offset(populated: SqliteStore) -> None:
    assert ids(populated.query_claims(ClaimQuery(limit=2))) == ["c3", "c1"]
    assert ids(populated.query_claims(ClaimQuery(limit=2, offset=2))) == ["c2", "c4"]
    assert ids(populated.query_claims(ClaimQuery(limit=None, offset=3))) == ["c4"]
    assert populated.query_claims(ClaimQuery(limit=0)) == []
    with pytest.raises(ClaimwatchError):
        ClaimQuery(limit=-1)
    with pytest.raises(ClaimwatchError):
        ClaimQuery(offset=-1)


def test_query_filters_combine(populated: SqliteStore) -> None:
    q = ClaimQuery(speaker="kyiv", text="report", since="2024-03-01", until="2024-03-31", outlet="REUTERS",
                   article_id="a1")
    assert ids(populated.query_claims(q)) == ["c2"]
    assert populated.query_claims(ClaimQuery(speaker="biden", text="report")) == []
    assert populated.query_claims(ClaimQuery(speaker="zola", outlet="Reuters")) == []


def test_fts_follows_deleted_rows(populated: SqliteStore) -> None:
    with immediate_transaction(populated.db):
        populated.db.execute("DELETE FROM claims WHERE article_id = 'a1'")
    assert populated.query_claims(ClaimQuery(text="economy")) == []
    assert ids(populated.query_claims(ClaimQuery(text="truth"))) == ["c3"]


# -- round trips (the rich-claim round trip runs against both engines: tests/test_store_contract.py) -------------


def test_claim_row_columns_match_table(store: SqliteStore) -> None:
    _, rich = rich_claim()
    assert tuple(claim_to_row("a", 0, rich)) == CLAIM_COLUMNS
    assert tuple(store.db["claims"].columns_dict) == CLAIM_COLUMNS


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    claims=st.lists(any_claim, max_size=4, unique_by=lambda c: c.id),
    text=st.text(min_size=0, max_size=200),
    meta=st.fixed_dictionaries({"title": st.none() | any_text, "date": st.none() | any_text,
                                "outlet": st.none() | any_text, "url": st.none() | any_text}),
)
def test_round_trip_is_lossless(claims: list[ClaimOut], text: str, meta: dict) -> None:
    with SqliteStore(":memory:") as s:
        a, out = article("prop", text, claims, **meta)
        assert s.add_article(a, out)
        assert s.get_article("prop") == out
        assert s.db.execute("SELECT text FROM articles").fetchone()[0] == text
        assert s.add_article(a, out) is False
        assert s.counts() == {"articles": 1, "claims": len(claims)}


# -- events, dates, quantities (migration 0005) -----------------------------------------------------------------

from claimwatch.schema import DateOut, EventOut, QuantityOut  # noqa: E402  (kept beside the tests using them)

_actor_outs = st.builds(ActorOut, id=st.text(min_size=1, max_size=12), name=any_text, type=any_text,
                        country=st.none() | any_text, sector=st.none() | any_text)
_categories = st.sampled_from(["RETREAT", "MOBILIZE", "ACCUSE", "THREATEN"]) | st.from_regex(r"[A-Za-z_]{1,12}", fullmatch=True)
_events = st.builds(EventOut, category=_categories, cameo=st.none() | any_text,
                    mode=st.none() | any_text, source=st.none() | _actor_outs, target=st.none() | _actor_outs,
                    negated=st.booleans())
_dates = st.builds(DateOut, text=any_text, start=any_offset, end=any_offset, value=st.none() | any_text,
                   precision=st.none() | st.sampled_from(["day", "week", "month", "year"]), resolved=st.booleans())
_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
_quantities = st.builds(QuantityOut, text=any_text, start=any_offset, end=any_offset, value=_floats,
                        unit=st.none() | any_text, qualifier=st.none() | any_text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=st.lists(any_claim, min_size=1, max_size=3, unique_by=lambda c: c.id),
       events=st.lists(st.none() | _events, min_size=3, max_size=3),
       dates=st.lists(_dates, max_size=3), quantities=st.lists(_quantities, max_size=3))
def test_round_trip_events_dates_quantities(claims, events, dates, quantities) -> None:
    claims = [c.model_copy(update={"event": e, "dates": dates, "quantities": quantities})
              for c, e in zip(claims, events)]
    with SqliteStore(":memory:") as s:
        a, out = article("ev", "text", claims)
        assert s.add_article(a, out)
        back = {c.id: c.claim() for c in s.query_claims(ClaimQuery(limit=None))}
        assert back == {c.id: c for c in claims}
        for c in claims:
            if c.event is not None:
                assert c.id in {x.id for x in s.query_claims(ClaimQuery(event=c.event.category, limit=None))}
