//! ApiError: every failure a client sees, rendered as `{"detail": "..."}` with the right status.
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Human-readable reason.
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Something the request names (an id in its body or query) does not exist or is not
    /// visible to the caller: 404 with the message as given ("collection 01… not found").
    #[error("{0}")]
    Missing(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{detail}")]
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    BadGateway(String),
    /// A link that existed but has expired (approval links).
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Unavailable(String),
    /// The write lock was not free within its budget: 503 with `Retry-After: 1`.
    #[error("the database is busy; try again shortly")]
    Busy,
    /// Anything unexpected: logged with the request id, shown as "internal error".
    #[error(transparent)]
    Internal(anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }
    pub fn unprocessable(msg: impl Into<String>) -> Self {
        ApiError::Unprocessable(msg.into())
    }
    /// 404 for an id named in the body or query that the caller cannot see.
    pub fn missing(msg: impl Into<String>) -> Self {
        ApiError::Missing(msg.into())
    }
    pub fn unauthorized(msg: impl Into<String>) -> Self {
        ApiError::Unauthorized(msg.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        ApiError::Forbidden(msg.into())
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        ApiError::Conflict(msg.into())
    }
    pub fn too_many(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        ApiError::TooManyRequests {
            detail: detail.into(),
            retry_after_secs: retry_after_secs.max(1),
        }
    }
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        ApiError::Internal(anyhow::anyhow!("{context}: {err}"))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::Missing(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::Unavailable(_) | ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let detail = match self {
            ApiError::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        };
        let mut res = HttpResponse::build(self.status_code());
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if matches!(self, ApiError::Busy) {
            res.insert_header((header::RETRY_AFTER, "1"));
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.json(ErrorBody { detail })
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        crate::db::DbError::from(err).into()
    }
}

impl From<anyhow::Error> for ApiError {
    /// Contention stays a 503 even when it travelled inside an `anyhow::Error`.
    fn from(err: anyhow::Error) -> Self {
        let busy = err.chain().any(|e| {
            matches!(
                e.downcast_ref::<crate::db::DbError>(),
                Some(crate::db::DbError::Busy)
            ) || e
                .downcast_ref::<rusqlite::Error>()
                .is_some_and(crate::db::is_busy)
        });
        if busy {
            ApiError::Busy
        } else {
            ApiError::Internal(err)
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(err: crate::db::DbError) -> Self {
        match err {
            crate::db::DbError::Busy => ApiError::Busy,
            other => ApiError::Internal(anyhow::Error::new(other).context("database")),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        crate::db::DbError::from(err).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

/// Body-parsing failures from actix extractors, mapped to precise statuses.
pub fn json_error(err: actix_web::error::JsonPayloadError) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { length, limit } => ApiError::PayloadTooLarge(format!(
            "body of {length} bytes exceeds the {limit}-byte limit"
        )),
        E::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("body exceeds the {limit}-byte limit"))
        }
        E::ContentType => {
            ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
        }
        E::Deserialize(e) if e.is_data() => ApiError::Unprocessable(format!("invalid body: {e}")),
        E::Deserialize(e) => ApiError::BadRequest(format!("malformed JSON: {e}")),
        E::Serialize(e) => ApiError::internal("serialize", e),
        E::Payload(e) => ApiError::BadRequest(format!("could not read body: {e}")),
        other => ApiError::BadRequest(other.to_string()),
    }
}

pub fn query_error(err: actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::Unprocessable(format!("invalid query string: {err}"))
}

pub fn path_error(err: actix_web::error::PathError) -> ApiError {
    ApiError::Unprocessable(format!("invalid path parameter: {err}"))
}

pub fn payload_error(err: actix_web::error::PayloadError) -> ApiError {
    use actix_web::error::PayloadError as E;
    match err {
        E::Overflow => ApiError::PayloadTooLarge("body exceeds the size limit".into()),
        other => ApiError::BadRequest(format!("could not read body: {other}")),
    }
}

/// A provider that cannot be used: a name that is none of ours is the caller's mistake (422);
/// one that is not configured is a conflict with the server's state that an admin can change
/// (409).
impl From<crate::ai::config::Unusable> for ApiError {
    fn from(e: crate::ai::config::Unusable) -> Self {
        use crate::ai::config::Unusable;
        match e {
            Unusable::Unknown(m) => ApiError::Unprocessable(m),
            Unusable::NotConfigured(m) => ApiError::Conflict(m),
        }
    }
}
