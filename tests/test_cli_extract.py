"""`claimwatch extract`: formats, metadata flags, and bad input reported without losing the good output."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimwatch import pipeline
from claimwatch.cli import main
from claimwatch.cli.extract import render_article, render_claim
from claimwatch.schema import ArticleOut, ClaimOut, ContentOut, SpanOut

STORY = "The harbour master said on Monday that the port would reopen by Friday.\n"
FRENCH = "Le maire a déclaré que la façade serait prête à l'été, après la fête.\n"


@pytest.fixture
def run(nlp, monkeypatch):
    """Invoke the CLI in-process, reusing the session's pipeline instead of loading it per call."""
    monkeypatch.setattr(pipeline, "load_nlp", lambda name=None, **kw: nlp)

    def invoke(*args: str, input: str | bytes | None = None):
        return CliRunner().invoke(main, ["extract", *args], input=input, catch_exceptions=False)

    return invoke


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _claim(**overrides) -> ClaimOut:
    values = dict(
        id="c1",
        speaker=SpanOut(text="the harbour master", start=0, end=18),
        resolved_speaker="Ana Silva",
        cue=SpanOut(text="said", start=19, end=23),
        cue_class="assert",
        content=ContentOut(text="the port would reopen by Friday", start=40, end=71),
        kind="indirect",
        polarity="asserts",
        hedged=False,
    )
    values.update(overrides)
    return ClaimOut(**values)


# --- formats ------------------------------------------------------------------------------------------------


def test_jsonl_with_metadata_flags(run, tmp_path: Path):
    path = tmp_path / "harbour.txt"
    path.write_text(STORY, encoding="utf-8")
    result = run(
        str(path), "-f", "jsonl", "--title", "Port to reopen", "--date", "2024-05-06",
        "--outlet", "Gazette", "--url", "https://e.x/p", "--id", "port-1",
    )
    assert result.exit_code == 0, result.stderr
    (article,) = jsonl(result.stdout)
    assert article["id"] == "port-1"
    assert (article["title"], article["date"], article["outlet"], article["url"]) == (
        "Port to reopen", "2024-05-06", "Gazette", "https://e.x/p",
    )
    assert isinstance(article["claims"], list)
    for claim in article["claims"]:  # whatever the attribution component finds, offsets index the text
        assert STORY[claim["content"]["start"] : claim["content"]["end"]] == claim["content"]["text"]


