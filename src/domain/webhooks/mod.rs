//! Webhook endpoints (admin-managed: events span every tenant): validation, storage with the
//! secret and custom header values sealed (`sealing.rs`), manual attempts (test pings, redeliveries), and the delivery log. Delivery
//! itself is `deliver.rs` (fan-out and signed sending) and `jobs.rs` (the dispatcher).
pub mod catalog;
mod catalog_examples;
pub mod deliver;
pub mod jobs;
pub mod sealing;
pub mod signing;
pub mod store;
pub mod types;

use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use std::collections::BTreeMap;
use types::{DeliveryAttempt, Webhook, WebhookIn, WebhookPatch};

/// Headers the signature scheme owns; custom headers may not set them.
pub const RESERVED: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
];

/// The endpoint as answers show it: the secret and header values masked.
fn shown(s: store::Stored, state: &AppState) -> Webhook {
    sealing::shown(&state.secrets, s)
}

fn check_events(events: &[String]) -> ApiResult<()> {
    if events.is_empty() {
        return Err(ApiError::unprocessable(
            "events: subscribe to at least one event type (or \"*\")",
        ));
    }
    for e in events {
        if e != "*" && catalog::find(e).is_none() {
            return Err(ApiError::unprocessable(format!(
                "events: unknown event type {e:?} (see GET /webhooks/events)"
            )));
        }
    }
    Ok(())
}

fn masked(v: &str) -> bool {
    v.contains('…') || v.contains('•')
}

/// Custom headers: not the scheme's own, valid names and values; a masked value left here
/// (an edit's, matching no stored header) is a conflict with what is stored.
fn check_headers(h: &BTreeMap<String, String>) -> ApiResult<()> {
    for (k, v) in h {
        if RESERVED.contains(&k.to_ascii_lowercase().as_str()) {
            return Err(ApiError::unprocessable(format!(
                "headers: {k} is set by the signature scheme and cannot be overridden"
            )));
        }
        if masked(v) {
            return Err(ApiError::Conflict(format!(
                "headers: {k} holds a masked value, which only keeps the value stored under that name, and none matches; send the full value"
            )));
        }
        if ureq::http::HeaderName::from_bytes(k.as_bytes()).is_err()
            || ureq::http::HeaderValue::from_str(v).is_err()
        {
            return Err(ApiError::unprocessable(format!(
                "headers: {k:?} is not a valid header"
            )));
        }
    }
    Ok(())
}

fn check_secret(field: &str, secret: &str) -> ApiResult<()> {
    signing::decode_secret(secret)
        .map(drop)
        .map_err(|e| ApiError::unprocessable(format!("{field}: {e}")))
}

/// SSRF guard at create/update time: a clear 422 (naming `field`) before anything is stored.
/// Resolving the host blocks, so it runs off the executor.
pub async fn check_url(state: &AppState, field: &'static str, url: String) -> ApiResult<String> {
    let secrets = state.secrets.clone();
    let allow = state
        .db
        .read(move |c| crate::settings::store::allow_private_network(c, &secrets))
        .await?;
    let u = url.clone();
    tokio::task::spawn_blocking(move || crate::net::check_public_url(&u, allow))
        .await
        .map_err(|e| ApiError::internal("checking the URL", e))?
        .map_err(|e| match e {
            // A policy an admin can change (allow_private_network), not a malformed URL.
            crate::net::UrlRefused::Private(_) => ApiError::forbidden(format!("{field}: {e}")),
            _ => ApiError::unprocessable(format!("{field}: {e}")),
        })?;
    Ok(url.trim().to_string())
}

pub async fn list(state: &AppState, page: Page) -> ApiResult<Paged<Webhook>> {
    let (limit, offset) = page.sql();
    let (rows, total) = state
        .db
        .read(move |c| store::list(c, limit, offset))
        .await?;
    Ok(Paged::new(rows, total, page).map(|s| shown(s, state)))
}

