//! Thin handlers of /webhooks (admin only).
use super::catalog::{self, EventDef};
use super::types::{DeliveryAttempt, Page, Webhook, WebhookIn, WebhookPatch};
use super::{deliver, signing, store};
use crate::auth::AdminUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use std::collections::BTreeMap;

/// Headers the signature scheme owns; custom headers may not set them.
const RESERVED: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
];

fn mask(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("whsec_…{tail}")
}

fn shown(s: store::Stored, state: &AppState) -> Webhook {
    let secret = state
        .secrets
        .open(&s.sealed_secret)
        .map(|v| mask(&v))
        .unwrap_or_default();
    Webhook { secret, ..s.hook }
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

fn check_headers(h: &BTreeMap<String, String>) -> ApiResult<()> {
    for (k, v) in h {
        if RESERVED.contains(&k.to_ascii_lowercase().as_str()) {
            return Err(ApiError::unprocessable(format!(
                "headers: {k} is set by the signature scheme and cannot be overridden"
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

/// SSRF guard at create/update time: a clear 422 before anything is stored.
async fn check_url(state: &AppState, url: String) -> ApiResult<String> {
    let st = state.clone();
    let allow = state
        .db
        .run(move |c| crate::settings::store::allow_private_network(c, &st.secrets))
        .await?;
    let u = url.clone();
    web::block(move || crate::net::check_public_url(&u, allow))
        .await
        .map_err(|e| ApiError::internal("checking the URL", e))?
        .map_err(|e| ApiError::unprocessable(format!("url: {e}")))?;
    Ok(url.trim().to_string())
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = Vec<EventDef>)))]
#[get("/webhooks/events")]
pub async fn event_catalog(_user: crate::auth::AuthUser) -> web::Json<Vec<EventDef>> {
    web::Json(catalog::events())
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = Vec<Webhook>), (status = 403, body = ErrorBody)))]
#[get("/webhooks/")]
pub async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<web::Json<Vec<Webhook>>> {
    let st = state.clone();
    let rows = state.db.run(|c| store::list(c)).await?;
    Ok(web::Json(rows.into_iter().map(|s| shown(s, &st)).collect()))
}

#[utoipa::path(tag = "webhooks", request_body = WebhookIn,
    responses((status = 201, body = Webhook, description = "the secret is shown in full only here"), (status = 422, body = ErrorBody)))]
#[post("/webhooks/")]
pub async fn create(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<WebhookIn>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    check_events(&b.events)?;
    let headers = b.headers.unwrap_or_default();
    check_headers(&headers)?;
    let secret = match b.secret.filter(|s| !s.is_empty()) {
        Some(s) => {
            signing::decode_secret(&s)
                .map_err(|e| ApiError::unprocessable(format!("secret: {e}")))?;
            s
        }
        None => signing::generate_secret(),
    };
    let url = check_url(&state, b.url).await?;
    let now = crate::time::now_rfc3339();
    let hook = Webhook {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: admin.id.clone(),
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
    let sealed = state.secrets.seal(&secret);
    let h = hook.clone();
    state.db.run(move |c| store::insert(c, &h, &sealed)).await?;
    Ok(HttpResponse::Created().json(hook))
}

async fn load(state: &AppState, id: String) -> ApiResult<store::Stored> {
    state
        .db
        .run(move |c| store::get(c, &id))
        .await?
        .ok_or(ApiError::NotFound("webhook"))
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)))]
#[get("/webhooks/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(shown(
        load(&state, id.into_inner()).await?,
        &state,
    )))
}

