#!/usr/bin/env python3
"""Hard-benign corpus generator for mirrorguard false-positive hunting.

Collects technical text from this machine (man pages, README files, pydoc of
stdlib modules, `///` doc comments in ~/.cargo/registry/src, dpkg package
descriptions) and writes corpus-format JSONL, one file per source, each text
sent twice: as `GET /search?q=<text>` and as a JSON POST `{"comment": text}`.

    python3 benches/hard-benign/gen.py [N_PER_SOURCE [SOURCE...]]
        -> $OUT/<source>.jsonl (OUT defaults to target/hard-benign)

The texts are this machine's own documentation: the files are generated,
never committed, and differ from one machine to the next. Then:

    cargo run --release -p mirrorguard-benches --bin accuracy -- target/hard-benign/*.jsonl
"""
import glob
import gzip
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import urllib.parse

OUT = os.environ.get("OUT", "target/hard-benign")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
MAXLEN = 2000
rng = random.Random(20261204)


def clean(p):
    p = re.sub(r"[ \t]+", " ", p).strip()
    return p


def keep(p):
    return 12 <= len(p) <= MAXLEN and re.search(r"[A-Za-z]{3}", p)


def paragraphs(text, join=" "):
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [l.strip() for l in block.splitlines() if l.strip()]
        if not lines:
            continue
        p = clean(join.join(lines)) if join == " " else "\n".join(lines)
        if keep(p):
            out.append(p)
    return out


# ---------------------------------------------------------------- man pages
def man_texts():
    pages = []
    for sec in ("1", "2", "3", "5", "7", "8"):
        pages += glob.glob(f"/usr/share/man/man{sec}/*")
    rng.shuffle(pages)
    out = []
    env = dict(os.environ, MANWIDTH="400", MAN_KEEP_FORMATTING="0", LANG="C.UTF-8")
    for path in pages[:700]:
        try:
            r = subprocess.run(["man", "-P", "cat", "-l", path], capture_output=True,
                               env=env, timeout=10)
        except subprocess.TimeoutExpired:
            continue
        text = r.stdout.decode("utf-8", "replace")
        text = re.sub(r".\x08", "", text)  # overstrike bold/underline
        lines = text.splitlines()[1:-1]  # drop header and footer lines
        for p in paragraphs("\n".join(lines)):
            if p.isupper() and len(p) < 40:  # section headings
                continue
            out.append((os.path.basename(path), p))
    return out


# ---------------------------------------------------------------- READMEs
def readme_texts():
    out = []
    for path in sorted(glob.glob("/usr/share/doc/*/README*")):
        try:
            if path.endswith(".gz"):
                data = gzip.open(path).read()
            else:
                data = open(path, "rb").read()
        except (OSError, EOFError, IsADirectoryError):
            continue
        text = data.decode("utf-8", "replace")
        # prose paragraphs joined by spaces; indented/code blocks keep lines
        for block in re.split(r"\n\s*\n", text):
            lines = [l for l in block.splitlines() if l.strip()]
            if not lines:
                continue
            codey = any(l.startswith(("    ", "\t", "$ ", "```")) for l in lines)
            p = "\n".join(l.rstrip() for l in lines) if codey else clean(" ".join(lines))
            if keep(p):
                out.append((path.split("/")[4], p))
    return out


# ---------------------------------------------------------------- pydoc
PYDOC_SCRIPT = r"""
import pydoc, sys, json, pkgutil, warnings
warnings.simplefilter("ignore")
skip = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "lib2to3", "test"}
names = sorted(m.name for m in pkgutil.iter_modules() if not m.name.startswith("_") and m.name not in skip)
res = {}
for n in names:
    try:
        mod = __import__(n)
        res[n] = pydoc.plain(pydoc.render_doc(mod, renderer=pydoc.plaintext))
    except BaseException:
        pass
json.dump(res, open(sys.argv[1], "w"))
"""


