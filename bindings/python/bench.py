"""Calls per second of ``Engine.analyze`` from Python, on one thread and on
several threads sharing one engine (the GIL is released during analysis).

    python bindings/python/bench.py [--seconds S] [--threads N ...]

The requests are the ones of the Rust criterion bench
(benches/benches/analyze.rs), so the figures compare: a benign GET with four
query arguments and eight browser headers, and a benign 2 KB JSON POST.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

import mirrorguard

BROWSER_HEADERS = [
    ("Host", "shop.example.com"),
    (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
    ),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
    ("Accept-Language", "en-US,en;q=0.9,fr;q=0.8"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Referer", "https://shop.example.com/catalog/shoes?page=2"),
    ("Cookie", "session=3f9a1c2b7d4e8f60a1b2c3d4e5f60718; _ga=GA1.2.1234567890.1700000000; theme=dark"),
    ("Connection", "keep-alive"),
]


def json_body(size: int) -> bytes:
    s = (
        '{"order":{"id":"ord_8f2k3j4h5g","customer":{"name":"Jane O\'Neil",'
        '"email":"jane@example.com"},"items":['
    )
    i = 0
    while len(s) < size - 120:
        if i > 0:
            s += ","
        s += (
            f'{{"sku":"SKU-{i:05}","qty":{i % 7 + 1},"price":{i * 3 + 10}.99,'
            '"note":"Gift wrap, please - thanks!"}'
        )
        i += 1
    s += '],"currency":"EUR","comment":"Leave at the door; ring twice."}}'
    return s.encode()


REQUESTS: dict[str, dict[str, Any]] = {
    "benign GET, 4 query args, 8 browser headers": {
        "method": "GET",
        "uri": "/catalog/search?q=running+shoes&size=42&color=blue&sort=price_asc&page=3",
        "headers": BROWSER_HEADERS,
    },
    "benign JSON POST, 2 KB": {
        "method": "POST",
        "uri": "/api/v2/orders",
        "headers": [
            ("Host", "api.example.com"),
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl"),
        ],
        "body": json_body(2048),
    },
}


def run(
    engine: mirrorguard.Engine, request: dict[str, Any], threads: int, seconds: float
) -> tuple[float, float]:
    """Calls per second over all threads: per wall-clock second, and the sum
    over threads of calls per second of that thread's CPU time (what the
    threads would do on idle cores; on a shared machine the wall-clock
    figure also counts time other processes took)."""
    counts = [0] * threads
    cpu = [0.0] * threads
    stop = threading.Event()
    barrier = threading.Barrier(threads + 1)

    def work(slot: int) -> None:
        analyze = engine.analyze
        n = 0
        barrier.wait()
        c0 = time.thread_time()
        while not stop.is_set():
            for _ in range(100):
                analyze(**request)
            n += 100
        cpu[slot] = time.thread_time() - c0
        counts[slot] = n

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    wall = sum(counts) / (time.perf_counter() - start)
    return wall, sum(n / c for n, c in zip(counts, cpu) if c > 0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=3.0, help="per measurement (default 3)")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts (default 1 2)")
    args = p.parse_args()
    engine = mirrorguard.Engine()
    for name, request in REQUESTS.items():
        assert not engine.analyze(**request).is_attack, name
        for _ in range(200):  # warm up
            engine.analyze(**request)
        for threads in args.threads:
            wall, cpu = run(engine, request, threads, args.seconds)
            print(
                f"{name}: {threads} thread{'s' if threads > 1 else ''}: "
                f"{wall:,.0f} calls/s ({cpu:,.0f} per CPU second, "
                f"{1e6 * threads / cpu:.1f} us of CPU per call)"
            )


if __name__ == "__main__":
    main()
