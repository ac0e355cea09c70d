"""``claimwatch spark``: extraction as a Spark job, written as Parquet for ``claimwatch load`` (docs/SCALE.md).

The job has two stages:

1. read: one task per input file runs the ingest readers (``ingest.readers.read_articles``) on it, so every
   record becomes exactly the Article ``claimwatch ingest`` makes of it (same id, fields, language filter,
   problems). Each row carries its input position (file index, record index).
2. extract: the articles are spread over ``partitions`` partitions and ``mapPartitions`` runs the pipeline
   (``pipeline.extract_articles``), loading spaCy once per Python worker process (workers are reused across
   tasks), with ``nlp.pipe`` and n_process=1 inside.

The extracted rows are persisted once and written as the datasets of ``batch.layout``; ``articles/`` is sorted
by input position, so ``claimwatch load`` sees articles in the order ingest would and deduplicates the same way.

Inputs are read with Python file APIs on the executors: INPUT must be a path every executor can read (local
mode, or a shared filesystem on a cluster); a single file is read by one task (NLP, not reading, is the cost).
"""
from __future__ import annotations

import functools
import itertools
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional

from .. import PIPELINE_VERSION
from ..errors import ClaimwatchError, InputError
from ..ingest.readers import DEFAULT_FIELDS, DIRECTORY_SUFFIXES, FieldMap, InputProblem, iter_input_files, read_articles
from ..schema import Article, ArticleOut
from . import layout

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger("claimwatch")

DEFAULT_MASTER = "local[2]"
# Spark's own log (the driver JVM's log4j2) in quiet mode, the default: a failed job comes back to Python and
# is reported in one line, so once the session is up the log is turned off (a failed task would otherwise print
# a Java stack trace). Until then: warnings (Spark announces any other root level), minus two harmless startup
# ones. Written to a temporary file: the JVM reads it at startup only. `-v` leaves Spark's logging alone.
_QUIET_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader
logger.hadoop.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""
# Records handed to nlp.pipe at a time inside a partition: bounds memory, not a tuning knob.
_CHUNK = 256


class SparkError(ClaimwatchError):
    """Spark is missing, cannot start, or a job failed."""


@dataclass(frozen=True)
class SparkOptions:
    """What ``claimwatch spark`` passes to the job (everything here is pickled to the executors)."""

    model: Optional[str] = None
    actors_path: Optional[str] = None
    fields: FieldMap = DEFAULT_FIELDS
    languages: Optional[frozenset[str]] = frozenset({"en"})  # None keeps every language
    max_chars: int = 1_000_000
    batch_size: int = 16
    partitions: Optional[int] = None  # None: the session's default parallelism
    limit: Optional[int] = None  # only the first N articles of the input


@dataclass
class SparkStats:
    files: int = 0
    articles: int = 0
    claims: int = 0
    events: int = 0
    actors: int = 0
    partitions: int = 0
    seconds: float = 0.0  # the job itself, without starting the session
    problems: list[InputProblem] = field(default_factory=list)
    skipped: list[InputProblem] = field(default_factory=list)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0


# --- the session ------------------------------------------------------------------------------------------


def spark_session(master: str = DEFAULT_MASTER, *, quiet: bool = True, progress: bool = False) -> tuple["SparkSession", bool]:
    """The active SparkSession, else a new one on ``master``; returns (session, created here).

    Raises:
        SparkError: pyspark is not installed, or Spark (Java) cannot start.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError("claimwatch spark needs pyspark: pip install 'claimwatch[spark]'") from None
    # pyspark warns on every session about pandas 3, which claimwatch never hands it.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    # Python workers run the interpreter named here (default: whatever "python3" is on PATH, which may lack
    # claimwatch and spaCy); this one has them.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("claimwatch").config("spark.ui.showConsoleProgress", str(progress).lower())
    # Under spark-submit the JVM is already running with the submitted master and settings: keep them.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if not submitted:
        builder = builder.master(master).config("spark.ui.enabled", "false")
    log_config = None
    if quiet and not submitted:
        log_config = tempfile.NamedTemporaryFile("w", prefix="claimwatch-log4j2-", suffix=".properties", delete=False)
        with log_config:
            log_config.write(_QUIET_LOG4J2)
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_config.name}")
    if master.startswith("local") and not submitted:
        # Containers and laptops often have a hostname that does not resolve; local mode needs no network.
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # JAVA_GATEWAY_EXITED and friends: no usable Java, or a bad master URL
        raise SparkError(f"cannot start Spark on {master} (needs Java 17+ on PATH or JAVA_HOME): {_one_line(exc)}") from None
    finally:
        if log_config is not None:
            os.unlink(log_config.name)
    if quiet:
        session.sparkContext.setLogLevel("OFF")
    return session, True


# --- the job ----------------------------------------------------------------------------------------------


def input_files(path: str) -> list[str]:
    """The files ``claimwatch ingest PATH`` would read, in the order it reads them."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or directory")
    if p.is_dir():
        files = iter_input_files(p)
        if not files:
            raise InputError(f"{path}: directory has no input files ({', '.join(sorted(DIRECTORY_SUFFIXES))})")
        return [str(f) for f in files]
    return [str(p)]