def pydoc_texts():
    os.makedirs(OUT, exist_ok=True)
    raw = os.path.abspath(f"{OUT}/pydoc.raw.json")
    # In a child run from /tmp: importing every module has side effects.
    subprocess.run(["/usr/bin/python3", "-c", PYDOC_SCRIPT, raw], capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=900, cwd="/tmp")
    docs = json.load(open(raw))
    out = []
    for mod, text in docs.items():
        for p in paragraphs(text, join="\n"):
            # pydoc indents with '|' margins in class bodies; strip them
            p = "\n".join(re.sub(r"^[|\s]+", "", l) for l in p.splitlines()).strip()
            if not keep(p):
                continue
            # prose paragraphs read as one line, as pasted into a form
            if not any(l.startswith((">>>", "...")) for l in p.splitlines()):
                p = clean(p.replace("\n", " "))
            out.append((mod, p))
    return out


# ---------------------------------------------------------------- rustdoc
def rustdoc_texts():
    files = glob.glob(os.path.expanduser("~/.cargo/registry/src/*/*/src/**/*.rs"),
                      recursive=True)
    rng.shuffle(files)
    out = []
    for path in files[:4000]:
        try:
            src = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        crate = path.split("/")[6]
        cur, in_code = [], False

        def flush():
            if cur:
                joiner = "\n" if in_code or any(c.startswith("    ") for c in cur) else " "
                p = joiner.join(cur).strip()
                if joiner == " ":
                    p = clean(p)
                if keep(p):
                    out.append((crate, p))
            cur.clear()

        for line in src.splitlines():
            m = re.match(r"\s*//[/!] ?(.*)$", line)
            if not m:
                flush()
                in_code = False
                continue
            body = m.group(1)
            if body.strip().startswith("```"):
                flush()
                in_code = not in_code
                continue
            if not body.strip():
                flush()
                continue
            cur.append(body.rstrip())
        flush()
    return out


# ---------------------------------------------------------------- dpkg
def dpkg_texts():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Description}\n\x1e\n"],
                       capture_output=True)
    out = []
    for rec in r.stdout.decode("utf-8", "replace").split("\x1e\n"):
        if "\t" not in rec:
            continue
        pkg, desc = rec.split("\t", 1)
        lines = desc.splitlines()
        if not lines:
            continue
        out.append((pkg, clean(lines[0])))  # synopsis
        body = "\n".join("" if l.strip() == "." else l for l in lines[1:])
        for p in paragraphs(body):
            out.append((pkg, p))
        if len(lines) > 1:  # whole description as one value too
            whole = clean(" ".join(l.strip() for l in lines if l.strip() != "."))
            if keep(whole):
                out.append((pkg, whole))
    return [(k, p) for k, p in out if keep(p)]


def write(source, items):
    seen, uniq = set(), []
    for key, p in items:
        if p not in seen:
            seen.add(p)
            uniq.append((key, p))
    rng.shuffle(uniq)
    uniq = uniq[:N]
    os.makedirs(OUT, exist_ok=True)
    path = f"{OUT}/{source}.jsonl"
    with open(path, "w") as f:
        for i, (key, p) in enumerate(uniq):
            h = hashlib.sha1(p.encode()).hexdigest()[:12]
            base = {"label": "benign", "class": "benign"}
            get = dict(base, id=f"hard-{source}-{h}-q", source=f"local:{source}:{key}#{i}/query",
                       method="GET", uri="/search?q=" + urllib.parse.quote_plus(p),
                       headers=[["Host", "example.com"], ["User-Agent", "Mozilla/5.0"],
                                ["Accept", "text/html"]], body="")
            post = dict(base, id=f"hard-{source}-{h}-j", source=f"local:{source}:{key}#{i}/json",
                        method="POST", uri="/api/comments",
                        headers=[["Host", "example.com"], ["User-Agent", "Mozilla/5.0"],
                                 ["Accept", "application/json"],
                                 ["Content-Type", "application/json"]],
                        body=json.dumps({"comment": p}))
            f.write(json.dumps(get) + "\n")
            f.write(json.dumps(post) + "\n")
    print(f"{source}: {len(seen)} unique texts, wrote {len(uniq)} -> {path}", file=sys.stderr)


SOURCES = {"man": man_texts, "readme": readme_texts, "pydoc": pydoc_texts,
           "rustdoc": rustdoc_texts, "dpkg": dpkg_texts}

if __name__ == "__main__":
    want = sys.argv[2:] or list(SOURCES)
    for s in want:
        write(s, SOURCES[s]())
