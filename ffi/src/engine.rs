//! `mg_engine`: built once from a configuration, shared by threads;
//! `mg_request`: the caller's view of one request; `mg_analyze`.

use std::ffi::c_char;

use mg_core::{Config, Engine, Request};

use super::verdict::mg_verdict;
use super::{bytes, call, fail, mg_result, null, write_out};

/// The detection engine: configuration checked and everything compiled
/// once. Thread-safe: share one engine between any number of threads.
/// Create with `mg_engine_new`, free with `mg_engine_free`.
#[derive(Debug)]
pub struct mg_engine {
    pub(crate) engine: Engine,
}

/// One header: name and value, each a pointer and a length (bytes, not
/// NUL-terminated).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_header {
    /// The name as sent, such as `Content-Type`.
    pub name: *const c_char,
    /// Bytes of `name`.
    pub name_len: usize,
    /// The value as sent.
    pub value: *const c_char,
    /// Bytes of `value`.
    pub value_len: usize,
}

/// One HTTP request, borrowed from the caller's buffers for the length of
/// the `mg_analyze` call. Every field is a pointer and a length; bytes
/// need not be UTF-8 nor NUL-terminated. Zero-initialize it and set what
/// you have: `method`, `uri` and `version` left NULL mean `GET`, `/` and
/// `HTTP/1.1`; other NULL fields are absent.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_request {
    /// The method, such as `POST`.
    pub method: *const c_char,
    /// Bytes of `method`.
    pub method_len: usize,
    /// The request target exactly as on the wire (still percent-encoded).
    pub uri: *const c_char,
    /// Bytes of `uri`.
    pub uri_len: usize,
    /// The protocol version, such as `HTTP/1.1`.
    pub version: *const c_char,
    /// Bytes of `version`.
    pub version_len: usize,
    /// The headers in order, repeated names kept.
    pub headers: *const mg_header,
    /// Number of `headers`.
    pub header_count: usize,
    /// The body (de-chunked).
    pub body: *const c_char,
    /// Bytes of `body`.
    pub body_len: usize,
    /// The original client's address, when known (NULL otherwise).
    pub client: *const c_char,
    /// Bytes of `client`.
    pub client_len: usize,
    /// The request id, when known (NULL otherwise).
    pub request_id: *const c_char,
    /// Bytes of `request_id`.
    pub request_id_len: usize,
}

/// Builds an engine from a configuration in JSON (text starting with `{`)
/// or TOML, the format of mirrorguard's `Config`. NULL (with length 0)
/// means the default configuration.
///
/// On success writes a new engine to `*engine_out`; free it with
/// `mg_engine_free`. A bad configuration returns `MG_INVALID_CONFIG` and
/// `mg_last_error` says which field is wrong and why.
///
/// # Safety
/// `config` must be NULL or point to `config_len` readable bytes;
/// `engine_out` must be NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_engine_new(
    config: *const c_char,
    config_len: usize,
    engine_out: *mut *mut mg_engine,
) -> mg_result {
    call(|| {
        if engine_out.is_null() {
            return Err(null("engine_out"));
        }
        // SAFETY: the caller guarantees `config_len` readable bytes.
        let text = unsafe { bytes(config, config_len, "config")? };
        let config = if config.is_null() {
            Config::default()
        } else {
            let text = std::str::from_utf8(text).map_err(|e| {
                fail(
                    mg_result::MG_INVALID_CONFIG,
                    &format!("invalid configuration: not UTF-8 text ({e})"),
                    None,
                )
            })?;
            Config::from_text(text).map_err(|e| config_error(&e))?
        };
        let engine = Engine::new(config).map_err(|e| config_error(&e))?;
        let handle = Box::into_raw(Box::new(mg_engine { engine }));
        // SAFETY: `engine_out` is not NULL and the caller guarantees it is
        // valid for a write.
        unsafe { write_out(engine_out, handle, "engine_out") }
    })
}

fn config_error(e: &mg_core::Error) -> mg_result {
    fail(mg_result::MG_INVALID_CONFIG, &e.to_string(), e.field())
}

