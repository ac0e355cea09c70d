"""Self-written articles with hand-placed claims for the web tests (exact offsets, no model needed)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from claimwatch.schema import ActorOut, Article, ArticleOut, ClaimOut, ContentOut, EventOut, SpanOut
from claimwatch.store.sqlite import SqliteStore

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
