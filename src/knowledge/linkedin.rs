//! LinkedIn: reading the official data-export zip (defensively: BOM, header case, notes above
//! headers, missing files and columns), and turning raw profile text into sections and posts.
//! `Structurer` is the seam for an LLM; `Offline` really parses the text (headings, date
//! ranges, bullet lists) so the route works with no provider configured.
use super::extract::MAX_UNPACKED;
use super::formats::csv_records;
use super::html;
use super::platforms::Item;
use serde::Serialize;
use serde_json::json;
use std::io::Read;

/// Total bytes we unpack from one export (zip bombs stop here).
pub const MAX_EXPORT_UNPACKED: u64 = 200 * 1024 * 1024;
const MAX_ENTRIES: usize = 20_000;

/// Read the export: one item per share and article, one for comments, one for the profile
/// (whose metadata carries the sections).
pub fn parse_export(bytes: &[u8]) -> Result<Vec<Item>, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip archive: {e}"))?;
    if z.len() > MAX_ENTRIES {
        return Err(format!("the archive has more than {MAX_ENTRIES} entries"));
    }
    let mut files: Vec<(String, String)> = Vec::new();
    let mut total = 0u64;
    for i in 0..z.len() {
        let f = z.by_index(i).map_err(|e| e.to_string())?;
        // Zip-slip: names that are absolute or climb out are refused outright.
        let name = f
            .enclosed_name()
            .ok_or_else(|| "the archive holds an unsafe path (absolute or with ..)".to_string())?;
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
            .map_err(|e| e.to_string())?;
        total += buf.len() as u64;
        if buf.len() as u64 > MAX_UNPACKED || total > MAX_EXPORT_UNPACKED {
            return Err("the archive unpacks to more than the allowed size".into());
        }
        files.push((name, String::from_utf8_lossy(&buf).into_owned()));
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
        let e = html::extract(body);
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
fn find_file<'a>(files: &'a [(String, String)], base: &str) -> Option<&'a str> {
    files
        .iter()
        .find(|(n, _)| {
            n.rsplit('/')
                .next()
                .is_some_and(|f| f.eq_ignore_ascii_case(base))
        })
        .map(|(_, t)| t.as_str())
}

fn profile_item(files: &[(String, String)]) -> Option<Item> {
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

#[derive(Serialize, Clone, Debug, Default, PartialEq, utoipa::ToSchema)]
pub struct Entry {
    pub title: String,
    pub organization: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub text: String,
    pub bullets: Vec<String>,
}

#[derive(Serialize, Clone, Debug, Default, PartialEq, utoipa::ToSchema)]
pub struct Section {
    pub name: String,
    pub entries: Vec<Entry>,
}

/// What structuring yields, in order (each becomes one SSE frame).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Structured {
    Profile { name: String, headline: String },
    Section(Section),
    Post { text: String, date: Option<String> },
    Done { sections: usize, posts: usize },
}

/// Raw text → structured profile and posts. An LLM-backed implementation plugs in here.
pub trait Structurer: Send + Sync {
    fn structure(&self, text: &str) -> Box<dyn Iterator<Item = Structured> + Send>;
}

/// Deterministic parser of pasted profile text.
pub struct Offline;

const SECTION_NAMES: &[&str] = &[
    "about",
    "summary",
    "experience",
    "education",
    "skills",
    "licenses & certifications",
    "certifications",
    "projects",
    "volunteering",
    "volunteer experience",
    "honors & awards",
    "languages",
    "publications",
    "recommendations",
    "featured",
    "activity",
    "posts",
    "courses",
    "interests",
];
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn section_name(line: &str) -> Option<String> {
    let l = line
        .trim()
        .trim_start_matches('#')
        .trim()
        .trim_end_matches(':')
        .trim();
    let is_md = line.trim_start().starts_with('#');
    (SECTION_NAMES.contains(&l.to_ascii_lowercase().as_str()) || (is_md && !l.is_empty()))
        .then(|| l.to_string())
}

fn is_date_token(t: &str) -> bool {
    let t = t
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    (t.len() == 4
        && t.chars().all(|c| c.is_ascii_digit())
        && (t.starts_with("19") || t.starts_with("20")))
        || MONTHS
            .iter()
            .any(|m| t.starts_with(m) && t.len() <= 9 && t.chars().all(|c| c.is_ascii_alphabetic()))
        || t == "present"
        || (t.len() == 7 && t.as_bytes()[4] == b'-' && t[..4].chars().all(|c| c.is_ascii_digit()))
}

fn is_age(t: &str) -> bool {
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(&t[digits..], "h" | "d" | "w" | "mo" | "y" | "yr" | "m")
}

/// A date range in a line ("Jan 2020 – Present", "2018 - 2021", "2020-03 to 2021-07").
pub fn date_range(line: &str) -> Option<(String, String)> {
    let norm = line.replace(['–', '—'], " - ").replace(" to ", " - ");
    let (a, b) = norm.split_once(" - ")?;
    let take = |s: &str, from_end: bool| -> String {
        let toks: Vec<&str> = s.split_whitespace().collect();
        let picked: Vec<&str> = if from_end {
            toks.iter()
                .rev()
                .take_while(|t| is_date_token(t))
                .cloned()
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect()
        } else {
            toks.iter()
                .take_while(|t| is_date_token(t))
                .cloned()
                .collect()
        };
        picked
            .join(" ")
            .trim_matches(|c: char| c == '·' || c == ',')
            .to_string()
    };
    let (start, end) = (take(a, true), take(b, false));
    let has_year = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).count() >= 4;
    (has_year(&start) && (has_year(&end) || end.eq_ignore_ascii_case("present")))
        .then_some((start, end))
}

fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "• ", "* ", "· "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .map(str::trim)
}

