//! One outside answer, read the same way for every platform: status, JSON body (or `null`),
//! the headers publishing needs, and a transport failure kept apart from an HTTP refusal (no
//! answer means the request may still have arrived).
use serde_json::Value;

pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// LinkedIn's `x-restli-id` (the new post's URN).
    pub restli_id: Option<String>,
    pub retry_after_ms: Option<i64>,
    /// Set when no HTTP answer arrived.
    pub transport: Option<String>,
    /// With `transport`: whether the request may have reached the platform (false when the
    /// connection was never made, or the address policy refused it).
    pub maybe_sent: bool,
    /// With `transport`: the address policy refused the host (a setting to change, not a fault).
    pub refused: bool,
}

pub fn answer(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    match resp {
        Ok(mut r) => {
            let header = |n: &str| {
                r.headers()
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let restli_id = header("x-restli-id");
            let retry_after_ms = crate::net::retry_after(&r).map(|d| d.as_millis() as i64);
            let status = r.status().as_u16();
            let body = crate::net::read_json(&mut r).unwrap_or(Value::Null);
            Answer {
                status,
                body,
                restli_id,
                retry_after_ms,
                transport: None,
                maybe_sent: true,
                refused: false,
            }
        }
        Err(e) => {
            let refused = crate::net::refused(&e);
            let not_connected =
                matches!(e, ureq::Error::HostNotFound | ureq::Error::ConnectionFailed);
            Answer {
                status: 0,
                body: Value::Null,
                restli_id: None,
                retry_after_ms: None,
                maybe_sent: refused.is_none() && !not_connected,
                refused: refused.is_some(),
                transport: Some(match refused {
                    Some(r) => format!(
                        "{r} (an admin may allow private addresses with allow_private_network)"
                    ),
                    None => format!("no answer from the platform: {e}"),
                }),
            }
        }
    }
}

/// What a missing answer means for the post: refused by policy (fails), never connected (retry
/// later), or possibly delivered (look it up before sending again).
pub fn transport_outcome(a: &Answer) -> Option<super::types::Outcome> {
    use super::types::Outcome;
    let e = a.transport.clone()?;
    Some(if a.refused {
        Outcome::Failed(e)
    } else if !a.maybe_sent {
        Outcome::Retry {
            after_ms: 30_000,
            reason: e,
        }
    } else {
        Outcome::Uncertain(e)
    })
}
