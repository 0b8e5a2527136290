//! Inputs judged benign, remembered across requests.
//!
//! Mirrored traffic repeats itself: the same `User-Agent`, `Accept`,
//! `Referer`, cookie names and parameter values arrive thousands of times.
//! Decoders and detectors are pure functions of an input's raw value, its
//! encoding and its place (part, name or value), so an input whose every
//! decoding passed and that held nothing nested is benign again the next
//! time; the engine remembers it here and skips decoding and detection.
//!
//! A direct-mapped table: a value hashes to one slot, a newer value evicts
//! the older. Lookups compare the whole value, so a collision (even one an
//! attacker builds) costs a miss, never a wrong verdict. Only benign
//! values are kept: findings are always judged afresh. A slot busy with
//! another thread is a miss, never a wait.

use std::sync::Mutex;

use crate::parse::Encoding;
use crate::verdict::Part;

/// Longest value remembered: header values and short parameters, where
/// repetition is; longer values are rarely repeated byte for byte.
pub(crate) const MAX_VALUE: usize = 256;

/// Where and how an input was read: the cache answers only for the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Place {
    pub encoding: Encoding,
    pub part: Part,
    /// A name, not a value.
    pub key: bool,
}

impl Place {
    /// The hash a slot is chosen by and checked against; `None` for a
    /// value too long to be kept (not worth hashing either).
    pub fn hash(self, value: &[u8]) -> Option<u64> {
        use std::hash::BuildHasher;
        (value.len() <= MAX_VALUE).then(|| {
            std::hash::BuildHasherDefault::<crate::detect::FastHasher>::default()
                .hash_one((self, value))
        })
    }
}

pub(crate) struct ValueCache {
    slots: Box<[Mutex<Slot>]>,
}

#[derive(Default)]
struct Slot {
    hash: u64,
    place: Option<Place>,
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
        // The high bits: the hasher multiplies, so they are the mixed ones.
        let bits = n.trailing_zeros();
        (n > 0).then(|| &self.slots[(hash.checked_shr(64 - bits).unwrap_or(0)) as usize])
    }

    /// Whether `value` was judged benign at `place` before; `hash` is
    /// `place.hash(value)`.
    pub fn is_benign(&self, hash: u64, place: Place, value: &[u8]) -> bool {
        let Some(Ok(s)) = self.slot(hash).map(Mutex::try_lock) else {
            return false;
        };
        s.hash == hash && s.place == Some(place) && s.value == value
    }

    /// Remembers that `value` is benign at `place`.
    pub fn remember(&self, hash: u64, place: Place, value: &[u8]) {
        let Some(Ok(mut s)) = self.slot(hash).map(Mutex::try_lock) else {
            return;
        };
        s.hash = hash;
        s.place = Some(place);
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

    const QUERY: Place = Place {
        encoding: Encoding::Form,
        part: Part::Query,
        key: false,
    };

    fn check(c: &ValueCache, place: Place, value: &[u8]) -> bool {
        place
            .hash(value)
            .is_some_and(|h| c.is_benign(h, place, value))
    }

    fn remember(c: &ValueCache, place: Place, value: &[u8]) {
        if let Some(h) = place.hash(value) {
            c.remember(h, place, value);
        }
    }

    #[test]
    fn remembers_exact_values_at_their_place() {
        let c = ValueCache::new(3);
        assert_eq!(c.slots.len(), 4);
        remember(&c, QUERY, b"blue");
        assert!(check(&c, QUERY, b"blue"));
        assert!(!check(&c, Place { key: true, ..QUERY }, b"blue"), "a name");
        let header = Place {
            part: Part::Header,
            ..QUERY
        };
        assert!(!check(&c, header, b"blue"));
        let plain = Place {
            encoding: Encoding::Plain,
            ..QUERY
        };
        assert!(!check(&c, plain, b"blue"), "read otherwise");
        // Same slot and hash, other bytes: a miss, not a false answer.
        let blue = QUERY.hash(b"blue").unwrap();
        assert!(!c.is_benign(blue, QUERY, b"blue'"));
    }

    #[test]
    fn a_newer_value_evicts_the_older() {
        let c = ValueCache::new(1);
        remember(&c, QUERY, b"blue");
        remember(&c, QUERY, b"red");
        assert!(!check(&c, QUERY, b"blue"));
        assert!(check(&c, QUERY, b"red"));
    }

    #[test]
    fn off_and_long_values_keep_nothing() {
        let off = ValueCache::new(0);
        remember(&off, QUERY, b"x");
        assert!(!check(&off, QUERY, b"x"));
        let c = ValueCache::new(8);
        let long = vec![b'a'; MAX_VALUE + 1];
        remember(&c, QUERY, &long);
        assert!(!check(&c, QUERY, &long));
    }
}
