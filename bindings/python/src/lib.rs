//! `mirrorguard._native`: the Python module over the mirrorguard engine.
//!
//! Thin by design: each Python type wraps one core type and converts; no
//! detection logic lives here. The public package `mirrorguard` (pure Python,
//! in `python/mirrorguard/`) re-exports what is defined here, and
//! `python/mirrorguard/_native.pyi` describes it for type checkers
//! (checked against this module by `mypy.stubtest` in the tests).
//!
//! Arguments are converted while the GIL is held into values Python cannot
//! change afterwards (`bytes` kept by reference, `bytearray` and `str`
//! copied), then the GIL is released for the analysis itself, so threads
//! sharing one [`Engine`] run in parallel.

use std::fmt::Write as _;
use std::ops::Deref;

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};

create_exception!(
    mirrorguard,
    ConfigError,
    PyValueError,
    "An invalid engine configuration. `field` names the field at fault (a dotted path such as `limits.max_body_bytes`) when the error is about one."
);
create_exception!(
    mirrorguard,
    HttpError,
    PyValueError,
    "Raw bytes given to `Engine.analyze_raw` that are not an HTTP/1.x request."
);

/// A `str` (as UTF-8) or bytes argument, held without the GIL.
enum Bytes {
    Static(&'static [u8]),
    Backed(PyBackedBytes),
    Str(PyBackedStr),
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Backed(b) => b,
            Bytes::Str(s) => s.as_bytes(),
        }
    }
}

/// Converts `str`, `bytes` or `bytearray`; anything else is a `TypeError`
/// naming the argument.
fn bytes_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Bytes> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Bytes::Str(PyBackedStr::try_from(s.clone())?));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Bytes::Backed(PyBackedBytes::from(b.clone())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Bytes::Backed(PyBackedBytes::from(b.clone())));
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be str or bytes, not {}",
        type_name(obj)
    )))
}

fn opt_bytes_arg(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Bytes>> {
    match obj {
        Some(o) if !o.is_none() => bytes_arg(o, what).map(Some),
        _ => Ok(None),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// Headers: `None`, a mapping (`dict`, or anything with `items()`), or an
/// iterable of `(name, value)` pairs (tuples or two-item lists).
fn headers_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(Bytes, Bytes)>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            out.push((
                bytes_arg(&k, "a header name")?,
                bytes_arg(&v, "a header value")?,
            ));
        }
        return Ok(out);
    }
    let not_headers = || {
        PyTypeError::new_err(format!(
            "headers must be a mapping or an iterable of (name, value) pairs, not {}",
            type_name(obj)
        ))
    };
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
    {
        return Err(not_headers());
    }
    let items = if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let iter = items.try_iter().map_err(|_| not_headers())?;
    for item in iter {
        let item = item?;
        let pair = if let Ok(t) = item.cast::<PyTuple>() {
            (t.len() == 2).then(|| (t.get_item(0), t.get_item(1)))
        } else if let Ok(l) = item.cast::<PyList>() {
            (l.len() == 2).then(|| (l.get_item(0), l.get_item(1)))
        } else {
            None
        };
        let Some((name, value)) = pair else {
            return Err(PyTypeError::new_err(format!(
                "each header must be a (name, value) pair, not {}",
                type_name(&item)
            )));
        };
        out.push((
            bytes_arg(&name?, "a header name")?,
            bytes_arg(&value?, "a header value")?,
        ));
    }
    Ok(out)
}

/// One request's arguments, converted and safe to use without the GIL.
struct RequestArgs {
    method: Bytes,
    uri: Bytes,
    version: Option<Bytes>,
    headers: Vec<(Bytes, Bytes)>,
    body: Option<Bytes>,
    client: Option<Bytes>,
    request_id: Option<Bytes>,
}

