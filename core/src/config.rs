//! Engine configuration: plain data, loadable from TOML or JSON.

use crate::error::Error;
use crate::verdict::{AttackClass, Part};

/// How eagerly detectors fire. Higher levels enable rules that catch more
/// attacks at the cost of more false positives on unusual benign traffic.
///
/// ```
/// use mirrorguard::Sensitivity;
/// assert!(Sensitivity::Paranoid > Sensitivity::Default);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Sensitivity {
    /// Only unambiguous attacks.
    Low,
    /// The balance for real traffic.
    #[default]
    Default,
    /// More rules; some unusual benign values will be flagged.
    High,
    /// Everything suspicious; for learning, not for blocking.
    Paranoid,
}

/// Bounds on the work done per request. Every one is a security boundary:
/// what lies past a limit is not analyzed, and the verdict says so.
///
/// ```
/// let limits = mirrorguard::Limits::default();
/// assert_eq!(limits.max_body_bytes, 1 << 20);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Limits {
    /// Bytes of body analyzed; the rest is ignored and flagged.
    pub max_body_bytes: usize,
    /// Rounds of decoding (percent, entities, escapes, base64...) per input.
    pub max_decode_depth: usize,
    /// Nesting depth of JSON and XML followed.
    pub max_json_depth: usize,
    /// Inputs (arguments, headers, JSON values...) analyzed per request.
    pub max_inputs: usize,
    /// Inputs judged benign that the engine remembers across requests
    /// (header values, short parameters: up to 256 bytes each), so that a
    /// repeated input skips decoding and detection; 0 turns the cache off.
    /// Memory: at most about 300 bytes per slot, per engine.
    pub value_cache: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1 << 20,
            max_decode_depth: 6,
            max_json_depth: 64,
            max_inputs: 4096,
            value_cache: 4096,
        }
    }
}

/// A rule that drops findings: every field that is set must match.
///
/// ```
/// let cfg = mirrorguard::Config::from_toml(r#"
/// [[exclusions]]
/// path_prefix = "/admin/templates"
/// part = "form"
/// name = "html"
/// class = "xss"
/// "#).unwrap();
/// assert_eq!(cfg.exclusions.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Exclusion {
    /// The request path starts with this.
    pub path_prefix: Option<String>,
    /// The finding is in this part of the request.
    #[cfg_attr(feature = "serde", serde(with = "opt_str"))]
    pub part: Option<Part>,
    /// The finding's location name equals this (argument, header, JSON pointer).
    pub name: Option<String>,
    /// The finding's class.
    #[cfg_attr(feature = "serde", serde(with = "opt_str"))]
    pub class: Option<AttackClass>,
    /// The finding's rule id, or a prefix of it ending in `.` (`sqli.`).
    pub rule: Option<String>,
}

/// Engine configuration.
///
/// ```
/// use mirrorguard::{Config, Sensitivity};
/// let cfg = Config::from_json(r#"{"sensitivity": "high", "limits": {"max_inputs": 100}}"#).unwrap();
/// assert_eq!(cfg.sensitivity, Sensitivity::High);
/// assert_eq!(cfg.limits.max_inputs, 100);
/// assert_eq!(cfg.limits.max_body_bytes, 1 << 20); // unset fields keep defaults
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Config {
    /// How eagerly detectors fire.
    pub sensitivity: Sensitivity,
    /// Score at which a verdict is an attack (at least 1).
    pub threshold: u32,
    /// Work bounds.
    pub limits: Limits,
    /// Classes detected; every class when empty.
    #[cfg_attr(feature = "serde", serde(with = "vec_str"))]
    pub classes: Vec<AttackClass>,
    /// Findings to drop.
    pub exclusions: Vec<Exclusion>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sensitivity: Sensitivity::Default,
            threshold: 5,
            limits: Limits::default(),
            classes: Vec::new(),
            exclusions: Vec::new(),
        }
    }
}

