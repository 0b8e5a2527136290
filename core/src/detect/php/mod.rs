//! PHP code injection. (being written)
use super::{Ctx, Hit};
pub(crate) fn detect(_value: &[u8], _ctx: &Ctx) -> Option<Hit> {
    None
}
