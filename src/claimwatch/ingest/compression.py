"""Transparent decompression: ``story.jsonl.gz`` and ``dump.parquet.zst`` read like their inner files.

A compressed input is recognised by its last suffix (``.gz``, ``.zst``); the suffix before it decides how the
content is read. Streams are decompressed on the fly, so a 20 GB ``.jsonl.zst`` never sits in memory.
"""
from __future__ import annotations

import gzip
import io
import zlib
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


class CompressedStreamError(OSError):
    """A ``.gz`` or ``.zst`` stream is truncated or corrupt; an OSError so file readers report it like one."""


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, decompressing ``.gz`` and ``.zst`` files as they are read.

    A truncated or corrupt compressed stream raises ``CompressedStreamError`` when the damage is reached, after
    everything before it has been read.

    Raises:
        OSError: the file cannot be opened.
    """
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return io.BufferedReader(_Checked(gzip.open(path, "rb"), "gzip"), buffer_size=_BUFFER)
    if suffix == ".zst":
        return io.BufferedReader(_ZstdFrames(path.open("rb")), buffer_size=_BUFFER)
    return path.open("rb")


_BUFFER = 1 << 16


class _Checked(io.RawIOBase):
    """Turns gzip's EOFError and zlib errors into CompressedStreamError."""

    def __init__(self, inner: BinaryIO, kind: str) -> None:
        self._inner = inner
        self._kind = kind

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            data = self._inner.read1(len(buffer))  # read1: what came before the damage is returned first
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise CompressedStreamError(f"truncated or corrupt {self._kind} stream: {exc}") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class _ZstdFrames(io.RawIOBase):
    """Decompresses concatenated zstd frames and notices a last frame cut short.

    zstandard's own stream reader returns a clean end of file for a truncated frame, which then reads as an
    empty or short file; here a frame still open when the input ends is an error.
    """

    def __init__(self, raw: BinaryIO) -> None:
        import zstandard  # imported late: only zstd inputs pay for it

        self._raw = raw
        self._zstd = zstandard
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._open = False  # input fed to a frame that has not ended yet
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = self._raw.read(_BUFFER)
            if not chunk:
                if self._open:
                    raise CompressedStreamError("truncated zstd stream: the input ends inside a frame")
                return 0
            self._pending = self._feed(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            try:
                out.append(self._obj.decompress(chunk))
            except self._zstd.ZstdError as exc:
                raise CompressedStreamError(f"corrupt zstd stream: {exc}") from None
            self._open = not self._obj.eof
            if not self._obj.eof:
                break
            # A frame ended: what follows it starts the next frame.
            chunk = self._obj.unused_data
            self._obj = self._dctx.decompressobj()
        return b"".join(out)

    def close(self) -> None:
        self._raw.close()
        super().close()
