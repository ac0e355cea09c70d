"""Read inputs into Articles: text files, directories, stdin, JSONL and CSV/TSV records.

Bad input never raises: each unreadable file or record becomes an ``InputProblem`` appended to the caller's
list, and reading goes on with the rest. The caller decides what a problem means (the CLI exits 1 at the end).
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping, Optional, Sequence

from ..errors import InputError
from ..schema import Article
from .hashing import normalised_text_hash

log = logging.getLogger("claimwatch")

STDIN = "-"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
# What a directory walk picks up; a file named explicitly is read whatever its suffix.
DIRECTORY_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | TABLE_SUFFIXES

TEXT_FIELDS = ("text", "body", "content")  # first one present wins
META_FIELDS = ("title", "date", "outlet", "url")

# UTF-8 needs at most 4 bytes a character, so more bytes than this cannot fit max_chars characters.
_MAX_BYTES_PER_CHAR = 4
_SNIFF_BYTES = 8192
_ENCODING_SAMPLE_BYTES = 1 << 20
# Share of C0 control bytes (other than tab, newlines, form feed) above which a file is not text.
_MAX_CONTROL_RATIO = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v")
# The largest value csv.field_size_limit accepts on every platform (a 32-bit C long).
_CSV_FIELD_LIMIT = 2**31 - 1
# Order matters: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer guesses at random among Latin code pages on article-length texts (cp1252 French comes
# back as cp1257 or cp850), so Western text is recognised first: it decodes as cp1252 (the legacy encoding
# of most English and Western European news; WHATWG also reads "latin-1" as windows-1252) to accented letters
# and typographic punctuation only, and accented letters are a minority. Cyrillic or Greek bytes decoded
# as cp1252 are nearly all accented letters, and Polish/Czech ones often give ³ ¹ ¦, so those fall through.
_CP1252_PLAUSIBLE = frozenset(
    "€„…†‡‰Š‹ŒŽ‘’“”•–—™š›œžŸ\u00a0¡¢£¥§©ª«\u00ad®°±µ¶·º»¼½¾¿"
    + "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7))
)
_MAX_ACCENTED_LETTER_RATIO = 0.3

@dataclass(frozen=True)
class ArticleMeta:
    """Metadata given on the command line for plain-text inputs (JSONL/CSV records carry their own)."""

    id: Optional[str] = None
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None


@dataclass(frozen=True)
class InputProblem:
    """One file or record that could not be read; ``origin`` is a path, ``path:line`` or ``<stdin>``."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


def normalise_date(value: str) -> str:
    """Validate an ISO 8601 date or datetime; return ``YYYY-MM-DD`` or a full ISO datetime string.

    Raises:
        ValueError: the value is not an ISO date.
    """
    v = value.strip()
    try:
        return date.fromisoformat(v).isoformat()
    except ValueError:
        pass
    try:
        # Python < 3.11 does not accept a trailing "Z".
        return datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v).isoformat()
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD or ISO datetime): {value!r}") from None


def read_articles(
    paths: Sequence[str],
    *,
    meta: Optional[ArticleMeta] = None,
    max_chars: int = 1_000_000,
    problems: list[InputProblem],
) -> Iterator[Article]:
    """Yield an Article for every readable text or record in ``paths``, in order.

    Args:
        paths: files, directories (walked recursively in sorted order, hidden entries skipped) or ``"-"``
            for stdin. ``.jsonl``/``.ndjson`` and ``.csv``/``.tsv`` files hold one article per record;
            any other file is one plain-text article.
        meta: metadata for plain-text inputs (files and stdin); records keep their own fields.
        max_chars: articles with longer text are skipped with a problem.
        problems: receives one InputProblem per unreadable file or record; reading goes on.

    Raises:
        InputError: ``meta`` is itself invalid (a bad date, or an id given for more than one input).
    """
    meta = _checked_meta(meta, paths)
    seen_ids: set[str] = set()
    for raw in paths:
        for article in _read_one(raw, meta, max_chars, problems):
            if article.id in seen_ids:
                # Not fatal (a re-run of the same story is legitimate), but the store would merge them.
                log.warning("%s: article id %r was already used by an earlier input", article.origin, article.id)
            seen_ids.add(article.id)
            yield article


