//! The import job: a source goes pending → processing → ready | failed. Extraction errors fail
//! the source (with a reason the user sees) rather than the job, so a bad URL is not retried
//! five times; `POST /sources/{id}/analyze` reruns it on demand.
use super::chunk::{self, ChunkConfig};
use super::embed::{self, Embedder};
use super::sources_store as store;
use super::{extract, html, index_store};
use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
use serde_json::json;

pub const KIND: &str = "knowledge.ingest";

/// Queue the import of a source (in the caller's write transaction).
pub fn enqueue(c: &rusqlite::Connection, source_id: &str) -> rusqlite::Result<()> {
    crate::jobs::enqueue(c, KIND, json!({ "source_id": source_id }))?;
    Ok(())
}

/// What an importer extracted: title, text and metadata.
pub struct Got {
    pub title: String,
    pub text: String,
    pub meta: serde_json::Value,
}

/// Chunks embedded and written per transaction: the write lock is never held while embedding.
const BATCH: usize = 32;

pub fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["source_id"]
        .as_str()
        .context("ingest job without source_id")?
        .to_string();
    let Some((src, content, blob, allow_private)) =
        state.db.read_blocking(|c| -> anyhow::Result<_> {
            let Some((src, content)) = store::get_any(c, &id)? else {
                return Ok(None); // deleted before it was processed
            };
            let blob = store::blob(c, &id)?;
            let allow = crate::settings::store::allow_private_network(c, &state.secrets)?;
            Ok(Some((src, content, blob, allow)))
        })?
    else {
        return Ok(());
    };
    state
        .db
        .write_blocking(|tx| store::set_status(tx, &id, "processing", None))?;
    let emb = embed::configured(state);
    let indexed = obtain(state, &src, content, blob, allow_private).and_then(|g| {
        let g = Got {
            title: chunk::nfc(g.title),
            text: chunk::nfc(g.text),
            meta: g.meta,
        };
        anyhow::ensure!(!g.text.trim().is_empty(), "no text could be extracted");
        let emb = emb.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(index_in_batches(state, &id, emb.as_ref(), &g.title, &g.text)?.map(|n| (g, n)))
    });
    match indexed {
        // The source was deleted while we worked: there is nothing to finish.
        Ok(None) => return Ok(()),
        Ok(Some((g, n))) => state.db.write_blocking(|tx| -> rusqlite::Result<()> {
            if !store::exists(tx, &id)? {
                return Ok(());
            }
            if n == 0 {
                index_store::remove(tx, "source", &id)?;
            }
            store::set_ready(tx, &id, &g.title, &g.text, &g.meta, n)?;
            crate::events::emit(
                tx,
                "source.imported",
                Some(&src.owner_id),
                json!({ "source_id": id, "title": src.title, "kind": src.kind, "chunks": n }),
            )?;
            Ok(())
        })?,
        Err(err) => {
            let reason = format!("{err:#}");
            state.db.write_blocking(|tx| -> rusqlite::Result<()> {
                index_store::remove(tx, "source", &id)?;
                store::set_status(tx, &id, "failed", Some(&reason))?;
                crate::events::emit(
                    tx,
                    "source.failed",
                    Some(&src.owner_id),
                    json!({ "source_id": id, "error": reason }),
                )?;
                Ok(())
            })?
        }
    }
    if let Ok(emb) = &emb {
        super::reembed::check(state, emb.model_id())?;
    }
    Ok(())
}

