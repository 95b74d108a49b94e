//! In-memory binary (sign-bit) index of the active model's vectors: the first pass of vector
//! search on large stores. 384 dims → 48 bytes of sign bits, plus the vector's mean |x| (so the
//! query can be scored asymmetrically against the bits) and its vec0 rowid: 60 bytes a vector,
//! ~6 MB at 100k chunks, ~60 MB at 1M. Only used once a store holds `BUILD_ABOVE` vectors.
//!
//! The codes are persisted in `vec_codes`, written in the same transaction as each vector
//! ([`code`]), so a start loads them (a sequential read of ~60 MB at 1M, a fraction of a second)
//! instead of rebuilding them from every float32 vector. The server loads the index in the
//! background as it starts ([`Ann::warm`]); searches that arrive meanwhile get
//! [`Lookup::Warming`] and are answered without it (never waiting for the load). Vectors written
//! before the codes existed get theirs computed by that same background load.
//!
//! It only proposes candidates. Distances are recomputed in float32 from vec0 and visibility is
//! applied in SQL afterwards, so a stale entry can cost recall but never shows a wrong or hidden
//! chunk. Kept in step cheaply: new vectors (rowid above the highest seen) are appended from
//! their persisted codes before each search; deleted ones are noticed when they fail to come
//! back from vec0 and the index is reloaded once too many have gone; a change of model loads the
//! new model's codes.
//!
//! Large scans are split across the cores (each thread scans a contiguous slice of the codes and
//! keeps its own histogram; the candidates are merged after).
//!
//! Loading (at start-up, in the background) is in `load.rs`, the scan in `scan.rs`.
//!
//! One [`Ann`] per open database lives in `AppState` (`state.ann`): nothing is keyed by path in a
//! process-wide static, so two databases in one process (tests) never share an index.
use super::Db;
use rusqlite::{Connection, params};
use scan::{nearest_codes, scan_threads};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

mod load;
mod scan;

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
    /// Distance buffers of past scans, reused by the next (a fresh 2 MB buffer per search at
    /// 1M vectors would cost its page faults every time); one per concurrent search.
    scratch: Mutex<Vec<Vec<u16>>>,
}

pub type Shared = Arc<RwLock<BinIndex>>;

/// Codes computed by a load for vectors that had none: (vec0 rowid, code, scale).
type Computed = Vec<(i64, Vec<u8>, f32)>;

#[derive(Default)]
struct Inner {
    index: Mutex<Option<Shared>>,
    /// Only one load at a time.
    building: Mutex<()>,
    /// The model whose index is loading in the background.
    warming: Mutex<Option<String>>,
    /// Where background loads read and persist codes (None: loads run in the caller).
    db: Option<Db>,
}

/// The binary index of one database and how it is loaded.
#[derive(Clone, Default)]
pub struct Ann {
    inner: Arc<Inner>,
}

/// What a search can use.
pub enum Lookup {
    /// The index, up to date.
    Ready(Shared),
    /// The store is small enough to scan exactly.
    Exact,
    /// The index is loading in the background: answer without it.
    Warming,
}

