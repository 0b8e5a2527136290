//! [`Engine`]: built once from a [`Config`], then analyzes requests.

use std::borrow::Cow;

use crate::cache::{Place, ValueCache};
use crate::config::Config;
use crate::decode::{self, Chain};
use crate::detect::{self, Ctx};
use crate::error::Error;
use crate::parse::body::{self, Format};
use crate::parse::{self, Input, Inputs};
use crate::request::Request;
use crate::verdict::{AttackClass, Decoder, Finding, LimitsHit, Location, Part, Verdict};

/// Findings kept per verdict; past this, more evidence adds nothing a user
/// can act on.
const MAX_FINDINGS: usize = 32;
/// Bytes of evidence shown per finding.
const EVIDENCE_BYTES: usize = 120;

/// The detection engine: configuration checked and everything compiled once,
/// then shared by any number of threads.
///
/// ```
/// use mirrorguard::{Config, Engine, Request};
/// let engine = Engine::new(Config::default()).unwrap();
/// let req = Request::builder()
///     .method("POST")
///     .uri("/login")
///     .header("Content-Type", "application/x-www-form-urlencoded")
///     .body("user=admin%27+OR+%271%27%3D%271&pass=x")
///     .build();
/// let verdict = engine.analyze(&req);
/// assert!(verdict.is_attack());
/// assert_eq!(verdict.findings()[0].location.name, "user");
/// ```
#[derive(Debug)]
pub struct Engine {
    config: Config,
    classes: Vec<AttackClass>,
    benign: ValueCache,
}

impl Engine {
    /// Checks the configuration and builds an engine.
    ///
    /// # Errors
    /// An invalid configuration, naming the field.
    pub fn new(config: Config) -> Result<Engine, Error> {
        config.validate()?;
        detect::warm();
        let classes = AttackClass::ALL
            .into_iter()
            .filter(|&c| config.class_enabled(c))
            .collect();
        let benign = ValueCache::new(config.limits.value_cache);
        Ok(Engine {
            config,
            classes,
            benign,
        })
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Analyzes one request. Never panics; the work is bounded by the
    /// configured limits, and the verdict says when a limit was hit.
    pub fn analyze(&self, req: &Request<'_>) -> Verdict {
        let limits = &self.config.limits;
        let mut inputs = Inputs::new(limits.max_inputs);
        let reads_params = self.classes.iter().any(|&c| detect::reads_params(c));
        inputs.want_args = reads_params;
        let body_truncated = parse::request(req, limits, &mut inputs);
        let mut run = Run {
            engine: self,
            path: req.path(),
            findings: Vec::new(),
            depth_limited: false,
            hits: 0,
            memo: Memo::with_capacity(inputs.items.len()),
        };
        let mut i = 0;
        while i < inputs.items.len() {
            let nested = run.input(&inputs.items[i], inputs.items.len());
            for n in nested {
                inputs.push(n);
            }
            i += 1;
        }
        let params = if reads_params {
            parse::params::of(req, inputs.json_args.as_ref())
        } else {
            Vec::new()
        };
        for &class in &self.classes {
            if let Some(hit) = detect::run_request(class, req, &params) {
                run.add(
                    class,
                    &hit,
                    Part::Request,
                    String::new(),
                    false,
                    Chain::EMPTY,
                    b"",
                );
            }
        }
        Verdict {
            score: run.findings.iter().map(|f| f.score).max().unwrap_or(0),
            threshold: self.config.threshold,
            findings: run.findings,
            limits: LimitsHit {
                body_truncated,
                depth_limited: run.depth_limited || inputs.depth_limited,
                inputs_truncated: inputs.truncated,
            },
        }
    }
}

/// The state of one analysis.
struct Run<'e, 'r> {
    engine: &'e Engine,
    path: &'r [u8],
    findings: Vec<Finding>,
    depth_limited: bool,
    /// Detector hits so far, findings or not (excluded, duplicates).
    hits: usize,
    memo: Memo,
}

/// Bytes of values remembered per analysis; past this, values are judged
/// without being remembered.
const MEMO_BYTES: usize = 64 * 1024;

/// What the detectors answered for values already judged in this analysis:
/// a value repeated under another name (`items/0/note`, `items/1/note`, a
/// key on every object of an array) is judged once, and its findings are
/// recorded again under each name. Detectors are pure functions of the
/// value and its context (part, key), so this changes no verdict.
struct Memo {
    /// Hash of (part, key, value) to entry; a colliding entry is not
    /// replaced, the value is simply judged again.
    index: detect::FastMap<u64, usize>,
    entries: Vec<MemoEntry>,
    bytes: Vec<u8>,
}

struct MemoEntry {
    part: Part,
    key: bool,
    value: std::ops::Range<usize>,
    hits: Vec<(AttackClass, detect::Hit)>,
}

impl Memo {
    fn with_capacity(n: usize) -> Memo {
        Memo {
            index: detect::FastMap::with_capacity_and_hasher(n, Default::default()),
            entries: Vec::with_capacity(n),
            bytes: Vec::new(),
        }
    }

