//! Client approvals: a link per reviewer (a 256-bit URL-safe token shown once; only its SHA-256
//! is stored) that opens the post as it will look — JSON, or a server-rendered page without
//! login or JavaScript — and takes exactly one decision. Approving moves the content to
//! `approved` and releases posts held for approval; asking for changes moves it back to
//! `draft` with the comment kept as feedback. Both notify the owner and emit
//! `approval.approved` / `approval.rejected`.
pub mod page;
pub mod store;
pub mod types;

use crate::access::{self, Viewer};
use crate::db::Db;
use crate::domain::content;
use crate::domain::publishing::posts;
use crate::error::{ApiError, ApiResult};
use crate::events::{Event, Push};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::json;
use types::*;

/// What a reviewer asks for a new link.
#[derive(Debug, Clone, Default)]
pub struct NewLink {
    pub reviewer_name: Option<String>,
    pub reviewer_email: Option<String>,
    pub message: Option<String>,
    pub expires_in_hours: Option<i64>,
}

fn trimmed(s: Option<String>, max: usize, what: &str) -> ApiResult<Option<String>> {
    let s = s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if s.as_ref().is_some_and(|s| s.chars().count() > max) {
        return Err(ApiError::unprocessable(format!(
            "{what} is longer than {max} characters"
        )));
    }
    Ok(s)
}

pub fn token_hash(token: &str) -> String {
    crate::crypto::sha256_hex(token.as_bytes())
}

/// Create a link for a content the caller may change; the content goes to `in_review`.
pub async fn create(
    state: &AppState,
    v: Viewer,
    content_id: String,
    r: NewLink,
    origin: String,
) -> ApiResult<CreatedApproval> {
    let hours = r.expires_in_hours.unwrap_or(168);
    if !(1..=2160).contains(&hours) {
        return Err(ApiError::unprocessable(
            "expires_in_hours must be 1–2160 (90 days)",
        ));
    }
    let name = trimmed(r.reviewer_name, 200, "reviewer_name")?;
    let email = trimmed(r.reviewer_email, 320, "reviewer_email")?;
    if email.as_ref().is_some_and(|e| !e.contains('@')) {
        return Err(ApiError::unprocessable(
            "reviewer_email is not an email address",
        ));
    }
    let message = trimmed(r.message, 2000, "message")?;
    let st = state.clone();
    state
        .db
        .write(move |tx| -> ApiResult<CreatedApproval> {
            let x = content::store::get(tx, &v, &content_id)?.ok_or(ApiError::NotFound("content"))?;
            if !access::can_edit(tx, &v, &content::RESOURCE, &x.id)? {
                return Err(ApiError::forbidden(
                    "only the owner, members of its project or client, or an admin may ask for approval",
                ));
            }
            let token = crate::crypto::random_token(32);
            let id = uuid::Uuid::now_v7().to_string();
            let expires_at =
                crate::time::millis_to_rfc3339(crate::time::now_millis() + hours * 3_600_000);
            store::insert(
                tx,
                &store::NewApproval {
                    id: &id,
                    content_id: &x.id,
                    token_hash: &token_hash(&token),
                    reviewer_name: name.as_deref(),
                    reviewer_email: email.as_deref(),
                    message: message.as_deref(),
                    expires_at: &expires_at,
                    by: &v.user_id,
                },
            )?;
            if ["draft", "rejected", "approved"].contains(&x.status.as_str()) {
                content::set_status(tx, &v.user_id, &x.id, "in_review")?;
            }
            crate::events::emit(
                tx,
                "approval.requested",
                Some(&v.user_id),
                json!({ "approval_id": id, "content_id": x.id, "title": x.title,
                        "reviewer_name": name, "reviewer_email": email, "expires_at": expires_at,
                        "owner_id": x.created_by }),
            )?;
            let conf = crate::domain::publishing::conf::read(&st, tx)?;
            Ok(CreatedApproval {
                url: conf.public(&origin, &format!("/approvals/public/{token}")),
                id,
                token,
                expires_at,
            })
        })
        .await
}

/// The links of one visible content (None: no such content), or of every visible content.
pub async fn list(
    db: &Db,
    v: Viewer,
    content_id: Option<String>,
    page: Page,
) -> ApiResult<Option<Paged<Approval>>> {
    db.read(move |c| -> ApiResult<Option<Paged<Approval>>> {
        if let Some(id) = &content_id
            && content::store::get(c, &v, id)?.is_none()
        {
            return Ok(None);
        }
        let (items, total) = store::list(c, &v, content_id.as_deref(), page)?;
        Ok(Some(Paged::new(items, total, page)))
    })
    .await
}

/// Revoke a pending link (a decided one stays as the record of the decision).
pub async fn revoke(db: &Db, v: Viewer, id: String) -> ApiResult<Approval> {
    db.write(move |tx| -> ApiResult<Approval> {
        let a = store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("approval"))?;
        if !access::can_edit(tx, &v, &content::RESOURCE, &a.content_id)? {
            return Err(ApiError::forbidden(
                "only the owner, members of its project or client, or an admin may revoke this link",
            ));
        }
        if a.status != "pending" && a.status != "expired" {
            return Err(ApiError::conflict(format!("this link is already {}", a.status)));
        }
        store::revoke(tx, &id)?;
        store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("approval"))
    })
    .await
}

