//! Log2 histograms as the embedded programs keep them: slot `i` counts values in
//! `[2^i, 2^(i+1))`, slot 0 also takes 0 (and 1), the last slot everything above.
//! Percentiles from such a histogram are *estimates*: the bucket holding the rank is found
//! exactly, the position inside it is interpolated linearly, so an estimate is off by at most
//! the bucket's width (a factor of two).
use serde::Serialize;

/// The edges of slot `i`: `[low, high)`.
pub fn slot_range(i: usize) -> (u64, u64) {
    let low = if i == 0 { 0 } else { 1u64 << i.min(63) };
    let high = if i >= 63 { u64::MAX } else { 1u64 << (i + 1) };
    (low, high)
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub low_ns: u64,
    pub high_ns: u64,
    pub count: u64,
}

/// The non-empty buckets.
pub fn buckets(slots: &[u64]) -> Vec<Bucket> {
    slots
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| {
            let (low_ns, high_ns) = slot_range(i);
            Bucket {
                low_ns,
                high_ns,
                count: *c,
            }
        })
        .collect()
}

/// Estimated `q`-quantile (0 < q ≤ 1) of the values counted in `slots`; None when empty.
pub fn quantile(slots: &[u64], q: f64) -> Option<u64> {
    let total: u64 = slots.iter().fold(0u64, |a, c| a.saturating_add(*c));
    if total == 0 {
        return None;
    }
    let q = q.clamp(0.0, 1.0);
    // The rank of the wanted value, 1-based: the smallest r with r >= q * total.
    let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
    let mut seen = 0u64;
    for (i, c) in slots.iter().enumerate() {
        if *c == 0 {
            continue;
        }
        if seen.saturating_add(*c) >= rank {
            let (low, high) = slot_range(i);
            let high = if i + 1 == slots.len() {
                low.saturating_mul(2)
            } else {
                high
            };
            let frac = (rank - seen) as f64 / *c as f64;
            return Some(low + ((high - low) as f64 * frac) as u64);
        }
        seen = seen.saturating_add(*c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_powers_of_two() {
        assert_eq!(slot_range(0), (0, 2));
        assert_eq!(slot_range(1), (2, 4));
        assert_eq!(slot_range(10), (1024, 2048));
        assert_eq!(slot_range(63).1, u64::MAX);
    }

    #[test]
    fn quantiles_fall_in_the_right_bucket() {
        let mut s = [0u64; 32];
        assert_eq!(quantile(&s, 0.5), None);
        s[10] = 99; // [1024, 2048)
        s[20] = 1; // [1 Mi, 2 Mi)
        let p50 = quantile(&s, 0.5).unwrap();
        assert!((1024..2048).contains(&p50), "{p50}");
        let p99 = quantile(&s, 0.99).unwrap();
        assert!((1024..=2048).contains(&p99), "{p99}");
        let p100 = quantile(&s, 1.0).unwrap();
        assert!((1 << 20..=2 << 20).contains(&p100), "{p100}");
        assert_eq!(buckets(&s).len(), 2);
    }
}
