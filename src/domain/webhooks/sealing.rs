//! The secrets of an endpoint at rest and in answers: the signing secret and every custom header
//! value (an `Authorization` header is a credential) are sealed in the row, shown masked, and
//! opened only to send. A masked header value sent back in an edit keeps the stored one.
use super::store::{self, Stored};
use crate::crypto::SecretBox;
use std::collections::BTreeMap;

/// `whsec_…abcd`: enough to tell secrets apart, not enough to sign.
pub fn mask_secret(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("whsec_…{tail}")
}

/// A header value as answers show it (the settings' mask: `Bea…1234`, `••••` when short). It is
/// never a valid header value (not ASCII), so it cannot be mistaken for a new one.
pub fn mask_value(value: &str) -> String {
    crate::settings::registry::mask(value)
}

pub fn seal_headers(
    secrets: &SecretBox,
    plain: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    plain
        .iter()
        .map(|(k, v)| (k.clone(), secrets.seal(v)))
        .collect()
}

/// The header values to send.
pub fn open_headers(
    secrets: &SecretBox,
    sealed: &BTreeMap<String, String>,
) -> anyhow::Result<BTreeMap<String, String>> {
    sealed
        .iter()
        .map(|(k, v)| {
            let plain = secrets
                .open(v)
                .map_err(|e| e.context(format!("opening the value of header {k}")))?;
            Ok((k.clone(), plain))
        })
        .collect()
}

/// The header values as answers show them; a value that cannot be opened shows as `••••`.
pub fn masked_headers(
    secrets: &SecretBox,
    sealed: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    sealed
        .iter()
        .map(|(k, v)| {
            let shown = secrets
                .open(v)
                .map(|p| mask_value(&p))
                .unwrap_or_else(|_| "••••".into());
            (k.clone(), shown)
        })
        .collect()
}

/// The headers of an edit: a value equal to the mask of the stored value of the same header is
/// kept as stored (sealed); every other value is new and returned for validation and sealing.
pub fn split_edit(
    secrets: &SecretBox,
    sent: BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut kept = BTreeMap::new();
    let mut fresh = BTreeMap::new();
    for (k, v) in sent {
        let old = stored
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&k))
            .and_then(|(_, sealed)| secrets.open(sealed).ok().map(|p| (sealed, p)));
        match old {
            Some((sealed, plain)) if mask_value(&plain) == v => {
                kept.insert(k, sealed.clone());
            }
            _ => {
                fresh.insert(k, v);
            }
        }
    }
    (kept, fresh)
}

/// Seal what a database from before sealing holds in plain text (header values; a secret not
/// in the sealed format). Runs once per start, before serving; returns how many rows changed.
pub fn seal_plain(c: &rusqlite::Connection, secrets: &SecretBox) -> rusqlite::Result<usize> {
    let mut changed = 0;
    for mut s in store::all(c)? {
        let mut dirty = false;
        if !SecretBox::is_sealed(&s.sealed_secret) {
            s.sealed_secret = secrets.seal(&s.sealed_secret);
            dirty = true;
        }
        for v in s.sealed_headers.values_mut() {
            if !SecretBox::is_sealed(v) {
                *v = secrets.seal(v);
                dirty = true;
            }
        }
        if dirty {
            store::set_sealed(c, &s)?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// What an answer shows of a stored endpoint.
pub fn shown(secrets: &SecretBox, s: Stored) -> super::types::Webhook {
    let secret = secrets
        .open(&s.sealed_secret)
        .map(|v| mask_secret(&v))
        .unwrap_or_default();
    let headers = masked_headers(secrets, &s.sealed_headers);
    super::types::Webhook {
        secret,
        headers,
        ..s.hook
    }
}
