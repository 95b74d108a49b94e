//! LinkedIn's official data-export zip, read defensively (BOM, header case, notes above
//! headers, missing files and columns); zip-slip names and oversized archives are refused.
use super::exports::csv_records;
use super::extract::MAX_UNPACKED;
use super::html;
use super::platforms::Item;
pub use super::structure::{Entry, Section};
use crate::error::{ApiError, ApiResult};
use serde_json::json;
use std::io::Read;

/// Total bytes we unpack from one export (zip bombs stop here).
pub const MAX_EXPORT_UNPACKED: u64 = 200 * 1024 * 1024;
const MAX_ENTRIES: usize = 20_000;

/// Read the export: one item per share and article, one for comments, one for the profile
/// (whose metadata carries the sections).
/// Bytes that are no zip archive are 415; an archive that breaks a limit is 422.
pub fn parse_export(bytes: &[u8]) -> ApiResult<Vec<Item>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ApiError::UnsupportedMediaType(format!("not a zip archive: {e}")))?;
    if z.len() > MAX_ENTRIES {
        return Err(ApiError::unprocessable(format!(
            "the archive has more than {MAX_ENTRIES} entries"
        )));
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total = 0u64;
    for i in 0..z.len() {
        let f = z
            .by_index(i)
            .map_err(|e| ApiError::unprocessable(e.to_string()))?;
        // Zip-slip: names that are absolute or climb out are refused outright.
        let name = f.enclosed_name().ok_or_else(|| {
            ApiError::unprocessable("the archive holds an unsafe path (absolute or with ..)")
        })?;
        let name = name.to_string_lossy().replace('\\', "/");
        if f.is_dir() {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".csv") || lower.ends_with(".html") || lower.ends_with(".htm")) {
            continue;
        }
        let mut buf = Vec::new();
        f.take(MAX_UNPACKED + 1)
            .read_to_end(&mut buf)
            .map_err(|e| ApiError::unprocessable(e.to_string()))?;
        total += buf.len() as u64;
        if buf.len() as u64 > MAX_UNPACKED || total > MAX_EXPORT_UNPACKED {
            return Err(ApiError::unprocessable(
                "the archive unpacks to more than the allowed size",
            ));
        }
        files.push((name, buf));
    }
    let find = |base: &str| find_file(&files, base);
    let mut items = Vec::new();
    if let Some(t) = find("Shares.csv") {
        for r in csv_records(t, "sharecommentary") {
            let text = r.get("sharecommentary").cloned().unwrap_or_default();
            if text.trim().is_empty() {
                continue;
            }
            let link = r.get("sharelink").cloned().filter(|s| !s.is_empty());
            items.push(Item {
                external_id: link.clone().unwrap_or_else(|| format!("share:{}", crate::crypto::sha256_hex(text.as_bytes()))),
                title: text.lines().next().unwrap_or("").chars().take(80).collect(),
                url: link,
                metadata: json!({ "type": "post", "date": r.get("date"), "shared_url": r.get("sharedurl"), "visibility": r.get("visibility") }),
                text,
            });
        }
    }
    if let Some(t) = find("Comments.csv") {
        let lines: Vec<String> = csv_records(t, "message")
            .into_iter()
            .filter_map(|r| {
                let m = r.get("message")?.trim().to_string();
                (!m.is_empty())
                    .then(|| format!("{}: {m}", r.get("date").cloned().unwrap_or_default()))
            })
            .collect();
        if !lines.is_empty() {
            items.push(Item {
                external_id: "comments".into(),
                title: "LinkedIn comments".into(),
                url: None,
                metadata: json!({ "type": "comments", "count": lines.len() }),
                text: lines.join("\n\n"),
            });
        }
    }
    for (name, body) in files.iter().filter(|(n, _)| {
        n.to_ascii_lowercase().contains("articles/") && n.to_ascii_lowercase().ends_with("html")
    }) {
        let e = html::Page::from_bytes(body, None).extract();
        let title = if e.title.is_empty() {
            name.rsplit('/').next().unwrap_or(name).to_string()
        } else {
            e.title
        };
        items.push(Item {
            external_id: format!("article:{name}"),
            title,
            url: None,
            metadata: json!({ "type": "article", "file": name, "date": e.date }),
            text: e.text,
        });
    }
    if let Some(profile) = profile_item(&files) {
        items.push(profile);
    }
    Ok(items)
}

