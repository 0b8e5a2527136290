"""One Engine shared by many threads: same verdicts as one thread, and the
GIL released while the engine works."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import mirrorguard

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
REQUESTS: list[dict[str, Any]] = [
    {"uri": "/search?q=running+shoes&page=2", "headers": [("User-Agent", UA)]},
    {"uri": "/?id=1%27%20or%201=1--"},
    {"uri": "/?q=%3Cscript%3Ealert(1)%3C/script%3E", "headers": {"Cookie": "a=b; c=d"}},
    {
        "method": "POST",
        "uri": "/api/orders",
        "headers": {"Content-Type": "application/json"},
        "body": b'{"items":[{"sku":"A-1","qty":2}],"note":"; cat /etc/passwd"}',
    },
    {"uri": "/download?f=..%2F..%2F..%2Fetc%2Fpasswd", "headers": [(b"X-Api", b"${jndi:ldap://x/a}")]},
    {"method": "PUT", "uri": "/p", "headers": {"Content-Type": "text/xml"},
     "body": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'},
]


def test_shared_engine_many_threads_same_verdicts() -> None:
    engine = mirrorguard.Engine()
    want = [engine.analyze(**r).to_json() for r in REQUESTS]
    assert sum('"attack":true' in w for w in want) == len(REQUESTS) - 1
    rounds = 150
    barrier = threading.Barrier(16)

    def work(seed: int) -> list[str]:
        barrier.wait()
        out = []
        for i in range(rounds):
            k = (seed + i) % len(REQUESTS)
            out.append(engine.analyze(**REQUESTS[k]).to_json())
        return out

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(16)))
    for seed, got in enumerate(results):
        for i, json_text in enumerate(got):
            assert json_text == want[(seed + i) % len(REQUESTS)]


def test_default_engine_from_many_threads() -> None:
    want = mirrorguard.analyze(uri="/?id=1%27%20or%201=1--").to_json()
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda _: mirrorguard.analyze(uri="/?id=1%27%20or%201=1--").to_json(), range(400)))
    assert set(got) == {want}


def test_gil_is_released_during_analysis() -> None:
    """While one thread is inside a long analyze call, another thread runs
    Python code. With the GIL held, the other thread could only run at the
    edges of the call, never in its middle."""
    engine = mirrorguard.Engine()
    # One large form value just under the 1 MiB limit, of markup openers the
    # HTML tokenizer reads one by one: tens of milliseconds. (Plain letters
    # are screened out in a few milliseconds, too fast to judge.)
    body = b"note=" + b"<" * 1_000_000
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for _attempt in range(5):
        window: list[float] = []
        ticks: list[float] = []
        started = threading.Event()

        def analyze() -> None:
            started.set()
            t0 = time.perf_counter()
            engine.analyze("POST", "/bulk", headers, body)
            window.extend((t0, time.perf_counter()))

        worker = threading.Thread(target=analyze)
        worker.start()
        started.wait()
        while worker.is_alive():
            ticks.append(time.perf_counter())
        worker.join()
        t0, t1 = window
        if t1 - t0 < 0.02:
            continue  # too fast to judge on this machine; try again
        lo, hi = t0 + (t1 - t0) * 0.3, t0 + (t1 - t0) * 0.7
        if any(lo <= t <= hi for t in ticks):
            return
    raise AssertionError("no Python code ran while analyze was working: is the GIL held?")
