//! Supabase sign-in: verify the Supabase access token (HS256 with the project secret, or
//! ES256/RS256 with the project's JWKS), then upsert the user (the API then mints our own token).
//! The algorithm comes from an allow-list; the header only picks among configured verifiers.
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::store::{self, NewUser, UserRow};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::time::Duration;

const JWKS_TTL: Duration = Duration::from_secs(600);
const JWKS_MIN_REFETCH: Duration = Duration::from_secs(30);

pub struct SupabaseSettings {
    pub url: Option<String>,
    pub anon_key: Option<String>,
    pub jwt_secret: Option<String>,
}

/// The Supabase settings (URL without a trailing slash).
pub async fn load_settings(state: &AppState) -> ApiResult<SupabaseSettings> {
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<_> {
            use crate::settings::store::get_string as get;
            Ok(SupabaseSettings {
                url: get(c, &secrets, "supabase_url")?.map(|u| u.trim_end_matches('/').to_string()),
                anon_key: get(c, &secrets, "supabase_anon_key")?,
                jwt_secret: get(c, &secrets, "supabase_jwt_secret")?,
            })
        })
        .await
}

fn fetch_jwks(agent: &ureq::Agent, url: &str) -> anyhow::Result<JwkSet> {
    let mut resp = agent.get(url).call()?;
    anyhow::ensure!(
        resp.status().is_success(),
        "JWKS endpoint answered {}",
        resp.status()
    );
    Ok(serde_json::from_value(crate::net::read_json(&mut resp)?)?)
}

async fn jwks_key(
    state: &AppState,
    project_url: &str,
    kid: Option<&str>,
) -> ApiResult<DecodingKey> {
    let url = format!("{project_url}/auth/v1/.well-known/jwks.json");
    let pick = |set: &JwkSet| -> Option<DecodingKey> {
        let jwk = match kid {
            Some(k) => set.find(k)?,
            None if set.keys.len() == 1 => &set.keys[0],
            None => return None,
        };
        DecodingKey::from_jwk(jwk).ok()
    };
    if let Some(key) = state.jwks.cached(&url, JWKS_TTL).as_ref().and_then(pick) {
        return Ok(key);
    }
    // Unknown kid or stale cache: refetch, but not more than every 30 s (a forged kid must not
    // turn us into a request amplifier).
    if state.jwks.cached(&url, JWKS_MIN_REFETCH).is_none() {
        let u = url.clone();
        let agent = state.http.trusted.clone();
        let set = tokio::task::spawn_blocking(move || fetch_jwks(&agent, &u))
            .await
            .map_err(|e| ApiError::internal("fetching the Supabase JWKS", e))?
            .map_err(|e| ApiError::BadGateway(format!("could not fetch the Supabase JWKS: {e}")))?;
        state.jwks.store(&url, set);
    }
    state
        .jwks
        .cached(&url, JWKS_TTL)
        .as_ref()
        .and_then(pick)
        .ok_or_else(|| ApiError::unauthorized("unknown signing key"))
}

#[derive(Deserialize)]
struct SupabaseClaims {
    sub: Option<String>,
    email: Option<String>,
    role: Option<String>,
    #[serde(default)]
    user_metadata: serde_json::Value,
}

/// Verify a Supabase access token and upsert its user; the signed-in user.
pub async fn exchange(state: &AppState, token: String) -> ApiResult<UserRow> {
    let cfg = load_settings(state).await?;
    if cfg.url.is_none() && cfg.jwt_secret.is_none() {
        return Err(ApiError::bad_request("Supabase sign-in is not configured"));
    }
    let invalid = |why: &str| ApiError::unauthorized(format!("invalid Supabase token: {why}"));
    let header = jsonwebtoken::decode_header(&token).map_err(|_| invalid("malformed"))?;
    let (key, alg) = match header.alg {
        Algorithm::HS256 => {
            let secret = cfg
                .jwt_secret
                .as_deref()
                .ok_or_else(|| invalid("HS256 tokens need supabase_jwt_secret"))?;
            (
                DecodingKey::from_secret(secret.as_bytes()),
                Algorithm::HS256,
            )
        }
        alg @ (Algorithm::ES256 | Algorithm::RS256) => {
            let url = cfg
                .url
                .as_deref()
                .ok_or_else(|| invalid("asymmetric tokens need supabase_url"))?;
            (jwks_key(state, url, header.kid.as_deref()).await?, alg)
        }
        _ => return Err(invalid("algorithm not allowed")),
    };
    let mut validation = Validation::new(alg);
    validation.set_audience(&["authenticated"]);
    validation.set_required_spec_claims(&["exp", "sub", "aud"]);
    validation.leeway = 30;
    let claims = jsonwebtoken::decode::<SupabaseClaims>(&token, &key, &validation)
        .map_err(|e| invalid(&e.to_string()))?
        .claims;
    let sub = claims
        .sub
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("no subject"))?;
    if claims.role.as_deref() != Some("authenticated") {
        return Err(invalid("role is not authenticated"));
    }
    let email = crate::users::Email::parse(claims.email.as_deref().unwrap_or(""))
        .map_err(|_| invalid("no usable email"))?;
    let name = claims.user_metadata["full_name"]
        .as_str()
        .or(claims.user_metadata["name"].as_str())
        .unwrap_or("")
        .to_string();

    let user = state
        .db
        .write(move |tx| -> rusqlite::Result<_> {
            let new = NewUser {
                email: email.as_str(),
                name: &name,
                role: "member",
                password_hash: None,
                auth_provider: "supabase",
                external_id: Some(&sub),
            };
            if let Some(new) = store::insert(tx, &new)? {
                crate::events::emit(
                    tx,
                    "user.created",
                    Some(&new.id),
                    serde_json::json!({ "user_id": new.id, "email": new.email, "role": new.role, "via": "supabase" }),
                )?;
            }
            let user = store::get_by_email(tx, email.as_str())?;
            if let Some(u) = &user {
                store::record_success(tx, &u.id)?;
            }
            Ok(user)
        })
        .await?
        .ok_or_else(|| ApiError::internal("supabase upsert", "user vanished"))?;
    if !user.active {
        return Err(ApiError::unauthorized("account is disabled"));
    }
    Ok(user)
}
