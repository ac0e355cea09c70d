#!/usr/bin/env python3
"""Long-run check of `claimwatch watch` (docs/SCALE.md, "Continuous collection"); not a CI test.

A local site (claimwatch.bench.feed_server.FeedSite, 127.0.0.1 only) publishes a new article every --every
seconds for --minutes minutes; `claimwatch watch` follows its RSS feed in a child process. Half-way through, the
watch process is killed with SIGKILL right after a publication (while it fetches and ingests) and started again.
At the end the store is compared with what was published: articles missed, articles stored twice, and the delay
from publication to storage. One JSON summary goes to stdout; the watch's own lines go to WORKDIR/watch.log.

    PYTHONPATH=src python scripts/bench_watch.py --minutes 30 --every 20 --workdir /tmp/bench-watch
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path


def start_watch(workdir: Path, sources: Path, db: Path, args: argparse.Namespace, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "claimwatch.cli", "watch", str(sources), "--db", str(db), "--interval",
           str(args.interval), "--host-delay", "0.2", "--embedder", args.embedder, "--backoff", "5"]
    return subprocess.Popen(cmd, stdout=log, stderr=log, env={**os.environ, "CLAIMWATCH_PROGRESS_S": "5"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=20.0, help="seconds between two publications")
    parser.add_argument("--interval", type=float, default=10.0, help="watch --interval")
    parser.add_argument("--embedder", default="lexical", help="watch --embedder (lexical keeps the CPU use low)")
    parser.add_argument("--grace", type=float, default=90.0, help="seconds given to the watch after the last article")
    parser.add_argument("--no-kill", action="store_true", help="no kill -9 and restart half-way")
    parser.add_argument("--workdir", type=Path, default=Path("bench-watch"))
    args = parser.parse_args()

    from claimwatch.bench.feed_server import FeedSite

    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / "watch.db"
    for leftover in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        leftover.unlink(missing_ok=True)
    log_path = args.workdir / "watch.log"
    published_at: dict[str, float] = {}  # article URL -> wall time of publication
    events: list[str] = []
    with FeedSite(initial=0, feed_size=20) as site, log_path.open("w") as log:
        sources = args.workdir / "sources.txt"
        sources.write_text(f"# bench_watch.py\n{site.url}/feed.xml  Local Wire\n", encoding="utf-8")
        # A watchlist, so alerts are raised all along (and must not repeat across the restart).
        subprocess.run([sys.executable, "-m", "claimwatch.cli", "watchlist", "add", "Peskov", "--actor", "Peskov",
                        "--db", str(db)], check=True, stdout=subprocess.DEVNULL, stderr=log)
        proc = start_watch(args.workdir, sources, db, args, log)
        started = time.time()
        end = started + args.minutes * 60
        kill_at = started + args.minutes * 30
        killed = False
        while time.time() < end:
            art = site.publish()
            published_at[site.article_url(art.n)] = time.time()
            if not killed and not args.no_kill and time.time() >= kill_at:
                # Kill as soon as the watch has fetched the new article's page: it is then extracting or storing it.
                page = f"/articles/{art.n}.html"
                deadline = time.time() + args.interval + 10
                while site.requests.get(page, 0) == 0 and time.time() < deadline:
                    time.sleep(0.02)
                proc.kill()  # SIGKILL: no clean-up at all
                proc.wait()
                killed = True
                con = sqlite3.connect(db)
                was_stored = con.execute("SELECT COUNT(*) FROM articles WHERE url = ?",
                                         (site.article_url(art.n),)).fetchone()[0]
                con.close()
                events.append(f"SIGKILL at {time.time() - started:.0f} s, after the watch fetched article {art.n}'s "
                              f"page ({'already' if was_stored else 'not yet'} stored)")
                log.write(f"--- bench: SIGKILL after article {art.n}; restarting ---\n")
                log.flush()
                time.sleep(2)
                proc = start_watch(args.workdir, sources, db, args, log)
                events.append(f"restarted at {time.time() - started:.0f} s")
            time.sleep(max(0.0, args.every - (time.time() - published_at[site.article_url(art.n)])))
        time.sleep(args.grace)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        requests = dict(site.requests)
        conditional = site.conditional_hits

    con = sqlite3.connect(db)
    rows = con.execute("SELECT url, ingested_at, text_hash FROM articles").fetchall()
    items = con.execute("SELECT item_key, COUNT(*) FROM watch_items GROUP BY item_key").fetchall()
    alerts = con.execute("SELECT COUNT(*), COUNT(DISTINCT claim_id) FROM alerts").fetchone()
    sightings = dict(con.execute("SELECT kind, COUNT(*) FROM sightings GROUP BY kind").fetchall())
    peskov = con.execute("SELECT COUNT(*) FROM claims WHERE speaker_actor_id = 'person:dmitry-peskov'").fetchone()[0]
    con.close()
    stored: dict[str, list[str]] = {}
    for url, ingested_at, _ in rows:
        stored.setdefault(url, []).append(ingested_at)
    missed = sorted(set(published_at) - set(stored))
    duplicated = sorted(u for u, times in stored.items() if len(times) > 1)
    text_dups = len(rows) - len({h for _, _, h in rows})
    delays = [datetime.fromisoformat(times[0]).timestamp() - published_at[u] for u, times in stored.items()
              if u in published_at]
    page_fetches = {p: n for p, n in requests.items() if p.startswith("/articles/")}
    summary = {
        "minutes": args.minutes, "publish_every_s": args.every, "watch_interval_s": args.interval,
        "published": len(published_at), "stored": len(rows), "missed": len(missed), "duplicated": len(duplicated),
        "same_text_stored_twice": text_dups, "near_duplicate_sightings": sightings.get("near", 0),
        "items_recorded_twice": sum(1 for _, n in items if n > 1),
        "pages_fetched_more_than_once": sum(1 for n in page_fetches.values() if n > 1),
        "feed_requests": requests.get("/feed.xml", 0), "feed_not_modified": conditional,
        "alerts": alerts[0], "alerted_claims": alerts[1], "peskov_claims_stored": peskov,
        "delay_s": {"median": round(statistics.median(delays), 1), "max": round(max(delays), 1)} if delays else None,
        "events": events, "missed_urls": missed[:10], "log": str(log_path),
    }
    print(json.dumps(summary, indent=2))
    return 0 if not missed and not duplicated else 1


if __name__ == "__main__":
    sys.exit(main())
