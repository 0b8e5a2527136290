//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`; not a
//! stable API). Each function runs one internal part on arbitrary bytes and
//! panics when an invariant does not hold, so a fuzzer reports it as a
//! crash: inputs and tokens point into the bytes they came from, decoders
//! never grow their input, a finding names an input the request has, and a
//! verdict always serializes to JSON.

use std::borrow::Cow;
use std::ops::Range;

use crate::config::{Limits, Sensitivity};
use crate::decode::{self, Chain};
use crate::detect::{self, Ctx};
use crate::parse::{self, json, multipart, urlencoded, xml, Encoding, Inputs, Sink};
use crate::{AttackClass, Config, Engine, Part, Request, Verdict};

/// Small limits, so that fuzzing reaches the code that enforces them.
fn tight_limits() -> Limits {
    Limits {
        max_body_bytes: 4096,
        max_decode_depth: 2,
        max_json_depth: 4,
        max_inputs: 16,
        value_cache: 4,
    }
}

/// True when `inner` lies within `outer` in memory.
fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    inner.is_empty() || (i >= o && i + inner.len() <= o + outer.len())
}

fn check_range(r: &Range<usize>, len: usize, what: &str) {
    assert!(
        r.start <= r.end && r.end <= len,
        "{what}: range {r:?} outside a value of {len} bytes"
    );
}

/// Analyzes `req` with `engine` and checks the verdict: it serializes to a
/// JSON object that says what the verdict says, its score is its highest
/// finding's, and every finding names an input of the request.
pub fn check_analysis(engine: &Engine, req: &Request<'_>) -> Verdict {
    let verdict = engine.analyze(req);
    let json = verdict.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).expect("verdict JSON parses");
    assert_eq!(v["attack"], verdict.is_attack(), "{json}");
    assert_eq!(v["score"], verdict.score(), "{json}");
    let findings = v["findings"].as_array().expect("findings is an array");
    assert_eq!(findings.len(), verdict.findings().len());
    let max = verdict
        .findings()
        .iter()
        .map(|f| f.score)
        .max()
        .unwrap_or(0);
    assert_eq!(verdict.score(), max);

    // The inputs the request splits into, as the engine saw them.
    let limits = &engine.config().limits;
    let mut inputs = Inputs::new(limits.max_inputs);
    let truncated = parse::request(req, limits, &mut inputs);
    assert_eq!(truncated, verdict.limits().body_truncated);
    assert_eq!(truncated, req.body().len() > limits.max_body_bytes);
    let names: Vec<(Part, String)> = inputs
        .items
        .iter()
        .map(|i| {
            let mut n = String::from_utf8_lossy(&i.name).into_owned();
            if i.part == Part::Header {
                n.make_ascii_lowercase();
            }
            (i.part, n)
        })
        .collect();
    for f in verdict.findings() {
        let loc = &f.location;
        let real = if loc.part == Part::Request {
            loc.name.is_empty()
        } else {
            // Nested values (JSON in a field, base64) keep their outer part
            // and extend their outer name.
            names
                .iter()
                .any(|(p, n)| *p == loc.part && loc.name.starts_with(n.as_str()))
        };
        assert!(real, "finding at a location the request lacks: {f:?}");
        assert!(f.score > 0, "{f:?}");
        assert!(f.rule.contains('.'), "{f:?}");
    }
    verdict
}

/// The engine with the default configuration, built once.
pub fn default_engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::new(Config::default()).expect("default config is valid"))
}

/// The engine with small limits, built once.
pub fn tight_engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| {
        let cfg = Config {
            limits: tight_limits(),
            ..Config::default()
        };
        Engine::new(cfg).expect("tight config is valid")
    })
}

/// Parses raw HTTP/1 bytes; a request that parses points into `raw` and is
/// analyzed like any other.
pub fn parse_http1(raw: &[u8]) {
    let Ok(req) = Request::parse_http1(raw) else {
        return;
    };
    assert!(!req.method().is_empty());
    assert!(within(req.method(), raw));
    assert!(within(req.uri(), raw));
    for (n, v) in req.headers() {
        assert!(within(n, raw) && within(v, raw));
    }
    assert!(req.body().len() <= raw.len());
    check_analysis(default_engine(), &req);
}

/// The body parsers.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    /// `a=1&b=2`.
    Form,
    /// `multipart/form-data`: the first line of the bytes is the
    /// Content-Type (with its boundary), the rest the body.
    Multipart,
    /// JSON.
    Json,
    /// XML.
    Xml,
}

