//! In-memory binary (sign-bit) index of the active model's vectors: the first pass of vector
//! search on large stores. 384 dims → 48 bytes of sign bits, plus the vector's mean |x| (so the
//! query can be scored asymmetrically against the bits) and its vec0 rowid: 60 bytes a vector,
//! ~6 MB at 100k chunks, ~60 MB at 1M. Only built once a store holds `BUILD_ABOVE` vectors.
//!
//! It only proposes candidates. Distances are recomputed in float32 from vec0 and visibility is
//! applied in SQL afterwards, so a stale entry can cost recall but never shows a wrong or hidden
//! chunk. Kept in step cheaply: new vectors (rowid above the highest seen) are appended before
//! each search; deleted ones are noticed when they fail to come back from vec0 and the index is
//! rebuilt once too many have gone; a change of model rebuilds it for the new model.
//!
//! One [`Ann`] per open database lives in `AppState` (`state.ann`): nothing is keyed by path in a
//! process-wide static, so two databases in one process (tests) never share an index.
use rusqlite::{Connection, params};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// The vector size the index is laid out for (the hashing and MiniLM embedders' size).
pub const DIMS: usize = 384;
const WORDS: usize = DIMS / 64;
/// Stores smaller than this are searched exactly (a vec0 float32 scan of 10k is ~7 ms).
pub const BUILD_ABOVE: i64 = 10_000;

pub struct BinIndex {
    model: String,
    vids: Vec<i64>,
    codes: Vec<[u64; WORDS]>,
    /// Mean |x| of each vector: x ≈ scale · sign(x), which makes the asymmetric estimate of
    /// <q, x> comparable across vectors.
    scale: Vec<f32>,
    max_vid: i64,
    /// Candidates that vec0 no longer had (deleted since they were indexed).
    stale: AtomicUsize,
}

pub type Shared = Arc<RwLock<BinIndex>>;

/// The binary index of one database (built on demand) and the lock that lets only one build
/// run at a time.
#[derive(Default)]
pub struct Ann {
    index: Mutex<Option<Shared>>,
    building: Mutex<()>,
}

fn encode(v: &[f32]) -> ([u64; WORDS], f32) {
    let mut code = [0u64; WORDS];
    let mut abs = 0.0f32;
    for (i, x) in v.iter().take(DIMS).enumerate() {
        if *x > 0.0 {
            code[i / 64] |= 1 << (i % 64);
        }
        abs += x.abs();
    }
    (code, abs / DIMS as f32)
}

impl BinIndex {
    fn empty(model: &str) -> Self {
        BinIndex {
            model: model.to_string(),
            vids: Vec::new(),
            codes: Vec::new(),
            scale: Vec::new(),
            max_vid: 0,
            stale: AtomicUsize::new(0),
        }
    }

    fn push(&mut self, vid: i64, v: &[f32]) {
        let (code, scale) = encode(v);
        self.vids.push(vid);
        self.codes.push(code);
        self.scale.push(scale);
        self.max_vid = self.max_vid.max(vid);
    }

    pub fn len(&self) -> usize {
        self.vids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vids.is_empty()
    }

    /// Heap bytes held (what the bench reports).
    pub fn bytes(&self) -> usize {
        self.vids.capacity() * 8 + self.codes.capacity() * WORDS * 8 + self.scale.capacity() * 4
    }

