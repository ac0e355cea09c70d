"""Reading inputs: every bad input becomes a problem, never an exception, and the good ones still come out."""
from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path

import pytest

from claimwatch.errors import InputError
from claimwatch.ingest.hashing import normalise_text, normalised_text_hash
from claimwatch.ingest.readers import ArticleMeta, InputProblem, iter_input_files, normalise_date, read_articles

STORY = "The mayor said on Tuesday that the bridge would reopen in May.\n"
ACCENTED = "Le maire a déclaré que la façade rénovée serait prête à l'été, après la fête. Zoë était sceptique.\n"


def read(paths, **kwargs):
    problems: list[InputProblem] = []
    articles = list(read_articles([str(p) for p in paths], problems=problems, **kwargs))
    return articles, problems


def messages(problems):
    return [str(p) for p in problems]


# --- plain text ---------------------------------------------------------------------------------------------


def test_text_file_id_is_stem_and_text_is_untouched(tmp_path: Path):
    path = tmp_path / "bridge-story.txt"
    path.write_text("  " + STORY + "\r\n", encoding="utf-8")
    (article,), problems = read([path])
    assert problems == []
    assert article.id == "bridge-story"
    assert article.text == "  " + STORY + "\r\n"
    assert article.origin == str(path)
    assert article.title is None and article.date is None


def test_any_suffix_is_read_as_text_when_named(tmp_path: Path):
    path = tmp_path / "story.article"
    path.write_text(STORY, encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.text == STORY


def test_several_files_in_order(tmp_path: Path):
    a, b = tmp_path / "b.txt", tmp_path / "a.md"
    a.write_text("First story.", encoding="utf-8")
    b.write_text("Second story.", encoding="utf-8")
    articles, problems = read([a, b])
    assert [x.id for x in articles] == ["b", "a"]
    assert problems == []


def test_meta_applies_to_plain_text(tmp_path: Path):
    path = tmp_path / "s.txt"
    path.write_text(STORY, encoding="utf-8")
    meta = ArticleMeta(id="x1", title="Bridge", date="2024-03-05T08:30:00Z", outlet="Gazette", url="https://e.x/1")
    (article,), problems = read([path], meta=meta)
    assert problems == []
    assert (article.id, article.title, article.outlet, article.url) == ("x1", "Bridge", "Gazette", "https://e.x/1")
    assert article.date == "2024-03-05T08:30:00+00:00"


def test_meta_id_with_several_inputs_is_an_error(tmp_path: Path):
    with pytest.raises(InputError):
        read([tmp_path / "a.txt", tmp_path / "b.txt"], meta=ArticleMeta(id="one"))
    with pytest.raises(InputError):
        read([tmp_path], meta=ArticleMeta(id="one"))


def test_meta_bad_date_is_an_error(tmp_path: Path):
    with pytest.raises(InputError, match="not an ISO date"):
        read([tmp_path / "a.txt"], meta=ArticleMeta(date="yesterday"))


def test_meta_is_not_applied_to_records(tmp_path: Path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": "r1", "text": STORY, "outlet": "Wire"}) + "\n", encoding="utf-8")
    (article,), problems = read([path], meta=ArticleMeta(outlet="Flag"))
    assert problems == [] and article.outlet == "Wire"


# --- bad plain-text inputs ----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    articles, problems = read([tmp_path / "nope.txt", good])
    assert [a.id for a in articles] == ["good"]
    assert messages(problems) == [f"{tmp_path / 'nope.txt'}: no such file or directory"]


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_and_whitespace_files(tmp_path: Path, content: bytes):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    articles, problems = read([path])
    assert articles == []
    assert len(problems) == 1 and problems[0].origin == str(path)
    assert "empty" in problems[0].message


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # NUL bytes
        bytes(range(1, 32)) * 20 + b"some text",  # mostly control characters, no NUL
    ],
)
def test_binary_file(tmp_path: Path, content: bytes):
    path = tmp_path / "picture.txt"
    path.write_bytes(content)
    articles, problems = read([path])
    assert articles == []
    assert messages(problems) == [f"{path}: binary file, not text"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encoding_is_detected_and_logged(tmp_path: Path, caplog, encoding: str):
    path = tmp_path / "legacy.txt"
    path.write_bytes(ACCENTED.encode(encoding))
    with caplog.at_level(logging.WARNING, logger="claimwatch"):
        (article,), problems = read([path])
    assert problems == []
    assert article.text == ACCENTED
    assert any("not UTF-8" in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)


def test_cyrillic_legacy_encoding_is_not_taken_for_cp1252(tmp_path: Path):
    text = "Министр заявил, что реформа будет принята после лета. Профсоюзы отвергли этот график.\n"
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    (article,), problems = read([path])
    assert problems == [] and article.text == text


def test_utf8_bom_and_utf16_are_decoded(tmp_path: Path):
    a, b = tmp_path / "bom.txt", tmp_path / "wide.txt"
    a.write_bytes(ACCENTED.encode("utf-8-sig"))
    b.write_bytes(ACCENTED.encode("utf-16"))  # with BOM; its NUL bytes must not look binary
    articles, problems = read([a, b])
    assert problems == []
    assert [x.text for x in articles] == [ACCENTED, ACCENTED]


def test_undetectable_encoding(tmp_path: Path, monkeypatch):
    import charset_normalizer

    class NoMatch(list):
        def best(self):
            return None

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: NoMatch())
    path = tmp_path / "odd.txt"
    path.write_bytes(b"caf\x81 \x8d\x90 bytes cp1252 leaves undefined")
    articles, problems = read([path])
    assert articles == []
    assert messages(problems) == [f"{path}: not UTF-8 and its text encoding could not be detected"]


