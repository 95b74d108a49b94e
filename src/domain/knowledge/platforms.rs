//! Platform importers that fetch (rss, substack, medium, website, github, notion) run as the
//! `knowledge.platform` job: each item becomes one source (deduplicated by guid/URL on
//! re-import) whose text is then indexed by the ingest job. Every outside base URL comes from
//! settings so tests point them at loopback fakes; user-supplied URLs use the SSRF-guarded agent.
use super::sources_store::{self as store, NewSource};
use super::{html, ingest};
use crate::jobs::{Job, Permanent};
use crate::settings::store as settings;
use crate::state::AppState;
use anyhow::{Context, bail};
use serde_json::{Value, json};

pub const KIND: &str = "knowledge.platform";
/// The settings the fetching importers read (base URLs and tokens).
const SETTINGS: &[&str] = &[
    "medium_base_url",
    "github_api_url",
    "github_token",
    "notion_api_url",
    "notion_token",
];
pub const FETCHED: &[&str] = &["rss", "substack", "medium", "website", "github", "notion"];

/// One imported item, before it becomes a source.
pub struct Item {
    pub external_id: String,
    pub title: String,
    pub url: Option<String>,
    pub text: String,
    pub metadata: Value,
}

/// Items stored per write transaction by the import job.
const BATCH: usize = 50;

/// Create (or refresh, on re-import) one source per item and queue their indexing, inside the
/// caller's write transaction.
pub fn store_items(
    tx: &rusqlite::Connection,
    owner: &str,
    platform: &str,
    collection_id: Option<&str>,
    items: Vec<Item>,
) -> rusqlite::Result<Vec<String>> {
    let mut ids = Vec::new();
    for it in items.into_iter().filter(|i| !i.text.trim().is_empty()) {
        let id = store::insert(
            tx,
            &NewSource {
                owner_id: owner.to_string(),
                collection_id: collection_id.map(str::to_string),
                kind: "platform",
                platform: Some(platform.to_string()),
                title: it.title,
                url: it.url,
                external_id: Some(it.external_id),
                content: it.text,
                metadata: it.metadata,
                ..Default::default()
            },
        )?;
        ingest::enqueue(tx, &id)?;
        ids.push(id);
    }
    Ok(ids)
}

pub fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let p = &job.payload;
    let platform = p["platform"].as_str().context("platform")?.to_string();
    let owner = p["owner_id"].as_str().context("owner_id")?.to_string();
    let collection = p["collection_id"].as_str().map(str::to_string);
    let params = &p["params"];
    // The token the user gave (sealed in the payload), else the admin's — for admins only,
    // unless an admin shares integration tokens with everyone.
    let given = match p["sealed"]["token"].as_str() {
        Some(sealed) => Some(state.secrets.open(sealed)?),
        None => params["token"].as_str().map(str::to_string),
    };
    // Settings are read once, before any network call.
    let (allow_private, known) = state.db.read_blocking(|c| -> anyhow::Result<_> {
        let allow = settings::allow_private_network(c, &state.secrets)?;
        let shared = settings::get_bool(c, &state.secrets, "share_integration_tokens")?
            .unwrap_or(false)
            || crate::users::store::get(c, &owner)?.is_some_and(|u| u.role == "admin");
        let known: std::collections::HashMap<&str, String> = SETTINGS
            .iter()
            .filter(|k| shared || !k.ends_with("_token"))
            .filter_map(|k| {
                settings::get_string(c, &state.secrets, k)
                    .ok()
                    .flatten()
                    .map(|v| (*k, v))
            })
            .collect();
        Ok((allow, known))
    })?;
    let setting = |k: &str| known.get(k).cloned();
    let items = match platform.as_str() {
        "rss" | "substack" | "medium" => {
            let url = feed_url(&platform, params, setting("medium_base_url"))?;
            feed(state, &url, allow_private, true)?
        }
        "website" => super::crawl::crawl(state, params, allow_private)?,
        "github" => {
            let base = setting("github_api_url").unwrap_or_else(|| "https://api.github.com".into());
            let token = given.clone().or_else(|| setting("github_token"));
            super::platform_apis::github(
                state,
                &base,
                params["username"].as_str().unwrap_or(""),
                token.as_deref(),
            )?
        }
        "notion" => {
            let base = setting("notion_api_url").unwrap_or_else(|| "https://api.notion.com".into());
            let token = given.clone().or_else(|| setting("notion_token"));
            let token = token.ok_or_else(|| {
                Permanent("a Notion integration token is required (pass `token`)".into())
            })?;
            super::platform_apis::notion(state, &base, &token)?
        }
        other => bail!(Permanent(format!("unknown platform {other}"))),
    };
    let n = items.len();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let batch: Vec<Item> = items.by_ref().take(BATCH).collect();
        state.db.write_blocking(|tx| {
            store_items(tx, &owner, &platform, collection.as_deref(), batch)
        })?;
    }
    tracing::info!(platform = %platform, items = n, "platform import fetched");
    Ok(())
}

