//! Operations on posts: schedule, reschedule, cancel, delete, confirm, list and history (publish
//! now is in `now`).
//! A post is one content on one account (its idempotency key): a content never goes to the same
//! account twice, and every send is recorded before it leaves (see `send`).
use super::types::*;
use super::{RESOURCE, accounts_store, media, posts_store as store, send};
use crate::access::{self, Viewer};
use crate::db::Db;
use crate::domain::content;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;

/// What a caller asks to publish or schedule.
#[derive(Debug, Clone, Default)]
pub struct PostRequest {
    pub content_id: String,
    pub account_id: Option<String>,
    /// The platform the route is for (linkedin, facebook, instagram).
    pub platform: Option<&'static str>,
    pub asset_ids: Option<Vec<String>>,
    pub link: Option<String>,
    pub scheduled_at: Option<String>,
    pub requires_approval: bool,
}

pub fn idempotency_key(content_id: &str, account_id: &str) -> String {
    crate::crypto::sha256_hex(format!("{content_id}\n{account_id}").as_bytes())[..32].to_string()
}

/// Links (a Facebook post's link, a confirmed post's URL) are at most 2048 characters.
fn link_ok(what: &str, link: Option<&str>) -> ApiResult<()> {
    if link.is_some_and(|l| l.chars().count() > 2048) {
        return Err(ApiError::unprocessable(format!(
            "{what} must be at most 2048 characters"
        )));
    }
    Ok(())
}

pub fn parse_time(s: &str) -> ApiResult<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            ApiError::unprocessable(
                "scheduled_at must be RFC 3339 with an offset, e.g. 2026-12-01T09:00:00+01:00",
            )
        })
}

/// The editable content and usable account of a request (404 content, 422 account).
pub(super) fn check(
    c: &Connection,
    v: &Viewer,
    r: &PostRequest,
) -> ApiResult<(content::types::Content, AccountSecret, Vec<String>)> {
    link_ok("link", r.link.as_deref())?;
    let x = content::store::get(c, v, &r.content_id)?.ok_or(ApiError::NotFound("content"))?;
    if !access::can_edit(c, v, &content::RESOURCE, &x.id)? {
        return Err(ApiError::forbidden(
            "only the owner, members of its project or client, or an admin may publish this content",
        ));
    }
    let account = match &r.account_id {
        Some(id) => accounts_store::get(c, v, id)?
            .filter(|a| access::can_edit(c, v, &RESOURCE, &a.account.id).unwrap_or(false))
            .ok_or_else(|| ApiError::missing("account not found"))?,
        None => {
            let platform = r.platform.unwrap_or("linkedin");
            let (mine, _) = accounts_store::list(c, v, Some(platform), Page::new(2, 0))?;
            if mine.is_empty() {
                return Err(ApiError::conflict(format!(
                    "no {platform} account is connected: connect one first"
                )));
            }
            let [only] = mine.as_slice() else {
                return Err(ApiError::unprocessable(format!(
                    "account_id is required ({} {platform} accounts are connected)",
                    mine.len()
                )));
            };
            accounts_store::get(c, v, &only.id)?
                .ok_or_else(|| ApiError::missing("account not found"))?
        }
    };
    if let Some(p) = r.platform
        && account.account.platform != p
    {
        return Err(ApiError::unprocessable(format!(
            "that account is a {} account, not {p}",
            account.account.platform
        )));
    }
    if account.account.status != "connected" {
        return Err(ApiError::unprocessable(format!(
            "the {} account {} is {}: reconnect it",
            account.account.platform, account.account.name, account.account.status
        )));
    }
    if x.draft_content.trim().is_empty() {
        return Err(ApiError::unprocessable("the content is empty"));
    }
    let assets = media::check(c, &x.id, r.asset_ids.as_deref()).map_err(ApiError::Unprocessable)?;
    if account.account.platform == "instagram" && assets.is_empty() {
        return Err(ApiError::unprocessable(
            "Instagram needs an image: add an image to the content (or pass asset_ids) first",
        ));
    }
    if account.account.platform == "instagram" && assets.len() > 10 {
        return Err(ApiError::unprocessable(
            "Instagram takes at most 10 images per post",
        ));
    }
    Ok((x, account, assets))
}

