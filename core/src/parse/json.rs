//! Placeholder: to be written.

use super::Sink;
use crate::config::Limits;

/// Not yet implemented.
pub(crate) fn looks_like(_t: &[u8]) -> bool {
    false
}

/// Not yet implemented.
pub(crate) fn parse<'a>(_body: &'a [u8], _limits: &Limits, _sink: &mut Sink<'_, 'a>) -> bool {
    false
}
