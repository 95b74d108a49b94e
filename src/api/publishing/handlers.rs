//! Thin handlers of /publishing accounts and OAuth: extract, call one domain operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::domain::publishing::accounts::{self, Callback};
use crate::domain::publishing::types::Account;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, put, web};

/// The browser's view of this server (used for redirect URIs when `public_url` is unset).
pub(crate) fn origin(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

#[utoipa::path(tag = "publishing", params(AccountFilter, Page),
    responses((status = 200, body = Paged<Account>), (status = 422, body = ErrorBody)))]
#[get("/publishing/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    viewer: Viewer,
    filter: web::Query<AccountFilter>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Account>>> {
    let f = filter.into_inner();
    Ok(web::Json(
        accounts::list(&state.db, viewer, f.platform, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "publishing", responses((status = 200, body = Account), (status = 404, body = ErrorBody)))]
#[get("/publishing/accounts/{id}")]
pub async fn get_account(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Account>> {
    accounts::get(&state.db, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("account"))
}

#[utoipa::path(tag = "publishing", request_body = UpdateAccountRequest,
    responses((status = 200, body = Account), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[put("/publishing/accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdateAccountRequest>,
) -> ApiResult<web::Json<Account>> {
    let b = body.into_inner();
    Ok(web::Json(
        accounts::update(
            &state.db,
            viewer,
            id.into_inner(),
            b.name,
            b.client_id,
            b.project_id,
        )
        .await?,
    ))
}

#[utoipa::path(tag = "publishing", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/publishing/accounts/{id}")]
pub async fn delete_account(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    accounts::delete(&state.db, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn auth_url(
    state: &AppState,
    viewer: Viewer,
    platform: &'static str,
    q: AuthUrlQuery,
    req: &HttpRequest,
) -> ApiResult<web::Json<AuthUrlResponse>> {
    let url = accounts::auth_url(state, viewer, platform, q.client_id, origin(req)).await?;
    Ok(web::Json(AuthUrlResponse { url }))
}

#[utoipa::path(tag = "publishing", params(AuthUrlQuery),
    responses((status = 200, body = AuthUrlResponse), (status = 409, body = ErrorBody, description = "LinkedIn is not configured"), (status = 422, body = ErrorBody, description = "an unknown client")))]
#[get("/publishing/linkedin/auth-url")]
pub async fn linkedin_auth_url(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<AuthUrlQuery>,
    req: HttpRequest,
) -> ApiResult<web::Json<AuthUrlResponse>> {
    auth_url(&state, viewer, "linkedin", q.into_inner(), &req).await
}

#[utoipa::path(tag = "publishing", params(AuthUrlQuery),
    responses((status = 200, body = AuthUrlResponse), (status = 409, body = ErrorBody, description = "Meta is not configured"), (status = 422, body = ErrorBody, description = "an unknown client")))]
#[get("/publishing/meta/auth-url")]
pub async fn meta_auth_url(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<AuthUrlQuery>,
    req: HttpRequest,
) -> ApiResult<web::Json<AuthUrlResponse>> {
    auth_url(&state, viewer, "meta", q.into_inner(), &req).await
}

/// Back to the SPA's Publishing page with the result in the query.
async fn callback(
    state: &AppState,
    platform: &'static str,
    q: CallbackQuery,
    req: &HttpRequest,
) -> ApiResult<HttpResponse> {
    state
        .limiters
        .public
        .check(&crate::auth::client_ip(req, state.cfg.trust_proxy))?;
    let result = accounts::callback(state, platform, q.code, q.state, q.error).await?;
    let mut target = url::form_urlencoded::Serializer::new(String::new());
    target.append_pair("platform", platform);
    match result {
        Callback::Connected(ids) => target.append_pair("connected", &ids.len().to_string()),
        Callback::Cancelled => target.append_pair("cancelled", "1"),
        Callback::Failed(why) => target.append_pair("error", &why),
    };
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", format!("/publishing?{}", target.finish())))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .finish())
}

#[utoipa::path(tag = "publishing", security(()), params(CallbackQuery),
    responses((status = 303, description = "to /publishing?platform=linkedin&connected=1 | cancelled=1 | error=…"),
        (status = 429, body = ErrorBody)))]
#[get("/publishing/linkedin/callback")]
pub async fn linkedin_callback(
    state: web::Data<AppState>,
    q: web::Query<CallbackQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    callback(&state, "linkedin", q.into_inner(), &req).await
}

#[utoipa::path(tag = "publishing", security(()), params(CallbackQuery),
    responses((status = 303, description = "to /publishing?platform=meta&connected=N | cancelled=1 | error=…"),
        (status = 429, body = ErrorBody)))]
#[get("/publishing/meta/callback")]
pub async fn meta_callback(
    state: web::Data<AppState>,
    q: web::Query<CallbackQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    callback(&state, "meta", q.into_inner(), &req).await
}

async fn status(
    state: &AppState,
    viewer: Viewer,
    platforms: &'static [&'static str],
) -> ApiResult<web::Json<StatusResponse>> {
    let (list, configured) = accounts::status(state, viewer, platforms).await?;
    Ok(web::Json(StatusResponse {
        connected: list.iter().any(|a| a.status == "connected"),
        accounts: list,
        configured,
    }))
}

#[utoipa::path(tag = "publishing", responses((status = 200, body = StatusResponse)))]
#[get("/publishing/linkedin/status")]
pub async fn linkedin_status(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<StatusResponse>> {
    status(&state, viewer, &["linkedin"]).await
}

#[utoipa::path(tag = "publishing", responses((status = 200, body = StatusResponse)))]
#[get("/publishing/meta/status")]
pub async fn meta_status(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<StatusResponse>> {
    status(&state, viewer, &["facebook", "instagram"]).await
}