/// Frees an engine. NULL is fine; never free an engine twice, nor while
/// another thread is still analyzing with it.
///
/// # Safety
/// `engine` must be NULL or a pointer from `mg_engine_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn mg_engine_free(engine: *mut mg_engine) {
    super::boundary((), || {
        if !engine.is_null() {
            // SAFETY: the caller guarantees it came from `Box::into_raw` in
            // `mg_engine_new` and was not freed.
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}

/// Analyzes one request. Never fails on any request bytes; errors are only
/// about the arguments. On success writes a new verdict to `*verdict_out`;
/// free it with `mg_verdict_free`. `req`'s buffers are only read during
/// the call.
///
/// Thread-safe: many threads may analyze with one engine at once.
///
/// # Safety
/// `engine` must be NULL or a live engine; `req` must be NULL or point to
/// an `mg_request` whose non-NULL pointers each point to as many readable
/// bytes (or `mg_header`s) as their length says; `verdict_out` must be NULL
/// or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_analyze(
    engine: *const mg_engine,
    req: *const mg_request,
    verdict_out: *mut *mut mg_verdict,
) -> mg_result {
    call(|| {
        // SAFETY: the caller guarantees a live engine when not NULL.
        let engine = unsafe { engine.as_ref() }.ok_or_else(|| null("engine"))?;
        // SAFETY: the caller guarantees a valid request when not NULL.
        let req = unsafe { req.as_ref() }.ok_or_else(|| null("req"))?;
        if verdict_out.is_null() {
            return Err(null("verdict_out"));
        }
        // SAFETY: the caller guarantees each buffer of `req` is valid.
        let request = unsafe { to_request(req)? };
        let verdict = engine.engine.analyze(&request);
        let handle = Box::into_raw(Box::new(mg_verdict::new(verdict)));
        // SAFETY: `verdict_out` is not NULL and valid for a write.
        unsafe { write_out(verdict_out, handle, "verdict_out") }
    })
}

/// The core's request view of an `mg_request`.
///
/// # Safety
/// Every non-NULL pointer of `req` points to as many readable bytes (or
/// headers) as its length says, valid for `'a`.
pub(crate) unsafe fn to_request<'a>(req: &'a mg_request) -> Result<Request<'a>, mg_result> {
    let mut b = Request::builder();
    // SAFETY: the caller's guarantee on `req.method`.
    if let Some(v) = unsafe { optional(req.method, req.method_len, "req->method")? } {
        b = b.method(v);
    }
    // SAFETY: the caller's guarantee on `req.uri`.
    if let Some(v) = unsafe { optional(req.uri, req.uri_len, "req->uri")? } {
        b = b.uri(v);
    }
    // SAFETY: the caller's guarantee on `req.version`.
    if let Some(v) = unsafe { optional(req.version, req.version_len, "req->version")? } {
        b = b.version(v);
    }
    // SAFETY: the caller's guarantee on `req.body`.
    b = b.body(unsafe { bytes(req.body, req.body_len, "req->body")? });
    // SAFETY: the caller's guarantee on `req.client`.
    if let Some(v) = unsafe { optional(req.client, req.client_len, "req->client")? } {
        b = b.client(v);
    }
    // SAFETY: the caller's guarantee on `req.request_id`.
    if let Some(v) = unsafe { optional(req.request_id, req.request_id_len, "req->request_id")? } {
        b = b.request_id(v);
    }
    let headers: &[mg_header] = if req.headers.is_null() {
        if req.header_count != 0 {
            return Err(null("req->headers"));
        }
        &[]
    } else {
        if req
            .header_count
            .checked_mul(size_of::<mg_header>())
            .is_none_or(|n| n > isize::MAX as usize)
        {
            return Err(fail(
                mg_result::MG_INVALID_ARGUMENT,
                "argument `req->header_count` is too large",
                None,
            ));
        }
        // SAFETY: not NULL, aligned (the caller's array of `mg_header`),
        // its size fits a slice, and the caller guarantees `header_count`
        // readable headers for 'a.
        unsafe { std::slice::from_raw_parts(req.headers, req.header_count) }
    };
    for h in headers {
        // SAFETY: the caller's guarantee on each header's buffers.
        let name = unsafe { bytes(h.name, h.name_len, "req->headers[i].name")? };
        // SAFETY: as above.
        let value = unsafe { bytes(h.value, h.value_len, "req->headers[i].value")? };
        b = b.header(name, value);
    }
    Ok(b.build())
}

/// `None` for a NULL pointer with length 0, else as [`bytes`].
///
/// # Safety
/// As [`bytes`].
unsafe fn optional<'a>(
    ptr: *const c_char,
    len: usize,
    argument: &str,
) -> Result<Option<&'a [u8]>, mg_result> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: the caller's guarantee.
    unsafe { bytes(ptr, len, argument) }.map(Some)
}
