"""``python -m mirrorguard scan FILE...``: scan request files for attacks.

Formats, detected from the file name and its first bytes (or ``--format``):

* ``jsonl``: one request per line as JSON (mirrorguard's corpus format):
  ``{"id", "method", "uri", "headers": [[name, value], ...], "body" or
  "body_b64", "http_version", "client", "request_id"}``; only ``uri`` is
  required.
* ``har``: HTTP Archive files as browsers and proxies export them; every
  ``log.entries[].request``.
* ``log``: nginx/Apache combined (or common) access logs. A log line holds
  the method, the URI and the User-Agent only: headers, cookies and bodies
  are not logged, so attacks in them cannot be seen.

Each request whose verdict is an attack (or whose score reaches
``--min-score``) is printed on stdout as one JSON line: where it was found,
the request's method and URI, and the verdict in the shape every mirrorguard
binding shares. A summary goes to stderr. Exit status: 0 no attack, 1 attacks
found, 2 usage, file or configuration errors.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any, Optional, Union
from urllib.parse import urlencode, urlsplit

from ._native import ConfigError, Engine, Verdict

FORMATS = ("auto", "jsonl", "har", "log")
_Text = Union[str, bytes]


@dataclass
class Item:
    """One request read from a file, with where it came from."""

    where: dict[str, Any]
    method: _Text = "GET"
    uri: _Text = "/"
    headers: list[tuple[_Text, _Text]] = field(default_factory=list)
    body: bytes = b""
    http_version: Optional[str] = None
    client: Optional[str] = None
    request_id: Optional[str] = None
    shown: dict[str, Any] = field(default_factory=dict)


class BadRecord(ValueError):
    """A line or entry that is not a request of the file's format."""


class Progress:
    """A one-line progress bar on stderr, drawn at most ten times a second."""

    def __init__(self, enabled: bool, delay: float) -> None:
        self.enabled = enabled
        self.delay = delay
        self.drawn = False
        self.start = time.monotonic()
        self.last = 0.0

    def begin(self) -> None:
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, name: str, done: int, total: int, requests: int, attacks: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.delay or now - self.last < 0.1:
            return
        self.last = now
        label = name if len(name) <= 30 else "..." + name[-27:]
        counts = f"{requests:,} requests, {attacks:,} attacks"
        if total > 0:
            frac = min(done / total, 1.0)
            width = 24
            bar = "#" * int(frac * width)
            sys.stderr.write(f"\r{label} [{bar:<{width}}] {frac:4.0%} {counts}\x1b[K")
        else:  # stdin: no size to measure against
            sys.stderr.write(f"\r{label} {counts}\x1b[K")
        sys.stderr.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.drawn = False


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise BadRecord(f"{what} must be a string, not {type(value).__name__}")
    return value


def _opt_text(value: Any, what: str) -> Optional[str]:
    return None if value is None else _text(value, what)


def _headers(value: Any) -> list[tuple[_Text, _Text]]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = list(value.items())
    if not isinstance(value, list):
        raise BadRecord("headers must be a list of [name, value] pairs or an object")
    out: list[tuple[_Text, _Text]] = []
    for pair in value:
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 2
            or not all(isinstance(p, str) for p in pair)
        ):
            raise BadRecord("each header must be a [name, value] pair of strings")
        out.append((pair[0], pair[1]))
    return out


def jsonl_record(path: str, number: int, line: bytes) -> Optional[Item]:
    """One line of a JSONL request file; None for a blank line."""
    if not line.strip():
        return None
    try:
        rec = json.loads(line)
    except ValueError as e:
        raise BadRecord(f"{path}:{number}: not JSON: {e}") from None
    if not isinstance(rec, dict) or "uri" not in rec:
        raise BadRecord(f'{path}:{number}: not a request (no "uri")')
    try:
        if rec.get("body_b64") is not None:
            body = base64.b64decode(_text(rec["body_b64"], "body_b64"))
        elif rec.get("body") is not None:
            body = _text(rec["body"], "body").encode("utf-8", "surrogatepass")
        else:
            body = b""
        item = Item(
            where={"file": path, "line": number},
            method=_text(rec.get("method", "GET"), "method"),
            uri=_text(rec["uri"], "uri"),
            headers=_headers(rec.get("headers")),
            body=body,
            http_version=_opt_text(rec.get("http_version"), "http_version"),
            client=_opt_text(rec.get("client"), "client"),
            request_id=_opt_text(rec.get("request_id"), "request_id"),
        )
    except (BadRecord, binascii.Error) as e:
        raise BadRecord(f"{path}:{number}: {e}") from None
    if rec.get("id") is not None:
        item.shown["id"] = rec["id"]
    return item


