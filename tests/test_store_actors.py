"""The store's actors and places: migration 0004, the actors table, `--actor` queries and `claimwatch actors`."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from claimwatch.cli import main
from claimwatch.schema import Article, ArticleOut, ClaimOut, ContentOut, SpanOut
from claimwatch.store import ClaimQuery
from claimwatch.store.migrations import MIGRATIONS, Migrations
from claimwatch.store.sqlite import SqliteStore
from store_fixtures import ACTOR_CLAIMS, ACTOR_TEXT, RUS_GOV


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore(":memory:")
    s.add_article(Article(id="a1", text=ACTOR_TEXT, date="2022-02-17"),
                  ArticleOut(id="a1", date="2022-02-17", claims=ACTOR_CLAIMS))
    yield s
    s.close()


def test_schema_has_actor_columns_table_and_index(store: SqliteStore) -> None:
    cols = store.db["claims"].columns_dict
    assert {"speaker_actor_id", "speaker_actor", "actors", "places"} <= set(cols)
    assert set(store.db["actors"].columns_dict) == {"id", "name", "type", "country", "sector"}
    assert store.db["actors"].pks == ["id"]
    assert ("speaker_actor_id",) in {tuple(i.columns) for i in store.db["claims"].indexes}


def test_actors_table_is_upserted(store: SqliteStore) -> None:
    rows = {r["id"]: r for r in store.db["actors"].rows}
    assert set(rows) == {"RUS", "RUS-GOV", "bloc:west", "person:dmitry-peskov", "igo:nato"}
    assert rows["person:dmitry-peskov"] == {"id": "person:dmitry-peskov", "name": "Dmitry Peskov", "type": "person",
                                            "country": "RUS", "sector": "GOV"}
    # A later article with a new name for a known id updates the record, never duplicates it.
    renamed = RUS_GOV.model_copy(update={"name": "Government of Russia"})
    text = "Moscow said no."
    out = ClaimOut(id="x1", speaker=SpanOut(text="Moscow", start=0, end=6), resolved_speaker="Moscow", cue=None,
                   content=ContentOut(text="no", start=12, end=14), kind="indirect", polarity="asserts", hedged=False,
                   speaker_actor=renamed)
    assert store.add_article(Article(id="a2", text=text), ArticleOut(id="a2", claims=[out]))
    assert store.db["actors"].get("RUS-GOV")["name"] == "Government of Russia"
    assert store.db["actors"].count == 5


def test_round_trip_keeps_actors_and_places(store: SqliteStore) -> None:
    back = store.get_article("a1")
    assert back is not None and back.claims == ACTOR_CLAIMS
    assert back.claims[0].places[0].lat == 45.0 and back.claims[1].actors[0].actor == RUS_GOV
    row = store.db.execute("SELECT speaker_actor_id FROM claims WHERE id = 'c3'").fetchone()
    assert row[0] == "person:dmitry-peskov"


@pytest.mark.parametrize(
    "needle, expected",
    [
        ("RUS", ["c1", "c3"]),  # country code: Russia itself and Peskov (RUS GOV)
        ("rus", ["c1", "c3"]),
        ("person:dmitry-peskov", ["c3"]),
        ("bloc:west", ["c2"]),
        ("peskov", ["c3"]),  # name substring
        ("West", ["c2"]),
        ("igo:nato", ["c4"]),
        ("nobody", []),
    ],
)
def test_query_by_actor(store: SqliteStore, needle: str, expected: list[str]) -> None:
    found = store.query_claims(ClaimQuery(actor=needle))
    assert sorted(c.id for c in found) == expected


def test_query_by_actor_combines_with_other_filters(store: SqliteStore) -> None:
    assert [c.id for c in store.query_claims(ClaimQuery(actor="RUS", speaker="Peskov"))] == ["c3"]
    assert store.query_claims(ClaimQuery(actor="RUS", until="2021-01-01")) == []


def test_top_actors(store: SqliteStore) -> None:
    top = store.top_actors()
    counts = {a.id: (a.claims, a.mentions) for a in top}
    assert counts == {"RUS": (1, 1), "bloc:west": (1, 0), "person:dmitry-peskov": (1, 0), "igo:nato": (1, 0),
                      "RUS-GOV": (0, 1)}
    assert top[0].id == "RUS"  # most claims, then most mentions
    assert [a.id for a in store.top_actors(limit=2)] == [a.id for a in top[:2]]


def test_database_from_before_0004_is_migrated_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Migrations()
    for m in MIGRATIONS.all[:3]:
        old(m.name)(m.fn)
    db = Database(path)
    old.apply(db)
    db["articles"].insert({"id": "a", "text_hash": "h", "text": "Russia said no.", "ingested_at": "2022-01-01",
                           "pipeline_version": "0"})
    db["claims"].insert({"id": "c", "article_id": "a", "seq": 0, "content_text": "no", "content_start": 12,
                         "content_end": 14, "kind": "indirect", "polarity": "asserts", "hedged": 0, "hedges": "[]",
                         "relay": "[]"})
    db.close()
    with SqliteStore(path) as s:
        assert "0004_actors_places" in [m.name for m in s.applied_migrations()]
        (c,) = s.query_claims(ClaimQuery())
        assert c.speaker_actor is None and c.actors == [] and c.places == []
        assert s.top_actors() == []


# -- CLI ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    with SqliteStore(path) as s:
        s.add_article(Article(id="a1", text=ACTOR_TEXT, date="2022-02-17"), ArticleOut(id="a1", date="2022-02-17", claims=ACTOR_CLAIMS))
    return path


def test_cli_actors_table(db_path: Path) -> None:
    r = CliRunner().invoke(main, ["actors", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["CLAIMS", "MENTIONS", "ID"]
    assert lines[1].split()[:3] == ["1", "1", "RUS"]
    assert any("person:dmitry-peskov" in line and "Dmitry Peskov" in line for line in lines)


def test_cli_actors_json_and_csv(db_path: Path) -> None:
    r = CliRunner().invoke(main, ["actors", "--db", str(db_path), "--format", "json", "--limit", "2"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert len(data) == 2 and data[0] == {"id": "RUS", "name": "Russia", "type": "country", "country": "RUS",
                                          "sector": None, "claims": 1, "mentions": 1}
    r = CliRunner().invoke(main, ["actors", "--db", str(db_path), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows[0]["id"] == "RUS" and {row["id"] for row in rows} >= {"RUS-GOV", "igo:nato"}


def test_cli_actors_one_actor_claims(db_path: Path) -> None:
    r = CliRunner().invoke(main, ["actors", "--db", str(db_path), "--actor", "RUS", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert sorted(c["id"] for c in json.loads(r.stdout)) == ["c1", "c3"]


def test_cli_claims_actor_filter(db_path: Path) -> None:
    r = CliRunner().invoke(main, ["claims", "--db", str(db_path), "--actor", "bloc:west", "-f", "json"])
    assert r.exit_code == 0, r.output
    (only,) = json.loads(r.stdout)
    assert only["speaker_actor"]["id"] == "bloc:west" and only["actors"][0]["actor"]["id"] == "RUS-GOV"
    r = CliRunner().invoke(main, ["claims", "--db", str(db_path), "--actor", "Peskov"])
    assert r.exit_code == 0 and "Peskov [person:dmitry-pesk" in r.stdout  # cut to the column width


def test_cli_actors_missing_db_is_one_line(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["actors", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and "no such claim database" in r.output and "Traceback" not in r.output
