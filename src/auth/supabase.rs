//! Supabase sign-in: verify the Supabase access token (HS256 with the project secret, or
//! ES256/RS256 with the project's JWKS, issuer checked), then find the account linked to its `sub`
//! (the API then mints our own token), or link the identity to a signed-in account.
//! The algorithm comes from an allow-list; the header only picks among configured verifiers.
use super::identity_store;
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

/// A verified Supabase identity.
struct Identity {
    sub: String,
    email: crate::users::Email,
    name: String,
}

const PROVIDER: &str = "supabase";

/// Verify a Supabase access token: signature, `exp`, `aud`, `role` and `iss` (the project's
/// `{supabase_url}/auth/v1`, so a token of another project signed with a shared secret fails).
async fn verify(state: &AppState, token: &str) -> ApiResult<Identity> {
    let cfg = load_settings(state).await?;
    let Some(url) = cfg.url.as_deref() else {
        return Err(ApiError::conflict(
            "Supabase sign-in is not configured (supabase_url is not set)",
        ));
    };
    let invalid = |why: &str| ApiError::unauthorized(format!("invalid Supabase token: {why}"));
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed"))?;
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
            (jwks_key(state, url, header.kid.as_deref()).await?, alg)
        }
        _ => return Err(invalid("algorithm not allowed")),
    };
    let mut validation = Validation::new(alg);
    validation.set_audience(&["authenticated"]);
    validation.set_issuer(&[format!("{url}/auth/v1")]);
    validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
    validation.leeway = 30;
    let claims = jsonwebtoken::decode::<SupabaseClaims>(token, &key, &validation)
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
    Ok(Identity { sub, email, name })
}

/// How the exchange found (or made) the account.
enum Found {
    User(Box<UserRow>),
    /// The email belongs to an account not linked to this Supabase identity.
    Unlinked,
    /// Nobody has the email, and the admin turned sign-up through Supabase off.
    RegistrationClosed,
}

/// Verify a Supabase access token and sign its linked account in: found by (provider, `sub`) only,
/// created as a member when nobody has the email (unless `supabase_auto_register` is off), with
/// the account's lockout, deactivation and second factor honoured like a password login.
pub async fn exchange(
    state: &AppState,
    ip: std::net::IpAddr,
    token: String,
    totp_code: Option<String>,
) -> ApiResult<UserRow> {
    let id = verify(state, &token).await?;
    let secrets = state.secrets.clone();
    let found = state
        .db
        .write(move |tx| -> anyhow::Result<Found> {
            if let Some(user_id) = identity_store::user_for(tx, PROVIDER, &id.sub)? {
                return Ok(store::get(tx, &user_id)?.map_or(Found::Unlinked, |u| Found::User(Box::new(u))));
            }
            if store::get_by_email(tx, id.email.as_str())?.is_some() {
                return Ok(Found::Unlinked);
            }
            let open = crate::settings::store::get_bool(tx, &secrets, "supabase_auto_register")?
                .unwrap_or(true);
            if !open {
                return Ok(Found::RegistrationClosed);
            }
            let new = NewUser {
                email: id.email.as_str(),
                name: &id.name,
                role: "member",
                password_hash: None,
                auth_provider: PROVIDER,
                external_id: Some(&id.sub),
            };
            let Some(user) = store::insert(tx, &new)? else {
                return Ok(Found::Unlinked);
            };
            identity_store::link(tx, PROVIDER, &id.sub, &user.id)?;
            crate::events::emit(
                tx,
                "user.created",
                Some(&user.id),
                serde_json::json!({ "user_id": user.id, "email": user.email, "role": user.role, "via": "supabase" }),
            )?;
            Ok(Found::User(Box::new(user)))
        })
        .await
        .map_err(|e| ApiError::internal("supabase sign-in", e))?;
    let user = match found {
        Found::User(u) => *u,
        Found::Unlinked => {
            return Err(ApiError::conflict(
                "an account with this email already exists; sign in with your password, then link \
                 Supabase from the Account page",
            ));
        }
        Found::RegistrationClosed => {
            return Err(ApiError::forbidden(
                "sign-up through Supabase is turned off; ask an admin for an account",
            ));
        }
    };
    state.lockout.check(&user.email, ip)?;
    if !user.active {
        return Err(ApiError::unauthorized("account is disabled"));
    }
    super::login::second_factor(state, &user, ip, totp_code).await?;
    super::login::signed_in(state, user, ip).await
}

/// Link the Supabase identity behind `token` to the signed-in user, so they can sign in with it.
pub async fn link(state: &AppState, user: &UserRow, token: String) -> ApiResult<()> {
    let id = verify(state, &token).await?;
    let user_id = user.id.clone();
    let linked = state
        .db
        .write(move |tx| -> rusqlite::Result<bool> {
            if let Some(owner) = identity_store::user_for(tx, PROVIDER, &id.sub)? {
                return Ok(owner == user_id);
            }
            identity_store::link(tx, PROVIDER, &id.sub, &user_id)?;
            crate::events::emit(
                tx,
                "user.identity_linked",
                Some(&user_id),
                serde_json::json!({ "user_id": user_id, "provider": PROVIDER }),
            )?;
            Ok(true)
        })
        .await?;
    if !linked {
        return Err(ApiError::conflict(
            "this Supabase identity is linked to another account",
        ));
    }
    Ok(())
}
