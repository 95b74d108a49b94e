//! Standard Webhooks 1.0 signatures: `v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))`
//! where the key is the base64-decoded part of a `whsec_…` secret.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A fresh secret: `whsec_` + base64 of 32 random bytes.
pub fn generate_secret() -> String {
    format!(
        "whsec_{}",
        STANDARD.encode(crate::crypto::random_array::<32>())
    )
}

/// The signing key of a `whsec_` secret; `Err` explains what is wrong with it.
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, String> {
    let b64 = secret
        .strip_prefix("whsec_")
        .ok_or("the secret must start with whsec_")?;
    let key = STANDARD
        .decode(b64)
        .map_err(|_| "the secret after whsec_ must be base64".to_string())?;
    if !(24..=64).contains(&key.len()) {
        return Err("the secret must encode 24 to 64 bytes".into());
    }
    Ok(key)
}

/// The `webhook-signature` header value for one message.
pub fn sign(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_standard_webhooks_test_vector() {
        let key = decode_secret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        let sig = sign(
            &key,
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        );
        assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn generated_secrets_decode_and_bad_ones_are_explained() {
        assert_eq!(decode_secret(&generate_secret()).unwrap().len(), 32);
        assert!(decode_secret("C2FVsBQIhrscChlQIMV").is_err());
        assert!(decode_secret("whsec_!!!").is_err());
        assert!(decode_secret("whsec_YWJj").is_err(), "too short");
    }
}
