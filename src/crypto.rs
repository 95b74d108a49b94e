//! Key material and primitives: secrets at rest (XChaCha20-Poly1305), random tokens, digests.
use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::Path;

const VERSION_PREFIX: &str = "v1:";

/// Encrypts small secrets (API keys, TOTP seeds, cookies) with a key kept outside the database.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl SecretBox {
    pub fn from_key(key: &[u8; 32]) -> Self {
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// `v1:` + base64(nonce || ciphertext+tag).
    pub fn seal(&self, plaintext: &str) -> String {
        let nonce_bytes: [u8; 24] = random_array();
        let nonce = XNonce::from(nonce_bytes);
        let ct = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .expect("XChaCha20-Poly1305 encryption cannot fail");
        let mut out = Vec::with_capacity(24 + ct.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        format!("{VERSION_PREFIX}{}", STANDARD.encode(out))
    }

    /// Whether `value` has the shape [`seal`](Self::seal) gives (a value written before a field
    /// was sealed does not): the start-up pass that seals such values relies on it.
    pub fn is_sealed(value: &str) -> bool {
        value
            .strip_prefix(VERSION_PREFIX)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .is_some_and(|raw| raw.len() > 24)
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let b64 = sealed
            .strip_prefix(VERSION_PREFIX)
            .context("unknown secret format")?;
        let raw = STANDARD.decode(b64).context("secret is not base64")?;
        anyhow::ensure!(raw.len() > 24, "secret too short");
        let (nonce, ct) = raw.split_at(24);
        let nonce = XNonce::try_from(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let pt = self
            .cipher
            .decrypt(&nonce, ct)
            .map_err(|_| anyhow::anyhow!("secret cannot be decrypted: wrong secret.key?"))?;
        String::from_utf8(pt).context("secret is not UTF-8")
    }
}

/// Load a 32-byte key: from the given base64 value, else from `path`, creating it (0600) on first start.
pub fn load_or_create_key(explicit_b64: Option<&str>, path: &Path) -> anyhow::Result<[u8; 32]> {
    if let Some(b64) = explicit_b64 {
        let raw = STANDARD
            .decode(b64.trim())
            .context("NEUROMANCER_SECRET_KEY is not base64")?;
        return raw
            .try_into()
            .map_err(|_| anyhow::anyhow!("NEUROMANCER_SECRET_KEY must decode to 32 bytes"));
    }
    if path.exists() {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let raw = STANDARD
            .decode(text.trim())
            .with_context(|| format!("{} is not base64", path.display()))?;
        return raw
            .try_into()
            .map_err(|_| anyhow::anyhow!("{} must hold 32 bytes", path.display()));
    }
    let key: [u8; 32] = random_array();
    write_private(path, &STANDARD.encode(key))?;
    Ok(key)
}

/// Write a file readable only by the owner (0600), atomically.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn random_array<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the OS random source is unavailable");
    buf
}

pub fn random_u64() -> u64 {
    u64::from_le_bytes(random_array())
}

/// URL-safe random token with `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source is unavailable");
    URL_SAFE_NO_PAD.encode(buf)
}

pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time equality for secrets of equal public length.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_round_trips_and_detects_tampering() {
        let sb = SecretBox::from_key(&[7u8; 32]);
        let sealed = sb.seal("sk-live-123");
        assert_ne!(sealed, "sk-live-123");
        assert_eq!(sb.open(&sealed).unwrap(), "sk-live-123");
        let mut bad = sealed.clone();
        bad.pop();
        bad.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(sb.open(&bad).is_err());
        assert!(SecretBox::from_key(&[8u8; 32]).open(&sealed).is_err());
        assert!(SecretBox::is_sealed(&sealed));
        assert!(!SecretBox::is_sealed("Bearer v1:abc"));
        assert!(!SecretBox::is_sealed("v1:short"));
    }
}
