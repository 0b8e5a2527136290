"""A WSGI app behind the mirrorguard middleware, served by the standard
library's wsgiref:

    python examples/python/wsgi_demo.py 8000
    curl 'http://127.0.0.1:8000/?id=1%27%20or%201=1--'

The response comes at once; the attack is logged on stderr a moment later,
from the analysis thread.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any, Callable
from wsgiref.simple_server import make_server

from mirrorguard_middleware import WSGIMiddleware


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size) if size else b""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello, read %d body bytes\n" % len(body)]


app = WSGIMiddleware(hello)

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    with make_server("127.0.0.1", port, app) as server:
        print(f"serving on http://127.0.0.1:{port}/", file=sys.stderr)
        server.serve_forever()