def test_over_max_chars(tmp_path: Path):
    small, big, huge = tmp_path / "small.txt", tmp_path / "big.txt", tmp_path / "huge.txt"
    small.write_text("x" * 100, encoding="utf-8")
    big.write_text("é" * 101, encoding="utf-8")  # 202 bytes: only the decoded length tells
    huge.write_text("y" * 1000, encoding="utf-8")  # more bytes than 4 * max_chars: not even read whole
    articles, problems = read([small, big, huge], max_chars=100)
    assert [a.id for a in articles] == ["small"]
    assert [p.origin for p in problems] == [str(big), str(huge)]
    assert all("over the limit of 100" in p.message for p in problems)


def test_problem_str():
    assert str(InputProblem("a.jsonl:3", "invalid JSON")) == "a.jsonl:3: invalid JSON"


# --- stdin --------------------------------------------------------------------------------------------------


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ACCENTED.encode("utf-8")), encoding="utf-8"))
    (article,), problems = read(["-"], meta=ArticleMeta(outlet="Le Journal"))
    assert problems == []
    assert article.text == ACCENTED and article.outlet == "Le Journal"
    assert article.id == normalised_text_hash(ACCENTED)
    assert article.origin == "<stdin>"


def test_empty_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    articles, problems = read(["-"])
    assert articles == [] and messages(problems) == ["<stdin>: empty file"]


# --- directories --------------------------------------------------------------------------------------------


