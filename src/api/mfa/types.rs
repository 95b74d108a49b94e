//! Request/response shapes of /mfa.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MfaStatus {
    pub enabled: bool,
    pub backup_codes_remaining: i64,
    /// After turning MFA on or off: a fresh token for this session (every earlier token, this
    /// one's included, stopped working).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct EnrollResponse {
    /// Base32 secret for manual entry.
    pub secret: String,
    pub otpauth_url: String,
    /// The otpauth URL as an SVG QR code.
    pub qr_svg: String,
    /// Ten single-use codes, shown only now.
    pub backup_codes: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub code: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableRequest {
    pub code: String,
    pub password: String,
}
