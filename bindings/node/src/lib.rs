//! The `mirrorguard` Node.js module: napi-rs glue over the core engine.
//!
//! Thin on purpose: JavaScript values become a [`mirrorguard::Request`]
//! ([`convert`]), the core analyzes it, and the [`mirrorguard::Verdict`]
//! becomes a plain object through the core's own `Serialize` impl, so the
//! object is the one JSON shape of `Verdict::to_json`. Async calls run on the
//! libuv thread pool ([`AnalyzeTask`]). `index.js` and `index.d.ts` are
//! generated from this file by `napi build`.

mod convert;
mod types;

use std::sync::{Arc, OnceLock};

use napi::bindgen_prelude::*;
use napi::{Env, JsObject, JsUnknown, Property, PropertyAttributes, Task, ValueType};
use napi_derive::napi;

use convert::{bytes_from_js, request_from_js, OwnedRequest};

pub use types::*;

/// The engine every module-level function uses: `Config::default()`.
fn default_engine() -> &'static Arc<mirrorguard::Engine> {
    static DEFAULT: OnceLock<Arc<mirrorguard::Engine>> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        Arc::new(
            mirrorguard::Engine::new(mirrorguard::Config::default())
                .expect("the default configuration is valid"),
        )
    })
}

/// A detection engine: the configuration is checked and compiled once, then
/// any number of requests are analyzed, from the event loop (`analyze`) or
/// on the libuv thread pool (`analyzeAsync`).
///
/// ```js
/// const { Engine } = require('mirrorguard')
/// const engine = new Engine({ sensitivity: 'high', threshold: 5 })
/// const verdict = engine.analyze({ method: 'GET', uri: '/?id=1%27%20OR%201%3D1--' })
/// verdict.attack // true
/// ```
#[napi]
#[derive(Debug)]
pub struct Engine {
    inner: Arc<mirrorguard::Engine>,
}

#[napi]
impl Engine {
    /// Builds an engine from a configuration object, from TOML or JSON text,
    /// or from the defaults when `config` is omitted. A bad configuration
    /// throws an `Error` whose message names the field (also in `err.field`);
    /// a config of another type throws a `TypeError`.
    #[napi(constructor, ts_args_type = "config?: Config | string")]
    pub fn new(env: Env, config: Option<JsUnknown>) -> Result<Self> {
        let config = match config {
            None => mirrorguard::Config::default(),
            Some(value) => config_from_js(&env, value)?,
        };
        let engine = mirrorguard::Engine::new(config).map_err(|e| config_error(&env, &e))?;
        Ok(Engine {
            inner: Arc::new(engine),
        })
    }

    /// The configuration this engine was built with, every field filled in.
    #[napi(getter, ts_return_type = "Config")]
    pub fn config(&self, env: Env) -> Result<JsUnknown> {
        env.to_js_value(self.inner.config())
    }

    /// Analyzes a request on the calling thread. Throws a `TypeError` when a
    /// field has the wrong type; never throws for what a request contains.
    #[napi(ts_args_type = "request: AnalyzeRequest", ts_return_type = "Verdict")]
    pub fn analyze(&self, env: Env, request: JsUnknown) -> Result<JsUnknown> {
        analyze_sync(&env, &self.inner, request)
    }

    /// As `analyze`, returning the verdict as JSON text (`Verdict::to_json`),
    /// for logs that want the text anyway.
    #[napi(ts_args_type = "request: AnalyzeRequest")]
    pub fn analyze_json(&self, env: Env, request: JsUnknown) -> Result<String> {
        let owned = request_from_js(&env, request)?;
        Ok(self.inner.analyze(&owned.view()).to_json())
    }

    /// Analyzes a request on the libuv thread pool: the event loop only
    /// copies the request's bytes. Wrong types throw synchronously.
    #[napi(
        ts_args_type = "request: AnalyzeRequest",
        ts_return_type = "Promise<Verdict>"
    )]
    pub fn analyze_async(&self, env: Env, request: JsUnknown) -> Result<AsyncTask<AnalyzeTask>> {
        let owned = request_from_js(&env, request)?;
        Ok(AsyncTask::new(AnalyzeTask {
            engine: Arc::clone(&self.inner),
            input: Input::Request(owned),
        }))
    }

    /// Parses raw HTTP/1.x request bytes (request line, headers, body framed
    /// by `Content-Length` or chunked) and analyzes them. Malformed HTTP
    /// throws an `Error` (code `ERR_MIRRORGUARD_HTTP`).
    #[napi(ts_args_type = "raw: Uint8Array | string", ts_return_type = "Verdict")]
    pub fn analyze_raw(&self, env: Env, raw: JsUnknown) -> Result<JsUnknown> {
        analyze_raw_sync(&env, &self.inner, raw)
    }

    /// As `analyzeRaw`, on the libuv thread pool; malformed HTTP rejects.
    #[napi(
        ts_args_type = "raw: Uint8Array | string",
        ts_return_type = "Promise<Verdict>"
    )]
    pub fn analyze_raw_async(&self, env: Env, raw: JsUnknown) -> Result<AsyncTask<AnalyzeTask>> {
        let bytes = bytes_from_js(&env, raw, "raw")?;
        Ok(AsyncTask::new(AnalyzeTask {
            engine: Arc::clone(&self.inner),
            input: Input::Raw(bytes),
        }))
    }
}

/// `analyze` on an engine with the default configuration.
#[napi(
    js_name = "analyze",
    ts_args_type = "request: AnalyzeRequest",
    ts_return_type = "Verdict"
)]
pub fn analyze_default(env: Env, request: JsUnknown) -> Result<JsUnknown> {
    analyze_sync(&env, default_engine(), request)
}

