"""mirrorguard finds web attacks in HTTP requests.

Build an :class:`Engine` once and share it between threads, or call the
module-level :func:`analyze`, which uses an engine with the default
configuration::

    >>> import mirrorguard
    >>> v = mirrorguard.analyze(uri="/?id=1%27%20or%201=1--")
    >>> v.is_attack, v.findings[0].rule
    (True, 'sqli.tautology')

Every :class:`Verdict` gives the JSON shape shared by all of mirrorguard's
bindings: ``verdict.to_json()`` (text) and ``verdict.to_dict()``.

``python -m mirrorguard scan FILE...`` scans JSONL request files, HAR files
and combined access logs.
"""

from ._native import (
    ConfigError,
    Engine,
    Finding,
    HttpError,
    LimitsHit,
    Location,
    Verdict,
    __version__,
    analyze,
)

__all__ = [
    "ConfigError",
    "Engine",
    "Finding",
    "HttpError",
    "LimitsHit",
    "Location",
    "Verdict",
    "__version__",
    "analyze",
]
