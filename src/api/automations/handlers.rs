//! Thin handlers of /automations (each user manages their own; admins see all).
use super::types::{
    ActionDef, Automation, AutomationIn, AutomationPatch, Page, Run, TestIn, TriggerDef,
};
use super::{catalog, engine, store};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde_json::Value;

#[utoipa::path(tag = "automations", responses((status = 200, body = Vec<TriggerDef>)))]
#[get("/automations/triggers")]
pub async fn triggers(_user: AuthUser) -> web::Json<Vec<TriggerDef>> {
    web::Json(
        crate::api::webhooks::catalog::events()
            .into_iter()
            .map(|e| TriggerDef {
                name: e.name,
                description: e.description,
                fields: e.fields,
                example: e.example,
                admin_only: e.admin_only,
            })
            .collect(),
    )
}

#[utoipa::path(tag = "automations", responses((status = 200, body = Vec<ActionDef>)))]
#[get("/automations/actions")]
pub async fn action_catalog(_user: AuthUser) -> web::Json<Vec<ActionDef>> {
    web::Json(catalog::actions())
}

/// Everything that can be checked before storing: catalog names, required fields, targets, URLs.
async fn validate(state: &AppState, user: &AuthUser, a: &Automation) -> ApiResult<()> {
    let bad = |m: String| Err(ApiError::Unprocessable(m));
    if a.name.trim().is_empty() || a.name.len() > 200 {
        return bad("name: 1 to 200 characters".into());
    }
    let Some(trigger) = crate::api::webhooks::catalog::find(&a.trigger) else {
        return bad(format!(
            "trigger: unknown trigger {:?} (see GET /automations/triggers)",
            a.trigger
        ));
    };
    if trigger.admin_only && !user.is_admin() {
        return Err(ApiError::forbidden(format!(
            "only admins may automate {}",
            a.trigger
        )));
    }
    for c in &a.conditions {
        if c.field.trim().is_empty() {
            return bad("conditions: every condition needs a field".into());
        }
        if !engine::OPS.contains(&c.op.as_str()) {
            return bad(format!(
                "conditions: unknown op {:?} (one of {})",
                c.op,
                engine::OPS.join(", ")
            ));
        }
    }
    let Some(action) = catalog::find(&a.action) else {
        return bad(format!(
            "action: unknown action {:?} (see GET /automations/actions)",
            a.action
        ));
    };
    if !action.available {
        return bad(format!(
            "action: {} is not available yet (the area it needs is not part of this build)",
            a.action
        ));
    }
    if !a.action_config.is_object() {
        return bad("action_config: must be an object".into());
    }
    let cfg = |k: &str| {
        a.action_config
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    for f in &action.config {
        if f.required && cfg(f.name).is_none() {
            return bad(format!("action_config.{}: required", f.name));
        }
        if let Some(v) = cfg(f.name)
            && f.kind == "select"
            && !f.options.contains(&v)
        {
            return bad(format!(
                "action_config.{}: one of {}",
                f.name,
                f.options.join(", ")
            ));
        }
    }
    if a.action == "notify" {
        match cfg("target").unwrap_or("owner") {
            "broadcast" if !user.is_admin() => {
                return Err(ApiError::forbidden(
                    "only admins may broadcast notifications",
                ));
            }
            "user" => {
                let Some(uid) = cfg("user_id").map(str::to_string) else {
                    return bad("action_config.user_id: required when target is \"user\"".into());
                };
                if !state
                    .db
                    .run(move |c| crate::api::notifications::store::user_exists(c, &uid))
                    .await?
                {
                    return bad("action_config.user_id: no such active user".into());
                }
            }
            _ => {}
        }
    }
    if a.action == "send_webhook" {
        if let Some(s) = cfg("secret") {
            crate::api::webhooks::signing::decode_secret(s)
                .map_err(|e| ApiError::unprocessable(format!("action_config.secret: {e}")))?;
        }
        let url = cfg("url").unwrap_or_default().to_string();
        let st = state.clone();
        let allow = state
            .db
            .run(move |c| crate::settings::store::allow_private_network(c, &st.secrets))
            .await?;
        web::block(move || crate::net::check_public_url(&url, allow))
            .await
            .map_err(|e| ApiError::internal("checking the URL", e))?
            .map_err(|e| ApiError::unprocessable(format!("action_config.url: {e}")))?;
    }
    Ok(())
}

#[utoipa::path(tag = "automations", responses((status = 200, body = Vec<Automation>)))]
#[get("/automations/")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<Automation>>> {
    let (uid, admin) = (user.id.clone(), user.is_admin());
    Ok(web::Json(
        state.db.run(move |c| store::list(c, &uid, admin)).await?,
    ))
}