/// Runs one body parser with the default and with small limits; every
/// input it emits has the parser's part, and is bounded in number.
pub fn parse_body(kind: Body, bytes: &[u8]) {
    for limits in [Limits::default(), tight_limits()] {
        let mut inputs = Inputs::new(limits.max_inputs);
        let (ct, body) = match kind {
            Body::Multipart => match memchr::memchr(b'\n', bytes) {
                Some(nl) => (&bytes[..nl], &bytes[nl + 1..]),
                None => (bytes, &b""[..]),
            },
            _ => (&b""[..], bytes),
        };
        let part = match kind {
            Body::Form => Part::Form,
            Body::Multipart => Part::Multipart,
            Body::Json => Part::Json,
            Body::Xml => Part::Xml,
        };
        let mut sink = Sink {
            inputs: &mut inputs,
            part,
            prefix: b"",
            encoding: Encoding::Plain,
            chain: Chain::EMPTY,
            depth: 0,
        };
        match kind {
            Body::Form => urlencoded::parse(body, Part::Form, sink.inputs),
            Body::Json => {
                json::parse(body, &limits, &mut sink);
            }
            Body::Xml => {
                xml::parse(body, &limits, &mut sink);
            }
            Body::Multipart => {
                if let Some(b) = multipart::boundary(ct) {
                    assert!(within(b, ct) || !b.is_empty());
                    multipart::parse(body, b, &limits, &mut sink);
                }
            }
        }
        assert!(inputs.items.len() <= limits.max_inputs);
        for i in &inputs.items {
            assert_eq!(i.part, part, "{i:?}");
            if let Cow::Borrowed(v) = &i.value {
                assert!(within(v, body), "a borrowed value outside the body: {i:?}");
            }
        }
    }
}

/// The decoders, by index: percent, plus, html, js, utf8, fullwidth, nul,
/// base64, utf7, form.
pub const DECODERS: usize = 10;

/// Runs decoder `which % DECODERS` on `bytes`: the output never grows the
/// input, is borrowed exactly when nothing changed, and the pipeline
/// (`normalize`) stays bounded by its rounds.
pub fn decode(which: u8, bytes: &[u8]) {
    let f: fn(&[u8]) -> Cow<'_, [u8]> = match usize::from(which) % DECODERS {
        0 => decode::percent::decode,
        1 => decode::plus::decode,
        2 => decode::html::decode,
        3 => decode::js::decode,
        4 => decode::utf8::decode,
        5 => decode::fullwidth::decode,
        6 => decode::nul::decode,
        7 => {
            if let Some(out) = decode::base64::decode(bytes) {
                assert!(out.len() <= bytes.len(), "base64 grew {bytes:?}");
                assert!(!out.is_empty());
            }
            return;
        }
        8 => decode::utf7::decode,
        _ => decode::form,
    };
    let out = f(bytes);
    assert!(out.len() <= bytes.len(), "decoder {which} grew {bytes:?}");
    match &out {
        Cow::Borrowed(b) => assert_eq!(*b, bytes),
        Cow::Owned(o) => assert_ne!(&o[..], bytes, "decoder {which} owned but unchanged"),
    }
}

/// The whole decoding pipeline, as the engine runs it on one value.
pub fn normalize(bytes: &[u8]) {
    for rounds in [1, 6] {
        let mut chain = Chain::EMPTY;
        let (out, limited) = decode::normalize(Cow::Borrowed(bytes), &mut chain, rounds);
        assert!(out.len() <= bytes.len());
        if chain == Chain::EMPTY {
            assert_eq!(&out[..], bytes);
            assert!(!limited);
        }
        assert!(chain.to_vec().len() <= 12);
    }
}

/// The SQL lexer from each start: tokens are in order, inside the value,
/// and each consumes input.
pub fn lex_sql(bytes: &[u8]) {
    use detect::sqli::lexer::{Lexer, Start};
    for start in [Start::Bare, Start::Single, Start::Double] {
        for plus in [false, true] {
            let mut lx = Lexer::new(bytes, start).plus_as_space(plus);
            let mut n = 0usize;
            let mut prev = 0;
            while let Some(t) = lx.next_token() {
                check_range(&(t.start..t.end), bytes.len(), "sql token");
                assert!(t.start >= prev || n == 0, "sql tokens out of order");
                prev = t.start;
                n += 1;
                assert!(n <= bytes.len() + 2, "sql lexer does not advance");
            }
        }
    }
}

