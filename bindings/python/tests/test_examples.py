"""The WSGI and ASGI middleware of examples/python: attacks are logged from
the analysis thread, responses are never delayed, overload drops."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any, Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

import mirrorguard

from conftest import EXAMPLES

sys.path.insert(0, str(EXAMPLES))
import mirrorguard_middleware as mw  # noqa: E402
import wsgi_demo  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, mw.WSGIMiddleware]]:
    """The WSGI demo app behind the middleware, on a real HTTP server."""
    app = mw.WSGIMiddleware(wsgi_demo.hello)
    httpd: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    httpd.server_close()


def wait_for(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def attack_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "mirrorguard"]


def test_wsgi_logs_attacks(server: tuple[str, mw.WSGIMiddleware], caplog: pytest.LogCaptureFixture) -> None:
    base, app = server
    caplog.set_level(logging.WARNING, logger="mirrorguard")
    with urllib.request.urlopen(f"{base}/search?q=shoes") as r:
        assert r.read() == b"hello, read 0 body bytes\n"
    with urllib.request.urlopen(f"{base}/item?id=1%27%20or%201=1--") as r:
        assert r.status == 200
    req = urllib.request.Request(
        f"{base}/api/login",
        data=b'{"user": "admin\' OR 1=1--"}',
        headers={"Content-Type": "application/json", "User-Agent": "test"},
    )
    with urllib.request.urlopen(req) as r:
        assert r.read() == b"hello, read 27 body bytes\n"
    # The server hands a request over when it closes the response, just after
    # the client has read it: wait for the last one.
    wait_for(lambda: app.analyzer.analyzed == 3)
    app.analyzer.drain()
    assert app.analyzer.attacks == 2
    logged = attack_lines(caplog)
    assert [(line["method"], line["uri"]) for line in logged] == [
        ("GET", "/item?id=1%27%20or%201=1--"),  # the URI as sent, still encoded
        ("POST", "/api/login"),
    ]
    assert logged[0]["client"] == "127.0.0.1"
    assert logged[1]["verdict"]["findings"][0]["location"] == {"part": "json", "name": "/user", "decoders": []}


def test_wsgi_response_is_not_delayed_and_overload_drops(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mirrorguard")
    release = threading.Event()
    analyzer = mw.BackgroundAnalyzer(queue_size=2, on_attack=lambda req, v: release.wait(30))
    app = mw.WSGIMiddleware(wsgi_demo.hello, analyzer)
    httpd = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/?id=1%27%20or%201=1--"
        start = time.monotonic()
        for _ in range(6):  # the analysis thread is stuck on the first attack
            with urllib.request.urlopen(url, timeout=10) as r:
                assert r.status == 200
        assert time.monotonic() - start < 5
        wait_for(lambda: analyzer.dropped >= 3)
        assert analyzer.dropped == 3  # 1 being analyzed, 2 queued, the rest dropped
        release.set()
        analyzer.drain()
        assert analyzer.attacks == 3 and len(attack_lines(caplog)) == 3
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()


def test_wsgi_request_keeps_the_wire_uri() -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/a b/\xe9",  # decoded by the server, latin-1
        "QUERY_STRING": "x=%27",
        "HTTP_USER_AGENT": "curl",
        "CONTENT_TYPE": "",
        "REMOTE_ADDR": "192.0.2.1",
    }
    req = mw.wsgi_request(environ, b"")
    assert req["uri"] == b"/a%20b/%E9?x=%27"
    assert req["headers"] == [(b"User-Agent", b"curl")]
    assert mw.wsgi_request({**environ, "RAW_URI": "/a%20b?x=%27"}, b"")["uri"] == b"/a%20b?x=%27"


def test_asgi_logs_attacks_after_the_response(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mirrorguard")
    analyzer = mw.BackgroundAnalyzer(mirrorguard.Engine({"sensitivity": "default"}))
    import asgi_demo

    app = mw.ASGIMiddleware(asgi_demo.hello, analyzer)
    sent: list[dict[str, Any]] = []

    async def call(path: bytes, query: bytes, body_parts: list[bytes]) -> None:
        messages = [
            {"type": "http.request", "body": part, "more_body": i < len(body_parts) - 1}
            for i, part in enumerate(body_parts)
        ]

        async def receive() -> dict[str, Any]:
            return messages.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "path": path.decode(),
            "raw_path": path,
            "query_string": query,
            "headers": [(b"host", b"shop.test"), (b"content-type", b"application/x-www-form-urlencoded")],
            "client": ("198.51.100.4", 50000),
        }
        await app(scope, receive, send)

    async def main() -> None:
        await call(b"/search", b"", [b"q=running", b"+shoes"])
        await call(b"/search", b"page=2", [b"q=%3Cscript%3Ealert(1)", b"%3C%2Fscript%3E"])

    asyncio.run(main())
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"] * 2
    analyzer.drain()
    logged = attack_lines(caplog)
    assert len(logged) == 1
    assert logged[0]["uri"] == "/search?page=2" and logged[0]["client"] == "198.51.100.4"
    # the body was split over two messages; the middleware saw all of it
    assert logged[0]["verdict"]["findings"][0]["location"]["name"] == "q"
    analyzer.close()


def test_asgi_passes_other_scopes_through() -> None:
    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    analyzer = mw.BackgroundAnalyzer()
    asyncio.run(mw.ASGIMiddleware(inner, analyzer)({"type": "lifespan"}, None, None))  # type: ignore[arg-type]
    analyzer.drain()
    assert seen == ["lifespan"] and analyzer.analyzed == 0
    analyzer.close()
