//! GraphQL documents (a JSON body's `query`, a `?query=` argument, a raw
//! `application/graphql` body): the string arguments inside them.
//!
//! A GraphQL API passes its arguments to resolvers that build SQL, shell
//! commands or HTML from them, and an attacker writes them inline
//! (`{ user(name: "admin')--") { id } }`) rather than as JSON variables. The
//! document as a whole is an input already; each string argument is also
//! emitted on its own, named `<outer name>#<argument>`, so a detector
//! anchored at a value's start (a quote break, a comment) sees it as the
//! resolver does. Escapes are left for the pipeline's JS decoder.
//!
//! Only a value shaped like a document is scanned: after whitespace, a
//! selection set `{` or an operation keyword (`query`, `mutation`,
//! `subscription`) then a name, `(` or `{`, and a `(` somewhere for
//! arguments. Bounded: one pass, at most [`MAX_ARGS`] strings.

/// String arguments emitted per document.
const MAX_ARGS: usize = 64;

/// Whether `v` starts like a GraphQL operation and has arguments.
pub(crate) fn looks_like(v: &[u8]) -> bool {
    let t = v.trim_ascii_start();
    let head = match t.first() {
        Some(b'{') => true,
        _ => [&b"query"[..], b"mutation", b"subscription"]
            .iter()
            .any(|k| t.starts_with(k) && operation_head(&t[k.len()..])),
    };
    // A JSON object's first key is quoted; a selection's first field is not.
    let json_like = t.first() == Some(&b'{') && t[1..].trim_ascii_start().first() == Some(&b'"');
    head && !json_like && memchr::memchr(b'(', t).is_some() && memchr::memchr(b'"', t).is_some()
}

/// After the operation keyword: an optional name, then variables `(`, a
/// directive `@` or the selection set `{` (`query the database` is prose).
fn operation_head(rest: &[u8]) -> bool {
    if !rest
        .first()
        .is_some_and(|&b| b.is_ascii_whitespace() || matches!(b, b'{' | b'('))
    {
        return false;
    }
    let r = rest.trim_ascii_start();
    let n = r
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(r.len());
    matches!(r[n..].trim_ascii_start().first(), Some(b'{' | b'(' | b'@'))
}

/// Calls `emit(argument name, raw string content)` for each string argument
/// of the document `v`, in order; stops when `emit` returns false.
pub(crate) fn string_args<'v>(v: &'v [u8], mut emit: impl FnMut(&'v [u8], &'v [u8]) -> bool) {
    let mut i = 0;
    let mut parens = 0usize;
    let mut emitted = 0;
    // The last name seen, the argument a string belongs to.
    let mut name: &[u8] = b"";
    while i < v.len() {
        let b = v[i];
        match b {
            b'#' => {
                // A comment runs to the end of the line.
                i = memchr::memchr(b'\n', &v[i..]).map_or(v.len(), |p| i + p);
                continue;
            }
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b'"' => {
                let block = v[i..].starts_with(b"\"\"\"");
                let (start, end, next) = if block {
                    let s = i + 3;
                    match crate::search::find(&v[s..], b"\"\"\"") {
                        Some(p) => (s, s + p, s + p + 3),
                        None => (s, v.len(), v.len()),
                    }
                } else {
                    let s = i + 1;
                    let mut j = s;
                    while j < v.len() && v[j] != b'"' && v[j] != b'\n' {
                        j += if v[j] == b'\\' { 2 } else { 1 };
                    }
                    let e = j.min(v.len());
                    (s, e, (e + 1).min(v.len()))
                };
                // Argument values (and variable defaults) live in parentheses;
                // a string elsewhere is a description.
                if parens > 0 && end > start {
                    if emitted == MAX_ARGS || !emit(name, &v[start..end]) {
                        return;
                    }
                    emitted += 1;
                }
                i = next;
                continue;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let s = i;
                while i < v.len() && (v[i].is_ascii_alphanumeric() || v[i] == b'_') {
                    i += 1;
                }
                name = &v[s..i];
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        string_args(v, |n, s| {
            out.push((
                String::from_utf8_lossy(n).into_owned(),
                String::from_utf8_lossy(s).into_owned(),
            ));
            true
        });
        out
    }

    #[test]
    fn documents() {
        assert!(looks_like(b"{ user(name: \"x\") { id } }"));
        assert!(looks_like(b"query Q($a: String = \"b\") { f(a: $a) }"));
        assert!(looks_like(b"mutation{login(u:\"a\",p:\"b\"){t}}"));
        assert!(!looks_like(b"{\"query\": \"x(\\\"a\\\")\"}"));
        assert!(!looks_like(b"{ user { id } }"));
        assert!(!looks_like(b"query the database (\"fast\")x"));
        assert!(!looks_like(b"querying(\"x\")"));
    }

    #[test]
    fn string_arguments() {
        let doc = br#"mutation { login(user: "admin')--", pass: "x\"y") { token } }"#;
        assert_eq!(
            args(doc),
            [
                ("user".into(), "admin')--".into()),
                ("pass".into(), "x\\\"y".into())
            ]
        );
        let block = b"{ f(q: \"\"\"a \"quoted\" b\"\"\") { id } }";
        assert_eq!(args(block), [("q".into(), "a \"quoted\" b".into())]);
        // Descriptions and comments are no arguments.
        let sdl = b"\"a description\" type T { f: Int } # (\"x\")\n{ g(a: \"y\") }";
        assert_eq!(args(sdl), [("a".into(), "y".into())]);
        // Unterminated strings end at the line or the value.
        assert_eq!(args(b"{ f(a: \"x"), [("a".into(), "x".into())]);
    }
}
