//! One post through the outbox: `start` records the attempt (and the exact text) BEFORE the
//! request goes out, `execute` talks to the platform without holding the write lock, `record`
//! writes what happened — the post's status, the content's status, the account's status, the
//! attempt's history and the `publishing.*` event — in the recorder's next write. `resolve` settles a post
//! whose answer was lost by looking it up at the platform, never by posting it again blindly.
use super::conf::Conf;
use super::types::{Outcome, Post};
use super::{accounts_store, linkedin, lookup, media, meta, posts_store as store};
use crate::domain::content;
use crate::state::AppState;
use rusqlite::Connection;
use serde_json::json;

/// Attempts before a post that keeps being throttled or failing transiently is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// Wake-ups are rounded up to this many milliseconds, so posts due together share one job.
const BUCKET_MS: i64 = 200;
/// The dispatcher wakes this long before posts are due: it records them (`publishing`, with
/// their text) ahead, and its senders send each one at its exact time.
pub const LEAD_MS: i64 = 1_000;

pub const DISPATCH: &str = "publishing.dispatch";
pub const RESOLVE: &str = "publishing.resolve";

/// Make sure a dispatcher runs in time for `at_ms` (up to `LEAD_MS` before it).
pub fn wake_at(tx: &Connection, at_ms: i64) -> rusqlite::Result<()> {
    // Rounded up: the dispatcher claims up to `LEAD_MS` ahead, so it still reaches `at_ms`.
    let run = (at_ms - LEAD_MS + BUCKET_MS - 1).div_euclid(BUCKET_MS) * BUCKET_MS;
    if store::add_wakeup(tx, run)? {
        crate::jobs::enqueue_at(tx, DISPATCH, json!({}), run)?;
    }
    Ok(())
}

/// The text as the platform takes it.
fn platform_text(platform: &str, draft: &str) -> String {
    match platform {
        "linkedin" => linkedin::little_text(draft),
        _ => draft.to_string(),
    }
}

/// Record the attempt before sending: the post becomes `publishing` with the text it will
/// carry (one statement). None when it was due longer ago than the grace period: it is missed.
pub fn start(
    tx: &Connection,
    due: store::Due,
    now_ms: i64,
    grace_ms: i64,
) -> rusqlite::Result<Option<(Post, String)>> {
    let store::Due {
        mut post,
        scheduled_ms,
        draft,
        ..
    } = due;
    if post.attempts == 0 && now_ms - scheduled_ms > grace_ms {
        miss(tx, &post, grace_ms)?;
        return Ok(None);
    }
    let text = platform_text(&post.platform, &draft);
    store::mark_sending(tx, &post.id, &text, now_ms)?;
    post.status = "publishing".into();
    post.attempts += 1;
    post.next_attempt_at = None;
    Ok(Some((post, text)))
}

/// An account ready to send with: its id on the platform and its opened token.
#[derive(Clone)]
pub struct Sendable {
    pub external_id: String,
    pub token: String,
}

/// The account a post goes out on, if it can be used (the dispatcher keeps these for a burst).
pub fn sendable(state: &AppState, account_id: &str) -> Result<Sendable, Outcome> {
    let account = match state
        .db
        .read_blocking(|c| accounts_store::get_any(c, account_id))
    {
        Ok(Some(a)) => a,
        Ok(None) => return Err(Outcome::Failed("the account was removed".into())),
        Err(e) => {
            return Err(Outcome::Retry {
                after_ms: 5_000,
                reason: format!("database: {e}"),
            });
        }
    };
    if account.account.status != "connected" {
        return Err(Outcome::Failed(format!(
            "the {} account {} is {}: reconnect it",
            account.account.platform, account.account.name, account.account.status
        )));
    }
    let Ok(token) = state.secrets.open(&account.token_sealed) else {
        return Err(Outcome::Failed(
            "the account's token cannot be opened with this server's key: reconnect it".into(),
        ));
    };
    Ok(Sendable {
        external_id: account.account.external_id,
        token,
    })
}

/// Send one prepared post. Never holds a database lock across the network.
pub fn execute(state: &AppState, conf: &Conf, post: &Post, text: &str) -> Outcome {
    match sendable(state, &post.account_id) {
        Ok(account) => execute_with(state, conf, post, text, &account),
        Err(o) => o,
    }
}

