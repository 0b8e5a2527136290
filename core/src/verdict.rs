//! The result of analyzing a request: [`Verdict`], its [`Finding`]s and where
//! each was found ([`Location`]).

use std::borrow::Cow;
use std::fmt;

/// A family of attacks. Each has a stable lower-case name used in rule ids,
/// configuration and the verdict JSON.
///
/// ```
/// use mirrorguard::AttackClass;
/// assert_eq!(AttackClass::Sqli.as_str(), "sqli");
/// assert_eq!("path-traversal".parse::<AttackClass>(), Ok(AttackClass::PathTraversal));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum AttackClass {
    /// SQL injection.
    Sqli,
    /// Cross-site scripting.
    Xss,
    /// OS command and interpreter code injection.
    Rce,
    /// Path traversal and local file inclusion.
    PathTraversal,
    /// Remote file inclusion.
    Rfi,
    /// Server-side request forgery.
    Ssrf,
    /// Server-side template injection.
    Ssti,
    /// NoSQL (MongoDB operator) injection.
    Nosqli,
    /// LDAP filter injection.
    Ldapi,
    /// XML external entities.
    Xxe,
    /// CRLF / header injection and response splitting.
    Crlf,
    /// Log4Shell-style JNDI lookups.
    Jndi,
    /// PHP code and object injection.
    PhpInjection,
    /// Java code, expression language and deserialization injection.
    JavaInjection,
    /// Known scanners and attack tools.
    Scanner,
    /// HTTP protocol abuse.
    Protocol,
    /// Unmistakably hostile payloads no specific class claims (prototype
    /// pollution, session fixation, other interpreters' code).
    Generic,
}

impl AttackClass {
    /// Every class, in the stable order used for output.
    pub const ALL: [AttackClass; 17] = [
        AttackClass::Sqli,
        AttackClass::Xss,
        AttackClass::Rce,
        AttackClass::PathTraversal,
        AttackClass::Rfi,
        AttackClass::Ssrf,
        AttackClass::Ssti,
        AttackClass::Nosqli,
        AttackClass::Ldapi,
        AttackClass::Xxe,
        AttackClass::Crlf,
        AttackClass::Jndi,
        AttackClass::PhpInjection,
        AttackClass::JavaInjection,
        AttackClass::Scanner,
        AttackClass::Protocol,
        AttackClass::Generic,
    ];

    /// The stable name of the class.
    pub fn as_str(self) -> &'static str {
        match self {
            AttackClass::Sqli => "sqli",
            AttackClass::Xss => "xss",
            AttackClass::Rce => "rce",
            AttackClass::PathTraversal => "path-traversal",
            AttackClass::Rfi => "rfi",
            AttackClass::Ssrf => "ssrf",
            AttackClass::Ssti => "ssti",
            AttackClass::Nosqli => "nosqli",
            AttackClass::Ldapi => "ldapi",
            AttackClass::Xxe => "xxe",
            AttackClass::Crlf => "crlf",
            AttackClass::Jndi => "jndi",
            AttackClass::PhpInjection => "php-injection",
            AttackClass::JavaInjection => "java-injection",
            AttackClass::Scanner => "scanner",
            AttackClass::Protocol => "protocol",
            AttackClass::Generic => "generic",
        }
    }
}

impl fmt::Display for AttackClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for AttackClass {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        AttackClass::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = AttackClass::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "unknown attack class `{s}`, expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// The part of a request an input came from.
///
/// ```
/// use mirrorguard::Part;
/// assert_eq!(Part::Json.as_str(), "json");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Part {
    /// The request method.
    Method,
    /// The path, whole (name empty) or one segment (name is its 1-based index).
    Path,
    /// A query-string argument.
    Query,
    /// A cookie.
    Cookie,
    /// A header value (name is the header name, lower-cased).
    Header,
    /// An `application/x-www-form-urlencoded` body field.
    Form,
    /// A `multipart/form-data` field, file name or part header.
    Multipart,
    /// A JSON key or value (name is its JSON pointer).
    Json,
    /// XML text, attribute, processing instruction or DOCTYPE.
    Xml,
    /// A body of no recognized format, whole.
    Body,
    /// The request as a whole (framing, header set), for findings no
    /// single value carries.
    Request,
}