    fn hash(part: Part, key: bool, value: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        std::hash::BuildHasherDefault::<detect::FastHasher>::default().hash_one((part, key, value))
    }
}

impl Run<'_, '_> {
    /// Judges one input as the app reads it and fully decoded; returns the
    /// inputs nested inside it (JSON in a form field, base64 of anything).
    fn input(&mut self, input: &Input<'_>, count: usize) -> Vec<Input<'static>> {
        let limits = &self.engine.config.limits;
        let place = Place {
            encoding: input.encoding,
            part: input.part,
            key: input.key,
        };
        let hash = place.hash(&input.value);
        if hash.is_some_and(|h| self.engine.benign.is_benign(h, place, &input.value)) {
            return Vec::new();
        }
        let hits = self.hits;
        let mut chain = input.chain;
        let app = decode::app_value(&input.value, input.encoding, &mut chain);
        let app_chain = chain;
        self.judge(input, &app, app_chain);
        let start =
            decode::attacker_start(&input.value, &app, input.encoding, input.chain, &mut chain);
        let start_chain = chain;
        let (norm, limited) = decode::normalize(
            Cow::Borrowed(&start[..]),
            &mut chain,
            limits.max_decode_depth,
        );
        self.depth_limited |= limited;
        let layered = norm[..] != app[..];
        if layered {
            self.judge(input, &norm, chain);
        }
        // Escapes under percent layers (`%255C%2522`): the fully decoded
        // value lost the backslashes a twice-decoding server keeps.
        if layered && chain.contains(Decoder::Js) {
            let mut under = start_chain;
            if let Some(p) = decode::percent_layers(&start, &mut under, limits.max_decode_depth) {
                if p[..] != norm[..] && p[..] != app[..] {
                    self.judge(input, &p, under);
                }
            }
        }

        let mut nested = Vec::new();
        if count >= limits.max_inputs {
            return nested;
        }
        if usize::from(input.depth) >= limits.max_decode_depth {
            self.depth_limited = true;
            return nested;
        }
        let depth = input.depth + 1;
        // A whole path is no base64 text (its segments are inputs too).
        // Base64 as the app reads the value, else under an escape layer
        // (`\u0058\u0079Qk...`: JS escapes over base64).
        let whole_path = input.part == Part::Path && app.first() == Some(&b'/');
        let b64 = if whole_path {
            // Base64 has `/` in its alphabet, so a base64 path splits into
            // segments that are no base64 on their own: the whole path after
            // its leading `/` is tried instead (`/PHNjcmlwdD5h/bGVydCgxKQ`).
            // A one-segment path is tried as its segment.
            app[1..]
                .contains(&b'/')
                .then(|| decode::base64::decode(&app[1..]))
                .flatten()
                .map(|d| (d, app_chain))
        } else {
            decode::base64::decode(&app)
                .map(|d| (d, app_chain))
                .or_else(|| {
                    layered
                        .then(|| decode::base64::decode(&norm))
                        .flatten()
                        .map(|d| (d, chain))
                })
        };
        if let Some((decoded, under)) = b64 {
            nested.push(Input {
                part: input.part,
                name: input.name.clone().into_owned(),
                value: Cow::Owned(decoded),
                key: input.key,
                encoding: parse::Encoding::Plain,
                chain: under.with(Decoder::Base64),
                depth,
            });
        }
        let format = body::sniff(&app);
        let already_parsed = input.depth == 0
            && matches!(
                (format, input.part),
                (Format::Json, Part::Json) | (Format::Xml, Part::Xml) | (Format::Form, Part::Form)
            );
        if matches!(format, Format::Json | Format::Xml)
            && !already_parsed
            && input.part != Part::Body
        {
            let mut inner = Inputs::new(limits.max_inputs - count);
            // JSON pointers and XML paths start with `/`: `field/a/0`.
            let prefix = input.name.to_vec();
            body::parse_as(
                format, &app, input.part, &prefix, app_chain, depth, limits, &mut inner,
            );
            self.depth_limited |= inner.depth_limited;
            nested.extend(inner.items.into_iter().map(Input::into_owned));
        }
        // A GraphQL document's string arguments, each as its resolver reads it.
        if parse::graphql::looks_like(&app) {
            let room = limits.max_inputs.saturating_sub(count + nested.len());
            let mut args = Vec::new();
            parse::graphql::string_args(&app, |arg, text| {
                if args.len() >= room {
                    return false;
                }
                args.push(Input {
                    part: input.part,
                    name: parse::owned_name(&[&input.name, b"#", arg]),
                    value: Cow::Owned(text.to_vec()),
                    key: false,
                    encoding: parse::Encoding::Plain,
                    chain: app_chain,
                    depth,
                });
                true
            });
            nested.extend(args);
        }
        if let Some(h) = hash {
            if nested.is_empty() && self.hits == hits && !self.depth_limited {
                self.engine.benign.remember(h, place, &input.value);
            }
        }
        nested
    }

    fn judge(&mut self, input: &Input<'_>, value: &[u8], chain: Chain) {
        if value.is_empty() {
            return;
        }
        let ctx = Ctx {
            part: input.part,
            key: input.key,
            sensitivity: self.engine.config.sensitivity,
        };
        let hash = Memo::hash(input.part, input.key, value);
        let seen = self.memo.index.get(&hash).copied();
        if let Some(i) = seen {
            let e = &self.memo.entries[i];
            if e.part == input.part
                && e.key == input.key
                && self.memo.bytes[e.value.clone()] == *value
            {
                if !e.hits.is_empty() {
                    self.hits += e.hits.len();
                    let hits = e.hits.clone();
                    for (class, hit) in &hits {
                        self.record(input, *class, hit, chain, value);
                    }
                }
                return;
            }
        }
        let mask = detect::byte_mask(value);
        let mut hits = Vec::new();
        for &class in &self.engine.classes {
            if !detect::may_fire(class, mask, &ctx) {
                continue;
            }
            let Some(hit) = detect::run(class, value, &ctx) else {
                continue;
            };
            self.record(input, class, &hit, chain, value);
            hits.push((class, hit));
        }
        self.hits += hits.len();
        if seen.is_none() && self.memo.bytes.len() + value.len() <= MEMO_BYTES {
            let start = self.memo.bytes.len();
            self.memo.bytes.extend_from_slice(value);
            self.memo.index.insert(hash, self.memo.entries.len());
            self.memo.entries.push(MemoEntry {
                part: input.part,
                key: input.key,
                value: start..self.memo.bytes.len(),
                hits,
            });
        }
    }

    /// Records one detector hit on `value` of `input`.
    fn record(
        &mut self,
        input: &Input<'_>,
        class: AttackClass,
        hit: &detect::Hit,
        chain: Chain,
        value: &[u8],
    ) {
        let mut name = String::from_utf8_lossy(&input.name).into_owned();
        if input.part == Part::Header {
            name.make_ascii_lowercase();
        }
        self.add(class, hit, input.part, name, input.key, chain, value);
    }

    /// Records a finding unless excluded or past the cap. A duplicate (same
    /// rule at the same place, seen through another decoding) replaces the
    /// finding it repeats only when it scores higher.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        class: AttackClass,
        hit: &detect::Hit,
        part: Part,
        name: String,
        key: bool,
        chain: Chain,
        value: &[u8],
    ) {
        if self.findings.len() >= MAX_FINDINGS {
            return;
        }
        let evidence = if value.is_empty() {
            hit.rule.to_string()
        } else {
            evidence(value, hit.span.clone())
        };
        let finding = Finding {
            class,
            rule: Cow::Borrowed(hit.rule),
            score: hit.score,
            location: Location {
                part,
                name,
                key,
                decoders: chain.to_vec(),
            },
            evidence,
        };
        if self.excluded(&finding) {
            return;
        }
        let duplicate = self.findings.iter_mut().find(|f| {
            f.class == finding.class
                && f.rule == finding.rule
                && f.location.part == finding.location.part
                && f.location.name == finding.location.name
        });
        match duplicate {
            // The decoded reading can be the stronger one (`1 &gt; 1` is
            // weak as written, a tautology once decoded): keep the best.
            Some(f) if finding.score > f.score => *f = finding,
            Some(_) => {}
            None => self.findings.push(finding),
        }
    }

