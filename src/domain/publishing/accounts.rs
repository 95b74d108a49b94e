//! Connected accounts and the OAuth round trips that create them. A `state` is 32 random
//! bytes, stored only as its hash, bound to the user who asked, single use and valid for ten
//! minutes; the callback (reached by the browser, without a login) spends it, exchanges the
//! code off the executor, seals the token and stores one account per identity.
use super::conf::{self, Conf};
use super::types::*;
use super::{RESOURCE, accounts_store as store, linkedin, meta};
use crate::access::{self, Viewer};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;

const STATE_TTL_MS: i64 = 10 * 60_000;

pub async fn list(
    db: &Db,
    v: Viewer,
    platform: Option<String>,
    page: Page,
) -> ApiResult<Paged<Account>> {
    if let Some(p) = &platform
        && !PLATFORMS.contains(&p.as_str())
    {
        return Err(ApiError::unprocessable(format!(
            "unknown platform {p:?}; use {}",
            PLATFORMS.join(", ")
        )));
    }
    let (items, total) = db
        .read(move |c| store::list(c, &v, platform.as_deref(), page))
        .await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<Account>> {
    Ok(db
        .read(move |c| store::get(c, &v, &id))
        .await?
        .map(|a| a.account))
}

/// Rename an account or move it to a client/project (checked like any placement).
pub async fn update(
    db: &Db,
    v: Viewer,
    id: String,
    name: Option<String>,
    client_id: Option<String>,
    project_id: Option<String>,
) -> ApiResult<Account> {
    if name
        .as_ref()
        .is_some_and(|n| n.trim().is_empty() || n.chars().count() > 200)
    {
        return Err(ApiError::unprocessable("name must be 1–200 characters"));
    }
    db.write(move |tx| -> ApiResult<Account> {
        let a = store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("account"))?;
        if !access::can_edit(tx, &v, &RESOURCE, &id)? {
            return Err(ApiError::forbidden(
                "only the account's owner, members of its client, or an admin may change it",
            ));
        }
        let keep = |new: Option<String>, old: Option<String>| match new {
            Some(s) if s.trim().is_empty() => None,
            Some(s) => Some(s),
            None => old,
        };
        let cid = keep(client_id, a.account.client_id.clone());
        let pid = keep(project_id, a.account.project_id.clone());
        let (cid, pid) = access::check_placement(tx, &v, cid.as_deref(), pid.as_deref())?
            .map_err(ApiError::from)?;
        let name = name.map(|n| n.trim().to_string()).unwrap_or(a.account.name);
        store::update(tx, &id, &name, cid.as_deref(), pid.as_deref())?;
        Ok(store::get(tx, &v, &id)?
            .ok_or(ApiError::NotFound("account"))?
            .account)
    })
    .await
}

/// Disconnect: the account and its token are deleted (its posts' history goes with it).
pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<()> {
    db.write(move |tx| -> ApiResult<()> {
        store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("account"))?;
        if !access::can_edit(tx, &v, &RESOURCE, &id)? {
            return Err(ApiError::forbidden(
                "only the account's owner, members of its client, or an admin may disconnect it",
            ));
        }
        store::delete(tx, &id)?;
        Ok(())
    })
    .await
}

/// Where the browser goes to connect: the platform's consent page with a fresh state.
/// `origin` is the browser's view of this server (used when `public_url` is unset).
pub async fn auth_url(
    state: &AppState,
    v: Viewer,
    platform: &'static str,
    client_id: Option<String>,
    origin: String,
) -> ApiResult<String> {
    let st = state.clone();
    state
        .db
        .write(move |tx| -> ApiResult<String> {
            let conf = conf::read(&st, tx)?;
            if client_id.is_some() {
                access::check_placement(tx, &v, client_id.as_deref(), None)?
                    .map_err(ApiError::from)?;
            }
            let redirect = conf.public(&origin, &format!("/publishing/{platform}/callback"));
            let secret = crate::crypto::random_token(32);
            let hash = crate::crypto::sha256_hex(secret.as_bytes());
            let url = match platform {
                "linkedin" => {
                    let id = conf.linkedin_client_id.as_deref().ok_or_else(|| {
                        ApiError::conflict("LinkedIn is not configured: an admin sets linkedin_client_id and linkedin_client_secret in Settings")
                    })?;
                    linkedin::authorize_url(&conf, id, &secret, &redirect)
                }
                _ => {
                    let id = conf.meta_app_id.as_deref().ok_or_else(|| {
                        ApiError::conflict("Meta is not configured: an admin sets meta_app_id and meta_app_secret in Settings")
                    })?;
                    meta::dialog_url(&conf, id, &secret, &redirect)
                }
            };
            store::insert_state(
                tx,
                &hash,
                &v.user_id,
                platform,
                client_id.as_deref(),
                &redirect,
                crate::time::now_millis() + STATE_TTL_MS,
            )?;
            Ok(url)
        })
        .await
}