#[utoipa::path(tag = "automations", request_body = AutomationIn,
    responses((status = 201, body = Automation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/automations/")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<AutomationIn>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = crate::time::now_rfc3339();
    let a = Automation {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: user.id.clone(),
        name: b.name.trim().to_string(),
        trigger: b.trigger,
        conditions: b.conditions.unwrap_or_default(),
        action: b.action,
        action_config: b.action_config.unwrap_or_else(|| serde_json::json!({})),
        active: b.active.unwrap_or(true),
        created_at: now.clone(),
        updated_at: now,
    };
    validate(&state, &user, &a).await?;
    let row = a.clone();
    state.db.run(move |c| store::upsert(c, &row)).await?;
    Ok(HttpResponse::Created().json(a))
}

async fn load(state: &AppState, user: &AuthUser, id: String) -> ApiResult<Automation> {
    let (uid, admin) = (user.id.clone(), user.is_admin());
    state
        .db
        .run(move |c| store::get(c, &id, &uid, admin))
        .await?
        .ok_or(ApiError::NotFound("automation"))
}

#[utoipa::path(tag = "automations", responses((status = 200, body = Automation), (status = 404, body = ErrorBody)))]
#[get("/automations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Automation>> {
    Ok(web::Json(load(&state, &user, id.into_inner()).await?))
}

#[utoipa::path(tag = "automations", request_body = AutomationPatch,
    responses((status = 200, body = Automation), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/automations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<AutomationPatch>,
) -> ApiResult<web::Json<Automation>> {
    let mut a = load(&state, &user, id.into_inner()).await?;
    let b = body.into_inner();
    if let Some(v) = b.name {
        a.name = v.trim().to_string();
    }
    if let Some(v) = b.trigger {
        a.trigger = v;
    }
    if let Some(v) = b.conditions {
        a.conditions = v;
    }
    if let Some(v) = b.action {
        a.action = v;
    }
    if let Some(v) = b.action_config {
        a.action_config = v;
    }
    if let Some(v) = b.active {
        a.active = v;
    }
    a.updated_at = crate::time::now_rfc3339();
    validate(&state, &user, &a).await?;
    let row = a.clone();
    state.db.run(move |c| store::upsert(c, &row)).await?;
    Ok(web::Json(a))
}

#[utoipa::path(tag = "automations", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/automations/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let a = load(&state, &user, id.into_inner()).await?;
    state.db.run(move |c| store::delete(c, &a.id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "automations", params(Page), responses((status = 200, body = Vec<Run>), (status = 404, body = ErrorBody)))]
#[get("/automations/{id}/runs")]
pub async fn runs(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Vec<Run>>> {
    let a = load(&state, &user, id.into_inner()).await?;
    let limit = page.limit.unwrap_or(50).clamp(1, 500);
    let offset = page.offset.unwrap_or(0).max(0);
    Ok(web::Json(
        state
            .db
            .run(move |c| store::runs(c, &a.id, limit, offset))
            .await?,
    ))
}

#[utoipa::path(tag = "automations", request_body = TestIn,
    responses((status = 200, body = Run, description = "the finished test run (status succeeded or failed)"), (status = 404, body = ErrorBody)))]
#[post("/automations/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: Option<web::Json<TestIn>>,
) -> ApiResult<web::Json<Run>> {
    let a = load(&state, &user, id.into_inner()).await?;
    let payload = body
        .and_then(|b| b.into_inner().payload)
        .or_else(|| crate::api::webhooks::catalog::find(&a.trigger).map(|d| d.example))
        .unwrap_or_else(|| serde_json::json!({}));
    if !payload.is_object() {
        return Err(ApiError::unprocessable("payload: must be an object"));
    }
    let aid = a.id.clone();
    let trigger = a.trigger.clone();
    let run_id = state
        .db
        .run(move |c| {
            store::insert_run(
                c,
                &store::NewRun {
                    automation_id: &aid,
                    event_id: None,
                    trigger: &trigger,
                    payload: &payload,
                    depth: 0,
                    is_test: true,
                    status: "queued",
                    error: None,
                },
            )
        })
        .await?
        .ok_or_else(|| ApiError::internal("test run", "not inserted"))?;
    let st = state.clone();
    let run = web::block(move || engine::execute(&st, &run_id))
        .await
        .map_err(|e| ApiError::internal("running the test", e))??
        .ok_or(ApiError::NotFound("automation"))?;
    Ok(web::Json(run))
}
