//! Generic: placeholder.
use super::{Ctx, Hit};

#[cfg(test)]
pub(crate) mod cases;

pub(crate) fn detect(_value: &[u8], _ctx: &Ctx) -> Option<Hit> {
    None
}
