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

/// A JSON body's keys as the body parser met them, when it read `body`
/// whole: the same [`Param`]s the lexical scan finds, without a second
/// pass over the body.
#[derive(Debug)]
pub(crate) struct JsonArgs<'a> {
    pub body: &'a [u8],
    pub args: Vec<Param<'a>>,
}

/// The arguments of the query string, then of a form body or a JSON body
/// (whatever the Content-Type claims of JSON: a body opening with `{` or
/// `[` is read as JSON), in order, at most [`MAX_PARAMS`]. `parsed` are the
/// body's keys if the body parser read it as JSON.
pub(crate) fn of<'r>(req: &'r Request<'_>, parsed: Option<&JsonArgs<'r>>) -> Vec<Param<'r>> {
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
        match parsed.filter(|p| std::ptr::eq(p.body, body)) {
            Some(p) => {
                let room = MAX_PARAMS.saturating_sub(out.len());
                out.extend_from_slice(&p.args[..p.args.len().min(room)]);
            }
            None => json(body, &mut out),
        }
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

    type Shown = Vec<(Source, String, String, bool, bool)>;

    fn names(r: &Request<'_>) -> Shown {
        show(&of(r, None))
    }

    fn show(params: &[Param<'_>]) -> Shown {
        params
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
    fn keys_the_body_parser_met_are_the_scans() {
        use crate::config::Limits;
        use crate::parse::{request, Inputs};
        let cases: &[(&str, bool)] = &[
            (
                r#"{"a": "x\"y", "b": {"c": 1}, "d": ["e", "f"], "g": true}"#,
                true,
            ),
            (
                r#"[{"file": "http://e.example/x"}, {"id": 2, "n": ["m"]}]"#,
                true,
            ),
            (r#"{"a": 1, "b": "x"} {"c": [{"d": "y"}], "e": {}}"#, true),
            (r#"{"constructor": {"prototype": {"admin": true}}}"#, true),
            (r#"{"a~/b": "\u0041", "": ""}"#, true),
            // Not read whole: the scan decides.
            (r#"{"a": "x", "b"#, false),
            (r#"{"a": "x"} trailing"#, false),
            (
                r#"{"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{"deep": "v"}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
                false,
            ),
        ];
        for &(body, whole) in cases {
            let r = Request::builder()
                .method("POST")
                .uri("/a?x=1")
                .header("Content-Type", "application/json")
                .body(body)
                .build();
            let mut inputs = Inputs::new(10_000);
            request(&r, &Limits::default(), &mut inputs);
            let parsed = inputs.json_args.as_ref();
            assert_eq!(parsed.is_some(), whole, "{body}");
            assert_eq!(show(&of(&r, parsed)), names(&r), "{body}");
        }
    }

    #[test]
    fn bounded() {
        let q = "a=1&".repeat(3 * MAX_PARAMS);
        let uri = format!("/?{q}");
        let r = Request::builder().uri(&uri).build();
        assert_eq!(of(&r, None).len(), MAX_PARAMS);
        let body = format!("[{}]", r#"{"k":"v"},"#.repeat(3 * MAX_PARAMS));
        let r = Request::builder().method("POST").body(&body).build();
        assert_eq!(of(&r, None).len(), MAX_PARAMS);
    }
}
