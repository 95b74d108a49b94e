//! Request bodies of /approvals.
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CreateApprovalRequest {
    #[schema(max_length = 200)]
    pub reviewer_name: Option<String>,
    /// An email address (blank for none).
    #[schema(max_length = 320, pattern = "^\\s*$|@")]
    pub reviewer_email: Option<String>,
    /// Shown to the reviewer above the post.
    #[schema(max_length = 2000)]
    pub message: Option<String>,
    /// 1–2160 (default 168: a week).
    #[schema(minimum = 1, maximum = 2160)]
    pub expires_in_hours: Option<i64>,
}

/// The reviewer's decision (JSON, or the page's form).
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// approve | reject.
    #[schema(pattern = "^(approve|reject)$", example = "approve")]
    pub decision: String,
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
    #[schema(max_length = 200)]
    pub name: Option<String>,
}
