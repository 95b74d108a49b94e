//! `OptionalJson<T>`: a JSON body that may be left out. No body, an empty one or `null` is `None`; a
//! body that is there is read exactly like `web::Json<T>` — a malformed or mistyped one is
//! refused with the usual 400/415/422, never silently ignored.
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

pub struct OptionalJson<T>(pub Option<T>);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

fn has_body(req: &HttpRequest) -> bool {
    let headers = req.headers();
    if headers.contains_key(actix_web::http::header::TRANSFER_ENCODING) {
        return true;
    }
    headers
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > 0)
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !has_body(req) {
            return Box::pin(async { Ok(OptionalJson(None)) });
        }
        let json = web::Json::<Option<T>>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(json.await?.into_inner())) })
    }
}
