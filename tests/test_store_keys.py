"""Speaker and actor search keys: migration 0006 (claim_keys, speaker_names), its backfill, and the filters using it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from claimwatch.schema import ActorOut, Article, ArticleOut, ClaimOut, ContentOut, SpanOut
from claimwatch.store import ClaimQuery
from claimwatch.store.base import search_key
from claimwatch.store.migrations import MIGRATIONS, Migrations
from claimwatch.store.sqlite import SqliteStore

PESKOV = ActorOut(id="person:dmitry-peskov", name="Dmitry Peskov", type="person", country="RUS", sector="GOV")
RUS_GOV = ActorOut(id="RUS-GOV", name="Russian government", type="government", country="RUS", sector="GOV")
ELYSEE = ActorOut(id="FRA-GOV-elysee", name="Palais de l'Élysée", type="government", country="FRA", sector="GOV")

# (id, speaker span text, resolved speaker, speaker actor)
SPEAKERS = [
    ("k1", "Peskov", "Dmitry Peskov", PESKOV),
    ("k2", "ÉLYSÉE", "Élysée", ELYSEE),
    ("k3", "the Kremlin", None, RUS_GOV),
    ("k4", "Straße-Verein", "Straße-Verein", None),
    ("k5", None, "Zoë Ångström", None),
    ("k6", None, None, None),
]


def make_claims(specs=SPEAKERS) -> tuple[str, list[ClaimOut]]:
    """A text with one sentence per claim, speaker spans pointing into it."""
    text, claims = "", []
    for cid, speaker, resolved, actor in specs:
        start = len(text)
        sentence = f"{speaker or 'Someone'} said that it was claim {cid}. "
        text += sentence
        c0 = start + sentence.index("it was")
        content = f"it was claim {cid}"
        claims.append(ClaimOut(
            id=cid, speaker=SpanOut(text=speaker, start=start, end=start + len(speaker)) if speaker else None,
            resolved_speaker=resolved, cue=None, content=ContentOut(text=content, start=c0, end=c0 + len(content)),
            kind="indirect", polarity="asserts", hedged=False, speaker_actor=actor,
        ))
    return text, claims


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore(":memory:")
    text, claims = make_claims()
    assert s.add_article(Article(id="a1", text=text, date="2024-05-01"),
                         ArticleOut(id="a1", date="2024-05-01", claims=claims))
    yield s
    s.close()


def found(store: SqliteStore, **filters) -> list[str]:
    return sorted(c.id for c in store.query_claims(ClaimQuery(limit=None, **filters)))


# -- search_key --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, key", [
    ("Dmitry Peskov", "dmitry peskov"),
    ("ÉLYSÉE", "elysee"),
    ("Élysée", "elysee"),
    ("E\u0301lyse\u0301e", "elysee"),  # decomposed accents
    ("Straße", "strasse"),  # full case folding
    ("ﬁnance", "finance"),  # compatibility ligature
    ("Zoë Ångström", "zoe angstrom"),
    ("東京", "東京"),
    (None, None),
])
def test_search_key(value: Optional[str], key: Optional[str]) -> None:
    assert search_key(value) == key


# -- the migration -----------------------------------------------------------------------------------------------


def test_schema_has_key_tables_and_indexes(store: SqliteStore) -> None:
    assert set(store.db["claim_keys"].columns_dict) == {"claim_id", "speaker_key", "resolved_key", "actor_key",
                                                         "actor_country", "actor_name_key"}
    indexed = {tuple(i.columns) for i in store.db["claim_keys"].indexes}
    assert {("speaker_key",), ("resolved_key",), ("actor_key",), ("actor_country",), ("actor_name_key",)} <= indexed
    assert s_index_exists(store, "idx_articles_order")


def s_index_exists(store: SqliteStore, name: str) -> bool:
    row = store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name]).fetchone()
    return row is not None


def test_add_article_writes_keys(store: SqliteStore) -> None:
    rows = {r["claim_id"]: r for r in store.db["claim_keys"].rows}
    assert set(rows) == {c[0] for c in SPEAKERS}
    assert rows["k1"] == {"claim_id": "k1", "speaker_key": "peskov", "resolved_key": "dmitry peskov",
                          "actor_key": "person:dmitry-peskov", "actor_country": "RUS",
                          "actor_name_key": "dmitry peskov"}
    assert rows["k2"]["speaker_key"] == "elysee" and rows["k2"]["actor_name_key"] == "palais de l'elysee"
    assert rows["k3"]["actor_key"] == "rus-gov"
    assert rows["k6"] == {"claim_id": "k6", "speaker_key": None, "resolved_key": None, "actor_key": None,
                          "actor_country": None, "actor_name_key": None}
    names = {r["name"] for r in store.db["speaker_names"].rows}
    assert {"peskov", "dmitry peskov", "elysee", "palais de l'elysee", "the kremlin", "russian government",
            "strasse-verein", "zoe angstrom"} == names


def test_duplicate_article_writes_no_keys(store: SqliteStore) -> None:
    text, claims = make_claims()
    assert not store.add_article(Article(id="a1", text=text), ArticleOut(id="a1", claims=claims))
    assert store.db["claim_keys"].count == len(SPEAKERS)


def test_failed_insert_rolls_back_keys(store: SqliteStore) -> None:
    text, claims = make_claims([("k1", "Other", None, None)])  # claim id k1 is taken: the insert fails
    with pytest.raises(Exception):
        store.add_article(Article(id="a2", text=text + " new"), ArticleOut(id="a2", claims=claims))
    assert store.db["claim_keys"].count == len(SPEAKERS)
    assert "other" not in {r["name"] for r in store.db["speaker_names"].rows}


def _old_database(path: Path, upto: str = "0005_events_dates_quantities") -> Database:
    """A database as claimwatch wrote it before migration 0006, with claims inserted the way it did."""
    old = Migrations()
    for m in MIGRATIONS.all:
        old(m.name)(m.fn)
        if m.name == upto:
            break
    db = Database(path)
    old.apply(db)
    return db


def test_old_database_is_upgraded_and_backfilled(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = _old_database(path)
    text, claims = make_claims()
    db["articles"].insert({"id": "a1", "text_hash": "h", "text": text, "date": "2024-05-01",
                           "ingested_at": "2024-05-01", "pipeline_version": "0"})
    from claimwatch.store.rows import claim_to_row

    for seq, c in enumerate(claims):
        row = claim_to_row("a1", seq, c)
        row.pop("frame")  # a file from before frames has no such column
        db["claims"].insert(row)
    assert "claim_keys" not in db.table_names()
    db.close()

    with SqliteStore(path) as s:
        assert [m.name for m in s.applied_migrations()][-1] == MIGRATIONS.all[-1].name
        keys = {r["claim_id"]: r for r in s.db["claim_keys"].rows}
        assert set(keys) == {c[0] for c in SPEAKERS}
        for cid, speaker, resolved, actor in SPEAKERS:
            assert keys[cid]["speaker_key"] == search_key(speaker)
            assert keys[cid]["resolved_key"] == search_key(resolved)
            assert keys[cid]["actor_key"] == (actor.id.casefold() if actor else None)
            assert keys[cid]["actor_country"] == (actor.country if actor else None)
            assert keys[cid]["actor_name_key"] == (search_key(actor.name) if actor else None)
        assert found(s, speaker="peskov") == ["k1"]
        assert found(s, speaker="elysee") == ["k2"]
        assert found(s, actor="RUS") == ["k1", "k3"]
        # Round trip of the old rows is unchanged by the migration.
        back = s.get_article("a1")
        assert back is not None and back.claims == claims
        # And new articles keep being indexed after the upgrade.
        text2, claims2 = make_claims([("n1", "Jean-Noël Barrot", None, None)])
        assert s.add_article(Article(id="a2", text=text2), ArticleOut(id="a2", claims=claims2))
        assert found(s, speaker="NOEL") == ["n1"]


def test_old_database_without_speakers_is_upgraded(tmp_path: Path) -> None:
    db = _old_database(tmp_path / "empty.db")
    db.close()
    with SqliteStore(tmp_path / "empty.db") as s:
        assert s.db["claim_keys"].count == 0 and s.query_claims(ClaimQuery(speaker="x")) == []


# -- speaker and actor filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("needle, expected", [
    ("peskov", ["k1"]),
    ("PESKOV", ["k1"]),
    ("dmitry", ["k1"]),  # resolved speaker only
    ("ÉLYSÉE", ["k2"]),
    ("Élysée", ["k2"]),
    ("elysee", ["k2"]),  # accent-insensitive
    ("E\u0301LYSE\u0301E", ["k2"]),  # decomposed accents in the needle
    ("kreml", ["k3"]),
    ("strasse", ["k4"]),  # ß folds to ss
    ("STRASSE-", ["k4"]),
    ("angstrom", ["k5"]),
    ("zoë", ["k5"]),
    ("e", ["k1", "k2", "k3", "k4", "k5"]),
    ("%", []),  # no LIKE wildcards
    ("_", []),
    ("nobody", []),
])
def test_speaker_filter(store: SqliteStore, needle: str, expected: list[str]) -> None:
    assert found(store, speaker=needle) == expected
    assert store.count_claims(ClaimQuery(speaker=needle)) == len(expected)


@pytest.mark.parametrize("needle, expected", [
    ("RUS", ["k1", "k3"]),  # country code
    ("rus", ["k1", "k3"]),
    ("rus-gov", ["k3"]),  # id, case-insensitive (and the name "Russian government" does not contain it)
    ("RUS-GOV", ["k3"]),
    ("person:dmitry-peskov", ["k1"]),
    ("PERSON:DMITRY-PESKOV", ["k1"]),
    ("peskov", ["k1"]),  # name substring
    ("elysee", ["k2"]),  # accent-insensitive name
    ("ÉLYSÉE", ["k2"]),
    ("fra", ["k2"]),  # country FRA, and id starting "fra-"
    ("FRA-GOV", ["k2"]),  # id prefix "fra-gov-"
    ("government", ["k3"]),
    ("nobody", []),
])
def test_actor_filter(store: SqliteStore, needle: str, expected: list[str]) -> None:
    assert found(store, actor=needle) == expected
    assert store.count_claims(ClaimQuery(actor=needle)) == len(expected)


def test_filters_combine(store: SqliteStore) -> None:
    assert found(store, actor="RUS", speaker="kremlin") == ["k3"]
    assert found(store, actor="RUS", speaker="elysee") == []
    assert found(store, speaker="e", since="2024-05-01", until="2024-05-01") == ["k1", "k2", "k3", "k4", "k5"]
    assert found(store, speaker="e", until="2024-04-30") == []
    assert found(store, speaker="peskov", text="k1") == ["k1"]
    assert found(store, speaker="peskov", text="k2") == []


# -- the filters agree with a plain Python reference -------------------------------------------------------------

_names = st.sampled_from(["Émile Zola", "EMILE", "Zoë", "Straße", "ß", "İstanbul", "Łódź", "Dmitry Peskov",
                          "Peskov", "The Kremlin", "東京都", "ﬁnance", "e\u0301", "100%_x"]) | st.text(max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(speakers=st.lists(st.tuples(st.none() | _names, st.none() | _names), min_size=1, max_size=6),
       needle=_names)
def test_speaker_filter_matches_reference(speakers, needle: str) -> None:
    specs = [(f"p{i}", s or None, r or None, None) for i, (s, r) in enumerate(speakers)]
    text, claims = make_claims(specs)
    with SqliteStore(":memory:") as s:
        assert s.add_article(Article(id="a", text=text), ArticleOut(id="a", claims=claims))
        got = found(s, speaker=needle)
    if not needle.strip():
        assert got == sorted(c.id for c in claims)  # an empty speaker filter is no filter
        return
    key = search_key(needle.strip())
    if not key:  # only combining marks: nothing to look for
        assert got == []
        return
    expected = sorted(cid for cid, sp, rs, _ in specs
                      if any(v is not None and key in search_key(v) for v in (sp, rs)))
    assert got == expected


# -- listing order and paging ------------------------------------------------------------------------------------


def test_listing_order_uses_article_order(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "o.db") as s:
        for aid, day in [("b", "2024-01-02"), ("a", "2024-01-02"), ("u", None), ("c", "2024-03-01T10:00:00")]:
            text, claims = make_claims([(f"{aid}{i}", f"Speaker {aid}", None, None) for i in range(3)])
            s.add_article(Article(id=aid, text=text + aid, date=day), ArticleOut(id=aid, date=day, claims=claims))
        expected = ["c0", "c1", "c2", "a0", "a1", "a2", "b0", "b1", "b2", "u0", "u1", "u2"]
        assert [c.id for c in s.query_claims(ClaimQuery(limit=None))] == expected
        assert [c.id for c in s.query_claims(ClaimQuery(limit=4, offset=2))] == expected[2:6]
        assert [c.id for c in s.query_claims(ClaimQuery(speaker="speaker", limit=None))] == expected
        assert [c.id for c in s.query_claims(ClaimQuery(since="2024-01-01", limit=None))] == expected[:9]
        assert s.count_claims(ClaimQuery()) == 12 and s.count_claims(ClaimQuery(until="2024-01-02")) == 6