/// The shell lexer, from outside and inside quotes.
pub fn lex_shell(bytes: &[u8]) {
    use detect::rce::lexer::{lex, Tok};
    for quote in [None, Some(b'\''), Some(b'"')] {
        for plus in [false, true] {
            let out = lex(bytes, 0..bytes.len(), quote, plus);
            assert!(
                out.toks.len() <= detect::rce::lexer::max_tokens(bytes.len()),
                "{} tokens from {} bytes",
                out.toks.len(),
                bytes.len()
            );
            for t in &out.toks {
                if let Tok::Word(w) = t {
                    check_range(&w.span, bytes.len(), "shell word");
                }
            }
            for s in &out.substs {
                check_range(&s.range, bytes.len(), "shell substitution");
            }
        }
    }
}

/// The HTML tokenizer and its attribute walker.
pub fn lex_html(bytes: &[u8]) {
    use detect::xss::tokenizer::{Attrs, Token, Tokenizer};
    let mut n = 0usize;
    for t in Tokenizer::new(bytes) {
        n += 1;
        assert!(n <= bytes.len() + 1, "html tokenizer does not advance");
        match t {
            Token::Text(r) | Token::Comment(r) | Token::Bogus(r) => {
                check_range(&r, bytes.len(), "html token")
            }
            Token::Tag(tag) => {
                check_range(&tag.span, bytes.len(), "tag");
                check_range(&tag.name, bytes.len(), "tag name");
                check_range(&tag.attrs, bytes.len(), "tag attributes");
                let mut m = 0usize;
                for a in Attrs::new(bytes, tag.attrs.clone()) {
                    m += 1;
                    assert!(m <= bytes.len() + 1, "attributes do not advance");
                    check_range(&a.name, bytes.len(), "attribute name");
                    if let Some(v) = &a.value {
                        check_range(v, bytes.len(), "attribute value");
                    }
                }
            }
        }
    }
}

/// The JavaScript scanner in each mode, and the PHP lexer.
pub fn lex_js(bytes: &[u8]) {
    use detect::xss::js::{hostile, Mode};
    for mode in [Mode::Strict, Mode::Loose, Mode::Bare] {
        if let Some(r) = hostile(bytes, 0..bytes.len(), mode) {
            check_range(&r, bytes.len(), "js evidence");
        }
    }
    for t in detect::php::lexer::lex(bytes, 4096) {
        check_range(&(t.start()..t.end()), bytes.len(), "php token");
    }
}

/// Runs the detector of class `class` on `value` as part `part`: its
/// evidence lies inside the value and it scores something.
pub fn detect(class: u8, part: u8, key: bool, value: &[u8]) {
    let class = AttackClass::ALL[usize::from(class) % AttackClass::ALL.len()];
    let part = Part::ALL[usize::from(part) % Part::ALL.len()];
    for sensitivity in [
        Sensitivity::Low,
        Sensitivity::Default,
        Sensitivity::High,
        Sensitivity::Paranoid,
    ] {
        let ctx = Ctx {
            part,
            key,
            sensitivity,
        };
        let fires = detect::may_fire(class, detect::byte_mask(value), &ctx);
        if let Some(hit) = detect::run(class, value, &ctx) {
            check_range(&hit.span, value.len(), hit.rule);
            assert!(hit.score > 0, "{hit:?}");
            assert!(hit.rule.contains('.'), "{hit:?}");
            // The prefilter may skip a detector only when it cannot fire.
            assert!(
                fires || part == Part::Method,
                "prefilter skips {class:?} on a value it fires on: {hit:?}"
            );
        }
    }
}

/// Loads a configuration from TOML and JSON text; one that loads builds an
/// engine, analyzes a request, and survives a JSON round trip.
pub fn config(text: &str) {
    for cfg in [Config::from_toml(text), Config::from_json(text)] {
        let Ok(cfg) = cfg else { continue };
        let json = serde_json::to_string(&cfg).expect("config serializes");
        let back = Config::from_json(&json).expect("serialized config loads");
        assert_eq!(back, cfg);
        if let Ok(engine) = Engine::new(cfg) {
            let req = Request::builder()
                .method("POST")
                .uri("/admin/x?q=1%27%20OR%201=1--")
                .header("Content-Type", "application/json")
                .body(br#"{"a":"<script>alert(1)</script>"}"#)
                .build();
            check_analysis(&engine, &req);
        }
    }
}
