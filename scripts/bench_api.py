#!/usr/bin/env python
"""API latency and a bounded load test on loopback, against a synthetic claim store.

    .venv/bin/python scripts/bench_api.py [--claims 100000] [--clients 50] [--seconds 30] [--db PATH]

1. Builds (or reuses, with --db) a store of SYNTHETIC claims: generated sentences with hand-set offsets, speakers,
   actors, outlets and dates; no NLP runs. It measures the store and the API, not extraction.
2. Starts `claimwatch serve` in its own process (so the client does not share its event loop).
3. Latency: sequential GET /api/claims for a mix of searches (text, speaker, actor, outlet + date range), after a
   warm-up; prints p50/p95/max per kind and overall.
4. Load: --clients concurrent clients for --seconds, each looping over the same mix; counts non-200 answers and
   connection errors, prints requests/s and latency percentiles under load.
5. With --check N: gives every claim a random MiniLM vector first (as scripts/bench_check.py does; the server
   would otherwise embed 100K claims in memory on its first check), then times the first POST /api/check (model
   loads, claim matrix) and N more, sequentially.
Prints one JSON report on stdout; progress on stderr. Numbers depend on the machine: state it when you quote them.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("port blockade ships frigates withdrawal troops border talks ceasefire sanctions harbour navy exercise "
         "minister ministry spokesman election budget taxes inflation bank rates grain exports pipeline gas oil "
         "bridge attack drone missile convoy aid refugees court ruling protest strike police arrest vote treaty "
         "summit alliance embassy envoy deal tariff market shares workers union hospital vaccine flood drought").split()
OUTLETS = [f"Outlet {i}" for i in range(12)]
COUNTRIES = ["VLD", "OST", "RUS", "UKR", "USA", "GBR", "FRA", "DEU", "CHN", "TUR"]
MIX = [  # (kind, params)
    ("text", lambda r: {"q": r.choice(WORDS)}),
    ("text2", lambda r: {"q": f"{r.choice(WORDS)} {r.choice(WORDS)}"}),
    ("speaker", lambda r: {"speaker": f"speaker {r.randrange(400):03d}"}),
    ("actor", lambda r: {"actor": r.choice(COUNTRIES)}),
    ("outlet+dates", lambda r: {"outlet": r.choice(OUTLETS), "since": "2025-06-01", "until": "2025-08-31"}),
    ("all", lambda r: {}),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_store(path: Path, n_claims: int, per_article: int = 10, seed: int = 7) -> None:
    from datetime import date, timedelta

    from claimwatch.schema import ActorOut, Article, ArticleOut, ClaimOut, ContentOut, EventOut, SpanOut
    from claimwatch.store.sqlite import SqliteStore

    rng = random.Random(seed)
    start = date(2025, 1, 1)
    t0 = time.perf_counter()
    with SqliteStore(path) as store:
        for a in range(n_claims // per_article):
            parts, claims, pos = [], [], 0
            for k in range(per_article):
                sp = rng.randrange(400)
                country = COUNTRIES[sp % len(COUNTRIES)]
                speaker = f"Speaker {sp:03d}"
                content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
                sentence = f"{speaker} said that {content}.\n"
                s0, c0 = pos, pos + len(speaker) + len(" said that ")
                claims.append(ClaimOut(
                    id=f"a{a}c{k}", speaker=SpanOut(text=speaker, start=s0, end=s0 + len(speaker)),
                    resolved_speaker=speaker, cue=SpanOut(text="said", start=s0 + len(speaker) + 1,
                                                          end=s0 + len(speaker) + 5),
                    cue_class="assert", content=ContentOut(text=content, start=c0, end=c0 + len(content)),
                    kind="indirect", polarity="asserts", hedged=False,
                    speaker_actor=ActorOut(id=f"person:speaker-{sp:03d}", name=speaker, type="person",
                                           country=country, sector="GOV"),
                    event=EventOut(category=rng.choice(["ACCUSE", "RETREAT", "MOBILIZE", "AGREE"])),
                ))
                parts.append(sentence)
                pos += len(sentence)
            text = "".join(parts)
            day = (start + timedelta(days=rng.randrange(365))).isoformat()
            outlet = rng.choice(OUTLETS)
            art = Article(id=f"synthetic-{a}", text=text, title=f"Synthetic article {a}", date=day, outlet=outlet)
            store.add_article(art, ArticleOut(id=art.id, title=art.title, date=day, outlet=outlet, claims=claims))
            if a and a % 1000 == 0:
                log(f"  {a * per_article} claims stored ({time.perf_counter() - t0:.0f} s)")
        counts = store.counts()
    log(f"store built: {counts} in {time.perf_counter() - t0:.0f} s")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(pct(ms, 0.50), 1), "p95_ms": round(pct(ms, 0.95), 1),
            "max_ms": round(max(ms), 1) if ms else None, "mean_ms": round(statistics.fmean(ms), 1) if ms else None}


def latency(base: str, per_kind: int, seed: int = 1) -> dict:
    import httpx

    rng = random.Random(seed)
    out: dict = {}
    everything: list[float] = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(20):  # warm-up: page cache, SQLite statement cache
            client.get("/api/claims", params=MIX[0][1](rng))
        for kind, params in MIX:
            times = []
            for _ in range(per_kind):
                t = time.perf_counter()
                r = client.get("/api/claims", params={**params(rng), "per_page": 50})
                times.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"GET /api/claims {kind}: {r.status_code} {r.text[:200]}")
            out[kind] = summary(times)
            everything += times
    out["all_kinds"] = summary(everything)
    return out


async def load(base: str, clients: int, seconds: float, seed: int = 2) -> dict:
    import httpx

    statuses: dict[str, int] = {}
    errors: list[str] = []
    times: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one(i: int, client) -> None:
        rng = random.Random(seed + i)
        while time.perf_counter() < stop:
            _, params = MIX[rng.randrange(len(MIX))]
            t = time.perf_counter()
            try:
                r = await client.get("/api/claims", params={**params(rng), "per_page": 20})
                statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
                continue
            times.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await asyncio.gather(*(one(i, client) for i in range(clients)))
    wall = time.perf_counter() - t0
    ok = statuses.get("200", 0)
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(times) + len(errors),
            "requests_per_s": round(len(times) / wall, 1), "statuses": statuses,
            "errors": len(errors) + sum(v for k, v in statuses.items() if k != "200"),
            "connection_errors": sorted(set(errors)), "ok": ok, **summary(times)}


def check_latency(base: str, n: int) -> dict:
    import httpx

    from bench_check import SENTENCES

    with httpx.Client(base_url=base, timeout=600) as client:
        t = time.perf_counter()
        first = client.post("/api/check", json={"text": SENTENCES[0]})
        first_s = time.perf_counter() - t
        if first.status_code != 200:
            raise SystemExit(f"POST /api/check: {first.status_code} {first.text[:200]}")
        times = []
        for k in range(n):
            t = time.perf_counter()
            r = client.post("/api/check", json={"text": SENTENCES[k % len(SENTENCES)]})
            times.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"POST /api/check: {r.status_code} {r.text[:200]}")
    return {"first_s": round(first_s, 2), "method": first.json()["method"], **summary(times)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None, help="Reuse (or create) this store instead of a temporary one.")
    ap.add_argument("--per-kind", type=int, default=100, help="Sequential requests per search kind.")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--check", type=int, default=0, metavar="N", help="Also time N POST /api/check requests.")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.db"
    if not db.exists():
        log(f"building a synthetic store of {args.claims} claims at {db}")
        build_store(db, args.claims)
    if args.check:
        from bench_check import fill_vectors

        fill_vectors(db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("claimwatch")
    server = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(port)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/articles?per_page=1", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
        from claimwatch.store.sqlite import SqliteStore

        with SqliteStore(db, create=False) as store:
            counts = store.counts()
        log(f"latency: {args.per_kind} sequential requests per kind")
        lat = latency(base, args.per_kind)
        log(f"load: {args.clients} clients for {args.seconds:.0f} s")
        ld = asyncio.run(load(base, args.clients, args.seconds))
        if args.check:
            log(f"check: the first POST /api/check, then {args.check} more")
            chk = check_latency(base, args.check)
    finally:
        server.terminate()
        server.wait(timeout=10)
        tmp.cleanup()
    report = {"store": counts, "synthetic": True, "latency": lat, "load": ld, **({"check": chk} if args.check else {}),
              "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}}
    print(json.dumps(report, indent=2))
    return 0 if ld["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
