"""Errors shown to users as one line (the CLI turns them into exit code 1)."""


class ClaimwatchError(Exception):
    """Base class for every error claimwatch reports to a user."""


class InputError(ClaimwatchError):
    """An input file or record cannot be read."""


class ModelNotFoundError(ClaimwatchError):
    """The requested spaCy pipeline is not installed."""


class StoreError(ClaimwatchError):
    """The claim store cannot be opened or written."""


class DataFileError(ClaimwatchError):
    """A data file (actor or place list, lexicon) is malformed; the message names the file and line."""


def one_line(text: str) -> str:
    """``text`` with control characters, line separators and lone surrogates escaped (``\\n``, ``\\x1b``, ``\\udcff``).

    A file name may hold a newline or undecodable bytes (which Python keeps as lone surrogates); either would
    split a one-line message or fail to print.
    """
    return text if text.isprintable() else "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch.isprintable():
        return ch
    if "\ud800" <= ch <= "\udfff":
        return f"\\u{ord(ch):04x}"  # unicode_escape cannot encode a lone surrogate
    return ch.encode("unicode_escape").decode("ascii")