def test_directory_is_walked_sorted_skipping_hidden_and_other_suffixes(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b.txt").write_text("Story b.", encoding="utf-8")
    (tmp_path / "a.md").write_text("Story a.", encoding="utf-8")
    (tmp_path / "sub" / "c.text").write_text("Story c.", encoding="utf-8")
    (tmp_path / "sub" / "d.jsonl").write_text('{"id": "d1", "text": "Story d."}\n', encoding="utf-8")
    (tmp_path / "sub" / "e.csv").write_text("id,text\ne1,Story e.\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("Hidden too.", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00")
    articles, problems = read([tmp_path])
    assert problems == []
    assert [a.id for a in articles] == ["a", "b", "c", "d1", "e1"]
    assert [p.name for p in iter_input_files(tmp_path)] == ["a.md", "b.txt", "c.text", "d.jsonl", "e.csv"]


def test_directory_without_inputs(tmp_path: Path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    articles, problems = read([tmp_path])
    assert articles == [] and "no input files" in problems[0].message


# --- JSONL --------------------------------------------------------------------------------------------------


def test_jsonl_records_with_metadata_and_aliases(tmp_path: Path):
    path = tmp_path / "feed.jsonl"
    rows = [
        {"id": "a1", "title": "Bridge", "text": STORY, "date": "2024-05-01", "outlet": "Gazette", "url": "https://e.x/a"},
        {"id": 7, "body": "Officials said the dam held.", "date": "2024-05-02T09:15:00"},
        {"content": "Residents said the water rose fast."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles, problems = read([path])
    assert problems == []
    a, b, c = articles
    assert (a.id, a.title, a.date, a.outlet, a.url, a.text) == ("a1", "Bridge", "2024-05-01", "Gazette", "https://e.x/a", STORY)
    assert (b.id, b.date, b.text) == ("7", "2024-05-02T09:15:00", "Officials said the dam held.")
    assert c.id == normalised_text_hash("Residents said the water rose fast.")
    assert a.origin == f"{path}:1" and c.origin == f"{path}:3"


def test_jsonl_bad_lines_are_reported_and_the_rest_come_out(tmp_path: Path):
    path = tmp_path / "feed.ndjson"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok1", "text": "Good one."}),
                '{"id": "broken", "text": "no closing brace"',
                json.dumps(["not", "an", "object"]),
                json.dumps({"id": "notext", "title": "No text"}),
                json.dumps({"id": "blank", "text": "   "}),
                json.dumps({"id": "baddate", "text": "Has a bad date.", "date": "31/12/2024"}),
                json.dumps({"id": "badtitle", "text": "Has a list title.", "title": ["a"]}),
                json.dumps({"id": "numtext", "text": 42}),
                json.dumps({"id": "ok2", "text": "Good two."}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    articles, problems = read([path])
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert [p.origin for p in problems] == [f"{path}:{n}" for n in range(2, 9)]
    text = messages(problems)
    assert "invalid JSON" in text[0]
    assert "expected a JSON object" in text[1]
    assert "no 'text' field" in text[2]
    assert "empty or whitespace" in text[3]
    assert "not an ISO date" in text[4]
    assert "'title' must be a string" in text[5]
    assert "'text' must be a string" in text[6]


def test_jsonl_over_max_chars_record(tmp_path: Path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"id": "long", "text": "z" * 50}) + "\n" + json.dumps({"id": "short", "text": "z" * 5}) + "\n",
        encoding="utf-8",
    )
    articles, problems = read([path], max_chars=20)
    assert [a.id for a in articles] == ["short"]
    assert problems[0].origin == f"{path}:1" and "over the limit of 20" in problems[0].message


def test_jsonl_legacy_encoding_and_bad_bytes(tmp_path: Path):
    legacy = tmp_path / "legacy.jsonl"
    legacy.write_bytes((json.dumps({"id": "l1", "text": ACCENTED}, ensure_ascii=False) + "\n").encode("cp1252"))
    (article,), problems = read([legacy])
    assert problems == [] and article.text == ACCENTED


def test_jsonl_binary_and_empty(tmp_path: Path):
    binary, empty = tmp_path / "bin.jsonl", tmp_path / "empty.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    empty.write_bytes(b"")
    articles, problems = read([binary, empty])
    assert articles == []
    assert messages(problems) == [f"{binary}: binary file, not text", f"{empty}: empty file"]


# --- CSV / TSV ----------------------------------------------------------------------------------------------


def test_csv_records_with_metadata_and_multiline_text(tmp_path: Path):
    path = tmp_path / "feed.csv"
    path.write_text(
        'id,title,text,date,outlet,url,extra\n'
        'c1,Dam,"Officials said the dam held.\nResidents, however, were not sure.",2024-05-01,Gazette,https://e.x/c1,x\n'
        'c2,,Second story.,,,,\n',
        encoding="utf-8",
    )
    articles, problems = read([path])
    assert problems == []
    a, b = articles
    assert a.text == "Officials said the dam held.\nResidents, however, were not sure."
    assert (a.id, a.title, a.date, a.outlet, a.url) == ("c1", "Dam", "2024-05-01", "Gazette", "https://e.x/c1")
    assert (b.id, b.title, b.date) == ("c2", None, None)
    assert b.origin == f"{path}:4"  # the multi-line record took lines 2-3


def test_tsv_and_body_alias(tmp_path: Path):
    path = tmp_path / "feed.tsv"
    path.write_text("ID\tBody\nt1\tA tab separated story.\n", encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and (article.id, article.text) == ("t1", "A tab separated story.")


def test_csv_bad_rows_are_reported_and_the_rest_come_out(tmp_path: Path):
    path = tmp_path / "feed.csv"
    path.write_text(
        "id,text,date\n"
        "ok1,Good one.,2024-01-01\n"
        'bad1,"quoted"junk,2024-01-01\n'
        "bad2,Too,many,fields\n"
        "bad3,Bad date.,01/02/2024\n"
        "bad4,,2024-01-01\n"
        "ok2,Good two.,\n",
        encoding="utf-8",
    )
    articles, problems = read([path])
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert [p.origin for p in problems] == [f"{path}:{n}" for n in (3, 4, 5, 6)]
    assert "malformed row" in problems[0].message
    assert "expected 3 fields, found 4" in problems[1].message
    assert "not an ISO date" in problems[2].message
    assert "empty or whitespace" in problems[3].message


def test_csv_without_text_column(tmp_path: Path):
    path = tmp_path / "feed.csv"
    path.write_text("id,headline\n1,Nothing here\n", encoding="utf-8")
    articles, problems = read([path])
    assert articles == [] and "no 'text' column" in problems[0].message


def test_csv_field_larger_than_default_csv_limit(tmp_path: Path):
    path = tmp_path / "big.csv"
    text = "word " * 40_000  # 200,000 characters: over csv's default 131,072 field limit
    path.write_text(f'id,text\nbig,"{text}"\n', encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.text == text


def test_csv_cp1252(tmp_path: Path):
    path = tmp_path / "legacy.csv"
    path.write_bytes(f'id,text\nl1,"{ACCENTED.strip()}"\n'.encode("cp1252"))
    (article,), problems = read([path])
    assert problems == [] and article.text == ACCENTED.strip()


def test_duplicate_ids_are_warned_not_dropped(tmp_path: Path, caplog):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "same", "text": "One."}\n{"id": "same", "text": "Two."}\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="claimwatch"):
        articles, problems = read([path])
    assert len(articles) == 2 and problems == []
    assert any("already used" in r.getMessage() for r in caplog.records)


# --- dates and hashes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01", "2024-05-01"),
        (" 2024-05-01 ", "2024-05-01"),
        ("2024-05-01T10:20:30", "2024-05-01T10:20:30"),
        ("2024-05-01T10:20:30Z", "2024-05-01T10:20:30+00:00"),
        ("2024-05-01 10:20+02:00", "2024-05-01T10:20:00+02:00"),
    ],
)
def test_normalise_date(value: str, expected: str):
    assert normalise_date(value) == expected


@pytest.mark.parametrize("value", ["", "May 1, 2024", "2024-13-01", "2024-02-30", "01/05/2024"])
def test_normalise_date_rejects(value: str):
    with pytest.raises(ValueError):
        normalise_date(value)


def test_text_hash_ignores_whitespace_and_composition():
    composed, decomposed = "Zoë said  no.\n", "  Zoe\u0308 said\tno. "
    assert normalise_text(decomposed) == "Zoë said no."
    assert normalised_text_hash(composed) == normalised_text_hash(decomposed)
    assert len(normalised_text_hash(composed)) == 16
    assert normalised_text_hash("Zoë said yes.") != normalised_text_hash(composed)