/// Ask the CPU to bring a code into cache (a hint: no effect on results).
#[inline(always)]
fn prefetch(code: &[u64; WORDS]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = code.as_ptr() as *const i8;
        // SAFETY: prefetch is a hint that never faults; SSE is part of the x86-64 baseline.
        // A 48-byte code may straddle two cache lines: both are asked for.
        unsafe {
            _mm_prefetch(p, _MM_HINT_T0);
            _mm_prefetch(p.add(47), _MM_HINT_T0);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = code;
}

/// The persisted form of a 384-d vector's code: 48 bytes of sign bits and its scale (None for
/// other sizes, which the index does not cover).
pub fn code(v: &[f32]) -> Option<(Vec<u8>, f32)> {
    if v.len() != DIMS {
        return None;
    }
    let (words, scale) = encode(v);
    Some((words.iter().flat_map(|w| w.to_le_bytes()).collect(), scale))
}

fn decode(blob: &[u8]) -> Option<[u64; WORDS]> {
    if blob.len() != WORDS * 8 {
        return None;
    }
    let mut words = [0u64; WORDS];
    for (w, b) in words.iter_mut().zip(blob.chunks_exact(8)) {
        *w = u64::from_le_bytes(b.try_into().ok()?);
    }
    Some(words)
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
            scratch: Mutex::new(Vec::new()),
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

    fn push_code(&mut self, vid: i64, code: [u64; WORDS], scale: f32) {
        self.vids.push(vid);
        self.codes.push(code);
        self.scale.push(scale);
        self.max_vid = self.max_vid.max(vid);
    }

    /// Append the vectors written since the last sync from their persisted codes (rowids only
    /// grow); `upto` is the highest rowid of any model, so other models' rows are not read
    /// again next time.
    fn sync(&mut self, c: &Connection, upto: i64) -> rusqlite::Result<()> {
        let mut stmt = c.prepare_cached(
            "SELECT vid, code, scale FROM vec_codes WHERE model = ?2 AND vid > ?1 ORDER BY vid",
        )?;
        let rows = stmt.query_map(params![self.max_vid, self.model], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, f64>(2)?,
            ))
        })?;
        for row in rows {
            let (vid, blob, scale) = row?;
            if let Some(code) = decode(&blob) {
                self.push_code(vid, code, scale as f32);
            }
        }
        self.max_vid = self.max_vid.max(upto);
        Ok(())
    }

    /// The `keep` most promising rowids for `q`: Hamming distance on the sign bits over every
    /// vector keeps `wide`, then the float query against each kept vector's signs (scaled)
    /// orders them and keeps `keep`.
    /// `threads`: of the Hamming scan (None = [`scan_threads`] for the store's size).
    pub fn candidates(
        &self,
        q: &[f32],
        wide: usize,
        keep: usize,
        threads: Option<usize>,
    ) -> Vec<i64> {
        let n = self.vids.len();
        if n == 0 {
            return Vec::new();
        }
        let (qc, _) = encode(q);
        let threads = threads.unwrap_or_else(|| scan_threads(n)).max(1);
        let mut dist = self
            .scratch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        let pool = nearest_codes(&self.codes, &qc, wide.min(n), threads, &mut dist);
        self.scratch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(dist);
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
        // The kept codes lie scattered over the whole index (one cache miss each): each is
        // prefetched a few candidates ahead of its estimate.
        const AHEAD: usize = 8;
        let mut scored: Vec<(f32, usize)> = Vec::with_capacity(pool.len());
        for (j, &i) in pool.iter().enumerate() {
            if let Some(&next) = pool.get(j + AHEAD) {
                prefetch(&self.codes[next]);
            }
            let code = &self.codes[i];
            let mut s = 0.0f32;
            for (w, word) in code.iter().enumerate() {
                for k in 0..8 {
                    let byte = ((word >> (k * 8)) & 0xff) as usize;
                    s += table[(w * 8 + k) * 256 + byte];
                }
            }
            scored.push((s * self.scale[i], i));
        }
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

impl Ann {
    /// The index of the database behind `db`: loads run in the background and persist the
    /// codes they had to compute.
    pub fn new(db: Db) -> Self {
        Ann {
            inner: Arc::new(Inner {
                db: Some(db),
                ..Default::default()
            }),
        }
    }

    fn current(&self) -> Option<Shared> {
        self.inner
            .index
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The index for `model`, brought up to date. `Exact` when the store is too small to need
    /// one (unless `force`); `Warming` while a background load runs (one is started when the
    /// index is missing). Without a database handle (benches, `force`) the load runs here.
    pub fn get(&self, c: &Connection, model: &str, force: bool) -> rusqlite::Result<Lookup> {
        let max_vid: i64 = c
            .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM chunk_vectors")?
            .query_row([], |r| r.get(0))?;
        if let Some(idx) = self.current() {
            let current = {
                let r = idx.read().unwrap_or_else(|e| e.into_inner());
                (r.model == model).then_some(r.max_vid >= max_vid)
            };
            match current {
                Some(true) => return Ok(Lookup::Ready(idx)),
                Some(false) => {
                    idx.write()
                        .unwrap_or_else(|e| e.into_inner())
                        .sync(c, max_vid)?;
                    return Ok(Lookup::Ready(idx));
                }
                None => self.forget(),
            }
        }
        if !force {
            let stored: i64 = c
                .prepare_cached("SELECT COUNT(*) FROM chunk_vectors WHERE model = ?1")?
                .query_row([model], |r| r.get(0))?;
            if stored <= BUILD_ABOVE {
                return Ok(Lookup::Exact);
            }
            if self.inner.db.is_some() {
                self.spawn_load(model.to_string());
                return Ok(Lookup::Warming);
            }
        }
        self.load_into(c, model)?;
        Ok(self.current().map_or(Lookup::Warming, Lookup::Ready))
    }

    /// `loading`, `ready` or `none`, and the vectors held (for `/health`).
    pub fn status(&self) -> (&'static str, usize) {
        let warming = self
            .inner
            .warming
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        match self.current() {
            _ if warming => ("loading", 0),
            Some(idx) => ("ready", idx.read().unwrap_or_else(|e| e.into_inner()).len()),
            None => ("none", 0),
        }
    }

    /// Drop the index (model change, too many stale entries, benches).
    pub fn forget(&self) {
        *self.inner.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn from_blob(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persisted_code_decodes_to_the_vectors_signs() {
        let v: Vec<f32> = (0..DIMS)
            .map(|i| if i % 3 == 0 { 0.5 } else { -0.25 })
            .collect();
        let (blob, scale) = code(&v).unwrap();
        assert_eq!(blob.len(), 48);
        assert_eq!(decode(&blob).unwrap(), encode(&v).0);
        assert!((scale - (0.5 + 2.0 * 0.25) / 3.0).abs() < 1e-6);
        assert!(code(&v[..100]).is_none(), "other sizes have no code");
    }
}