    fn excluded(&self, f: &Finding) -> bool {
        self.engine.config.exclusions.iter().any(|e| {
            e.path_prefix
                .as_ref()
                .is_none_or(|p| self.path.starts_with(p.as_bytes()))
                && e.part.is_none_or(|p| p == f.location.part)
                && e.name.as_ref().is_none_or(|n| *n == f.location.name)
                && e.class.is_none_or(|c| c == f.class)
                && e.rule.as_ref().is_none_or(|r| {
                    if r.ends_with('.') {
                        f.rule.starts_with(r.as_str())
                    } else {
                        f.rule == r.as_str()
                    }
                })
        })
    }
}

/// The bytes that fired, widened a little for context, cut to a bounded
/// length, as (lossy) text.
fn evidence(value: &[u8], span: std::ops::Range<usize>) -> String {
    let start = span.start.min(value.len()).saturating_sub(10);
    let end = span.end.clamp(start, value.len());
    let end = (end + 10).min(value.len()).min(start + EVIDENCE_BYTES);
    String::from_utf8_lossy(&value[start..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }

    #[test]
    fn evidence_is_bounded() {
        let v = vec![b'a'; 1000];
        assert_eq!(evidence(&v, 0..1000).len(), EVIDENCE_BYTES);
        assert_eq!(evidence(b"abc", 5..9), "abc");
    }
}
