//! The platforms a content is written for and their rules: limits checked on every save (and
//! reported as warnings), the shape a draft takes (subject lines, titles, threads, timed beats),
//! and the guidance given to the model. THE list: the planner, the UI's counters and the
//! offline composer read it from here.
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlatformRules {
    /// `linkedin`, `x`, `instagram`, …
    pub name: &'static str,
    pub label: &'static str,
    /// Characters of the whole text (for `x`: of each post of a thread).
    pub max_chars: Option<usize>,
    pub max_hashtags: Option<usize>,
    /// Characters of the subject line (`newsletter`, `email`).
    pub subject_max: Option<usize>,
    /// Characters of the title (`youtube`, `blog`).
    pub title_max: Option<usize>,
    /// Characters of the meta description (`blog`).
    pub meta_max: Option<usize>,
    /// Characters of the description (`youtube`).
    pub description_max: Option<usize>,
    /// What a draft must look like, in words (shown in the UI and given to the model).
    pub guidance: &'static str,
}

const fn rules(name: &'static str, label: &'static str, guidance: &'static str) -> PlatformRules {
    PlatformRules {
        name,
        label,
        max_chars: None,
        max_hashtags: None,
        subject_max: None,
        title_max: None,
        meta_max: None,
        description_max: None,
        guidance,
    }
}

/// Characters of a LinkedIn post shown before "…see more".
pub const LINKEDIN_FOLD: usize = 210;

pub static PLATFORMS: &[PlatformRules] = &[
    PlatformRules {
        max_chars: Some(3000),
        ..rules(
            "linkedin",
            "LinkedIn",
            "At most 3,000 characters. The first two lines are the hook and must make sense on their own before the \"see more\" fold (about 210 characters). Short paragraphs, a few relevant hashtags at the end.",
        )
    },
    PlatformRules {
        max_chars: Some(280),
        ..rules(
            "x",
            "X",
            "One post of at most 280 characters, or a numbered thread: posts separated by a blank line, each starting with \"1/n\" and each at most 280 characters.",
        )
    },
    PlatformRules {
        max_chars: Some(2200),
        max_hashtags: Some(30),
        ..rules(
            "instagram",
            "Instagram",
            "A caption of at most 2,200 characters with a strong first line, line breaks between ideas and at most 30 hashtags at the end.",
        )
    },
    PlatformRules {
        max_chars: Some(63_206),
        ..rules(
            "facebook",
            "Facebook",
            "A conversational post; the first 125 characters show before \"See more\". Ask a question to invite comments.",
        )
    },
    PlatformRules {
        max_chars: Some(500),
        ..rules(
            "threads",
            "Threads",
            "At most 500 characters, conversational, at most one hashtag.",
        )
    },
    PlatformRules {
        subject_max: Some(80),
        ..rules(
            "newsletter",
            "Newsletter",
            "Start with \"Subject: …\" (at most 80 characters) on the first line, then a blank line and the body in short sections with headings.",
        )
    },
    PlatformRules {
        subject_max: Some(80),
        ..rules(
            "email",
            "Email",
            "Start with \"Subject: …\" (at most 80 characters) on the first line, then a blank line, a greeting, a short body with one call to action, and a sign-off.",
        )
    },
    PlatformRules {
        meta_max: Some(160),
        ..rules(
            "blog",
            "Blog post",
            "Markdown: a \"# Title\" first line, then \"Meta description: …\" (at most 160 characters), then the article with \"##\" section headings.",
        )
    },
    PlatformRules {
        title_max: Some(100),
        description_max: Some(5000),
        ..rules(
            "youtube",
            "YouTube",
            "\"Title: …\" (at most 100 characters) on the first line, a blank line, then \"Description:\" and the description (at most 5,000 characters) with chapters as \"0:00 Intro\" lines.",
        )
    },
    PlatformRules {
        max_chars: Some(2200),
        ..rules(
            "tiktok",
            "TikTok",
            "A video script of timed beats, one per line: \"[0:00-0:03] Hook: …\", \"[0:03-0:10] …\", ending with a call to action; 15 to 60 seconds in total.",
        )
    },
];

