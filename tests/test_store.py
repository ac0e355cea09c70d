"""The SQLite claim store: dedup, transactions, migrations, queries, lossless round trips."""
from __future__ import annotations

import sqlite3
from typing import Iterable, Iterator, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch import PIPELINE_VERSION
from claimwatch.errors import ClaimwatchError, StoreError
from claimwatch.ingest.hashing import normalised_text_hash
from claimwatch.schema import (
    ActorMentionOut, ActorOut, Article, ArticleOut, ClaimOut, ContentOut, PlaceOut, SpanOut,
)
from claimwatch.store import ClaimQuery, Store, StoredClaim, open_store
from claimwatch.store import sqlstore as sqlstore_mod
from claimwatch.store.ingest import ingest_articles
from claimwatch.store.migrations import MIGRATIONS, Migrations, immediate_transaction
from claimwatch.store.rows import CLAIM_COLUMNS, claim_to_row
from claimwatch.store.sqlite import SqliteStore


# -- builders ----------------------------------------------------------------------------------------------------


def span(text: str, sub: str, nth: int = 0) -> SpanOut:
    """The nth occurrence of ``sub`` in ``text`` as a SpanOut (offsets checked by construction)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return SpanOut(text=sub, start=start, end=start + len(sub))


def claim(
    text: str,
    content: str,
    *,
    speaker: Optional[str] = None,
    resolved: Optional[str] = None,
    cue: Optional[str] = None,
    cid: Optional[str] = None,
    polarity: str = "asserts",
    kind: str = "indirect",
) -> ClaimOut:
    c = span(text, content)
    return ClaimOut(
        id=cid or f"c-{c.start}-{c.end}-{abs(hash(text)) % 10**8}",
        speaker=span(text, speaker) if speaker else None,
        resolved_speaker=resolved,
        cue=span(text, cue) if cue else None,
        cue_class="assert" if cue else None,
        content=ContentOut(text=c.text, start=c.start, end=c.end),
        kind=kind,  # type: ignore[arg-type]
        polarity=polarity,  # type: ignore[arg-type]
        hedged=False,
    )


def article(aid: str, text: str, claims: Iterable[ClaimOut] = (), **meta) -> tuple[Article, ArticleOut]:
    a = Article(id=aid, text=text, **meta)
    out = ArticleOut(id=aid, title=a.title, date=a.date, outlet=a.outlet, url=a.url, claims=list(claims))
    return a, out


T1 = "Biden said the economy is strong. Officials in Kyiv denied the report."
T2 = "Émile Zola wrote that the truth is on the march, according to Le Monde."
T3 = "The spokesperson told reporters that inflation would fall next year."


def rich_claim() -> tuple[str, ClaimOut]:
    """A claim with every optional part: discontinuous content, addressee, relay, hedges."""
    text = '"We will win," the minister told parliament, citing aides, "and soon."'
    p1, p2 = span(text, "We will win"), span(text, "and soon")
    return text, ClaimOut(
        id="rich-1",
        speaker=span(text, "the minister"),
        resolved_speaker="Ministre Élodie Dupont",
        speaker_role="minister",
        cue=span(text, "told"),
        cue_class="assert",
        content=ContentOut(text=f"{p1.text} … {p2.text}", start=p1.start, end=p2.end, spans=[p1, p2]),
        kind="direct",
        polarity="asserts",
        hedged=True,
        hedges=["will", "soon"],
        addressee=span(text, "parliament"),
        relay=[span(text, "aides")],
    )


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def populated(store: SqliteStore) -> SqliteStore:
    return populate(store)


def populate(store):
    """Three articles, four claims: the data every query test below (and tests/test_store_contract.py) reads."""
    store.add_article(*article(
        "a1", T1,
        [claim(T1, "the economy is strong", speaker="Biden", resolved="Joe Biden", cue="said", cid="c1"),
         claim(T1, "the report", speaker="Officials in Kyiv", cue="denied", cid="c2", polarity="denies")],
        date="2024-03-05", outlet="Reuters", title="Economy", url="https://example.com/a1",
    ))
    store.add_article(*article(
        "a2", T2,
        [claim(T2, "the truth is on the march", speaker="Émile Zola", resolved="Émile Zola", cue="wrote", cid="c3")],
        date="2024-03-06T09:30:00", outlet="Le Monde",
    ))
    store.add_article(*article(
        "a3", T3,
        [claim(T3, "inflation would fall next year", speaker="The spokesperson", cue="told", cid="c4")],
    ))  # no date, no outlet
    return store


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
    from test_store_legacy import legacy_file

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


_text = st.text(max_size=30)
_int = st.integers(min_value=0, max_value=2**40)
_spans = st.builds(SpanOut, text=_text, start=_int, end=_int)
_opt_span = st.none() | _spans
_contents = st.builds(ContentOut, text=_text, start=_int, end=_int, spans=st.none() | st.lists(_spans, max_size=3))
_code = st.none() | st.text(min_size=1, max_size=4)
_actors = st.builds(ActorOut, id=st.text(min_size=1, max_size=20), name=_text, type=_text, country=_code, sector=_code)
_coord = st.none() | st.floats(allow_nan=False, allow_infinity=False)
_mentions = st.builds(ActorMentionOut, text=_text, start=_int, end=_int, actor=_actors)
_places = st.builds(PlaceOut, text=_text, start=_int, end=_int, name=_text, country=_code, lat=_coord, lon=_coord,
                    gazetteer_id=st.none() | _text)
_claims = st.builds(
    ClaimOut,
    id=st.text(min_size=1, max_size=20),
    speaker=_opt_span,
    resolved_speaker=st.none() | _text,
    speaker_role=st.none() | _text,
    cue=_opt_span,
    cue_class=st.none() | _text,
    content=_contents,
    kind=st.sampled_from(["direct", "indirect", "mixed", "nominal", "according_to"]),
    polarity=st.sampled_from(["asserts", "denies"]),
    hedged=st.booleans(),
    hedges=st.lists(_text, max_size=3),
    addressee=_opt_span,
    relay=st.lists(_spans, max_size=3),
    speaker_actor=st.none() | _actors,
    actors=st.lists(_mentions, max_size=3),
    places=st.lists(_places, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    claims=st.lists(_claims, max_size=4, unique_by=lambda c: c.id),
    text=st.text(min_size=0, max_size=200),
    meta=st.fixed_dictionaries({"title": st.none() | _text, "date": st.none() | _text,
                                "outlet": st.none() | _text, "url": st.none() | _text}),
)
def test_round_trip_is_lossless(claims: list[ClaimOut], text: str, meta: dict) -> None:
    with SqliteStore(":memory:") as s:
        a, out = article("prop", text, claims, **meta)
        assert s.add_article(a, out)
        assert s.get_article("prop") == out
        assert s.db.execute("SELECT text FROM articles").fetchone()[0] == text
        assert s.add_article(a, out) is False
        assert s.counts() == {"articles": 1, "claims": len(claims)}


# -- ingest loop -------------------------------------------------------------------------------------------------


class SpyExtract:
    """Stands in for the NLP: records what it was given, returns prepared results."""

    def __init__(self, results: dict[str, list[ClaimOut]]) -> None:
        self.results = results
        self.seen: list[str] = []

    def __call__(self, articles: Iterable[Article]) -> Iterator[ArticleOut]:
        for a in articles:
            self.seen.append(a.id)
            yield ArticleOut(id=a.id, date=a.date, outlet=a.outlet, claims=self.results.get(a.id, []))


def test_ingest_articles_skips_known_before_extracting(store: SqliteStore) -> None:
    arts = [Article(id="a1", text=T1), Article(id="a2", text=T2)]
    spy = SpyExtract({"a1": [claim(T1, "the economy is strong", cid="c1")]})
    stats = ingest_articles(store, arts, spy)
    assert (stats.read, stats.stored, stats.duplicates, stats.claims) == (2, 2, 0, 1)
    assert spy.seen == ["a1", "a2"]

    again = [Article(id="a1", text=T1), Article(id="copy", text=T2 + "\n"), Article(id="a3", text=T3)]
    spy2 = SpyExtract({})
    stats = ingest_articles(store, again, spy2)
    assert (stats.read, stats.stored, stats.duplicates, stats.claims) == (3, 1, 2, 0)
    assert spy2.seen == ["a3"]  # known id and known text never reached the NLP
    assert store.counts() == {"articles": 3, "claims": 1}


def test_ingest_articles_dedups_within_one_run(store: SqliteStore) -> None:
    arts = [Article(id="a1", text=T1), Article(id="a1", text=T2), Article(id="b", text=" " + T1)]
    spy = SpyExtract({})
    stats = ingest_articles(store, arts, spy)
    assert spy.seen == ["a1"]
    assert (stats.read, stats.stored, stats.duplicates) == (3, 1, 2)


def test_ingest_articles_reports_progress(store: SqliteStore) -> None:
    calls = []
    ingest_articles(store, [Article(id="a1", text=T1), Article(id="a1", text=T1)], SpyExtract({}),
                    on_article=lambda s: calls.append((s.read, s.stored, s.duplicates)))
    assert calls[-1] == (2, 1, 1) and len(calls) == 2


def test_ingest_articles_with_the_real_pipeline(store: SqliteStore, nlp) -> None:
    from functools import partial

    from claimwatch.pipeline import extract_articles

    text = "The minister said the plan would fail. Critics claimed that it was too late."
    stats = ingest_articles(store, [Article(id="p1", text=text, outlet="AP")], partial(extract_articles, nlp))
    assert stats.stored == 1
    stored = store.get_article("p1")
    assert stored is not None and len(stored.claims) == stats.claims
    for c in stored.claims:
        assert text[c.content.start:c.content.end] == c.content.text or c.content.spans


# -- events, dates, quantities (migration 0005) -----------------------------------------------------------------

from claimwatch.schema import DateOut, EventOut, QuantityOut  # noqa: E402  (kept beside the tests using them)

_actor_outs = st.builds(ActorOut, id=st.text(min_size=1, max_size=12), name=_text, type=_text,
                        country=st.none() | _text, sector=st.none() | _text)
_categories = st.sampled_from(["RETREAT", "MOBILIZE", "ACCUSE", "THREATEN"]) | st.from_regex(r"[A-Za-z_]{1,12}", fullmatch=True)
_events = st.builds(EventOut, category=_categories, cameo=st.none() | _text,
                    mode=st.none() | _text, source=st.none() | _actor_outs, target=st.none() | _actor_outs,
                    negated=st.booleans())
_dates = st.builds(DateOut, text=_text, start=_int, end=_int, value=st.none() | _text,
                   precision=st.none() | st.sampled_from(["day", "week", "month", "year"]), resolved=st.booleans())
_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
_quantities = st.builds(QuantityOut, text=_text, start=_int, end=_int, value=_floats,
                        unit=st.none() | _text, qualifier=st.none() | _text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=st.lists(_claims, min_size=1, max_size=3, unique_by=lambda c: c.id),
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