def check_model(model: Optional[str]) -> None:
    """Fail on the driver, in one line, when the spaCy pipeline is not installed (not in every task)."""
    import spacy.util

    from ..pipeline import DEFAULT_MODELS

    names = (model,) if model else DEFAULT_MODELS
    if any(spacy.util.is_package(n) or Path(n).is_dir() for n in names):
        return
    from ..pipeline import load_base_model

    load_base_model(model)  # raises ModelNotFoundError with the install command


def check_output_dir(output: Path, overwrite: bool) -> None:
    """Fail unless ``output`` is absent, empty, or (with ``overwrite``) an earlier claimwatch spark output."""
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: exists and is not a directory")
    if output.is_dir() and any(output.iterdir()):
        if not overwrite:
            raise InputError(f"{output}: exists and is not empty (pass --overwrite to replace an earlier output)")
        if not ((output / layout.MANIFEST).is_file() or (output / layout.ARTICLES).is_dir()):
            raise InputError(f"{output}: not a claimwatch spark output; refusing to overwrite it")


def prepare_output(output: Path, overwrite: bool) -> None:
    """Make ``output`` an empty folder; only ever deletes an earlier claimwatch spark output."""
    check_output_dir(output, overwrite)
    if output.is_dir() and any(output.iterdir()):
        shutil.rmtree(output)
    output.mkdir(parents=True, exist_ok=True)


def run_spark(spark: "SparkSession", input_path: str, output: Path, options: SparkOptions = SparkOptions(), *,
              overwrite: bool = False) -> SparkStats:
    """Extract every article under ``input_path`` on ``spark`` and write the datasets of ``batch.layout``.

    Raises:
        InputError: the input does not exist, or the output folder is in the way.
        SparkError: a Spark job failed (the message is the Python error from the executor, when there is one).
    """
    from pyspark import StorageLevel

    files = input_files(input_path)
    check_model(options.model)
    prepare_output(output, overwrite)
    sc = spark.sparkContext
    stats = SparkStats(files=len(files))
    stats.partitions = options.partitions or sc.defaultParallelism
    started = time.perf_counter()

    # Stage 1: one task per file (at most 4 per partition: tiny files need not be a task each).
    read_slices = max(1, min(len(files), 4 * stats.partitions))
    records = sc.parallelize(list(enumerate(files)), read_slices).flatMap(functools.partial(_read_file, options=options))
    if options.limit is not None:
        records = _first_articles(records, options.limit)
    # Stage 2: spread the articles evenly, then one pipeline per partition.
    extracted = (records.repartition(stats.partitions)
                 .mapPartitions(functools.partial(_extract_partition, options=options))
                 .persist(StorageLevel.MEMORY_AND_DISK))
    try:
        articles = extracted.filter(lambda r: r[0] == "article")
        _write(spark, articles.map(_article_row), layout.ARTICLE_COLUMNS, output / layout.ARTICLES,
               sort=("file_index", "record_index"))
        results = articles.map(lambda r: ArticleOut.model_validate_json(r[4]))
        _write(spark, results.flatMap(layout.claim_rows), layout.CLAIM_SCHEMA, output / layout.CLAIMS)
        _write(spark, results.flatMap(layout.event_rows), layout.EVENT_COLUMNS, output / layout.EVENTS)
        actors = (results.flatMap(layout.actor_mentions)
                  .map(lambda kv: (kv[0], (kv[1], 1)))
                  .reduceByKey(lambda a, b: (min(a[0], b[0], key=_none_last), a[1] + b[1]))
                  .map(lambda kv: (kv[0], *kv[1][0], kv[1][1])))
        _write(spark, actors, layout.ACTOR_COLUMNS, output / layout.ACTORS)
        problems = extracted.filter(lambda r: r[0] != "article").map(lambda r: (r[1], r[2], r[0], r[3], r[4]))
        _write(spark, problems, layout.PROBLEM_COLUMNS, output / layout.PROBLEMS)
    except Exception as exc:
        if isinstance(exc, ClaimwatchError):
            raise
        raise _job_error(exc) from None
    finally:
        extracted.unpersist()
    # Counted from what was written (Parquet footers, and the few problem rows): no further Spark jobs.
    stats.articles = layout.row_count(output, layout.ARTICLES)
    stats.claims = layout.row_count(output, layout.CLAIMS)
    stats.events = layout.row_count(output, layout.EVENTS)
    stats.actors = layout.row_count(output, layout.ACTORS)
    for row in sorted(layout.read_rows(output, layout.PROBLEMS), key=lambda r: (r["file_index"], r["record_index"])):
        (stats.skipped if row["kind"] == "skipped" else stats.problems).append(InputProblem(row["origin"], row["message"]))
    stats.seconds = time.perf_counter() - started
    layout.write_manifest(
        output, input_path=input_path, model=options.model, pipeline_version=PIPELINE_VERSION,
        counts={"files": stats.files, "articles": stats.articles, "claims": stats.claims, "events": stats.events,
                "actors": stats.actors, "problems": len(stats.problems), "skipped": len(stats.skipped)},
        options={"languages": sorted(options.languages) if options.languages is not None else None,
                 "fields": vars(options.fields), "max_chars": options.max_chars, "partitions": stats.partitions,
                 "limit": options.limit, "actors": options.actors_path},
    )
    return stats


