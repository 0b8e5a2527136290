"""An ASGI app behind the mirrorguard middleware. Serve it with any ASGI
server, for example:

    pip install uvicorn
    cd examples/python && uvicorn asgi_demo:app --port 8000
    curl -d 'q=<script>alert(1)</script>' http://127.0.0.1:8000/search

With FastAPI or Starlette, wrap the application the same way:
``app = ASGIMiddleware(FastAPI(...))``, or
``app.add_middleware(ASGIMiddleware)`` (Starlette passes the app first).
"""

from __future__ import annotations

import logging
from typing import Any

from mirrorguard_middleware import ASGIMiddleware


async def hello(scope: Any, receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    size = 0
    more = True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    )
    await send({"type": "http.response.body", "body": b"hello, read %d body bytes\n" % size})


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
app = ASGIMiddleware(hello)