/// A file of the export by its base name (exports nest files in varying folders).
fn find_file<'a>(files: &'a [(String, Vec<u8>)], base: &str) -> Option<&'a [u8]> {
    files
        .iter()
        .find(|(n, _)| {
            n.rsplit('/')
                .next()
                .is_some_and(|f| f.eq_ignore_ascii_case(base))
        })
        .map(|(_, t)| t.as_slice())
}

fn profile_item(files: &[(String, Vec<u8>)]) -> Option<Item> {
    let find = |base: &str| find_file(files, base);
    let mut sections: Vec<Section> = Vec::new();
    let mut name = String::new();
    let mut headline = String::new();
    if let Some(p) =
        find("Profile.csv").and_then(|t| csv_records(t, "first name").into_iter().next())
    {
        name = format!(
            "{} {}",
            p.get("first name").map_or("", |s| s),
            p.get("last name").map_or("", |s| s)
        )
        .trim()
        .to_string();
        headline = p.get("headline").cloned().unwrap_or_default();
        if let Some(s) = p.get("summary").filter(|s| !s.is_empty()) {
            sections.push(Section {
                name: "About".into(),
                entries: vec![Entry {
                    text: s.clone(),
                    ..Default::default()
                }],
            });
        }
    }
    let entries = |file: &str, key: &str, title: &[&str], org: &str, desc: &str| -> Vec<Entry> {
        find(file)
            .map(|t| csv_records(t, key))
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let g = |k: &str| r.get(k).cloned().unwrap_or_default();
                Entry {
                    title: title
                        .iter()
                        .map(|k| g(k))
                        .find(|v| !v.is_empty())
                        .unwrap_or_default(),
                    organization: g(org),
                    start: Some(g("started on"))
                        .filter(|s| !s.is_empty())
                        .or(Some(g("start date")).filter(|s| !s.is_empty())),
                    end: Some(g("finished on"))
                        .filter(|s| !s.is_empty())
                        .or(Some(g("end date")).filter(|s| !s.is_empty())),
                    text: g(desc),
                    bullets: Vec::new(),
                }
            })
            .collect()
    };
    let exp = entries(
        "Positions.csv",
        "company name",
        &["title"],
        "company name",
        "description",
    );
    if !exp.is_empty() {
        sections.push(Section {
            name: "Experience".into(),
            entries: exp,
        });
    }
    let edu = entries(
        "Education.csv",
        "school name",
        &["degree name", "school name"],
        "school name",
        "notes",
    );
    if !edu.is_empty() {
        sections.push(Section {
            name: "Education".into(),
            entries: edu,
        });
    }
    if let Some(t) = find("Skills.csv") {
        let skills: Vec<String> = csv_records(t, "name")
            .into_iter()
            .filter_map(|r| r.get("name").cloned())
            .collect();
        if !skills.is_empty() {
            sections.push(Section {
                name: "Skills".into(),
                entries: vec![Entry {
                    bullets: skills,
                    ..Default::default()
                }],
            });
        }
    }
    if name.is_empty() && sections.is_empty() {
        return None;
    }
    let mut text = format!("# {name}\n\n{headline}\n\n");
    for s in &sections {
        text.push_str(&format!("## {}\n\n", s.name));
        for e in &s.entries {
            let head = [e.title.as_str(), e.organization.as_str()]
                .iter()
                .filter(|x| !x.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" — ");
            if !head.is_empty() {
                text.push_str(&format!("{head}\n"));
            }
            if e.start.is_some() || e.end.is_some() {
                text.push_str(&format!(
                    "{} – {}\n",
                    e.start.clone().unwrap_or_default(),
                    e.end.clone().unwrap_or_else(|| "Present".into())
                ));
            }
            if !e.text.is_empty() {
                text.push_str(&format!("{}\n", e.text));
            }
            for b in &e.bullets {
                text.push_str(&format!("- {b}\n"));
            }
            text.push('\n');
        }
    }
    Some(Item {
        external_id: "profile".into(),
        title: if name.is_empty() {
            "LinkedIn profile".into()
        } else {
            format!("{name} (LinkedIn profile)")
        },
        url: None,
        metadata: json!({ "type": "profile", "name": name, "headline": headline, "sections": sections }),
        text,
    })
}