def iter_input_files(root: Path) -> list[Path]:
    """Files under ``root`` that a directory walk reads: known suffixes, no hidden files or folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and Path(name).suffix.lower() in DIRECTORY_SUFFIXES:
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


# --- dispatch ---------------------------------------------------------------------------------------------


def _checked_meta(meta: Optional[ArticleMeta], paths: Sequence[str]) -> ArticleMeta:
    if meta is None:
        return ArticleMeta()
    if meta.id and (len(paths) != 1 or (paths[0] != STDIN and Path(paths[0]).is_dir())):
        raise InputError("an article id names one article: give exactly one text file or '-' with --id")
    if meta.date:
        try:
            meta = ArticleMeta(meta.id, meta.title, normalise_date(meta.date), meta.outlet, meta.url)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    return meta


def _read_one(raw: str, meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Iterator[Article]:
    if raw == STDIN:
        article = _read_stdin(meta, max_chars, problems)
        if article:
            yield article
        return
    path = Path(raw)
    if not path.exists():
        problems.append(InputProblem(raw, "no such file or directory"))
        return
    if path.is_dir():
        files = iter_input_files(path)
        if not files:
            wanted = ", ".join(sorted(DIRECTORY_SUFFIXES))
            problems.append(InputProblem(raw, f"directory has no input files ({wanted})"))
        for file in files:
            yield from _read_file(file, meta, max_chars, problems)
        return
    yield from _read_file(path, meta, max_chars, problems)


def _read_file(path: Path, meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Iterator[Article]:
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            _warn_meta_ignored(meta, path)
            yield from _read_jsonl(path, max_chars, problems)
        elif suffix in TABLE_SUFFIXES:
            _warn_meta_ignored(meta, path)
            yield from _read_table(path, "\t" if suffix == ".tsv" else ",", max_chars, problems)
        else:
            article = _read_text_file(path, meta, max_chars, problems)
            if article:
                yield article
    except OSError as exc:
        # Permission denied, a file vanishing mid-walk, an I/O error: the file is lost, the run is not.
        problems.append(InputProblem(str(path), exc.strerror or str(exc)))


def _warn_meta_ignored(meta: ArticleMeta, path: Path) -> None:
    if meta != ArticleMeta():
        log.warning("%s: metadata options apply to plain-text inputs only; records keep their own fields", path)


# --- plain text -------------------------------------------------------------------------------------------


def _read_text_file(path: Path, meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Optional[Article]:
    origin = str(path)
    # Read through a capped stream rather than trusting stat(): pipes and /dev/fd paths report size 0.
    with path.open("rb") as stream:
        data = _read_capped(stream, max_chars, origin, problems)
    if data is None:
        return None
    text = _decode_text(data, origin, problems)
    if text is None or not _text_ok(text, origin, max_chars, problems):
        return None
    return _plain_article(text, meta, origin, default_id=path.stem)


def _read_stdin(meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Optional[Article]:
    origin = "<stdin>"
    stream: BinaryIO = getattr(sys.stdin, "buffer", None) or io.BytesIO(
        # stdin replaced by a text-only stream (embedding, some test harnesses): already decoded.
        sys.stdin.read(max_chars + 1).encode("utf-8")
    )
    data = _read_capped(stream, max_chars, origin, problems)
    if data is None:
        return None
    text = _decode_text(data, origin, problems)
    if text is None or not _text_ok(text, origin, max_chars, problems):
        return None
    return _plain_article(text, meta, origin, default_id=None)


def _read_capped(stream: BinaryIO, max_chars: int, origin: str, problems: list[InputProblem]) -> Optional[bytes]:
    limit = max_chars * _MAX_BYTES_PER_CHAR
    data = stream.read(limit + 1)
    if len(data) > limit:
        problems.append(InputProblem(origin, f"input is over the limit of {max_chars:,} characters"))
        return None
    if not data:
        problems.append(InputProblem(origin, "empty file"))
        return None
    return data


def _plain_article(text: str, meta: ArticleMeta, origin: str, default_id: Optional[str]) -> Article:
    return Article(
        id=meta.id or default_id or normalised_text_hash(text),
        text=text,
        title=meta.title,
        date=meta.date,
        outlet=meta.outlet,
        url=meta.url,
        origin=origin,
    )


def _text_ok(text: str, origin: str, max_chars: int, problems: list[InputProblem]) -> bool:
    if not text.strip():
        problems.append(InputProblem(origin, "no text (empty or whitespace only)"))
        return False
    if len(text) > max_chars:
        problems.append(InputProblem(origin, f"text is {len(text):,} characters, over the limit of {max_chars:,}"))
        return False
    return True


# --- encodings --------------------------------------------------------------------------------------------


def _bom_encoding(data: bytes) -> Optional[str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes or many control bytes: an image, archive, PDF or office file, not text."""
    if not sample or _bom_encoding(sample) in ("utf-16", "utf-32"):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if (b < 0x20 and b not in _TEXT_CONTROLS) or b == 0x7F)
    return controls / len(sample) > _MAX_CONTROL_RATIO