/// The rules of `name` (case-insensitive), if it is a known platform.
pub fn find(name: &str) -> Option<&'static PlatformRules> {
    let n = name.trim().to_ascii_lowercase();
    let n = if n == "twitter" { "x".to_string() } else { n };
    PLATFORMS.iter().find(|p| p.name == n)
}

/// The known platform names, for "unknown platform" errors.
pub fn names() -> Vec<&'static str> {
    PLATFORMS.iter().map(|p| p.name).collect()
}

/// The message of a 422 for an unknown platform.
pub fn unknown(name: &str) -> String {
    format!(
        "unknown platform '{name}'; known platforms: {}",
        names().join(", ")
    )
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn hashtags(text: &str) -> usize {
    text.split_whitespace()
        .filter(|t| {
            let t = t.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '_');
            t.len() > 1
                && t.starts_with('#')
                && t[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
        })
        .count()
}

/// The value after `label:` on the first line that starts with it (case-insensitive).
fn labelled<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let t = l.trim();
        let head = t.get(..label.len())?;
        (head.eq_ignore_ascii_case(label) && t[label.len()..].starts_with(':'))
            .then(|| t[label.len() + 1..].trim())
    })
}

/// The posts of an X draft: parts separated by blank lines when they are numbered ("1/3 …"),
/// otherwise the whole text is one post.
pub fn x_posts(text: &str) -> Vec<String> {
    let parts: Vec<String> = text
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 && parts.iter().all(|p| is_numbered(p)) {
        parts
    } else {
        vec![text.trim().to_string()]
    }
}

fn is_numbered(p: &str) -> bool {
    let head: String = p.chars().take_while(|c| !c.is_whitespace()).collect();
    let mut it = head.trim_end_matches([')', '.', ':']).splitn(2, '/');
    matches!((it.next(), it.next()), (Some(a), Some(b))
        if !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()) && !b.is_empty() && b.chars().all(|c| c.is_ascii_digit()))
}

/// The text cut after each sentence: a stop followed by white space, or a line break ("1.8%"
/// and "e.g.x" stay whole).
fn sentence_pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|(_, n)| *n);
        if c == '\n' || (matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace)) {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
        }
    }
    out.push(&text[start..]);
    out
}

/// Split text longer than one post into a numbered thread ("1/n …"), each post at most 280
/// characters, breaking between sentences (between words when a sentence is too long).
pub fn x_thread(text: &str) -> Vec<String> {
    const MAX: usize = 280;
    // Room for the "nn/nn " prefix.
    const BODY: usize = MAX - 7;
    let text = text.trim();
    if chars(text) <= MAX {
        return vec![text.to_string()];
    }
    let mut pieces: Vec<String> = Vec::new();
    for sentence in sentence_pieces(text)
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if chars(sentence) <= BODY {
            pieces.push(sentence.to_string());
            continue;
        }
        let mut cur = String::new();
        for w in sentence.split_whitespace() {
            if !cur.is_empty() && chars(&cur) + 1 + chars(w) > BODY {
                pieces.push(std::mem::take(&mut cur));
            }
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(&w.chars().take(BODY).collect::<String>());
        }
        if !cur.is_empty() {
            pieces.push(cur);
        }
    }
    let mut posts: Vec<String> = Vec::new();
    for p in pieces {
        match posts.last_mut() {
            Some(last) if chars(last) + 1 + chars(&p) <= BODY => {
                last.push(' ');
                last.push_str(&p);
            }
            _ => posts.push(p),
        }
    }
    let n = posts.len();
    posts
        .into_iter()
        .enumerate()
        .map(|(i, p)| format!("{}/{n} {p}", i + 1))
        .collect()
}

