//! The one outbound HTTP client (ureq, blocking: call it from worker threads or `web::block`).
//!
//! Timeouts, size caps and the SSRF guard live here, once. User-supplied URLs (imports,
//! webhooks, fetched pages) go through a *guarded* agent whose resolver refuses loopback,
//! private, link-local (incl. 169.254.169.254), unique-local, multicast, unspecified and
//! IPv4-mapped forms of them. The connection is made to the very address that was checked (no
//! DNS rebinding window), and every redirect hop is resolved — and checked — again.
mod url;

pub use url::{HTTP_URL_PATTERN, HttpUrl, UrlRefused, check_public_url, check_url, is_forbidden};
use url::{ResolveError, resolve_checked};

use std::time::Duration;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

pub const MAX_RESPONSE_BYTES: u64 = 20 * 1024 * 1024;
const USER_AGENT: &str = concat!("neuromancer/", env!("CARGO_PKG_VERSION"));

/// A resolver that only ever hands ureq addresses that passed the policy.
#[derive(Debug)]
struct GuardedResolver {
    allow_private: bool,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = resolve_checked(uri, self.allow_private).map_err(|e| match e {
            ResolveError::Refused(r) => {
                ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::PermissionDenied, r))
            }
            ResolveError::NotFound => ureq::Error::HostNotFound,
        })?;
        let mut out = self.empty();
        out.truncate(0);
        for a in addrs.into_iter().take(16) {
            out.push(a);
        }
        Ok(out)
    }
}

/// The refusal behind a ureq error, if the guard refused the connection.
pub fn refused(err: &ureq::Error) -> Option<String> {
    match err {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            Some(io.to_string())
        }
        _ => None,
    }
}

fn base_config(
    timeout: Duration,
    redirects: u32,
) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(timeout))
        .max_redirects(redirects)
        // Concurrent senders (e.g. a burst of scheduled posts) reuse their connections.
        .max_idle_connections(64)
        .max_idle_connections_per_host(32)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
}

/// The outbound agents, built once and shared (each keeps its own connection pool).
#[derive(Clone)]
pub struct Http {
    /// Admin-configured services (LLM providers, Supabase…): no address policy.
    pub trusted: ureq::Agent,
    guarded: [ureq::Agent; 4],
}

impl Default for Http {
    fn default() -> Self {
        let guarded = |allow_private: bool, redirects: u32| {
            let cfg = base_config(Duration::from_secs(30), redirects)
                .proxy(None)
                .build();
            ureq::Agent::with_parts(
                cfg,
                DefaultConnector::default(),
                GuardedResolver { allow_private },
            )
        };
        Http {
            trusted: base_config(Duration::from_secs(120), 5).build().new_agent(),
            guarded: [
                guarded(false, 5),
                guarded(false, 0),
                guarded(true, 5),
                guarded(true, 0),
            ],
        }
    }
}

impl Http {
    /// Agent for a user-supplied URL. `allow_private` comes from the admin setting.
    pub fn user_url(&self, allow_private: bool, follow_redirects: bool) -> &ureq::Agent {
        &self.guarded[usize::from(allow_private) * 2 + usize::from(!follow_redirects)]
    }
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

/// Read a body as text with the size cap.
pub fn read_text(
    resp: &mut ureq::http::Response<ureq::Body>,
    limit: u64,
) -> anyhow::Result<String> {
    Ok(resp
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_string()?)
}

/// A response's `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; a date in the
/// past means "now".
pub fn retry_after(resp: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let v = resp.headers().get("retry-after")?.to_str().ok()?.trim();
    parse_retry_after(v, chrono::Utc::now())
}

fn parse_retry_after(v: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some((at.to_utc() - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
