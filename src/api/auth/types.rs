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
    /// Current authenticator code, or an unused backup code, when the account has MFA on
    /// (the first exchange answers 401 `mfa_required`).
    #[serde(default)]
    pub totp_code: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupabaseLinkRequest {
    /// An access token of the Supabase session to link to the signed-in account.
    pub access_token: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct SupabaseLinkResponse {
    /// Always `true`: the account now signs in with this Supabase identity too.
    pub linked: bool,
}

impl From<&crate::users::UserRow> for UserResponse {
    fn from(u: &crate::users::UserRow) -> Self {
        UserResponse {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.clone(),
            mfa_enabled: u.mfa_enabled,
            created_at: u.created_at.clone(),
            last_login_at: u.last_login_at.clone(),
        }
    }
}
