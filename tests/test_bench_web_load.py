"""The load bench's client pacing (`claimwatch bench --load-db --think`), on a fake clock: no real time passes."""
from __future__ import annotations

import random

import pytest

from claimwatch.bench.web_load import Latencies, render_load, run_client, think_times


class FakeClock:
    """A clock that moves only when the client sleeps or a request 'takes' its time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.requests_at: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds

    def request(self, takes: float):
        def do() -> None:
            self.requests_at.append(self.now)
            self.now += takes
        return do


def _run(think_s: float, takes: float, stop_at: float, seed: int = 1) -> tuple[int, FakeClock]:
    clock = FakeClock()
    made = run_client(clock.request(takes), stop_at, think_times(think_s, random.Random(seed)),
                      clock=clock, sleep=clock.sleep)
    return made, clock


def test_closed_loop_asks_again_at_once():
    made, clock = _run(0.0, takes=0.1, stop_at=60.0)
    assert made == 600  # 60 s of 0.1 s requests back to back, nothing between them
    assert clock.requests_at[1] == pytest.approx(0.1)


def test_think_time_paces_a_client_to_one_request_per_think_plus_answer():
    # Mean think 1 s + 0.1 s per answer over 600 s: about 600 / 1.1 = 545 requests, not the 6,000 of a closed loop.
    made, clock = _run(1.0, takes=0.1, stop_at=600.0)
    assert 490 <= made <= 600
    assert made == len(clock.requests_at)
    gaps = [b - a - 0.1 for a, b in zip(clock.requests_at, clock.requests_at[1:])]
    assert min(gaps) > 0  # every request waits for a think after the previous answer
    assert sum(gaps) / len(gaps) == pytest.approx(1.0, rel=0.12)  # exponential with mean 1 s
    assert clock.requests_at[0] > 0  # clients do not all start at the same instant


def test_pacing_is_seeded_and_bounded_by_the_stop_time():
    made_a, clock_a = _run(1.0, takes=0.1, stop_at=30.0, seed=7)
    made_b, clock_b = _run(1.0, takes=0.1, stop_at=30.0, seed=7)
    made_c, clock_c = _run(1.0, takes=0.1, stop_at=30.0, seed=8)
    assert clock_a.requests_at == clock_b.requests_at and made_a == made_b
    assert clock_a.requests_at != clock_c.requests_at
    assert all(t < 30.0 for t in clock_a.requests_at)  # no request starts at or after the stop time
    assert clock_a.now < 30.0 + 0.1 + 1e-9  # the client ends within one answer of the stop time


def test_a_think_longer_than_the_run_makes_no_request():
    made, clock = _run(1000.0, takes=0.1, stop_at=1.0, seed=3)
    # P(first think < 1 s) = 1 - exp(-1/1000), about 0.1 %: with this seed it is longer.
    assert made == 0 and clock.requests_at == [] and clock.now == 0.0


def test_report_shows_offered_and_achieved_rates():
    lat = Latencies()
    for ms in range(1, 101):
        lat.add(ms / 1000, True)
    single = {"claims": lat.summary(10.0), "check": lat.summary(10.0)}
    concurrent = {"claims": {**lat.summary(50.0), "clients": 40, "offered_per_s": 40.0},
                  "check": {**lat.summary(50.0), "clients": 10, "offered_per_s": 10.0}}
    report = {"clients": 50, "check_clients": 10, "seconds": 60, "think_s": 1.0, "server_workers": 2, "cpus": 2,
              "single": single, "concurrent": concurrent, "claims_p95_ratio": 1.0, "loadavg": [1.0, 2.0, 3.0]}
    text = "\n".join(render_load(report))
    assert "think time 1 s mean" in text and "load average 1.00 2.00 3.00" in text
    claims_n = next(line for line in text.splitlines() if line.startswith("/api/claims") and " 40 " in line)
    assert claims_n.split()[1:6] == ["40", "100", "0", "40.0", "2.0"]  # clients, requests, errors, offered, req/s
    report["think_s"] = 0.0
    report["concurrent"]["claims"]["offered_per_s"] = None
    assert "closed loop" in "\n".join(render_load(report))
