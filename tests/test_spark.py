"""`claimwatch spark` on local[2] + `claimwatch load` store exactly what `claimwatch ingest` stores.

One SparkSession serves the module (the CLI reuses an active session instead of starting its own).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimwatch.cli import main
from claimwatch.store.rows import CLAIM_COLUMNS

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "claimwatch" / "examples" / "port-blockade.txt"
PORT = EXAMPLE.read_text(encoding="utf-8")

FIRST = [  # a.jsonl
    {"id": "port", "text": PORT, "date": "2024-03-02", "outlet": "Wire"},
    {"id": "a1", "text": "The minister said on Monday that taxes will rise next year. Critics disagree, and the "
                         "opposition leader claimed that the plan would fail.", "date": "2024-05-06", "outlet": "Daily"},
    "{not json",
    {"id": "a2", "text": '"We have no choice," the mayor told reporters on Tuesday. Police denied that anyone had '
                         "been arrested, according to a statement.", "outlet": "Herald", "url": "https://herald.example/2"},
]
SECOND = [  # b.jsonl
    {"id": "copy", "text": PORT, "date": "2024-03-03", "outlet": "Other paper"},  # exact copy: a sighting
    {"id": "near", "text": PORT.replace("The", "THE", 1) + "\nReporting by a staff writer.", "outlet": "Third"},
    {"id": "fr", "text": "Le ministre a déclaré lundi que les impôts augmenteront l'année prochaine, mais "
                         "l'opposition affirme que le plan échouera et que le budget est beaucoup trop petit."},
    {"id": "a3", "text": "According to the health ministry, 40 people were injured in the blast. The army said "
                         "its troops had not fired on protesters.", "date": "2024-06-01"},
]


def _java_available() -> bool:
    return bool(shutil.which("java") or os.environ.get("JAVA_HOME"))


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'claimwatch[spark]')")
    if not _java_available():
        pytest.skip("Spark needs Java (no java on PATH and no JAVA_HOME)")
    from claimwatch.batch.spark import spark_session

    session, created = spark_session("local[2]")
    yield session
    if created:
        session.stop()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def spark_run(spark, tmp_path_factory):
    """The corpus, `claimwatch spark` run once on it (local[2], 2 partitions), and the command's result."""
    base = tmp_path_factory.mktemp("spark")
    corpus = write_corpus(base / "news")
    out = base / "out"
    done = CliRunner().invoke(main, ["spark", str(corpus), str(out), "--master", "local[2]", "--partitions", "2"])
    return corpus, out, done


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    for name, records in (("a.jsonl", FIRST), ("b.jsonl", SECOND)):
        lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def parquet_rows(folder: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return [row for part in sorted(folder.glob("*.parquet")) for row in pq.read_table(part).to_pylist()]


CLAIMS_SQL = f"SELECT {', '.join(CLAIM_COLUMNS)} FROM claims ORDER BY id"
ARTICLES_SQL = "SELECT id, text_hash, title, date, outlet, url, text, pipeline_version FROM articles ORDER BY id"
SIGHTINGS_SQL = "SELECT article_id, source_id, outlet, url, date, kind, similarity FROM sightings ORDER BY article_id, source_id"
ACTORS_SQL = "SELECT * FROM actors ORDER BY id"


def test_spark_then_load_stores_what_ingest_stores(spark_run, runner: CliRunner, tmp_path: Path) -> None:
    corpus, out, done = spark_run
    # The bad JSON line is a problem for both commands: reported, exit 1, the rest still extracted.
    assert done.exit_code == 1, done.output
    bad_line = f"{corpus / 'a.jsonl'}:3: invalid JSON"
    assert bad_line in done.output
    assert "6 articles from 2 files extracted on 2 partitions" in done.output
    assert "1 problems, 1 skipped as not en" in done.output  # the French article, as ingest skips it

    ingested = tmp_path / "ingest.db"
    plain = runner.invoke(main, ["ingest", "--db", str(ingested), str(corpus)])
    assert plain.exit_code == 1, plain.output
    assert bad_line in plain.output

    loaded = tmp_path / "spark.db"
    first = runner.invoke(main, ["load", str(out), "--db", str(loaded)])
    assert first.exit_code == 0, first.output
    assert "6 articles read, 4 stored, 2 duplicates skipped" in first.output

    # The acceptance: the same claims (ids, speakers, content offsets, every column), articles, sightings, actors.
    claims = rows(ingested, CLAIMS_SQL)
    assert len(claims) >= 10
    assert rows(loaded, CLAIMS_SQL) == claims
    assert rows(loaded, ARTICLES_SQL) == rows(ingested, ARTICLES_SQL)
    assert [r[0] for r in rows(loaded, ARTICLES_SQL)] == ["a1", "a2", "a3", "port"]
    sightings = rows(loaded, SIGHTINGS_SQL)
    assert sightings == rows(ingested, SIGHTINGS_SQL)
    assert ("port", "copy", "Other paper", None, "2024-03-03", "exact", 1.0) in sightings
    assert any(s[0] == "port" and s[1] == "near" and s[5] == "near" for s in sightings)
    assert rows(loaded, ACTORS_SQL) == rows(ingested, ACTORS_SQL)

    # Loading again stores nothing twice.
    again = runner.invoke(main, ["load", str(out), "--db", str(loaded)])
    assert again.exit_code == 0, again.output
    assert "0 stored" in again.output
    assert rows(loaded, CLAIMS_SQL) == claims
    assert rows(loaded, SIGHTINGS_SQL) == sightings

    # The datasets: articles in input order, claims as the store's rows, events and actors from those claims.
    articles = parquet_rows(out / "articles")
    assert [a["id"] for a in articles] == ["port", "a1", "a2", "copy", "near", "a3"]
    flat = parquet_rows(out / "claims")
    stored_ids = {r[0] for r in rows(ingested, "SELECT id FROM articles")}
    assert sorted(tuple(r[c] for c in CLAIM_COLUMNS) for r in flat if r["article_id"] in stored_ids) == claims
    assert {r["article_id"] for r in flat} >= {"copy", "near"}  # duplicates are extracted too; load drops them
    events = parquet_rows(out / "events")
    assert events and {e["claim_id"] for e in events} == {r["id"] for r in flat if r["event_category"]}
    named = {r["speaker_actor_id"] for r in flat if r["speaker_actor_id"]}
    named |= {m["actor"]["id"] for r in flat for m in json.loads(r["actors"])}
    actors = parquet_rows(out / "actors")
    assert {a["id"] for a in actors} == named
    assert all(a["claims"] >= 1 for a in actors)
    manifest = json.loads((out / "_claimwatch.json").read_text())
    assert manifest["counts"] == {"files": 2, "articles": 6, "claims": len(flat), "events": len(events),
                                  "actors": len(actors), "problems": 1, "skipped": 1}
    problems = sorted(parquet_rows(out / "problems"), key=lambda p: (p["file_index"], p["record_index"]))
    assert [(p["kind"], p["origin"]) for p in problems] == [
        ("problem", str(corpus / "a.jsonl") + ":3"), ("skipped", str(corpus / "b.jsonl") + ":3")]


def test_load_into_postgresql_stores_what_it_stores_into_sqlite(spark_run, pg_url: str, runner: CliRunner,
                                                                 tmp_path: Path) -> None:
    from claimwatch.store import ClaimQuery, open_store

    _corpus, out, _done = spark_run
    lite = tmp_path / "spark.db"
    for target in (str(lite), pg_url):
        result = runner.invoke(main, ["load", str(out), "--db", target])
        assert result.exit_code == 0, result.output
        assert "6 articles read, 4 stored, 2 duplicates skipped" in result.output

    def contents(target: str) -> tuple:
        with open_store(target, create=False) as store:
            claims = sorted(store.query_claims(ClaimQuery(limit=None)), key=lambda c: c.id)
            articles = sorted(store.list_articles(limit=None), key=lambda a: a.id)
            return ([c.model_dump() for c in claims], [a.model_dump(exclude={"ingested_at"}) for a in articles],
                    store.sightings_counts([a.id for a in articles]))

    on_sqlite = contents(str(lite))
    assert len(on_sqlite[0]) >= 10 and on_sqlite[2]["port"] == 3  # the article, its exact and its near copy
    assert contents(pg_url) == on_sqlite


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_load_refuses_what_is_not_a_spark_output(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "claims.db"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "not a claimwatch spark output" in one_line_error(runner.invoke(main, ["load", str(empty), "--db", str(db)]))
    unfinished = tmp_path / "unfinished"
    (unfinished / "articles").mkdir(parents=True)
    assert "did not finish" in one_line_error(runner.invoke(main, ["load", str(unfinished), "--db", str(db)]))
    assert "not a directory" in one_line_error(runner.invoke(main, ["load", str(tmp_path / "nothing"), "--db", str(db)]))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "_claimwatch.json").write_text('{"format": "something else"}')
    assert "not a claimwatch spark manifest" in one_line_error(runner.invoke(main, ["load", str(foreign), "--db", str(db)]))
    assert not db.exists()  # nothing is created for a wrong folder


def test_spark_rejects_bad_arguments_before_starting_spark(runner: CliRunner, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "news")
    missing = runner.invoke(main, ["spark", str(tmp_path / "nope.jsonl"), str(tmp_path / "out")])
    assert "no such file or directory" in one_line_error(missing)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    assert "--overwrite" in one_line_error(runner.invoke(main, ["spark", str(corpus), str(busy)]))
    refused = runner.invoke(main, ["spark", str(corpus), str(busy), "--overwrite"])
    assert "refusing to overwrite" in one_line_error(refused)
    assert (busy / "notes.txt").read_text() == "mine"
    model = runner.invoke(main, ["spark", str(corpus), str(tmp_path / "out"), "--model", "no_such_pipeline_xyz"])
    assert "'no_such_pipeline_xyz' is not installed" in one_line_error(model)


def test_an_executor_error_is_one_line(spark, runner: CliRunner, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "news")
    actors = tmp_path / "actors.yaml"
    actors.write_text("- id: X\n  name: [unclosed\n", encoding="utf-8")  # fails where the pipeline loads
    out = tmp_path / "out"
    result = runner.invoke(main, ["spark", str(corpus), str(out), "--actors", str(actors), "--limit", "2"])
    line = one_line_error(result)
    assert "Spark job failed: DataFileError:" in line and f"{actors}:" in line and "not valid YAML" in line
    assert not (out / "_claimwatch.json").exists()
    assert "not a claimwatch spark output" in one_line_error(
        runner.invoke(main, ["load", str(out), "--db", str(tmp_path / "x.db")]))
