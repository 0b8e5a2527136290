//! TypeScript shapes for `index.d.ts`. The addon never converts these
//! structs: requests are read field by field (`convert.rs`) and verdicts and
//! configs are written by the core's `Serialize` impls. They exist so that
//! `napi build` declares the types; their fields mirror the core's JSON.

use napi_derive::napi;

/// A request to analyze. Every byte field takes a string (sent as UTF-8),
/// a `Buffer` or a `Uint8Array`.
#[napi(object)]
#[derive(Debug)]
pub struct AnalyzeRequest {
    /// The method, as sent; `GET` when omitted.
    #[napi(ts_type = "string | Uint8Array")]
    pub method: Option<String>,
    /// The request target as on the wire (`/path?query`), required.
    #[napi(ts_type = "string | Uint8Array")]
    pub uri: String,
    /// The protocol version; `HTTP/1.1` when omitted.
    #[napi(ts_type = "string | Uint8Array")]
    pub version: Option<String>,
    /// Headers: an object (a value may be an array, as in Node's
    /// `req.headers`), `[name, value]` pairs, or a flat
    /// `[name, value, ...]` array (Node's `req.rawHeaders`).
    #[napi(
        ts_type = "Record<string, string | Uint8Array | Array<string | Uint8Array>> | Array<[string | Uint8Array, string | Uint8Array]> | Array<string | Uint8Array>"
    )]
    pub headers: Option<String>,
    /// The body.
    #[napi(ts_type = "string | Uint8Array")]
    pub body: Option<String>,
    /// The original client's address.
    #[napi(ts_type = "string | Uint8Array")]
    pub client: Option<String>,
    /// The request id.
    #[napi(ts_type = "string | Uint8Array")]
    pub request_id: Option<String>,
}

/// The judgement of one request: the JSON shape of every binding
/// (`JSON.stringify(verdict)` is the core's `Verdict::to_json`). The object
/// also has a non-enumerable `isAttack`, equal to `attack`.
#[napi(object)]
#[derive(Debug)]
pub struct Verdict {
    /// True when `score` reached the engine's threshold.
    pub attack: bool,
    /// The highest finding score.
    pub score: u32,
    /// Findings in request order.
    pub findings: Vec<Finding>,
    /// Limits that cut the analysis short.
    pub limits: LimitsHit,
    /// Same as `attack` (non-enumerable: not in JSON or deep equality).
    #[napi(js_name = "isAttack", ts_type = "boolean")]
    pub is_attack: bool,
}

/// One reason a request looks like an attack.
#[napi(object)]
#[derive(Debug)]
pub struct Finding {
    /// The attack class: `sqli`, `xss`, `rce`, `path-traversal`, `rfi`,
    /// `ssrf`, `ssti`, `nosqli`, `ldapi`, `xxe`, `crlf`, `jndi`,
    /// `php-injection`, `java-injection`, `scanner`, `protocol`, `generic`.
    pub class: String,
    /// Stable rule id, such as `sqli.tautology`.
    pub rule: String,
    /// Weight of this finding.
    pub score: u32,
    /// Where it was found.
    pub location: Location,
    /// A short excerpt of the decoded input around what fired.
    pub evidence: String,
}

/// Where a finding was found.
#[napi(object)]
#[derive(Debug)]
pub struct Location {
    /// `method`, `path`, `query`, `cookie`, `header`, `form`, `multipart`,
    /// `json`, `xml`, `body` or `request`.
    pub part: String,
    /// Argument, cookie or header name, JSON pointer...
    pub name: String,
    /// Present (true) when the finding is in the name rather than the value.
    pub key: Option<bool>,
    /// Decoders applied, in order (`percent`, `plus`, `html`, `js`,
    /// `base64`, `utf8`, `fullwidth`, `nul`, `join`).
    pub decoders: Vec<String>,
}

/// Limits that cut the analysis short.
#[napi(object)]
#[derive(Debug)]
pub struct LimitsHit {
    /// The body was longer than the bytes analyzed.
    #[napi(js_name = "body_truncated")]
    pub body_truncated: bool,
    /// A decode or nesting depth limit stopped decoding or parsing.
    #[napi(js_name = "depth_limited")]
    pub depth_limited: bool,
    /// There were more inputs than the engine analyzes.
    #[napi(js_name = "inputs_truncated")]
    pub inputs_truncated: bool,
}

/// An engine configuration; unset fields keep their defaults. The same
/// fields as the core's TOML/JSON configuration.
#[napi(object)]
#[derive(Debug)]
pub struct Config {
    /// How eagerly detectors fire.
    #[napi(ts_type = "'low' | 'default' | 'high' | 'paranoid'")]
    pub sensitivity: Option<String>,
    /// Score at which a verdict is an attack (at least 1); default 5.
    pub threshold: Option<u32>,
    /// Work bounds.
    pub limits: Option<ConfigLimits>,
    /// Classes detected; every class when empty.
    pub classes: Option<Vec<String>>,
    /// Findings to drop.
    pub exclusions: Option<Vec<Exclusion>>,
}

/// Work bounds of an engine.
#[napi(object)]
#[derive(Debug)]
pub struct ConfigLimits {
    /// Body bytes analyzed; the verdict flags longer bodies.
    #[napi(js_name = "max_body_bytes")]
    pub max_body_bytes: Option<u32>,
    /// Decoding rounds and format nesting per value.
    #[napi(js_name = "max_decode_depth")]
    pub max_decode_depth: Option<u32>,
    /// JSON nesting analyzed.
    #[napi(js_name = "max_json_depth")]
    pub max_json_depth: Option<u32>,
    /// Inputs analyzed per request.
    #[napi(js_name = "max_inputs")]
    pub max_inputs: Option<u32>,
    /// Benign inputs remembered across requests; 0 turns the cache off.
    #[napi(js_name = "value_cache")]
    pub value_cache: Option<u32>,
}

/// Drops findings: every field set must match.
#[napi(object)]
#[derive(Debug)]
pub struct Exclusion {
    /// Request path prefix.
    #[napi(js_name = "path_prefix")]
    pub path_prefix: Option<String>,
    /// Request part.
    pub part: Option<String>,
    /// Input name.
    pub name: Option<String>,
    /// Attack class.
    pub class: Option<String>,
    /// Rule id, or a prefix ending in `.`.
    pub rule: Option<String>,
}
