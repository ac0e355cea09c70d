"""Doc extensions and span-group keys used by claimwatch components (names in one place)."""
from __future__ import annotations

from spacy.tokens import Doc

CLAIMS_ATTR = "cw_claims"
CUE_KEY = "cw_cue"
SPEAKER_KEY = "cw_speaker"
CONTENT_KEY = "cw_content"


def register() -> None:
    """Register Doc extensions; idempotent, never run at import time."""
    if not Doc.has_extension(CLAIMS_ATTR):
        # A getter-free default of None: each component assigns a fresh list (no shared mutable default).
        Doc.set_extension(CLAIMS_ATTR, default=None)