impl Part {
    /// Every part, in a stable order.
    pub const ALL: [Part; 11] = [
        Part::Method,
        Part::Path,
        Part::Query,
        Part::Cookie,
        Part::Header,
        Part::Form,
        Part::Multipart,
        Part::Json,
        Part::Xml,
        Part::Body,
        Part::Request,
    ];

    /// The stable name of the part.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Method => "method",
            Part::Path => "path",
            Part::Query => "query",
            Part::Cookie => "cookie",
            Part::Header => "header",
            Part::Form => "form",
            Part::Multipart => "multipart",
            Part::Json => "json",
            Part::Xml => "xml",
            Part::Body => "body",
            Part::Request => "request",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Part {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Part::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Part::ALL.iter().map(|p| p.as_str()).collect();
                format!("unknown part `{s}`, expected one of {}", names.join(", "))
            })
    }
}

/// A decoding step applied to an input before a detector saw it.
///
/// ```
/// use mirrorguard::Decoder;
/// assert_eq!(Decoder::Percent.as_str(), "percent");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decoder {
    /// `%XX` and `%uXXXX`.
    Percent,
    /// `+` as space, in query strings and forms.
    Plus,
    /// HTML and XML character references.
    Html,
    /// JavaScript / JSON escapes: `\uXXXX`, `\xXX`, octal.
    Js,
    /// base64 or base64url.
    Base64,
    /// Overlong and invalid UTF-8 folded.
    Utf8,
    /// Full-width Unicode forms folded to ASCII.
    FullWidth,
    /// NUL bytes removed.
    Nul,
    /// Values of a repeated name, joined with `,` as servers join them.
    Join,
    /// Stray high bytes masked to seven bits, as a US-ASCII reader does.
    SevenBit,
    /// UTF-7 runs that spell ASCII markup or quotes (`+ADw-`).
    Utf7,
}

impl Decoder {
    /// The stable name of the decoder.
    pub fn as_str(self) -> &'static str {
        match self {
            Decoder::Percent => "percent",
            Decoder::Plus => "plus",
            Decoder::Html => "html",
            Decoder::Js => "js",
            Decoder::Base64 => "base64",
            Decoder::Utf8 => "utf8",
            Decoder::FullWidth => "fullwidth",
            Decoder::Nul => "nul",
            Decoder::Join => "join",
            Decoder::SevenBit => "sevenbit",
            Decoder::Utf7 => "utf7",
        }
    }
}

/// Where a finding was found: the part of the request, the name within it
/// and the decoders applied, in order.
///
/// ```
/// use mirrorguard::{Location, Part};
/// let loc = Location::new(Part::Query, "id");
/// assert_eq!(loc.part, Part::Query);
/// assert!(loc.decoders.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The part of the request.
    pub part: Part,
    /// The name in that part: argument, cookie or header name, JSON pointer...
    pub name: String,
    /// True when the finding is in the name (a key) rather than its value.
    pub key: bool,
    /// Decoders applied, in order.
    pub decoders: Vec<Decoder>,
}

impl Location {
    /// A location with no decoders.
    pub fn new(part: Part, name: impl Into<String>) -> Location {
        Location {
            part,
            name: name.into(),
            key: false,
            decoders: Vec::new(),
        }
    }
}

/// One reason a request looks like an attack.
///
/// ```
/// use mirrorguard::{analyze, Request};
/// let req = Request::builder().uri("/?id=1%27%20OR%201%3D1--").build();
/// let verdict = analyze(&req);
/// let f = &verdict.findings()[0];
/// assert_eq!(f.class.as_str(), "sqli");
/// assert_eq!(f.location.name, "id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The attack class.
    pub class: AttackClass,
    /// Stable rule id, such as `sqli.tautology`.
    pub rule: Cow<'static, str>,
    /// Weight of this finding towards the verdict's threshold.
    pub score: u32,
    /// Where it was found.
    pub location: Location,
    /// A short excerpt of the decoded input around what fired.
    pub evidence: String,
}

