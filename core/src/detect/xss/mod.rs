//! Cross-site scripting. Placeholder: to be written.

use super::{Ctx, Hit};

/// Not yet implemented.
pub(crate) fn detect(_value: &[u8], _ctx: &Ctx) -> Option<Hit> {
    None
}