def _har_version(v: Any) -> Optional[str]:
    """HAR writes `HTTP/1.1`, `http/2.0`, `h2`, `h3` or nothing."""
    if not isinstance(v, str) or not v or v.lower() == "unknown":
        return None
    low = v.lower()
    if low in ("h2", "http/2", "http/2.0"):
        return "HTTP/2"
    if low in ("h3", "http/3", "http/3.0"):
        return "HTTP/3"
    return v.upper() if low.startswith("http/") else v


def har_items(path: str, har: Any) -> list[Item]:
    entries = har.get("log", {}).get("entries") if isinstance(har, dict) else None
    if not isinstance(entries, list):
        raise BadRecord(f"{path}: not a HAR file (no log.entries)")
    items = []
    for index, entry in enumerate(entries):
        req = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(req, dict) or not isinstance(req.get("url"), str):
            raise BadRecord(f"{path}: entry {index}: no request URL")
        url = req["url"]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss"):
            uri = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        else:
            uri = url
        headers: list[tuple[_Text, _Text]] = []
        authority = None
        for h in req.get("headers") or []:
            if not isinstance(h, dict):
                continue
            name, value = h.get("name"), h.get("value")
            if not isinstance(name, str) or not isinstance(value, str):
                continue
            if name.startswith(":"):  # HTTP/2 pseudo-headers
                if name == ":authority":
                    authority = value
                continue
            headers.append((name, value))
        if not any(isinstance(n, str) and n.lower() == "host" for n, _ in headers):
            host = authority or parts.netloc
            if host:
                headers.insert(0, ("Host", host))
        body = b""
        post = req.get("postData")
        if isinstance(post, dict):
            text = post.get("text")
            if isinstance(text, str):
                if post.get("encoding") == "base64":
                    try:
                        body = base64.b64decode(text)
                    except binascii.Error:
                        raise BadRecord(f"{path}: entry {index}: bad base64 body") from None
                else:
                    body = text.encode("utf-8", "surrogatepass")
            elif isinstance(post.get("params"), list):
                pairs = [
                    (p.get("name", ""), p.get("value", ""))
                    for p in post["params"]
                    if isinstance(p, dict)
                ]
                body = urlencode(pairs).encode()
        items.append(
            Item(
                where={"file": path, "entry": index},
                method=_text(req.get("method", "GET"), "method"),
                uri=uri,
                headers=headers,
                body=body,
                http_version=_har_version(req.get("httpVersion")),
                shown={"url": url},
            )
        )
    return items


_LOG_LINE = re.compile(
    rb'^(?P<client>\S+) \S+ \S+ \[[^\]]*\] "(?P<request>(?:[^"\\]|\\.)*)" '
    rb'(?:\d{3}|-) (?:\d+|-)'
    rb'(?: "(?:[^"\\]|\\.)*" "(?P<ua>(?:[^"\\]|\\.)*)")?'
)
_ESCAPE = re.compile(rb"\\(x[0-9A-Fa-f]{2}|.)")
_SIMPLE_ESCAPES = {b'"': b'"', b"\\": b"\\", b"n": b"\n", b"r": b"\r", b"t": b"\t"}


def _unescape(raw: bytes) -> bytes:
    """Undoes nginx's and Apache's log escaping (`\\xHH`, `\\"`, `\\\\`)."""

    def one(m: re.Match[bytes]) -> bytes:
        s = m.group(1)
        if len(s) == 3:
            return bytes([int(s[1:], 16)])
        return _SIMPLE_ESCAPES.get(s, b"\\" + s)

    return _ESCAPE.sub(one, raw) if b"\\" in raw else raw


