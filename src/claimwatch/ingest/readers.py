"""Read inputs into Articles: text, HTML, RSS/Atom, WARC files, directories, stdin, JSONL/CSV/Parquet records.

Any file may be gzip- or zstd-compressed (``.gz``, ``.zst``); it is decompressed as it is read.

Bad input never raises: each unreadable file or record becomes an ``InputProblem`` appended to the caller's
list, and reading goes on with the rest. The caller decides what a problem means (the CLI exits 1 at the end).
"""
from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import logging
import os
import stat
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping, Optional, Sequence

from ..errors import InputError, one_line
from ..schema import Article
from .compression import COMPRESSED_SUFFIXES, CompressedStreamError, inner_stem, inner_suffix, open_binary
from .feeds import FEED_SUFFIXES, URL_PREFIXES, FeedError, LinkFetcher, feed_articles, fetch_url
from .hashing import normalised_text_hash
from .html import HTML_SUFFIXES, HtmlExtractionError, html_to_article
from .isodate import normalise_date
from .surrogates import repaired_article, without_surrogates
from .warc import WARC_SUFFIXES, warc_articles

log = logging.getLogger("claimwatch")

STDIN = "-"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
PARQUET_SUFFIXES = frozenset({".parquet"})
# What a directory walk picks up (also when compressed); a file named explicitly is read whatever its suffix.
# ".xml" is read as a feed only when named: a directory may hold sitemaps and other XML.
DIRECTORY_SUFFIXES = (TEXT_SUFFIXES | JSONL_SUFFIXES | TABLE_SUFFIXES | PARQUET_SUFFIXES | HTML_SUFFIXES
                      | WARC_SUFFIXES | (FEED_SUFFIXES - {".xml"}))

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
class FieldMap:
    """Which record field (JSONL key, CSV header, Parquet column) holds each article part.

    ``text=None`` means the first of ``text``, ``body``, ``content`` that is present. Names match CSV headers
    case-insensitively.
    """

    text: Optional[str] = None
    id: str = "id"
    title: str = "title"
    date: str = "date"
    outlet: str = "outlet"
    url: str = "url"

    @property
    def text_fields(self) -> tuple[str, ...]:
        return (self.text,) if self.text else TEXT_FIELDS

    def lowered(self) -> "FieldMap":
        return FieldMap(self.text.lower() if self.text else None, self.id.lower(), self.title.lower(),
                        self.date.lower(), self.outlet.lower(), self.url.lower())


DEFAULT_FIELDS = FieldMap()

# The start of the problem for a file whose reader failed in a way no check foresaw (the fuzz tests look for it).
READER_FAILURE = "cannot be read: unexpected failure"


@dataclass(frozen=True)
class InputProblem:
    """One file or record that could not be read; ``origin`` is a path, ``path:line`` or ``<stdin>``."""

    origin: str
    message: str

    def __str__(self) -> str:
        # Escaped so a file name holding a newline (or undecodable bytes) still gives one printable line.
        return one_line(f"{self.origin}: {self.message}")


def read_articles(
    paths: Sequence[str],
    *,
    meta: Optional[ArticleMeta] = None,
    max_chars: int = 1_000_000,
    problems: list[InputProblem],
    fields: Optional[FieldMap] = None,
    languages: Optional[Iterable[str]] = None,
    skipped: Optional[list[InputProblem]] = None,
    fetch_links: bool = False,
) -> Iterator[Article]:
    """Yield an Article for every readable text or record in ``paths``, in order.

    Args:
        paths: files, directories (walked recursively in sorted order, hidden entries skipped), ``"-"``
            for stdin, or an ``http(s)://`` feed URL. ``.jsonl``/``.ndjson``, ``.csv``/``.tsv`` and
            ``.parquet`` files hold one article per record; ``.html``/``.htm`` is one page; ``.rss``/``.atom``/
            ``.xml`` one article per feed entry; ``.warc``/``.arc`` one per HTML response; any other file is one
            plain-text article. A ``.gz`` or ``.zst`` suffix after any of these is decompressed on the fly.
        meta: metadata for plain-text inputs (files and stdin); records keep their own fields.
        max_chars: articles with longer text are skipped with a problem.
        problems: receives one InputProblem per unreadable file or record; reading goes on.
        fields: record field names (``--text-field`` …) for JSONL, CSV and Parquet.
        languages: ISO 639-1 codes to keep (e.g. ``{"en"}``); articles confidently identified as another
            language are left out. None keeps every language.
        skipped: receives one InputProblem per article left out for its language (None: only logged).
        fetch_links: feed entries get the main text of the page they link to (``feeds.LinkFetcher``).

    Raises:
        InputError: ``meta`` is itself invalid (a bad date, or an id given for more than one input).
    """
    meta = _checked_meta(meta, paths)
    wanted = frozenset(languages) if languages is not None else None
    seen_ids: set[str] = set()
    fetcher = LinkFetcher() if fetch_links else None
    for raw in paths:
        for article in _read_one(raw, meta, max_chars, problems, fields or DEFAULT_FIELDS, fetcher):
            # Records were repaired (and reported) already; what is left here comes from file names that are
            # not UTF-8 or from markup, and is fixed quietly so that nothing downstream fails to encode it.
            article, repaired = repaired_article(article)
            if repaired:
                log.warning("%s: lone surrogates in %s replaced by U+FFFD", one_line(article.origin or article.id),
                            ", ".join(repaired))
            if wanted is not None:
                from .language import other_language

                lang = other_language(article.text, wanted)
                if lang is not None:
                    skip = InputProblem(article.origin or article.id, f"skipped: language is '{lang}', not {'/'.join(sorted(wanted))}")
                    if skipped is not None:
                        skipped.append(skip)
                    log.info("%s", skip)
                    continue
            if article.id in seen_ids:
                # Not fatal (a re-run of the same story is legitimate), but the store would merge them.
                log.warning("%s: article id %r was already used by an earlier input", article.origin, article.id)
            seen_ids.add(article.id)
            yield article


