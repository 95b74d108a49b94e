//! The offline composer: a draft made of the user's own material when no model is configured.
//! Sentences are lifted verbatim from the retrieved passages (so facts, names and numbers are
//! the sources' own), ranked by how much of the brief they cover, whether they carry a number,
//! how well the passage was retrieved and how close they are to the measured sentence length;
//! then laid out in the platform's shape (LinkedIn hook, X thread, subject lines, blog title and
//! meta description, YouTube title and chapters, TikTok beats), one part per template section
//! when a template is given, with the measured hashtags, inside the platform's limits.
use super::platforms::PlatformRules;
use super::shape::{budget, capitalise, shape};
pub use super::shape::{fit, topic};
use super::types::TemplateSection;
use serde_json::Value;
use std::collections::HashSet;

/// The measured style (from the writing_style learning's data), all optional.
#[derive(Debug, Clone, Default)]
pub struct Style {
    pub avg_sentence_words: Option<f64>,
    pub point_of_view: Option<String>,
    pub hashtags: Vec<String>,
}

impl Style {
    pub fn from_data(d: &Value) -> Style {
        Style {
            avg_sentence_words: d["avg_sentence_words"].as_f64().filter(|w| *w > 0.0),
            point_of_view: d["point_of_view"].as_str().map(str::to_string),
            hashtags: d["top_hashtags"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// A retrieved passage: its source's title and text (best match first).
#[derive(Debug, Clone)]
pub struct Material {
    pub title: String,
    pub text: String,
}

pub struct Input<'a> {
    pub platform: &'static PlatformRules,
    pub brief: &'a str,
    pub title: Option<&'a str>,
    pub passages: &'a [Material],
    pub style: &'a Style,
    pub sections: &'a [TemplateSection],
    /// Refinement instructions ("shorter", "more about pricing", "no hashtags"…).
    pub instructions: Option<&'a str>,
}

/// Words that say nothing about the topic.
const STOP: &str = "the and for with about that this from into your our their write post posts thread draft create make article blog email newsletter linkedin tweet video script caption how why what are was were will can has have had not but all any its it's they them you we us a an on of to in is be it or as at by more less make add use some new";

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

pub(super) fn terms(s: &str) -> HashSet<String> {
    words(s)
        .filter(|w| w.chars().count() >= 3 && !STOP.split(' ').any(|x| x == w))
        .collect()
}

pub(super) fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The sentences of a text (split on . ! ? and line breaks), trimmed of list markers.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line
            .trim()
            .trim_start_matches(['-', '*', '•', '>', '#'])
            .trim();
        let mut cur = String::new();
        let cs: Vec<char> = line.chars().collect();
        for (i, ch) in cs.iter().enumerate() {
            cur.push(*ch);
            // "4.5" and "e.g.x" do not end a sentence: the stop must be followed by a space.
            let end =
                matches!(ch, '.' | '!' | '?') && cs.get(i + 1).is_none_or(|n| n.is_whitespace());
            if end {
                out.push(std::mem::take(&mut cur).trim().to_string());
            }
        }
        if !cur.trim().is_empty() {
            out.push(cur.trim().to_string());
        }
    }
    out.retain(|s| {
        let n = chars(s);
        (15..=400).contains(&n) && !s.starts_with("http") && s.split_whitespace().count() >= 3
    });
    out
}

struct Scored {
    text: String,
    passage: usize,
    score: f64,
}

/// The passages worth drawing on: those sharing at least half as many of the brief's terms as
/// the best one (retrieval always returns neighbours, related or not).
fn relevant(i: &Input, focus: &HashSet<String>) -> Vec<bool> {
    let overlap: Vec<usize> = i
        .passages
        .iter()
        .map(|m| terms(&m.text).intersection(focus).count())
        .collect();
    let best = overlap.iter().copied().max().unwrap_or(0);
    overlap.iter().map(|&o| o > 0 && o * 2 >= best).collect()
}

fn rank(i: &Input, focus: &HashSet<String>) -> Vec<Scored> {
    let target = i.style.avg_sentence_words.unwrap_or(16.0).clamp(5.0, 40.0);
    let keep = relevant(i, focus);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (p, m) in i.passages.iter().enumerate().filter(|(p, _)| keep[*p]) {
        for s in sentences(&m.text) {
            if !seen.insert(s.to_lowercase()) {
                continue;
            }
            let ws: HashSet<String> = terms(&s);
            let overlap = ws.intersection(focus).count() as f64;
            let n = s.split_whitespace().count() as f64;
            let score = overlap * 2.0
                + if s.chars().any(|c| c.is_ascii_digit()) {
                    1.5
                } else {
                    0.0
                }
                + 1.0 / (1.0 + p as f64)
                - ((n - target).abs() / target).min(2.0) * 0.5;
            out.push(Scored {
                text: s,
                passage: p,
                score,
            });
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// A composed draft; `grounded` is false when no passage was relevant to the brief (the draft
/// then only restates it).
#[derive(Debug, Clone)]
pub struct Draft {
    pub text: String,
    pub grounded: bool,
}

/// The draft for `i`, in the platform's shape and limits.
pub fn compose(i: &Input) -> Draft {
    let focus = terms(&format!("{} {}", i.brief, i.instructions.unwrap_or("")));
    let ranked = rank(i, &focus);
    if ranked.is_empty() {
        let topic = i
            .title
            .map(str::to_string)
            .unwrap_or_else(|| topic(i.brief));
        let hook = format!("{}.", capitalise(&topic));
        let rest: Vec<String> = sentences_of_brief(i.brief)
            .into_iter()
            .filter(|x| x.trim_end_matches(['.', '!', '?']) != topic)
            .collect();
        let parts = [(String::new(), rest)];
        let plain = Input {
            sections: &[],
            ..*i
        };
        return Draft {
            text: shape(&plain, &topic, &hook, &parts, false, &focus),
            grounded: false,
        };
    }
    let topic = i
        .title
        .map(str::to_string)
        .unwrap_or_else(|| topic(i.brief));
    let no_tags = i
        .instructions
        .is_some_and(|s| s.to_lowercase().contains("no hashtag"));
    // The hook: the best short sentence carrying a number, else the best short one.
    let hook = ranked
        .iter()
        .take(8)
        .find(|s| chars(&s.text) <= 150 && s.text.chars().any(|c| c.is_ascii_digit()))
        .or_else(|| ranked.iter().take(8).find(|s| chars(&s.text) <= 150))
        .map(|s| s.text.clone())
        .unwrap_or_else(|| format!("{}.", capitalise(&topic)));
    let mut used: HashSet<String> = HashSet::from([hook.clone()]);
    let budget = budget(i);
    let parts: Vec<(String, Vec<String>)> = if i.sections.is_empty() {
        let mut picked: Vec<&Scored> = Vec::new();
        let mut total = 0;
        for s in &ranked {
            if total + chars(&s.text) > budget || used.contains(&s.text) {
                continue;
            }
            total += chars(&s.text) + 1;
            used.insert(s.text.clone());
            picked.push(s);
        }
        // Group by passage (in retrieval order) so each part stays on one source.
        picked.sort_by_key(|s| s.passage);
        let mut groups: Vec<(usize, Vec<String>)> = Vec::new();
        for s in picked {
            match groups.last_mut() {
                Some((p, v)) if *p == s.passage => v.push(s.text.clone()),
                _ => groups.push((s.passage, vec![s.text.clone()])),
            }
        }
        groups
            .into_iter()
            .map(|(p, v)| (heading(&i.passages[p], &v, &focus), v))
            .collect()
    } else {
        let per = (budget / i.sections.len()).max(120);
        // Scarce material is spread so that every section gets a sentence.
        let each = ((ranked.len().saturating_sub(1)) / i.sections.len()).clamp(1, 2);
        i.sections
            .iter()
            .map(|sec| {
                let f: HashSet<String> = focus
                    .union(&terms(&format!("{} {}", sec.name, sec.guidance)))
                    .cloned()
                    .collect();
                let mut best: Vec<(&Scored, usize)> = ranked
                    .iter()
                    .filter(|s| !used.contains(&s.text))
                    .map(|s| (s, terms(&s.text).intersection(&f).count()))
                    .collect();
                best.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.score.total_cmp(&a.0.score)));
                let mut out = Vec::new();
                let mut total = 0;
                for (s, _) in best {
                    if total + chars(&s.text) > per && !out.is_empty() {
                        break;
                    }
                    total += chars(&s.text);
                    out.push(s.text.clone());
                    if out.len() >= each {
                        break;
                    }
                }
                used.extend(out.iter().cloned());
                (sec.name.clone(), out)
            })
            .collect()
    };
    Draft {
        text: shape(i, &topic, &hook, &parts, no_tags, &focus),
        grounded: true,
    }
}

/// The heading of a part drawn from one passage: the source's own title when it has one (not
/// just its first line), else the brief's terms the part covers.
fn heading(m: &Material, part: &[String], focus: &HashSet<String>) -> String {
    let t = m.title.trim().trim_end_matches('…');
    if !t.is_empty() && chars(t) <= 80 && !m.text.trim_start().starts_with(t) {
        return m.title.trim().to_string();
    }
    let text = part.join(" ");
    let mut covered: Vec<String> = Vec::new();
    for w in words(&text) {
        if focus.contains(&w) && !covered.contains(&w) {
            covered.push(w);
        }
    }
    covered.truncate(3);
    match covered.len() {
        0 => String::new(),
        1 => capitalise(&covered[0]),
        n => capitalise(&format!(
            "{} and {}",
            covered[..n - 1].join(", "),
            covered[n - 1]
        )),
    }
}

fn sentences_of_brief(brief: &str) -> Vec<String> {
    let s = sentences(brief);
    if s.is_empty() {
        vec![brief.trim().to_string()]
    } else {
        s
    }
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
