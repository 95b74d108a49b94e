//! Thin handlers of /approvals. The public page answers JSON, or HTML to a browser (`Accept:
//! text/html`, or a form post), rate limited per IP apart from the API.
use super::types::*;
use crate::access::Viewer;
use crate::domain::approvals::{self as domain, page, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, delete, get, post, web};

#[utoipa::path(tag = "approvals", params(Page), responses((status = 200, body = Paged<Approval>)))]
#[get("/approvals")]
pub async fn list_approvals(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Approval>>> {
    domain::list(&state.db, viewer, None, page.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("content"))
}

#[utoipa::path(tag = "approvals", request_body(content = Option<CreateApprovalRequest>, description = "optional: no body makes a link with the defaults"),
    responses((status = 201, body = CreatedApproval), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[post("/approvals/content/{content_id}")]
pub async fn create_approval(
    state: web::Data<AppState>,
    viewer: Viewer,
    content_id: web::Path<String>,
    body: crate::api::optional_json::OptionalJson<CreateApprovalRequest>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner().unwrap_or_default();
    let link = domain::NewLink {
        reviewer_name: b.reviewer_name,
        reviewer_email: b.reviewer_email,
        message: b.message,
        expires_in_hours: b.expires_in_hours,
    };
    let origin = crate::api::publishing::handlers::origin(&req);
    let created = domain::create(&state, viewer, content_id.into_inner(), link, origin).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(created))
}

#[utoipa::path(tag = "approvals", params(Page),
    responses((status = 200, body = Paged<Approval>), (status = 404, body = ErrorBody)))]
#[get("/approvals/content/{content_id}")]
pub async fn list_content_approvals(
    state: web::Data<AppState>,
    viewer: Viewer,
    content_id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Approval>>> {
    domain::list(
        &state.db,
        viewer,
        Some(content_id.into_inner()),
        page.into_inner(),
    )
    .await?
    .map(web::Json)
    .ok_or(ApiError::NotFound("content"))
}

#[utoipa::path(tag = "approvals", responses((status = 200, body = Approval), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already decided")))]
#[delete("/approvals/{id}")]
pub async fn revoke_approval(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Approval>> {
    Ok(web::Json(
        domain::revoke(&state.db, viewer, id.into_inner()).await?,
    ))
}

fn wants_html(req: &HttpRequest) -> bool {
    let has = |name: header::HeaderName, what: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(what))
    };
    has(header::ACCEPT, "text/html")
        || has(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// The page's headers: no caching, no referrer (the token is in the URL), no framing, no
/// scripts.
fn html(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .body(body)
}

fn html_error(e: &ApiError) -> HttpResponse {
    let heading = match e {
        ApiError::NotFound(_) => "This approval link does not exist",
        ApiError::Gone(_) => "This approval link has expired",
        ApiError::Conflict(_) => "This post was already answered",
        ApiError::TooManyRequests { .. } => "Too many requests",
        _ => "This request could not be completed",
    };
    html(e.status_code(), page::render_error(heading, &e.to_string()))
}

fn limit(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    state
        .limiters
        .public
        .check(&crate::auth::client_ip(req, state.cfg.trust_proxy))
}

#[utoipa::path(tag = "approvals", security(()),
    responses((status = 200, description = "the post to review: JSON, or the page for Accept: text/html",
            content((PublicApproval = "application/json"), (String = "text/html"))),
        (status = 404, body = ErrorBody, description = "unknown or revoked link"),
        (status = 410, body = ErrorBody, description = "expired link"), (status = 429, body = ErrorBody)))]
#[get("/approvals/public/{token}")]
pub async fn view_public(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let result = match limit(&state, &req) {
        Ok(()) => domain::view(&state, token.into_inner()).await,
        Err(e) => Err(e),
    };
    match (wants_html(&req), result) {
        (true, Ok(v)) => Ok(html(
            actix_web::http::StatusCode::OK,
            page::render(&v, None),
        )),
        (true, Err(e)) => Ok(html_error(&e)),
        (false, Ok(v)) => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(v)),
        (false, Err(e)) => Err(e),
    }
}

fn parse_decision(req: &HttpRequest, body: &[u8]) -> ApiResult<DecisionRequest> {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        let mut d = DecisionRequest {
            decision: String::new(),
            comment: None,
            name: None,
        };
        for (k, v) in url::form_urlencoded::parse(body) {
            match k.as_ref() {
                "decision" => d.decision = v.into_owned(),
                "comment" => d.comment = Some(v.into_owned()),
                "name" => d.name = Some(v.into_owned()),
                _ => {}
            }
        }
        return Ok(d);
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::unprocessable(format!("invalid decision body: {e}")))
}

#[utoipa::path(tag = "approvals", security(()),
    request_body(content((DecisionRequest = "application/json"), (DecisionRequest = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "the decision is recorded: the link as it now reads (JSON), or the page with a confirmation",
            content((PublicApproval = "application/json"), (String = "text/html"))),
        (status = 404, body = ErrorBody, description = "unknown or revoked link"),
        (status = 409, body = ErrorBody, description = "a decision was already recorded"),
        (status = 410, body = ErrorBody, description = "expired link"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/approvals/public/{token}")]
pub async fn decide_public(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    let result = async {
        limit(&state, &req)?;
        let d = parse_decision(&req, &body)?;
        let approve = match d.decision.as_str() {
            "approve" => true,
            "reject" => false,
            _ => {
                return Err(ApiError::unprocessable(
                    "decision must be approve or reject",
                ));
            }
        };
        domain::decide(&state, token.clone(), approve, d.comment, d.name).await?;
        domain::view(&state, token.clone()).await
    }
    .await;
    match (wants_html(&req), result) {
        (true, Ok(v)) => {
            let notice = if v.status == "approved" {
                "Thank you — you approved this post."
            } else {
                "Thank you — your request for changes was sent."
            };
            Ok(html(
                actix_web::http::StatusCode::OK,
                page::render(&v, Some(notice)),
            ))
        }
        (true, Err(e)) => Ok(html_error(&e)),
        (false, Ok(v)) => Ok(HttpResponse::Ok().json(v)),
        (false, Err(e)) => Err(e),
    }
}
