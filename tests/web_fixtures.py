"""Self-written articles with hand-placed claims for the web tests (exact offsets, no model needed)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from claimwatch.schema import ActorOut, Article, ArticleOut, ClaimOut, ContentOut, EventOut, SpanOut
from claimwatch.store.sqlite import SqliteStore
from claimwatch.store.base import Watchlist

XSS_TITLE = '<img src=x onerror="window.__xss_title=1">Payload'
XSS_TEXT = (
    'Mayor Bo Lind said that <script>window.__xss_script=1;alert(1)</script> is only a test.\n\n'
    'A spokesman for the " onmouseover="window.__xss_attr=1" council claimed that '
    '<img src=x onerror="window.__xss_img=1"> never loads.\n'
)


def _span(text: str, part: str, after: int = 0) -> SpanOut:
    start = text.index(part, after)
    return SpanOut(text=part, start=start, end=start + len(part))


def make_claim(text: str, speaker: Optional[str], cue: Optional[str], content: str, *, resolved: Optional[str] = None,
               kind: str = "indirect", polarity: str = "asserts", actor: Optional[ActorOut] = None,
               event: Optional[str] = None, cue_class: Optional[str] = "assert") -> ClaimOut:
    c = _span(text, content)
    return ClaimOut(
        id=hashlib.sha1(f"{text}|{c.start}".encode()).hexdigest()[:16],
        speaker=_span(text, speaker) if speaker else None,
        resolved_speaker=resolved or speaker,
        cue=_span(text, cue) if cue else None,
        cue_class=cue_class if cue else None,
        content=ContentOut(text=c.text, start=c.start, end=c.end),
        kind=kind, polarity=polarity, hedged=False,
        speaker_actor=actor,
        event=EventOut(category=event) if event else None,
    )


REYES = ActorOut(id="person:ana-reyes", name="Ana Reyes", type="person", country="VLD", sector="GOV")
GUARD = ActorOut(id="OST-MIL", name="Ostmark coast guard", type="military", country="OST", sector="MIL")
LIND = ActorOut(id="person:bo-lind", name="Bo Lind", type="person", country=None, sector="GOV")


def articles() -> list[tuple[Article, ArticleOut]]:
    out = []
    t1 = ("Minister Ana Reyes said that the port of Kessen will reopen on Friday.\n\n"
          "Also read | Ten things to do in Kessen this weekend\n\n"
          "Reyes added that the harbour fees will fall.\n")
    c1 = [
        make_claim(t1, "Minister Ana Reyes", "said", "the port of Kessen will reopen on Friday",
                   resolved="Ana Reyes", actor=REYES, event="RETREAT"),
        make_claim(t1, "Reyes", "added", "the harbour fees will fall", resolved="Ana Reyes", actor=REYES),
    ]
    out.append((Article(id="reopen", text=t1, title="Kessen port to reopen", date="2026-03-02", outlet="Harbour Post"),
                ArticleOut(id="reopen", title="Kessen port to reopen", date="2026-03-02", outlet="Harbour Post",
                           claims=c1)))
    t2 = "The coast guard denied that the port of Kessen will reopen soon.\n"
    c2 = [make_claim(t2, "The coast guard", "denied", "the port of Kessen will reopen soon", polarity="denies",
                     actor=GUARD, event="REJECT", cue_class="deny")]
    out.append((Article(id="denial", text=t2, title="Coast guard denies reopening", date="2026-03-04",
                        outlet="Coast Daily"),
                ArticleOut(id="denial", title="Coast guard denies reopening", date="2026-03-04", outlet="Coast Daily",
                           claims=c2)))
    # Twelve claims by twelve officials, for pagination.
    t3 = "".join(f"Official {i:02d} said that berth {i:02d} is ready.\n" for i in range(12))
    c3 = [make_claim(t3, f"Official {i:02d}", "said", f"berth {i:02d} is ready") for i in range(12)]
    out.append((Article(id="berths", text=t3, title="Berths ready", date="2026-02-20", outlet="Harbour Post"),
                ArticleOut(id="berths", title="Berths ready", date="2026-02-20", outlet="Harbour Post", claims=c3)))
    c4 = [
        make_claim(XSS_TEXT, "Mayor Bo Lind", "said",
                   "<script>window.__xss_script=1;alert(1)</script> is only a test", actor=LIND),
        make_claim(XSS_TEXT, 'A spokesman for the " onmouseover="window.__xss_attr=1" council', "claimed",
                   '<img src=x onerror="window.__xss_img=1"> never loads'),
    ]
    out.append((Article(id="xss", text=XSS_TEXT, title=XSS_TITLE, date="2026-03-05", outlet='<b>Evil</b> "Outlet"'),
                ArticleOut(id="xss", title=XSS_TITLE, date="2026-03-05", outlet='<b>Evil</b> "Outlet"', claims=c4)))
    return out


def build_store(path: Path, extra: Optional[list[tuple[Article, ArticleOut]]] = None) -> Path:
    with SqliteStore(path) as store:
        for article, result in articles() + (extra or []):
            assert store.add_article(article, result)
    return path


EXAMPLE = Path(__file__).resolve().parent.parent / "src" / "claimwatch" / "examples" / "port-blockade.txt"
EXAMPLE_META = {"title": "Valdoria lifts Kessen blockade", "date": "2026-03-02", "outlet": "claimwatch example"}


def build_example_store(path: Path, nlp) -> Path:
    """build_store plus the built-in example article (port-blockade.txt) as the pipeline `nlp` extracts it."""
    from claimwatch.pipeline import extract_articles

    build_store(path)
    example = Article(id="port-blockade", text=EXAMPLE.read_text(encoding="utf-8"), **EXAMPLE_META)
    with SqliteStore(path) as store:
        (result,) = list(extract_articles(nlp, [example]))
        assert store.add_article(example, result)
    return path


def make_client(db: Path, store_cls: type = SqliteStore, nlp=None, **settings):
    """A TestClient on the app whose store dependency opens `db` with `store_cls` per request.

    `nlp`: an already loaded pipeline for extract and check (the session fixture), so the app loads none.
    """
    from fastapi.testclient import TestClient

    from claimwatch.web import WebSettings, create_app
    from claimwatch.web.dependencies import get_store

    app = create_app(WebSettings(db=db, **settings))
    if nlp is not None:
        app.state.nlp.use(nlp)

    def temp_store():
        store = store_cls(db, create=False, check_same_thread=False)
        try:
            yield store
        finally:
            store.close()

    app.dependency_overrides[get_store] = temp_store
    return TestClient(app, raise_server_exceptions=False)


# -- a store with long lists (paging, facets, downloads): no model needed -------------------------------------------

LIST_OUTLETS = ("BBC News", "bbc", "The Guardian", "Guardian", "Harbour Post")
ZELENSKYY = ActorOut(id="person:volodymyr-zelenskyy", name="Volodymyr Zelenskyy", type="person", country="UKR",
                     sector="GOV")
# How the one person is written in different outlets' copy; the first three resolve to his actor, the last not.
ZELENSKY_SPELLINGS = (("Volodymyr Zelensky", ZELENSKYY), ("President Zelenskiy", ZELENSKYY),
                      ("Volodymyr Zelenskyy", ZELENSKYY), ("Zelenskyi", None))


def list_articles() -> list[tuple[Article, ArticleOut]]:
    """55 articles over five outlet spellings (two outlets) and three months, with 3 claims each: one by a
    numbered official (an actor of their own), one by Zelensky under one of four spellings, one denial."""
    out = []
    for i in range(55):
        spelling, actor = ZELENSKY_SPELLINGS[i % len(ZELENSKY_SPELLINGS)]
        official = ActorOut(id=f"person:official-{i:02d}", name=f"Official {i:02d}", type="person", country="VLD",
                            sector="GOV")
        text = (f"Official {i:02d} said that convoy {i:02d} reached the border.\n\n"
                f"{spelling} said that talks on corridor {i:02d} will resume.\n\n"
                f"The ministry denied that convoy {i:02d} was shelled.\n")
        claims = [
            make_claim(text, f"Official {i:02d}", "said", f"convoy {i:02d} reached the border", actor=official,
                       event="MOBILIZE" if i % 2 else None),
            make_claim(text, spelling, "said", f"talks on corridor {i:02d} will resume", actor=actor,
                       event="CONSULT"),
            make_claim(text, "The ministry", "denied", f"convoy {i:02d} was shelled", polarity="denies",
                       event="ASSAULT", cue_class="deny"),
        ]
        meta = {"title": f"Convoy {i:02d}", "date": f"2026-{1 + i % 3:02d}-{1 + i % 28:02d}",
                "outlet": LIST_OUTLETS[i % len(LIST_OUTLETS)]}
        out.append((Article(id=f"convoy-{i:02d}", text=text, **meta),
                    ArticleOut(id=f"convoy-{i:02d}", claims=claims, **meta)))
    return out


def build_list_store(path: Path, disputes: int = 30) -> Path:
    """``list_articles`` stored, plus ``disputes`` saved disputes (each the official's claim in article k against
    the ministry's denial in article k + 1), as `claimwatch disputes` would save them."""
    build_store(path, extra=list_articles())
    with SqliteStore(path) as store:
        arts = {a.id: r for a, r in list_articles()}
        rows = []
        for k in range(disputes):
            left = arts[f"convoy-{k:02d}"].claims[0]
            right = arts[f"convoy-{k + 1:02d}"].claims[2]
            rows.append({"id": f"dispute-{k:02d}", "group_id": f"group-{k:02d}", "left_claim_id": left.id,
                         "right_claim_id": right.id, "reason": "asserts vs denies", "reasons": ["polarity"],
                         "explanation": f"convoy {k:02d}: reached vs shelled", "score": round(0.5 + k / 100, 2),
                         "relatedness": 0.8, "first_seen": f"2026-01-{1 + k % 28:02d}",
                         "last_seen": f"2026-02-{1 + k % 28:02d}", "details": {}})
        store.save_detection([], rows)
        # A saved search, so that the watchlist pages have something to show.
        store.save_watchlist(Watchlist(id="convoys", name="Convoy reports", text="convoy", outlet="BBC",
                                       webhook="https://hooks.example.org/a-rather-long-webhook-path/for-a-newsroom"))
    return path
