"""ISO 8601 dates as the readers, feeds, HTML pages and WARC records give them, checked and normalised."""
from __future__ import annotations

from datetime import date, datetime


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
