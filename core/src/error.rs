//! The crate's one error type. `analyze` cannot fail; errors come from
//! building an engine (a bad [`Config`](crate::Config)) and from parsing raw
//! HTTP bytes.

use std::fmt;

/// An error building an engine, loading a configuration or parsing raw HTTP.
///
/// The message says what was wrong and, for configuration, which field.
///
/// ```
/// let err = mirrorguard::Config::from_toml("threshold = -1").unwrap_err();
/// assert_eq!(err.field(), Some("threshold"));
/// assert!(err.to_string().contains("threshold"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ErrorKind {
    Config {
        field: Option<String>,
        message: String,
    },
    Http {
        message: String,
    },
}

impl Error {
    pub(crate) fn config(field: Option<String>, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Config {
                field,
                message: message.into(),
            },
        }
    }

    pub(crate) fn http(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Http {
                message: message.into(),
            },
        }
    }

    /// The configuration field at fault (dotted path, such as
    /// `limits.max_body_bytes`), when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Config { field, .. } => field.as_deref(),
            ErrorKind::Http { .. } => None,
        }
    }

    /// True for a configuration error.
    pub fn is_config(&self) -> bool {
        matches!(self.kind, ErrorKind::Config { .. })
    }

    /// True for malformed HTTP given to [`Request::parse_http1`](crate::Request::parse_http1).
    pub fn is_http(&self) -> bool {
        matches!(self.kind, ErrorKind::Http { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Config {
                field: Some(field),
                message,
            } => write!(f, "invalid configuration: field `{field}`: {message}"),
            ErrorKind::Config {
                field: None,
                message,
            } => write!(f, "invalid configuration: {message}"),
            ErrorKind::Http { message } => write!(f, "malformed HTTP request: {message}"),
        }
    }
}

impl std::error::Error for Error {}
