"""Type stubs of the native module; checked against it by ``mypy.stubtest``."""

from collections.abc import Iterable, Mapping
from typing import Any, Union, final

_Text = Union[str, bytes, bytearray]
_Pair = Union[tuple[_Text, _Text], list[_Text]]
_Headers = Union[Mapping[str, _Text], Mapping[bytes, _Text], Iterable[_Pair]]

__version__: str
__all__ = [
    "__version__",
    "ConfigError",
    "Engine",
    "Finding",
    "HttpError",
    "LimitsHit",
    "Location",
    "Verdict",
    "analyze",
]

class ConfigError(ValueError):
    """An invalid engine configuration."""

    field: str | None
    """The field at fault, as a dotted path (``limits.max_body_bytes``), or None."""

class HttpError(ValueError):
    """Raw bytes given to ``Engine.analyze_raw`` that are not an HTTP/1.x request."""

@final
class Engine:
    """The detection engine: built once, then shared by any number of threads."""

    def __new__(cls, config: dict[str, Any] | str | None = None) -> Engine:
        """Checks the configuration (a dict, or TOML or JSON text) and builds
        the engine; raises ``ConfigError`` naming the field at fault."""

    def analyze(
        self,
        method: _Text = "GET",
        uri: _Text = "/",
        headers: _Headers | None = None,
        body: _Text = b"",
        client: _Text | None = None,
        request_id: _Text | None = None,
        http_version: _Text | None = None,
    ) -> Verdict:
        """Analyzes one request; the GIL is released while the engine works."""

    def analyze_raw(self, raw: bytes | bytearray) -> Verdict:
        """Parses raw HTTP/1.x request bytes and analyzes the request."""

    @property
    def config(self) -> dict[str, Any]:
        """The configuration in effect, as a dict (defaults filled in)."""

def analyze(
    method: _Text = "GET",
    uri: _Text = "/",
    headers: _Headers | None = None,
    body: _Text = b"",
    client: _Text | None = None,
    request_id: _Text | None = None,
    http_version: _Text | None = None,
) -> Verdict:
    """Analyzes a request with the default engine, built once."""

@final
class Verdict:
    """The engine's judgement of one request."""

    @property
    def is_attack(self) -> bool: ...
    @property
    def score(self) -> int: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def limits(self) -> LimitsHit: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Finding:
    """One reason a request looks like an attack."""

    @property
    def attack_class(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def location(self) -> Location: ...
    @property
    def evidence(self) -> str: ...

@final
class Location:
    """Where a finding was found."""

    @property
    def part(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def key(self) -> bool: ...
    @property
    def decoders(self) -> list[str]: ...

@final
class LimitsHit:
    """Which limits cut analysis short."""

    @property
    def body_truncated(self) -> bool: ...
    @property
    def depth_limited(self) -> bool: ...
    @property
    def inputs_truncated(self) -> bool: ...
    def any(self) -> bool: ...