def test_json_document(run, tmp_path: Path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Déjà vu, the mayor said.", encoding="utf-8")
    result = run(str(tmp_path), "--format", "json", "--title", "Déjà vu")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [a["id"] for a in doc["articles"]] == ["a", "b"]
    assert '"title": "Déjà vu"' in result.stdout  # readable UTF-8, not \u escapes
    assert result.stdout.startswith('{\n  "articles"')


def test_progress_only_when_asked(run, tmp_path: Path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    quiet = run(str(tmp_path / "a.txt"), "-f", "jsonl")
    loud = run(str(tmp_path / "a.txt"), "-f", "jsonl", "-v")
    assert "extract:" not in quiet.stderr
    assert "extract: done, 1 articles" in loud.stderr and loud.stdout == quiet.stdout


def test_table_is_the_default(run, tmp_path: Path):
    path = tmp_path / "harbour.txt"
    path.write_text(STORY, encoding="utf-8")
    result = run(str(path), "--outlet", "Gazette", "--date", "2024-05-06")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("== harbour | 2024-05-06 | Gazette")


def test_output_file(run, tmp_path: Path):
    src, out = tmp_path / "s.txt", tmp_path / "out.jsonl"
    src.write_text(STORY, encoding="utf-8")
    result = run(str(src), "-f", "jsonl", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert jsonl(out.read_text(encoding="utf-8"))[0]["id"] == "s"


def test_stdin_by_default_and_dash(run):
    for args in ([], ["-"]):
        result = run("-f", "jsonl", "--outlet", "Wire", *args, input=STORY)
        assert result.exit_code == 0, result.stderr
        (article,) = jsonl(result.stdout)
        assert article["outlet"] == "Wire" and len(article["id"]) == 16


def test_jsonl_and_csv_records_keep_their_metadata(run, tmp_path: Path):
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": "j1", "title": "T", "text": STORY, "date": "2024-01-02", "outlet": "O", "url": "u"}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.csv").write_text("id,text,outlet\nc1,Officials said it was safe.,Wire\n", encoding="utf-8")
    result = run(str(tmp_path / "feed.jsonl"), str(tmp_path / "feed.csv"), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    a, b = jsonl(result.stdout)
    assert (a["id"], a["title"], a["date"], a["outlet"], a["url"]) == ("j1", "T", "2024-01-02", "O", "u")
    assert (b["id"], b["outlet"]) == ("c1", "Wire")


# --- bad input ----------------------------------------------------------------------------------------------


def test_bad_inputs_are_reported_after_the_good_output(run, tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03PK")
    (tmp_path / "long.txt").write_text("word " * 100, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "r1", "text": "Officials said it was safe."}\n{oops\n{"id": "r3", "text": "Ok."}\n', encoding="utf-8")
    table = tmp_path / "feed.csv"
    table.write_text('id,text\nc1,Fine.\nc2,"bad"quote\nc3,Fine too.\n', encoding="utf-8")
    result = run(
        str(good), str(tmp_path / "missing.txt"), str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"),
        str(tmp_path / "long.txt"), str(feed), str(table), "-f", "jsonl", "--max-chars", "200",
    )
    assert result.exit_code == 1
    assert [a["id"] for a in jsonl(result.stdout)] == ["good", "r1", "r3", "c1", "c3"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {tmp_path / 'missing.txt'}: no such file or directory",
        f"error: {tmp_path / 'empty.txt'}: empty file",
        f"error: {tmp_path / 'binary.txt'}: binary file, not text",
        f"error: {tmp_path / 'long.txt'}: text is 500 characters, over the limit of 200",
        f"error: {feed}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"error: {table}:3: malformed row: ',' expected after '\"'",
    ]
    assert "6 input problem(s); 5 article(s) processed." in result.stderr
    assert "Traceback" not in result.stderr


def test_legacy_encoding_is_decoded_with_a_warning(run, tmp_path: Path, caplog):
    path = tmp_path / "fr.txt"
    path.write_bytes(FRENCH.encode("cp1252"))
    result = run(str(path), "-f", "json")
    assert result.exit_code == 0
    # In-process, pytest's handlers catch the log record; the subprocess test checks stderr itself.
    assert any("not UTF-8; decoded as cp1252" in r.getMessage() for r in caplog.records)


def test_bad_date_flag_is_a_usage_error(run, tmp_path: Path):
    result = run("--date", "last Tuesday", input=STORY)
    assert result.exit_code == 2
    assert "not an ISO date" in result.stderr


def test_id_flag_with_several_inputs_is_one_line_error(run, tmp_path: Path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(STORY, encoding="utf-8")
    result = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--id", "x")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: an article id names one article: give exactly one text file or '-' with --id"
    ]


def test_rendering_of_whatever_claims_come_back(run, monkeypatch, tmp_path: Path):
    article = ArticleOut(id="a1", title="Port", date="2024-05-06", outlet="Gazette", claims=[_claim()])
    monkeypatch.setattr(pipeline, "extract_articles", lambda nlp, articles, **kw: iter([article]))
    result = run("-", input=STORY)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        '== a1 | "Port" | 2024-05-06 | Gazette  (1 claim)',
        "  [1] the harbour master [Ana Silva] · said · indirect · asserts",
        "      “the port would reopen by Friday”",
    ]


def test_claims_that_report_no_statement_are_listed_only_with_all(run, monkeypatch):
    # "ran models" is no cue the lexicon knows: a real-news reader sees noise (docs/EVALUATION.md, interim 3).
    noise = _claim(id="c2", cue=SpanOut(text="ran models", start=19, end=29), cue_class=None)
    article = ArticleOut(id="a1", title="Port", date="2024-05-06", outlet="Gazette", claims=[_claim(), noise])
    monkeypatch.setattr(pipeline, "extract_articles", lambda nlp, articles, **kw: iter([article]))
    default = run("-", "--format", "json", input=STORY)
    everything = run("-", "--format", "json", "--all", input=STORY)
    assert default.exit_code == everything.exit_code == 0
    assert [c["id"] for c in json.loads(default.stdout)["articles"][0]["claims"]] == ["c1"]
    assert [c["id"] for c in json.loads(everything.stdout)["articles"][0]["claims"]] == ["c1", "c2"]


# --- table rendering ----------------------------------------------------------------------------------------


def test_render_claim_variants():
    plain = render_claim(_claim(resolved_speaker="the harbour master"), 2, width=80)
    assert plain[0] == "  [2] the harbour master · said · indirect · asserts"
    no_speaker = render_claim(
        _claim(speaker=None, resolved_speaker=None, cue=None, kind="according_to", polarity="denies",
               hedged=True, hedges=["reportedly"]),
        1,
    )
    assert no_speaker[0] == "  [1] (no speaker) · (no cue) · according_to · denies · hedged (reportedly)"


def test_render_wraps_and_truncates_long_content_to_width():
    long_text = "the port would reopen " * 40
    lines = render_claim(_claim(content=ContentOut(text=long_text, start=0, end=len(long_text))), 1, width=60)
    assert all(len(line) <= 60 for line in lines)
    assert len(lines) == 1 + 4 and lines[-1].endswith("…")


def test_render_article_without_claims_and_long_title():
    lines = render_article(ArticleOut(id="x", title="A\nvery " + "long " * 40 + "title", claims=[]), width=60)
    assert lines[0].startswith('== x | "A very long') and len(lines[0]) <= 60
    assert lines[1] == "   (no claims found)"


# --- a real process -----------------------------------------------------------------------------------------


def test_subprocess_bad_file_has_no_traceback(tmp_path: Path):
    good, binary, legacy = tmp_path / "good.txt", tmp_path / "scan.txt", tmp_path / "fr.txt"
    good.write_text(STORY, encoding="utf-8")
    legacy.write_bytes(FRENCH.encode("cp1252"))
    binary.write_bytes(b"%PDF-1.4\x00\x00\x01\x02" * 50)
    proc = subprocess.run(
        # The console script's own code, run by this interpreter (works whatever bin/ layout the venv has).
        [sys.executable, "-c", "from claimwatch.cli import main; main(prog_name='claimwatch')", "extract", "-f", "jsonl", str(good), str(binary),
         str(legacy), str(tmp_path / "missing.txt")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert [a["id"] for a in jsonl(proc.stdout)] == ["good", "fr"]
    assert f"{legacy}: not UTF-8; decoded as cp1252" in proc.stderr
    assert f"error: {binary}: binary file, not text" in proc.stderr
    assert f"error: {tmp_path / 'missing.txt'}: no such file or directory" in proc.stderr