/// The result of a callback, for the SPA redirect.
pub enum Callback {
    Connected(Vec<String>),
    Cancelled,
    Failed(String),
}

/// Spend the state, exchange the code, store the account(s).
pub async fn callback(
    state: &AppState,
    platform: &'static str,
    code: Option<String>,
    got_state: Option<String>,
    error: Option<String>,
) -> ApiResult<Callback> {
    let cancelled = |e: &str| e.starts_with("user_cancelled") || e == "access_denied";
    let Some(got_state) = got_state.filter(|s| !s.is_empty() && s.len() <= 200) else {
        if error.as_deref().is_some_and(cancelled) {
            return Ok(Callback::Cancelled);
        }
        return Ok(Callback::Failed(
            "the sign-in came back without its state".into(),
        ));
    };
    let hash = crate::crypto::sha256_hex(got_state.as_bytes());
    let taken = state
        .db
        .write(move |tx| store::take_state(tx, &hash, platform))
        .await?;
    let Some(store::SpentState {
        user_id: user,
        client_id,
        redirect_uri: redirect,
        expires_ms,
    }) = taken
    else {
        return Ok(Callback::Failed(
            "this sign-in link is unknown or was already used; start again from Publishing".into(),
        ));
    };
    if expires_ms < crate::time::now_millis() {
        return Ok(Callback::Failed(
            "the sign-in took longer than 10 minutes; start again".into(),
        ));
    }
    if let Some(e) = error {
        return Ok(if cancelled(&e) {
            Callback::Cancelled
        } else {
            Callback::Failed(format!("the platform refused the connection ({e})"))
        });
    }
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return Ok(Callback::Failed(
            "the sign-in came back without a code".into(),
        ));
    };
    let st = state.clone();
    let connections = tokio::task::spawn_blocking(move || -> Result<Vec<Connection>, String> {
        let conf: Conf = conf::load(&st).map_err(|e| e.to_string())?;
        match platform {
            "linkedin" => linkedin::connect(&st, &conf, &code, &redirect).map(|c| vec![c]),
            _ => meta::connect(&st, &conf, &code, &redirect),
        }
    })
    .await
    .map_err(|e| ApiError::internal("oauth exchange", e))?;
    let connections = match connections {
        Ok(c) => c,
        Err(e) => return Ok(Callback::Failed(e)),
    };
    let secrets = state.secrets.clone();
    let ids = state
        .db
        .write(move |tx| -> rusqlite::Result<Vec<String>> {
            let mut ids = Vec::new();
            for x in &connections {
                let expires = x.expires_in_secs.map(|s| {
                    super::posts_store::ms_to_rfc3339(crate::time::now_millis() + s * 1000)
                });
                let sealed = secrets.seal(&x.token);
                let id = store::upsert(tx, &user, client_id.as_deref(), x, &sealed, expires.as_deref())?;
                crate::events::emit(
                    tx,
                    "publishing.account_connected",
                    Some(&user),
                    serde_json::json!({ "account_id": id, "platform": x.platform, "name": x.name, "owner_id": user }),
                )?;
                ids.push(id);
            }
            Ok(ids)
        })
        .await?;
    Ok(Callback::Connected(ids))
}

/// Accounts of one platform family with their expiry (`/linkedin/status`, `/meta/status`), and
/// whether an admin configured that platform's app.
pub async fn status(
    state: &AppState,
    v: Viewer,
    platforms: &'static [&'static str],
) -> ApiResult<(Vec<Account>, bool)> {
    let st = state.clone();
    state
        .db
        .read(move |c| -> ApiResult<(Vec<Account>, bool)> {
            let conf = conf::read(&st, c)?;
            let configured = if platforms.contains(&"linkedin") {
                conf.linkedin_client_id.is_some() && conf.linkedin_client_secret.is_some()
            } else {
                conf.meta_app_id.is_some() && conf.meta_app_secret.is_some()
            };
            let mut out = Vec::new();
            for p in platforms {
                out.extend(store::list(c, &v, Some(p), Page::new(200, 0))?.0);
            }
            Ok((out, configured))
        })
        .await
}
