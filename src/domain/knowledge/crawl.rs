//! Website import: robots.txt (RFC 9309) first, then the sitemap(s) it names (or
//! /sitemap.xml), else links followed from the start page; same host only, a page cap and a
//! polite delay between requests.
use super::formats::{self, Robots};
use super::html;
use super::platforms::{Item, get, resolve};
use crate::jobs::Permanent;
use crate::state::AppState;
use anyhow::bail;
use serde_json::{Value, json};
use std::collections::{HashSet, VecDeque};

const AGENT: &str = "neuromancer";

fn origin_and_host(url: &str) -> Option<(String, String)> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let host = uri.authority()?.as_str().to_ascii_lowercase();
    Some((format!("{}://{host}", uri.scheme_str()?), host))
}

fn same_host(url: &str, host: &str) -> bool {
    origin_and_host(url).is_some_and(|(_, h)| h == host)
}

fn path_of(url: &str) -> String {
    url.parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .unwrap_or_else(|| "/".into())
}

/// `<a href>` targets of a page, resolved, without fragments.
fn links(page: &str, base: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = page.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("href=") {
        let at = from + i + 5;
        from = at;
        let Some(q) = page[at..].chars().next() else {
            break;
        };
        if q != '"' && q != '\'' {
            continue;
        }
        let v: String = page[at + 1..].chars().take_while(|c| *c != q).collect();
        let v = v.split('#').next().unwrap_or("").to_string();
        if v.is_empty() || v.starts_with("mailto:") || v.starts_with("javascript:") {
            continue;
        }
        out.push(resolve(base, &html::decode_entities(&v)));
    }
    out
}

pub fn crawl(state: &AppState, params: &Value, allow_private: bool) -> anyhow::Result<Vec<Item>> {
    let start = params["url"].as_str().unwrap_or("").trim().to_string();
    crate::net::check_url(&start).map_err(|e| Permanent(e.to_string()))?;
    let max_pages = params["max_pages"].as_u64().unwrap_or(20).clamp(1, 200) as usize;
    let delay =
        std::time::Duration::from_millis(params["delay_ms"].as_u64().unwrap_or(1000).min(10_000));
    let Some((origin, host)) = origin_and_host(&start) else {
        bail!(Permanent("the URL has no host".into()));
    };
    let agent = state.http.user_url(allow_private, true);
    let (rs, rb) = get(agent, &format!("{origin}/robots.txt"), &[])?;
    let robots = Robots::from_response(rs, &rb, AGENT);
    if robots.disallow_all {
        bail!(Permanent(
            "robots.txt could not be read (server error): crawling is not allowed".into()
        ));
    }
    // Candidate pages: sitemap entries first.
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut sitemaps: Vec<String> = robots.sitemaps.clone();
    if sitemaps.is_empty() {
        sitemaps.push(format!("{origin}/sitemap.xml"));
    }
    let mut seen_maps = HashSet::new();
    while let Some(sm) = sitemaps.pop() {
        if !seen_maps.insert(sm.clone()) || seen_maps.len() > 10 || !same_host(&sm, &host) {
            continue;
        }
        let Ok((status, body)) = get(agent, &sm, &[]) else {
            continue;
        };
        if status != 200 {
            continue;
        }
        let (index, locs) = formats::parse_sitemap(&body);
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
        if !seen.insert(url.clone()) || !robots.allowed(&path_of(&url)) {
            continue;
        }
        if fetched > 0 {
            std::thread::sleep(delay);
        }
        fetched += 1;
        let Ok((status, body)) = get(agent, &url, &[]) else {
            continue;
        };
        if status != 200 {
            continue;
        }
        if !from_sitemap {
            queue.extend(
                links(&body, &url)
                    .into_iter()
                    .filter(|u| same_host(u, &host)),
            );
        }
        let page = html::extract(&body);
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