impl RequestArgs {
    #[allow(clippy::too_many_arguments)]
    fn extract(
        method: Option<&Bound<'_, PyAny>>,
        uri: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        client: Option<&Bound<'_, PyAny>>,
        request_id: Option<&Bound<'_, PyAny>>,
        http_version: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<RequestArgs> {
        Ok(RequestArgs {
            method: opt_bytes_arg(method, "method")?.unwrap_or(Bytes::Static(b"GET")),
            uri: opt_bytes_arg(uri, "uri")?.unwrap_or(Bytes::Static(b"/")),
            version: opt_bytes_arg(http_version, "http_version")?,
            headers: headers_arg(headers)?,
            body: opt_bytes_arg(body, "body")?,
            client: opt_bytes_arg(client, "client")?,
            request_id: opt_bytes_arg(request_id, "request_id")?,
        })
    }

    fn request(&self) -> mirrorguard::Request<'_> {
        let mut b = mirrorguard::Request::builder()
            .method(&*self.method)
            .uri(&*self.uri);
        if let Some(v) = &self.version {
            b = b.version(&**v);
        }
        for (n, v) in &self.headers {
            b = b.header(&**n, &**v);
        }
        if let Some(body) = &self.body {
            b = b.body(&**body);
        }
        if let Some(c) = &self.client {
            b = b.client(&**c);
        }
        if let Some(id) = &self.request_id {
            b = b.request_id(&**id);
        }
        b.build()
    }
}

/// `json.loads`, imported once.
fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr("loads")?.unbind())
    })?;
    loads.bind(py).call1((text,))
}

fn config_error(py: Python<'_>, e: &mirrorguard::Error) -> PyErr {
    let err = ConfigError::new_err(e.to_string());
    // Setting an attribute on a fresh exception instance cannot fail in a
    // way worth reporting over the configuration error itself.
    let _ = err.value(py).setattr("field", e.field());
    err
}

