//! Request/response shapes of /auth.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Current authenticator code, or an unused backup code, when MFA is on.
    #[serde(default)]
    pub totp_code: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct UserResponse {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `admin` or `member`.
    pub role: String,
    pub mfa_enabled: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub user: UserResponse,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuthStatus {
    pub auth_enabled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SupabaseConfig {
    pub url: Option<String>,
    pub anon_key: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SupabaseExchangeRequest {
    /// The Supabase session's access token (a JWT).
    pub access_token: String,
}

/// A validated, normalised email address.
#[derive(Debug, Clone)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let e = raw.trim().to_lowercase();
        let valid = e.len() <= 254
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !d.contains('@') && !d.starts_with('.') && !d.ends_with('.'));
        if valid {
            Ok(Email(e))
        } else {
            Err(format!("{raw:?} is not a valid email address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
