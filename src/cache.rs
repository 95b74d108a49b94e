//! Caches: serialized response bodies per key and version (project boards): a reader compares the
//! version it read from the database with the cached one, so a write anywhere retires the entry.
//! Kept plain and gzipped (compressed once per version). Lives in `AppState`, so two servers in
//! one process never share entries. Also [`TtlMap`]: values kept for a while (providers' model
//! lists).
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;

const MAX_ENTRIES: usize = 512;

/// One body, plain and gzipped.
#[derive(Clone)]
pub struct Body {
    pub json: Bytes,
    pub gzip: Bytes,
}

impl Body {
    pub fn new(json: Vec<u8>) -> std::io::Result<Body> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &json)?;
        Ok(Body {
            json: Bytes::from(json),
            gzip: Bytes::from(gz.finish()?),
        })
    }
}

#[derive(Default)]
pub struct VersionedBodies {
    map: Mutex<HashMap<String, (i64, Body)>>,
}

impl VersionedBodies {
    /// The body cached under `key` if it was built at `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<Body> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, b)| b.clone())
    }

    pub fn put(&self, key: String, version: i64, body: Body) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (version, body));
    }
}

/// Values kept for a while under a string key (bounded: a full map starts over).
pub struct TtlMap<V> {
    map: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, V)>>,
}

impl<V> Default for TtlMap<V> {
    fn default() -> Self {
        TtlMap {
            map: Default::default(),
        }
    }
}

impl<V: Clone> TtlMap<V> {
    const MAX: usize = 1024;

    /// The value under `key` if it is younger than `ttl`.
    pub fn get(&self, key: &str, ttl: std::time::Duration) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: String, value: V) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(key, (std::time::Instant::now(), value));
    }
}
