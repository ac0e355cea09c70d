#!/usr/bin/env python
"""Screenshots of the web UI for docs/screenshots/: the built-in example article in a fresh temporary store.

    .venv/bin/python scripts/web_screenshots.py [--out docs/screenshots]

Needs the web and test extras (fastapi, uvicorn, playwright) and Debian's chromium at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "claimwatch" / "examples" / "port-blockade.txt"
ACTORS = ROOT / "src" / "claimwatch" / "examples" / "port-blockade.actors.yaml"
PAGES = [  # (file, path, width)
    ("home", "/", 1280),
    ("article", "/articles/port-blockade", 1280),
    ("disputes", "/disputes", 1280),
    ("actor-timeline", "/actors/person:andrei-kalnin", 1280),
    ("claims-search", "/claims?q=ships+OR+vessels+OR+withdrawal", 1280),
    ("check", "/check?text=Valdoria+is+massing+warships+off+Kessen", 1280),
    ("article-phone", "/articles/port-blockade", 390),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    from claimwatch.pipeline import extract_articles, load_nlp
    from claimwatch.schema import Article
    from claimwatch.store.sqlite import SqliteStore
    from claimwatch.web import WebSettings, create_app
    from claimwatch.web.live import chromium, serving

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        article = Article(id="port-blockade", text=EXAMPLE.read_text(encoding="utf-8"),
                          title="Valdoria says blockade of Kessen is lifted; Ostmark says warships remain",
                          date="2026-03-02", outlet="claimwatch example")
        with SqliteStore(db) as store:
            (result,) = extract_articles(load_nlp(actors_path=str(ACTORS)), [article])
            store.add_article(article, result)
            # As scripts/demo.sh does: detect disputes so the home and dispute pages have them.
            from claimwatch.disputes.detect import detect_disputes
            from claimwatch.disputes.embeddings import get_embedder
            from claimwatch.store.base import DisputeQuery

            detect_disputes(store, embedder=get_embedder())
            found = store.query_disputes(DisputeQuery())
            if found:
                PAGES.insert(3, ("dispute", f"/disputes/{found[0].id}", 1280))
        # As `claimwatch serve --db demo.db --actors FILE` would: check reads the pasted text with the same actors.
        app = create_app(WebSettings(db=db, actors=str(ACTORS)))
        with serving(app) as url, chromium() as browser:
            for name, path, width in PAGES:
                page = browser.new_page(viewport={"width": width, "height": 900 if width > 500 else 844})
                page.goto(f"{url}{path}")
                if name == "article":
                    page.locator("#article-text .hl.role-content", has_text="The withdrawal will take").first.click()
                page.screenshot(path=str(out / f"{name}.png"), full_page=width > 500)
                page.close()
                print(out / f"{name}.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
