#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from core/testdata into
fuzz/corpus/<target>/ (one file per seed, named by content hash).

Usage: seeds.py CORE_TESTDATA_DIR CORPUS_DIR
"""
import hashlib
import json
import os
import re
import sys

TESTDATA, CORPUS = sys.argv[1], sys.argv[2]

# AttackClass::ALL order (core/src/verdict.rs) and the data dir of each.
CLASSES = ["sqli", "xss", "rce", "path", "url", "url", "ssti", "nosqli",
           "ldapi", "xxe", "crlf", "jndi", "php", "java", "scanner",
           "protocol", "generic"]
# Part::ALL index of `query` (Method, Path, Query, ...): value as a query arg.
QUERY_PART = 2
DECODERS = ["percent", None, "html", "js", "utf8", "fullwidth", "nul",
            "base64", None]
MAX_PER_TARGET = 400


def read(rel):
    path = os.path.join(TESTDATA, rel)
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def unescape(s):
    """The `\\n`, `\\t`, `\\r`, `\\\\`, `\\xHH` escapes of the data files."""
    out = bytearray()
    b = s.encode("utf-8", "surrogateescape")
    i = 0
    while i < len(b):
        c = b[i]
        if c == 0x5C and i + 1 < len(b):
            n = chr(b[i + 1])
            if n in "ntr\\":
                out += {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\"}[n]
                i += 2
                continue
            if n == "x" and re.match(rb"[0-9a-fA-F]{2}", b[i + 2:i + 4]):
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
        out.append(c)
        i += 1
    return bytes(out)


def lines(rel, column=None):
    """Payload lines of a one-per-line data file (comments skipped)."""
    for line in read(rel).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if column is not None:
            line = line.split("\t")[column] if "\t" in line else line
        yield unescape(line)


def cases(rel):
    """Inputs of a `=== title | flags` case file (parse/testkit.rs)."""
    text = read(rel).splitlines()
    i = 0
    while i < len(text):
        if not text[i].startswith("==="):
            i += 1
            continue
        flags = text[i].split("|", 1)[1].split() if "|" in text[i] else []
        i += 1
        body = []
        while i < len(text) and text[i] != "---":
            body.append(text[i])
            i += 1
        raw = "\n".join(body)
        data = unescape(raw) if "esc" in flags else raw.encode("utf-8", "surrogateescape")
        if "nl" in flags:
            data += b"\n"
        if "crlf" in flags:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        yield data


def golden():
    for line in read("golden/requests.jsonl").splitlines():
        if line.strip():
            yield json.loads(line)


def golden_body(r):
    import base64
    if "body_b64" in r:
        return base64.b64decode(r["body_b64"])
    return r.get("body", "").encode("utf-8", "surrogateescape")


def golden_raw(r):
    head = f"{r['method']} {r['uri']} HTTP/1.1\r\n".encode("utf-8", "surrogateescape")
    body = golden_body(r)
    for n, v in r.get("headers", []):
        head += f"{n}: {v}\r\n".encode("utf-8", "surrogateescape")
    if body:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


def write(target, seeds):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    n = 0
    for s in seeds:
        if n >= MAX_PER_TARGET:
            break
        name = hashlib.sha1(s).hexdigest()
        p = os.path.join(d, name)
        if not os.path.exists(p):
            with open(p, "wb") as f:
                f.write(s)
        n += 1
    print(f"{target}: {n} seeds")


def attack_lines(cls):
    yield from lines(f"{cls}/attacks.txt")
    yield from lines(f"{cls}/benign.txt")


reqs = list(golden())
raw_reqs = [golden_raw(r) for r in reqs]
queries = [r["uri"].split("?", 1)[1].encode("utf-8", "surrogateescape")
           for r in reqs if "?" in r["uri"]]
bodies = [golden_body(r) for r in reqs]

write("parse_http1", list(cases("parse/http1.txt")) + raw_reqs)
write("analyze", raw_reqs + bodies)
write("body_form", queries + [b for b in bodies if b and b"=" in b])
write("body_multipart", cases("parse/multipart.txt"))
write("body_json", list(cases("parse/json.txt"))
      + [b for b in bodies if b.lstrip()[:1] in (b"{", b"[")])
write("body_xml", list(cases("parse/xml.txt")) + list(attack_lines("xxe"))
      + [b for b in bodies if b.lstrip()[:1] == b"<"])
dec = []
for i, name in enumerate(DECODERS):
    src = name or "../evasion/attacks.txt"
    col = 1 if name is None else 0
    dec += [bytes([i]) + v for v in lines(f"decode/{src}.txt" if name else "evasion/attacks.txt", col)][:60]
write("decode", dec)
norm = []
for name in DECODERS:
    if name:
        norm += list(lines(f"decode/{name}.txt", 0))
write("normalize", norm + list(lines("e2e/evasions.txt")))
write("lex_sql", attack_lines("sqli"))
write("lex_shell", attack_lines("rce"))
write("lex_html", attack_lines("xss"))
write("lex_js", list(attack_lines("xss")) + list(attack_lines("php")))
det = []
for i, cls in enumerate(CLASSES):
    det += [bytes([i, QUERY_PART, 0]) + v for v in attack_lines(cls)][:40]
write("detect", det)
write("config", [
    b'sensitivity = "high"\nthreshold = 5\n[limits]\nmax_body_bytes = 1048576\nmax_decode_depth = 6\n',
    b'classes = ["sqli", "xss"]\n[[exclusions]]\npath_prefix = "/admin"\npart = "form"\nname = "html"\nclass = "xss"\n',
    b'{"threshold": 3, "limits": {"max_inputs": 10, "max_json_depth": 8}, "exclusions": [{"rule": "sqli.tautology"}]}',
    b'{"sensitivity": "paranoid", "classes": ["rce"]}',
])