def _detect_encoding(sample: bytes, *, complete: bool) -> Optional[str]:
    """The encoding of ``sample``: a BOM's, else UTF-8 if it decodes, else charset-normalizer's best guess.

    ``complete=False`` means the sample may end mid-character (a prefix of a longer file).
    """
    bom = _bom_encoding(sample)
    if bom:
        return bom
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _plausible_cp1252(sample):
        return "cp1252"
    from charset_normalizer import from_bytes  # imported late: only non-Western legacy input pays for it

    best = from_bytes(sample).best()
    return best.encoding if best is not None else None


def _plausible_cp1252(sample: bytes) -> bool:
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        return False
    high = [ch for ch in text if ord(ch) > 0x7F]
    if not all(ch in _CP1252_PLAUSIBLE for ch in high):
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    accented = sum(1 for ch in high if ch.isalpha())
    return letters > 0 and accented / letters <= _MAX_ACCENTED_LETTER_RATIO


def _decode_text(data: bytes, origin: str, problems: list[InputProblem]) -> Optional[str]:
    if _looks_binary(data[:_SNIFF_BYTES]):
        problems.append(InputProblem(origin, "binary file, not text"))
        return None
    encoding = _detect_encoding(data, complete=True)
    if encoding is None:
        problems.append(InputProblem(origin, "not UTF-8 and its text encoding could not be detected"))
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        problems.append(InputProblem(origin, f"cannot decode as {encoding}: {exc.reason}"))
        return None
    _log_legacy(origin, encoding)
    return text


def _log_legacy(origin: str, encoding: str) -> None:
    if encoding not in ("utf-8", "utf-8-sig"):
        log.warning("%s: not UTF-8; decoded as %s", origin, encoding)