def _write(spark: "SparkSession", rows: Any, columns: tuple[tuple[str, str], ...], path: Path,
           sort: Optional[tuple[str, ...]] = None) -> None:
    from pyspark.sql.types import StructType

    schema = StructType.fromDDL(", ".join(f"`{name}` {kind}" for name, kind in columns))
    df = spark.createDataFrame(rows, schema)
    if sort:
        # A global sort: part files come out in key order, which the loader relies on.
        df = df.orderBy(*sort)
    started = time.perf_counter()
    df.write.mode("error").parquet(str(path))
    log.info("spark: %s written in %.1f s", path.name, time.perf_counter() - started)


def _none_last(value: tuple) -> tuple:
    """Sort key for actor records: fuller records (fewer None fields) first, then alphabetical; deterministic."""
    return (sum(v is None for v in value), tuple("" if v is None else str(v) for v in value))


def _job_error(exc: Exception) -> SparkError:
    """One line from a failed Spark job: the executor's Python error when there is one, else Spark's."""
    text = str(exc)
    python = re.findall(r"^((?:[\w.]+\.)?\w*(?:Error|Exception)): (.+)$", text, flags=re.MULTILINE)
    for name, message in reversed(python):
        if not name.startswith(("org.", "java.", "py4j.", "scala.")):
            return SparkError(f"Spark job failed: {name.rsplit('.', 1)[-1]}: {message.strip()}")
    return SparkError(f"Spark job failed: {_one_line(exc)}")


def _one_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return lines[0][:300] if lines else type(exc).__name__


# --- executor side (module-level functions: pickled by reference) -----------------------------------------

_NLP: dict[tuple[Optional[str], Optional[str]], Any] = {}


def _pipeline(options: SparkOptions) -> Any:
    """The spaCy pipeline for these options, loaded once per Python worker (workers are reused across tasks)."""
    key = (options.model, options.actors_path)
    if key not in _NLP:
        from ..pipeline import load_nlp

        _NLP.clear()
        _NLP[key] = load_nlp(options.model, actors_path=options.actors_path)
    return _NLP[key]


def _read_file(indexed: tuple[int, str], options: SparkOptions) -> Iterator[tuple]:
    """Rows of one input file in order: ``("article", file, record, Article)`` or
    ``("problem"|"skipped", file, record, origin, message)``."""
    file_index, path = indexed
    problems: list[InputProblem] = []
    skipped: list[InputProblem] = []
    counter = itertools.count()
    articles = read_articles([path], max_chars=options.max_chars, problems=problems, fields=options.fields,
                             languages=options.languages, skipped=skipped)
    n = 0

    def drained() -> Iterator[tuple]:
        # Problems are appended while the reader works; emit them at the position they were found.
        for kind, found in (("problem", problems), ("skipped", skipped)):
            for p in found:
                yield (kind, file_index, next(counter), p.origin, p.message)
            found.clear()

    for article in articles:
        yield from drained()
        yield ("article", file_index, next(counter), article)
        n += 1
        if options.limit is not None and n >= options.limit:  # no file contributes more than the limit
            break
    yield from drained()


def _first_articles(records: Any, limit: int) -> Any:
    """Keep rows up to the ``limit``-th article in input order (problems before it included)."""
    keys = records.filter(lambda r: r[0] == "article").map(lambda r: (r[1], r[2])).takeOrdered(limit)
    if not keys:
        return records
    last = keys[-1]
    return records.filter(lambda r: (r[1], r[2]) <= last)


def _extract_partition(rows: Iterable[tuple], options: SparkOptions) -> Iterator[tuple]:
    """Extract the partition's articles with one pipeline; articles become
    ``("article", file, record, Article, result JSON, n_claims)``, problems pass through."""
    from ..pipeline import extract_articles

    it = iter(rows)
    while True:
        chunk = list(itertools.islice(it, _CHUNK))
        if not chunk:
            return
        todo = [r for r in chunk if r[0] == "article"]
        for r in chunk:
            if r[0] != "article":
                yield r
        if not todo:
            continue
        results = extract_articles(_pipeline(options), (r[3] for r in todo), batch_size=options.batch_size)
        for r, result in zip(todo, results):
            yield (*r, result.model_dump_json(), len(result.claims))


def _article_row(r: tuple) -> tuple:
    _, file_index, record_index, a, result, n_claims = r
    a: Article
    return (file_index, record_index, a.id, a.title, a.date, a.outlet, a.url, a.origin, a.text, n_claims, result)