fn entry_from(block: &[&str]) -> Entry {
    let mut e = Entry::default();
    let mut heads = Vec::new();
    let mut text = Vec::new();
    for line in block {
        if let Some(b) = bullet(line) {
            e.bullets.push(b.to_string());
        } else if let (Some((s, en)), true) = (date_range(line), e.start.is_none()) {
            e.start = Some(s);
            e.end = Some(en);
        } else if heads.len() < 2 && text.is_empty() && line.len() < 120 {
            heads.push(line.trim().to_string());
        } else {
            text.push(line.trim());
        }
    }
    e.title = heads.first().cloned().unwrap_or_default();
    e.organization = heads.get(1).cloned().unwrap_or_default();
    e.text = text.join(" ");
    e
}

impl Structurer for Offline {
    fn structure(&self, text: &str) -> Box<dyn Iterator<Item = Structured> + Send> {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::new();
        let first_section = lines
            .iter()
            .position(|l| section_name(l).is_some())
            .unwrap_or(lines.len());
        let head: Vec<&str> = lines[..first_section]
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        if !head.is_empty() {
            out.push(Structured::Profile {
                name: head[0].trim_start_matches('#').trim().to_string(),
                headline: head.get(1).map(|s| s.to_string()).unwrap_or_default(),
            });
        }
        let (mut sections, mut posts) = (0, 0);
        let mut i = first_section;
        while i < lines.len() {
            let Some(name) = section_name(lines[i]) else {
                i += 1;
                continue;
            };
            let end = (i + 1..lines.len())
                .find(|j| section_name(lines[*j]).is_some())
                .unwrap_or(lines.len());
            let blocks: Vec<Vec<&str>> = lines[i + 1..end]
                .split(|l| l.trim().is_empty())
                .filter(|b| !b.is_empty())
                .map(|b| b.to_vec())
                .collect();
            let lname = name.to_ascii_lowercase();
            if lname == "posts" || lname == "activity" {
                for b in blocks {
                    // A line that is only a date or an age ("2d", "3w", "Mar 2024") dates the post.
                    let date = b
                        .iter()
                        .map(|l| l.trim())
                        .find(|l| {
                            l.len() < 30
                                && l.split_whitespace().all(|t| is_date_token(t) || is_age(t))
                                && !l.is_empty()
                        })
                        .map(str::to_string);
                    let body: Vec<&str> = b
                        .iter()
                        .map(|l| l.trim())
                        .filter(|l| Some(l.to_string()) != date)
                        .collect();
                    out.push(Structured::Post {
                        text: body.join("\n"),
                        date,
                    });
                    posts += 1;
                }
            } else {
                let entries = if matches!(lname.as_str(), "about" | "summary") {
                    vec![Entry {
                        text: blocks
                            .iter()
                            .map(|b| b.join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n"),
                        ..Default::default()
                    }]
                } else if lname == "skills" || lname == "languages" || lname == "interests" {
                    let items = blocks
                        .concat()
                        .iter()
                        .map(|l| bullet(l).unwrap_or(l.trim()).to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    vec![Entry {
                        bullets: items,
                        ..Default::default()
                    }]
                } else {
                    blocks.iter().map(|b| entry_from(b)).collect()
                };
                out.push(Structured::Section(Section { name, entries }));
                sections += 1;
            }
            i = end;
        }
        out.push(Structured::Done { sections, posts });
        Box::new(out.into_iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_are_found_in_common_forms() {
        assert_eq!(
            date_range("Jan 2020 – Present · 5 yrs"),
            Some(("Jan 2020".into(), "Present".into()))
        );
        assert_eq!(
            date_range("2018 - 2021"),
            Some(("2018".into(), "2021".into()))
        );
        assert_eq!(
            date_range("2020-03 to 2021-07"),
            Some(("2020-03".into(), "2021-07".into()))
        );
        assert_eq!(date_range("Product - Growth"), None);
    }

    #[test]
    fn pasted_profiles_become_sections_entries_and_posts() {
        let text = "Ada Lovelace\nAnalyst of engines\n\nAbout\nI write about computing.\n\nExperience\nLead Analyst\nAnalytical Engines Ltd\nJan 2020 – Present\n- Wrote the first program\n- Published notes\n\nResearcher\nRoyal Society\n2015 - 2019\n\nSkills\nMathematics\nPoetry\n\nPosts\nExcited to share our new paper on engines.\n2d\n\nAnother post about loops.\n";
        let out: Vec<Structured> = Offline.structure(text).collect();
        assert_eq!(
            out[0],
            Structured::Profile {
                name: "Ada Lovelace".into(),
                headline: "Analyst of engines".into()
            }
        );
        let Structured::Section(exp) = &out[2] else {
            panic!("{out:?}")
        };
        assert_eq!(exp.name, "Experience");
        assert_eq!(exp.entries[0].title, "Lead Analyst");
        assert_eq!(exp.entries[0].organization, "Analytical Engines Ltd");
        assert_eq!(exp.entries[0].start.as_deref(), Some("Jan 2020"));
        assert_eq!(
            exp.entries[0].bullets,
            vec!["Wrote the first program", "Published notes"]
        );
        assert_eq!(exp.entries[1].end.as_deref(), Some("2019"));
        let Structured::Section(skills) = &out[3] else {
            panic!()
        };
        assert_eq!(skills.entries[0].bullets, vec!["Mathematics", "Poetry"]);
        assert_eq!(
            out[4],
            Structured::Post {
                text: "Excited to share our new paper on engines.".into(),
                date: Some("2d".into())
            }
        );
        assert_eq!(
            out.last(),
            Some(&Structured::Done {
                sections: 3,
                posts: 2
            })
        );
    }
}
