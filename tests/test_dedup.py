"""Exact and near-duplicate dedup with sightings (store/dedup.py), the sightings count in `claims`, export."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimwatch.cli import main
from claimwatch.schema import Article, ArticleOut
from claimwatch.ingest_flow import ingest_articles
from claimwatch.store.dedup import Deduper, sightings_counts
from claimwatch.store.sqlite import SqliteStore
from store_fixtures import COPY, OTHER, WIRE, art, fake_pipeline

def run(db: Path, articles, threshold: float = 0.8):
    with SqliteStore(db) as store:
        stats = ingest_articles(store, articles, fake_pipeline, dedup=Deduper(store, threshold=threshold))
        rows = store.db.execute("SELECT article_id, outlet, kind FROM sightings ORDER BY outlet").fetchall()
        return stats, store.counts(), rows


def test_near_duplicate_wire_copy_is_stored_once_with_two_sightings(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    stats, counts, rows = run(db, [art("a1", WIRE, "Wire"), art("b1", COPY, "Planet"), art("c1", OTHER, "Bank")])
    assert (stats.stored, stats.duplicates, stats.near_duplicates) == (2, 1, 1)
    assert counts["articles"] == 2
    assert rows == [("c1", "Bank", "original"), ("a1", "Planet", "near"), ("a1", "Wire", "original")]


def test_exact_copy_from_another_outlet_is_a_sighting_reingest_is_not(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    run(db, [art("a1", WIRE, "Wire")])
    # Same text (other wrapping) from another outlet under its own id: an exact sighting.
    stats, counts, rows = run(db, [art("x9", WIRE.replace(". ", ".\n"), "Herald"), art("a1", WIRE, "Wire")])
    assert (stats.stored, stats.duplicates, stats.near_duplicates) == (0, 2, 0)
    assert rows == [("a1", "Herald", "exact"), ("a1", "Wire", "original")]
    with SqliteStore(db) as store:
        assert sightings_counts(store, ["a1", "nope"]) == {"a1": 2, "nope": 1}


def test_lsh_index_survives_across_runs(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    run(db, [art("a1", WIRE, "Wire")])
    with SqliteStore(db) as store:
        assert store.db.execute("SELECT count(*) FROM article_minhash").fetchone()[0] == 1
    stats, counts, _ = run(db, [art("b1", COPY, "Planet")])  # a new process would rebuild the index the same way
    assert (stats.stored, stats.near_duplicates, counts["articles"]) == (0, 1, 1)


def test_articles_stored_before_the_migration_get_signatures(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    with SqliteStore(db) as store:  # stored without a Deduper: no signature, no sighting row
        ingest_articles(store, [art("a1", WIRE, "Wire")], fake_pipeline)
    stats, counts, rows = run(db, [art("b1", COPY, "Planet")])
    assert (stats.near_duplicates, counts["articles"]) == (1, 1)
    assert rows == [("a1", "Planet", "near")]


def test_threshold_one_turns_near_matching_off(tmp_path: Path) -> None:
    stats, counts, _ = run(tmp_path / "d.db", [art("a1", WIRE, "Wire"), art("b1", COPY, "Planet")], threshold=1.0)
    assert counts["articles"] == 2 and stats.near_duplicates == 0


def test_claims_shows_sightings_and_export_writes_tables(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    import pandas as pd

    from claimwatch.store.export import dataframe

    db = tmp_path / "d.db"
    run(db, [art("a1", WIRE, "Wire"), art("b1", COPY, "Planet"), art("c1", OTHER, "Bank")])
    runner = CliRunner()
    # --all: the fake pipeline's claims have neither cue nor speaker, so they report no statement
    r = runner.invoke(main, ["claims", "--db", str(db), "--format", "json", "--all"])
    assert r.exit_code == 0, r.output
    assert {c["article_id"]: c["sightings"] for c in json.loads(r.stdout)} == {"a1": 2, "c1": 1}
    r = runner.invoke(main, ["claims", "--db", str(db), "--all"])
    assert "SEEN" in r.stdout.splitlines()[0]

    frame = dataframe(db, "claims")
    assert sorted(zip(frame["article_id"], frame["sightings"])) == [("a1", 2), ("c1", 1)]
    assert {"content_text", "outlet", "date"} <= set(frame.columns)
    for fmt in ("parquet", "csv", "jsonl"):
        out = tmp_path / f"articles.{fmt}"
        r = runner.invoke(main, ["export", "--db", str(db), "--table", "articles", "--format", fmt, "--output", str(out)])
        assert r.exit_code == 0, r.output
        back = {"parquet": pd.read_parquet, "csv": pd.read_csv,
                "jsonl": lambda p: pd.read_json(p, lines=True)}[fmt](out)
        assert sorted(back["id"]) == ["a1", "c1"]
    for table in ("actors", "events", "disputes", "sightings"):
        assert runner.invoke(main, ["export", "--db", str(db), "--table", table, "-o", str(tmp_path / "t.csv")]).exit_code == 0
    r = runner.invoke(main, ["export", "--db", str(tmp_path / "missing.db"), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1


def test_export_events_flattens_each_claims_event(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    from claimwatch.schema import ActorOut, EventOut
    from claimwatch.store.export import EVENT_COLUMNS, dataframe
    from web_fixtures import make_claim

    text = "Ostmark said Valdoria withdrew its ships. The mayor said the fair opens today."
    coded = make_claim(text, "Ostmark", "said", "Valdoria withdrew its ships").model_copy(update={"event": EventOut(
        category="RETREAT", mode="withdraw", source=ActorOut(id="XVL", name="Valdoria", type="country", country="XVL"))})
    plain = make_claim(text, "The mayor", "said", "the fair opens today")
    db = tmp_path / "e.db"
    with SqliteStore(db) as store:
        store.add_article(Article(id="e1", text=text, date="2026-03-02"), ArticleOut(id="e1", date="2026-03-02",
                                                                                    claims=[coded, plain]))
    frame = dataframe(db, "events")
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert frame.to_dict("records") == [{
        "claim_id": coded.id, "article_id": "e1", "article_date": "2026-03-02", "category": "RETREAT", "cameo": None,
        "mode": "withdraw", "negated": False, "source_id": "XVL", "source_name": "Valdoria", "target_id": None,
        "target_name": None, "speaker_actor_id": None}]
