"""Shared pytest fixtures (several test modules use these: add, never remove)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURES_DIR = TESTS_DIR / "fixtures"


def shared_dir(*parts: str) -> Path:
    """A path under ../shared/data (never copied into the repo)."""
    return REPO_ROOT.parent / "shared" / "data" / Path(*parts)


@pytest.fixture(scope="session")
def polnear_tiny_dir() -> Path:
    """A self-written, PolNeAR-shaped corpus: dev/text/*.txt and dev/attributions/*_<annotator>.ann."""
    return FIXTURES_DIR / "polnear_tiny"


@pytest.fixture(scope="session")
def shared_polnear_dir() -> Path:
    """The real PolNeAR data ($CLAIMWATCH_POLNEAR or ../shared/data/polnear); skips when absent."""
    path = Path(os.environ.get("CLAIMWATCH_POLNEAR") or shared_dir("polnear"))
    if not (path / "dev" / "text").is_dir():
        pytest.skip(f"PolNeAR data not found at {path}")
    return path


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A three-article JSONL corpus with a "text" field per line."""
    texts = [
        "The minister said that taxes will rise next year. Critics disagree.",
        '"We have no choice," the mayor told reporters on Monday.',
        "According to the police, two people were arrested after the match.",
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="session")
def nlp():
    """The full claimwatch pipeline on the default English model, loaded once per test session."""
    from claimwatch.pipeline import load_nlp

    return load_nlp()
