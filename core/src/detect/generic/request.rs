//! Whole-request checks of the generic class: what per-value detection
//! cannot see because it lies in argument names the parser treats as plain
//! words (`__proto__[x]`, `user__password__startswith`) or needs another
//! header (the Referer, for session fixation).

use std::borrow::Cow;

use super::session::session_fixation;
use super::{Ctx, Hit};
use crate::config::Sensitivity;
use crate::decode;
use crate::parse::params::{Param, Source};
use crate::request::Request;
use crate::search::contains_ci;
use crate::verdict::Part;

/// Django (and django-filter / DRF) field lookups.
const LOOKUPS: &[&[u8]] = &[
    b"exact",
    b"iexact",
    b"contains",
    b"icontains",
    b"in",
    b"gt",
    b"gte",
    b"lt",
    b"lte",
    b"startswith",
    b"istartswith",
    b"endswith",
    b"iendswith",
    b"range",
    b"isnull",
    b"regex",
    b"iregex",
    b"search",
    b"has_key",
    b"has_keys",
    b"has_any_keys",
    b"contained_by",
    b"overlap",
    b"year",
    b"month",
    b"day",
];

/// Fields whose values an ORM filter oracle leaks or whose flags it probes.
const SENSITIVE: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"secret",
    b"token",
    b"api_key",
    b"apikey",
    b"hash",
    b"salt",
    b"otp",
    b"is_staff",
    b"is_superuser",
    b"is_admin",
];

/// One argument: name, value, as the app reads them.
struct Arg<'a> {
    name: Cow<'a, [u8]>,
    value: Cow<'a, [u8]>,
    /// A JSON key whose value is an object.
    object: bool,
}

impl<'a> Arg<'a> {
    fn of(p: &Param<'a>) -> Arg<'a> {
        if p.source == Source::Json {
            return Arg {
                name: Cow::Borrowed(p.name),
                value: Cow::Borrowed(p.value),
                object: p.object,
            };
        }
        let name = decode::form(p.name);
        // Only a lookup's value is read further: the others stay as sent.
        let value = if has_dunder(&name) {
            decode::form(p.value)
        } else {
            Cow::Borrowed(p.value)
        };
        Arg {
            name,
            value,
            object: false,
        }
    }
}

/// Checks over the argument names of the query string, a form body and a
/// JSON body (whatever its Content-Type claims), and the Referer:
/// - `generic.prototype_pollution`: a name that is a prototype path
///   (`__proto__[x]`, `constructor[prototype][x]`, a JSON `"__proto__"` key).
/// - `generic.orm_filter`: a Django-style lookup that walks relations
///   (`user__profile__email__startswith`) or touches a secret
///   (`password__startswith`, `data__has_key=is_admin`) (10); a one-hop
///   lookup on an ordinary field (`price__gte`) scores 4.
/// - `generic.session_fixation`: see `session.rs`.
///
/// The engine calls this once per request, like `protocol::check_request`.
pub(crate) fn check_request(req: &Request<'_>, params: &[Param<'_>]) -> Option<Hit> {
    let args: Vec<Arg<'_>> = params.iter().map(Arg::of).collect();
    let mut best: Option<Hit> = None;
    let mut keep = |h: Option<Hit>| {
        if let Some(h) = h {
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
        }
    };
    let ctx = Ctx {
        part: Part::Query,
        key: true,
        sensitivity: Sensitivity::Default,
    };
    // A name repeated (a key on every object of an array) is judged once:
    // the detector is a pure function of the name.
    let mut judged: std::collections::HashSet<
        &[u8],
        std::hash::BuildHasherDefault<crate::detect::FastHasher>,
    > = std::collections::HashSet::default();
    for (i, p) in args.iter().enumerate() {
        if names_prototype(&p.name) && judged.insert(&p.name) {
            let pp =
                super::detect(&p.name, &ctx).filter(|h| h.rule == "generic.prototype_pollution");
            if pp.is_some() {
                return pp;
            }
        }
        // JSON `{"constructor": {"prototype": {...}}}`: two keys in a row.
        let next = args.get(i + 1).map(|n| &n.name[..]);
        if p.object
            && p.name.eq_ignore_ascii_case(b"constructor")
            && next.is_some_and(|n| n.eq_ignore_ascii_case(b"prototype"))
        {
            return Some(Hit {
                rule: "generic.prototype_pollution",
                score: 10,
                span: 0..0,
            });
        }
        keep(orm_filter(p));
    }
    // A JSON key holding a number, a list or an object has a value too.
    let pairs = args.iter().zip(params).map(|(a, p)| {
        let json_value = p.source == Source::Json && !p.string;
        (&a.name[..], json_value || !a.value.is_empty())
    });
    keep(session_fixation(req, pairs));
    best
}

