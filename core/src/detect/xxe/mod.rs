//! XML external entities (XXE) and entity expansion.
//!
//! The attacker must declare entities in a document type definition: the
//! XML parser reads the DOCTYPE (whole, as the value named `!DOCTYPE` of an
//! XML body, or inside any other value that carries XML), so a small
//! declaration parser judges each `<!ENTITY` and the DOCTYPE's external ID.
//!
//! Rules:
//! - `xxe.external_entity`: `<!ENTITY name SYSTEM "uri">` or `PUBLIC`.
//! - `xxe.parameter_entity`: `<!ENTITY % name ...>`, the out-of-band and
//!   error-based XXE building block.
//! - `xxe.entity_expansion`: nested entity references (billion laughs,
//!   quadratic blowup).
//! - `xxe.external_dtd`: `<!DOCTYPE x SYSTEM "uri">` loading a DTD from a
//!   dangerous scheme (10) or an unknown remote host (6); the public DTDs of
//!   W3C, Apple, OASIS... pass.
//! - `xxe.xinclude`: XInclude (`xi:include`, the XInclude namespace).
//! - `xxe.internal_entity` (weak, 3): internal entities only.

use std::sync::LazyLock;

use super::{Ctx, Hit};
use crate::search::starts_ci;
use crate::verdict::Part;

/// Schemes a parser fetches that read files or run commands.
const DANGEROUS_SCHEMES: &[&[u8]] = &[
    b"file:",
    b"php:",
    b"expect:",
    b"gopher:",
    b"jar:",
    b"netdoc:",
    b"ftp:",
    b"data:",
    b"dict:",
    b"ldap:",
    b"phar:",
    b"zip:",
    b"compress.zlib:",
    b"glob:",
    b"ssh2.",
    b"rar:",
    b"ogg:",
];

/// Hosts of well-known public DTDs that ordinary documents reference.
const KNOWN_DTD_HOSTS: &[&[u8]] = &[
    b"w3.org",
    b"apple.com",
    b"oasis-open.org",
    b"java.sun.com",
    b"oracle.com",
    b"apache.org",
    b"mybatis.org",
    b"hibernate.org",
    b"hibernate.sourceforge.net",
    b"springframework.org",
    b"jboss.org",
    b"docbook.org",
    b"jcp.org",
    b"xmlsoap.org",
];

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    if let Some(h) = xinclude(value) {
        return Some(h);
    }
    if ctx.part != Part::Xml && memchr::memchr(b'!', value).is_none() {
        return None;
    }
    let mut entities = 0usize;
    let mut refs = 0usize;
    let mut nested_decls = 0usize;
    let mut first_entity = None;
    let mut pos = 0;
    while let Some(off) = memchr::memchr(b'!', &value[pos..]) {
        let bang = pos + off;
        pos = bang + 1;
        let rest = &value[bang + 1..];
        if starts_ci(rest, b"ENTITY") && rest.get(6).is_some_and(|b| is_ws(*b)) {
            first_entity.get_or_insert(bang);
            entities += 1;
            match entity(value, bang + 7) {
                Entity::Parameter(end) => {
                    return Some(Hit {
                        rule: "xxe.parameter_entity",
                        score: 10,
                        span: bang.saturating_sub(1)..end,
                    })
                }
                Entity::External(end) => {
                    return Some(Hit {
                        rule: "xxe.external_entity",
                        score: 10,
                        span: bang.saturating_sub(1)..end,
                    })
                }
                Entity::Internal(n, after) => {
                    pos = pos.max(after);
                    refs += n;
                    if n >= 2 {
                        nested_decls += 1;
                    }
                }
                Entity::None => {}
            }
        } else if starts_ci(rest, b"DOCTYPE") && rest.get(7).is_some_and(|b| is_ws(*b)) {
            if let Some(h) = doctype(value, bang + 8) {
                pos = pos.max(h.span.end);
                if h.score > 0 {
                    keep(&mut best, h);
                }
            }
        }
    }
    if let Some(start) = first_entity {
        let span = start.saturating_sub(1)..value.len();
        if refs >= 10 || (entities >= 3 && nested_decls >= 2) {
            return Some(Hit {
                rule: "xxe.entity_expansion",
                score: 10,
                span,
            });
        }
        keep(
            &mut best,
            Hit {
                rule: "xxe.internal_entity",
                score: 3,
                span,
            },
        );
    }
    // The DOCTYPE value of an XML body may come without its `<!DOCTYPE`.
    if best.is_none() && ctx.part == Part::Xml {
        let h = external_id(value, skip_ws(value, 0)).or_else(|| doctype(value, 0));
        if let Some(h) = h.filter(|h| h.score > 0) {
            keep(&mut best, h);
        }
    }
    best
}