def iter_input_files(root: Path, problems: Optional[list[InputProblem]] = None) -> list[Path]:
    """Regular files under ``root`` that a directory walk reads: known suffixes, no hidden files or folders.

    Symbolic links to folders are not followed, so a walk cannot loop. A FIFO, socket or device with a known
    suffix, a dangling link or a link loop is left out with one problem in ``problems`` (when given): opening a
    FIFO would block for ever.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or inner_suffix(Path(name)) not in DIRECTORY_SUFFIXES:
                continue
            path = Path(dirpath) / name
            why = _not_regular(path)
            if why is None:
                found.append(path)
            elif problems is not None:
                problems.append(InputProblem(str(path), f"skipped: {why}"))
            else:
                log.warning("%s", InputProblem(str(path), f"skipped: {why}"))
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _not_regular(path: Path) -> Optional[str]:
    """Why ``path`` is not a regular file a walk may open (None when it is one)."""
    try:
        mode = os.stat(path).st_mode  # follows a link to a file; a link loop raises ELOOP
    except OSError as exc:
        return _stat_error(exc)
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file ({_file_kind(mode)})"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a file"


def _stat_error(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT and exc.filename is not None and os.path.islink(exc.filename):
        return "dangling symbolic link"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    return exc.strerror or str(exc)


def _mode(raw: str, problems: list[InputProblem]) -> Optional[int]:
    """The file mode of ``raw`` (links followed), or None with one problem saying why there is none."""
    try:
        return os.stat(raw).st_mode
    except OSError as exc:
        problems.append(InputProblem(raw, _stat_error(exc)))
        return None


def check_inputs(paths: Sequence[str], problems: list[InputProblem]) -> list[str]:
    """The ``paths`` worth reading: each missing, unreadable or unusable one becomes a problem instead.

    Cheap (one stat and an access check each, no directory walk), so a command runs it before it loads a model
    or creates a store. Named FIFOs and devices stay (``<(cmd)`` and ``/dev/stdin`` are pipes); sockets go.
    """
    kept: list[str] = []
    for raw in paths:
        if raw == STDIN or raw.startswith(URL_PREFIXES):
            kept.append(raw)
            continue
        mode = _mode(raw, problems)
        if mode is None:
            continue
        if stat.S_ISSOCK(mode):
            problems.append(InputProblem(raw, "not a file or directory (a socket)"))
        elif not os.access(raw, os.R_OK | (os.X_OK if stat.S_ISDIR(mode) else 0)):
            problems.append(InputProblem(raw, "permission denied"))
        else:
            kept.append(raw)
    return kept


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


def _read_one(
    raw: str, meta: ArticleMeta, max_chars: int, problems: list[InputProblem], fields: FieldMap,
    fetcher: Optional[LinkFetcher] = None,
) -> Iterator[Article]:
    if raw.startswith(URL_PREFIXES):
        try:
            data = fetch_url(raw)
        except FeedError as exc:
            problems.append(InputProblem(raw, str(exc)))
            return
        yield from _entries(feed_articles_checked(data, raw, problems, fetcher), max_chars, problems)
        return
    if raw == STDIN:
        article = _read_stdin(meta, max_chars, problems)
        if article:
            yield article
        return
    path = Path(raw)
    mode = _mode(raw, problems)
    if mode is None:
        return
    if stat.S_ISDIR(mode):
        files = iter_input_files(path, problems)
        if not files:
            wanted = ", ".join(sorted(DIRECTORY_SUFFIXES))
            problems.append(InputProblem(raw, f"directory has no input files ({wanted})"))
        for file in files:
            yield from _read_file(file, meta, max_chars, problems, fields, fetcher)
        return
    yield from _read_file(path, meta, max_chars, problems, fields, fetcher)


def _read_file(
    path: Path, meta: ArticleMeta, max_chars: int, problems: list[InputProblem], fields: FieldMap = DEFAULT_FIELDS,
    fetcher: Optional[LinkFetcher] = None,
) -> Iterator[Article]:
    suffix = inner_suffix(path)
    try:
        if suffix in JSONL_SUFFIXES:
            _warn_meta_ignored(meta, path)
            yield from _read_jsonl(path, max_chars, problems, fields)
        elif suffix in TABLE_SUFFIXES:
            _warn_meta_ignored(meta, path)
            yield from _read_table(path, "\t" if suffix == ".tsv" else ",", max_chars, problems, fields)
        elif suffix in PARQUET_SUFFIXES:
            _warn_meta_ignored(meta, path)
            yield from _read_parquet(path, max_chars, problems, fields)
        elif suffix in HTML_SUFFIXES:
            article = _read_html_file(path, meta, max_chars, problems)
            if article:
                yield article
        elif suffix in FEED_SUFFIXES:
            _warn_meta_ignored(meta, path)
            data = _read_capped_file(path, max_chars, problems)
            if data is not None:
                yield from _entries(feed_articles_checked(data, str(path), problems, fetcher), max_chars, problems)
        elif suffix in WARC_SUFFIXES:
            _warn_meta_ignored(meta, path)
            # warcio reads gzip-per-record archives (.warc.gz) itself; only zstd needs unwrapping here.
            opener = path.open if path.suffix.lower() == ".gz" else (lambda _mode: open_binary(path))
            with opener("rb") as stream:
                yield from _entries(warc_articles(stream, str(path)), max_chars, problems)
        else:
            article = _read_text_file(path, meta, max_chars, problems)
            if article:
                yield article
    except OSError as exc:
        # Permission denied, a file vanishing mid-walk, an I/O error, a truncated .gz: the file is lost, the
        # run is not.
        problems.append(InputProblem(str(path), exc.strerror or str(exc)))
    except Exception as exc:  # a reader bug must cost one file, not the run; the type name says it was a bug
        log.debug("%s: reader failed", path, exc_info=True)
        problems.append(InputProblem(str(path), f"{READER_FAILURE} ({type(exc).__name__}: {exc})"))


def _warn_meta_ignored(meta: ArticleMeta, path: Path) -> None:
    if meta != ArticleMeta():
        log.warning("%s: metadata options apply to plain-text inputs only; records keep their own fields", path)


# --- plain text -------------------------------------------------------------------------------------------


def _read_text_file(path: Path, meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Optional[Article]:
    origin = str(path)
    # Read through a capped stream rather than trusting stat(): pipes and /dev/fd paths report size 0.
    data = _read_capped_file(path, max_chars, problems)
    if data is None:
        return None
    text = _decode_text(data, origin, problems)
    if text is None or not _text_ok(text, origin, max_chars, problems):
        return None
    return _plain_article(text, meta, origin, default_id=inner_stem(path))


def _read_capped_file(path: Path, max_chars: int, problems: list[InputProblem]) -> Optional[bytes]:
    with open_binary(path) as stream:
        return _read_capped(stream, max_chars, str(path), problems)


# --- HTML, feeds, web archives ----------------------------------------------------------------------------


def _read_html_file(path: Path, meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Optional[Article]:
    origin = str(path)
    data = _read_capped_file(path, max_chars * 4, problems)  # markup is several times the text
    if data is None:
        return None
    html = _decode_text(data, origin, problems)
    if html is None:
        return None
    try:
        article = html_to_article(html, origin=origin, default_id=meta.id or inner_stem(path), url=meta.url,
                                  date=meta.date, outlet=meta.outlet)
    except HtmlExtractionError as exc:
        problems.append(InputProblem(origin, str(exc)))
        return None
    if meta.title:
        article = Article(id=article.id, text=article.text, title=meta.title, date=article.date,
                          outlet=article.outlet, url=article.url, origin=origin)
    return article if _text_ok(article.text, origin, max_chars, problems) else None


def feed_articles_checked(data: bytes, origin: str, problems: list[InputProblem], fetcher: Optional[LinkFetcher] = None):
    """``feeds.feed_articles``, with a feed that cannot be parsed at all reported as one problem."""
    try:
        yield from feed_articles(data, origin, fetcher)
    except FeedError as exc:
        problems.append(InputProblem(origin, str(exc)))


def _entries(entries, max_chars: int, problems: list[InputProblem]) -> Iterator[Article]:
    """Articles from ``(origin, article, problem)`` triples (feeds, WARC), problems reported."""
    for where, article, problem in entries:
        if problem is not None:
            problems.append(InputProblem(where, problem))
        elif article is not None and _text_ok(article.text, where, max_chars, problems):
            yield article


def _read_stdin(meta: ArticleMeta, max_chars: int, problems: list[InputProblem]) -> Optional[Article]:
    origin = "<stdin>"
    stream: BinaryIO = getattr(sys.stdin, "buffer", None) or io.BytesIO(
        # stdin replaced by a text-only stream (embedding, some test harnesses): already decoded.
        _repaired(sys.stdin.read(max_chars + 1), origin, "text", problems).encode("utf-8")
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


def _read_sample(stream: BinaryIO) -> tuple[bytes, bool]:
    """The first bytes of a file for sniffing, and whether a damaged compressed stream cut them short.

    Read in chunks so the part before the damage is kept: the second pass then reads the lines up to it.
    """
    chunks: list[bytes] = []
    size = 0
    while size < _ENCODING_SAMPLE_BYTES:
        try:
            chunk = stream.read(min(_SNIFF_BYTES, _ENCODING_SAMPLE_BYTES - size))
        except CompressedStreamError:
            return b"".join(chunks), True
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def _iter_lines(path: Path, problems: list[InputProblem]) -> Iterator[tuple[int, str]]:
    """Stream ``(line number, line with its ending)`` from a record file, one line in memory at a time."""
    origin = str(path)
    with open_binary(path) as stream:
        sample, damaged = _read_sample(stream)
        if not sample and not damaged:
            problems.append(InputProblem(origin, "empty file"))
            return
        if _looks_binary(sample[:_SNIFF_BYTES]):
            problems.append(InputProblem(origin, "binary file, not text"))
            return
        encoding = _detect_encoding(sample, complete=len(sample) < _ENCODING_SAMPLE_BYTES and not damaged)
        if encoding is None:
            problems.append(InputProblem(origin, "not UTF-8 and its text encoding could not be detected"))
            return
        _log_legacy(origin, encoding)
    # Reopened rather than seek(0): decompressing streams cannot seek back.
    with open_binary(path) as stream:
        if encoding in ("utf-16", "utf-32"):
            # Wide encodings cannot be split on b"\n"; decode as a stream and give up on the first bad byte.
            wide = io.TextIOWrapper(stream, encoding=encoding, newline="")
            lineno = 0
            try:
                for lineno, line in enumerate(wide, 1):
                    yield lineno, line
            except UnicodeDecodeError as exc:
                problems.append(InputProblem(f"{origin}:{lineno + 1}", f"cannot decode as {encoding}: {exc.reason}; rest of file skipped"))
            except CompressedStreamError as exc:
                problems.append(InputProblem(f"{origin}:{lineno + 1}", f"{exc}; rest of file skipped"))
            return
        lineno = 0
        try:
            for lineno, raw in enumerate(stream, 1):
                try:
                    yield lineno, raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    problems.append(InputProblem(f"{origin}:{lineno}", f"cannot decode as {encoding}: {exc.reason}"))
        except CompressedStreamError as exc:
            # The lines before the damage were read; the one it cuts short is not.
            problems.append(InputProblem(f"{origin}:{lineno + 1}", f"{exc}; rest of file skipped"))


# --- records ----------------------------------------------------------------------------------------------


def _read_jsonl(path: Path, max_chars: int, problems: list[InputProblem],
                fields: FieldMap = DEFAULT_FIELDS) -> Iterator[Article]:
    for lineno, line in _iter_lines(path, problems):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        record = _parse_json(line, origin, problems)
        if record is _BAD:
            continue
        if not isinstance(record, dict):
            problems.append(InputProblem(origin, f"expected a JSON object, found {type(record).__name__}"))
            continue
        article = _record_article(record, origin, max_chars, problems, fields)
        if article:
            yield article


def _parse_json(line: str, origin: str, problems: list[InputProblem]) -> object:
    """The JSON value of one line, or _BAD with one problem: invalid, nested too deeply, an integer too long."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        problems.append(InputProblem(origin, f"invalid JSON: {exc.msg} (column {exc.colno})"))
    except RecursionError:
        problems.append(InputProblem(origin, "invalid JSON: nested too deeply"))
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        problems.append(InputProblem(origin, f"invalid JSON: {exc}"))
    return _BAD