/// The detection engine: configuration checked and everything compiled
/// once, then shared by any number of threads.
///
/// `Engine(config=None)`: `config` is a dict, or TOML or JSON text (JSON
/// when it starts with `{`), with the fields of mirrorguard's `Config`:
/// `sensitivity`, `threshold`, `classes`, `limits`, `exclusions`. Unset
/// fields keep their defaults. A bad configuration raises `ConfigError`,
/// whose `field` names the field at fault.
#[pyclass(frozen, module = "mirrorguard")]
struct Engine {
    inner: mirrorguard::Engine,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (config = None))]
    fn new(py: Python<'_>, config: Option<&Bound<'_, PyAny>>) -> PyResult<Engine> {
        let cfg = match config.filter(|c| !c.is_none()) {
            None => mirrorguard::Config::default(),
            Some(c) => {
                let text: String = if c.is_instance_of::<PyString>() {
                    c.extract::<String>()?
                } else if c.is_instance_of::<PyDict>() {
                    py.import("json")?
                        .call_method1("dumps", (c,))?
                        .extract::<String>()?
                } else {
                    return Err(PyTypeError::new_err(format!(
                        "config must be a dict, TOML or JSON text, or None, not {}",
                        type_name(c)
                    )));
                };
                mirrorguard::Config::from_text(&text).map_err(|e| config_error(py, &e))?
            }
        };
        let inner = mirrorguard::Engine::new(cfg).map_err(|e| config_error(py, &e))?;
        Ok(Engine { inner })
    }

    /// Analyzes one request; the GIL is released while the engine works.
    ///
    /// `method`, `uri` (the request target as on the wire, still
    /// percent-encoded), header names and values, `body`, `client`,
    /// `request_id` and `http_version` are `str` (sent as UTF-8) or bytes.
    /// `headers` is a mapping or an iterable of `(name, value)` pairs, in
    /// order, repeated names kept. Whatever the request holds, the result is
    /// a verdict: only a wrong argument type (`TypeError`) or a `str` that
    /// cannot be encoded as UTF-8 (`UnicodeEncodeError`) raise.
    #[pyo3(
        signature = (method = None, uri = None, headers = None, body = None, client = None, request_id = None, http_version = None),
        text_signature = "(self, method='GET', uri='/', headers=None, body=b'', client=None, request_id=None, http_version=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn analyze(
        &self,
        py: Python<'_>,
        method: Option<&Bound<'_, PyAny>>,
        uri: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        client: Option<&Bound<'_, PyAny>>,
        request_id: Option<&Bound<'_, PyAny>>,
        http_version: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verdict> {
        let args =
            RequestArgs::extract(method, uri, headers, body, client, request_id, http_version)?;
        let engine = &self.inner;
        let inner = py.detach(|| engine.analyze(&args.request()));
        Ok(Verdict { inner })
    }

    /// Parses raw HTTP/1.x request bytes (request line, headers, body framed
    /// by Content-Length or chunked) and analyzes the request. Raises
    /// `HttpError` when the bytes are not an HTTP/1.x request.
    fn analyze_raw(&self, py: Python<'_>, raw: &Bound<'_, PyAny>) -> PyResult<Verdict> {
        let raw = match bytes_arg(raw, "raw") {
            Ok(Bytes::Str(_)) | Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "raw must be bytes, not {}",
                    type_name(raw)
                )))
            }
            Ok(b) => b,
        };
        let engine = &self.inner;
        let result =
            py.detach(|| mirrorguard::Request::parse_http1(&raw).map(|req| engine.analyze(&req)));
        match result {
            Ok(inner) => Ok(Verdict { inner }),
            Err(e) => Err(HttpError::new_err(e.to_string())),
        }
    }

    /// The configuration in effect, as a dict (defaults filled in).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(self.inner.config())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        json_loads(py, &text)
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        let sensitivity = format!("{:?}", c.sensitivity).to_lowercase();
        format!(
            "Engine(sensitivity='{sensitivity}', threshold={}, classes={}, exclusions={})",
            c.threshold,
            if c.classes.is_empty() {
                "all".to_string()
            } else {
                format!(
                    "[{}]",
                    c.classes
                        .iter()
                        .map(|k| format!("'{k}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            c.exclusions.len()
        )
    }
}

/// Analyzes a request with the default engine, built once; the arguments
/// are those of `Engine.analyze`.
#[pyfunction]
#[pyo3(
    signature = (method = None, uri = None, headers = None, body = None, client = None, request_id = None, http_version = None),
    text_signature = "(method='GET', uri='/', headers=None, body=b'', client=None, request_id=None, http_version=None)"
)]
#[allow(clippy::too_many_arguments)]
fn analyze(
    py: Python<'_>,
    method: Option<&Bound<'_, PyAny>>,
    uri: Option<&Bound<'_, PyAny>>,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
    client: Option<&Bound<'_, PyAny>>,
    request_id: Option<&Bound<'_, PyAny>>,
    http_version: Option<&Bound<'_, PyAny>>,
) -> PyResult<Verdict> {
    let args = RequestArgs::extract(method, uri, headers, body, client, request_id, http_version)?;
    let inner = py.detach(|| mirrorguard::analyze(&args.request()));
    Ok(Verdict { inner })
}

/// Which limits cut analysis short.
#[pyclass(frozen, module = "mirrorguard", get_all)]
struct LimitsHit {
    body_truncated: bool,
    depth_limited: bool,
    inputs_truncated: bool,
}

#[pymethods]
impl LimitsHit {
    /// True when any limit was hit.
    fn any(&self) -> bool {
        self.body_truncated || self.depth_limited || self.inputs_truncated
    }

    fn __repr__(&self) -> String {
        let py_bool = |b: bool| if b { "True" } else { "False" };
        format!(
            "LimitsHit(body_truncated={}, depth_limited={}, inputs_truncated={})",
            py_bool(self.body_truncated),
            py_bool(self.depth_limited),
            py_bool(self.inputs_truncated)
        )
    }
}

/// Where a finding was found: the part of the request (`query`, `header`,
/// `json`...), the name in it (argument, header, JSON pointer), whether the
/// finding is in the name itself (`key`), and the decoders applied.
#[pyclass(frozen, module = "mirrorguard", get_all)]
struct Location {
    part: &'static str,
    name: String,
    key: bool,
    decoders: Vec<&'static str>,
}

