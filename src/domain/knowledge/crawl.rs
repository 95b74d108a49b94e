//! Website import: robots.txt first (texting_robots, RFC 9309: wildcards, `$`, longest match,
//! Allow on ties; a 4xx answer allows everything, a 5xx one nothing), then the sitemap(s) it
//! names (or /sitemap.xml), else the links of the pages' DOM followed from the start page; same
//! host only, a page cap and a polite delay between requests (at least the Crawl-delay asked).
use super::formats;
use super::html::Page;
use super::platforms::{Item, fetch};
use crate::jobs::Permanent;
use crate::state::AppState;
use anyhow::bail;
use serde_json::{Value, json};
use std::collections::{HashSet, VecDeque};
use texting_robots::Robot;

const AGENT: &str = "neuromancer";

fn origin_and_host(url: &str) -> Option<(String, String)> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let host = uri.authority()?.as_str().to_ascii_lowercase();
    Some((format!("{}://{host}", uri.scheme_str()?), host))
}

fn same_host(url: &str, host: &str) -> bool {
    origin_and_host(url).is_some_and(|(_, h)| h == host)
}

/// The most pages one crawl takes (`max_pages`, 20 when not given).
pub const MAX_PAGES: u64 = 200;
/// The longest wait between two fetches (`delay_ms`, 1000 when not given).
pub const MAX_DELAY_MS: u64 = 10_000;

pub fn crawl(state: &AppState, params: &Value, allow_private: bool) -> anyhow::Result<Vec<Item>> {
    let start = params["url"].as_str().unwrap_or("").trim().to_string();
    crate::net::check_url(&start).map_err(|e| Permanent(e.to_string()))?;
    // The request was refused outside these ranges; a job queued before that rule still clamps.
    let max_pages = params["max_pages"]
        .as_u64()
        .unwrap_or(20)
        .clamp(1, MAX_PAGES) as usize;
    let delay = std::time::Duration::from_millis(
        params["delay_ms"]
            .as_u64()
            .unwrap_or(1000)
            .min(MAX_DELAY_MS),
    );
    let Some((origin, host)) = origin_and_host(&start) else {
        bail!(Permanent("the URL has no host".into()));
    };
    let agent = state.http.user_url(allow_private, true);
    let robots = fetch(agent, &format!("{origin}/robots.txt"), &[])?;
    if robots.status >= 500 {
        bail!(Permanent(
            "robots.txt could not be read (server error): crawling is not allowed".into()
        ));
    }
    // A 4xx robots.txt (or one that does not parse) sets no rules.
    let robot = (robots.status < 400)
        .then(|| Robot::new(AGENT, &robots.body).ok())
        .flatten();
    let allowed = |url: &str| robot.as_ref().is_none_or(|r| r.allowed(url));
    let delay = robot
        .as_ref()
        .and_then(|r| r.delay)
        .filter(|s| s.is_finite())
        .map(|s| std::time::Duration::from_secs_f32(s.clamp(0.0, 10.0)))
        .map_or(delay, |asked| asked.max(delay));
    // Candidate pages: sitemap entries first.
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut sitemaps: Vec<String> = robot
        .as_ref()
        .map(|r| r.sitemaps.clone())
        .unwrap_or_default();
    if sitemaps.is_empty() {
        sitemaps.push(format!("{origin}/sitemap.xml"));
    }
    let mut seen_maps = HashSet::new();
    while let Some(sm) = sitemaps.pop() {
        if !seen_maps.insert(sm.clone()) || seen_maps.len() > 10 || !same_host(&sm, &host) {
            continue;
        }
        let Ok(got) = fetch(agent, &sm, &[]) else {
            continue;
        };
        if got.status != 200 {
            continue;
        }
        let (index, locs) = formats::parse_sitemap(&String::from_utf8_lossy(&got.body));
        if index {
            sitemaps.extend(locs);
        } else {
            queue.extend(locs.into_iter().filter(|u| same_host(u, &host)));
        }
    }
    let from_sitemap = !queue.is_empty();
    if !from_sitemap {
        queue.push_back(start.clone());
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut items = Vec::new();
    let mut fetched = 0;
    while let Some(url) = queue.pop_front() {
        if items.len() >= max_pages || fetched >= max_pages * 3 {
            break;
        }
        if !seen.insert(url.clone()) || !allowed(&url) {
            continue;
        }
        if fetched > 0 {
            std::thread::sleep(delay);
        }
        fetched += 1;
        let Ok(got) = fetch(agent, &url, &[]) else {
            continue;
        };
        if got.status != 200 {
            continue;
        }
        let dom = Page::from_bytes(&got.body, got.content_type.as_deref());
        if !from_sitemap {
            queue.extend(dom.links(&url).into_iter().filter(|u| same_host(u, &host)));
        }
        let page = dom.extract();
        if page.text.trim().is_empty() {
            continue;
        }
        items.push(Item {
            external_id: url.clone(),
            title: if page.title.is_empty() { url.clone() } else { page.title },
            url: Some(url),
            text: page.text,
            metadata: json!({ "author": page.author, "date": page.date, "site_name": page.site_name }),
        });
    }
    Ok(items)
}