/// Send one prepared post with its account.
pub fn execute_with(
    state: &AppState,
    conf: &Conf,
    post: &Post,
    text: &str,
    account: &Sendable,
) -> Outcome {
    let token = &account.token;
    let external = &account.external_id;
    match post.platform.as_str() {
        "linkedin" => match media::bytes(state, &post.asset_ids) {
            Ok(images) => linkedin::publish(state, conf, token, external, text, &images),
            Err(e) => Outcome::Failed(e),
        },
        "facebook" => match media::urls(state, &post.asset_ids) {
            Ok(urls) => meta::publish_facebook(
                state,
                conf,
                token,
                external,
                text,
                post.link.as_deref(),
                &urls,
            ),
            Err(e) => Outcome::Failed(e),
        },
        "instagram" => match media::urls(state, &post.asset_ids) {
            Ok(urls) => meta::publish_instagram(state, conf, token, external, text, &urls),
            Err(e) => Outcome::Failed(e),
        },
        other => Outcome::Failed(format!("unknown platform {other}")),
    }
}

/// The post as it now is (its row was just written with these fields).
fn now_is(post: &Post, status: &str, error: Option<&str>) -> Post {
    let mut p = post.clone();
    p.status = status.into();
    if let Some(e) = error {
        p.last_error = Some(e.into());
    }
    p
}

fn event(tx: &Connection, kind: &str, p: &Post, actor: Option<&str>) -> rusqlite::Result<()> {
    crate::events::emit(
        tx,
        kind,
        actor,
        json!({
            "post_id": p.id, "content_id": p.content_id, "title": p.content_title,
            "account_id": p.account_id, "account_name": p.account_name, "platform": p.platform,
            "status": p.status, "scheduled_at": p.scheduled_at, "attempts": p.attempts,
            "external_id": p.external_id, "url": p.url, "error": p.last_error,
            "owner_id": p.created_by,
        }),
    )?;
    Ok(())
}

/// After a post stops waiting (failed, missed, cancelled), a content still marked `scheduled`
/// goes back to where it was unless another post of it is pending.
pub fn release_content(tx: &Connection, post: &Post) -> rusqlite::Result<()> {
    if store::others_pending(tx, &post.content_id, &post.id)? {
        return Ok(());
    }
    let prior = store::sending(tx, &post.id)?
        .and_then(|s| s.prior_status)
        .filter(|s| s != "scheduled" && s != "published")
        .unwrap_or_else(|| "draft".into());
    let system = crate::access::Viewer {
        user_id: post.created_by.clone(),
        admin: true,
    };
    if content::store::get(tx, &system, &post.content_id)?.is_some_and(|c| c.status == "scheduled")
    {
        content::set_status(tx, &post.created_by, &post.content_id, &prior)?;
    }
    Ok(())
}

/// Mark a post that was due too long ago as missed.
pub fn miss(tx: &Connection, post: &Post, grace_ms: i64) -> rusqlite::Result<()> {
    let why = format!(
        "due at {} while the server was down; more than the {}-minute grace period late",
        post.scheduled_at,
        grace_ms / 60_000
    );
    store::set_status(tx, &post.id, "missed", Some(&why))?;
    store::add_attempt(tx, &post.id, "missed", Some(&why))?;
    release_content(tx, post)?;
    event(
        tx,
        "publishing.missed",
        &now_is(post, "missed", Some(&why)),
        None,
    )
}