/// Create an endpoint; the answer is the only one that shows the secret in full.
pub async fn create(state: &AppState, owner_id: &str, b: WebhookIn) -> ApiResult<Webhook> {
    check_events(&b.events)?;
    let headers = b.headers.unwrap_or_default();
    if let Some(k) = headers.iter().find_map(|(k, v)| masked(v).then_some(k)) {
        return Err(ApiError::unprocessable(format!(
            "headers: {k} holds a masked value (… or •), which only an edit can send back; send the full value"
        )));
    }
    check_headers(&headers)?;
    let secret = match b.secret.filter(|s| !s.is_empty()) {
        Some(s) => {
            check_secret("secret", &s)?;
            s
        }
        None => signing::generate_secret(),
    };
    let url = check_url(state, "url", b.url).await?;
    let now = crate::time::now_rfc3339();
    let hook = Webhook {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: owner_id.to_string(),
        url,
        events: b.events,
        secret: secret.clone(),
        headers,
        description: b.description.unwrap_or_default(),
        active: b.active.unwrap_or(true),
        disabled_reason: None,
        created_at: now.clone(),
        updated_at: now,
    };
    let row = store::Stored {
        sealed_secret: state.secrets.seal(&secret),
        sealed_headers: sealing::seal_headers(&state.secrets, &hook.headers),
        hook: Webhook {
            headers: Default::default(),
            ..hook.clone()
        },
    };
    state.db.write(move |tx| store::insert(tx, &row)).await?;
    // The signing secret in full, this once; header values are masked like in every answer.
    Ok(Webhook {
        headers: hook
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), sealing::mask_value(v)))
            .collect(),
        ..hook
    })
}

async fn load(state: &AppState, id: String) -> ApiResult<store::Stored> {
    state
        .db
        .read(move |c| store::get(c, &id))
        .await?
        .ok_or(ApiError::NotFound("webhook"))
}

pub async fn get(state: &AppState, id: String) -> ApiResult<Webhook> {
    Ok(shown(load(state, id).await?, state))
}

/// Change an endpoint. Each field is checked on its own (the URL's DNS check outside the write
/// lock); the patch is applied to the row as it is inside the write, so no concurrent change
/// is lost.
pub async fn update(state: &AppState, id: String, b: WebhookPatch) -> ApiResult<Webhook> {
    // An unknown id is a 404 before any 422.
    load(state, id.clone()).await?;
    if let Some(events) = &b.events {
        check_events(events)?;
    }
    // Empty keeps the stored secret; so does its mask sent back (checked against the stored
    // secret in the write, like masked header values).
    let secret = b.secret.filter(|s| !s.is_empty());
    let (masked_secret, sealed) = match secret {
        Some(m) if masked(&m) => (Some(m), None),
        Some(secret) => {
            check_secret("secret", &secret)?;
            (None, Some(state.secrets.seal(&secret)))
        }
        None => (None, None),
    };
    let url = match b.url {
        Some(url) => Some(check_url(state, "url", url).await?),
        None => None,
    };
    let secrets = state.secrets.clone();
    let stored = state
        .db
        .write(move |tx| -> ApiResult<store::Stored> {
            let mut s = store::get(tx, &id)?.ok_or(ApiError::NotFound("webhook"))?;
            if let Some(m) = masked_secret {
                let shown = secrets.open(&s.sealed_secret).ok();
                if shown.map(|p| sealing::mask_secret(&p)).as_deref() != Some(m.as_str()) {
                    return Err(ApiError::Conflict(
                        "secret: a masked secret that is not this endpoint's; send a new whsec_ secret or leave it out".into(),
                    ));
                }
            }
            if let Some(headers) = b.headers {
                // A masked value sent back keeps the stored one; only new values are checked.
                let (mut kept, fresh) = sealing::split_edit(&secrets, headers, &s.sealed_headers);
                check_headers(&fresh)?;
                kept.extend(sealing::seal_headers(&secrets, &fresh));
                s.sealed_headers = kept;
            }
            let h = &mut s.hook;
            if let Some(events) = b.events {
                h.events = events;
            }
            if let Some(url) = url {
                h.url = url;
            }
            if let Some(d) = b.description {
                h.description = d;
            }
            if let Some(active) = b.active {
                h.active = active;
                if active {
                    h.disabled_reason = None;
                }
            }
            if let Some(sealed) = sealed {
                s.sealed_secret = sealed;
            }
            store::update(tx, &s)?;
            store::get(tx, &id)?.ok_or(ApiError::NotFound("webhook"))
        })
        .await?;
    Ok(shown(stored, state))
}