#[utoipa::path(tag = "webhooks", request_body = WebhookPatch,
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<WebhookPatch>,
) -> ApiResult<web::Json<Webhook>> {
    let mut s = load(&state, id.into_inner()).await?;
    let b = body.into_inner();
    if let Some(events) = b.events {
        check_events(&events)?;
        s.hook.events = events;
    }
    if let Some(headers) = b.headers {
        check_headers(&headers)?;
        s.hook.headers = headers;
    }
    if let Some(secret) = b.secret.filter(|s| !s.is_empty()) {
        signing::decode_secret(&secret)
            .map_err(|e| ApiError::unprocessable(format!("secret: {e}")))?;
        s.sealed_secret = state.secrets.seal(&secret);
    }
    if let Some(url) = b.url {
        s.hook.url = check_url(&state, url).await?;
    }
    if let Some(d) = b.description {
        s.hook.description = d;
    }
    if let Some(active) = b.active {
        s.hook.active = active;
        if active {
            s.hook.disabled_reason = None;
        }
    }
    let (h, sealed) = (s.hook.clone(), s.sealed_secret.clone());
    state.db.run(move |c| store::update(c, &h, &sealed)).await?;
    let id = s.hook.id.clone();
    Ok(web::Json(shown(load(&state, id).await?, &state)))
}

#[utoipa::path(tag = "webhooks", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    if !state.db.run(move |c| store::delete(c, &id)).await? {
        return Err(ApiError::NotFound("webhook"));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Attempt one delivery now, on a blocking thread; record the attempt without scheduling retries.
async fn attempt_now(state: &AppState, delivery_id: String) -> ApiResult<DeliveryAttempt> {
    let st = state.clone();
    let did = delivery_id.clone();
    web::block(move || -> anyhow::Result<()> {
        let conn = st.db.conn()?;
        let p = deliver::prepare(&st, &conn, &did)?.context_missing()?;
        drop(conn);
        let out = deliver::attempt(&st, &p);
        let conn = st.db.conn()?;
        let rec = store::AttemptRecord {
            delivery_id: &did,
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
        store::record_attempt(&conn, &rec, status, None)?;
        Ok(())
    })
    .await
    .map_err(|e| ApiError::internal("delivering", e))??;
    let hook_of = delivery_id.clone();
    let rows = state
        .db
        .run(move |c| -> anyhow::Result<_> {
            let wid = store::delivery(c, &hook_of)?
                .map(|d| d.webhook_id)
                .unwrap_or_default();
            Ok(store::attempts(c, &wid, 200, 0)?)
        })
        .await?;
    rows.into_iter()
        .find(|r| r.delivery_id == delivery_id)
        .ok_or(ApiError::NotFound("delivery"))
}

trait ContextMissing<T> {
    fn context_missing(self) -> anyhow::Result<T>;
}

impl<T> ContextMissing<T> for Option<T> {
    fn context_missing(self) -> anyhow::Result<T> {
        self.ok_or_else(|| anyhow::anyhow!("the delivery or its webhook vanished"))
    }
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = DeliveryAttempt, description = "the attempt, made now"), (status = 404, body = ErrorBody)))]
#[post("/webhooks/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<DeliveryAttempt>> {
    let hook = load(&state, id.into_inner()).await?;
    let data = serde_json::json!({ "message": "Test delivery from Neuromancer", "webhook_id": hook.hook.id, "sent_by": admin.email });
    let wid = hook.hook.id.clone();
    let did = state
        .db
        .run(move |c| deliver::create_manual(c, &wid, "webhook.test", &data))
        .await?;
    Ok(web::Json(attempt_now(&state, did).await?))
}

#[utoipa::path(tag = "webhooks", params(Page), responses((status = 200, body = Vec<DeliveryAttempt>), (status = 404, body = ErrorBody)))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Vec<DeliveryAttempt>>> {
    let hook = load(&state, id.into_inner()).await?;
    let limit = page.limit.unwrap_or(100).clamp(1, 500);
    let offset = page.offset.unwrap_or(0).max(0);
    Ok(web::Json(
        state
            .db
            .run(move |c| store::attempts(c, &hook.hook.id, limit, offset))
            .await?,
    ))
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = DeliveryAttempt, description = "the manual attempt, made now"), (status = 404, body = ErrorBody)))]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    _admin: AdminUser,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<DeliveryAttempt>> {
    let (wid, did) = path.into_inner();
    let d = did.clone();
    let found = state.db.run(move |c| store::delivery(c, &d)).await?;
    if found.is_none_or(|d| d.webhook_id != wid) {
        return Err(ApiError::NotFound("delivery"));
    }
    Ok(web::Json(attempt_now(&state, did).await?))
}