/// A post already on this content x account that blocks a new one.
pub(super) fn blocking(existing: &Option<Post>) -> ApiResult<()> {
    let Some(p) = existing else { return Ok(()) };
    match p.status.as_str() {
        "published" => Err(ApiError::conflict(format!(
            "already published to {} ({})",
            p.account_name,
            p.url.as_deref().unwrap_or("no link")
        ))),
        "publishing" | "checking" => Err(ApiError::conflict(
            "this content is being published to that account right now",
        )),
        "unknown" => Err(ApiError::conflict(
            "the last attempt may have been published: confirm it on the platform and resolve the post first",
        )),
        _ => Ok(()),
    }
}

/// Schedule a post (or, with `requires_approval`, hold it until the content is approved).
pub async fn schedule(db: &Db, v: Viewer, r: PostRequest) -> ApiResult<Post> {
    let at = parse_time(r.scheduled_at.as_deref().unwrap_or(""))?;
    let now = crate::time::now_millis();
    if at < now - 60_000 {
        return Err(ApiError::unprocessable("scheduled_at is in the past"));
    }
    if at > now + 366 * 86_400_000 {
        return Err(ApiError::unprocessable(
            "scheduled_at is more than a year ahead",
        ));
    }
    db.write(move |tx| -> ApiResult<Post> {
        let (x, account, assets) = check(tx, &v, &r)?;
        let key = idempotency_key(&x.id, &account.account.id);
        let existing = store::by_key(tx, &key)?;
        blocking(&existing)?;
        if existing
            .as_ref()
            .is_some_and(|p| p.status == "scheduled" || p.status == "awaiting_approval")
        {
            return Err(ApiError::conflict(
                "this content is already scheduled on that account: reschedule that post instead",
            ));
        }
        let held = r.requires_approval && x.status != "approved";
        let id = store::upsert(
            tx,
            &store::NewPost {
                content_id: &x.id,
                account_id: &account.account.id,
                platform: &account.account.platform,
                key: &key,
                status: if held {
                    "awaiting_approval"
                } else {
                    "scheduled"
                },
                scheduled_ms: at,
                asset_ids: &assets,
                link: r.link.as_deref(),
                prior_status: &x.status,
                by: &v.user_id,
            },
        )?;
        if !held {
            content::set_status(tx, &v.user_id, &x.id, "scheduled")?;
            send::wake_at(tx, at)?;
        }
        store::get_any(tx, &id)?.ok_or(ApiError::NotFound("post"))
    })
    .await
}