pub async fn delete(state: &AppState, id: String) -> ApiResult<()> {
    if !state.db.write(move |tx| store::delete(tx, &id)).await? {
        return Err(ApiError::NotFound("webhook"));
    }
    Ok(())
}

/// Queue a test ping to the endpoint and attempt it now.
pub async fn test(state: &AppState, id: String, sent_by: &str) -> ApiResult<DeliveryAttempt> {
    let data = serde_json::json!({ "message": "Test delivery from Neuromancer", "webhook_id": id, "sent_by": sent_by });
    let did = state
        .db
        .write(move |tx| -> ApiResult<String> {
            store::get(tx, &id)?.ok_or(ApiError::NotFound("webhook"))?;
            Ok(deliver::create_manual(tx, &id, "webhook.test", &data)?)
        })
        .await?;
    attempt_now(state, did).await
}

/// Attempt a delivery of this endpoint again, now.
pub async fn redeliver(
    state: &AppState,
    webhook_id: String,
    delivery_id: String,
) -> ApiResult<DeliveryAttempt> {
    let d = delivery_id.clone();
    let found = state.db.read(move |c| store::delivery(c, &d)).await?;
    if found.is_none_or(|d| d.webhook_id != webhook_id) {
        return Err(ApiError::NotFound("delivery"));
    }
    attempt_now(state, delivery_id).await
}

/// One page of an endpoint's delivery log (one row per attempt).
pub async fn deliveries(
    state: &AppState,
    id: String,
    page: Page,
) -> ApiResult<Paged<DeliveryAttempt>> {
    let hook = load(state, id).await?;
    let (limit, offset) = page.sql();
    let (items, total) = state
        .db
        .read(move |c| -> rusqlite::Result<_> {
            Ok((
                store::attempts(c, &hook.hook.id, limit, offset)?,
                store::count_attempts(c, &hook.hook.id)?,
            ))
        })
        .await?;
    Ok(Paged::new(items, total, page))
}

/// Attempt one delivery now, on a blocking thread, and record the attempt without scheduling
/// retries. The HTTP call happens between a read and a short write, never inside one.
async fn attempt_now(state: &AppState, delivery_id: String) -> ApiResult<DeliveryAttempt> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> ApiResult<Option<DeliveryAttempt>> {
        let Some(p) = st
            .db
            .read_blocking(|c| deliver::prepare(&st, c, &delivery_id))
            .map_err(|e| match e.downcast::<crate::db::DbError>() {
                // A busy database stays a 503 with Retry-After.
                Ok(db) => ApiError::from(db),
                Err(e) => ApiError::Internal(e),
            })?
        else {
            return Ok(None);
        };
        let out = deliver::attempt(&st, &p);
        let rec = store::AttemptRecord {
            delivery_id: &delivery_id,
            attempt: p.pending.attempts + 1,
            status_code: out.status_code,
            duration_ms: out.duration_ms,
            response_body: out.response_body.as_deref(),
            error: out.error.as_deref(),
        };
        // A failed manual attempt leaves a delivery that is still being retried on its schedule.
        let status = match (out.ok(), p.pending.status.as_str()) {
            (true, _) => "succeeded",
            (false, s @ ("pending" | "retrying")) => s,
            _ => "failed",
        };
        Ok(st.db.write_blocking(|tx| -> rusqlite::Result<_> {
            store::record_attempt(tx, &rec, status, None)?;
            store::latest_attempt(tx, &delivery_id)
        })?)
    })
    .await
    .map_err(|e| ApiError::internal("delivering", e))??
    .ok_or(ApiError::NotFound("delivery"))
}
