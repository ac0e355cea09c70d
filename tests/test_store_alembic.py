"""Schema versions under Alembic on both engines, PostgreSQL opening errors, and the CLI over PostgreSQL."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimwatch.cli import main
from claimwatch.errors import StoreError
from claimwatch.schema import Article, ArticleOut
from claimwatch.store import open_store
from claimwatch.store import tables as T
from claimwatch.store import versioning
from claimwatch.store.migrations import MIGRATIONS
from claimwatch.store.sqlite import SqliteStore
from store_fixtures import legacy_file

pytest.importorskip("alembic")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- versions ----------------------------------------------------------------------------------------------------


def test_head_constant_is_the_script_directory_head() -> None:
    assert versioning.head_revision() == versioning.HEAD
    assert versioning.known_revisions()[0] == versioning.HEAD


def test_new_sqlite_store_is_created_at_head_without_the_legacy_chain(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "c.db") as s:
        assert versioning.sqlite_revisions(s.db.conn) == [versioning.HEAD]
        assert s.applied_migrations() == [] and not s.db["migrations"].exists()


def test_sqlite_database_from_before_alembic_is_stamped_and_keeps_its_data(tmp_path: Path) -> None:
    # As a file written before claimwatch used Alembic: the ten migrations, no alembic_version.
    path = legacy_file(tmp_path, "DROP TABLE alembic_version")
    with SqliteStore(path, create=False) as s:
        assert versioning.sqlite_revisions(s.db.conn) == [versioning.HEAD]
        assert [m.name for m in s.applied_migrations()] == [m.name for m in MIGRATIONS.all]
        assert s.counts() == {"articles": 4, "claims": 8}
        assert [c.id for c in s.query_claims(s_query(text="economy"))] == ["c1"]


def s_query(**kw):
    from claimwatch.store import ClaimQuery

    return ClaimQuery(**kw)


def test_sqlite_at_an_unknown_revision_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SqliteStore(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="0099_from_the_future.*newer") as err:
        SqliteStore(path)
    assert "\n" not in str(err.value)


def test_sqlite_tables_have_the_columns_of_the_schema_module() -> None:
    with SqliteStore(":memory:") as s:
        for table in T.metadata.sorted_tables:
            expected = [c.name for c in table.columns if c.name != "content_tsv"]
            assert list(s.db[table.name].columns_dict) == expected, table.name


def test_postgres_new_database_gets_the_schema_at_head(pg_empty_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with open_store(pg_empty_url) as s:
        assert s.schema_revision() == [versioning.HEAD]
        with s.transaction():
            assert compare_metadata(MigrationContext.configure(s.connection), T.metadata) == []
            config = s.connection.exec_driver_sql("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'claimwatch_fts'")
            assert config.scalar() == 1
    with open_store(pg_empty_url, create=False) as s:  # opening again changes nothing
        assert s.schema_revision() == [versioning.HEAD] and s.counts() == {"articles": 0, "claims": 0}


def test_postgres_empty_database_without_create_is_refused(pg_empty_url: str) -> None:
    with pytest.raises(StoreError, match="no claim database there yet"):
        open_store(pg_empty_url, create=False)


def test_postgres_foreign_database_is_refused(pg_empty_url: str) -> None:
    import sqlalchemy as sa

    from claimwatch.store.postgres import engine_for, parse_url

    with engine_for(parse_url(pg_empty_url)).begin() as conn:
        conn.execute(sa.text("CREATE TABLE customers (id integer PRIMARY KEY)"))
    with pytest.raises(StoreError, match="not a claimwatch one.*customers"):
        open_store(pg_empty_url)


def test_postgres_at_an_unknown_revision_is_refused(pg_url: str) -> None:
    import sqlalchemy as sa

    from claimwatch.store.postgres import forget_engine

    with open_store(pg_url) as s, s.transaction():
        s.connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    forget_engine(pg_url)  # as a new process would: the schema is checked again
    with pytest.raises(StoreError, match="0099_from_the_future.*newer"):
        open_store(pg_url)


# -- PostgreSQL errors -------------------------------------------------------------------------------------------


def test_unreachable_server_is_one_line_without_the_password() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://someone:s3cr3t-pw@127.0.0.1:{_free_port()}/claims"
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as err:
        open_store(url)
    message = str(err.value)
    assert "\n" not in message and "s3cr3t-pw" not in message
    assert message.startswith("postgresql://someone:***@127.0.0.1:")


@pytest.mark.parametrize("url, match", [
    ("postgresql://u:s3cr3t-pw@host:notaport/db", "not a valid PostgreSQL URL"),
    ("mysql://u:s3cr3t-pw@host/db", "unsupported database URL"),
])
def test_bad_url_is_one_line_without_the_password(url: str, match: str) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match=match) as err:
        open_store(url)
    assert "s3cr3t-pw" not in str(err.value) and "\n" not in str(err.value)


def test_nul_character_is_a_clean_error(pg_url: str) -> None:
    with open_store(pg_url) as s:
        with pytest.raises(StoreError, match="cannot store article 'nul'") as err:
            s.add_article(Article(id="nul", text="before\x00after"), ArticleOut(id="nul", claims=[]))
        assert "\n" not in str(err.value)
        assert s.counts() == {"articles": 0, "claims": 0}


def test_sqlite_url_opens_a_file(tmp_path: Path) -> None:
    path = tmp_path / "u.db"
    with open_store(f"sqlite:///{path}") as s:
        assert isinstance(s, SqliteStore) and s.path == str(path)


# -- the CLI over PostgreSQL ---------------------------------------------------------------------------------------


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_ingest_and_query_postgres_like_sqlite(tiny_corpus: Path, tmp_path: Path, pg_url: str) -> None:
    sqlite_db = str(tmp_path / "same.db")
    outputs = {}
    for db in (sqlite_db, pg_url):
        result = CliRunner().invoke(main, ["ingest", "--db", db, str(tiny_corpus)])
        assert result.exit_code == 0, result.output
        assert "3 articles read, 3 stored" in result.stderr
        again = CliRunner().invoke(main, ["ingest", "--db", db, str(tiny_corpus)])
        assert "0 stored, 3 duplicates skipped" in again.stderr
        outputs[db] = {
            "claims": json.loads(_cli("claims", "--db", db, "--format", "json")),
            "search": json.loads(_cli("claims", "--db", db, "-q", "taxes OR arrested", "--format", "json")),
            "speaker": json.loads(_cli("claims", "--db", db, "--speaker", "MAYOR", "--format", "json")),
            "csv": _cli("claims", "--db", db, "--format", "csv"),
            "actors": json.loads(_cli("actors", "--db", db, "--format", "json")),
        }
    sqlite_out, pg_out = outputs[sqlite_db], outputs[pg_url]
    assert len(sqlite_out["claims"]) >= 2
    assert pg_out["claims"] == sqlite_out["claims"]
    assert sorted(c["id"] for c in pg_out["search"]) == sorted(c["id"] for c in sqlite_out["search"])
    assert pg_out["speaker"] == sqlite_out["speaker"]
    assert pg_out["actors"] == sqlite_out["actors"]
    assert pg_out["csv"] == sqlite_out["csv"]


def test_cli_db_upgrade_and_missing_database(pg_empty_url: str) -> None:
    missing = CliRunner().invoke(main, ["claims", "--db", pg_empty_url])
    assert missing.exit_code == 1 and "no claim database there yet" in missing.output
    assert "Traceback" not in missing.output
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", pg_empty_url])
    assert result.exit_code == 0, result.output
    assert f"schema at revision {versioning.HEAD}; 0 articles, 0 claims" in result.stderr
    assert CliRunner().invoke(main, ["claims", "--db", pg_empty_url]).exit_code == 0


def test_cli_unreachable_postgres_is_one_line() -> None:
    pytest.importorskip("psycopg")
    result = CliRunner().invoke(main, ["claims", "--db", f"postgresql://u:pw-123@127.0.0.1:{_free_port()}/x"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: postgresql://u:***@") and "pw-123" not in result.output


def test_web_api_over_postgres_answers_like_sqlite(tmp_path: Path, pg_url: str) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from claimwatch.web import WebSettings, create_app
    from web_fixtures import articles

    answers = {}
    for db in (str(tmp_path / "web.db"), pg_url):
        with open_store(db) as s:
            for a, out in articles():
                assert s.add_article(a, out)
        client = TestClient(create_app(WebSettings(db=db)))  # the app's own get_store opens the database
        got = {}
        for path in ("/api/claims?per_page=50", "/api/claims?speaker=mayor", "/api/claims?q=test", "/api/actors",
                     "/api/disputes"):
            response = client.get(path)
            assert response.status_code == 200, (db, path, response.text)
            got[path] = response.json()
        listed = client.get("/api/articles").json()
        got["articles"] = sorted(a["id"] for a in listed["items"])
        got["article"] = client.get(f"/api/articles/{got['articles'][0]}").json()
        assert client.get("/").status_code == 200
        answers[db] = got
    sqlite_answers, pg_answers = answers.values()
    assert sqlite_answers["/api/claims?per_page=50"]["items"] and sqlite_answers["/api/claims?speaker=mayor"]["items"]
    assert pg_answers == sqlite_answers
