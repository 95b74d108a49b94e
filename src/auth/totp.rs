//! TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) via totp-rs, plus single-use backup codes.
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const ISSUER: &str = "Neuromancer";
pub const BACKUP_CODES: usize = 10;

pub fn new_secret() -> Vec<u8> {
    crate::crypto::random_array::<20>().to_vec()
}

fn totp(secret: &[u8], account: &str) -> anyhow::Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(Secret::from(secret.to_vec()))
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| anyhow::anyhow!("totp: {e:?}"))
}

pub fn secret_base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

pub fn otpauth_url(secret: &[u8], account: &str) -> anyhow::Result<String> {
    totp(secret, account)?
        .to_url()
        .map_err(|e| anyhow::anyhow!("otpauth url: {e:?}"))
}

/// The matched time step if `code` is valid now (±1 step) and strictly later than `last_step`
/// (a code, or an earlier one, is never accepted twice).
pub fn verify(secret: &[u8], code: &str, last_step: i64, now_secs: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, "user").ok()?;
    // Check each step in the window ourselves, newest first, so replay protection sees every match.
    let current = now_secs / 30;
    [current + 1, current, current.saturating_sub(1)]
        .into_iter()
        .find(|step| t.generate(step * 30).to_string() == code)
        .map(|s| s as i64)
        .filter(|s| *s > last_step)
}

pub fn code_at(secret: &[u8], unix_secs: u64) -> String {
    totp(secret, "user")
        .map(|t| t.generate(unix_secs).to_string())
        .unwrap_or_default()
}

pub fn qr_svg(data: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(data.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// Backup codes look like `k7f3q-9xw2m`: 50 bits from an unambiguous alphabet.
pub fn new_backup_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    (0..BACKUP_CODES)
        .map(|_| {
            let raw: [u8; 10] = crate::crypto::random_array();
            let chars: String = raw
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// Backup codes are stored as SHA-256 of the normalised code (they carry 50 random bits,
/// so a fast hash is enough and lets login check ten of them without ten argon2 runs).
pub fn hash_backup_code(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    crate::crypto::sha256_hex(norm.as_bytes())
}

pub fn looks_like_backup_code(code: &str) -> bool {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
}

pub fn secret_from_base32(b32: &str) -> anyhow::Result<Vec<u8>> {
    let secret =
        Secret::try_from_base32(b32).map_err(|e| anyhow::anyhow!("stored TOTP secret: {e:?}"))?;
    Ok(secret.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors_match_in_8_digits() {
        let secret = b"12345678901234567890".to_vec();
        let t = Builder::new()
            .with_digits(8)
            .with_secret(Secret::from(secret))
            .build()
            .unwrap();
        assert_eq!(t.generate(59).to_string(), "94287082");
        assert_eq!(t.generate(1111111109).to_string(), "07081804");
        assert_eq!(t.generate(1234567890).to_string(), "89005924");
        assert_eq!(t.generate(2000000000).to_string(), "69279037");
    }

    #[test]
    fn verify_accepts_window_and_refuses_replay() {
        let s = new_secret();
        let now = 1_800_000_000u64;
        let code = code_at(&s, now);
        let step = verify(&s, &code, 0, now).expect("current code valid");
        assert_eq!(step as u64, now / 30);
        assert_eq!(
            verify(&s, &code, step, now),
            None,
            "same step twice is refused"
        );
        assert!(
            verify(&s, &code_at(&s, now - 30), 0, now).is_some(),
            "previous step accepted"
        );
        assert!(
            verify(&s, &code_at(&s, now - 90), 0, now).is_none(),
            "old step refused"
        );
        assert!(verify(&s, "12345", 0, now).is_none());
    }
}
