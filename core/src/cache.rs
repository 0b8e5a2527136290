//! Values judged benign, remembered across requests.
//!
//! Mirrored traffic repeats itself: the same `User-Agent`, `Accept`,
//! `Referer`, cookie names and parameter values arrive thousands of times.
//! Detectors are pure functions of a value and its place (part, name or
//! value), so a value once judged benign there is benign again; the engine
//! remembers it here and skips the detectors the next time.
//!
//! A direct-mapped table: a value hashes to one slot, a newer value evicts
//! the older. Lookups compare the whole value, so a collision (even one an
//! attacker builds) costs a miss, never a wrong verdict. Only benign
//! values are kept: findings are always judged afresh. A slot busy with
//! another thread is a miss, never a wait.

use std::sync::Mutex;

use crate::verdict::Part;

/// Longest value remembered: header values and short parameters, where
/// repetition is; longer values are rarely repeated byte for byte.
pub(crate) const MAX_VALUE: usize = 256;

pub(crate) struct ValueCache {
    slots: Box<[Mutex<Slot>]>,
}

#[derive(Default)]
struct Slot {
    hash: u64,
    part: Option<Part>,
    key: bool,
    value: Vec<u8>,
}

impl ValueCache {
    /// A cache of `slots` entries (rounded up to a power of two); 0 keeps
    /// nothing.
    pub fn new(slots: usize) -> ValueCache {
        let n = if slots == 0 {
            0
        } else {
            slots.next_power_of_two()
        };
        ValueCache {
            slots: (0..n).map(|_| Mutex::new(Slot::default())).collect(),
        }
    }

    fn slot(&self, hash: u64) -> Option<&Mutex<Slot>> {
        let n = self.slots.len();
        (n > 0).then(|| &self.slots[hash as usize & (n - 1)])
    }

    /// Whether `value` at (`part`, `key`) was judged benign before.
    pub fn is_benign(&self, hash: u64, part: Part, key: bool, value: &[u8]) -> bool {
        let Some(Ok(s)) = self.slot(hash).map(Mutex::try_lock) else {
            return false;
        };
        s.hash == hash && s.part == Some(part) && s.key == key && s.value == value
    }

    /// Remembers that `value` at (`part`, `key`) is benign.
    pub fn remember(&self, hash: u64, part: Part, key: bool, value: &[u8]) {
        if value.len() > MAX_VALUE {
            return;
        }
        let Some(Ok(mut s)) = self.slot(hash).map(Mutex::try_lock) else {
            return;
        };
        s.hash = hash;
        s.part = Some(part);
        s.key = key;
        s.value.clear();
        s.value.extend_from_slice(value);
    }
}

impl std::fmt::Debug for ValueCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueCache")
            .field("slots", &self.slots.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_exact_values_at_their_place() {
        let c = ValueCache::new(3);
        assert_eq!(c.slots.len(), 4);
        c.remember(7, Part::Query, false, b"blue");
        assert!(c.is_benign(7, Part::Query, false, b"blue"));
        assert!(!c.is_benign(7, Part::Query, true, b"blue"), "a name");
        assert!(!c.is_benign(7, Part::Header, false, b"blue"));
        assert!(!c.is_benign(7, Part::Query, false, b"blue'"), "collision");
        c.remember(11, Part::Query, false, b"red");
        assert!(!c.is_benign(7, Part::Query, false, b"blue"), "evicted");
    }

    #[test]
    fn off_and_long_values_keep_nothing() {
        let off = ValueCache::new(0);
        off.remember(1, Part::Query, false, b"x");
        assert!(!off.is_benign(1, Part::Query, false, b"x"));
        let c = ValueCache::new(8);
        let long = vec![b'a'; MAX_VALUE + 1];
        c.remember(1, Part::Query, false, &long);
        assert!(!c.is_benign(1, Part::Query, false, &long));
    }
}
