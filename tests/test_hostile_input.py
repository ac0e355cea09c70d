"""Hostile input: each bad file or record is one problem line, the good input beside it is still read."""
from __future__ import annotations

import gzip
import json
import os
import random
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimwatch import pipeline
from claimwatch.cli import main
from claimwatch.errors import one_line
from claimwatch.ingest.compression import CompressedStreamError, open_binary
from claimwatch.ingest.readers import READER_FAILURE, InputProblem, check_inputs, read_articles

GOOD = '"We have no choice," the mayor told reporters on Monday.\n'
WORDS = "minister said taxes rise police denied claims budget small critics warned officials".split()


def _records(n: int) -> bytes:
    rnd = random.Random(7)  # varied text, so the compressed file is long enough to cut in half
    return b"".join(
        json.dumps({"id": f"r{i}", "text": "The minister said " + " ".join(rnd.choice(WORDS) for _ in range(80))})
        .encode() + b"\n" for i in range(n))


HOSTILE = {
    "bigint.jsonl": ('{"id": "b", "text": "x", "n": 1' + "0" * 5000 + "}\n").encode(),
    "deep.jsonl": ('{"text": ' + "[" * 5000 + "]" * 5000 + "}\n").encode(),
    "surrogate.jsonl": b'{"id": "s", "text": "The minister said \\ud800 taxes will rise."}\n',
    "tiny.txt.gz": b"\x1f\x8b",
    "half.jsonl.gz": gzip.compress(_records(100))[:2000],
}


def _read(*paths: Path) -> tuple[list, list[InputProblem]]:
    problems: list[InputProblem] = []
    return list(read_articles([str(p) for p in paths], problems=problems)), problems


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_one_problem_naming_it_and_the_good_file_is_read(tmp_path: Path, name: str):
    bad, good = _bad_and_good(tmp_path, name)
    articles, problems = _read(bad, good)
    assert len(problems) == 1
    assert problems[0].origin.startswith(str(bad))
    assert READER_FAILURE not in problems[0].message
    assert "good" in [a.id for a in articles]


def test_lone_surrogates_become_replacement_characters_at_the_same_offsets(tmp_path: Path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"id": "s\\udfff", "title": "\\ud800", "text": "ab\\ud800cd"}\n')
    (article,), problems = _read(path)
    assert (article.id, article.title, article.text) == ("s\ufffd", "\ufffd", "ab\ufffdcd")
    assert [p.origin for p in problems] == [f"{path}:1"] * 3  # text, id, title: each named


def test_big_ints_and_deep_nesting_name_their_line_and_the_next_line_is_read(tmp_path: Path):
    path = tmp_path / "r.jsonl"
    path.write_text(HOSTILE["bigint.jsonl"].decode() + HOSTILE["deep.jsonl"].decode()
                    + json.dumps({"id": "ok", "text": GOOD}) + "\n", encoding="utf-8")
    articles, problems = _read(path)
    assert [a.id for a in articles] == ["ok"]
    assert [p.origin for p in problems] == [f"{path}:1", f"{path}:2"]
    assert "4300 digits" in problems[0].message and "nested too deeply" in problems[1].message


def test_a_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path):
    path = tmp_path / "half.jsonl.gz"
    path.write_bytes(HOSTILE["half.jsonl.gz"])
    articles, (problem,) = _read(path)
    assert articles and all(a.id.startswith("r") for a in articles)
    assert problem.origin == f"{path}:{len(articles) + 1}"
    assert "truncated" in problem.message


@pytest.mark.parametrize("cut", [2, 20, None])
def test_a_truncated_or_corrupt_zstd_file_is_reported_not_read_as_empty(tmp_path: Path, cut):
    zstandard = pytest.importorskip("zstandard")
    whole = zstandard.ZstdCompressor().compress(_records(20))
    path = tmp_path / "a.jsonl.zst"
    path.write_bytes(whole[:cut] if cut else b"not zstd at all" * 4)
    articles, (problem,) = _read(path)
    assert articles == []
    assert "zstd" in problem.message and "empty" not in problem.message


def test_concatenated_zstd_frames_read_whole(tmp_path: Path):
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "a.txt.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"one ") + zstandard.ZstdCompressor().compress(b"two"))
    with open_binary(path) as stream:
        assert stream.read() == b"one two"


