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