/// The text as it is saved for `platform`: an X draft longer than one post and not already a
/// numbered thread becomes one. Other platforms keep the text as written.
pub fn normalize(platform: &str, text: &str) -> String {
    if platform == "x" {
        let posts = x_posts(text);
        if posts.len() == 1 && chars(&posts[0]) > 280 {
            return x_thread(&posts[0]).join("\n\n");
        }
    }
    text.to_string()
}

/// The rules `text` breaks on `platform`, as sentences for the user (empty: all good).
pub fn check(platform: &str, text: &str) -> Vec<String> {
    let Some(p) = find(platform) else {
        return vec![unknown(platform)];
    };
    let mut w = Vec::new();
    let total = chars(text.trim());
    if total == 0 {
        w.push("the draft is empty".to_string());
        return w;
    }
    match p.name {
        "x" => {
            let posts = x_posts(text);
            for (i, post) in posts.iter().enumerate() {
                let n = chars(post);
                if n > 280 {
                    w.push(if posts.len() == 1 {
                        format!("the post is {n} characters; X allows 280")
                    } else {
                        format!(
                            "post {} of the thread is {n} characters; X allows 280",
                            i + 1
                        )
                    });
                }
            }
        }
        "linkedin" => {
            if total > 3000 {
                w.push(format!("{total} characters; LinkedIn allows 3,000"));
            }
            let hook: Vec<&str> = text
                .trim()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(2)
                .collect();
            let hook_len: usize = hook.iter().map(|l| chars(l.trim())).sum();
            if hook_len > LINKEDIN_FOLD {
                w.push(format!(
                    "the hook (first two lines) is {hook_len} characters; LinkedIn folds after about {LINKEDIN_FOLD}"
                ));
            }
        }
        "newsletter" | "email" => match labelled(text, "subject") {
            None => w.push("no \"Subject:\" line".to_string()),
            Some("") => w.push("the subject line is empty".to_string()),
            Some(s) if chars(s) > 80 => w.push(format!(
                "the subject line is {} characters; keep it to 80",
                chars(s)
            )),
            _ => {}
        },
        "blog" => {
            if !text.trim_start().starts_with("# ") {
                w.push("no \"# Title\" first line".to_string());
            }
            match labelled(text, "meta description") {
                None => w.push("no \"Meta description:\" line".to_string()),
                Some(m) if chars(m) > 160 => w.push(format!(
                    "the meta description is {} characters; keep it to 160",
                    chars(m)
                )),
                _ => {}
            }
        }
        "youtube" => {
            match labelled(text, "title") {
                None => w.push("no \"Title:\" line".to_string()),
                Some(t) if chars(t) > 100 => w.push(format!(
                    "the title is {} characters; YouTube allows 100",
                    chars(t)
                )),
                _ => {}
            }
            let description = text
                .find("Description:")
                .map(|i| text[i + "Description:".len()..].trim())
                .unwrap_or("");
            if chars(description) > 5000 {
                w.push(format!(
                    "the description is {} characters; YouTube allows 5,000",
                    chars(description)
                ));
            }
        }
        "tiktok" => {
            let beats = text
                .lines()
                .filter(|l| {
                    let t = l.trim();
                    t.starts_with('[') && t.contains(':') && t.contains(']')
                })
                .count();
            if beats < 2 {
                w.push("a TikTok script needs timed beats (\"[0:00-0:03] …\" lines)".to_string());
            }
            if total > 2200 {
                w.push(format!(
                    "{total} characters; keep a TikTok script under 2,200"
                ));
            }
        }
        _ => {
            if let Some(max) = p.max_chars
                && total > max
            {
                w.push(format!("{total} characters; {} allows {max}", p.label));
            }
        }
    }
    if let Some(max) = p.max_hashtags {
        let n = hashtags(text);
        if n > max {
            w.push(format!("{n} hashtags; {} allows {max}", p.label));
        }
    }
    w
}

#[cfg(test)]
#[path = "platforms_tests.rs"]
mod tests;
