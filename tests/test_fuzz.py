"""Fuzzing: generated files through the readers and generated texts through the pipeline.

Every input must come out as articles or problem lines, never as an exception outside ``claimwatch.errors``;
every span in the output must index the text exactly. The default budget is small enough for every run of
the suite; ``pytest --slow tests/test_fuzz.py`` runs 10,000 examples of each.
"""
from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch.errors import ClaimwatchError
from claimwatch.ingest.readers import READER_FAILURE, InputProblem, read_articles
from claimwatch.ingest.surrogates import without_surrogates
from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article

FAST = {"readers": 60, "pipeline": 25}
SLOW = 10_000

# Any code point, lone surrogates (Cs) and control characters (Cc) included.
ANY_CHAR = st.characters(exclude_categories=())
PIECES = ['"', "“", "”", "‘", "’", "'", "«", "»", "said", " said ", "told reporters", "according to", ",", ".",
          "\n", "\n\n", "\t", "\r", " ", "He said \"no\" ", '"said," ', "Mr.", "—", "(", ")", "\u00a0", "\u2028",
          "\ufeff", "\x00", "\x1b", "\ud800", "\udfff", "2024-05-06", "on Monday", "1,000", "the minister"]
TEXTS = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHAR, max_size=12)), max_size=60).map("".join),
    st.builds(lambda unit, n: unit * n, st.sampled_from(['"', "“", '"said," ', 'He said "no" ', "said ", "a" * 50]),
              st.integers(1, 600)),
)


def _budget(slow: bool, kind: str) -> dict[str, Any]:
    return dict(max_examples=SLOW if slow else FAST[kind], deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


# -- readers -------------------------------------------------------------------------------------------------

JSON_LINES = st.one_of(
    st.builds(lambda t, i: json.dumps({"id": i, "text": t}), TEXTS, st.one_of(st.none(), st.text(ANY_CHAR, max_size=8))),
    st.builds(lambda n: '{"text": ' + "[" * n + "]" * n + "}", st.integers(1, 3000)),
    st.builds(lambda n: '{"text": "x", "id": 1' + "0" * n + "}", st.integers(1, 6000)),
    st.sampled_from(['{"text": 1e999}', '{"text": null}', "[]", "{", '{"text": "\\ud800"}', '{"body": "x"}',
                     '{"text": "a", "date": "2024-13-45"}', '{"text": "a", "title": ["x"]}', "\x00", '"x"']),
    st.text(ANY_CHAR, max_size=40),
)
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.lists(JSON_LINES, max_size=6).map(lambda lines: "\n".join(lines)),
    TEXTS,
    st.lists(st.lists(st.text(ANY_CHAR, max_size=15), min_size=1, max_size=4), max_size=5).map(
        lambda rows: "\n".join(",".join(r) for r in [["id", "text"], *rows])),
)
SUFFIXES = st.sampled_from([".txt", ".jsonl", ".csv", ".tsv", ".md"])
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"])
COMPRESSION = st.sampled_from(["", ".gz", ".zst", ".gz-cut", ".zst-cut"])


def _encoded(content: Any, encoding: str) -> bytes:
    if isinstance(content, bytes):
        return content
    return content.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


def _compressed(data: bytes, how: str) -> tuple[bytes, str]:
    if how.startswith(".gz"):
        data = gzip.compress(data)
    elif how.startswith(".zst"):
        zstandard = pytest.importorskip("zstandard")
        data = zstandard.ZstdCompressor().compress(data)
    if how.endswith("-cut"):
        data = data[: len(data) // 2]
    return data, how.replace("-cut", "")


def _check_problems(problems: list[InputProblem]) -> None:
    for problem in problems:
        line = str(problem)
        assert "\n" not in line and "\r" not in line
        line.encode("utf-8")  # printable: no lone surrogate reaches stderr
        assert READER_FAILURE not in problem.message, line


def test_readers_survive_generated_files(slow: bool):
    tried: list[int] = []

    @settings(**_budget(slow, "readers"))
    @given(CONTENT, SUFFIXES, ENCODINGS, COMPRESSION)
    def run(content: Any, suffix: str, encoding: str, compression: str) -> None:
        tried.append(1)
        data, compressed_suffix = _compressed(_encoded(content, encoding), compression)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"in{suffix}{compressed_suffix}"
            path.write_bytes(data)
            problems: list[InputProblem] = []
            try:
                articles = list(read_articles([str(path)], problems=problems))
            except ClaimwatchError:
                return
        _check_problems(problems)
        for article in articles:
            assert article.text.strip() and without_surrogates(article.text)[1] == 0
            assert all(without_surrogates(v)[1] == 0 for v in (article.id, article.title or "", article.date or ""))

    run()
    assert len(tried) >= _budget(slow, "readers")["max_examples"]


# -- pipeline ------------------------------------------------------------------------------------------------


def _spans(value: Any) -> Iterator[dict]:
    """Every ``{"text", "start", "end"}`` object in a dumped ArticleOut."""
    if isinstance(value, dict):
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int) and "text" in value:
            yield value
        for v in value.values():
            yield from _spans(v)
    elif isinstance(value, list):
        for v in value:
            yield from _spans(v)


def test_the_pipeline_survives_generated_texts_with_exact_offsets(nlp, slow: bool):
    tried: list[int] = []

    @settings(**_budget(slow, "pipeline"))
    @given(st.lists(TEXTS, min_size=1, max_size=3))
    def run(texts: list[str]) -> None:
        tried.append(len(texts))
        articles = [Article(id=f"f{n}", text=t, title=t[:10] or None) for n, t in enumerate(texts)]
        problems: list[InputProblem] = []
        try:
            outs = list(extract_articles(nlp, articles, problems=problems))
        except ClaimwatchError:
            return
        assert [o.id for o in outs] == [a.id for a in articles]
        for article, out in zip(articles, outs):
            text = without_surrogates(article.text)[0]
            out.model_dump_json()  # serialisable: nothing unencodable left
            for span in _spans(out.model_dump()):
                assert 0 <= span["start"] <= span["end"] <= len(text)
                assert text[span["start"] : span["end"]] == span["text"]
        _check_problems(problems)

    run()
    assert len(tried) >= _budget(slow, "pipeline")["max_examples"]
    print(f"pipeline fuzz: {len(tried)} examples, {sum(tried)} texts")


@pytest.mark.slow
def test_hostile_texts_at_a_megabyte_finish(nlp):
    """Each text of resources/hostile.v1.json at 1 MB is extracted (time: claimwatch bench --hostile)."""
    from claimwatch.bench.hostile import hostile_texts, repeated

    for name, unit in hostile_texts().items():
        problems: list[InputProblem] = []
        (out,) = extract_articles(nlp, [Article(id=name, text=repeated(unit, 1_000_000))], problems=problems)
        assert problems, name  # the guard said what it left out
