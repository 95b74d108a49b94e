//! The one outbound HTTP client (ureq, blocking: call it from worker threads or `web::block`).
//! Timeouts and response-size caps are set here, once.
use std::time::Duration;

pub const MAX_RESPONSE_BYTES: u64 = 20 * 1024 * 1024;

/// Agent for calls to providers and services configured by an admin.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(60)))
        .max_redirects(5)
        .http_status_as_error(false)
        .user_agent(concat!("neuromancer/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// Agent for the CLI talking to its own server on loopback.
pub fn local_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent()
}

/// Read a JSON body with the size cap.
pub fn read_json(resp: &mut ureq::http::Response<ureq::Body>) -> anyhow::Result<serde_json::Value> {
    let text = resp
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_string()?;
    Ok(serde_json::from_str(&text)?)
}