pub async fn list(db: &Db, v: Viewer, f: PostFilter, page: Page) -> ApiResult<Paged<Post>> {
    let from = f.from.as_deref().map(parse_time).transpose()?;
    let to = f.to.as_deref().map(parse_time).transpose()?;
    let (items, total) = db
        .read(move |c| store::list(c, &v, &f, from, to, page))
        .await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<(Post, Vec<Attempt>)>> {
    Ok(db
        .read(move |c| -> rusqlite::Result<_> {
            let Some(p) = store::get(c, &v, &id)? else {
                return Ok(None);
            };
            Ok(Some((p, store::attempts(c, &id)?)))
        })
        .await?)
}

/// A visible post the viewer may change (403 when only visible).
fn editable(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Post> {
    let p = store::get(c, v, id)?.ok_or(ApiError::NotFound("post"))?;
    if !access::can_edit(c, v, &content::RESOURCE, &p.content_id)? {
        return Err(ApiError::forbidden(
            "only the owner, members of its project or client, or an admin may change this post",
        ));
    }
    Ok(p)
}

/// Move a post to another time (a failed or missed one is scheduled again).
pub async fn reschedule(
    db: &Db,
    v: Viewer,
    id: String,
    scheduled_at: Option<String>,
    asset_ids: Option<Vec<String>>,
    link: Option<String>,
) -> ApiResult<Post> {
    link_ok("link", link.as_deref())?;
    let at = scheduled_at.as_deref().map(parse_time).transpose()?;
    if at.is_some_and(|t| t < crate::time::now_millis() - 60_000) {
        return Err(ApiError::unprocessable("scheduled_at is in the past"));
    }
    db.write(move |tx| -> ApiResult<Post> {
        let p = editable(tx, &v, &id)?;
        if ![
            "scheduled",
            "awaiting_approval",
            "failed",
            "missed",
            "cancelled",
        ]
        .contains(&p.status.as_str())
        {
            return Err(ApiError::conflict(format!(
                "a {} post cannot be rescheduled",
                p.status
            )));
        }
        let at = match at {
            Some(t) => t,
            None if p.status == "scheduled" || p.status == "awaiting_approval" => {
                parse_time(&p.scheduled_at)?
            }
            None => return Err(ApiError::unprocessable("scheduled_at is required")),
        };
        let assets = match &asset_ids {
            Some(a) => media::check(tx, &p.content_id, Some(a)).map_err(ApiError::Unprocessable)?,
            None => p.asset_ids.clone(),
        };
        let status = if p.status == "awaiting_approval" {
            "awaiting_approval"
        } else {
            "scheduled"
        };
        store::reschedule(
            tx,
            &id,
            at,
            &assets,
            link.as_deref().or(p.link.as_deref()),
            status,
        )?;
        if status == "scheduled" {
            content::set_status(tx, &v.user_id, &p.content_id, "scheduled")?;
            send::wake_at(tx, at)?;
        }
        store::get_any(tx, &id)?.ok_or(ApiError::NotFound("post"))
    })
    .await
}

pub async fn cancel(db: &Db, v: Viewer, id: String) -> ApiResult<Post> {
    db.write(move |tx| -> ApiResult<Post> {
        let p = editable(tx, &v, &id)?;
        if p.status != "scheduled" && p.status != "awaiting_approval" {
            return Err(ApiError::conflict(format!(
                "a {} post cannot be cancelled",
                p.status
            )));
        }
        store::set_status(tx, &id, "cancelled", None)?;
        store::add_attempt(tx, &id, "cancelled", None)?;
        send::release_content(tx, &p)?;
        store::get_any(tx, &id)?.ok_or(ApiError::NotFound("post"))
    })
    .await
}

/// Delete a post that never went out (a published one stays: it is the guard against posting
/// the content twice).
pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<()> {
    db.write(move |tx| -> ApiResult<()> {
        let p = editable(tx, &v, &id)?;
        if ["published", "publishing", "checking", "unknown"].contains(&p.status.as_str()) {
            return Err(ApiError::conflict(format!(
                "a {} post stays in the history (it guards against posting twice)",
                p.status
            )));
        }
        if p.status == "scheduled" || p.status == "awaiting_approval" {
            send::release_content(tx, &p)?;
        }
        store::delete(tx, &id)?;
        Ok(())
    })
    .await
}

/// A person's answer about a post whose fate is `unknown`: it is on the platform (with its
/// link), or it is not (it may be scheduled again).
pub async fn confirm(
    db: &Db,
    v: Viewer,
    id: String,
    published: bool,
    url: Option<String>,
) -> ApiResult<Post> {
    link_ok("url", url.as_deref())?;
    db.write(move |tx| -> ApiResult<Post> {
        let p = editable(tx, &v, &id)?;
        if p.status != "unknown" {
            return Err(ApiError::conflict(
                "only a post whose result is unknown needs confirming",
            ));
        }
        if published {
            let url = url.unwrap_or_default();
            store::mark_published(tx, &id, p.external_id.as_deref().unwrap_or(""), &url)?;
            store::add_attempt(tx, &id, "published", Some("confirmed by a person"))?;
            content::set_status(tx, &v.user_id, &p.content_id, "published")?;
        } else {
            store::set_status(tx, &id, "failed", Some("confirmed absent by a person"))?;
            store::add_attempt(tx, &id, "failed", Some("confirmed absent by a person"))?;
            send::release_content(tx, &p)?;
        }
        store::get_any(tx, &id)?.ok_or(ApiError::NotFound("post"))
    })
    .await
}

/// The content was approved: its held posts are released (sent now if their time has passed,
/// or missed if that was longer ago than the grace period).
pub fn release_approved(tx: &Connection, content_id: &str, actor: &str) -> rusqlite::Result<usize> {
    let held = store::awaiting_approval(tx, content_id)?;
    let now = crate::time::now_millis();
    for p in &held {
        let at = parse_time(&p.scheduled_at).unwrap_or(now).max(now);
        store::set_status(tx, &p.id, "scheduled", None)?;
        send::wake_at(tx, at)?;
    }
    if !held.is_empty() {
        content::set_status(tx, actor, content_id, "scheduled")?;
    }
    Ok(held.len())
}
