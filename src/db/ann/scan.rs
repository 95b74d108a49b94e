//! The first pass's scan: the Hamming distance of every code to the query's, split across the
//! cores on large stores, and the `wide` nearest kept in order.
use super::{DIMS, WORDS};

/// Below this many codes one thread scans them all (splitting costs more than it saves).
const PARALLEL_ABOVE: usize = 100_000;

#[inline(always)]
fn hamming(code: &[u64; WORDS], qc: &[u64; WORDS]) -> u32 {
    let mut d = 0u32;
    for w in 0..WORDS {
        d += (code[w] ^ qc[w]).count_ones();
    }
    d
}

/// Four codes a step, each counted in its own histogram: the distances of neighbouring codes
/// cluster around DIMS/2, and one histogram would make every increment wait for the previous
/// one's store to the same bin (measured: the scan ran at half the memory bandwidth that way;
/// with four it is within ~1.3x of a plain read of the codes). Distances go to `dist`.
#[inline(always)]
fn hamming_body(codes: &[[u64; WORDS]], qc: &[u64; WORDS], dist: &mut [u16]) -> Vec<usize> {
    let mut hists = [[0u32; DIMS + 1]; 4];
    let mut quads = codes.chunks_exact(4);
    for (quad, out) in (&mut quads).zip(dist.chunks_exact_mut(4)) {
        for (j, (code, d)) in quad.iter().zip(out.iter_mut()).enumerate() {
            let h = hamming(code, qc);
            *d = h as u16;
            hists[j][h as usize] += 1;
        }
    }
    let done = codes.len() - quads.remainder().len();
    for (code, d) in quads.remainder().iter().zip(&mut dist[done..]) {
        let h = hamming(code, qc);
        *d = h as u16;
        hists[0][h as usize] += 1;
    }
    (0..=DIMS)
        .map(|i| hists.iter().map(|h| h[i] as usize).sum())
        .collect()
}

/// The Hamming distance of every code to the query's (into `dist`), and their histogram. The
/// default x86-64 target has no POPCNT instruction (count_ones becomes ~15 bit tricks a word,
/// 8x slower over 1M codes), so the loop is compiled a second time with it and chosen when the
/// CPU has it.
fn hamming_all(codes: &[[u64; WORDS]], qc: &[u64; WORDS], dist: &mut [u16]) -> Vec<usize> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        #[target_feature(enable = "popcnt")]
        unsafe fn with_popcnt(
            codes: &[[u64; WORDS]],
            qc: &[u64; WORDS],
            dist: &mut [u16],
        ) -> Vec<usize> {
            hamming_body(codes, qc, dist)
        }
        // SAFETY: the CPU supports POPCNT (checked just above).
        return unsafe { with_popcnt(codes, qc, dist) };
    }
    hamming_body(codes, qc, dist)
}

/// How many threads a scan of `n` codes uses: one below `PARALLEL_ABOVE`, else the cores (at most 8).
pub(super) fn scan_threads(n: usize) -> usize {
    if n < PARALLEL_ABOVE {
        return 1;
    }
    std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Indexes of the `wide` codes nearest `qc` in Hamming distance (ties broken by position): each
/// thread scans a contiguous slice; the merged histogram gives the radius that admits `wide`,
/// then each slice contributes what lies inside it, in slice order. `dist` holds the distances
/// (a buffer the caller keeps for the next scan).
pub(super) fn nearest_codes(
    codes: &[[u64; WORDS]],
    qc: &[u64; WORDS],
    wide: usize,
    threads: usize,
    dist: &mut Vec<u16>,
) -> Vec<usize> {
    dist.resize(codes.len(), 0);
    let size = codes.len().div_ceil(threads).max(1);
    let hists: Vec<Vec<usize>> = if threads == 1 {
        vec![hamming_all(codes, qc, dist)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = codes
                .chunks(size)
                .zip(dist.chunks_mut(size))
                .map(|(part, out)| s.spawn(move || hamming_all(part, qc, out)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("hamming scan thread"))
                .collect()
        })
    };
    let mut hist = [0usize; DIMS + 1];
    for h in &hists {
        for (total, n) in hist.iter_mut().zip(h) {
            *total += n;
        }
    }
    let (mut radius, mut below) = (0usize, 0usize);
    while radius < DIMS && below + hist[radius] < wide {
        below += hist[radius];
        radius += 1;
    }
    let mut at_radius = wide.saturating_sub(below);
    let mut pool: Vec<usize> = Vec::with_capacity(wide);
    // ~1% of the codes are kept: blocks whose nearest code lies outside the radius are skipped
    // on their minimum alone (a loop the compiler vectorises).
    const BLOCK: usize = 64;
    for (b, block) in dist.chunks(BLOCK).enumerate() {
        if block.iter().fold(u16::MAX, |m, d| m.min(*d)) as usize > radius {
            continue;
        }
        for (j, d) in block.iter().enumerate() {
            let d = *d as usize;
            if d < radius {
                pool.push(b * BLOCK + j);
            } else if d == radius && at_radius > 0 {
                at_radius -= 1;
                pool.push(b * BLOCK + j);
            }
        }
    }
    pool
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_scan_keeps_the_same_candidates_in_the_same_order_as_one_thread() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let codes: Vec<[u64; WORDS]> = (0..10_007).map(|_| [(); WORDS].map(|_| next())).collect();
        let q = [(); WORDS].map(|_| next());
        let one = nearest_codes(&codes, &q, 500, 1, &mut Vec::new());
        assert_eq!(one.len(), 500);
        for threads in [2, 3, 8] {
            assert_eq!(
                nearest_codes(&codes, &q, 500, threads, &mut vec![7; 3]),
                one,
                "{threads} threads"
            );
        }
        // Every kept code is at least as near as every code left out.
        let d = |i: usize| {
            (0..WORDS)
                .map(|w| (codes[i][w] ^ q[w]).count_ones())
                .sum::<u32>()
        };
        let worst_kept = one.iter().map(|i| d(*i)).max().unwrap();
        let kept: std::collections::HashSet<usize> = one.iter().copied().collect();
        assert!(
            (0..codes.len())
                .filter(|i| !kept.contains(i))
                .all(|i| d(i) >= worst_kept)
        );
    }
}
