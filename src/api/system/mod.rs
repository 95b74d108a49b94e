//! /health: liveness plus a real database round trip, and the WAL as an operator needs to see it.
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
    /// The write-ahead log: a WAL that keeps growing while `last_checkpoint_at` stays old means
    /// checkpoints (and, under Litestream, replication) have stalled. Sizes only, no content:
    /// monitors read this without a token.
    pub wal: WalHealth,
    /// The in-memory first pass of vector search (large stores only).
    pub vector_index: VectorIndexHealth,
}

#[derive(Serialize, ToSchema)]
pub struct VectorIndexHealth {
    /// `loading` while it loads in the background after a start (searches are answered without
    /// it meanwhile), `ready` once loaded, `none` when the store is small enough to scan exactly.
    #[schema(example = "ready")]
    pub state: String,
    /// Vectors it holds.
    pub vectors: i64,
}

#[derive(Serialize, ToSchema)]
pub struct WalHealth {
    /// Who checkpoints the WAL: `app` (default) or `litestream` (`NEUROMANCER_LITESTREAM=1`).
    #[schema(example = "app")]
    pub checkpoints: String,
    /// Bytes of WAL written since it last restarted.
    pub bytes: i64,
    /// Of those, bytes already copied back into the database file.
    pub checkpointed_bytes: i64,
    /// When this server last saw a checkpoint (RFC 3339); null when none since it started.
    pub last_checkpoint_at: Option<String>,
}

fn unavailable<E>(_: E) -> crate::error::ApiError {
    crate::error::ApiError::Unavailable("database unavailable".into())
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
        .map_err(unavailable)?;
    let wal = state.db.wal_status().await.map_err(unavailable)?;
    Ok(web::Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        db: "ok".into(),
        wal: WalHealth {
            checkpoints: wal.checkpoints.as_str().into(),
            bytes: wal.wal_bytes,
            checkpointed_bytes: wal.checkpointed_bytes,
            last_checkpoint_at: wal.last_checkpoint_at,
        },
        vector_index: {
            let (state, vectors) = state.ann.status();
            VectorIndexHealth {
                state: state.into(),
                vectors: vectors as i64,
            }
        },
    }))
}
