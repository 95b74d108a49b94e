//! Platform importers that fetch (rss, substack, medium, website, github, notion) run as the
//! `knowledge.platform` job: each item becomes one source (deduplicated by guid/URL on
//! re-import) whose text is then indexed by the ingest job. Every outside base URL comes from
//! settings so tests point them at loopback fakes; user-supplied URLs use the SSRF-guarded agent.
use super::sources_store::{self as store, NewSource};
use super::{formats, html, ingest};
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
    // Settings are read once, before any network call.
    let (allow_private, known) = state.db.read_blocking(|c| -> anyhow::Result<_> {
        let allow = settings::allow_private_network(c, &state.secrets)?;
        let known: std::collections::HashMap<&str, String> = SETTINGS
            .iter()
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
            feed(state, &url, allow_private)?
        }
        "website" => super::crawl::crawl(state, params, allow_private)?,
        "github" => {
            let base = setting("github_api_url").unwrap_or_else(|| "https://api.github.com".into());
            let token = params["token"]
                .as_str()
                .map(str::to_string)
                .or_else(|| setting("github_token"));
            super::platform_apis::github(
                state,
                &base,
                params["username"].as_str().unwrap_or(""),
                token.as_deref(),
            )?
        }
        "notion" => {
            let base = setting("notion_api_url").unwrap_or_else(|| "https://api.notion.com".into());
            let token = params["token"]
                .as_str()
                .map(str::to_string)
                .or_else(|| setting("notion_token"));
            let token =
                token.ok_or_else(|| Permanent("a Notion integration token is required".into()))?;
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

/// GET through an agent; (status, body) with the size cap.
pub fn get(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
) -> anyhow::Result<(u16, String)> {
    let mut req = agent.get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().map_err(|e| match crate::net::refused(&e) {
        Some(r) => anyhow::Error::new(Permanent(format!("refused: {r}"))),
        None => anyhow::anyhow!("GET {url}: {e}"),
    })?;
    let status = resp.status().as_u16();
    let body = crate::net::read_text(&mut resp, crate::net::MAX_RESPONSE_BYTES)?;
    Ok((status, body))
}

fn feed(state: &AppState, url: &str, allow_private: bool) -> anyhow::Result<Vec<Item>> {
    crate::net::check_url(url).map_err(|e| Permanent(e.to_string()))?;
    let agent = state.http.user_url(allow_private, true);
    let (status, body) = get(agent, url, &[])?;
    if status >= 400 {
        bail!(Permanent(format!("the feed answered HTTP {status}")));
    }
    let (feed_title, items) = match formats::parse_feed(&body) {
        Ok(f) => f,
        // A page instead of a feed: follow its <link rel="alternate"> once (feed discovery).
        Err(e) => match discover(&body, url) {
            Some(found) if found != url => return feed(state, &found, allow_private),
            _ => bail!(Permanent(e)),
        },
    };
    Ok(items
        .into_iter()
        .map(|it| {
            let text = if it.body.contains('<') {
                html::extract(&it.body).text
            } else {
                it.body.clone()
            };
            Item {
                external_id: if it.id.is_empty() {
                    it.link.clone()
                } else {
                    it.id.clone()
                },
                title: it.title,
                url: (!it.link.is_empty()).then_some(it.link),
                text,
                metadata: json!({ "author": it.author, "date": it.date, "feed": feed_title }),
            }
        })
        .collect())
}

/// The feed a page advertises (`<link rel="alternate" type="application/rss+xml" href=…>`, or
/// Atom), resolved against the page URL.
fn discover(page: &str, base: &str) -> Option<String> {
    let lower = page.to_ascii_lowercase();
    ["application/rss+xml", "application/atom+xml"]
        .iter()
        .find_map(|ty| {
            let at = lower.find(ty)?;
            let tag_start = lower[..at].rfind('<')?;
            let tag_end = at + lower[at..].find('>')?;
            // ASCII lower-casing keeps byte offsets, so the attribute is found case-insensitively.
            let href = &page[tag_start..tag_end][lower[tag_start..tag_end].find("href=")? + 5..];
            let v: String = match href.chars().next()? {
                q @ ('"' | '\'') => href[1..].chars().take_while(|c| *c != q).collect(),
                _ => href.chars().take_while(|c| !c.is_whitespace()).collect(),
            };
            (!v.is_empty()).then(|| resolve(base, &v))
        })
}

/// Resolve a possibly relative link against the page URL (RFC 3986: `../`, `//host`, `?query`).
pub fn resolve(base: &str, link: &str) -> String {
    url::Url::parse(base)
        .and_then(|b| b.join(link))
        .map(String::from)
        .unwrap_or_else(|_| link.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_advertises_its_rss_or_atom_feed() {
        let base = "https://blog.example.com/posts/";
        let rss =
            r#"<head><LINK rel="alternate" type="application/rss+xml" HREF="/feed.xml"></head>"#;
        assert_eq!(
            discover(rss, base).as_deref(),
            Some("https://blog.example.com/feed.xml")
        );
        let atom = "<head><link rel=alternate type='application/atom+xml' href='atom.xml'></head>";
        assert_eq!(
            discover(atom, base).as_deref(),
            Some("https://blog.example.com/posts/atom.xml")
        );
        assert_eq!(discover("<head><title>no feed</title></head>", base), None);
        assert_eq!(resolve(base, "../about"), "https://blog.example.com/about");
        assert_eq!(
            resolve(base, "//cdn.example.com/a.xml"),
            "https://cdn.example.com/a.xml"
        );
    }
}
