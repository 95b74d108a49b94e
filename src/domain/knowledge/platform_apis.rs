//! The API-backed importers of the `knowledge.platform` job: a GitHub user's repository
//! READMEs and the Notion pages an integration token can read (their blocks as text).
use super::platforms::{Item, get};
use crate::jobs::Permanent;
use crate::state::AppState;
use anyhow::bail;
use base64::Engine;
use serde_json::{Value, json};

pub fn github(
    state: &AppState,
    base: &str,
    user: &str,
    token: Option<&str>,
) -> anyhow::Result<Vec<Item>> {
    if user.trim().is_empty() || !user.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        bail!(Permanent("a GitHub username is required".into()));
    }
    let base = base.trim_end_matches('/');
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![
        ("Accept", "application/vnd.github+json"),
        ("X-GitHub-Api-Version", "2022-11-28"),
    ];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    let agent = &state.http.trusted;
    let mut repos: Vec<Value> = Vec::new();
    let mut next = Some(format!("{base}/users/{user}/repos?per_page=100"));
    let mut pages = 0;
    while let Some(url) = next.take() {
        let mut req = agent.get(&url);
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let mut resp = req.call()?;
        if resp.status().as_u16() >= 400 {
            bail!(Permanent(format!(
                "GitHub answered HTTP {} for {url}",
                resp.status().as_u16()
            )));
        }
        next = resp
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split(',').find(|p| p.contains("rel=\"next\"")))
            .and_then(|p| p.split(['<', '>']).nth(1))
            .map(str::to_string);
        repos.extend(
            crate::net::read_json(&mut resp)?
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        pages += 1;
        if pages >= 10 {
            break;
        }
    }
    let mut items = Vec::new();
    for r in repos.iter().take(100) {
        let Some(full) = r["full_name"].as_str() else {
            continue;
        };
        let (status, body) = get(agent, &format!("{base}/repos/{full}/readme"), &headers)?;
        if status != 200 {
            continue;
        }
        let v: Value = serde_json::from_str(&body).unwrap_or_default();
        let b64: String = v["content"]
            .as_str()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
            continue;
        };
        items.push(Item {
            external_id: format!("{full}/{}", v["path"].as_str().unwrap_or("README.md")),
            title: format!("{full}: {}", v["name"].as_str().unwrap_or("README")),
            url: v["html_url"].as_str().or(r["html_url"].as_str()).map(str::to_string),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            metadata: json!({ "repo": full, "description": r["description"], "stars": r["stargazers_count"] }),
        });
    }
    Ok(items)
}

pub fn notion(state: &AppState, base: &str, token: &str) -> anyhow::Result<Vec<Item>> {
    let base = base.trim_end_matches('/');
    let auth = format!("Bearer {token}");
    let agent = &state.http.trusted;
    let mut resp = agent
        .post(&format!("{base}/v1/search"))
        .header("Authorization", &auth)
        .header("Notion-Version", "2022-06-28")
        .send_json(
            json!({ "filter": { "property": "object", "value": "page" }, "page_size": 100 }),
        )?;
    if resp.status().as_u16() >= 400 {
        bail!(Permanent(format!(
            "Notion answered HTTP {}",
            resp.status().as_u16()
        )));
    }
    let found = crate::net::read_json(&mut resp)?;
    let mut items = Vec::new();
    for page in found["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .take(200)
    {
        let Some(id) = page["id"].as_str() else {
            continue;
        };
        let title = page["properties"]
            .as_object()
            .and_then(|props| props.values().find(|p| p["type"] == "title"))
            .and_then(|p| p["title"].as_array())
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(|t| t["plain_text"].as_str())
                    .collect::<String>()
            })
            .unwrap_or_default();
        let mut text = String::new();
        blocks(agent, base, &auth, id, 0, &mut text)?;
        items.push(Item {
            external_id: id.to_string(),
            title,
            url: page["url"].as_str().map(str::to_string),
            text,
            metadata: json!({ "notion_id": id, "last_edited": page["last_edited_time"] }),
        });
    }
    Ok(items)
}

fn blocks(
    agent: &ureq::Agent,
    base: &str,
    auth: &str,
    id: &str,
    depth: usize,
    out: &mut String,
) -> anyhow::Result<()> {
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/blocks/{id}/children?page_size=100");
        if let Some(c) = &cursor {
            url.push_str(&format!("&start_cursor={c}"));
        }
        let (status, body) = get(
            agent,
            &url,
            &[("Authorization", auth), ("Notion-Version", "2022-06-28")],
        )?;
        if status >= 400 {
            bail!("Notion answered HTTP {status} for the blocks of {id}");
        }
        let v: Value = serde_json::from_str(&body)?;
        for b in v["results"].as_array().cloned().unwrap_or_default() {
            let ty = b["type"].as_str().unwrap_or("");
            let text: String = b[ty]["rich_text"]
                .as_array()
                .map(|a| a.iter().filter_map(|t| t["plain_text"].as_str()).collect())
                .unwrap_or_default();
            let prefix = match ty {
                "heading_1" => "# ",
                "heading_2" => "## ",
                "heading_3" => "### ",
                "bulleted_list_item" | "numbered_list_item" | "to_do" => "- ",
                _ => "",
            };
            if !text.is_empty() {
                out.push_str(&format!("{prefix}{text}\n\n"));
            }
            if b["has_children"].as_bool() == Some(true)
                && depth < 3
                && let Some(child) = b["id"].as_str()
            {
                blocks(agent, base, auth, child, depth + 1, out)?;
            }
        }
        cursor = v["next_cursor"]
            .as_str()
            .filter(|_| v["has_more"] == true)
            .map(str::to_string);
        if cursor.is_none() {
            return Ok(());
        }
    }
}
