//! Loading the index: from the persisted codes, computing (and saving) the ones older vectors
//! lack, on a thread of its own at start-up or when a search finds the index missing.
use super::{Ann, BUILD_ABOVE, BinIndex, Computed, Db, code, decode, from_blob};
use rusqlite::{Connection, params};
use std::sync::{Arc, RwLock};

/// Codes written per transaction when the background load fills in missing ones.
const BACKFILL_BATCH: usize = 5_000;

impl BinIndex {
    /// Load the persisted codes of `model`, then compute the codes of its vectors that have
    /// none yet (written before `vec_codes` existed) from vec0; those are returned so the caller
    /// can persist them.
    pub(super) fn load(c: &Connection, model: &str) -> rusqlite::Result<(Self, Computed)> {
        let mut idx = BinIndex::empty(model);
        let mut stmt =
            c.prepare("SELECT vid, code, scale FROM vec_codes WHERE model = ?1 ORDER BY vid")?;
        let rows = stmt.query_map([model], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, f64>(2)?,
            ))
        })?;
        for row in rows {
            let (vid, blob, scale) = row?;
            if let Some(code) = decode(&blob) {
                idx.push_code(vid, code, scale as f32);
            }
        }
        let mut missing = Vec::new();
        let mut stmt = c.prepare(
            "SELECT cv.id, vc.embedding FROM chunk_vectors cv JOIN vec_chunks vc ON vc.rowid = cv.id
             WHERE cv.model = ?1 AND NOT EXISTS (SELECT 1 FROM vec_codes k WHERE k.vid = cv.id)",
        )?;
        let rows = stmt.query_map([model], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        for row in rows {
            let (vid, blob) = row?;
            let v = from_blob(&blob);
            idx.push(vid, &v);
            if let Some((code, scale)) = code(&v) {
                missing.push((vid, code, scale));
            }
        }
        idx.vids.shrink_to_fit();
        idx.codes.shrink_to_fit();
        idx.scale.shrink_to_fit();
        Ok((idx, missing))
    }
}

impl Ann {
    /// At start-up: load the active model's index in the background when its store is large
    /// enough to need one, so the first search after a restart does not wait.
    pub fn warm(&self) {
        let Some(db) = &self.inner.db else { return };
        let model = db.read_blocking(|c| -> rusqlite::Result<Option<String>> {
            let active: Option<String> = c
                .prepare("SELECT active_model FROM embedding_state WHERE id = 1")?
                .query_row([], |r| r.get(0))
                .ok();
            let Some(model) = active else { return Ok(None) };
            let stored: i64 = c
                .prepare("SELECT COUNT(*) FROM chunk_vectors WHERE model = ?1")?
                .query_row([&model], |r| r.get(0))?;
            Ok((stored > BUILD_ABOVE).then_some(model))
        });
        match model {
            Ok(Some(model)) => self.spawn_load(model),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "vector index: could not read the active model"),
        }
    }

    /// Load `model`'s index on a thread of its own unless a load is already running.
    pub(super) fn spawn_load(&self, model: String) {
        let Some(db) = self.inner.db.clone() else {
            return;
        };
        {
            let mut warming = self.inner.warming.lock().unwrap_or_else(|e| e.into_inner());
            if warming.is_some() {
                return;
            }
            *warming = Some(model.clone());
        }
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name("vector-index".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let loaded = db.read_blocking(|c| me.load_into(c, &model));
                // Searches use the index from here on; computed codes are saved after.
                *me.inner.warming.lock().unwrap_or_else(|e| e.into_inner()) = None;
                let result = loaded
                    .map_err(anyhow::Error::from)
                    .and_then(|missing| me.persist(&db, &model, missing));
                match result {
                    Ok(n) => tracing::info!(
                        model = %model,
                        ms = started.elapsed().as_millis() as u64,
                        computed = n,
                        "vector index loaded"
                    ),
                    Err(e) => {
                        tracing::warn!(model = %model, error = %e, "vector index load failed")
                    }
                }
                *me.inner.warming.lock().unwrap_or_else(|e| e.into_inner()) = None;
            });
        if spawned.is_err() {
            *self.inner.warming.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    /// Load `model` and make it current; the codes that had to be computed are returned.
    pub(super) fn load_into(&self, c: &Connection, model: &str) -> rusqlite::Result<Computed> {
        let _building = self
            .inner
            .building
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // max_vid is the highest rowid loaded: anything committed while this ran is above it
        // (rowids only grow) and the next search's sync appends it.
        let (built, missing) = BinIndex::load(c, model)?;
        *self.inner.index.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Arc::new(RwLock::new(built)));
        Ok(missing)
    }

    /// Write computed codes in short transactions (a vector deleted meanwhile is skipped).
    fn persist(
        &self,
        db: &Db,
        model: &str,
        missing: Vec<(i64, Vec<u8>, f32)>,
    ) -> anyhow::Result<usize> {
        let n = missing.len();
        for batch in missing.chunks(BACKFILL_BATCH) {
            let batch = batch.to_vec();
            let model = model.to_string();
            db.write_blocking(move |tx| -> Result<(), crate::db::DbError> {
                let mut ins = tx.prepare_cached(
                    "INSERT OR IGNORE INTO vec_codes (vid, model, code, scale)
                     SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM chunk_vectors WHERE id = ?1)",
                )?;
                for (vid, code, scale) in &batch {
                    ins.execute(params![vid, model, code, *scale as f64])?;
                }
                Ok(())
            })?;
        }
        Ok(n)
    }
}
