"""Replays corpus requests (JSONL) byte for byte to an HTTP server on
loopback and counts, per file and class, the responses with status 403
(blocked). Used for ModSecurity + CRS in nginx.

    python3 replay.py HOST:PORT WORKER_PIDS FILE.jsonl...

WORKER_PIDS (comma-separated) are the nginx workers whose CPU time
(/proc/PID/task/*/schedstat) is measured over each file; cpu_seconds is that
delta. Requests go out on a fresh connection each, 4 at a time; the write
side is shut after the request so a short body cannot hang the server.
Statuses other than 200/403 are counted under "other_status"."""

import base64
import glob
import json
import socket
import sys
from concurrent.futures import ThreadPoolExecutor


def cpu_ns(pids):
    total = 0
    for pid in pids:
        for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
            try:
                total += int(open(path).read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return total


def raw_request(rec):
    if "body_b64" in rec:
        body = base64.b64decode(rec["body_b64"])
    else:
        body = rec.get("body", "").encode("utf-8")
    version = rec.get("http_version") or "HTTP/1.1"
    if not version.startswith("HTTP/"):
        version = "HTTP/" + version
    lines = [f"{rec['method']} {rec['uri']} {version}".encode("utf-8", "surrogateescape")]
    has_length = False
    for name, value in rec.get("headers", []):
        if name.lower() == "content-length":
            has_length = True
        lines.append(f"{name}: {value}".encode("utf-8", "surrogateescape"))
    if body and not has_length:
        lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def send(addr, data):
    try:
        with socket.create_connection(addr, timeout=5) as s:
            s.sendall(data)
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            buf = b""
            while b"\r\n" not in buf and len(buf) < 4096:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        parts = buf.split(b" ", 2)
        return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
    except OSError:
        return 0


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    addr = (host, int(port))
    pids = [p for p in sys.argv[2].split(",") if p]
    files = []
    for path in sys.argv[3:]:
        recs = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        datas = [raw_request(r) for r in recs]
        before = cpu_ns(pids)
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda d: send(addr, d), datas))
        cpu = (cpu_ns(pids) - before) / 1e9
        classes = {}
        other = {}
        for rec, st in zip(recs, statuses):
            c = classes.setdefault(rec["class"], {"label": rec["label"], "total": 0, "flagged": 0})
            c["total"] += 1
            c["flagged"] += st == 403
            if st not in (200, 403):
                other[str(st)] = other.get(str(st), 0) + 1
        files.append({"path": path, "requests": len(recs), "evaluated": len(recs), "cpu_seconds": cpu,
                      "classes": classes, "other_status": other})
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    main()
