#!/usr/bin/env python
"""Screenshots of the list views for docs/screenshots/, over any claim store (a real one shows what users see).

    .venv/bin/python scripts/web_list_screenshots.py --db news.db [--q ceasefire] [--article ID] [--only NAME …]

Writes claims-lists.png and claims-phone.png (a search with its timeline by outlet and facets), actors-list.png and
articles-list.png (counted in / filtered to --outlet), disputes-list.png, api-docs.png and, with --article, article-legend-phone.png. Needs the web and
test extras (fastapi, uvicorn, playwright) and Debian's chromium at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the claim store to show (opened read-only by the server)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--q", default="ceasefire", help="the search the claims views show")
    ap.add_argument("--article", help="an article id for the phone view of its speaker legend")
    ap.add_argument("--outlet", default="BBC", help="the outlet filter the actors and articles views show")
    ap.add_argument("--only", nargs="*", help="only these screenshots (names without .png)")
    args = ap.parse_args()
    from claimwatch.web import WebSettings, create_app
    from claimwatch.web.live import chromium, serving

    pages = [  # (file, path, width, full page)
        ("claims-lists", f"/claims?q={quote(args.q)}", 1280, True),
        ("claims-phone", f"/claims?q={quote(args.q)}", 390, False),
        ("actors-list", f"/actors?outlet={quote(args.outlet)}", 1280, False),
        ("articles-list", f"/articles?outlet={quote(args.outlet)}", 1280, False),
        ("disputes-list", "/disputes", 1280, False),
        ("api-docs", "/docs", 1280, False),
    ]
    if args.article:
        pages.append(("article-legend-phone", f"/articles/{quote(args.article)}", 390, False))
    if args.only:
        pages = [p for p in pages if p[0] in args.only]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = create_app(WebSettings(db=args.db))
    with serving(app) as url, chromium() as browser:
        for name, path, width, full in pages:
            page = browser.new_page(viewport={"width": width, "height": 900 if width > 500 else 844})
            page.goto(f"{url}{path}")
            page.screenshot(path=str(out / f"{name}.png"), full_page=full)
            page.close()
            print(out / f"{name}.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
