//! `mg_parse_http1`: for callers that hold a request as raw wire bytes.

use std::ffi::c_char;

use mg_core::Request;

use super::engine::{mg_header, mg_request};
use super::{boundary, bytes, call, fail, mg_result, null, write_out};

/// A request parsed from raw HTTP/1.x bytes by `mg_parse_http1`. It owns a
/// copy of the bytes (and the de-chunked body); `mg_http_request_view`
/// gives the `mg_request` to pass to `mg_analyze`. Free it once with
/// `mg_http_request_free`.
#[derive(Debug)]
pub struct mg_http_request {
    /// The raw bytes; `view` points into them. A boxed slice never moves.
    _raw: Box<[u8]>,
    /// The body, de-chunked.
    _body: Box<[u8]>,
    /// The header pairs, pointing into `_raw`.
    _headers: Box<[mg_header]>,
    view: mg_request,
}

/// Parses a raw HTTP/1.x request: request line, headers, and the body by
/// `Content-Length` or chunked transfer encoding (bytes after a framed body
/// are ignored; with no framing, the bytes after the headers are the
/// body). The bytes are copied: `raw` may be freed after the call.
///
/// On success writes a new parsed request to `*request_out`. Bytes that
/// are not an HTTP/1.x request return `MG_MALFORMED_HTTP`, described by
/// `mg_last_error`.
///
/// # Safety
/// `raw` must be NULL or point to `raw_len` readable bytes; `request_out`
/// must be NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_parse_http1(
    raw: *const c_char,
    raw_len: usize,
    request_out: *mut *mut mg_http_request,
) -> mg_result {
    call(|| {
        if raw.is_null() {
            return Err(null("raw"));
        }
        if request_out.is_null() {
            return Err(null("request_out"));
        }
        // SAFETY: the caller guarantees `raw_len` readable bytes.
        let raw: Box<[u8]> = unsafe { bytes(raw, raw_len, "raw")? }.into();
        let parsed = parse(raw)?;
        let handle = Box::into_raw(Box::new(parsed));
        // SAFETY: not NULL, and the caller guarantees it is valid for a write.
        unsafe { write_out(request_out, handle, "request_out") }
    })
}

fn parse(raw: Box<[u8]>) -> Result<mg_http_request, mg_result> {
    let req = Request::parse_http1(&raw)
        .map_err(|e| fail(mg_result::MG_MALFORMED_HTTP, &e.to_string(), None))?;
    let body: Box<[u8]> = req.body().into();
    let headers: Box<[mg_header]> = req
        .headers()
        .iter()
        .map(|(n, v)| mg_header {
            name: n.as_ptr().cast(),
            name_len: n.len(),
            value: v.as_ptr().cast(),
            value_len: v.len(),
        })
        .collect();
    // Pointers into `raw`, `body` and `headers`: heap buffers that stay put
    // when the boxes move into the struct below.
    let view = mg_request {
        method: req.method().as_ptr().cast(),
        method_len: req.method().len(),
        uri: req.uri().as_ptr().cast(),
        uri_len: req.uri().len(),
        version: req.version().as_ptr().cast(),
        version_len: req.version().len(),
        headers: headers.as_ptr(),
        header_count: headers.len(),
        body: body.as_ptr().cast(),
        body_len: body.len(),
        client: std::ptr::null(),
        client_len: 0,
        request_id: std::ptr::null(),
        request_id_len: 0,
    };
    drop(req);
    Ok(mg_http_request {
        _raw: raw,
        _body: body,
        _headers: headers,
        view,
    })
}

/// The parsed request as an `mg_request` for `mg_analyze`, valid until
/// the parsed request is freed. Its `client` and `request_id` are NULL:
/// copy the struct to set them. NULL for NULL.
///
/// # Safety
/// `request` must be NULL or a live parsed request.
#[no_mangle]
pub unsafe extern "C" fn mg_http_request_view(
    request: *const mg_http_request,
) -> *const mg_request {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller guarantees a live parsed request when not NULL.
        match unsafe { request.as_ref() } {
            Some(r) => &r.view,
            None => std::ptr::null(),
        }
    })
}

/// Frees a parsed request. NULL is fine; never free one twice.
///
/// # Safety
/// `request` must be NULL or a pointer from `mg_parse_http1` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn mg_http_request_free(request: *mut mg_http_request) {
    boundary((), || {
        if !request.is_null() {
            // SAFETY: the caller guarantees it came from `Box::into_raw` in
            // `mg_parse_http1` and was not freed.
            drop(unsafe { Box::from_raw(request) });
        }
    })
}