def log_record(path: str, number: int, line: bytes) -> Optional[Item]:
    """One line of a combined or common access log; None for a blank line."""
    line = line.rstrip(b"\r\n")
    if not line.strip():
        return None
    m = _LOG_LINE.match(line)
    if not m:
        raise BadRecord(f"{path}:{number}: not a combined or common log line")
    words = _unescape(m.group("request")).split(b" ")
    if len(words) < 2:
        # `"-"` or a garbage request line the server answered with 400.
        raise BadRecord(f"{path}:{number}: no method and URI in the request line")
    version: Optional[bytes] = None
    if len(words) >= 3 and words[-1].upper().startswith(b"HTTP/"):
        version = words.pop()
    headers: list[tuple[_Text, _Text]] = []
    ua = m.group("ua")
    if ua is not None and ua != b"-":
        headers.append(("User-Agent", _unescape(ua)))
    client = m.group("client").decode("latin-1")
    return Item(
        where={"file": path, "line": number},
        method=words[0],
        uri=b" ".join(words[1:]),
        headers=headers,
        http_version=version.decode("latin-1") if version else None,
        client=client,
        shown={"client": client},
    )


def sniff(path: str, head: bytes) -> str:
    """The format of a file, from its name, else its first bytes."""
    low = path.lower()
    if low.endswith(".har"):
        return "har"
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    text = head.lstrip()
    if not text.startswith(b"{"):
        return "log"
    first = text.split(b"\n", 1)[0]
    try:
        rec = json.loads(first)
    except ValueError:
        return "har"  # a JSON document spread over lines
    return "har" if isinstance(rec, dict) and "log" in rec else "jsonl"


@dataclass
class Totals:
    files: int = 0
    requests: int = 0
    reported: int = 0
    skipped: int = 0
    classes: collections.Counter[str] = field(default_factory=collections.Counter)


class Scanner:
    def __init__(self, engine: Engine, min_score: Optional[int], jobs: int, out: IO[str]) -> None:
        self.engine = engine
        self.min_score = min_score
        self.jobs = jobs
        self.out = out
        self.totals = Totals()
        self.pool = ThreadPoolExecutor(max_workers=jobs) if jobs > 1 else None

    def analyze(self, item: Item) -> Verdict:
        return self.engine.analyze(
            method=item.method,
            uri=item.uri,
            headers=item.headers,
            body=item.body,
            client=item.client,
            request_id=item.request_id,
            http_version=item.http_version,
        )

    def report(self, item: Item, verdict: Verdict) -> None:
        self.totals.requests += 1
        hit = verdict.is_attack if self.min_score is None else verdict.score >= self.min_score
        if not hit:
            return
        self.totals.reported += 1
        self.totals.classes.update({f.attack_class for f in verdict.findings})
        meta: dict[str, Any] = dict(item.where)
        meta.update(item.shown)
        for key in ("method", "uri"):
            value = getattr(item, key)
            meta[key] = value.decode("latin-1") if isinstance(value, bytes) else value
        # The verdict is spliced in as the engine wrote it: the same bytes
        # as every other binding's `to_json`.
        head = json.dumps(meta, separators=(",", ":"))
        self.out.write(f'{head[:-1]},"verdict":{verdict.to_json()}}}\n')

    def run(self, items: Iterator[Item]) -> None:
        if self.pool is None:
            for item in items:
                self.report(item, self.analyze(item))
            return
        pending: collections.deque[tuple[Item, Future[Verdict]]] = collections.deque()
        for item in items:
            pending.append((item, self.pool.submit(self.analyze, item)))
            if len(pending) >= self.jobs * 64:
                done, fut = pending.popleft()
                self.report(done, fut.result())
        while pending:
            done, fut = pending.popleft()
            self.report(done, fut.result())

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _file_items(
    path: str, f: IO[bytes], kind: str, total: int, scanner: Scanner, progress: Progress,
    skip: Any,
) -> Iterator[Item]:
    t = scanner.totals
    name = "stdin" if path == "-" else path
    if kind == "har":
        try:
            items = har_items(path, json.load(f))
        except BadRecord as e:
            skip(str(e))
            return
        except ValueError as e:
            skip(f"{path}: not a HAR file: {e}")
            return
        for i, entry in enumerate(items):
            progress.update(name, i, len(items), t.requests, t.reported)
            yield entry
        return
    parse = jsonl_record if kind == "jsonl" else log_record
    done = 0
    for number, line in enumerate(f, 1):
        done += len(line)
        progress.update(name, done, total, t.requests, t.reported)
        try:
            item = parse(path, number, line)
        except BadRecord as e:
            skip(str(e))
            continue
        if item is not None:
            yield item


