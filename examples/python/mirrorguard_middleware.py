"""WSGI and ASGI middleware that analyze requests with mirrorguard, off the
request path: the response is never delayed.

The middleware copies what it needs from each request (method, URI as sent,
headers, the body bytes the application read, the client address) and, once
the response has been sent, hands the copy to a bounded queue. One daemon
thread analyzes the queue and logs attacks as JSON lines on the
``mirrorguard`` logger. When the queue is full the request is dropped and
counted, never queued without bound: under overload you lose analysis, not
latency. The engine releases the GIL while it works, so the application's
threads keep running during analysis.

    # WSGI (Flask, Django, any WSGI app)
    app.wsgi_app = WSGIMiddleware(app.wsgi_app)          # Flask
    application = WSGIMiddleware(get_wsgi_application())  # Django wsgi.py

    # ASGI (FastAPI, Starlette, Django ASGI)
    app = ASGIMiddleware(app)

Pass ``BackgroundAnalyzer(mirrorguard.Engine(config))`` to choose the
configuration, and ``on_attack=`` to do more than log (alert, count, block
the client at the edge).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Awaitable, Iterable, Iterator, MutableMapping
from typing import Any, Callable, Optional, Union
from urllib.parse import quote

import mirrorguard

_Text = Union[str, bytes]
Request = dict[str, Any]
"""What is queued per request: method, uri, headers, body, client (all bytes or str)."""

log = logging.getLogger("mirrorguard")


class BackgroundAnalyzer:
    """A bounded queue of requests and one daemon thread analyzing them.

    ``submit`` never blocks. ``on_attack(request, verdict)`` is called on the
    analysis thread for every attack, after the attack is logged.
    """

    def __init__(
        self,
        engine: Optional[mirrorguard.Engine] = None,
        *,
        queue_size: int = 10_000,
        on_attack: Optional[Callable[[Request, mirrorguard.Verdict], None]] = None,
    ) -> None:
        self.engine = engine if engine is not None else mirrorguard.Engine()
        self.on_attack = on_attack
        self.queue: queue.Queue[Optional[Request]] = queue.Queue(maxsize=queue_size)
        self.analyzed = 0
        self.attacks = 0
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="mirrorguard", daemon=True)
        self._thread.start()

    def submit(self, request: Request) -> bool:
        """Queues a request for analysis; False (and counted) when the queue is full."""
        try:
            self.queue.put_nowait(request)
            return True
        except queue.Full:
            self.dropped += 1
            return False

    def drain(self) -> None:
        """Waits until every queued request has been analyzed."""
        self.queue.join()

    def close(self) -> None:
        """Analyzes what is queued, then stops the thread."""
        self.queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            request = self.queue.get()
            try:
                if request is None:
                    return
                self._analyze(request)
            except Exception:  # a bug in a callback must not stop analysis
                log.exception("mirrorguard: analysis failed")
            finally:
                self.queue.task_done()

    def _analyze(self, request: Request) -> None:
        verdict = self.engine.analyze(
            method=request["method"],
            uri=request["uri"],
            headers=request["headers"],
            body=request["body"],
            client=request.get("client"),
            http_version=request.get("http_version"),
        )
        self.analyzed += 1
        if not verdict.is_attack:
            return
        self.attacks += 1
        line = {
            "client": _str(request.get("client")),
            "method": _str(request["method"]),
            "uri": _str(request["uri"]),
        }
        head = json.dumps(line, separators=(",", ":"))
        log.warning("%s", f'{head[:-1]},"verdict":{verdict.to_json()}}}')
        if self.on_attack is not None:
            self.on_attack(request, verdict)


def _str(value: Optional[_Text]) -> Optional[str]:
    return value.decode("latin-1") if isinstance(value, bytes) else value


# --- WSGI -----------------------------------------------------------------


class _TeeInput:
    """``wsgi.input`` that keeps a copy of the first ``limit`` bytes the
    application reads. Reads nothing the application does not read."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self.copy = bytearray()

    def _keep(self, data: bytes) -> bytes:
        room = self._limit - len(self.copy)
        if room > 0:
            self.copy += data[:room]
        return data

    def read(self, *args: Any) -> bytes:
        return self._keep(self._stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._keep(self._stream.readline(*args))

    def readlines(self, *args: Any) -> list[bytes]:
        return [self._keep(line) for line in self._stream.readlines(*args)]

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            yield self._keep(line)


class _AfterResponse:
    """The application's response iterable; calls ``done`` when the server
    closes it, that is after the last byte was handed to the client."""

    def __init__(self, result: Iterable[bytes], done: Callable[[], None]) -> None:
        self._result = result
        self._done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._result)

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._done()


def wsgi_request(environ: MutableMapping[str, Any], body: bytes) -> Request:
    """The request as it came on the wire, as far as WSGI keeps it."""
    # WSGI strings are latin-1 decoded bytes: encode them back.
    def raw(s: str) -> bytes:
        return s.encode("latin-1")

    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")  # gunicorn, uWSGI
    if uri:
        target = raw(uri)
    else:  # PATH_INFO is percent-decoded: re-encode it
        path = raw(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        target = quote(path, safe="/;=,:@!$&'()*+~").encode("ascii")
        if environ.get("QUERY_STRING"):
            target += b"?" + raw(environ["QUERY_STRING"])
    headers: list[tuple[bytes, bytes]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key.replace("_", "-").title()
        else:
            continue
        headers.append((name.encode("latin-1"), raw(value)))
    return {
        "method": raw(environ.get("REQUEST_METHOD", "GET")),
        "uri": target,
        "headers": headers,
        "body": body,
        "client": environ.get("REMOTE_ADDR"),
        "http_version": environ.get("SERVER_PROTOCOL"),
    }


class WSGIMiddleware:
    """Analyzes every request after its response, on a background thread."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        analyzer: Optional[BackgroundAnalyzer] = None,
        *,
        max_body: int = 1 << 20,
    ) -> None:
        self.app = app
        self.analyzer = analyzer if analyzer is not None else BackgroundAnalyzer()
        self.max_body = max_body

    def __call__(
        self, environ: MutableMapping[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        tee = _TeeInput(environ.get("wsgi.input"), self.max_body)
        environ["wsgi.input"] = tee

        def done() -> None:
            self.analyzer.submit(wsgi_request(environ, bytes(tee.copy)))

        return _AfterResponse(self.app(environ, start_response), done)


# --- ASGI -----------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def asgi_request(scope: Scope, body: bytes) -> Request:
    """The request as it came on the wire, as far as ASGI keeps it."""
    target = scope.get("raw_path") or quote(scope.get("path", "/")).encode("ascii")
    if scope.get("query_string"):
        target += b"?" + scope["query_string"]
    version = scope.get("http_version", "1.1")
    client = scope.get("client")
    return {
        "method": scope.get("method", "GET"),
        "uri": target,
        "headers": list(scope.get("headers", [])),
        "body": body,
        "client": client[0] if client else None,
        "http_version": f"HTTP/{version}",
    }


class ASGIMiddleware:
    """Analyzes every HTTP request after the application returned, on a
    background thread: the event loop never waits for the engine."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        analyzer: Optional[BackgroundAnalyzer] = None,
        *,
        max_body: int = 1 << 20,
    ) -> None:
        self.app = app
        self.analyzer = analyzer if analyzer is not None else BackgroundAnalyzer()
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def tee() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                room = self.max_body - len(body)
                if room > 0:
                    body.extend(message.get("body", b"")[:room])
            return message

        try:
            await self.app(scope, tee, send)
        finally:
            self.analyzer.submit(asgi_request(scope, bytes(body)))
