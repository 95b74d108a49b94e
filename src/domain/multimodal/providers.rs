//! Media provider operations: the known types, CRUD (admin writes; keys sealed at rest and
//! masked in answers), credential tests, and the opened configuration a generation uses.
use super::clients;
use super::known;
use super::providers_store as store;
use super::types::Provider;
use crate::crypto::SecretBox;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use rusqlite::Connection;
use serde_json::Value;

/// A create or a partial update. `api_key`: Some("") removes the stored key.
#[derive(Default)]
pub struct Fields {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub base_url: Option<Option<String>>,
    pub api_key: Option<String>,
    pub model: Option<String>,
    pub defaults: Option<Value>,
}

fn view(r: store::Row, secrets: &SecretBox) -> Provider {
    let masked = r.api_key.as_deref().map(|s| {
        secrets
            .open(s)
            .map(|k| crate::settings::registry::mask(&k))
            .unwrap_or_else(|_| "••••".into())
    });
    Provider {
        id: r.id,
        name: r.name,
        kind: r.kind,
        base_url: r.base_url,
        api_key: masked,
        model: r.model,
        defaults: serde_json::from_str(&r.defaults).unwrap_or(Value::Object(Default::default())),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub async fn list(state: &AppState, page: Page) -> ApiResult<Paged<Provider>> {
    let secrets = state.secrets.clone();
    let (rows, total) = state
        .db
        .read(move |c| store::list(c, page.limit as i64, page.offset as i64))
        .await?;
    Ok(Paged::new(
        rows.into_iter().map(|r| view(r, &secrets)).collect(),
        total as u64,
        page,
    ))
}

pub async fn get(state: &AppState, id: String) -> ApiResult<Option<Provider>> {
    let secrets = state.secrets.clone();
    Ok(state
        .db
        .read(move |c| store::get(c, &id))
        .await?
        .map(|r| view(r, &secrets)))
}

/// What a provider's type needs and a row lacks: the field, and why.
struct Lacks(&'static str, String);

fn check(row: &store::Row, key_set: bool) -> ApiResult<Result<(), Lacks>> {
    let n = row.name.trim().chars().count();
    if n == 0 || n > 100 {
        return Err(ApiError::unprocessable("name must be 1–100 characters"));
    }
    let k = known::find(&row.kind).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "unknown provider type {:?}; use {}",
            row.kind,
            known::types()
        ))
    })?;
    if let Some(u) = &row.base_url
        && (u.len() > 2048 || crate::net::check_url(u).is_err())
    {
        return Err(ApiError::unprocessable("base_url must be an http(s) URL"));
    }
    if row.model.chars().count() > 200 {
        return Err(ApiError::unprocessable(
            "model must be at most 200 characters",
        ));
    }
    if k.needs_base_url() && row.base_url.is_none() {
        return Ok(Err(Lacks(
            "base_url",
            format!("base_url is required for {}", row.kind),
        )));
    }
    if k.needs_key && !key_set {
        return Ok(Err(Lacks(
            "api_key",
            format!("api_key is required for {}", row.kind),
        )));
    }
    if row.model.trim().is_empty() {
        return Ok(Err(Lacks(
            "model",
            format!("model is required for {}", row.kind),
        )));
    }
    Ok(Ok(()))
}

/// A base URL as stored: trimmed, without a trailing slash; None (the type's default) when empty.
fn base_url_or_default(u: Option<String>) -> Option<String> {
    u.map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty())
}

/// A model as stored: trimmed; the type's default model when absent or empty.
fn model_or_default(m: Option<String>, kind: &str) -> String {
    m.map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .or_else(|| known::find(kind).map(|k| k.default_model.to_string()))
        .unwrap_or_default()
}

fn defaults_json(v: Option<Value>) -> ApiResult<String> {
    match v {
        None | Some(Value::Null) => Ok("{}".into()),
        Some(v @ Value::Object(_)) if v.to_string().len() <= 8192 => Ok(v.to_string()),
        Some(Value::Object(_)) => Err(ApiError::unprocessable(
            "defaults is larger than 8192 bytes",
        )),
        Some(_) => Err(ApiError::unprocessable("defaults must be a JSON object")),
    }
}

pub async fn create(state: &AppState, by: &str, f: Fields) -> ApiResult<Provider> {
    let kind = f.kind.unwrap_or_default();
    let now = crate::time::now_rfc3339();
    let key = f.api_key.filter(|k| !k.trim().is_empty());
    if key.as_ref().is_some_and(|k| k.len() > 4096) {
        return Err(ApiError::unprocessable("api_key is longer than 4096 bytes"));
    }
    let row = store::Row {
        id: uuid::Uuid::now_v7().to_string(),
        name: f.name.unwrap_or_default().trim().to_string(),
        base_url: base_url_or_default(f.base_url.flatten()),
        api_key: key.as_deref().map(|k| state.secrets.seal(k.trim())),
        model: model_or_default(f.model, &kind),
        defaults: defaults_json(f.defaults)?,
        kind,
        created_at: now.clone(),
        updated_at: now,
    };
    // On a create the body says everything: what it lacks is the request's fault.
    check(&row, key.is_some())?.map_err(|Lacks(_, why)| ApiError::unprocessable(why))?;
    let by = by.to_string();
    let secrets = state.secrets.clone();
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            store::insert(tx, &row, &by)?;
            crate::events::emit(
                tx,
                "multimodal.provider_saved",
                Some(&by),
                serde_json::json!({"id": row.id, "name": row.name, "type": row.kind}),
            )?;
            Ok(view(row, &secrets))
        })
        .await
}

