"""Shared pytest fixtures (several test modules use these: add, never remove)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import pytest

from data_fixtures import FIXTURES_DIR, shared_dir


def pytest_addoption(parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="Run the long budgets: fuzz tests with 10,000 examples each (tests/test_fuzz.py).")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: runs only with --slow (a long budget)")


def pytest_collection_modifyitems(config, items) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="long budget: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def slow(request) -> bool:
    """Whether the run was asked for the long budgets (``pytest --slow``)."""
    return bool(request.config.getoption("--slow"))
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


# -- a throwaway PostgreSQL server (tests/test_store_contract.py) ------------------------------------------------

PG_URL_ENV = "CLAIMWATCH_TEST_PG_URL"


def _pg_bindir() -> "Path | None":
    """The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/N/bin), or None."""
    import glob
    import shutil

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """An admin URL of a PostgreSQL server for the whole session.

    ``$CLAIMWATCH_TEST_PG_URL`` (a server where the user may create databases) is used as is; otherwise a
    throwaway server is started from the installed binaries (scripts/setup.sh installs them as root on Debian)
    in a temporary folder on a free port, run as user ``postgres`` when we are root (initdb refuses root), and
    stopped and deleted at the end. Skips, saying why, where neither is possible.
    """
    import pwd
    import shutil
    import subprocess
    import tempfile

    if os.environ.get(PG_URL_ENV):
        yield os.environ[PG_URL_ENV]
        return
    try:
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"PostgreSQL tests need {exc.name}: pip install -e '.[test]'")
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(f"PostgreSQL server binaries not found (apt-get install postgresql, or set {PG_URL_ENV})")
    prefix: list[str] = []
    owner = None
    if os.getuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the throwaway server as")
        prefix = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="cwpg-"))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    data, log = root / "data", root / "log"
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "test", "--auth=trust", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True, timeout=120)
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                        f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
                        "-c synchronous_commit=off -c full_page_writes=off", "start"],
                       check=True, capture_output=True, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL server: {exc} {detail.decode(errors='replace')[-300:]}")
    try:
        yield f"postgresql://test@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _admin(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT",
                            poolclass=sa.pool.NullPool)


def _db_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database migrated to the newest schema once; each test's database is a copy of it (fast)."""
    import sqlalchemy as sa

    from claimwatch.store import open_store
    from claimwatch.store.postgres import forget_engine

    name = f"cw_template_{os.getpid()}"
    with _admin(pg_server).connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = _db_url(pg_server, name)
    open_store(url).close()
    forget_engine(url)  # CREATE DATABASE … TEMPLATE needs it without connections
    yield name
    with _admin(pg_server).connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


_pg_counter = iter(range(1, 10**9))


def _fresh_db(pg_server: str, template: str) -> "Iterator[str]":
    import sqlalchemy as sa

    from claimwatch.store.postgres import forget_engine

    name = f"cw_test_{os.getpid()}_{next(_pg_counter)}"
    with _admin(pg_server).connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    url = _db_url(pg_server, name)
    try:
        yield url
    finally:
        forget_engine(url)
        with _admin(pg_server).connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def pg_url(pg_server, pg_template):
    """The URL of a fresh claim database (newest schema, empty) on the throwaway server, dropped afterwards."""
    yield from _fresh_db(pg_server, pg_template)


@pytest.fixture
def pg_empty_url(pg_server):
    """The URL of a fresh, completely empty database (no schema), dropped afterwards."""
    yield from _fresh_db(pg_server, "template0")
