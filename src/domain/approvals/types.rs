//! Types of approvals: links, their decisions, and what a reviewer sees.
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Approval {
    pub id: String,
    pub content_id: String,
    pub content_title: String,
    /// pending | approved | rejected | expired | revoked.
    pub status: String,
    /// approve | reject, once decided.
    pub decision: Option<String>,
    pub comment: Option<String>,
    pub reviewer_name: Option<String>,
    pub reviewer_email: Option<String>,
    pub message: Option<String>,
    /// The name the reviewer gave when deciding.
    pub decided_name: Option<String>,
    pub decided_at: Option<String>,
    pub expires_at: String,
    pub created_by: String,
    pub created_at: String,
}

/// A new link: the token is shown here once and never again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedApproval {
    pub id: String,
    /// The public page (`/api/v1/approvals/public/{token}`), absolute when `public_url` is set.
    pub url: String,
    /// 256 random bits, URL-safe; the server keeps only its SHA-256.
    pub token: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicContent {
    pub title: String,
    pub platform: String,
    pub draft_content: String,
    /// Capability URLs of the content's images.
    pub assets: Vec<String>,
}

/// What the public link shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicApproval {
    pub content: PublicContent,
    /// pending | approved | rejected.
    pub status: String,
    pub expires_at: String,
    pub message: Option<String>,
    pub reviewer_name: Option<String>,
    pub comment: Option<String>,
    pub decided_at: Option<String>,
}