/// Write what one send did. `actor`: the user who pressed "publish now" (None for the
/// scheduler).
pub fn record(
    tx: &Connection,
    post: &Post,
    outcome: &Outcome,
    actor: Option<&str>,
    now_ms: i64,
) -> rusqlite::Result<()> {
    if store::status(tx, &post.id)?.as_deref() != Some("publishing") {
        // Taken over meanwhile (looked up after a restart, confirmed, removed): this late
        // answer changes nothing.
        return Ok(());
    }
    match outcome {
        Outcome::Published { external_id, url } => {
            store::mark_published(tx, &post.id, external_id, url)?;
            store::add_attempt(tx, &post.id, "published", Some(url))?;
            content::set_status(tx, &post.created_by, &post.content_id, "published")?;
            let mut p = now_is(post, "published", None);
            (p.external_id, p.url, p.last_error) =
                (Some(external_id.clone()), Some(url.clone()), None);
            event(tx, "publishing.published", &p, actor)
        }
        Outcome::Retry { after_ms, reason } => {
            let attempts = post.attempts.max(1);
            if attempts >= MAX_ATTEMPTS {
                let why = format!("gave up after {attempts} attempts: {reason}");
                return fail(tx, post, &why, actor);
            }
            let backoff = 1_000 * 2i64.pow((attempts - 1).clamp(0, 12) as u32);
            let at = now_ms + (*after_ms).max(backoff);
            store::mark_retry(tx, &post.id, at, reason)?;
            store::add_attempt(tx, &post.id, "retry", Some(reason))?;
            wake_at(tx, at)
        }
        Outcome::Expired(why) => {
            accounts_store::set_status(tx, &post.account_id, "expired", Some("reconnect"))?;
            fail(tx, post, why, actor)
        }
        Outcome::Failed(why) | Outcome::Duplicate(why) => fail(tx, post, why, actor),
        Outcome::Uncertain(why) => {
            store::set_status(tx, &post.id, "checking", Some(why))?;
            store::add_attempt(tx, &post.id, "unknown", Some(why))?;
            crate::jobs::enqueue(tx, RESOLVE, json!({}))?;
            Ok(())
        }
    }
}

fn fail(tx: &Connection, post: &Post, why: &str, actor: Option<&str>) -> rusqlite::Result<()> {
    store::set_status(tx, &post.id, "failed", Some(why))?;
    store::add_attempt(tx, &post.id, "failed", Some(why))?;
    release_content(tx, post)?;
    event(
        tx,
        "publishing.failed",
        &now_is(post, "failed", Some(why)),
        actor,
    )
}

/// Settle a post left `checking` (its answer was lost, or the server died mid-send): found at
/// the platform → published; certainly absent → queued again; cannot tell → `unknown` for a
/// person to confirm.
pub fn resolve(state: &AppState, conf: &Conf, id: &str) -> anyhow::Result<()> {
    let (post, sending, account) = state.db.read_blocking(|c| -> anyhow::Result<_> {
        let post = store::get_any(c, id)?;
        let sending = store::sending(c, id)?;
        let account = match &post {
            Some(p) => accounts_store::get_any(c, &p.account_id)?,
            None => None,
        };
        Ok((post, sending, account))
    })?;
    let (Some(post), Some(sending), Some(account)) = (post, sending, account) else {
        return Ok(());
    };
    if post.status != "checking" {
        return Ok(());
    }
    let found = match (
        state.secrets.open(&account.token_sealed),
        &sending.sent_text,
    ) {
        (Ok(token), Some(text)) => {
            let ext = &account.account.external_id;
            let since = sending.sent_ms.unwrap_or(sending.scheduled_ms);
            match post.platform.as_str() {
                "linkedin" => lookup::linkedin(state, conf, &token, ext, text, since)
                    .map(|f| f.map(|id| (linkedin::post_url(&id), id))),
                _ => lookup::meta(state, conf, &token, &post.platform, ext, text, since)
                    .map(|f| f.map(|(id, url)| (url, id))),
            }
        }
        (Err(_), _) => Err("the account's token cannot be opened".into()),
        (_, None) => Ok(None),
    };
    state.db.write_blocking(|tx| -> rusqlite::Result<()> {
        if store::get_any(tx, id)?.is_none_or(|p| p.status != "checking") {
            return Ok(());
        }
        match &found {
            Ok(Some((url, external_id))) => {
                store::add_attempt(tx, id, "found", Some(url))?;
                store::mark_published(tx, id, external_id, url)?;
                content::set_status(tx, &post.created_by, &post.content_id, "published")?;
                let mut p = now_is(&post, "published", None);
                (p.external_id, p.url, p.last_error) =
                    (Some(external_id.clone()), Some(url.clone()), None);
                event(tx, "publishing.published", &p, None)
            }
            Ok(None) => {
                store::add_attempt(tx, id, "not_found", Some("not at the platform: sending again"))?;
                let now = crate::time::now_millis();
                store::mark_retry(tx, id, now, "the last attempt did not arrive")?;
                wake_at(tx, now)
            }
            Err(e) => {
                let why = format!(
                    "sent, but whether it arrived could not be checked ({e}); confirm it on the platform"
                );
                store::set_status(tx, id, "unknown", Some(&why))?;
                store::add_attempt(tx, id, "unknown", Some(&why))?;
                event(tx, "publishing.failed", &now_is(&post, "unknown", Some(&why)), None)
            }
        }
    })?;
    Ok(())
}
