//! Access tokens: HS256 only (the algorithm is pinned; the header never chooses), with `exp` and
//! the user's token version, so a password change or deactivation ends every earlier session.
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// users.token_version at issue time.
    pub tv: i64,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub jti: String,
}

const ISSUER: &str = "neuromancer";

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    pub fn issue(&self, user_id: &str, token_version: i64) -> anyhow::Result<String> {
        let now = crate::time::now_secs();
        let claims = Claims {
            sub: user_id.to_string(),
            tv: token_version,
            iat: now,
            exp: now + self.ttl_secs,
            iss: ISSUER.to_string(),
            jti: crate::crypto::random_token(12),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Signature, algorithm, issuer and expiry checked; None for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// The signing secret lives in the data dir (0600), generated on first start.
pub fn load_or_create_secret(data_dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use base64::Engine;
    let path = data_dir.join("jwt.secret");
    if path.exists() {
        let text = std::fs::read_to_string(&path)?;
        let raw = base64::engine::general_purpose::STANDARD.decode(text.trim())?;
        anyhow::ensure!(raw.len() >= 32, "{} is too short", path.display());
        return Ok(raw);
    }
    let raw: [u8; 64] = crate::crypto::random_array();
    crate::crypto::write_private(
        &path,
        &base64::engine::general_purpose::STANDARD.encode(raw),
    )?;
    Ok(raw.to_vec())
}