def test_a_corrupt_gzip_raises_an_os_error_the_readers_catch(tmp_path: Path):
    path = tmp_path / "a.txt.gz"
    path.write_bytes(b"\x1f\x8b" + b"x" * 40)
    with pytest.raises(CompressedStreamError), open_binary(path) as stream:
        stream.read()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_walk_skips_fifos_sockets_and_link_loops_with_a_problem_each(tmp_path: Path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(d / "pipe.txt")  # opening it would block for ever
    (d / "loop1.txt").symlink_to("loop2.txt")
    (d / "loop2.txt").symlink_to("loop1.txt")
    (d / "gone.txt").symlink_to("nowhere.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(d / "sock.txt"))
    except OSError:  # a path too long for a socket address
        pass
    articles, problems = _read(d)
    assert [a.id for a in articles] == ["good"]
    by_name = {Path(p.origin).name: p.message for p in problems}
    assert by_name.pop("pipe.txt") == "skipped: not a regular file (a FIFO)"
    assert by_name.pop("loop1.txt") == by_name.pop("loop2.txt") == "skipped: symbolic link loop"
    assert by_name.pop("gone.txt") == "skipped: dangling symbolic link"
    assert by_name in ({}, {"sock.txt": "skipped: not a regular file (a socket)"})
    sock.close()


def test_check_inputs_drops_what_cannot_be_read_and_keeps_stdin_and_urls(tmp_path: Path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "loop").symlink_to("loop")
    problems: list[InputProblem] = []
    kept = check_inputs([str(tmp_path / "a.txt"), "-", "https://example.org/feed", str(tmp_path / "no.txt"),
                         str(tmp_path / "loop"), str(tmp_path)], problems)
    assert kept == [str(tmp_path / "a.txt"), "-", "https://example.org/feed", str(tmp_path)]
    assert [p.message for p in problems] == ["no such file or directory", "symbolic link loop"]


def test_a_problem_with_a_newline_or_undecodable_bytes_in_its_file_name_stays_one_printable_line():
    line = str(InputProblem("a\nb\udcff.txt", "empty file"))
    assert line == "a\\nb\\udcff.txt: empty file"
    assert one_line("é “quoted” ok") == "é “quoted” ok"
    line.encode("utf-8")  # printable


# -- the CLI -------------------------------------------------------------------------------------------------


@pytest.fixture
def cli(nlp, monkeypatch):
    """Run the CLI in-process with the session's pipeline; counts model loads."""
    loads = []

    def load(name=None, **kw):
        loads.append(name)
        return nlp

    monkeypatch.setattr(pipeline, "load_nlp", load)

    def invoke(*args: str):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return result, loads

    return invoke


def _bad_and_good(tmp_path: Path, name: str) -> tuple[Path, Path]:
    bad = tmp_path / name
    bad.write_bytes(HOSTILE[name])
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    return bad, good


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_extract_reports_one_problem_line_and_still_extracts_the_good_file(tmp_path: Path, cli, name: str):
    bad, good = _bad_and_good(tmp_path, name)
    result, _ = cli("extract", "-f", "jsonl", str(bad), str(good))
    assert result.exit_code == 1
    assert "good" in [json.loads(line)["id"] for line in result.stdout.splitlines()]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0]
    assert "unexpected" not in result.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_ingest_reports_one_problem_line_and_still_stores_the_good_file(tmp_path: Path, cli, name: str):
    bad, good = _bad_and_good(tmp_path, name)
    db = tmp_path / "c.db"
    result, _ = cli("ingest", "--db", str(db), "--lang", "any", str(bad), str(good))
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith(str(bad))] != []
    assert "unexpected" not in result.stderr
    from claimwatch.store import open_store

    with open_store(db, create=False) as store:
        assert store.get_article("good") is not None


def test_a_missing_input_loads_no_model_and_leaves_no_database(tmp_path: Path, cli):
    db = tmp_path / "c.db"
    result, loads = cli("ingest", "--db", str(db), str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 1 and "missing.jsonl: no such file or directory" in result.stderr
    assert not db.exists() and loads == []
    result, loads = cli("extract", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1 and loads == [] and "Traceback" not in result.stderr


def test_a_missing_input_fails_without_importing_spacy(tmp_path: Path):
    import subprocess

    code = ("import sys; from click.testing import CliRunner; from claimwatch.cli import main; "
            "r = CliRunner().invoke(main, ['extract', sys.argv[1]]); "
            "print(r.exit_code, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "missing.txt")], capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["1", "False"]
