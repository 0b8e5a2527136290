//! The request's arguments by name, for the whole-request checks that judge
//! a value by the name it is sent under (RFI's `file=`, ORM lookups,
//! prototype paths, session ids).
//!
//! Unlike [`Input`](super::Input)s, every name is kept (plain ones too:
//! `file`, `page`) and nothing is decoded: each check decodes what it reads.
//! One scan per request serves every check.

use crate::request::Request;

/// At most this many arguments are read per request.
pub(crate) const MAX_PARAMS: usize = 1000;

/// Where an argument was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The query string: name and value still form-encoded.
    Query,
    /// An urlencoded form body: name and value still form-encoded.
    Form,
    /// A JSON body's key: name and value with their JSON escapes.
    Json,
}

/// One argument, as sent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Param<'a> {
    pub source: Source,
    pub name: &'a [u8],
    /// The value; for a JSON key, the first string value after it (its
    /// own, or an array's first item), empty if there is none.
    pub value: &'a [u8],
    /// A JSON key whose value is a string (`"file": "..."`).
    pub string: bool,
    /// A JSON key whose value is an object (`"constructor": {...}`).
    pub object: bool,
}

/// The arguments of the query string, then of a form body or a JSON body
/// (whatever the Content-Type claims of JSON: a body opening with `{` or
/// `[` is read as JSON), in order, at most [`MAX_PARAMS`].
pub(crate) fn of<'r>(req: &'r Request<'_>) -> Vec<Param<'r>> {
    let mut out = Vec::new();
    if let Some(q) = req.query() {
        urlencoded(q, Source::Query, &mut out);
    }
    let body = req.body();
    let ct = req
        .header(b"content-type")
        .unwrap_or(b"")
        .trim_ascii_start();
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if ct.len() >= 33 && ct[..33].eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
        urlencoded(body, Source::Form, &mut out);
    } else if matches!(first, Some(b'{' | b'[')) {
        json(body, &mut out);
    }
    out
}

fn urlencoded<'a>(s: &'a [u8], source: Source, out: &mut Vec<Param<'a>>) {
    for pair in s.split(|&b| b == b'&') {
        if out.len() >= MAX_PARAMS {
            return;
        }
        if pair.is_empty() {
            continue;
        }
        let (name, value) = match memchr::memchr(b'=', pair) {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &b""[..]),
        };
        out.push(Param {
            source,
            name,
            value,
            string: false,
            object: false,
        });
    }
}

/// Every JSON string followed by `:` (a key), with the string value that
/// follows it. A lexical scan: no nesting limit to hit, linear.
fn json<'a>(s: &'a [u8], out: &mut Vec<Param<'a>>) {
    let mut last_key: Option<usize> = None;
    for lexed in super::json::strings(s) {
        let text = &s[lexed.text];
        if let Some(next) = lexed.key {
            if out.len() >= MAX_PARAMS {
                return;
            }
            out.push(Param {
                source: Source::Json,
                name: text,
                value: b"",
                string: next == Some(b'"'),
                object: next == Some(b'{'),
            });
            last_key = Some(out.len() - 1);
        } else if let Some(k) = last_key.take() {
            out[k].value = text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &Request<'_>) -> Vec<(Source, String, String, bool, bool)> {
        of(r)
            .iter()
            .map(|p| {
                (
                    p.source,
                    String::from_utf8_lossy(p.name).into_owned(),
                    String::from_utf8_lossy(p.value).into_owned(),
                    p.string,
                    p.object,
                )
            })
            .collect()
    }

    #[test]
    fn query_and_form() {
        let r = Request::builder()
            .method("POST")
            .uri("/a?x=1&&flag&y=a%26b")
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body("file=http%3A%2F%2Fe.example%2F&n=")
            .build();
        let q = |n: &str, v: &str| (Source::Query, n.into(), v.into(), false, false);
        let f = |n: &str, v: &str| (Source::Form, n.into(), v.into(), false, false);
        assert_eq!(
            names(&r),
            [
                q("x", "1"),
                q("flag", ""),
                q("y", "a%26b"),
                f("file", "http%3A%2F%2Fe.example%2F"),
                f("n", ""),
            ]
        );
    }

    #[test]
    fn json_keys_and_their_values() {
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "text/plain")
            .body(r#" {"a": "x\"y", "b": {"c": 1}, "d": ["e", "f"], "g": true}"#)
            .build();
        let j = |n: &str, v: &str, s, o| (Source::Json, n.into(), v.into(), s, o);
        assert_eq!(
            names(&r),
            [
                j("a", r#"x\"y"#, true, false),
                j("b", "", false, true),
                j("c", "", false, false),
                j("d", "e", false, false),
                j("g", "", false, false),
            ]
        );
    }

    #[test]
    fn bounded() {
        let q = "a=1&".repeat(3 * MAX_PARAMS);
        let uri = format!("/?{q}");
        let r = Request::builder().uri(&uri).build();
        assert_eq!(of(&r).len(), MAX_PARAMS);
        let body = format!("[{}]", r#"{"k":"v"},"#.repeat(3 * MAX_PARAMS));
        let r = Request::builder().method("POST").body(&body).build();
        assert_eq!(of(&r).len(), MAX_PARAMS);
    }
}
