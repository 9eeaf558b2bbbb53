//! A small FNV-1a hasher for the hot-path maps keyed by short strings and offsets.
//!
//! The standard library's SipHash resists hash flooding, which matters for maps fed
//! by an adversary; these maps are keyed by the gazetteer's own words and by byte
//! offsets, so a simple fast hash is enough.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, 64 bits.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Offsets: one multiply is enough to spread them.
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x0100_0000_01b3);
    }
}

/// A `HashMap` with the FNV hasher.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_work() {
        let mut m: FastMap<&str, u32> = FastMap::default();
        m.insert("revenue", 1);
        m.insert("growth", 2);
        assert_eq!(m.get("revenue"), Some(&1));
        let o: FastMap<usize, u8> = [(1usize, 1u8), (200, 2)].into_iter().collect();
        assert_eq!(o.get(&200), Some(&2));
    }
}
