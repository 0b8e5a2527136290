"""libinjection (PyPI libinjection-python) on corpus requests: every decoded
query-string value and, for application/x-www-form-urlencoded bodies, every
decoded form value goes through is_sql_injection and is_xss; a request is
flagged when one value is. Prints JSON in the shape of the other peers.

    python3 libinj.py FILE.jsonl...

cpu_seconds counts the libinjection calls only (process CPU time), so it is
the C library plus the Python wrapper, not the parsing around it."""

import base64
import json
import sys
import time
from urllib.parse import parse_qsl

import libinjection


def values(rec):
    uri = rec.get("uri", "")
    out = []
    if "?" in uri:
        out += [v for _, v in parse_qsl(uri.split("?", 1)[1], keep_blank_values=True, errors="replace")]
    ctype = ""
    for name, value in rec.get("headers", []):
        if name.lower() == "content-type":
            ctype = value.lower()
    if ctype.startswith("application/x-www-form-urlencoded"):
        if "body_b64" in rec:
            body = base64.b64decode(rec["body_b64"]).decode("latin-1")
        else:
            body = rec.get("body", "")
        out += [v for _, v in parse_qsl(body, keep_blank_values=True, errors="replace")]
    return [v for v in out if v]


def main():
    files = []
    for path in sys.argv[1:]:
        classes = {}
        cpu = 0.0
        n = 0
        for line in open(path, encoding="utf-8"):
            if not line.strip():
                continue
            rec = json.loads(line)
            vals = values(rec)
            t0 = time.process_time()
            hit = False
            for v in vals:
                if libinjection.is_sql_injection(v)["is_sqli"] or libinjection.is_xss(v)["is_xss"]:
                    hit = True
                    break
            cpu += time.process_time() - t0
            n += 1
            c = classes.setdefault(rec["class"], {"label": rec["label"], "total": 0, "flagged": 0})
            c["total"] += 1
            c["flagged"] += hit
        files.append({"path": path, "requests": n, "cpu_seconds": cpu, "evaluated": n, "classes": classes})
    print(json.dumps({"engine": "libinjection", "files": files}))


if __name__ == "__main__":
    main()