def scan_file(path: str, fmt: str, scanner: Scanner, progress: Progress, errors: list[str]) -> None:
    """Scans one file; a bad line or entry is skipped and reported on stderr."""
    t = scanner.totals

    def skip(msg: str) -> None:
        t.skipped += 1
        if t.skipped <= 10:
            errors.append(msg)
        elif t.skipped == 11:
            errors.append("(more skipped lines not shown)")

    if path == "-":
        f: IO[bytes] = sys.stdin.buffer
        total = 0
    else:
        f = open(path, "rb")  # noqa: SIM115 - closed below
        total = os.fstat(f.fileno()).st_size
    try:
        peek = getattr(f, "peek", None)
        head = peek(4096)[:4096] if peek is not None else b""
        kind = sniff(path, head) if fmt == "auto" else fmt
        progress.begin()
        scanner.run(_file_items(path, f, kind, total, scanner, progress, skip))
        t.files += 1
    finally:
        progress.clear()
        if path != "-":
            f.close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m mirrorguard",
        description="Finds web attacks in HTTP requests.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scan = sub.add_parser(
        "scan",
        help="scan request files (JSONL, HAR, access logs) for attacks",
        description=(
            "Scans JSONL request files, HAR files and nginx/Apache combined access "
            "logs. Prints one JSON line per attack on stdout and a summary on "
            "stderr; exits 1 when attacks were found. Access logs hold only the "
            "method, the URI and the User-Agent: attacks in other headers, "
            "cookies and bodies are not seen."
        ),
    )
    scan.add_argument("files", nargs="+", metavar="FILE", help="files to scan ('-' for stdin)")
    scan.add_argument("--config", metavar="FILE", help="engine configuration (TOML or JSON)")
    scan.add_argument(
        "--min-score",
        type=int,
        metavar="N",
        help="report requests whose score is at least N (default: the verdict's attack flag, "
        "i.e. the configured threshold)",
    )
    scan.add_argument(
        "--format", choices=FORMATS, default="auto", help="file format (default: from the file)"
    )
    scan.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="analysis threads (the engine releases the GIL; default 1)",
    )
    scan.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr: auto shows it for long files when stderr is a terminal",
    )
    scan.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    prog = "mirrorguard"
    if args.jobs < 1:
        print(f"{prog}: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        config = None
        if args.config is not None:
            with open(args.config, encoding="utf-8") as cf:
                config = cf.read()
        engine = Engine(config)
    except OSError as e:
        print(f"{prog}: {args.config}: {e.strerror}", file=sys.stderr)
        return 2
    except ConfigError as e:
        print(f"{prog}: {args.config}: {e}", file=sys.stderr)
        return 2
    tty = sys.stderr.isatty()
    progress = Progress(
        enabled=args.progress == "always" or (args.progress == "auto" and tty),
        delay=0.0 if args.progress == "always" else 0.5,
    )
    scanner = Scanner(engine, args.min_score, args.jobs, sys.stdout)
    errors: list[str] = []
    failed = False
    start = time.monotonic()
    try:
        for path in args.files:
            try:
                scan_file(path, args.format, scanner, progress, errors)
            except BrokenPipeError:
                raise
            except OSError as e:
                print(f"{prog}: {path}: {e.strerror}", file=sys.stderr)
                failed = True
            for msg in errors:
                print(f"{prog}: skipped {msg}", file=sys.stderr)
            errors.clear()
            sys.stdout.flush()
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        scanner.close()
    t = scanner.totals
    elapsed = time.monotonic() - start
    if not args.quiet:
        classes = ", ".join(f"{c} {n:,}" for c, n in sorted(t.classes.items()))
        rate = f", {t.requests / elapsed:,.0f} requests/s" if elapsed > 0 and t.requests else ""
        print(
            f"{prog}: {t.files} file{'s' if t.files != 1 else ''}, {t.requests:,} requests, "
            f"{t.reported:,} attacks{f' ({classes})' if classes else ''}, "
            f"{t.skipped:,} skipped, {elapsed:.2f} s{rate}",
            file=sys.stderr,
        )
    if failed:
        return 2
    return 1 if t.reported else 0
