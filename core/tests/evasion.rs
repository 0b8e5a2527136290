//! The evasion suite: every base attack of `testdata/evasion/attacks.txt`,
//! transformed by each evasion the decoders claim to undo, must still be
//! flagged with its class; every benign value of `benign.txt`, transformed
//! the same way, must still pass.
//!
//! An evasion is a function from a payload to the request that carries it
//! (a re-spelling of the payload, an encoding of the query string, or a
//! place in the body). Where an evasion changes what the payload means for
//! one language (upper-casing a shell command, a comment inside a path), it
//! says which classes it applies to.

mod common;
use common::base64;
use mirrorguard::{Config, Engine, Request};

/// An owned request: what one evasion produces.
struct Owned {
    method: &'static str,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Owned {
    fn get(query: String) -> Owned {
        Owned {
            method: "GET",
            uri: format!("/search?{query}"),
            headers: vec![("Host".into(), "app.example.com".into())],
            body: Vec::new(),
        }
    }

    fn post(content_type: &str, body: Vec<u8>) -> Owned {
        Owned {
            method: "POST",
            uri: "/submit".into(),
            headers: vec![
                ("Host".into(), "app.example.com".into()),
                ("Content-Type".into(), content_type.into()),
            ],
            body,
        }
    }

    fn request(&self) -> Request<'_> {
        let mut b = Request::builder()
            .method(self.method)
            .uri(&self.uri)
            .body(&self.body);
        for (n, v) in &self.headers {
            b = b.header(n, v);
        }
        b.build()
    }
}

/// Which classes an evasion applies to.
#[derive(Clone, Copy)]
enum Applies {
    All,
    Only(&'static [&'static str]),
}

struct Evasion {
    name: &'static str,
    applies: Applies,
    /// Whether benign values go through it too: an evasion that writes
    /// attacker syntax into the value (`${IFS}`, `c''at`) leaves nothing
    /// benign to compare with.
    benign: bool,
    make: fn(&str) -> Owned,
}

/// Bytes an attacker's payload needs and an encoder therefore hides.
fn special(b: u8) -> bool {
    !b.is_ascii_alphanumeric()
}

