"""Where test data lives: the self-written fixtures in tests/fixtures/ and the shared corpora in ../shared/data."""
from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURES_DIR = TESTS_DIR / "fixtures"


def shared_dir(*parts: str) -> Path:
    """A path under ../shared/data (never copied into the repo)."""
    return REPO_ROOT.parent / "shared" / "data" / Path(*parts)