pub async fn update(
    state: &AppState,
    by: &str,
    id: String,
    f: Fields,
) -> ApiResult<Option<Provider>> {
    let sealed_key = match f.api_key.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(k) if k.len() > 4096 => {
            return Err(ApiError::unprocessable("api_key is longer than 4096 bytes"));
        }
        Some(k) => Some(Some(state.secrets.seal(k))),
        None => None,
    };
    let defaults = f.defaults.map(|d| defaults_json(Some(d))).transpose()?;
    let sent_type = f.kind.is_some();
    let sent: Vec<&'static str> = [
        ("base_url", f.base_url.is_some()),
        ("api_key", f.api_key.is_some()),
        ("model", f.model.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, s)| s.then_some(n))
    .collect();
    let secrets = state.secrets.clone();
    let by = by.to_string();
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let Some(mut row) = store::get(tx, &id)? else {
                return Ok(None);
            };
            if let Some(n) = f.name {
                row.name = n.trim().to_string();
            }
            if let Some(k) = f.kind {
                row.kind = k;
            }
            if let Some(u) = f.base_url {
                row.base_url = base_url_or_default(u);
            }
            if let Some(k) = sealed_key {
                row.api_key = k;
            }
            if let Some(m) = f.model {
                row.model = model_or_default(Some(m), &row.kind);
            }
            if let Some(d) = defaults {
                row.defaults = d;
            }
            row.updated_at = crate::time::now_rfc3339();
            // A field the type needs and the row lacks is the request's fault when the body
            // named both the type and that field (422); otherwise the stored provider lacks it
            // for the type asked (409: send the field too).
            if let Err(Lacks(field, why)) = check(&row, row.api_key.is_some())? {
                return Err(if sent_type && sent.contains(&field) {
                    ApiError::unprocessable(why)
                } else {
                    ApiError::Conflict(format!("{why}: the provider has none, send it too"))
                });
            }
            store::update(tx, &row)?;
            crate::events::emit(
                tx,
                "multimodal.provider_saved",
                Some(&by),
                serde_json::json!({"id": row.id, "name": row.name, "type": row.kind}),
            )?;
            Ok(Some(view(row, &secrets)))
        })
        .await
}

pub async fn delete(state: &AppState, id: String) -> ApiResult<bool> {
    Ok(state.db.write(move |tx| store::delete(tx, &id)).await?)
}

/// A provider's configuration with its key opened (None: no such provider).
pub fn config(
    c: &Connection,
    secrets: &SecretBox,
    id: &str,
) -> anyhow::Result<Option<(clients::Config, bool)>> {
    let Some(r) = store::get(c, id)? else {
        return Ok(None);
    };
    let base = r
        .base_url
        .clone()
        .or_else(|| {
            known::find(&r.kind)
                .and_then(|k| k.default_base_url)
                .map(str::to_string)
        })
        .unwrap_or_default();
    let key = r.api_key.as_deref().map(|s| secrets.open(s)).transpose()?;
    let video = known::find(&r.kind).is_some_and(|k| k.media == "video");
    Ok(Some((
        clients::Config {
            name: r.name,
            kind: r.kind,
            base_url: base,
            api_key: key,
            model: r.model,
            defaults: serde_json::from_str(&r.defaults).unwrap_or(Value::Null),
        },
        video,
    )))
}

/// The outcome of a credential test.
pub struct TestResult {
    pub ok: bool,
    pub detail: String,
    pub latency_ms: u64,
}

pub async fn test(state: &AppState, id: String) -> ApiResult<Option<TestResult>> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> ApiResult<Option<TestResult>> {
        let Some((cfg, _)) = st.db.read_blocking(|c| config(c, &st.secrets, &id))? else {
            return Ok(None);
        };
        let started = std::time::Instant::now();
        let outcome = if cfg.kind == "local" {
            let card = super::render::card("image", "Test card", "");
            let (png, _, _) = super::render::render(&card, "1:1", &Default::default());
            Ok(format!(
                "local renderer ready ({} KB test card)",
                png.len() / 1024
            ))
        } else {
            clients::test(&st.http.trusted, &cfg)
        };
        let latency_ms = started.elapsed().as_millis() as u64;
        Ok(Some(match outcome {
            Ok(detail) => TestResult {
                ok: true,
                detail,
                latency_ms,
            },
            Err(detail) => TestResult {
                ok: false,
                detail,
                latency_ms,
            },
        }))
    })
    .await
    .map_err(|e| ApiError::internal("provider test", e))?
}
