"""`claimwatch ingest` and `claimwatch claims` against temporary databases."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Optional

import pytest
from click.testing import CliRunner

import claimwatch.pipeline as pipeline
from claimwatch.cli import main
from claimwatch.schema import Article, ArticleOut, ClaimOut, ContentOut, SpanOut
from claimwatch.store import StoredClaim
from claimwatch.store.rows import CLAIM_COLUMNS
from claimwatch.store.sqlite import SqliteStore

TEXT_A = "The minister said the plan would fail. Critics claimed that the budget was too small."
TEXT_B = "Police denied that anyone had been arrested, according to a statement on Friday."


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def shared_nlp(nlp, monkeypatch):
    """Count model loads and extracted articles, reusing the session pipeline."""
    calls = {"load": 0, "extracted": []}
    real_extract = pipeline.extract_articles

    def load(name=None, **kw):
        calls["load"] += 1
        return nlp

    def extract(n, articles, **kw):
        def spy():
            for a in articles:
                calls["extracted"].append(a.id)
                yield a
        return real_extract(n, spy(), **kw)

    monkeypatch.setattr(pipeline, "load_nlp", load)
    monkeypatch.setattr(pipeline, "extract_articles", extract)
    return calls


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (d / "b.txt").write_text(TEXT_B, encoding="utf-8")
    return d


def summary(stderr: str) -> str:
    return [line for line in stderr.splitlines() if "articles read" in line][-1]


def test_ingest_then_reingest_adds_nothing(runner, shared_nlp, inputs, tmp_path) -> None:
    db = tmp_path / "c.db"
    r = runner.invoke(main, ["ingest", "--db", str(db), str(inputs / "a.txt"), str(inputs / "b.txt")])
    assert r.exit_code == 0, r.output
    assert summary(r.stderr).startswith("2 articles read, 2 stored, 0 duplicates skipped")
    assert r.stdout == ""
    with SqliteStore(db) as s:
        first = s.counts()
    assert first["articles"] == 2
    assert sorted(shared_nlp["extracted"]) == ["a", "b"]

    shared_nlp["extracted"].clear()
    loads = shared_nlp["load"]
    r = runner.invoke(main, ["ingest", "--db", str(db), str(inputs)])  # the directory: same two files
    assert r.exit_code == 0, r.output
    assert summary(r.stderr).startswith("2 articles read, 0 stored, 2 duplicates skipped, 0 claims stored")
    assert shared_nlp["extracted"] == []  # dedup happened before the NLP ...
    assert shared_nlp["load"] == loads  # ... and the model was not even loaded
    with SqliteStore(db) as s:
        assert s.counts() == first


def test_ingest_same_text_under_another_name_is_skipped(runner, shared_nlp, inputs, tmp_path) -> None:
    db = tmp_path / "c.db"
    assert runner.invoke(main, ["ingest", "--db", str(db), str(inputs / "a.txt")]).exit_code == 0
    copy = tmp_path / "copy.txt"
    copy.write_text("\n\n" + TEXT_A.replace(". ", ".\n"), encoding="utf-8")
    r = runner.invoke(main, ["ingest", "--db", str(db), str(copy)])
    assert r.exit_code == 0
    assert "1 duplicates skipped" in summary(r.stderr)


def test_ingest_db_from_environment(runner, shared_nlp, inputs, tmp_path) -> None:
    db = tmp_path / "env.db"
    r = runner.invoke(main, ["ingest", str(inputs / "a.txt")], env={"CLAIMWATCH_DB": str(db)})
    assert r.exit_code == 0, r.output
    assert db.exists()
    r = runner.invoke(main, ["claims", "--format", "json"], env={"CLAIMWATCH_DB": str(db)})
    assert r.exit_code == 0
    assert all(c["article_id"] == "a" for c in json.loads(r.stdout))


def test_ingest_metadata_options(runner, shared_nlp, inputs, tmp_path) -> None:
    db = tmp_path / "c.db"
    r = runner.invoke(main, ["ingest", "--db", str(db), "--id", "story-1", "--date", "2024-05-01", "--outlet", "AP",
                             "--title", "Plan", "--url", "https://example.com/1", str(inputs / "a.txt")])
    assert r.exit_code == 0, r.output
    with SqliteStore(db) as s:
        row = s.db.execute("SELECT id, date, outlet, title, url FROM articles").fetchone()
    assert row == ("story-1", "2024-05-01", "AP", "Plan", "https://example.com/1")


def test_ingest_problems_are_reported_and_exit_1(runner, shared_nlp, inputs, tmp_path) -> None:
    db = tmp_path / "c.db"
    missing = tmp_path / "missing.txt"
    r = runner.invoke(main, ["ingest", "--db", str(db), str(inputs / "a.txt"), str(missing)])
    assert r.exit_code == 1
    assert f"{missing}: " in r.stderr
    assert "1 articles read, 1 stored" in summary(r.stderr)
    assert "1 problems" in summary(r.stderr)
    assert "Traceback" not in r.output
    with SqliteStore(db) as s:
        assert s.counts()["articles"] == 1  # the readable input was still stored


def test_ingest_jsonl_records(runner, shared_nlp, tmp_path) -> None:
    src = tmp_path / "news.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "r1", "text": TEXT_A, "outlet": "Reuters", "date": "2024-03-05"},
        {"id": "r2", "text": TEXT_B, "outlet": "AP", "date": "2024-03-07"},
        {"id": "r3", "text": TEXT_A},  # same text as r1
    ]) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    r = runner.invoke(main, ["ingest", "--db", str(db), str(src)])
    assert r.exit_code == 0, r.output
    assert summary(r.stderr).startswith("3 articles read, 2 stored, 1 duplicates skipped")
    assert shared_nlp["extracted"] == ["r1", "r2"]
    with SqliteStore(db) as s:
        assert s.db.execute("SELECT id, outlet, date FROM articles ORDER BY id").fetchall() == [
            ("r1", "Reuters", "2024-03-05"), ("r2", "AP", "2024-03-07")]
        n_ap = s.db.execute("SELECT count(*) FROM claims WHERE article_id = 'r2'").fetchone()[0]
    r = runner.invoke(main, ["claims", "--db", str(db), "--outlet", "ap", "-f", "json"])
    out = json.loads(r.stdout)
    assert len(out) == n_ap and all(c["article_id"] == "r2" and c["outlet"] == "AP" for c in out)


def test_ingest_into_a_text_file_is_a_clean_error(runner, tmp_path, inputs) -> None:
    notdb = tmp_path / "notes.txt"
    notdb.write_text("hello\n" * 100)
    r = runner.invoke(main, ["ingest", "--db", str(notdb), str(inputs / "a.txt")])
    assert r.exit_code == 1
    assert "not a SQLite database" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert notdb.read_text() == "hello\n" * 100


# -- claims ------------------------------------------------------------------------------------------------------


def _span(text: str, sub: str) -> SpanOut:
    i = text.index(sub)
    return SpanOut(text=sub, start=i, end=i + len(sub))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "claims.db"
    p1, p2 = _span(TEXT_A, "the plan"), _span(TEXT_A, "would fail")
    with SqliteStore(path) as s:
        s.add_article(Article(id="a", text=TEXT_A, date="2024-03-05", outlet="Reuters", title="Plans"), ArticleOut(
            id="a", date="2024-03-05", outlet="Reuters", title="Plans", claims=[
                ClaimOut(id="c1", speaker=_span(TEXT_A, "The minister"), resolved_speaker="Jane Doe",
                         speaker_role="minister", cue=_span(TEXT_A, "said"), cue_class="assert",
                         content=ContentOut(text="the plan … would fail", start=p1.start, end=p2.end, spans=[p1, p2]),
                         kind="indirect", polarity="asserts", hedged=True, hedges=["would"],
                         relay=[_span(TEXT_A, "Critics")]),
                ClaimOut(id="c2", speaker=_span(TEXT_A, "Critics"), resolved_speaker=None,
                         cue=_span(TEXT_A, "claimed"), cue_class="assert",
                         content=ContentOut(**_span(TEXT_A, "the budget was too small").model_dump()),
                         kind="indirect", polarity="asserts", hedged=False),
            ]))
        s.add_article(Article(id="b", text=TEXT_B, date="2024-03-07", outlet="AP"), ArticleOut(
            id="b", date="2024-03-07", outlet="AP", claims=[
                ClaimOut(id="c3", speaker=_span(TEXT_B, "Police"), resolved_speaker="Police",
                         cue=_span(TEXT_B, "denied"), cue_class="deny",
                         content=ContentOut(**_span(TEXT_B, "anyone had been arrested").model_dump()),
                         kind="indirect", polarity="denies", hedged=False,
                         addressee=None),
            ]))
    return path


def claims_json(runner: CliRunner, db: Path, *args: str) -> list[dict]:
    r = runner.invoke(main, ["claims", "--db", str(db), "--format", "json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_claims_json_is_a_list_of_stored_claims(runner, db) -> None:
    out = claims_json(runner, db)
    assert [c["id"] for c in out] == ["c3", "c1", "c2"]
    parsed = [StoredClaim.model_validate(c) for c in out]
    with SqliteStore(db) as s:
        from claimwatch.store import ClaimQuery
        assert parsed == s.query_claims(ClaimQuery())
    assert out[1]["content"]["spans"][1]["text"] == "would fail"
    assert out[1]["relay"][0]["text"] == "Critics"


@pytest.mark.parametrize("args, expected", [
    (["--speaker", "jane"], ["c1"]),
    (["-s", "CRITIC"], ["c2"]),
    (["--query", "budget"], ["c2"]),
    (["-q", '"too small"'], ["c2"]),
    (["-q", "arrest*"], ["c3"]),
    (["-q", "minister's plan"], []),  # not FTS5 syntax: searched literally, no error
    (["--since", "2024-03-06"], ["c3"]),
    (["--until", "2024-03-05"], ["c1", "c2"]),
    (["--outlet", "reuters"], ["c1", "c2"]),
    (["--article", "b"], ["c3"]),
    (["--limit", "1"], ["c3"]),
    (["--limit", "1", "--offset", "1"], ["c1"]),
    (["--limit", "0"], ["c3", "c1", "c2"]),
    (["--speaker", "police", "--outlet", "Reuters"], []),
])
def test_claims_filters(runner, db, args, expected) -> None:
    assert [c["id"] for c in claims_json(runner, db, *args)] == expected


def test_claims_csv(runner, db) -> None:
    r = runner.invoke(main, ["claims", "--db", str(db), "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    header = r.stdout.splitlines()[0].split(",")
    assert header[:6] == ["id", "article_id", "title", "date", "outlet", "url"]
    assert set(header[6:]) == set(CLAIM_COLUMNS) - {"id", "article_id", "seq"}
    assert [row["id"] for row in rows] == ["c3", "c1", "c2"]
    c1 = rows[1]
    assert c1["speaker_text"] == "The minister" and c1["resolved_speaker"] == "Jane Doe"
    assert c1["hedged"] == "true" and json.loads(c1["hedges"]) == ["would"]
    assert [s["text"] for s in json.loads(c1["content_spans"])] == ["the plan", "would fail"]
    assert c1["title"] == "Plans" and c1["date"] == "2024-03-05"


def test_claims_csv_empty_has_header(runner, db) -> None:
    r = runner.invoke(main, ["claims", "--db", str(db), "--format", "csv", "--speaker", "nobody"])
    assert r.exit_code == 0
    assert r.stdout.splitlines() == [r.stdout.splitlines()[0]] and r.stdout.startswith("id,article_id")


def test_claims_table(runner, db) -> None:
    r = runner.invoke(main, ["claims", "--db", str(db)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["DATE", "OUTLET", "SPEAKER", "CUE", "CLAIM"]
    assert len(lines) == 4
    assert "Jane Doe" in lines[2] and "Reuters" in lines[2]
    assert "denied: " in lines[1]


def test_claims_table_empty(runner, db) -> None:
    r = runner.invoke(main, ["claims", "--db", str(db), "-s", "nobody"])
    assert r.exit_code == 0 and r.stdout == ""
    assert "no claims found" in r.stderr


def test_claims_missing_db_is_one_line_and_creates_nothing(runner, tmp_path) -> None:
    path = tmp_path / "nope.db"
    r = runner.invoke(main, ["claims", "--db", str(path)])
    assert r.exit_code == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "no such claim database" in r.stderr
    assert not path.exists()


def test_claims_not_a_db(runner, tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100)
    r = runner.invoke(main, ["claims", "--db", str(path)])
    assert r.exit_code == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "not a SQLite database" in r.stderr


def test_claims_newer_schema(runner, db) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    con.commit()
    con.close()
    r = runner.invoke(main, ["claims", "--db", str(db)])
    assert r.exit_code == 1
    assert "newer" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["--since", "last week"], ["--until", "2024-02-30"], ["-q", "  "]])
def test_claims_bad_filters_are_one_line_errors(runner, db, args) -> None:
    r = runner.invoke(main, ["claims", "--db", str(db), *args])
    assert r.exit_code == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_claims_that_report_no_statement_are_listed_only_with_all(runner, tmp_path) -> None:
    path = tmp_path / "noise.db"

    def claim(cid: str, speaker: Optional[str], resolved: Optional[str], cue: str, cue_class: Optional[str],
              content: str, kind: str = "indirect") -> ClaimOut:
        return ClaimOut(id=cid, speaker=_span(text, speaker) if speaker else None, resolved_speaker=resolved,
                        cue=_span(text, cue), cue_class=cue_class,
                        content=ContentOut(**_span(text, content).model_dump()), kind=kind, polarity="asserts",
                        hedged=False)

    text = ("The ministry said the bridge was safe. The engineers ran models of the river. "
            "Amid allegations that the dam leaked, work stopped. The mayor condemned the report. "
            "The mayor blamed the builders for the leak. I think the dam is safe. Some suggest it leaked. "
            "US said the dam was safe.")
    with SqliteStore(path) as s:
        s.add_article(Article(id="n", text=text, date="2024-04-01", outlet="AP"), ArticleOut(
            id="n", date="2024-04-01", outlet="AP", claims=[
                claim("s1", "The ministry", "The ministry", "said", "assert", "the bridge was safe"),
                # "ran models" is no cue the lexicon knows (cue_class None): no statement is reported
                claim("s2", "The engineers", "The engineers", "ran models", None, "of the river"),
                # a claim noun with nobody named as its holder reports nobody's statement
                claim("s3", None, None, "allegations", "accuse", "the dam leaked", kind="nominal"),
                # an accusation's bare object states nothing; one naming the charge does
                claim("s4", "The mayor", "The mayor", "condemned", "accuse", "the report", kind="object"),
                claim("s5", "The mayor", "The mayor", "blamed", "accuse", "the builders for the leak", kind="object"),
                # a speaker that names no one: the writer's "I", an unresolved "Some"; a resolved "Some" speaks
                claim("s6", "I", "I", "think", "believe", "the dam is safe"),
                claim("s7", "Some", "Some", "suggest", "assert", "it leaked"),
                claim("s8", "Some", "engineers", "suggest", "assert", "it leaked"),
                # "US" is the United States, not "us"
                claim("s9", "US", "US", "said", "assert", "the dam was safe"),
            ]))
    assert [c["id"] for c in claims_json(runner, path)] == ["s1", "s5", "s8", "s9"]
    assert [c["id"] for c in claims_json(runner, path, "--all")] == ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                                                                     "s9"]
    with SqliteStore(path) as s:
        from claimwatch.schema import reports_statement
        from claimwatch.store import ClaimQuery

        stored = s.query_claims(ClaimQuery(limit=None))
        assert [c.id for c in stored if reports_statement(c)] == [c.id for c in s.query_claims(ClaimQuery(statements=True))]
        assert s.count_claims(ClaimQuery(statements=True)) == 4
