//! The import job: a source goes pending → processing → ready | failed. Extraction errors fail
//! the source (with a reason the user sees) rather than the job, so a bad URL is not retried
//! five times; `POST /sources/{id}/analyze` reruns it on demand.
use super::{embed, extract, html, index};
use crate::api::knowledge::sources_store as store;
use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
use serde_json::json;

pub const KIND: &str = "knowledge.ingest";

/// Queue the import of a source (in the caller's transaction).
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

pub fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["source_id"]
        .as_str()
        .context("ingest job without source_id")?
        .to_string();
    let conn = state.db.conn()?;
    let Some((src, content)) = store::get_any(&conn, &id)? else {
        return Ok(()); // deleted before it was processed
    };
    store::set_status(&conn, &id, "processing", None)?;
    let allow_private = crate::settings::store::allow_private_network(&conn, &state.secrets)?;
    let blob = store::blob(&conn, &id)?;
    drop(conn);
    let got = obtain(state, &src, content, blob, allow_private);
    let emb = embed::configured(state);
    let prepared = got.and_then(|g| {
        anyhow::ensure!(!g.text.trim().is_empty(), "no text could be extracted");
        let emb = emb.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((index::prepare(emb.as_ref(), &g.text)?, g))
    });
    let mut conn = state.db.conn()?;
    let tx = conn.transaction()?;
    match prepared {
        Ok((p, g)) => {
            // The source may have been deleted while we fetched: then there is nothing to write.
            if store::get_any(&tx, &id)?.is_none() {
                return Ok(());
            }
            let n = index::write(&tx, "source", &id, &p)?;
            store::set_ready(&tx, &id, &g.title, &g.text, &g.meta, n)?;
            crate::events::emit(
                &tx,
                "source.imported",
                Some(&src.owner_id),
                json!({ "source_id": id, "title": src.title, "kind": src.kind, "chunks": n }),
            )?;
        }
        Err(err) => {
            let reason = format!("{err:#}");
            index::remove(&tx, "source", &id)?;
            store::set_status(&tx, &id, "failed", Some(&reason))?;
            crate::events::emit(
                &tx,
                "source.failed",
                Some(&src.owner_id),
                json!({ "source_id": id, "error": reason }),
            )?;
        }
    }
    tx.commit()?;
    if let Ok(emb) = &emb {
        super::reembed::check(state, &conn, emb.model_id())?;
    }
    state.jobs.notify();
    Ok(())
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
            let conn = state.db.conn()?;
            let roots = import_roots(&conn, state)?;
            drop(conn);
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
    if ctype.contains("html") || ctype.is_empty() && bytes.starts_with(b"<") {
        let e = html::extract(&String::from_utf8_lossy(&bytes));
        return Ok(Got {
            title: e.title,
            text: e.text,
            meta: json!({ "author": e.author, "date": e.date, "site_name": e.site_name, "content_type": ctype }),
        });
    }
    let name = url.rsplit('/').next().unwrap_or("page");
    from_bytes(&bytes, name)
}