    /// Append the vectors written since the last sync (rowids only grow); `upto` is the highest
    /// rowid of any model, so other models' rows are not scanned again next time.
    fn sync(&mut self, c: &Connection, upto: i64) -> rusqlite::Result<()> {
        let mut stmt = c.prepare_cached(
            "SELECT cv.id, vc.embedding FROM chunk_vectors cv JOIN vec_chunks vc ON vc.rowid = cv.id
             WHERE cv.id > ?1 AND cv.model = ?2 ORDER BY cv.id",
        )?;
        let rows = stmt.query_map(params![self.max_vid, self.model], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        for row in rows {
            let (vid, blob) = row?;
            self.push(vid, &from_blob(&blob));
        }
        self.max_vid = self.max_vid.max(upto);
        Ok(())
    }

    /// A first build reads the model's partition of vec0 sequentially.
    fn build(c: &Connection, model: &str) -> rusqlite::Result<Self> {
        let mut idx = BinIndex::empty(model);
        let mut stmt = c.prepare("SELECT rowid, embedding FROM vec_chunks WHERE model = ?1")?;
        let rows = stmt.query_map([model], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        for row in rows {
            let (vid, blob) = row?;
            idx.push(vid, &from_blob(&blob));
        }
        idx.vids.shrink_to_fit();
        idx.codes.shrink_to_fit();
        idx.scale.shrink_to_fit();
        Ok(idx)
    }

    /// The `keep` most promising rowids for `q`: Hamming distance on the sign bits over every
    /// vector keeps `wide`, then the float query against each kept vector's signs (scaled)
    /// orders them and keeps `keep`.
    pub fn candidates(&self, q: &[f32], wide: usize, keep: usize) -> Vec<i64> {
        let n = self.vids.len();
        if n == 0 {
            return Vec::new();
        }
        let (qc, _) = encode(q);
        let dist = hamming_all(&self.codes, &qc);
        // Counting select: the Hamming radius that admits `wide` vectors, ties broken by order.
        let mut hist = [0usize; DIMS + 1];
        for d in &dist {
            hist[*d as usize] += 1;
        }
        let wide = wide.min(n);
        let (mut radius, mut below) = (0usize, 0usize);
        while radius < DIMS && below + hist[radius] < wide {
            below += hist[radius];
            radius += 1;
        }
        let mut at_radius = wide - below;
        let mut pool: Vec<usize> = Vec::with_capacity(wide);
        for (i, d) in dist.iter().enumerate() {
            let d = *d as usize;
            if d < radius {
                pool.push(i);
            } else if d == radius && at_radius > 0 {
                at_radius -= 1;
                pool.push(i);
            }
        }
        // Asymmetric estimate through per-byte lookup tables: table[b][byte] = Σ ±q over the
        // byte's 8 dimensions (+ where the bit is set).
        let mut table = vec![0f32; (DIMS / 8) * 256];
        for b in 0..DIMS / 8 {
            let qs = &q[b * 8..b * 8 + 8];
            for byte in 0..256usize {
                let mut s = 0.0;
                for (bit, qv) in qs.iter().enumerate() {
                    s += if byte >> bit & 1 == 1 { *qv } else { -*qv };
                }
                table[b * 256 + byte] = s;
            }
        }
        let mut scored: Vec<(f32, usize)> = pool
            .into_iter()
            .map(|i| {
                let code = &self.codes[i];
                let mut s = 0.0f32;
                for (w, word) in code.iter().enumerate() {
                    for k in 0..8 {
                        let byte = ((word >> (k * 8)) & 0xff) as usize;
                        s += table[(w * 8 + k) * 256 + byte];
                    }
                }
                (s * self.scale[i], i)
            })
            .collect();
        let keep = keep.min(scored.len());
        if keep < scored.len() {
            scored.select_nth_unstable_by(keep, |a, b| b.0.total_cmp(&a.0));
            scored.truncate(keep);
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().map(|(_, i)| self.vids[i]).collect()
    }

    /// Record candidates that vec0 no longer holds; true once a rebuild is due.
    pub fn note_stale(&self, missing: usize) -> bool {
        let total = self.stale.fetch_add(missing, Ordering::Relaxed) + missing;
        total > self.vids.len() / 10 + 100
    }
}

#[inline(always)]
fn hamming_body(codes: &[[u64; WORDS]], qc: &[u64; WORDS]) -> Vec<u16> {
    codes
        .iter()
        .map(|code| {
            let mut d = 0u32;
            for w in 0..WORDS {
                d += (code[w] ^ qc[w]).count_ones();
            }
            d as u16
        })
        .collect()
}

/// The Hamming distance of every code to the query's. The default x86-64 target has no POPCNT
/// instruction (count_ones becomes ~15 bit tricks a word, 8x slower over 1M codes), so the
/// loop is compiled a second time with it and chosen when the CPU has it.
fn hamming_all(codes: &[[u64; WORDS]], qc: &[u64; WORDS]) -> Vec<u16> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        #[target_feature(enable = "popcnt")]
        unsafe fn with_popcnt(codes: &[[u64; WORDS]], qc: &[u64; WORDS]) -> Vec<u16> {
            hamming_body(codes, qc)
        }
        // SAFETY: the CPU supports POPCNT (checked just above).
        return unsafe { with_popcnt(codes, qc) };
    }
    hamming_body(codes, qc)
}

impl Ann {
    fn current(&self) -> Option<Shared> {
        self.index.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The index for `model`, built (or rebuilt for a new model) and brought up to date. None
    /// when the store is too small to need one (unless `force`).
    pub fn get(
        &self,
        c: &Connection,
        model: &str,
        force: bool,
    ) -> rusqlite::Result<Option<Shared>> {
        let max_vid: i64 = c
            .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM chunk_vectors")?
            .query_row([], |r| r.get(0))?;
        if let Some(idx) = self.current() {
            let current = {
                let r = idx.read().unwrap_or_else(|e| e.into_inner());
                (r.model == model).then_some(r.max_vid >= max_vid)
            };
            match current {
                Some(true) => return Ok(Some(idx)),
                Some(false) => {
                    idx.write()
                        .unwrap_or_else(|e| e.into_inner())
                        .sync(c, max_vid)?;
                    return Ok(Some(idx));
                }
                None => self.forget(),
            }
        }
        if !force {
            let stored: i64 = c
                .prepare_cached("SELECT COUNT(*) FROM chunk_vectors WHERE model = ?1")?
                .query_row([model], |r| r.get(0))?;
            if stored <= BUILD_ABOVE {
                return Ok(None);
            }
        }
        // One build at a time (1M vectors take ~12 s and 60 MB): searches that arrive meanwhile
        // wait, then take the index just built instead of building their own.
        let _building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(idx) = self.current()
            && idx.read().unwrap_or_else(|e| e.into_inner()).model == model
        {
            return Ok(Some(idx));
        }
        let mut built = BinIndex::build(c, model)?;
        built.max_vid = built.max_vid.max(max_vid);
        let idx = Arc::new(RwLock::new(built));
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = Some(idx.clone());
        Ok(Some(idx))
    }

    /// Drop the index (model change, too many stale entries, benches).
    pub fn forget(&self) {
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn from_blob(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]))
        .collect()
}
