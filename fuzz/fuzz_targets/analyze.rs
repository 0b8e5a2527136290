//! Whole-request analysis on structured requests: a method, a URI, headers
//! and a Content-Type drawn from real ones (or arbitrary), and a body.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mirrorguard::fuzzing::{check_analysis, default_engine, tight_engine};
use mirrorguard::Request;

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND",
];

const CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "multipart/form-data; boundary=\"a b\"",
    "multipart/form-data; boundary=x",
    "application/json",
    "application/json; charset=utf-16",
    "application/vnd.api+json",
    "application/xml",
    "text/xml; charset=iso-8859-1",
    "application/soap+xml",
    "text/plain",
    "application/octet-stream",
];

const HEADER_NAMES: &[&str] = &[
    "Host",
    "User-Agent",
    "Cookie",
    "Referer",
    "X-Forwarded-For",
    "Accept",
    "Authorization",
    "Transfer-Encoding",
    "Content-Length",
    "Origin",
    "X-Api-Version",
];

#[derive(Arbitrary, Debug)]
enum Choice<'a> {
    Known(u8),
    Raw(&'a [u8]),
}

impl<'a> Choice<'a> {
    fn pick(&self, from: &'static [&'static str]) -> &'a [u8] {
        match self {
            Choice::Known(i) => from[usize::from(*i) % from.len()].as_bytes(),
            Choice::Raw(b) => b,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: Choice<'a>,
    uri: &'a [u8],
    headers: Vec<(Choice<'a>, &'a [u8])>,
    content_type: Option<Choice<'a>>,
    body: &'a [u8],
    tight: bool,
}

fuzz_target!(|input: Input<'_>| {
    let mut b = Request::builder()
        .method(input.method.pick(METHODS))
        .uri(input.uri);
    for (name, value) in &input.headers {
        b = b.header(name.pick(HEADER_NAMES), *value);
    }
    if let Some(ct) = &input.content_type {
        b = b.header("Content-Type", ct.pick(CONTENT_TYPES));
    }
    let req = b.body(input.body).build();
    let engine = if input.tight {
        tight_engine()
    } else {
        default_engine()
    };
    check_analysis(engine, &req);
});
