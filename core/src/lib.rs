//! mirrorguard finds web attacks in HTTP requests.
//!
//! A [`Request`] is split into inputs (path, query arguments, cookies,
//! headers, form, multipart, JSON and XML values), each input is decoded the
//! way the application and an attacker's layers would decode it, and
//! detectors, each a small lexer for the language an attacker must speak
//! (SQL, HTML/JS, ...), judge the decoded values. The result is a
//! [`Verdict`] whose [`Finding`]s say what fired, where and why.
//!
//! The crate does no I/O and keeps no mutable global state. Build an
//! [`Engine`] once and share it between threads, or use [`analyze`] with the
//! default configuration.
//!
//! ```
//! use mirrorguard::{analyze, Request};
//!
//! let req = Request::builder()
//!     .method("POST")
//!     .uri("/login?next=%2F")
//!     .header("Content-Type", "application/json")
//!     .body(br#"{"user":"admin' OR 1=1--"}"#)
//!     .build();
//! let verdict = analyze(&req);
//! assert!(verdict.is_attack());
//! let finding = &verdict.findings()[0];
//! assert_eq!(finding.class.as_str(), "sqli");
//! assert_eq!(finding.location.name, "/user");
//! ```
#![deny(missing_docs)]

mod cache;
mod config;
mod decode;
mod detect;
mod engine;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod parse;
mod request;
mod search;
mod verdict;

use std::sync::OnceLock;

pub use config::{Config, Exclusion, Limits, Sensitivity};
pub use engine::Engine;
pub use error::Error;
pub use request::{Request, RequestBuilder};
pub use verdict::{AttackClass, Decoder, Finding, LimitsHit, Location, Part, Verdict};

/// Analyzes a request with an engine built once from [`Config::default`].
///
/// ```
/// let verdict = mirrorguard::analyze(&mirrorguard::Request::builder().uri("/?q=%3Cscript%3Ealert(1)%3C/script%3E").build());
/// assert!(verdict.is_attack());
/// ```
pub fn analyze(req: &Request<'_>) -> Verdict {
    static DEFAULT: OnceLock<Engine> = OnceLock::new();
    DEFAULT
        .get_or_init(|| Engine::new(Config::default()).expect("the default configuration is valid"))
        .analyze(req)
}

/// The README's Rust examples run as doc tests, so the front door stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
