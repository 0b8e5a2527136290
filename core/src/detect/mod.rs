//! Detectors, one module per attack class. Each is a lexer or parser for the
//! language the attacker must speak, separate from the decision on its
//! tokens, and sees one decoded value at a time.

use std::ops::Range;

use crate::config::Sensitivity;
use crate::request::Request;
use crate::verdict::{AttackClass, Part};

pub(crate) mod crlf;
pub(crate) mod generic;
pub(crate) mod java;
pub(crate) mod jndi;
pub(crate) mod ldapi;
pub(crate) mod nosqli;
pub(crate) mod path;
pub(crate) mod php;
pub(crate) mod protocol;
pub(crate) mod rce;
pub(crate) mod scanner;
pub(crate) mod sqli;
pub(crate) mod ssti;
pub(crate) mod url;
pub(crate) mod xss;
pub(crate) mod xxe;

/// What a detector knows about the value it judges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx {
    pub part: Part,
    /// The value is a name (argument name, JSON key), not a value.
    pub key: bool,
    pub sensitivity: Sensitivity,
}

/// A detector's positive answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Stable rule id, `<class>.<rule>`.
    pub rule: &'static str,
    /// 10 for an unambiguous attack; lower for weaker signals that must add
    /// up with others to reach the default threshold of 5.
    pub score: u32,
    /// Where in the value the evidence lies.
    pub span: Range<usize>,
}

/// Runs the detector for `class` on `value`.
pub(crate) fn run(class: AttackClass, value: &[u8], ctx: &Ctx) -> Option<Hit> {
    match class {
        AttackClass::Sqli => sqli::detect(value, ctx),
        AttackClass::Xss => xss::detect(value, ctx),
        AttackClass::Rce => rce::detect(value, ctx),
        AttackClass::PhpInjection => php::detect(value, ctx),
        AttackClass::PathTraversal => path::detect(value, ctx),
        AttackClass::Rfi => url::rfi(value, ctx),
        AttackClass::Ssrf => url::ssrf(value, ctx),
        AttackClass::JavaInjection => java::detect(value, ctx),
        AttackClass::Jndi => jndi::detect(value, ctx),
        AttackClass::Ssti => ssti::detect(value, ctx),
        AttackClass::Nosqli => nosqli::detect(value, ctx),
        AttackClass::Ldapi => ldapi::detect(value, ctx),
        AttackClass::Xxe => xxe::detect(value, ctx),
        AttackClass::Crlf => crlf::detect(value, ctx),
        AttackClass::Scanner => scanner::detect(value, ctx),
        AttackClass::Protocol => protocol::detect(value, ctx),
        AttackClass::Generic => generic::detect(value, ctx),
    }
}

/// Runs the whole-request checks of `class`: what no single value shows
/// (framing, header counts, names that only mean something together).
pub(crate) fn run_request(class: AttackClass, req: &Request<'_>) -> Option<Hit> {
    match class {
        AttackClass::Protocol => protocol::check_request(req),
        AttackClass::Generic => generic::check_request(req),
        _ => None,
    }
}
