//! JSON Schema counts `4.0` as an integer; serde does not. This layer rewrites whole-valued
//! floats in JSON request bodies (`4.0`, `1e3`) as integers before any handler reads them, so a
//! client that serialises every number as a float (common in Python and some generators) is
//! read as the document promises. Floats with a fraction are left alone and still refused by
//! integer fields; bodies over the JSON limit are passed on untouched for the usual 413. A body
//! that is a JSON array is refused with 422: every body of this API is an object.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use futures_util::StreamExt;
use serde_json::{Number, Value};

/// The largest magnitude written back as an integer: beyond 2^53 a float holds no exact integer.
const EXACT: f64 = 9_007_199_254_740_992.0;

pub async fn whole_numbers(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let is_json = req.content_type() == "application/json";
    let limit = req
        .app_data::<web::Data<crate::state::AppState>>()
        .map_or(usize::MAX, |s| s.cfg.json_limit);
    if is_json {
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        let mut too_big = false;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            body.extend_from_slice(&chunk);
            if body.len() > limit {
                too_big = true;
                break;
            }
        }
        let body = body.freeze();
        // Every JSON body of this API is an object; serde would read a struct from an array too
        // (`[null, null]` as "both fields left out"), so that is refused here, once.
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            return Err(crate::error::ApiError::unprocessable(
                "the body must be a JSON object, not an array",
            )
            .into());
        }
        let body = if too_big { body } else { rewrite(body) };
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    next.call(req).await
}

fn rewrite(body: web::Bytes) -> web::Bytes {
    if !body.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return body;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    if !whole(&mut v) {
        return body;
    }
    serde_json::to_vec(&v).map(web::Bytes::from).unwrap_or(body)
}

/// Turn whole-valued floats into integers; true when something changed.
fn whole(v: &mut Value) -> bool {
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() <= EXACT {
                *n = Number::from(f as i64);
                true
            } else {
                false
            }
        }
        Value::Array(items) => items.iter_mut().fold(false, |acc, i| whole(i) | acc),
        Value::Object(map) => map.values_mut().fold(false, |acc, i| whole(i) | acc),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_become_integers_and_the_rest_stays() {
        let out = rewrite(web::Bytes::from_static(
            br#"{"a": 4.0, "b": [1e3, 2.5], "c": {"d": -0.0}, "e": "4.0", "f": 1e300}"#,
        ));
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["a"], serde_json::json!(4));
        assert_eq!(v["b"], serde_json::json!([1000, 2.5]));
        assert_eq!(v["c"]["d"], serde_json::json!(0));
        assert_eq!(v["e"], "4.0");
        assert!(v["f"].is_f64());
    }

    #[test]
    fn bodies_without_floats_or_not_json_pass_unchanged() {
        let same = web::Bytes::from_static(br#"{"a": 4, "b": "text"}"#);
        assert_eq!(rewrite(same.clone()), same);
        let broken = web::Bytes::from_static(b"{\"a\": 4.0");
        assert_eq!(rewrite(broken.clone()), broken);
    }
}
