//! /health: liveness plus a real database round trip.
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    pub version: String,
    pub db: String,
}

#[utoipa::path(tag = "system", security(()), responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    // Reading the schema cookie touches the file itself, not just the connection.
    state
        .db
        .read(|c| -> rusqlite::Result<i64> {
            c.pragma_query_value(None, "schema_version", |r| r.get(0))
        })
        .await
        .map_err(|_| crate::error::ApiError::Unavailable("database unavailable".into()))?;
    Ok(web::Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        db: "ok".into(),
    }))
}