fn keep(best: &mut Option<Hit>, h: Hit) {
    if best.as_ref().is_none_or(|b| h.score > b.score) {
        *best = Some(h);
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn skip_ws(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && is_ws(v[i]) {
        i += 1;
    }
    i
}

fn name_end(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && !is_ws(v[i]) && !matches!(v[i], b'>' | b'[' | b'"' | b'\'') {
        i += 1;
    }
    i
}

enum Entity {
    Parameter(usize),
    External(usize),
    /// Number of entity references in the replacement text.
    Internal(usize, usize),
    None,
}

/// Parses an entity declaration after `<!ENTITY `.
fn entity(v: &[u8], i: usize) -> Entity {
    let mut i = skip_ws(v, i);
    if v.get(i) == Some(&b'%') && v.get(i + 1).is_some_and(|b| is_ws(*b)) {
        return Entity::Parameter(name_end(v, skip_ws(v, i + 1)));
    }
    let n = name_end(v, i);
    if n == i {
        return Entity::None;
    }
    i = skip_ws(v, n);
    let rest = &v[i..];
    if starts_ci(rest, b"SYSTEM") || starts_ci(rest, b"PUBLIC") {
        return Entity::External((i + 6).min(v.len()));
    }
    match rest.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let body = &rest[1..];
            let end = memchr::memchr(q, body).unwrap_or(body.len());
            let text = &body[..end];
            let count = memchr::memchr_iter(b'&', text)
                .filter(|&a| {
                    let s = a + 1;
                    let e = s + text[s..]
                        .iter()
                        .take_while(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
                        })
                        .count();
                    e > s && text[s] != b'#' && text.get(e) == Some(&b';')
                })
                .count();
            let after = (i + 1 + end + 1).min(v.len());
            Entity::Internal(count, after)
        }
        _ => Entity::None,
    }
}

/// After `<!DOCTYPE `: the root name then an optional external ID.
fn doctype(v: &[u8], i: usize) -> Option<Hit> {
    let i = skip_ws(v, i);
    let n = name_end(v, i);
    if n == i {
        return None;
    }
    external_id(v, skip_ws(v, n))
}

/// `SYSTEM "uri"` or `PUBLIC "id" "uri"` at `i`.
fn external_id(v: &[u8], i: usize) -> Option<Hit> {
    let rest = &v[i..];
    let public = starts_ci(rest, b"PUBLIC");
    if !public && !starts_ci(rest, b"SYSTEM") {
        return None;
    }
    let mut j = skip_ws(v, i + 6);
    let mut lit = quoted(v, j)?;
    if public {
        j = skip_ws(v, lit.1);
        // A PUBLIC id alone (`<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">`).
        lit = quoted(v, j)?;
    }
    let (uri, end) = (lit.0, lit.1);
    let uri = &v[uri];
    Some(Hit {
        rule: "xxe.external_dtd",
        score: uri_score(uri),
        span: i..end,
    })
}

fn quoted(v: &[u8], i: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let q = *v.get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let end = i + 1 + memchr::memchr(q, &v[i + 1..]).unwrap_or(v.len() - i - 1);
    Some((i + 1..end, (end + 1).min(v.len())))
}

fn uri_score(uri: &[u8]) -> u32 {
    let uri = trim(uri);
    if starts_ci(uri, b"about:") {
        // HTML5's `<!DOCTYPE html SYSTEM "about:legacy-compat">`.
        return 0;
    }
    if DANGEROUS_SCHEMES.iter().any(|s| starts_ci(uri, s)) {
        return 10;
    }
    let host = if starts_ci(uri, b"http://") {
        &uri[7..]
    } else if starts_ci(uri, b"https://") {
        &uri[8..]
    } else if starts_ci(uri, b"//") || uri.starts_with(b"\\\\") {
        &uri[2..]
    } else if uri.contains(&b':') {
        // Some other scheme a parser may support.
        return 6;
    } else {
        // A relative DTD on the server itself: unusual, but seen.
        return 3;
    };
    let end = host
        .iter()
        .position(|&b| matches!(b, b'/' | b':' | b'?' | b'#'))
        .unwrap_or(host.len());
    let host = &host[..end];
    let known = KNOWN_DTD_HOSTS.iter().any(|k| {
        host.len() >= k.len()
            && host[host.len() - k.len()..].eq_ignore_ascii_case(k)
            && (host.len() == k.len() || host[host.len() - k.len() - 1] == b'.')
    });
    if known {
        0
    } else {
        6
    }
}

fn trim(v: &[u8]) -> &[u8] {
    let s = v.iter().position(|b| !is_ws(*b)).unwrap_or(v.len());
    let e = v.iter().rposition(|b| !is_ws(*b)).map_or(s, |e| e + 1);
    &v[s..e]
}

/// `<xi:include`, or the XInclude namespace (as an attribute value of an
/// XML body, or inside any value).
fn xinclude(v: &[u8]) -> Option<Hit> {
    static FINDERS: LazyLock<[memchr::memmem::Finder<'static>; 3]> = LazyLock::new(|| {
        [
            b"w3.org/2001/XInclude".as_slice(),
            b"xi:include",
            b"XI:INCLUDE",
        ]
        .map(|n| memchr::memmem::Finder::new(n).into_owned())
    });
    let [ns, lower, upper] = &*FINDERS;
    let at = ns
        .find(v)
        .or_else(|| lower.find(v))
        .or_else(|| upper.find(v))?;
    Some(Hit {
        rule: "xxe.xinclude",
        score: 10,
        span: at..(at + 10).min(v.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::generic::cases;

    #[test]
    fn tables() {
        cases::check(
            "xxe.",
            include_str!("../../../testdata/xxe/attacks.txt"),
            include_str!("../../../testdata/xxe/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }
}
