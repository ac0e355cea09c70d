"""A bounded loopback load test of the web API for ``claimwatch bench --load-db DB``.

A ``claimwatch serve`` process is started on a free loopback port over the store. Queries come from the store
itself: words of stored claim contents for ``/api/claims?q=``, whole contents for ``/api/check``. First one
client alone runs each kind of request back to back (the baseline: one request in flight at a time), then
``clients`` threads run at once for ``seconds`` (``check_share`` of them on ``/api/check``, the rest on
``/api/claims``). Every request has a timeout, and the server is stopped at the end whatever happens, so the run is
bounded. An error is any answer other than 200 (or a timeout, or a refused connection).

Pacing: with ``think_s`` > 0 each concurrent client is a person reading the answer before asking again. It waits
a think time drawn from an exponential distribution with mean ``think_s`` (seeded per client) before its first
request and after each answer, so the clients' requests arrive like independent users' and do not all start at
once. ``think_s`` = 0 is a closed loop: each client asks again the instant it is answered, which with enough
clients saturates the server whatever its speed. The offered rate (``clients / think_s``: what the clients would
ask for if every answer were instant) is reported beside the achieved one.
"""
from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from ..errors import ClaimwatchError

Say = Callable[[str], None]
REQUEST_TIMEOUT_S = 60.0
START_TIMEOUT_S = 120.0
# The first check loads the models and embeds every stored claim once (minutes for a large store on a busy CPU).
WARM_TIMEOUT_S = 900.0
_WORD = re.compile(r"[A-Za-z]{5,}")


@dataclass
class Latencies:
    """Seconds per request of one kind, and how many failed."""

    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.seconds.append(seconds)
            self.errors += not ok

    def summary(self, wall_s: float) -> dict:
        ordered = sorted(self.seconds)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

        return {"requests": len(ordered), "errors": self.errors, "per_s": len(ordered) / wall_s if wall_s else 0.0,
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "max_ms": ordered[-1] * 1000 if ordered else 0.0}


def think_times(think_s: float, rnd: random.Random) -> Iterator[float]:
    """Seconds to wait before each request of one client: exponential with mean ``think_s``; all 0 for 0."""
    while True:
        yield rnd.expovariate(1.0 / think_s) if think_s > 0 else 0.0


def run_client(request: Callable[[], None], stop_at: float, thinks: Iterator[float], *,
               clock: Callable[[], float] = time.perf_counter, sleep: Callable[[float], None] = time.sleep) -> int:
    """One client's loop: think, then request, until ``stop_at`` on ``clock``; the number of requests made.

    A think that would end at or after ``stop_at`` ends the client instead (no request is started late), so a run
    is bounded by ``stop_at`` plus one request. ``clock`` and ``sleep`` are parameters for the tests' fake clock.
    """
    made = 0
    while True:
        wait = next(thinks)
        if clock() + wait >= stop_at:
            return made
        if wait > 0:
            sleep(wait)
        request()
        made += 1