impl Location {
    fn describe(&self) -> String {
        let mut s = self.part.to_string();
        if !self.name.is_empty() {
            let _ = write!(s, " {:?}", self.name);
        }
        if self.key {
            s.push_str(" (name)");
        }
        if !self.decoders.is_empty() {
            let _ = write!(s, " via {}", self.decoders.join("+"));
        }
        s
    }
}

#[pymethods]
impl Location {
    fn __repr__(&self) -> String {
        format!(
            "Location(part={:?}, name={:?}, key={}, decoders={:?})",
            self.part,
            self.name,
            if self.key { "True" } else { "False" },
            self.decoders
        )
    }
}

/// One reason a request looks like an attack: the attack class (`sqli`,
/// `xss`, ...), the rule id (`sqli.tautology`), its score, where it was
/// found and a short excerpt of the decoded input.
#[pyclass(frozen, module = "mirrorguard", get_all)]
struct Finding {
    attack_class: &'static str,
    rule: String,
    score: u32,
    location: Py<Location>,
    evidence: String,
}

#[pymethods]
impl Finding {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Finding({} score={} in {}: {:?})",
            self.rule,
            self.score,
            self.location.bind(py).get().describe(),
            self.evidence
        )
    }
}

/// The engine's judgement of one request: `is_attack`, `score` (the highest
/// finding score), `findings`, `limits`, and `to_dict()` / `to_json()` for
/// the JSON shape shared by every mirrorguard binding.
#[pyclass(frozen, module = "mirrorguard")]
struct Verdict {
    inner: mirrorguard::Verdict,
}

#[pymethods]
impl Verdict {
    /// True when the score reached the engine's threshold.
    #[getter]
    fn is_attack(&self) -> bool {
        self.inner.is_attack()
    }

    /// The highest finding score.
    #[getter]
    fn score(&self) -> u32 {
        self.inner.score()
    }

    /// The findings, in request order.
    #[getter]
    fn findings(&self, py: Python<'_>) -> PyResult<Vec<Py<Finding>>> {
        self.inner
            .findings()
            .iter()
            .map(|f| {
                let location = Py::new(
                    py,
                    Location {
                        part: f.location.part.as_str(),
                        name: f.location.name.clone(),
                        key: f.location.key,
                        decoders: f.location.decoders.iter().map(|d| d.as_str()).collect(),
                    },
                )?;
                Py::new(
                    py,
                    Finding {
                        attack_class: f.class.as_str(),
                        rule: f.rule.to_string(),
                        score: f.score,
                        location,
                        evidence: f.evidence.clone(),
                    },
                )
            })
            .collect()
    }

    /// Which limits cut analysis short.
    #[getter]
    fn limits(&self) -> LimitsHit {
        let l = self.inner.limits();
        LimitsHit {
            body_truncated: l.body_truncated,
            depth_limited: l.depth_limited,
            inputs_truncated: l.inputs_truncated,
        }
    }

    /// The verdict as the JSON shape shared by every binding.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The verdict as a dict: `json.loads(verdict.to_json())`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.to_json())
    }

    fn __repr__(&self) -> String {
        const SHOWN: usize = 3;
        let findings = self.inner.findings();
        let mut s = format!(
            "Verdict(attack={}, score={}, findings=[",
            if self.inner.is_attack() {
                "True"
            } else {
                "False"
            },
            self.inner.score()
        );
        for (i, f) in findings.iter().take(SHOWN).enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{} in {}", f.rule, f.location.part);
            if !f.location.name.is_empty() {
                let _ = write!(s, " {:?}", f.location.name);
            }
        }
        if findings.len() > SHOWN {
            let _ = write!(s, ", +{} more", findings.len() - SHOWN);
        }
        s.push_str("])");
        s
    }
}

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Engine>()?;
    m.add_class::<Verdict>()?;
    m.add_class::<Finding>()?;
    m.add_class::<Location>()?;
    m.add_class::<LimitsHit>()?;
    let config_error = py.get_type::<ConfigError>();
    config_error.setattr("field", py.None())?;
    m.add("ConfigError", config_error)?;
    m.add("HttpError", py.get_type::<HttpError>())?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    Ok(())
}
