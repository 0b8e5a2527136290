"""The golden vectors shared by every binding: the same verdict JSON, byte
for byte, as the Rust core (core/testdata/golden, checked in Rust by
benches/tests/golden.rs)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import mirrorguard

from conftest import GOLDEN


def load(name: str) -> list[str]:
    path = GOLDEN / name
    if not path.exists():
        pytest.fail(f"golden vectors missing: {path} (set MIRRORGUARD_REPO)")
    return path.read_text(encoding="utf-8").splitlines()


def request_args(rec: dict[str, Any]) -> dict[str, Any]:
    if rec.get("body_b64") is not None:
        body = base64.b64decode(rec["body_b64"])
    else:
        body = (rec.get("body") or "").encode("utf-8")
    return {
        "method": rec["method"],
        "uri": rec["uri"],
        "headers": rec.get("headers", []),
        "body": body,
        "http_version": rec.get("http_version"),
    }


def test_golden_verdicts_are_byte_identical() -> None:
    requests = load("requests.jsonl")
    verdicts = load("verdicts.jsonl")
    assert len(requests) == len(verdicts) > 0
    engine = mirrorguard.Engine()
    for req_line, want in zip(requests, verdicts):
        rec = json.loads(req_line)
        verdict = engine.analyze(**request_args(rec))
        got = f'{{"id":{json.dumps(rec["id"])},"verdict":{verdict.to_json()}}}'
        assert got == want, rec["id"]
        assert verdict.to_dict() == json.loads(want)["verdict"]
        assert verdict.is_attack == (rec["label"] == "attack"), rec["id"]


def test_golden_default_engine_and_raw_agree() -> None:
    """The module-level default engine gives the same verdicts, and so does
    analyze_raw on the same requests written as HTTP/1.1 bytes."""
    engine = mirrorguard.Engine()
    checked_raw = 0
    for line in load("requests.jsonl"):
        rec = json.loads(line)
        args = request_args(rec)
        want = engine.analyze(**args).to_json()
        assert mirrorguard.analyze(**args).to_json() == want
        framing = {n.lower() for n, _ in args["headers"]} & {"content-length", "transfer-encoding"}
        if framing or any("\r" in n + v or "\n" in n + v for n, v in args["headers"]):
            continue  # raw bytes would frame differently
        if " " in rec["uri"] or args["http_version"]:
            continue
        # On the wire, header values lose surrounding whitespace (RFC 9112).
        headers = [[n, v.strip(" \t")] for n, v in args["headers"]]
        if args["body"]:
            headers.append(["Content-Length", str(len(args["body"]))])
        want = engine.analyze(**{**args, "headers": headers}).to_json()
        head = f'{rec["method"]} {rec["uri"]} HTTP/1.1\r\n'.encode("utf-8")
        for n, v in headers:
            head += f"{n}: {v}\r\n".encode("utf-8")
        try:
            got = engine.analyze_raw(head + b"\r\n" + args["body"]).to_json()
        except mirrorguard.HttpError:
            continue  # e.g. a header value the HTTP parser rejects on purpose
        assert got == want, rec["id"]
        checked_raw += 1
    assert checked_raw > 10
