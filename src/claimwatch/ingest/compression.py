"""Transparent decompression: ``story.jsonl.gz`` and ``dump.parquet.zst`` read like their inner files.

A compressed input is recognised by its last suffix (``.gz``, ``.zst``); the suffix before it decides how the
content is read. Streams are decompressed on the fly, so a 20 GB ``.jsonl.zst`` never sits in memory.
"""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import BinaryIO

COMPRESSED_SUFFIXES = frozenset({".gz", ".zst"})


def inner_suffix(path: Path) -> str:
    """The suffix that names the content: ``a.jsonl.gz`` -> ``.jsonl``; ``a.txt`` -> ``.txt``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        return suffixes[-2] if len(suffixes) > 1 else ""
    return path.suffix.lower()


def inner_stem(path: Path) -> str:
    """The file name without the content and compression suffixes: ``story.txt.gz`` -> ``story``."""
    name = path.name
    if path.suffix.lower() in COMPRESSED_SUFFIXES:
        name = name[: -len(path.suffix)]
    return Path(name).stem


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, decompressing ``.gz`` and ``.zst`` files as they are read.

    Raises:
        OSError: the file cannot be opened.
    """
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if suffix == ".zst":
        import zstandard  # imported late: only zstd inputs pay for it

        import io

        raw = path.open("rb")
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True), buffer_size=1 << 16)
    return path.open("rb")
