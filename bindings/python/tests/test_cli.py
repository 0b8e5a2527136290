"""`python -m mirrorguard scan` on sample files (tests/data, written for
these tests) and on the golden vectors."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, GOLDEN


def scan(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mirrorguard", "scan", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl() -> None:
    r = scan(str(DATA / "requests.jsonl"))
    assert r.returncode == 1, r.stderr
    got = lines(r.stdout)
    assert [g["id"] for g in got] == ["search-sqli", "comment-xss", "upload-b64"]
    assert [g["line"] for g in got] == [2, 4, 6]  # blank line 3 counted
    first = got[0]
    assert first["file"] == str(DATA / "requests.jsonl")
    assert first["method"] == "GET" and first["uri"].startswith("/search?q=shoes%27")
    assert first["verdict"]["findings"][0]["rule"] == "sqli.union"
    assert any(f["class"] == "jndi" for f in got[2]["verdict"]["findings"])  # body_b64 decoded
    assert "1 file, 5 requests, 3 attacks (jndi 1, sqli 1, ssrf 1, xss 1), 0 skipped" in r.stderr


def test_har() -> None:
    r = scan(str(DATA / "sample.har"))
    assert r.returncode == 1, r.stderr
    got = lines(r.stdout)
    assert [(g["entry"], g["method"], g["uri"]) for g in got] == [
        (1, "POST", "/api/login"),
        (2, "POST", "/contact"),
    ]
    assert got[0]["url"] == "https://shop.test/api/login"
    assert got[0]["verdict"]["findings"][0]["location"] == {"part": "json", "name": "/user", "decoders": []}
    # postData.params became a form body
    assert {f["location"]["name"] for f in got[1]["verdict"]["findings"]} == {"msg"}
    assert "3 requests, 2 attacks" in r.stderr


def test_access_log() -> None:
    r = scan(str(DATA / "access.log"))
    assert r.returncode == 1, r.stderr
    got = lines(r.stdout)
    assert [g["line"] for g in got] == [2, 3, 4, 6]
    assert got[0]["client"] == "203.0.113.9"
    by_line = {g["line"]: g for g in got}
    assert by_line[4]["verdict"]["findings"][-1]["location"]["name"] == "user-agent"  # UA analyzed
    assert by_line[6]["uri"].startswith('/q?s="%3E')  # nginx's \x22 unescaped
    assert "6 requests, 4 attacks" in r.stderr
    assert "access.log:5: no method and URI" in r.stderr  # the "-" request line
    assert "1 skipped" in r.stderr


def test_bad_lines_are_skipped_and_named() -> None:
    r = scan(str(DATA / "bad.jsonl"))
    assert r.returncode == 1
    assert [g["id"] for g in lines(r.stdout)] == ["ok"]
    for n in (2, 3, 4):
        assert f"bad.jsonl:{n}:" in r.stderr
    assert "2 requests, 1 attacks" in r.stderr and "3 skipped" in r.stderr


def test_no_attacks_exit_zero(tmp_path: Path) -> None:
    f = tmp_path / "benign.jsonl"
    f.write_text('{"uri": "/a?b=c"}\n{"method": "POST", "uri": "/x", "body": "hello"}\n')
    r = scan(str(f))
    assert (r.returncode, r.stdout) == (0, "")
    assert "2 requests, 0 attacks" in r.stderr
    assert scan("-q", str(f)).stderr == ""


def test_min_score() -> None:
    assert scan("--min-score", "11", str(DATA / "requests.jsonl")).returncode == 0
    r = scan("--min-score", "0", str(DATA / "requests.jsonl"))
    assert r.returncode == 1 and len(lines(r.stdout)) == 5  # every request reported


def test_config(tmp_path: Path) -> None:
    cfg = tmp_path / "mg.toml"
    cfg.write_text('classes = ["xss"]\n')
    r = scan("--config", str(cfg), str(DATA / "requests.jsonl"), str(DATA / "access.log"))
    assert r.returncode == 1
    assert {f["class"] for g in lines(r.stdout) for f in g["verdict"]["findings"]} == {"xss"}
    cfg.write_text('{"threshold": 0}')
    r = scan("--config", str(cfg), str(DATA / "requests.jsonl"))
    assert r.returncode == 2 and r.stdout == ""
    assert "field `threshold`" in r.stderr
    r = scan("--config", str(tmp_path / "missing.toml"), str(DATA / "requests.jsonl"))
    assert r.returncode == 2 and "missing.toml" in r.stderr


def test_errors_and_usage() -> None:
    r = scan(str(DATA / "no-such-file.log"))
    assert r.returncode == 2 and "no-such-file.log" in r.stderr
    r = subprocess.run([sys.executable, "-m", "mirrorguard"], capture_output=True, text=True)
    assert r.returncode == 2 and "usage" in r.stderr
    r = subprocess.run([sys.executable, "-m", "mirrorguard", "scan", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "User-Agent" in r.stdout


def test_stdin_and_format_override() -> None:
    log = (DATA / "access.log").read_bytes()
    r = scan("--format", "log", "-", stdin=log)
    assert r.returncode == 1
    assert [g["file"] for g in lines(r.stdout)] == ["-"] * 4
    har = DATA / "sample.har"
    r = scan("--format", "jsonl", str(har))  # wrong format: every line skipped, no crash
    assert r.returncode == 0 and "skipped" in r.stderr


def test_jobs_give_the_same_output() -> None:
    files = [str(DATA / n) for n in ("requests.jsonl", "sample.har", "access.log")]
    one = scan(*files)
    two = scan("--jobs", "2", *files)
    assert one.stdout == two.stdout and one.returncode == two.returncode == 1
    assert scan("--jobs", "0", *files).returncode == 2


def test_console_script() -> None:
    exe = shutil.which("mirrorguard", path=str(Path(sys.executable).parent))
    assert exe is not None
    r = subprocess.run([exe, "scan", str(DATA / "requests.jsonl")], capture_output=True, text=True)
    assert r.returncode == 1 and len(r.stdout.splitlines()) == 3


def test_golden_vectors_through_the_cli() -> None:
    """The CLI's JSONL reader builds the same requests as the Rust reader."""
    r = scan("--min-score", "0", str(GOLDEN / "requests.jsonl"))
    want = (GOLDEN / "verdicts.jsonl").read_text().splitlines()
    got = r.stdout.splitlines()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        verdict = g[g.index(',"verdict":') + len(',"verdict":') : -1]
        assert f'{{"id":{json.dumps(json.loads(g)["id"])},"verdict":{verdict}}}' == w