/// The live link behind a token: unknown or revoked → 404; expired → 410.
fn live(c: &rusqlite::Connection, token: &str) -> ApiResult<Approval> {
    let a = store::by_hash(c, &token_hash(token))?
        .filter(|a| a.status != "revoked")
        .ok_or(ApiError::NotFound("approval link"))?;
    if a.status == "expired" {
        return Err(ApiError::Gone(format!(
            "this approval link expired on {}",
            a.expires_at
        )));
    }
    Ok(a)
}

/// What the reviewer sees.
pub async fn view(state: &AppState, token: String) -> ApiResult<PublicApproval> {
    if token.len() > 200 {
        return Err(ApiError::NotFound("approval link"));
    }
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<PublicApproval> {
            let a = live(c, &token)?;
            let links = crate::domain::multimodal::assets::Links::load(c, &secrets)?;
            let images: Vec<String> =
                crate::domain::multimodal::assets::of_content(c, &a.content_id)?
                    .into_iter()
                    .filter(|x| x.mime.starts_with("image/"))
                    .map(|x| links.asset(&x.id))
                    .collect();
            let system = Viewer {
                user_id: a.created_by.clone(),
                admin: true,
            };
            let x = content::store::get(c, &system, &a.content_id)?
                .ok_or(ApiError::NotFound("approval link"))?;
            Ok(PublicApproval {
                content: PublicContent {
                    title: x.title,
                    platform: x.platform,
                    draft_content: x.draft_content,
                    assets: images,
                },
                status: a.status,
                expires_at: a.expires_at,
                message: a.message,
                reviewer_name: a.reviewer_name,
                comment: a.comment,
                decided_at: a.decided_at,
            })
        })
        .await
}

/// Record the reviewer's one decision.
pub async fn decide(
    state: &AppState,
    token: String,
    approve: bool,
    comment: Option<String>,
    name: Option<String>,
) -> ApiResult<Approval> {
    let comment = trimmed(comment, 5000, "comment")?;
    let name = trimmed(name, 200, "name")?;
    if token.len() > 200 {
        return Err(ApiError::NotFound("approval link"));
    }
    state
        .db
        .write(move |tx| -> ApiResult<Approval> {
            let a = live(tx, &token)?;
            if a.status != "pending" {
                return Err(ApiError::conflict(format!(
                    "this link was already answered ({})",
                    a.status
                )));
            }
            let status = if approve { "approved" } else { "rejected" };
            let name = name.or(a.reviewer_name.clone());
            store::decide(tx, &a.id, status, comment.as_deref(), name.as_deref())?;
            let system = Viewer {
                user_id: a.created_by.clone(),
                admin: true,
            };
            let x = content::store::get(tx, &system, &a.content_id)?
                .ok_or(ApiError::NotFound("approval link"))?;
            let owner = x.created_by.clone();
            content::set_status(
                tx,
                &owner,
                &x.id,
                if approve { "approved" } else { "draft" },
            )?;
            if let Some(text) = &comment {
                let who = name.as_deref().unwrap_or("the reviewer");
                content::store::add_feedback(
                    tx,
                    &x.id,
                    &a.created_by,
                    if approve { 5 } else { 2 },
                    Some(&format!("Client review by {who}: {text}")),
                    &["client_review".to_string(), status.to_string()],
                )?;
            }
            let released = if approve {
                posts::release_approved(tx, &x.id, &owner)?
            } else {
                0
            };
            crate::events::emit(
                tx,
                if approve {
                    "approval.approved"
                } else {
                    "approval.rejected"
                },
                None,
                json!({ "approval_id": a.id, "content_id": x.id, "title": x.title,
                        "decision": if approve { "approve" } else { "reject" },
                        "comment": comment, "reviewer_name": name, "owner_id": owner,
                        "requested_by": a.created_by, "released_posts": released }),
            )?;
            store::by_hash(tx, &token_hash(&token))?.ok_or(ApiError::NotFound("approval link"))
        })
        .await
}

/// Fan-out subscriber (registered in `app.rs`): the content's owner and whoever asked hear
/// about the decision.
pub fn subscriber(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<Vec<Push>> {
    let d = &event.data;
    let s = |k: &str| d[k].as_str().unwrap_or("");
    let who = Some(s("reviewer_name"))
        .filter(|n| !n.is_empty())
        .unwrap_or("The reviewer");
    let title = match event.kind.as_str() {
        "approval.approved" => format!("{who} approved “{}”", s("title")),
        "approval.rejected" => format!("{who} asked for changes to “{}”", s("title")),
        _ => return Ok(Vec::new()),
    };
    let link = format!("/content/{}", s("content_id"));
    let mut out = Vec::new();
    let mut targets = vec![s("owner_id")];
    if s("requested_by") != s("owner_id") {
        targets.push(s("requested_by"));
    }
    for user in targets.into_iter().filter(|u| !u.is_empty()) {
        let n = crate::domain::notifications::store::create(
            c,
            &crate::domain::notifications::types::NewNotification {
                user_id: Some(user),
                kind: &event.kind,
                title: &title,
                body: s("comment"),
                link: Some(&link),
                data: json!({ "event_id": event.id, "approval_id": d["approval_id"], "content_id": d["content_id"] }),
                event_id: Some(&event.id),
            },
        )?;
        out.extend(n.as_ref().map(crate::domain::notifications::push));
    }
    Ok(out)
}
