//! The storage interface other areas use (publishing uploads and links assets): the current
//! assets of a content, their bytes, and capability URLs — HMAC-signed (asset id, expiry)
//! tokens that open one asset (or one content's preview card) without an account.
use super::assets_store as store;
use super::types::Asset;
use crate::crypto::SecretBox;
use crate::state::AppState;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::Connection;
use sha2::Sha256;

/// Default lifetime of a capability URL when `asset_link_ttl_days` is unset.
pub const DEFAULT_LINK_DAYS: i64 = 7;

/// The current version of each asset of a content (assets still being produced, or whose only
/// generation failed, have no bytes and are left out). The caller checks access to the content.
pub fn of_content(c: &Connection, content_id: &str) -> rusqlite::Result<Vec<Asset>> {
    store::of_content(c, content_id)
}

/// The whole bytes of an asset's current version with its mime type (images: for uploading to
/// platforms; videos are streamed by the file routes instead).
pub fn read_bytes(c: &Connection, asset_id: &str) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    let Some(f) = store::file(c, asset_id, None)? else {
        return Ok(None);
    };
    let blob = match store::open_blob(c, f.blob_id) {
        Ok(b) => b,
        Err(rusqlite::Error::SqliteFailure(_, _)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut out = vec![0u8; f.size as usize];
    blob.read_at_exact(&mut out, 0)?;
    Ok(Some((f.mime, out)))
}

/// The capability URL of an asset: `/api/v1/assets/{token}`, absolute when the `public_url`
/// setting is set, valid for `asset_link_ttl_days` (default 7).
pub fn public_url(state: &AppState, asset_id: &str) -> String {
    let links = state
        .db
        .read_blocking(|c| Links::load(c, &state.secrets))
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "asset link settings unreadable; using defaults");
            Links::fallback()
        });
    links.asset(asset_id)
}

/// The capability URL of a content's preview card (`/api/v1/screenshots/{token}.png`: title,
/// first lines, cover image), same lifetime and base as [`public_url`].
pub fn screenshot_url(state: &AppState, content_id: &str) -> String {
    let links = state
        .db
        .read_blocking(|c| Links::load(c, &state.secrets))
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "asset link settings unreadable; using defaults");
            Links::fallback()
        });
    links.screenshot(content_id)
}

/// What signing needs, read once per answer: the key, the lifetime and the public base URL.
pub struct Links {
    key: Vec<u8>,
    ttl_secs: i64,
    base: String,
}

impl Links {
    pub fn load(c: &Connection, secrets: &SecretBox) -> anyhow::Result<Links> {
        let days = crate::settings::store::get_string(c, secrets, "asset_link_ttl_days")?
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|d| *d > 0.0)
            .unwrap_or(DEFAULT_LINK_DAYS as f64);
        let base = crate::settings::store::get_string(c, secrets, "public_url")?
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_default();
        Ok(Links {
            key: store::link_key(c)?,
            ttl_secs: (days * 86_400.0) as i64,
            base,
        })
    }

    /// Links that verify nowhere (the key could not be read): never a valid capability.
    fn fallback() -> Links {
        Links {
            key: crate::crypto::random_array::<32>().to_vec(),
            ttl_secs: DEFAULT_LINK_DAYS * 86_400,
            base: String::new(),
        }
    }

    pub fn asset(&self, asset_id: &str) -> String {
        format!(
            "{}/api/v1/assets/{}",
            self.base,
            self.token("asset", asset_id)
        )
    }

    pub fn screenshot(&self, content_id: &str) -> String {
        format!(
            "{}/api/v1/screenshots/{}.png",
            self.base,
            self.token("screenshot", content_id)
        )
    }

    fn token(&self, purpose: &str, id: &str) -> String {
        let exp = crate::time::now_secs() + self.ttl_secs;
        format!("{id}.{exp}.{}", sign(&self.key, purpose, id, exp))
    }
}

fn sign(key: &[u8], purpose: &str, id: &str, exp: i64) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{purpose}:{id}:{exp}").as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..18])
}

/// The id a token opens for `purpose` ("asset" or "screenshot"), if it is intact and unexpired.
pub fn verify(c: &Connection, purpose: &str, token: &str) -> rusqlite::Result<Option<String>> {
    let mut parts = token.rsplitn(3, '.');
    let (Some(sig), Some(exp), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return Ok(None);
    };
    if exp < crate::time::now_secs() || id.is_empty() || id.len() > 64 {
        return Ok(None);
    }
    let good = sign(&store::link_key(c)?, purpose, id, exp);
    Ok(crate::crypto::ct_eq(good.as_bytes(), sig.as_bytes()).then(|| id.to_string()))
}
