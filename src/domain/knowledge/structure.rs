//! Raw LinkedIn profile text → profile, sections and posts. `Structurer` is the seam for an
//! LLM; `Offline` really parses the text (headings, date ranges, bullet lists) so the route
//! works with no provider configured.
use serde::Serialize;

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