/// Limits that cut analysis short. An attacker pads or nests to get past an
/// engine's limits, so a verdict says when it did not see everything.
///
/// ```
/// let limits = mirrorguard::LimitsHit::default();
/// assert!(!limits.any());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LimitsHit {
    /// The body was longer than the bytes analyzed.
    pub body_truncated: bool,
    /// A decode or nesting depth limit stopped decoding or parsing.
    pub depth_limited: bool,
    /// There were more inputs than the engine analyzes.
    pub inputs_truncated: bool,
}

impl LimitsHit {
    /// True when any limit was hit.
    pub fn any(&self) -> bool {
        self.body_truncated || self.depth_limited || self.inputs_truncated
    }
}

/// The engine's judgement of one request.
///
/// ```
/// use mirrorguard::{analyze, Request};
/// let verdict = analyze(&Request::builder().uri("/search?q=shoes").build());
/// assert!(!verdict.is_attack());
/// assert_eq!(verdict.score(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub(crate) score: u32,
    pub(crate) threshold: u32,
    pub(crate) findings: Vec<Finding>,
    pub(crate) limits: LimitsHit,
}

impl Verdict {
    /// True when the score reached the engine's threshold.
    pub fn is_attack(&self) -> bool {
        self.score >= self.threshold && self.score > 0
    }

    /// The highest finding score. Weak findings of different classes do
    /// not add up: each detector calibrates its own scores.
    pub fn score(&self) -> u32 {
        self.score
    }

    /// The findings, in request order (inputs as parsed, then class order).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Which limits cut analysis short.
    pub fn limits(&self) -> LimitsHit {
        self.limits
    }

    /// The verdict as the one JSON shape shared by every binding.
    ///
    /// ```
    /// use mirrorguard::{analyze, Request};
    /// let json = analyze(&Request::builder().uri("/").build()).to_json();
    /// assert!(json.starts_with(r#"{"attack":false,"score":0,"findings":[]"#));
    /// ```
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a verdict always serializes")
    }
}

#[cfg(feature = "serde")]
mod ser {
    use super::*;
    use serde::ser::{Serialize, SerializeStruct, Serializer};

    impl Serialize for Verdict {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Verdict", 4)?;
            st.serialize_field("attack", &self.is_attack())?;
            st.serialize_field("score", &self.score)?;
            st.serialize_field("findings", &self.findings)?;
            st.serialize_field("limits", &self.limits)?;
            st.end()
        }
    }

    impl Serialize for Finding {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Finding", 5)?;
            st.serialize_field("class", self.class.as_str())?;
            st.serialize_field("rule", &self.rule)?;
            st.serialize_field("score", &self.score)?;
            st.serialize_field("location", &self.location)?;
            st.serialize_field("evidence", &self.evidence)?;
            st.end()
        }
    }

    impl Serialize for Location {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Location", 4)?;
            st.serialize_field("part", self.part.as_str())?;
            st.serialize_field("name", &self.name)?;
            if self.key {
                st.serialize_field("key", &true)?;
            } else {
                st.skip_field("key")?;
            }
            let decoders: Vec<&str> = self.decoders.iter().map(|d| d.as_str()).collect();
            st.serialize_field("decoders", &decoders)?;
            st.end()
        }
    }

    impl Serialize for LimitsHit {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("LimitsHit", 3)?;
            st.serialize_field("body_truncated", &self.body_truncated)?;
            st.serialize_field("depth_limited", &self.depth_limited)?;
            st.serialize_field("inputs_truncated", &self.inputs_truncated)?;
            st.end()
        }
    }
}