/// Percent-encodes everything but unreserved bytes: one URL layer.
fn pct(s: &[u8]) -> String {
    let mut out = String::new();
    for &b in s {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes only the bytes `special` picks, leaving the rest: what
/// an attacker does to slip one layer past a filter.
fn pct_special(s: &[u8]) -> String {
    let mut out = String::new();
    for &b in s {
        if special(b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// A query whose special bytes are written by `enc` and sent as they are.
/// Escaped as Go's `url.QueryEscape` and HTML forms do: unreserved bytes
/// kept, space as `+`, every other byte `%XX`.
fn form_escape(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn raw_query(v: &str, enc: impl Fn(u8) -> String) -> Owned {
    let q: String = v
        .bytes()
        .map(|b| {
            if special(b) {
                enc(b)
            } else {
                (b as char).to_string()
            }
        })
        .collect();
    Owned::get(format!("q={q}"))
}

fn query(v: &str) -> Owned {
    Owned::get(format!("q={}", pct(v.as_bytes())))
}

fn map_special(v: &str, f: impl Fn(char) -> String) -> String {
    v.chars()
        .map(|c| {
            if c.is_ascii() && special(c as u8) {
                f(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Replaces spaces with `sep`, but the one after `--`: that space is part
/// of MySQL's comment syntax, not a separator an attacker can swap.
fn spaces(v: &str, sep: &str) -> String {
    let mut out = String::new();
    for (i, part) in v.split(' ').enumerate() {
        if i > 0 {
            out.push_str(if out.ends_with("--") { " " } else { sep });
        }
        out.push_str(part);
    }
    out
}

/// A form whose first field holds `pad` bytes of harmless text.
fn form_with_padding(v: &str, pad: usize) -> Owned {
    let filler = "lorem+ipsum+dolor+sit+amet+".repeat(pad / 27 + 1);
    let body = format!("pad={}&q={}", &filler[..pad], pct(v.as_bytes()));
    Owned::post("application/x-www-form-urlencoded", body.into_bytes())
}

fn multipart(v: &str) -> Owned {
    let boundary = "----=_Part_0_1964.1700000000; x";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n{v}\r\n--{boundary}--\r\n"
    );
    Owned::post(
        &format!("multipart/form-data; boundary=\"{boundary}\""),
        body.into_bytes(),
    )
}

const SQL: &[&str] = &["sqli"];
/// Languages that ignore letter case: SQL keywords, HTML, PHP function
/// names, Log4j lookup names and URL schemes.
const CASELESS: &[&str] = &["sqli", "xss", "php-injection", "jndi"];

fn evasions() -> Vec<Evasion> {
    vec![
        Evasion {
            name: "plain",
            applies: Applies::All,
            benign: true,
            make: query,
        },
        Evasion {
            name: "case mixing",
            applies: Applies::Only(CASELESS),
            benign: true,
            make: |v| {
                let mixed: String = v
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 2 == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect();
                query(&mixed)
            },
        },
        Evasion {
            name: "comments for spaces",
            applies: Applies::Only(SQL),
            benign: true,
            make: |v| query(&spaces(v, "/**/")),
        },
        Evasion {
            name: "tabs for spaces",
            applies: Applies::Only(&["sqli", "xss", "rce"]),
            benign: true,
            make: |v| query(&spaces(v, "\t")),
        },
        Evasion {
            name: "newlines for spaces",
            applies: Applies::Only(&["sqli", "xss"]),
            benign: true,
            make: |v| query(&spaces(v, "\n")),
        },
        Evasion {
            name: "%a0 for spaces",
            applies: Applies::Only(SQL),
            benign: true,
            make: |v| {
                let q: Vec<String> = v.split(' ').map(|w| pct(w.as_bytes())).collect();
                Owned::get(format!("q={}", q.join("%A0")))
            },
        },
        Evasion {
            name: "${IFS} for spaces",
            applies: Applies::Only(&["rce"]),
            benign: false,
            make: |v| {
                // Only between words: a separator needs no space after it.
                let t = v.trim_start_matches(['|', ';', '&', ' ']);
                let lead = &v[..v.len() - t.len()];
                query(&format!("{lead}{}", spaces(t, "${IFS}")))
            },
        },
        Evasion {
            name: "quotes inside command words",
            applies: Applies::Only(&["rce"]),
            benign: false,
            make: |v| {
                let mut out = String::new();
                let mut word = String::new();
                let flush = |word: &mut String, out: &mut String| {
                    if word.len() >= 2 && !out.ends_with('/') && !out.ends_with('-') {
                        out.push_str(&word[..1]);
                        out.push_str("''");
                        out.push_str(&word[1..]);
                    } else {
                        out.push_str(word);
                    }
                    word.clear();
                };
                for c in v.chars() {
                    if c.is_ascii_alphabetic() {
                        word.push(c);
                    } else {
                        flush(&mut word, &mut out);
                        out.push(c);
                    }
                }
                flush(&mut word, &mut out);
                query(&out)
            },
        },
        Evasion {
            name: "slash for spaces in tags",
            applies: Applies::Only(&["xss"]),
            benign: true,
            make: |v| query(&spaces(v, "/")),
        },
        Evasion {
            name: "double URL encoding",
            applies: Applies::All,
            benign: true,
            make: |v| Owned::get(format!("q={}", pct(pct(v.as_bytes()).as_bytes()))),
        },
        Evasion {
            name: "triple URL encoding",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let twice = pct(pct(v.as_bytes()).as_bytes());
                Owned::get(format!("q={}", pct(twice.as_bytes())))
            },
        },
        Evasion {
            name: "%u encoding",
            applies: Applies::All,
            benign: true,
            make: |v| raw_query(v, |b| format!("%u{b:04X}")),
        },
        Evasion {
            name: "overlong UTF-8",
            applies: Applies::All,
            benign: true,
            make: |v| {
                raw_query(v, |b| {
                    format!("%{:02X}%{:02X}", 0xC0 | (b >> 6), 0x80 | (b & 0x3F))
                })
            },
        },
        Evasion {
            name: "full-width punctuation",
            applies: Applies::All,
            benign: true,
            make: |v| {
                query(&map_special(v, |c| {
                    if c == ' ' {
                        " ".into()
                    } else {
                        char::from_u32(c as u32 - 0x21 + 0xFF01)
                            .unwrap()
                            .to_string()
                    }
                }))
            },
        },
        Evasion {
            name: "seven-bit markup (US-ASCII readers)",
            applies: Applies::Only(&["xss"]),
            benign: true,
            make: |v| {
                let raw: Vec<u8> = v
                    .bytes()
                    .map(|b| {
                        if matches!(b, b'<' | b'>' | b'"') {
                            b | 0x80
                        } else {
                            b
                        }
                    })
                    .collect();
                Owned::get(format!("q={}", pct(&raw)))
            },
        },
        Evasion {
            name: "UTF-7 markup and quotes (pages read as UTF-7)",
            applies: Applies::Only(&["xss"]),
            benign: true,
            make: |v| {
                // Each of these bytes as a UTF-7 run: `<` is `+ADw-`.
                const B64: &[u8] =
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                let mut out = String::new();
                for c in v.chars() {
                    if matches!(c, '<' | '>' | '"' | '\'' | '(' | ')' | '=' | ';') {
                        let n = c as u32;
                        out.push('+');
                        for shift in [10, 4] {
                            out.push(B64[((n >> shift) & 63) as usize] as char);
                        }
                        out.push(B64[((n << 2) & 63) as usize] as char);
                        out.push('-');
                    } else {
                        out.push(c);
                    }
                }
                query(&out)
            },
        },
        Evasion {
            name: "HTML entities",
            applies: Applies::Only(&["xss"]),
            benign: true,
            make: |v| query(&map_special(v, |c| format!("&#{};", c as u32))),
        },
        Evasion {
            name: "HTML entities without semicolons",
            applies: Applies::Only(&["xss"]),
            benign: true,
            make: |v| {
                // The semicolon may go wherever no digit follows.
                let mut out = String::new();
                let chars: Vec<char> = v.chars().collect();
                for (i, &c) in chars.iter().enumerate() {
                    if c.is_ascii() && special(c as u8) {
                        out.push_str(&format!("&#{}", c as u32));
                        if chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                            out.push(';');
                        }
                    } else {
                        out.push(c);
                    }
                }
                query(&out)
            },
        },
        Evasion {
            name: "JS escapes",
            applies: Applies::Only(&["xss"]),
            benign: true,
            make: |v| query(&map_special(v, |c| format!("\\x{:02x}", c as u32))),
        },
        Evasion {
            name: "JSON field",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let body = serde_json::json!({ "user": "jane", "q": v }).to_string();
                Owned::post("application/json", body.into_bytes())
            },
        },
        Evasion {
            name: "JSON unicode escapes",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let esc = map_special(v, |c| format!("\\u{:04x}", c as u32));
                let body = format!(r#"{{"user":"jane","q":"{esc}"}}"#);
                Owned::post("application/json", body.into_bytes())
            },
        },
        Evasion {
            name: "base64 in a JSON field",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let body = serde_json::json!({ "data": base64(v.as_bytes()) }).to_string();
                Owned::post("application/json", body.into_bytes())
            },
        },
        Evasion {
            // Base64 has `/` in its alphabet: the path splits where the
            // payload's encoding happens to put one.
            // Unpadded when long enough to be told from a word without its
            // padding (eight characters).
            name: "base64 as the whole path, unpadded",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let b64 = base64(v.as_bytes());
                let bare = b64.trim_end_matches('=');
                let mut o = Owned::get("page=1".into());
                o.uri = format!("/{}", if bare.len() >= 8 { bare } else { &b64 });
                o
            },
        },
        Evasion {
            // Query-style escaping (`+` for space) where no framework
            // reads `+` as a space: a JSON string, a multipart field.
            name: "form escaping inside a JSON string",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let body = serde_json::json!({ "q": form_escape(v) }).to_string();
                Owned::post("application/json", body.into_bytes())
            },
        },
        Evasion {
            // An inline argument of a GraphQL mutation, rather than a JSON
            // variable: the resolver reads the unescaped string.
            name: "GraphQL string argument",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let arg = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r");
                let query = format!("mutation {{ addNote(text: \"{arg}\") {{ id }} }}");
                let body = serde_json::json!({ "query": query, "variables": {} }).to_string();
                Owned::post("application/json", body.into_bytes())
            },
        },
        Evasion {
            name: "form escaping inside a multipart field",
            applies: Applies::All,
            benign: true,
            make: |v| multipart(&form_escape(v)),
        },
        Evasion {
            name: "base64 under JS escapes, in a cookie",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let b64 = base64(v.as_bytes());
                let (head, tail) = b64.split_at(2);
                let esc: String = head
                    .chars()
                    .map(|c| format!("\\u{:04x}", c as u32))
                    .collect();
                let mut o = Owned::get("page=1".into());
                o.headers
                    .push(("Cookie".into(), format!("theme=dark; data={esc}{tail}")));
                o
            },
        },
        Evasion {
            name: "one layer on specials only",
            applies: Applies::All,
            benign: true,
            make: |v| Owned::get(format!("q={}", pct(pct_special(v.as_bytes()).as_bytes()))),
        },
        Evasion {
            name: "split across repeated parameters",
            applies: Applies::Only(SQL),
            benign: true,
            make: |v| {
                // The app joins repeated values with `,`; the attacker hides
                // that comma in a comment spanning the cut.
                let cut = v[..v.len() / 2].rfind(' ').unwrap_or(v.len() / 2);
                let (a, b) = v.split_at(cut);
                Owned::get(format!(
                    "q={}%2F*&q=*%2F{}",
                    pct(a.as_bytes()),
                    pct(b.as_bytes())
                ))
            },
        },
        Evasion {
            name: "padding 8 KB",
            applies: Applies::All,
            benign: true,
            make: |v| form_with_padding(v, 8 * 1024 + 1),
        },
        Evasion {
            name: "padding 64 KB",
            applies: Applies::All,
            benign: true,
            make: |v| form_with_padding(v, 64 * 1024 + 1),
        },
        Evasion {
            name: "padding 1 MB (within the body limit)",
            applies: Applies::All,
            benign: true,
            make: |v| form_with_padding(v, 1_000_000),
        },
        Evasion {
            name: "padding 512 KB inside an uploaded text file",
            // A file is a document, not a value: a quote that truncates a
            // query or a leading `|` only mean something as a whole value,
            // so SQL and shell payloads are judged weaker there.
            applies: Applies::Only(&[
                "xss",
                "php-injection",
                "xxe",
                "ssti",
                "jndi",
                "java-injection",
                "path-traversal",
                "ssrf",
                "ldapi",
            ]),
            benign: true,
            make: |v| {
                let pad = "INFO request served in 12 ms\n".repeat(512 * 1024 / 29);
                let body = format!(
                    "--xYzZY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n\
                     Content-Type: text/plain\r\n\r\n{pad}{v}\n\r\n--xYzZY--\r\n"
                );
                Owned::post("multipart/form-data; boundary=xYzZY", body.into_bytes())
            },
        },
        Evasion {
            name: "multipart, quoted boundary with punctuation",
            applies: Applies::All,
            benign: true,
            make: multipart,
        },
        Evasion {
            name: "multipart filename*=",
            applies: Applies::Only(&["path-traversal"]),
            benign: true,
            make: |v| {
                let b = "xYzZY";
                let body = format!(
                    "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''{}\r\n\
                     Content-Type: text/plain\r\n\r\nhello\r\n--{b}--\r\n",
                    pct(v.as_bytes())
                );
                Owned::post(
                    &format!("multipart/form-data; boundary={b}"),
                    body.into_bytes(),
                )
            },
        },
        Evasion {
            name: "form with a charset parameter",
            applies: Applies::All,
            benign: true,
            make: |v| {
                let body = format!("q={}", pct(v.as_bytes()));
                Owned::post(
                    "application/x-www-form-urlencoded; charset=UTF-8",
                    body.into_bytes(),
                )
            },
        },
    ]
}

/// `(class, payload)` lines of a data file, or bare payloads with class `""`.
fn lines(file: &str) -> Vec<(String, String)> {
    let path = format!("{}/testdata/evasion/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('\t') {
            Some((c, p)) => (c.to_string(), p.to_string()),
            None => (String::new(), l.to_string()),
        })
        .collect()
}

#[test]
fn transformed_attacks_are_caught_and_benign_values_pass() {
    let engine = Engine::new(Config::default()).unwrap();
    let attacks = lines("attacks.txt");
    let benign = lines("benign.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for ev in evasions() {
        let mut caught = 0;
        let mut cases = 0;
        for (class, payload) in &attacks {
            if let Applies::Only(classes) = ev.applies {
                if !classes.contains(&class.as_str()) {
                    continue;
                }
            }
            cases += 1;
            let owned = (ev.make)(payload);
            let verdict = engine.analyze(&owned.request());
            if verdict.is_attack() && verdict.findings().iter().any(|f| f.class.as_str() == class) {
                caught += 1;
            } else {
                failures.push(format!(
                    "MISSED [{}] {class}: {payload:?} -> {}",
                    ev.name,
                    verdict.to_json()
                ));
            }
        }
        let mut passed = 0;
        let benign = if ev.benign { &benign[..] } else { &[] };
        for (_, value) in benign {
            let owned = (ev.make)(value);
            let verdict = engine.analyze(&owned.request());
            if verdict.is_attack() {
                failures.push(format!(
                    "FLAGGED [{}] {value:?} -> {}",
                    ev.name,
                    verdict.to_json()
                ));
            } else {
                passed += 1;
            }
        }
        total += cases + benign.len();
        println!(
            "{:45} attacks {caught:>3}/{cases:<3} benign {passed:>3}/{}",
            ev.name,
            benign.len()
        );
    }
    println!("{total} cases, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