/// `analyzeAsync` on an engine with the default configuration.
#[napi(
    js_name = "analyzeAsync",
    ts_args_type = "request: AnalyzeRequest",
    ts_return_type = "Promise<Verdict>"
)]
pub fn analyze_async_default(env: Env, request: JsUnknown) -> Result<AsyncTask<AnalyzeTask>> {
    let owned = request_from_js(&env, request)?;
    Ok(AsyncTask::new(AnalyzeTask {
        engine: Arc::clone(default_engine()),
        input: Input::Request(owned),
    }))
}

/// `analyzeRaw` on an engine with the default configuration.
#[napi(
    js_name = "analyzeRaw",
    ts_args_type = "raw: Uint8Array | string",
    ts_return_type = "Verdict"
)]
pub fn analyze_raw_default(env: Env, raw: JsUnknown) -> Result<JsUnknown> {
    analyze_raw_sync(&env, default_engine(), raw)
}

/// What an [`AnalyzeTask`] analyzes.
#[derive(Debug)]
enum Input {
    Request(OwnedRequest),
    Raw(Vec<u8>),
}

/// One analysis on the libuv thread pool. The request's bytes were copied
/// out of JavaScript before the task was queued, so `compute` touches no
/// JavaScript value.
#[derive(Debug)]
pub struct AnalyzeTask {
    engine: Arc<mirrorguard::Engine>,
    input: Input,
}

impl Task for AnalyzeTask {
    type Output = mirrorguard::Verdict;
    type JsValue = JsUnknown;

    fn compute(&mut self) -> Result<Self::Output> {
        match &self.input {
            Input::Request(req) => Ok(self.engine.analyze(&req.view())),
            Input::Raw(raw) => match mirrorguard::Request::parse_http1(raw) {
                Ok(req) => Ok(self.engine.analyze(&req)),
                Err(e) => Err(Error::new(Status::InvalidArg, e.to_string())),
            },
        }
    }

    fn resolve(&mut self, env: Env, verdict: Self::Output) -> Result<Self::JsValue> {
        verdict_to_js(&env, &verdict)
    }

    fn reject(&mut self, env: Env, err: Error) -> Result<Self::JsValue> {
        Err(coded_error(&env, &err.reason, "ERR_MIRRORGUARD_HTTP", None))
    }
}

fn analyze_sync(env: &Env, engine: &mirrorguard::Engine, request: JsUnknown) -> Result<JsUnknown> {
    let owned = request_from_js(env, request)?;
    verdict_to_js(env, &engine.analyze(&owned.view()))
}

fn analyze_raw_sync(env: &Env, engine: &mirrorguard::Engine, raw: JsUnknown) -> Result<JsUnknown> {
    let bytes = bytes_from_js(env, raw, "raw")?;
    match mirrorguard::Request::parse_http1(&bytes) {
        Ok(req) => verdict_to_js(env, &engine.analyze(&req)),
        Err(e) => Err(coded_error(
            env,
            &e.to_string(),
            "ERR_MIRRORGUARD_HTTP",
            None,
        )),
    }
}

/// The verdict as a plain object: `JSON.parse` of the core's
/// `Verdict::to_json`, so the object is that JSON by construction (and
/// faster than building it property by property through napi: see
/// bench.js), plus a non-enumerable `isAttack` (equal to `attack`) that
/// `JSON.stringify` and deep equality ignore.
fn verdict_to_js(env: &Env, verdict: &mirrorguard::Verdict) -> Result<JsUnknown> {
    let json: JsObject = env.get_global()?.get_named_property("JSON")?;
    let parse: JsFunction = json.get_named_property("parse")?;
    let text = env.create_string_from_std(verdict.to_json())?;
    let mut object = parse.call(Some(&json), &[text])?.coerce_to_object()?;
    let is_attack = env.get_boolean(verdict.is_attack())?;
    object.define_properties(&[Property::new("isAttack")?
        .with_value(&is_attack)
        .with_property_attributes(PropertyAttributes::Default)])?;
    Ok(object.into_unknown())
}

/// A config object is read as JSON (`JSON.stringify`), so the core's JSON
/// loader checks it and names a bad field the same way for both forms.
fn config_from_js(env: &Env, value: JsUnknown) -> Result<mirrorguard::Config> {
    let text = match value.get_type()? {
        ValueType::String => value.coerce_to_string()?.into_utf8()?.into_owned()?,
        ValueType::Object if !value.is_array()? => {
            let json: JsObject = env.get_global()?.get_named_property("JSON")?;
            let stringify: JsFunction = json.get_named_property("stringify")?;
            let text = stringify.call(Some(&json), &[value])?;
            text.coerce_to_string()?.into_utf8()?.into_owned()?
        }
        _ => {
            return Err(convert::type_error(
                env,
                "config must be an object or TOML/JSON text",
            ))
        }
    };
    mirrorguard::Config::from_text(&text).map_err(|e| config_error(env, &e))
}

fn config_error(env: &Env, err: &mirrorguard::Error) -> Error {
    coded_error(env, &err.to_string(), "ERR_MIRRORGUARD_CONFIG", err.field())
}

/// An `Error` with `code` (and `field` when given), as a napi error that
/// carries the JavaScript object: thrown as is, or given to a rejection.
fn coded_error(env: &Env, message: &str, code: &str, field: Option<&str>) -> Error {
    let build = || -> Result<JsObject> {
        let mut error = env.create_error(Error::new(Status::GenericFailure, message))?;
        error.set_named_property("code", env.create_string(code)?)?;
        if let Some(field) = field {
            error.set_named_property("field", env.create_string(field)?)?;
        }
        Ok(error)
    };
    match build() {
        Ok(error) => Error::from(error.into_unknown()),
        Err(e) => e,
    }
}
