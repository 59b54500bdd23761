//! Deterministic randomness that never changes between versions: a finding's presence and the truth
//! depend only on the seed and the author's IDs, so a saved playthrough replays the same for ever.

/// SplitMix64's finaliser: a fast, well-mixed 64-bit hash of a 64-bit input.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over bytes: a stable hash of an author's ID (std's hasher may change between releases).
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// A uniform number in [0, 1) from a seed and a salt (the hash of what is being drawn).
pub fn unit(seed: u64, salt: u64) -> f64 {
    let bits = mix(seed ^ mix(salt));
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A small stream of random numbers for random playthroughs (SplitMix64).
#[derive(Debug, Clone)]
pub struct Stream(u64);

impl Stream {
    pub fn new(seed: u64) -> Self {
        Stream(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

/// Picks an index by weights, given a uniform `u` in [0, 1). Weights need not sum to 1.
pub fn pick_weighted(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    let mut target = u * total;
    let mut last = 0;
    for (i, w) in weights.iter().enumerate() {
        if !(w.is_finite() && *w > 0.0) {
            continue;
        }
        last = i;
        if target < *w {
            return i;
        }
        target -= w;
    }
    last
}