impl Config {
    /// Checks values that parse but make no sense.
    ///
    /// # Errors
    /// Names the field at fault.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |field: &str, msg: &str| Err(Error::config(Some(field.into()), msg));
        if self.threshold == 0 {
            return bad("threshold", "must be at least 1");
        }
        if self.limits.max_decode_depth == 0 || self.limits.max_decode_depth > 16 {
            return bad("limits.max_decode_depth", "must be between 1 and 16");
        }
        if self.limits.max_json_depth == 0 || self.limits.max_json_depth > 1024 {
            return bad("limits.max_json_depth", "must be between 1 and 1024");
        }
        if self.limits.max_inputs == 0 {
            return bad("limits.max_inputs", "must be at least 1");
        }
        if self.limits.value_cache > 1 << 20 {
            return bad(
                "limits.value_cache",
                "must be at most 1048576 (0 turns it off)",
            );
        }
        for (i, e) in self.exclusions.iter().enumerate() {
            if e == &Exclusion::default() {
                return Err(Error::config(
                    Some(format!("exclusions[{i}]")),
                    "sets no field, so it would drop every finding",
                ));
            }
        }
        Ok(())
    }

    /// Loads a configuration from TOML text. Unset fields keep their defaults.
    ///
    /// # Errors
    /// An unknown field, a wrong type or an invalid value, named.
    #[cfg(feature = "serde")]
    pub fn from_toml(text: &str) -> Result<Config, Error> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            let field = field_in_message(&msg).or_else(|| {
                let start = e.span()?.start;
                toml_key_at(text, start)
            });
            Error::config(field, msg)
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Loads a configuration from JSON text. Unset fields keep their defaults.
    ///
    /// # Errors
    /// An unknown field, a wrong type or an invalid value, named.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Config, Error> {
        let cfg: Config = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let field =
                field_in_message(&msg).or_else(|| json_key_before(text, e.line(), e.column()));
            Error::config(field, msg)
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Loads JSON when the text starts with `{`, TOML otherwise.
    ///
    /// # Errors
    /// As [`Config::from_json`] and [`Config::from_toml`].
    #[cfg(feature = "serde")]
    pub fn from_text(text: &str) -> Result<Config, Error> {
        if text.trim_start().starts_with('{') {
            Config::from_json(text)
        } else {
            Config::from_toml(text)
        }
    }

    pub(crate) fn class_enabled(&self, class: AttackClass) -> bool {
        self.classes.is_empty() || self.classes.contains(&class)
    }
}

/// serde names an unknown or missing field in its message ("unknown field
/// `x`"); recover it for [`Error::field`].
#[cfg(feature = "serde")]
fn field_in_message(msg: &str) -> Option<String> {
    let rest = msg.split("field `").nth(1)?;
    rest.split('`').next().map(str::to_string)
}

/// A bad JSON value is reported at a line and column: the key is the last
/// `"name":` before it.
#[cfg(feature = "serde")]
fn json_key_before(text: &str, line: usize, column: usize) -> Option<String> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let before = text.get(..(line_start + column).min(text.len()))?;
    let colon = before.rfind(':')?;
    let key = before[..colon].trim_end().strip_suffix('"')?;
    let open = key.rfind('"')?;
    Some(key[open + 1..].to_string())
}

/// A bad TOML value is reported with its position, not its key: read the
/// key of the line at `pos`, dotted with the table it is in (`limits.max_inputs`).
#[cfg(feature = "serde")]
fn toml_key_at(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let key = line.split('=').next()?.trim();
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

#[cfg(feature = "serde")]
mod opt_str {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::fmt::Display;
    use std::str::FromStr;

    pub fn serialize<T: Display, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr<Err = String>,
        D: Deserializer<'de>,
    {
        match Option::<String>::deserialize(d)? {
            Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(feature = "serde")]
mod vec_str {
    use crate::AttackClass;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[AttackClass], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|c| c.as_str()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<AttackClass>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_is_named() {
        let err = Config::from_toml("[limits]\nmax_body = 3").unwrap_err();
        assert_eq!(err.field(), Some("max_body"));
        let err = Config::from_json(r#"{"treshold": 3}"#).unwrap_err();
        assert_eq!(err.field(), Some("treshold"));
    }

    #[test]
    fn invalid_values_are_named() {
        let err = Config::from_toml("threshold = 0").unwrap_err();
        assert_eq!(err.field(), Some("threshold"));
        let err = Config::from_toml("sensitivity = \"extreme\"").unwrap_err();
        assert!(err.to_string().contains("extreme"), "{err}");
        assert_eq!(err.field(), Some("sensitivity"));
        let err = Config::from_toml("threshold = 5\n[limits]\nmax_inputs = \"many\"").unwrap_err();
        assert_eq!(err.field(), Some("limits.max_inputs"));
        let err = Config::from_json(r#"{"limits": {"max_inputs": "many"}}"#).unwrap_err();
        assert_eq!(err.field(), Some("max_inputs"));
        let err = Config::from_json(r#"{"classes": ["sqli", "nope"]}"#).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
        let err = Config::from_toml("[[exclusions]]\n").unwrap_err();
        assert_eq!(err.field(), Some("exclusions[0]"));
    }

    #[test]
    fn round_trips_through_both_formats() {
        let cfg = Config {
            sensitivity: Sensitivity::Paranoid,
            threshold: 3,
            classes: vec![AttackClass::Sqli, AttackClass::Xss],
            exclusions: vec![Exclusion {
                part: Some(Part::Cookie),
                rule: Some("xss.".into()),
                ..Exclusion::default()
            }],
            ..Config::default()
        };
        let json = serde_json::to_string(&cfg).unwrap();
        assert_eq!(Config::from_json(&json).unwrap(), cfg);
        let toml_text = toml::to_string(&cfg).unwrap();
        assert_eq!(Config::from_toml(&toml_text).unwrap(), cfg);
    }
}