def _read_parquet(path: Path, max_chars: int, problems: list[InputProblem],
                  fields: FieldMap = DEFAULT_FIELDS) -> Iterator[Article]:
    """Stream a Parquet file in row batches; only the mapped columns are read."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        problems.append(InputProblem(str(path), "reading Parquet needs pyarrow: pip install 'claimwatch[export]'"))
        return
    try:
        # Parquet is read from its end (the footer), so a decompressed stream is held in memory.
        source = pq.ParquetFile(io.BytesIO(open_binary(path).read()) if path.suffix.lower() in COMPRESSED_SUFFIXES
                                else path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and friends on a damaged file
        problems.append(InputProblem(str(path), f"not a readable Parquet file: {exc}"))
        return
    names = source.schema_arrow.names
    if not any(f in names for f in fields.text_fields):
        found = ", ".join(names)
        problems.append(InputProblem(str(path), f"no '{'/'.join(fields.text_fields)}' column (found: {found})"))
        return
    wanted = [n for n in (*fields.text_fields, fields.id, fields.title, fields.date, fields.outlet, fields.url)
              if n in names]
    row = 0
    for batch in source.iter_batches(batch_size=256, columns=list(dict.fromkeys(wanted))):
        for record in batch.to_pylist():
            row += 1
            for key, value in list(record.items()):
                if isinstance(value, (datetime, date)):  # timestamp columns
                    record[key] = value.isoformat()
            article = _record_article(record, f"{path}:row {row}", max_chars, problems, fields)
            if article:
                yield article


def _read_table(path: Path, delimiter: str, max_chars: int, problems: list[InputProblem],
                fields: FieldMap = DEFAULT_FIELDS) -> Iterator[Article]:
    # Article bodies easily exceed csv's default 128 KiB field limit; our own max_chars check applies instead.
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    state = {"line": 0}

    def lines() -> Iterator[str]:
        for lineno, line in _iter_lines(path, problems):
            state["line"] = lineno
            yield line

    fields = fields.lowered()  # headers are matched case-insensitively
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
            if not any(field in header for field in fields.text_fields):
                found = ", ".join(header)
                name = fields.text or "text"
                problems.append(InputProblem(f"{path}:{start}", f"header has no '{name}' column (found: {found})"))
                return
            continue
        origin = f"{path}:{start}"
        if len(row) != len(header):
            problems.append(InputProblem(origin, f"malformed row: expected {len(header)} fields, found {len(row)}"))
            continue
        article = _record_article(dict(zip(header, row)), origin, max_chars, problems, fields)
        if article:
            yield article


def _record_article(
    record: Mapping[str, object], origin: str, max_chars: int, problems: list[InputProblem],
    mapping: FieldMap = DEFAULT_FIELDS,
) -> Optional[Article]:
    """Turn one JSONL/CSV/Parquet record into an Article; on any bad field, report it and skip the record."""
    text = next((record[f] for f in mapping.text_fields if record.get(f) is not None), None)
    text_name = mapping.text or "text"
    if text is None:
        problems.append(InputProblem(origin, f"record has no '{text_name}' field"))
        return None
    if not isinstance(text, str):
        problems.append(InputProblem(origin, f"'{text_name}' must be a string, found {type(text).__name__}"))
        return None
    text = _repaired(text, origin, text_name, problems)
    if not _text_ok(text, origin, max_chars, problems):
        return None
    fields: dict[str, Optional[str]] = {}
    for name in ("id", *META_FIELDS):
        key = getattr(mapping, name)
        value = _scalar(record.get(key))
        if value is _BAD:
            problems.append(InputProblem(origin, f"'{key}' must be a string, found {type(record.get(key)).__name__}"))
            return None
        fields[name] = _repaired(value, origin, key, problems) if isinstance(value, str) else None
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


def _repaired(value: str, origin: str, field: str, problems: list[InputProblem]) -> str:
    """``value`` without lone surrogates; replacing any is reported (the record is still read)."""
    fixed, n = without_surrogates(value)
    if n:
        problems.append(InputProblem(origin, _SURROGATES_REPLACED.format(field=field)))
    return fixed


_SURROGATES_REPLACED = "'{field}' has lone surrogates (invalid UTF-16 escapes); replaced by U+FFFD"


def _scalar(value: object) -> object:
    """A metadata value as a stripped string or None; _BAD for lists, objects and booleans."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return _BAD
    text = str(value).strip()
    return text or None
