//! Publish now, through the outbox the scheduler uses: the post is queued for now (with a
//! dispatcher wake-up a few seconds later as its durable backup) and sent at once off the
//! executor; the caller gets the result if it settles in time, else the post as it stands.
use super::posts::{PostRequest, blocking, check, idempotency_key};
use super::types::{Outcome, Post};
use super::{jobs, posts_store as store, send};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long "publish now" waits for its outcome by default before answering with the post as
/// it stands (it goes on in the background; the caller polls the post).
pub const PUBLISH_WAIT_SECS: u64 = 20;
/// The dispatcher's backup for a "publish now" whose own attempt never started (the server
/// stopped first): it sends the post this long after it was asked.
const PUBLISH_BACKUP_MS: i64 = 5_000;

/// Publish now, through the outbox the scheduler uses: the post is queued for now (with a
/// dispatcher wake-up as its durable backup) and sent at once off the executor. Answers the
/// post and the send's outcome when it finished within `wait`; otherwise the post as it
/// stands (publishing, or scheduled again after a throttle) and None.
pub async fn publish_now(
    state: &AppState,
    v: Viewer,
    r: PostRequest,
    wait: std::time::Duration,
) -> ApiResult<(Post, Option<Outcome>)> {
    let actor = v.user_id.clone();
    let id = state
        .db
        .write(move |tx| -> ApiResult<String> {
            let (x, account, assets) = check(tx, &v, &r)?;
            let key = idempotency_key(&x.id, &account.account.id);
            blocking(&store::by_key(tx, &key)?)?;
            let now = crate::time::now_millis();
            let id = store::upsert(
                tx,
                &store::NewPost {
                    content_id: &x.id,
                    account_id: &account.account.id,
                    platform: &account.account.platform,
                    key: &key,
                    status: "scheduled",
                    scheduled_ms: now,
                    asset_ids: &assets,
                    link: r.link.as_deref(),
                    prior_status: &x.status,
                    by: &v.user_id,
                },
            )?;
            send::wake_at(tx, now + PUBLISH_BACKUP_MS)?;
            Ok(id)
        })
        .await?;
    let deadline = tokio::time::Instant::now() + wait;
    let (st, pid) = (state.clone(), id.clone());
    let run = tokio::task::spawn_blocking(move || jobs::send_one(&st, &pid, &actor));
    if wait.is_zero() {
        // Answer at once with the post; the send carries on (dropping the handle detaches it).
        drop(run);
        let pid = id.clone();
        let post = state
            .db
            .read(move |c| store::get_any(c, &pid))
            .await?
            .ok_or(ApiError::NotFound("post"))?;
        return Ok((post, None));
    }
    match tokio::time::timeout_at(deadline, run).await {
        Ok(Ok(Ok(Some((post, outcome))))) => return Ok((post, Some(outcome))),
        Ok(Ok(Err(e))) => return Err(ApiError::internal("publishing", e)),
        Ok(Err(e)) => return Err(ApiError::internal("publishing thread", e)),
        // A dispatcher has it, or it is still going: watch the post.
        Ok(Ok(Ok(None))) | Err(_) => {}
    }
    loop {
        let pid = id.clone();
        let post = state
            .db
            .read(move |c| store::get_any(c, &pid))
            .await?
            .ok_or(ApiError::NotFound("post"))?;
        let settled = match post.status.as_str() {
            "publishing" | "checking" => false,
            // Queued again after a throttle, or not picked up yet.
            "scheduled" => post.attempts > 0,
            _ => true,
        };
        if settled || tokio::time::Instant::now() >= deadline {
            return Ok((post, None));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