fn feed_url(platform: &str, params: &Value, medium_base: Option<String>) -> anyhow::Result<String> {
    let given = params["url"]
        .as_str()
        .or(params["username"].as_str())
        .unwrap_or("")
        .trim();
    if given.is_empty() {
        bail!(Permanent(
            "url (or username/publication) is required".into()
        ));
    }
    if given.starts_with("http://") || given.starts_with("https://") {
        return Ok(given.to_string());
    }
    let name = given.trim_start_matches('@');
    Ok(match platform {
        "substack" => format!("https://{name}.substack.com/feed"),
        "medium" => format!(
            "{}/feed/@{name}",
            medium_base
                .unwrap_or_else(|| "https://medium.com".into())
                .trim_end_matches('/')
        ),
        _ => bail!(Permanent("url is required".into())),
    })
}

/// A response read with the size cap.
pub struct Fetched {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// GET through an agent, the body as bytes (pages and feeds name their own charset).
pub fn fetch(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)]) -> anyhow::Result<Fetched> {
    let mut req = agent.get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().map_err(|e| match crate::net::refused(&e) {
        Some(r) => anyhow::Error::new(Permanent(format!("refused: {r}"))),
        None => anyhow::anyhow!("GET {url}: {e}"),
    })?;
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = resp
        .body_mut()
        .with_config()
        .limit(crate::net::MAX_RESPONSE_BYTES)
        .read_to_vec()?;
    Ok(Fetched {
        status: resp.status().as_u16(),
        content_type,
        body,
    })
}

/// GET through an agent; (status, body as UTF-8 text) with the size cap, for JSON APIs.
pub fn get(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
) -> anyhow::Result<(u16, String)> {
    let f = fetch(agent, url, headers)?;
    Ok((f.status, String::from_utf8_lossy(&f.body).into_owned()))
}

/// The items of the feed at `url`; a page instead of a feed is followed to the feed it
/// advertises when `discover` (once: two pages naming each other do not loop).
fn feed(
    state: &AppState,
    url: &str,
    allow_private: bool,
    discover: bool,
) -> anyhow::Result<Vec<Item>> {
    crate::net::check_url(url).map_err(|e| Permanent(e.to_string()))?;
    let agent = state.http.user_url(allow_private, true);
    let got = fetch(agent, url, &[])?;
    if got.status >= 400 {
        bail!(Permanent(format!("the feed answered HTTP {}", got.status)));
    }
    let parsed = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .build()
        .parse(got.body.as_slice());
    let feed = match parsed {
        Ok(f) => f,
        // A page instead of a feed: follow its <link rel="alternate"> once (feed discovery).
        Err(e) => {
            let page = html::Page::from_bytes(&got.body, got.content_type.as_deref());
            match page.feed_link(url) {
                Some(found) if discover && found != url => {
                    return feed(state, &found, allow_private, false);
                }
                _ => bail!(Permanent(format!("not an RSS, Atom or JSON feed: {e}"))),
            }
        }
    };
    let feed_title = feed.title.map(|t| html::decode_entities(&t.content));
    Ok(feed
        .entries
        .into_iter()
        .map(|e| {
            let body = e
                .content
                .and_then(|c| c.body)
                .or(e.summary.map(|s| s.content))
                .unwrap_or_default();
            let text = if body.contains(['<', '&']) {
                html::extract(&body).text
            } else {
                body
            };
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .map(|l| l.href.clone());
            let title = e
                .title
                .map(|t| html::decode_entities(&t.content))
                .filter(|t| !t.trim().is_empty())
                .or_else(|| link.clone())
                .unwrap_or_else(|| e.id.clone());
            let author = e.authors.first().map(|a| a.name.clone());
            let date = e.published.or(e.updated).map(|d| d.to_rfc3339());
            Item {
                external_id: e.id,
                title,
                url: link,
                text,
                metadata: json!({ "author": author, "date": date, "feed": feed_title }),
            }
        })
        .collect())
}
