//! Per-call overhead of the C ABI over the Rust API: `mg_analyze` (request
//! struct converted, verdict boxed, then freed) against `Engine::analyze`
//! on the same requests, and the same with the verdict's JSON.
//!
//! `cargo bench -p mirrorguard-ffi --bench overhead`
//!
//! The crate builds no rlib (its library would share the core's file name),
//! so the benchmark compiles the C ABI's sources as a module.
// criterion's macros define undocumented functions.
#![allow(missing_docs)]

use std::ffi::c_char;
use std::hint::black_box;
use std::ptr;

use criterion::{criterion_group, criterion_main, Criterion};
use mg_core::{Config, Engine, Request};

#[allow(dead_code, unused_imports)]
#[path = "../src/lib.rs"]
mod capi;

use capi::engine::{mg_analyze, mg_engine, mg_engine_new, mg_header, mg_request};
use capi::verdict::mg_verdict;

use mirrorguard_benches::shapes::BROWSER_HEADERS as HEADERS;

const BENIGN: &str = "/catalog/search?q=running+shoes&size=42&color=blue&sort=price_asc&page=3";
const ATTACK: &str = "/catalog/item?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--&ref=%3Cscript%3Ealert(document.cookie)%3C/script%3E";

fn rust_request(uri: &str) -> Request<'_> {
    let mut b = Request::builder().uri(uri);
    for (n, v) in &HEADERS {
        b = b.header(*n, *v);
    }
    b.build()
}

fn c_str(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

fn c_request(uri: &str, headers: &[mg_header]) -> mg_request {
    let (uri, uri_len) = c_str(uri);
    mg_request {
        method: ptr::null(),
        method_len: 0,
        uri,
        uri_len,
        version: ptr::null(),
        version_len: 0,
        headers: headers.as_ptr(),
        header_count: headers.len(),
        body: ptr::null(),
        body_len: 0,
        client: ptr::null(),
        client_len: 0,
        request_id: ptr::null(),
        request_id_len: 0,
    }
}

/// One C call: analyze, optionally read the JSON, free.
fn c_analyze(engine: *const mg_engine, req: &mg_request, json: bool) -> usize {
    let mut v: *mut mg_verdict = ptr::null_mut();
    // SAFETY: a live engine, a request whose buffers outlive the call, a
    // valid out-pointer.
    let rc = unsafe { mg_analyze(engine, req, &mut v) };
    assert_eq!(rc, capi::mg_result::MG_OK);
    let mut n = 0;
    if json {
        let mut p: *const c_char = ptr::null();
        // SAFETY: a live verdict and valid out-pointers.
        unsafe { capi::verdict::mg_verdict_json(v, &mut p, &mut n) };
    } else {
        // SAFETY: a live verdict.
        n = unsafe { capi::verdict::mg_verdict_finding_count(v) };
    }
    // SAFETY: from mg_analyze, freed once.
    unsafe { capi::verdict::mg_verdict_free(v) };
    n
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new(Config::default()).unwrap();
    let mut c_engine: *mut mg_engine = ptr::null_mut();
    // SAFETY: NULL config with length 0 means defaults; valid out-pointer.
    let rc = unsafe { mg_engine_new(ptr::null(), 0, &mut c_engine) };
    assert_eq!(rc, capi::mg_result::MG_OK);
    let headers: Vec<mg_header> = HEADERS
        .iter()
        .map(|(n, v)| {
            let ((name, name_len), (value, value_len)) = (c_str(n), c_str(v));
            mg_header {
                name,
                name_len,
                value,
                value_len,
            }
        })
        .collect();

    // Whole calls: `GET /` with no header (the least analysis, so the
    // C ABI's share is largest), a browser GET, an attack with its JSON.
    let cases: [(&str, &str, &[mg_header], usize, bool); 3] = [
        ("minimal_get", "/", &[], 0, false),
        ("benign_get", BENIGN, &headers, HEADERS.len(), false),
        ("attack_get_json", ATTACK, &headers, HEADERS.len(), true),
    ];
    for (label, uri, c_headers, n, json) in cases {
        let mut group = c.benchmark_group(format!("overhead/{label}"));
        group.bench_function("rust", |b| {
            b.iter(|| {
                let mut r = Request::builder().uri(black_box(uri));
                for (name, value) in &HEADERS[..n] {
                    r = r.header(*name, *value);
                }
                let v = engine.analyze(&r.build());
                if json {
                    v.to_json().len()
                } else {
                    v.findings().len()
                }
            })
        });
        let req = c_request(uri, c_headers);
        group.bench_function("c_abi", |b| {
            b.iter(|| c_analyze(c_engine, black_box(&req), json))
        });
        group.finish();
    }

    // The conversion alone: the C request struct to the core's view,
    // against the builder calls a Rust caller makes.
    let mut group = c.benchmark_group("overhead/request_view_8_headers");
    group.bench_function("rust_builder", |b| {
        b.iter(|| rust_request(black_box(BENIGN)).headers().len())
    });
    let req = c_request(BENIGN, &headers);
    group.bench_function("c_abi_to_request", |b| {
        // SAFETY: every buffer of `req` outlives the call.
        b.iter(|| unsafe { capi::engine::to_request(black_box(&req)) }.map(|r| r.headers().len()))
    });
    group.finish();

    // SAFETY: from mg_engine_new, freed once, no call in flight.
    unsafe { capi::engine::mg_engine_free(c_engine) };
}

criterion_group!(benches, bench);
criterion_main!(benches);