/// Replace the source's chunks with those of `text`, embedding and writing one short batch at a
/// time. The old chunks go with the first batch. None when the source was deleted meanwhile.
fn index_in_batches(
    state: &AppState,
    id: &str,
    emb: &dyn Embedder,
    title: &str,
    text: &str,
) -> anyhow::Result<Option<usize>> {
    let chunks = chunk::chunk(text, ChunkConfig::default());
    let model = emb.model_id();
    for (b, batch) in chunks.chunks(BATCH).enumerate() {
        let vectors = super::index::embed_chunks(emb, title, batch)?;
        anyhow::ensure!(
            vectors.len() == batch.len(),
            "embedder returned too few vectors"
        );
        let alive = state.db.write_blocking(|tx| -> rusqlite::Result<bool> {
            if !store::exists(tx, id)? {
                return Ok(false);
            }
            if b == 0 {
                index_store::ensure_active_model(tx, model)?;
                index_store::remove(tx, "source", id)?;
            }
            index_store::append(tx, "source", id, b * BATCH, batch, &vectors, model)?;
            Ok(true)
        })?;
        if !alive {
            return Ok(None);
        }
    }
    Ok(Some(chunks.len()))
}

fn obtain(
    state: &AppState,
    src: &store::Source,
    content: String,
    blob: Option<(String, Vec<u8>)>,
    allow_private: bool,
) -> anyhow::Result<Got> {
    let plain = |text: String| Got {
        title: String::new(),
        text,
        meta: json!({}),
    };
    match src.kind.as_str() {
        "file" => {
            let (name, bytes) = blob.context("the uploaded file is missing")?;
            from_bytes(&bytes, &name)
        }
        "folder" => {
            let path = src.url.clone().context("folder source without a path")?;
            let roots = state.db.read_blocking(|c| import_roots(c, state))?;
            let real = super::folder::check_inside(&roots, std::path::Path::new(&path))
                .map_err(|e| anyhow::anyhow!(e))?;
            let bytes = std::fs::read(&real).with_context(|| format!("reading {path}"))?;
            from_bytes(&bytes, &path)
        }
        "url" => fetch(state, src.url.as_deref().unwrap_or(""), allow_private),
        _ => Ok(plain(content)),
    }
}

pub fn import_roots(c: &rusqlite::Connection, state: &AppState) -> anyhow::Result<Vec<String>> {
    Ok(
        crate::settings::store::get_value(c, &state.secrets, "import_roots")?
            .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
            .unwrap_or_default(),
    )
}

fn from_bytes(bytes: &[u8], name: &str) -> anyhow::Result<Got> {
    let t = extract::extract(bytes, name)?;
    let fallback = std::path::Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Got {
        title: t.title.unwrap_or(fallback),
        text: t.text,
        meta: json!({ "format": t.kind })
            .as_object()
            .cloned()
            .map(|mut m| {
                if let Some(extra) = t.meta.as_object() {
                    for (k, v) in extra {
                        if !v.is_null() {
                            m.insert(k.clone(), v.clone());
                        }
                    }
                }
                serde_json::Value::Object(m)
            })
            .unwrap_or_default(),
    })
}

/// GET a user-supplied URL through the SSRF-guarded agent and extract its main text.
pub fn fetch(state: &AppState, url: &str, allow_private: bool) -> anyhow::Result<Got> {
    crate::net::check_url(url).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut resp = state
        .http
        .user_url(allow_private, true)
        .get(url)
        .call()
        .map_err(|e| match crate::net::refused(&e) {
            Some(r) => anyhow::anyhow!("refused: {r}"),
            None => anyhow::anyhow!("fetching {url}: {e}"),
        })?;
    let status = resp.status();
    anyhow::ensure!(
        status.is_success(),
        "fetching {url}: HTTP {}",
        status.as_u16()
    );
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(crate::net::MAX_RESPONSE_BYTES)
        .read_to_vec()
        .with_context(|| format!("reading {url}"))?;
    if ctype.contains("html") || ctype.is_empty() && bytes.trim_ascii_start().starts_with(b"<") {
        let e = html::Page::from_bytes(&bytes, Some(&ctype)).extract();
        return Ok(Got {
            title: e.title,
            text: e.text,
            meta: json!({ "author": e.author, "date": e.date, "site_name": e.site_name, "content_type": ctype }),
        });
    }
    let name = url.rsplit('/').next().unwrap_or("page");
    from_bytes(&bytes, name)
}
