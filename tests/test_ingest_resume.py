"""A real `claimwatch ingest` killed with SIGKILL mid-run and re-run ends like an uninterrupted run."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SPEAKERS = ["The minister", "A spokesman", "Police", "The mayor", "Officials", "The union"]


def corpus(path: Path, n: int = 30) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            who = SPEAKERS[i % len(SPEAKERS)]
            text = (f"{who} said on Monday that bridge number {i} would reopen after repairs. "
                    f"Residents of district {i} told reporters they had waited {i + 2} months for the work. "
                    f"Critics claimed the cost of project {i} was far too high.")
            out.write(json.dumps({"id": f"a{i:02d}", "text": text, "date": "2024-05-06", "outlet": "Wire"}) + "\n")
    return path


def ingest_cmd(db: Path, src: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "claimwatch.cli", "ingest", "--db", str(db), "--batch-size", "1", *extra, str(src)]


def stored(db: Path) -> tuple[int, list[str], list[str]]:
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM claims ORDER BY id")]
        arts = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        sightings = conn.execute("SELECT count(*) FROM sightings").fetchone()[0]
    return sightings, arts, ids


def count_articles(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:  # not created or not migrated yet
        return 0


def test_killed_ingest_resumes_to_the_same_result(tmp_path: Path) -> None:
    src = corpus(tmp_path / "news.jsonl")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    # Reference: one uninterrupted run, in two worker processes.
    ref = tmp_path / "ref.db"
    done = subprocess.run(ingest_cmd(ref, src, "--workers", "2"), capture_output=True, text=True, env=env, timeout=500)
    assert done.returncode == 0, done.stderr
    expected = stored(ref)
    assert expected[0] == 30 and len(expected[1]) == 30 and expected[2]

    # Killed: SIGKILL as soon as some (not all) articles are committed.
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(ingest_cmd(db, src), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 300
    at_kill = 0
    while time.monotonic() < deadline and proc.poll() is None:
        at_kill = count_articles(db)
        if at_kill >= 3:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    partial = count_articles(db)
    assert 3 <= partial < 30

    again = subprocess.run(ingest_cmd(db, src), capture_output=True, text=True, env=env, timeout=500)
    assert again.returncode == 0, again.stderr
    assert f"30 articles read, {30 - partial} stored, {partial} duplicates skipped" in again.stderr
    assert stored(db) == expected