/// Whether `name` spells an anchor of a prototype path (`__proto__`,
/// `constructor`, `prototype`): the only names the per-name check can
/// flag, so the others skip it.
fn names_prototype(name: &[u8]) -> bool {
    if name.len() < b"__proto__".len() {
        return false;
    }
    let has = |w: &[u8]| contains_ci(name, w);
    has(b"__proto__") || has(b"constructor") || has(b"prototype")
}

fn orm_filter(p: &Arg) -> Option<Hit> {
    let name = &p.name;
    // A lookup is `field__lookup`: most names have no `__` at all.
    if !has_dunder(name) {
        return None;
    }
    let parts: Vec<&[u8]> = split_dunder(name);
    if parts.len() < 2 || parts.iter().any(|s| s.is_empty()) {
        return None;
    }
    let lookup = parts[parts.len() - 1];
    if !LOOKUPS.iter().any(|l| l.eq_ignore_ascii_case(lookup)) {
        return None;
    }
    let fields = &parts[..parts.len() - 1];
    if !fields
        .iter()
        .all(|f| f.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_'))
    {
        return None;
    }
    let sensitive = |w: &[u8]| SENSITIVE.iter().any(|s| s.eq_ignore_ascii_case(w));
    let touches_secret = fields.iter().any(|f| sensitive(f)) || sensitive(p.value.trim_ascii());
    let score = if fields.len() >= 2 || touches_secret {
        10
    } else {
        4
    };
    Some(Hit {
        rule: "generic.orm_filter",
        score,
        span: 0..name.len(),
    })
}

fn has_dunder(name: &[u8]) -> bool {
    name.windows(2).any(|w| w == b"__")
}

/// `a__b__c` -> [a, b, c]; `__x` and `x__` keep their empty parts.
fn split_dunder(name: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < name.len() {
        if name[i] == b'_' && name[i + 1] == b'_' {
            parts.push(&name[start..i]);
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    parts.push(&name[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(r: &Request<'_>) -> u32 {
        check_request(r, &crate::parse::params::of(r, None)).map_or(0, |h| h.score)
    }

    #[test]
    fn prototype_pollution_in_names() {
        for uri in [
            "/get?__proto__[test]=test",
            "/get?__proto__.test=test",
            "/get?constructor.prototype.test=test",
            "/get?a[constructor][prototype][onerror]=a",
            "/get?constructor%5Bprototype%5D%5Btest%5D%3Dtest",
        ] {
            let r = Request::builder().uri(uri).build();
            assert_eq!(
                check_request(&r, &crate::parse::params::of(&r, None)).map(|h| h.rule),
                Some("generic.prototype_pollution"),
                "{uri}"
            );
        }
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "application/json")
            .body(r#"{"text":"a","title":{"__proto__":{"where":{"name":"x"}}}}"#)
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "application/json")
            .body(r#"{"a": 1, "constructor": {"prototype": {"isAdmin": true}}}"#)
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "application/json")
            .body(r#"{"constructor": "Bob the Builder", "prototype": "v2"}"#)
            .build();
        assert_eq!(score(&r), 0, "sibling keys are not a path");
    }

    #[test]
    fn orm_filters() {
        for uri in [
            "/get?user__profile__icontains=x",
            "/get?created_by__departments__user__username__startswith=p",
            "/get?password__startswith=a",
            "/get?data__has_key=is_admin",
            "/get?user__metadata__has_keys=is_staff",
        ] {
            let r = Request::builder().uri(uri).build();
            assert_eq!(score(&r), 10, "{uri}");
        }
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "text/plain")
            .body(r#"{"password__isnull": true}"#)
            .build();
        assert_eq!(score(&r), 10);
        for uri in [
            "/get?price__gte=10",
            "/get?__init__=1",
            "/get?a__b=1",
            "/get?utm_source=x&q=constructor",
            "/get?q=prototype+constructor+notes",
            "/get?field__in=1,2",
        ] {
            let r = Request::builder().uri(uri).build();
            assert!(score(&r) < 5, "{uri}");
        }
    }
}