def bench_load(db: Path, *, clients: int = 50, seconds: float = 60.0, check_share: float = 0.2,
               baseline_s: float = 10.0, server_workers: int = 1, think_s: float = 1.0,
               check_slots: Optional[int] = None, model: Optional[str] = None, say: Say = lambda _msg: None) -> dict:
    """Start a server over ``db``, time one client then ``clients`` at once; the report for BENCHMARKS.md."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(db, port, server_workers, model, check_slots)
    try:
        _wait_until_up(base, server)
        words, sentences = _queries(base)
        say(f"bench: server up on {base} ({server_workers} worker(s)); warming /api/check")
        # Not part of any timing; with several server processes each warms on its own first check.
        for _ in range(server_workers):
            if not _request(base, "check", sentences[0], timeout=WARM_TIMEOUT_S):
                raise ClaimwatchError(f"the first /api/check did not answer 200 within {WARM_TIMEOUT_S:.0f} s")
        single = {}
        for kind, pool in (("claims", words), ("check", sentences)):
            lat = Latencies()
            start = time.perf_counter()
            rnd = random.Random(1)
            while time.perf_counter() - start < baseline_s:
                lat.add(*_timed(base, kind, rnd.choice(pool)))
            single[kind] = lat.summary(time.perf_counter() - start)
            say(f"bench: one client on /api/{kind}: p95 {single[kind]['p95_ms']:.0f} ms")
        n_check = max(1, round(clients * check_share))
        concurrent = _concurrent(base, clients - n_check, n_check, words, sentences, seconds, think_s)
        say(f"bench: {clients} clients for {seconds:.0f} s (think {think_s:g} s): "
            f"claims p95 {concurrent['claims']['p95_ms']:.0f} ms, check p95 {concurrent['check']['p95_ms']:.0f} ms")
    finally:
        _stop(server)
    claims_ratio = (concurrent["claims"]["p95_ms"] / single["claims"]["p95_ms"]) if single["claims"]["p95_ms"] else None
    # Offered: what the clients would ask for per second if every answer were instant (none for a closed loop).
    for kind, n in (("claims", clients - n_check), ("check", n_check)):
        concurrent[kind]["clients"] = n
        concurrent[kind]["offered_per_s"] = n / think_s if think_s > 0 else None
    return {"db": str(db), "clients": clients, "check_clients": n_check, "seconds": seconds, "think_s": think_s,
            "server_workers": server_workers, "check_slots": check_slots, "single": single, "concurrent": concurrent,
            "claims_p95_ratio": claims_ratio, "cpus": os.cpu_count(), "loadavg": _loadavg()}


def render_load(report: dict) -> list[str]:
    """The section's lines: single-client and concurrent latencies per endpoint."""
    think = report.get("think_s", 0.0)
    pacing = f"think time {think:g} s mean (exponential)" if think else "closed loop (no think time)"
    load = report.get("loadavg")
    lines = ["", f"web API load on loopback: {report['clients']} clients ({report['check_clients']} on /api/check) for "
                 f"{report['seconds']:.0f} s, {pacing}, {report['server_workers']} server process(es)"
                 + (f" with {report['check_slots']} check slot(s) each" if report.get("check_slots") else "") + ", "
                 f"{report['cpus']} CPUs" + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end"
                                               if load else ""),
             "endpoint      clients  requests  errors  offered/s   req/s   p50 ms   p95 ms   max ms"]
    for label, part in (("1", report["single"]), ("N", report["concurrent"])):
        for kind, s in part.items():
            offered = s.get("offered_per_s")
            shown = "-" if label == "1" else ("closed" if offered is None else f"{offered:.1f}")
            lines.append(f"/api/{kind:<8} {s.get('clients', label):>7} {s['requests']:>9} {s['errors']:>7} "
                         f"{shown:>10} {s['per_s']:>7.1f} {s['p50_ms']:>8.0f} {s['p95_ms']:>8.0f} {s['max_ms']:>8.0f}")
    if report["claims_p95_ratio"] is not None:
        lines.append(f"/api/claims p95 under load / alone: {report['claims_p95_ratio']:.1f}x")
    return lines


def _loadavg() -> Optional[list[float]]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(db: Path, port: int, workers: int, model: Optional[str],
                  check_slots: Optional[int] = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "claimwatch.cli", "serve", "--db", str(db), "--port", str(port),
           "--workers", str(workers)]
    if check_slots is not None:
        cmd += ["--check-slots", str(check_slots)]
    if model:
        cmd += ["--model", model]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            detail = (server.stderr.read() if server.stderr else b"").decode("utf-8", "replace").strip()
            raise ClaimwatchError(f"the server did not start: {detail.splitlines()[-1] if detail else 'no output'}")
        try:
            with urllib.request.urlopen(f"{base}/api/articles?limit=1", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise ClaimwatchError(f"the server did not answer within {START_TIMEOUT_S:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _queries(base: str) -> tuple[list[str], list[str]]:
    """Search words and check sentences taken from the store's own claims."""
    with urllib.request.urlopen(f"{base}/api/claims?per_page=200", timeout=REQUEST_TIMEOUT_S) as answer:
        page = json.load(answer)
    contents = [c["content"]["text"] for c in page.get("items", []) if c.get("content")]
    words = sorted({w.lower() for text in contents for w in _WORD.findall(text)})
    sentences = [" ".join(text.split())[:300] for text in contents if len(text.split()) >= 5]
    if not words or not sentences:
        raise ClaimwatchError("the store has too few claims to load-test (ingest some articles first)")
    return words, sentences


def _request(base: str, kind: str, query: str, timeout: float = REQUEST_TIMEOUT_S) -> bool:
    if kind == "claims":
        req = urllib.request.Request(f"{base}/api/claims?{urllib.parse.urlencode({'q': query, 'per_page': 20})}")
    else:
        req = urllib.request.Request(f"{base}/api/check", data=json.dumps({"text": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            answer.read()
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _timed(base: str, kind: str, query: str) -> tuple[float, bool]:
    start = time.perf_counter()
    ok = _request(base, kind, query)
    return time.perf_counter() - start, ok


def _concurrent(base: str, n_claims: int, n_check: int, words: Sequence[str], sentences: Sequence[str],
                seconds: float, think_s: float) -> dict:
    results = {"claims": Latencies(), "check": Latencies()}
    stop_at = time.perf_counter() + seconds

    def client(kind: str, pool: Sequence[str], seed: int) -> None:
        rnd = random.Random(seed)
        run_client(lambda: results[kind].add(*_timed(base, kind, rnd.choice(pool))), stop_at,
                   think_times(think_s, random.Random(seed + 10_000)))

    threads = [threading.Thread(target=client, args=("claims", words, n), daemon=True) for n in range(n_claims)]
    threads += [threading.Thread(target=client, args=("check", sentences, 1000 + n), daemon=True)
                for n in range(n_check)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT_S + 5)
    wall = time.perf_counter() - start
    return {kind: lat.summary(wall) for kind, lat in results.items()}
