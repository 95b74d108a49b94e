//! Who is calling: bearer-token authentication (checked before routing), the `AuthUser` /
//! `AdminUser` extractors, and the public allow-list of the reference. Below it: the identity
//! operations the API and the CLI share (login, password change, second factor, Supabase exchange).
pub mod identity_store;
pub mod jwks;
pub mod jwt;
pub mod lockout;
pub mod login;
pub mod mfa;
pub mod mfa_store;
pub mod password;
pub mod proxy;
pub mod rate_limit;
pub mod sessions;
pub mod supabase;
pub mod tickets;
pub mod totp;

use crate::error::ApiError;
use crate::state::AppState;
use crate::users::store::{self as users, UserRow};
use actix_web::dev::{Payload, ServiceRequest};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use std::future::{Ready, ready};
use std::net::IpAddr;

/// The authenticated caller (from the database, through the two-second session cache).
#[derive(Debug, Clone)]
pub struct AuthUser(pub UserRow);

impl std::ops::Deref for AuthUser {
    type Target = UserRow;
    fn deref(&self) -> &UserRow {
        &self.0
    }
}

impl AuthUser {
    pub fn is_admin(&self) -> bool {
        self.0.role == "admin"
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<AuthUser>()
                .cloned()
                .ok_or_else(|| ApiError::unauthorized("authentication required")),
        )
    }
}

/// An authenticated admin; members get 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl std::ops::Deref for AdminUser {
    type Target = UserRow;
    fn deref(&self) -> &UserRow {
        &self.0.0
    }
}

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = req.extensions().get::<AuthUser>().cloned();
        ready(match user {
            Some(u) if u.is_admin() => Ok(AdminUser(u)),
            Some(_) => Err(ApiError::forbidden("admin role required")),
            None => Err(ApiError::unauthorized("authentication required")),
        })
    }
}

/// Paths under /api/v1 reachable without a token (the reference's public allow-list).
pub fn is_public(path_in_api: &str) -> bool {
    const EXACT: &[&str] = &[
        "/health",
        "/auth/login",
        "/auth/status",
        "/auth/supabase-config",
        "/auth/supabase-exchange",
        "/openapi.json",
        "/publishing/linkedin/callback",
        "/publishing/meta/callback",
    ];
    const PREFIX: &[&str] = &[
        "/approvals/public/",
        "/screenshots",
        "/assets",
        "/docs",
        "/redoc",
    ];
    EXACT.contains(&path_in_api) || PREFIX.iter().any(|p| path_in_api.starts_with(p))
}

/// The one route that also opens with a ticket (`?ticket=`, see [`tickets`]): EventSource cannot
/// send headers, and a login token in a URL would end up in logs.
const TICKET_PATH: &str = "/api/v1/notifications/stream";

fn query_ticket(req: &ServiceRequest) -> Option<&str> {
    if req.method() != actix_web::http::Method::GET || req.path() != TICKET_PATH {
        return None;
    }
    req.query_string()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "ticket")
        .map(|(_, v)| v)
        .filter(|t| !t.is_empty())
}

fn bearer(req: &ServiceRequest) -> Option<&str> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Verify the bearer token (or, on the stream route, redeem the ticket) and load the user; the
/// user must be active and a token must carry the user's current token version. Any failure is
/// the same 401. The session's end goes into the request too ([`SessionEnd`]).
pub async fn authenticate(state: &AppState, req: &ServiceRequest) -> Result<AuthUser, ApiError> {
    let invalid = || ApiError::unauthorized("invalid or expired token");
    if let Some(token) = bearer(req) {
        let claims = state.jwt.verify(token).ok_or_else(invalid)?;
        let user = load_user(state, claims.sub).await?.ok_or_else(invalid)?;
        if !user.active || user.token_version != claims.tv {
            return Err(invalid());
        }
        req.extensions_mut().insert(SessionEnd(claims.exp));
        return Ok(AuthUser(user));
    }
    let ticket = query_ticket(req).ok_or_else(|| ApiError::unauthorized("missing bearer token"))?;
    let invalid = || ApiError::unauthorized("invalid, spent or expired ticket");
    let session = state.tickets.redeem(ticket).ok_or_else(invalid)?;
    let user = load_user(state, session.user_id)
        .await?
        .ok_or_else(invalid)?;
    if !user.active
        || user.token_version != session.token_version
        || session.ends_at <= crate::time::now_secs()
    {
        return Err(invalid());
    }
    req.extensions_mut().insert(SessionEnd(session.ends_at));
    Ok(AuthUser(user))
}

/// When the caller's session ends (its token's `exp`, unix seconds): long-lived streams stop
/// then, or sooner when [`session_alive`] says the session was ended.
#[derive(Debug, Clone, Copy)]
pub struct SessionEnd(pub i64);

impl FromRequest for SessionEnd {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<SessionEnd>()
                .copied()
                .ok_or_else(|| ApiError::unauthorized("authentication required")),
        )
    }
}

/// How often long-lived streams re-check their session.
pub const SESSION_CHECK: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether the session behind a long-lived stream still holds: not expired, the user still
/// active and on the same token version (a password change or an MFA switch ends sessions).
pub async fn session_alive(state: &AppState, user: &UserRow, end: SessionEnd) -> bool {
    if end.0 <= crate::time::now_secs() {
        return false;
    }
    match load_user(state, user.id.clone()).await {
        Ok(Some(now)) => now.active && now.token_version == user.token_version,
        Ok(None) => false,
        // A busy database is no reason to cut a stream; the next check decides.
        Err(_) => true,
    }
}

/// The user, through the two-second session cache.
async fn load_user(state: &AppState, id: String) -> Result<Option<UserRow>, ApiError> {
    if let Some(user) = state.sessions.get(&id) {
        return Ok(Some(user));
    }
    let user = state.db.read(move |c| users::get(c, &id)).await?;
    if let Some(u) = &user {
        state.sessions.put(u.clone());
    }
    Ok(user)
}

pub fn attach(req: &ServiceRequest, user: AuthUser) {
    req.extensions_mut().insert(user);
}

/// The client's IP: the socket peer, or with trusted proxies the right-most X-Forwarded-For hop
/// that is not one of them (see [`proxy::TrustProxy::client`]).
pub fn client_ip(req: &HttpRequest, trust_proxy: proxy::TrustProxy) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| proxy::canonical(a.ip()))
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if trust_proxy == proxy::TrustProxy::Off {
        return peer;
    }
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    trust_proxy.client(peer, &hops)
}
