"""`claimwatch bench` sections beyond speed: worker scaling, ingest rates, query latency on a grown store.

These check that each section runs and reports what it measured (article and claim counts that must match the
input), never how fast anything is.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from claimwatch.bench.queries import grow_store
from claimwatch.cli import main
from claimwatch.store import ClaimQuery
from claimwatch.store.sqlite import SqliteStore

from web_fixtures import build_store


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_workers_and_ingest_sections(tiny_corpus: Path) -> None:
    res = invoke("bench", "--corpus", str(tiny_corpus), "--no-speed", "--workers", "1", "--batch-size", "1",
                 "--ingest-into", "sqlite", "--format", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert "runs" not in report  # --no-speed
    (run,) = report["workers"]["runs"]
    # One article warms the pool (1 worker x batch 1); the other two are timed.
    assert run["workers"] == 1 and run["warmup_articles"] == 1 and run["articles"] == 2
    assert run["speedup"] == 1.0
    e2e = report["ingest"]["end_to_end"]
    assert e2e["stored"] == 3 and e2e["claims"] >= 3
    (store_only,) = report["ingest"]["store_only"]
    assert store_only["target"] == "sqlite"
    for run in (store_only["with_dedup"], store_only["exact_only"]):
        assert run["stored"] == 3 and run["claims"] == e2e["claims"]


def test_grow_store_repeats_every_row_and_leaves_the_source(tmp_path: Path) -> None:
    src = build_store(tmp_path / "src.db")
    with SqliteStore(src) as store:
        base = store.counts()
        reyes = len(store.query_claims(ClaimQuery(speaker="reyes", limit=None)))
    counts = grow_store(src, tmp_path / "big.db", base["claims"] * 3)
    assert counts["claims"] == 3 * base["claims"] and counts["articles"] == 3 * base["articles"]
    assert counts["claim_keys"] == counts["claims"]
    with SqliteStore(tmp_path / "big.db", create=False) as big:
        assert len(big.query_claims(ClaimQuery(speaker="reyes", limit=None))) == 3 * reyes
        # Full-text search sees the copies too (the FTS triggers ran on insert).
        assert len(big.query_claims(ClaimQuery(text="harbour fees", limit=None))) == 3
        copy = big.get_article("reopen~2")
        assert copy is not None and copy.claims[0].content.text == "the port of Kessen will reopen on Friday"
        assert big.article_text("reopen~2") == big.article_text("reopen")
    with sqlite3.connect(src) as conn:
        assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == base["claims"]


def test_queries_section_on_a_grown_store(tmp_path: Path) -> None:
    src = build_store(tmp_path / "src.db")
    res = invoke("bench", "--no-speed", "--queries-db", str(src), "--grow-to", "60", "--repeat", "3", "--no-check",
                 "--format", "json")
    assert res.exit_code == 0, res.output
    q = json.loads(res.stdout)["queries"]
    assert q["counts"]["claims"] >= 60
    assert "repeated to" in q["store"]
    for kind in ("claims: one word", "claims: speaker", "claims: actor", "claims: outlet + 30 days",
                 "disputes: best 20"):
        assert q["kinds"][kind]["n"] == 3
        assert 0 <= q["kinds"][kind]["p50_ms"] <= q["kinds"][kind]["p95_ms"] <= q["kinds"][kind]["max_ms"]
    assert "check" not in q
    table = invoke("bench", "--no-speed", "--queries-db", str(src), "--repeat", "2", "--no-check")
    assert table.exit_code == 0, table.output
    assert "claims: speaker" in table.stdout and "p95 ms" in table.stdout


def test_bench_bad_input(tmp_path: Path) -> None:
    res = invoke("bench", "--no-speed", "--grow-to", "10", "--corpus", "x.jsonl")
    assert res.exit_code == 1 and "--grow-to needs --queries-db" in res.output
    res = invoke("bench", "--workers", "1")
    assert res.exit_code == 1 and "--corpus" in res.output
    res = invoke("bench", "--corpus", "x.jsonl", "--workers", "one,two")
    assert res.exit_code == 2 and "worker counts" in res.output
    res = invoke("bench", "--no-speed", "--queries-db", str(tmp_path / "none.db"), "--no-check")
    assert res.exit_code == 1 and "no such claim database" in res.output


def test_spark_section(tiny_corpus: Path) -> None:
    import shutil

    import pytest

    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'claimwatch[spark]')")
    if not shutil.which("java"):
        pytest.skip("Spark needs Java")
    res = invoke("bench", "--corpus", str(tiny_corpus), "--no-speed", "--spark", "local[2]", "--format", "json")
    assert res.exit_code == 0, res.output
    spark = json.loads(res.stdout)["spark"]
    assert spark["master"] == "local[2]" and spark["articles"] == 3 and spark["claims"] >= 3
    assert spark["job_s"] > 0 and spark["articles_per_s"] > 0
