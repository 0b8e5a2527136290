//! Placeholder: to be written.

/// Not yet implemented.
pub(crate) fn decode(_input: &[u8]) -> Option<Vec<u8>> {
    None
}
