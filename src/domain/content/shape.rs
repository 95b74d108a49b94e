//! How a composed draft is laid out per platform: LinkedIn's hook above the fold, X threads,
//! captions with hashtags, subject lines, blog title and meta description, YouTube title,
//! description and chapters, TikTok timed beats — inside each platform's limits.
use super::compose::{Input, Style, chars};
use super::platforms;
use std::collections::HashSet;

/// `s` cut to at most `max` characters at a word boundary (with an ellipsis when cut).
pub fn fit(s: &str, max: usize) -> String {
    let s = s.trim();
    if chars(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for w in s.split_whitespace() {
        if chars(&out) + 1 + chars(w) + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = s.chars().take(max.saturating_sub(1)).collect();
    }
    out.trim_end_matches([',', ';', ':', '-']).to_string() + "…"
}

/// What the brief is about: "Write a LinkedIn post about our Q3 launch" → "our Q3 launch".
pub fn topic(brief: &str) -> String {
    let first = brief
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let lower = first.to_lowercase();
    let cut = [
        " about ",
        " on ",
        " covering ",
        " announcing ",
        " introducing ",
    ]
    .iter()
    .filter_map(|k| lower.find(k).map(|i| i + k.len()))
    .min();
    let t = match cut {
        Some(i)
            if lower.starts_with("write")
                || lower.starts_with("draft")
                || lower.starts_with("create") =>
        {
            &first[i..]
        }
        _ => first,
    };
    fit(
        &mid_sentence(t.trim_end_matches(['.', '!', '?']).trim()),
        90,
    )
}

/// Words a brief may start with that read as a clause inside a sentence ("what the team
/// shipped", "how we cut costs").
const CLAUSE_WORDS: &[&str] = &["what", "how", "why", "when", "where", "who", "which"];

/// The topic written to sit inside a sentence: a leading function word ("The", "Our", "What")
/// is lowercased; names ("Lyon", "Q3") are kept as they are.
fn mid_sentence(t: &str) -> String {
    const FUNCTION: &[&str] = &[
        "the", "a", "an", "our", "my", "your", "their", "its", "this", "these", "those", "what",
        "how", "why", "when", "where", "who", "which",
    ];
    let first = t.split_whitespace().next().unwrap_or("");
    if FUNCTION.contains(&first.to_lowercase().as_str()) {
        let mut c = t.chars();
        c.next()
            .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    } else {
        t.to_string()
    }
}

/// Whether the topic is a clause ("what the team shipped") rather than a noun phrase.
fn is_clause(topic: &str) -> bool {
    let first = topic.split_whitespace().next().unwrap_or("").to_lowercase();
    CLAUSE_WORDS.contains(&first.as_str())
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn hashtags(i: &Input, focus: &HashSet<String>, n: usize) -> Vec<String> {
    let mut tags: Vec<String> = i.style.hashtags.iter().take(n).cloned().collect();
    let mut extra: Vec<&String> = focus
        .iter()
        .filter(|t| t.chars().all(char::is_alphanumeric))
        .collect();
    extra.sort();
    for t in extra {
        if tags.len() >= n {
            break;
        }
        let tag = format!("#{}", t);
        if !tags.iter().any(|x| x.eq_ignore_ascii_case(&tag)) {
            tags.push(tag);
        }
    }
    tags
}

/// The line that places the writer, in the measured point of view.
fn voice_line(style: &Style, topic: Option<&str>) -> String {
    // "Here is what the team shipped." reads better than "… about what the team shipped".
    if let Some(t) = topic.filter(|t| is_clause(t)) {
        return format!("Here is {t}.");
    }
    let about = topic.map(|t| format!(" about {t}")).unwrap_or_default();
    match style.point_of_view.as_deref() {
        Some("first_singular") => format!("Here is what I found{about}."),
        Some("first_plural") => format!("Here is what we found{about}."),
        Some("second") => format!("Here is what you should know{about}."),
        _ => format!("Here is what stood out{about}."),
    }
}

/// How many characters of body the platform gets, scaled by "shorter"/"longer" instructions.
pub(super) fn budget(i: &Input) -> usize {
    let base = match i.platform.name {
        "linkedin" => 1300,
        "x" => 800,
        "instagram" | "facebook" => 900,
        "threads" => 380,
        "email" => 900,
        "newsletter" | "youtube" => 1600,
        "blog" => 3200,
        "tiktok" => 600,
        _ => 1000,
    };
    let ins = i.instructions.unwrap_or("").to_lowercase();
    if ["shorter", "shorten", "concise", "brief", "tighter"]
        .iter()
        .any(|k| ins.contains(k))
    {
        base * 3 / 5
    } else if ["longer", "expand", "more detail", "elaborate"]
        .iter()
        .any(|k| ins.contains(k))
    {
        base * 3 / 2
    } else {
        base
    }
}

/// Lay the parts out for the platform.
pub(super) fn shape(
    i: &Input,
    topic: &str,
    hook: &str,
    parts: &[(String, Vec<String>)],
    no_tags: bool,
    focus: &HashSet<String>,
) -> String {
    let templated = !i.sections.is_empty();
    let para = |(name, body): &(String, Vec<String>), heading: &str| -> String {
        let text = body.join(" ");
        match (templated, heading) {
            (true, "##") => format!("## {name}\n\n{text}"),
            (true, _) => format!("{name}: {text}"),
            (false, "##") if !name.is_empty() => format!("## {name}\n\n{text}"),
            _ => text,
        }
    };
    let body = |heading: &str| -> Vec<String> {
        parts
            .iter()
            .filter(|p| templated || !p.1.is_empty())
            .map(|p| para(p, heading))
            .filter(|p| !p.trim().is_empty())
            .collect()
    };
    let tags = |n: usize| {
        if no_tags {
            String::new()
        } else {
            hashtags(i, focus, n).join(" ")
        }
    };
    let cap_topic = capitalise(topic);
    let out = match i.platform.name {
        "linkedin" => {
            // The hook is the first two lines, before LinkedIn's fold.
            let first = fit(hook, 150);
            let full = voice_line(i.style, Some(topic));
            let second = if chars(&first) + chars(&full) <= 200 {
                full
            } else {
                voice_line(i.style, None)
            };
            let mut lines = vec![first, second, String::new()];
            lines.push(body("").join("\n\n"));
            lines.push(String::new());
            lines.push(if is_clause(topic) {
                "What would you add?".to_string()
            } else {
                format!("What has your experience been with {}?", fit(topic, 80))
            });
            let t = tags(4);
            if !t.is_empty() {
                lines.push(String::new());
                lines.push(t);
            }
            let mut text = lines.join("\n");
            while chars(&text) > 3000 {
                text = fit(&text, 2990);
            }
            text
        }
        "x" => {
            let mut text = format!("{hook}\n{}", body("").join(" "));
            let t = tags(2);
            if !t.is_empty() {
                text.push(' ');
                text.push_str(&t);
            }
            let flat = text.replace('\n', " ");
            platforms::normalize("x", &flat)
        }
        "instagram" | "facebook" | "threads" => {
            let max = i.platform.max_chars.unwrap_or(2200);
            let mut text = format!("{}\n\n{}", fit(hook, 150), body("").join("\n\n"));
            if i.platform.name == "facebook" {
                text.push_str(&if is_clause(topic) {
                    "\n\nWhat would you add?".to_string()
                } else {
                    format!("\n\nWhat do you think about {}?", fit(topic, 80))
                });
            }
            let t = tags(if i.platform.name == "threads" { 1 } else { 8 });
            let room = max.saturating_sub(chars(&t) + 2);
            let mut text = fit(&text, room);
            if !t.is_empty() {
                text.push_str("\n\n");
                text.push_str(&t);
            }
            text
        }
        "email" => format!(
            "Subject: {}\n\nHi,\n\n{}\n\n{}\n\nReply to this email if you want to talk about {}.\n\nBest regards",
            fit(&cap_topic, 80),
            hook,
            body("").join("\n\n"),
            fit(topic, 80)
        ),
        "newsletter" => format!(
            "Subject: {}\n\n{}\n\n{}",
            fit(&cap_topic, 80),
            hook,
            body("##").join("\n\n")
        ),
        "blog" => format!(
            "# {}\n\nMeta description: {}\n\n{}\n\n{}",
            fit(&cap_topic, 90),
            fit(hook, 160),
            voice_line(i.style, Some(topic)),
            body("##").join("\n\n")
        ),
        "youtube" => {
            let mut chapters = vec!["0:00 Intro".to_string()];
            for (n, p) in parts.iter().enumerate().take(8) {
                let label = if p.0.is_empty() {
                    fit(p.1.first().map_or("", String::as_str), 50)
                } else {
                    fit(&p.0, 50)
                };
                chapters.push(format!(
                    "{}:{:02} {}",
                    n.div_ceil(2),
                    ((n + 1) % 2) * 30,
                    label
                ));
            }
            fit(
                &format!(
                    "Title: {}\n\nDescription:\n{}\n\n{}\n\n{}",
                    fit(&cap_topic, 100),
                    hook,
                    body("").join("\n\n"),
                    chapters.join("\n")
                ),
                5000,
            )
        }
        "tiktok" => {
            let mut beats = vec![format!("[0:00-0:03] Hook: {}", fit(hook, 120))];
            let mut at = 3;
            for p in parts.iter().filter(|p| !p.1.is_empty()).take(5) {
                let line = if templated {
                    format!("{}: {}", p.0, fit(&p.1[0], 160))
                } else {
                    fit(&p.1[0], 160)
                };
                beats.push(format!("[0:{at:02}-0:{:02}] {line}", at + 8));
                at += 8;
            }
            beats.push(format!(
                "[0:{at:02}-0:{:02}] CTA: Follow for more on {}.",
                at + 5,
                fit(topic, 60)
            ));
            beats.join("\n")
        }
        _ => format!("{hook}\n\n{}", body("").join("\n\n")),
    };
    out.trim().to_string()
}
