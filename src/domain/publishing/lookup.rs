//! After a crash between sending a post and recording the platform's answer: is the post there?
//! Each lookup pages back through the account's posts, newest first, until they are older than
//! the attempt. Only a complete look may say "not found" (the post is then sent again); anything
//! less is an error, and the post waits for a person to confirm it.
use super::conf::Conf;
use super::{linkedin, meta, wire};
use crate::state::AppState;

/// Posts read per request, and the most requests one lookup makes.
const PAGE: usize = 100;
const PAGES: usize = 20;

/// Look for a post of this member with exactly this commentary created since `since_ms` (five
/// minutes of clock skew allowed). Pages back through the member's posts, newest first, until
/// they are older than that; a member who posted more than the pages hold since then is an
/// error (the post is left for a person to confirm), never "not found" — that would send it again.
pub fn linkedin(
    state: &AppState,
    conf: &Conf,
    token: &str,
    sub: &str,
    commentary: &str,
    since_ms: i64,
) -> Result<Option<String>, String> {
    let author = format!("urn:li:person:{sub}");
    let floor = since_ms - 300_000;
    for page in 0..PAGES as i64 {
        let a = wire::answer(
            conf.agent(state)
                .get(format!("{}/rest/posts", conf.linkedin_api))
                .query("author", &author)
                .query("q", "author")
                .query("start", (page * PAGE as i64).to_string())
                .query("count", PAGE.to_string())
                .query("sortBy", "CREATED")
                .header("Authorization", format!("Bearer {token}"))
                .header("LinkedIn-Version", &conf.linkedin_version)
                .header("X-Restli-Protocol-Version", "2.0.0")
                .call(),
        );
        if a.status != 200 {
            return Err(linkedin::describe(&a));
        }
        let elements = a.body["elements"].as_array().cloned().unwrap_or_default();
        let created = |p: &serde_json::Value| p["createdAt"].as_i64();
        if let Some(p) = elements.iter().find(|p| {
            p["commentary"].as_str() == Some(commentary) && created(p).is_none_or(|t| t >= floor)
        }) {
            return Ok(p["id"].as_str().map(str::to_string));
        }
        let past_floor = elements.last().and_then(created).is_some_and(|t| t < floor);
        if elements.len() < PAGE || past_floor {
            return Ok(None);
        }
    }
    Err(format!(
        "the member published more than {} posts since this one was sent; look for it on LinkedIn",
        PAGE * PAGES
    ))
}

/// A post of this page / Instagram account with exactly this text, published since `since_ms`
/// (five minutes of clock skew allowed). Follows the Graph API's cursors back, newest first,
/// until the posts are older than that; more posts than the pages hold is an error (left for a
/// person to confirm), never "not found" — that would send it again.
pub fn meta(
    state: &AppState,
    conf: &Conf,
    token: &str,
    platform: &str,
    external: &str,
    text: &str,
    since_ms: i64,
) -> Result<Option<(String, String)>, String> {
    let (path, fields, key, time) = if platform == "instagram" {
        (
            format!("{external}/media"),
            "id,caption,timestamp,permalink",
            "caption",
            "timestamp",
        )
    } else {
        (
            format!("{external}/feed"),
            "id,message,created_time",
            "message",
            "created_time",
        )
    };
    let floor = since_ms - 300_000;
    // Graph times look like 2026-12-01T10:00:00+0000.
    let millis = |p: &serde_json::Value| {
        chrono::DateTime::parse_from_str(p[time].as_str()?, "%Y-%m-%dT%H:%M:%S%z")
            .ok()
            .map(|t| t.timestamp_millis())
    };
    let mut after: Option<String> = None;
    for _ in 0..PAGES {
        let mut req = conf
            .agent(state)
            .get(meta::graph(conf, &path))
            .query("fields", fields)
            .query("limit", PAGE.to_string())
            .query("access_token", token);
        if platform != "instagram" {
            req = req.query("since", (floor / 1000).to_string());
        }
        if let Some(cursor) = &after {
            req = req.query("after", cursor);
        }
        let a = wire::answer(req.call());
        if a.status != 200 {
            return Err(meta::describe(&a));
        }
        let data = a.body["data"].as_array().cloned().unwrap_or_default();
        if let Some(p) = data
            .iter()
            .find(|p| p[key].as_str() == Some(text) && millis(p).is_none_or(|t| t >= floor))
        {
            let Some(id) = p["id"].as_str() else {
                return Ok(None);
            };
            let url = p["permalink"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("https://www.facebook.com/{id}"));
            return Ok(Some((id.to_string(), url)));
        }
        let past_floor = data.last().and_then(millis).is_some_and(|t| t < floor);
        after = a.body["paging"]["cursors"]["after"]
            .as_str()
            .filter(|_| a.body["paging"]["next"].is_string())
            .map(str::to_string);
        if after.is_none() || past_floor || data.is_empty() {
            return Ok(None);
        }
    }
    Err(format!(
        "the account published more than {} posts since this one was sent; look for it on the platform",
        PAGE * PAGES
    ))
}
