//! Placeholder: to be written.

use super::Sink;
use crate::config::Limits;

/// Not yet implemented.
pub(crate) fn boundary(_content_type: &[u8]) -> Option<&[u8]> {
    None
}

/// Not yet implemented.
pub(crate) fn parse<'a>(
    _body: &'a [u8],
    _boundary: &[u8],
    _limits: &Limits,
    _sink: &mut Sink<'_, 'a>,
) -> bool {
    false
}