def test_progress_bar(tmp_path: Path) -> None:
    f = tmp_path / "many.log"
    line = '192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /p?a=1 HTTP/1.1" 200 1 "-" "curl/8"\n'
    f.write_text(line * 2000)
    cmd = [sys.executable, "-m", "mirrorguard", "scan", str(f)]
    r = subprocess.run([*cmd, "--progress", "always"], capture_output=True, timeout=120)
    assert re.search(rb"\r\S*many.log \[#* *\] +\d+% [\d,]+ requests, 0 attacks\x1b\[K", r.stderr)
    assert b"\r\x1b[K" in r.stderr  # the bar is cleared before the summary
    r = subprocess.run(cmd, capture_output=True, timeout=120)  # stderr is a pipe: no bar
    assert b"\r" not in r.stderr and b"\x1b" not in r.stderr


def test_progress_bar_on_a_terminal() -> None:
    """Auto mode draws the bar when stderr is a terminal and the scan takes
    a while (the bar waits half a second): here stdin pauses for a second."""
    line = b'192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /p?a=1 HTTP/1.1" 200 1 "-" "curl/8"\n'
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mirrorguard", "scan", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(line * 500)
    proc.stdin.flush()
    time.sleep(1.0)
    proc.stdin.write(line * 500)
    proc.stdin.close()
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(master)
    text = b"".join(chunks)
    assert re.search(rb"\rstdin [\d,]+ requests, 0 attacks\x1b\[K", text), text
    assert b"1,000 requests, 0 attacks" in text  # the summary


def test_closed_stdout_stops_quietly(tmp_path: Path) -> None:
    """`scan ... | head -1`: no traceback, no error message."""
    f = tmp_path / "attacks.log"
    line = '192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /p?id=1%27%20or%201=1-- HTTP/1.1" 200 1 "-" "x"\n'
    f.write_text(line * 5000)  # far more output than a pipe holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "mirrorguard", "scan", str(f)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1
    assert first.startswith(b'{"file":')
    assert b"Traceback" not in err and b"Broken pipe" not in err and b"Exception" not in err
