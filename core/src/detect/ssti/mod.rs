//! Server-side template injection. Placeholder.

use super::{Ctx, Hit};

pub(crate) fn detect(_value: &[u8], _ctx: &Ctx) -> Option<Hit> {
    None
}