def _iter_lines(path: Path, problems: list[InputProblem]) -> Iterator[tuple[int, str]]:
    """Stream ``(line number, line with its ending)`` from a record file, one line in memory at a time."""
    origin = str(path)
    with path.open("rb") as stream:
        sample = stream.read(_ENCODING_SAMPLE_BYTES)
        if not sample:
            problems.append(InputProblem(origin, "empty file"))
            return
        if _looks_binary(sample[:_SNIFF_BYTES]):
            problems.append(InputProblem(origin, "binary file, not text"))
            return
        encoding = _detect_encoding(sample, complete=len(sample) < _ENCODING_SAMPLE_BYTES)
        if encoding is None:
            problems.append(InputProblem(origin, "not UTF-8 and its text encoding could not be detected"))
            return
        _log_legacy(origin, encoding)
        stream.seek(0)
        if encoding in ("utf-16", "utf-32"):
            # Wide encodings cannot be split on b"\n"; decode as a stream and give up on the first bad byte.
            wide = io.TextIOWrapper(stream, encoding=encoding, newline="")
            lineno = 0
            try:
                for lineno, line in enumerate(wide, 1):
                    yield lineno, line
            except UnicodeDecodeError as exc:
                problems.append(InputProblem(f"{origin}:{lineno + 1}", f"cannot decode as {encoding}: {exc.reason}; rest of file skipped"))
            return
        for lineno, raw in enumerate(stream, 1):
            try:
                yield lineno, raw.decode(encoding)
            except UnicodeDecodeError as exc:
                problems.append(InputProblem(f"{origin}:{lineno}", f"cannot decode as {encoding}: {exc.reason}"))


# --- records ----------------------------------------------------------------------------------------------


def _read_jsonl(path: Path, max_chars: int, problems: list[InputProblem]) -> Iterator[Article]:
    for lineno, line in _iter_lines(path, problems):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(InputProblem(origin, f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if not isinstance(record, dict):
            problems.append(InputProblem(origin, f"expected a JSON object, found {type(record).__name__}"))
            continue
        article = _record_article(record, origin, max_chars, problems)
        if article:
            yield article


def _read_table(path: Path, delimiter: str, max_chars: int, problems: list[InputProblem]) -> Iterator[Article]:
    # Article bodies easily exceed csv's default 128 KiB field limit; our own max_chars check applies instead.
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    state = {"line": 0}

    def lines() -> Iterator[str]:
        for lineno, line in _iter_lines(path, problems):
            state["line"] = lineno
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    header: Optional[list[str]] = None
    while True:
        start = state["line"] + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(InputProblem(f"{path}:{start}", f"malformed row: {exc}"))
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lstrip("\ufeff").lower() for cell in row]
            if not any(field in header for field in TEXT_FIELDS):
                found = ", ".join(header)
                problems.append(InputProblem(f"{path}:{start}", f"header has no 'text' column (found: {found})"))
                return
            continue
        origin = f"{path}:{start}"
        if len(row) != len(header):
            problems.append(InputProblem(origin, f"malformed row: expected {len(header)} fields, found {len(row)}"))
            continue
        article = _record_article(dict(zip(header, row)), origin, max_chars, problems)
        if article:
            yield article


def _record_article(
    record: Mapping[str, object], origin: str, max_chars: int, problems: list[InputProblem]
) -> Optional[Article]:
    """Turn one JSONL/CSV record into an Article; on any bad field, report it and skip the record."""
    text = next((record[f] for f in TEXT_FIELDS if record.get(f) is not None), None)
    if text is None:
        problems.append(InputProblem(origin, "record has no 'text' field"))
        return None
    if not isinstance(text, str):
        problems.append(InputProblem(origin, f"'text' must be a string, found {type(text).__name__}"))
        return None
    if not _text_ok(text, origin, max_chars, problems):
        return None
    fields: dict[str, Optional[str]] = {}
    for name in ("id", *META_FIELDS):
        value = _scalar(record.get(name))
        if value is _BAD:
            problems.append(InputProblem(origin, f"'{name}' must be a string, found {type(record.get(name)).__name__}"))
            return None
        fields[name] = value  # type: ignore[assignment]
    if fields["date"]:
        try:
            fields["date"] = normalise_date(fields["date"])
        except ValueError as exc:
            problems.append(InputProblem(origin, str(exc)))
            return None
    return Article(
        id=fields["id"] or normalised_text_hash(text),
        text=text,
        title=fields["title"],
        date=fields["date"],
        outlet=fields["outlet"],
        url=fields["url"],
        origin=origin,
    )


_BAD = object()


def _scalar(value: object) -> object:
    """A metadata value as a stripped string or None; _BAD for lists, objects and booleans."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return _BAD
    text = str(value).strip()
    return text or None
