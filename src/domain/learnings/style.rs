//! The offline writing-style profile: measured from the posts themselves (sentence length,
//! Flesch reading ease, emoji, hashtags, point of view, question hooks, recurring phrases,
//! formatting), then said in plain words. The model-backed path keeps these measured figures.
use super::text::{self, top};
use serde_json::{Value, json};

/// Posts inside one source are separated by a line of `---` (exports, pasted batches).
pub fn posts(content: &str) -> impl Iterator<Item = &str> {
    content
        .split("\n---\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

const FIRST_SINGULAR: &[&str] = &[
    "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll",
];
const FIRST_PLURAL: &[&str] = &[
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "we're",
    "we've",
    "we'll",
];
const SECOND: &[&str] = &[
    "you", "your", "yours", "yourself", "you're", "you've", "you'll",
];
const THIRD: &[&str] = &[
    "he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs",
];

/// Everything measured over a set of posts.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub posts: usize,
    pub words: usize,
    pub avg_sentence_words: f64,
    pub avg_paragraph_sentences: f64,
    pub reading_ease: f64,
    pub emoji_per_100_words: f64,
    pub top_hashtags: Vec<String>,
    pub point_of_view: &'static str,
    pub question_hook_rate: f64,
    pub signature_phrases: Vec<String>,
    pub line_breaks_per_post: f64,
    pub list_post_rate: f64,
    pub avg_post_words: f64,
    pub link_post_rate: f64,
    pub cta_post_rate: f64,
    pub top_keywords: Vec<String>,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn is_list_line(l: &str) -> bool {
    let t = l.trim_start();
    t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("• ")
        || t.starts_with("→")
        || t.starts_with("✅")
        || t.split_once(['.', ')']).is_some_and(|(n, rest)| {
            !n.is_empty()
                && n.len() <= 2
                && n.chars().all(|c| c.is_ascii_digit())
                && rest.starts_with(' ')
        })
}

const CTA: &[&str] = &[
    "comment",
    "share",
    "follow",
    "subscribe",
    "dm me",
    "link in",
    "sign up",
    "join",
    "let me know",
    "what do you think",
    "agree",
];

/// The post with `#tags` removed (line structure kept).
fn without_hashtags(post: &str) -> String {
    post.lines()
        .map(|l| {
            l.split_whitespace()
                .filter(|t| !(t.starts_with('#') && t.len() > 1))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn measure<'a>(posts: impl IntoIterator<Item = &'a str>) -> Profile {
    let (mut n_posts, mut n_words, mut n_sent, mut n_para, mut n_syl, mut n_emoji) =
        (0, 0, 0, 0, 0, 0);
    let (mut breaks, mut lists, mut hooks, mut links, mut ctas) = (0, 0, 0, 0, 0);
    let mut pov = [0usize; 4];
    let mut tags: Vec<String> = Vec::new();
    let mut grams: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for post in posts {
        n_posts += 1;
        // Hashtags are tags, not prose: they do not count as words or sentences.
        let prose = without_hashtags(post);
        let w = text::words(&prose);
        n_words += w.len();
        n_syl += w.iter().map(|x| text::syllables(x)).sum::<usize>();
        n_sent += text::sentences(&prose).len();
        n_para += text::paragraphs(&prose).len();
        n_emoji += post.chars().filter(|c| text::is_emoji(*c)).count();
        breaks += post.matches('\n').count();
        lists += usize::from(post.lines().filter(|l| is_list_line(l)).count() >= 2);
        links += usize::from(post.contains("http://") || post.contains("https://"));
        let first = text::sentences(post).first().copied().unwrap_or("");
        let opening = post.trim_start();
        hooks +=
            usize::from(opening.get(first.len()..).is_some_and(|rest| {
                opening.starts_with(first) && rest.trim_start().starts_with('?')
            }));
        let lower = post.to_lowercase();
        let tail: String = lower
            .chars()
            .rev()
            .take(200)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        ctas += usize::from(CTA.iter().any(|c| tail.contains(c)) || tail.trim_end().ends_with('?'));
        for x in &w {
            for (i, set) in [FIRST_SINGULAR, FIRST_PLURAL, SECOND, THIRD]
                .iter()
                .enumerate()
            {
                if set.contains(&x.as_str()) {
                    pov[i] += 1;
                }
            }
        }
        for t in post
            .split_whitespace()
            .filter(|t| t.starts_with('#') && t.len() > 1)
        {
            let tag: String = t
                .chars()
                .take_while(|c| *c == '#' || c.is_alphanumeric() || *c == '_')
                .collect();
            if tag.len() > 1 {
                tags.push(tag.to_lowercase());
            }
        }
        // Signature phrases: 2- and 3-grams within sentences, counted once per post.
        let mut seen = std::collections::HashSet::new();
        for s in text::sentences(post) {
            let sw: Vec<String> = text::words(s)
                .into_iter()
                .filter(|x| !x.starts_with('#'))
                .collect();
            for n in [3usize, 2] {
                for g in sw.windows(n) {
                    if g.iter().all(|x| text::is_stop(x))
                        || text::is_stop(&g[n - 1]) && text::is_stop(&g[0])
                    {
                        continue;
                    }
                    let phrase = g.join(" ");
                    if seen.insert(phrase.clone()) {
                        grams.push(phrase);
                    }
                }
            }
        }
        keys.extend(text::keywords(post));
    }
    let per_post = |x: usize| {
        if n_posts == 0 {
            0.0
        } else {
            x as f64 / n_posts as f64
        }
    };
    let point_of_view = match pov
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
    {
        Some((_, 0)) | None => "third",
        Some((0, _)) => "first_singular",
        Some((1, _)) => "first_plural",
        Some((2, _)) => "second",
        _ => "third",
    };
    // A phrase is a signature when it recurs across posts (each post counts a phrase once);
    // longer phrases win over their parts.
    let min = 2;
    let mut signature: Vec<String> = Vec::new();
    for (g, _) in top(&grams, 40, min) {
        if !signature.iter().any(|s| s.contains(&g)) {
            signature.push(g);
        }
        if signature.len() == 8 {
            break;
        }
    }
    Profile {
        posts: n_posts,
        words: n_words,
        avg_sentence_words: round(
            if n_sent == 0 {
                0.0
            } else {
                n_words as f64 / n_sent as f64
            },
            1,
        ),
        avg_paragraph_sentences: round(
            if n_para == 0 {
                0.0
            } else {
                n_sent as f64 / n_para as f64
            },
            1,
        ),
        reading_ease: round(text::flesch(n_words, n_sent, n_syl), 1),
        emoji_per_100_words: round(
            if n_words == 0 {
                0.0
            } else {
                n_emoji as f64 * 100.0 / n_words as f64
            },
            2,
        ),
        top_hashtags: top(&tags, 10, 1).into_iter().map(|(t, _)| t).collect(),
        point_of_view,
        question_hook_rate: round(per_post(hooks), 2),
        signature_phrases: signature,
        line_breaks_per_post: round(per_post(breaks), 1),
        list_post_rate: round(per_post(lists), 2),
        avg_post_words: round(per_post(n_words), 1),
        link_post_rate: round(per_post(links), 2),
        cta_post_rate: round(per_post(ctas), 2),
        top_keywords: top(&keys, 10, 2).into_iter().map(|(k, _)| k).collect(),
    }
}

/// How sure a profile is: grows with the number of posts and words measured.
pub fn confidence(p: &Profile) -> f64 {
    let posts = (p.posts as f64 + 1.0).ln() * 0.12;
    let words = (p.words as f64 / 100.0 + 1.0).ln() * 0.08;
    round((0.3 + posts + words).min(0.95), 2)
}

impl Profile {
    /// `data` of the writing_style learning.
    pub fn style_data(&self) -> Value {
        json!({
            "avg_sentence_words": self.avg_sentence_words,
            "avg_paragraph_sentences": self.avg_paragraph_sentences,
            "reading_ease": self.reading_ease,
            "emoji_per_100_words": self.emoji_per_100_words,
            "top_hashtags": self.top_hashtags,
            "point_of_view": self.point_of_view,
            "question_hook_rate": self.question_hook_rate,
            "signature_phrases": self.signature_phrases,
            "formatting": {
                "line_breaks_per_post": self.line_breaks_per_post,
                "list_post_rate": self.list_post_rate,
            },
            "posts_measured": self.posts,
            "words_measured": self.words,
        })
    }

    /// `data` of the preferences learning.
    pub fn preference_data(&self) -> Value {
        json!({
            "avg_post_words": self.avg_post_words,
            "length": length_word(self.avg_post_words),
            "topics": self.top_keywords,
            "link_post_rate": self.link_post_rate,
            "cta_post_rate": self.cta_post_rate,
            "question_hook_rate": self.question_hook_rate,
            "posts_measured": self.posts,
        })
    }

    /// The style in words a writer would use.
    pub fn describe_style(&self) -> String {
        let ease = match self.reading_ease {
            e if e >= 80.0 => "very easy to read",
            e if e >= 60.0 => "plain and easy to read",
            e if e >= 40.0 => "fairly demanding to read",
            _ => "dense and demanding to read",
        };
        let length = match self.avg_sentence_words {
            s if s <= 10.0 => "short, punchy sentences",
            s if s <= 18.0 => "medium-length sentences",
            _ => "long sentences",
        };
        let voice = match self.point_of_view {
            "first_singular" => "Writes in the first person (\"I\"), from personal experience.",
            "first_plural" => "Writes as a team (\"we\").",
            "second" => "Talks directly to the reader (\"you\").",
            _ => "Writes about others, in the third person.",
        };
        let mut out = vec![format!(
            "Uses {length} (about {:.0} words each), {ease} (Flesch {:.0}). {voice}",
            self.avg_sentence_words, self.reading_ease
        )];
        if self.question_hook_rate > 0.0 {
            out.push(format!(
                "Opens {:.0}% of posts with a question.",
                self.question_hook_rate * 100.0
            ));
        }
        match self.emoji_per_100_words {
            e if e >= 2.0 => out.push(format!("Uses emoji generously ({e:.1} per 100 words).")),
            e if e > 0.0 => out.push(format!("Uses emoji sparingly ({e:.1} per 100 words).")),
            _ => out.push("Uses no emoji.".into()),
        }
        if !self.top_hashtags.is_empty() {
            let tags: Vec<&str> = self
                .top_hashtags
                .iter()
                .take(4)
                .map(String::as_str)
                .collect();
            out.push(format!("Favourite hashtags: {}.", tags.join(", ")));
        }
        if !self.signature_phrases.is_empty() {
            let p: Vec<String> = self
                .signature_phrases
                .iter()
                .take(3)
                .map(|s| format!("\"{s}\""))
                .collect();
            out.push(format!("Recurring phrases: {}.", p.join(", ")));
        }
        out.push(format!(
            "{} line breaks per post{}.",
            if self.line_breaks_per_post >= 4.0 {
                "Airy layout with many"
            } else {
                "Compact layout with few"
            },
            if self.list_post_rate > 0.0 {
                format!(", lists in {:.0}% of posts", self.list_post_rate * 100.0)
            } else {
                String::new()
            }
        ));
        out.join(" ")
    }

    pub fn describe_preferences(&self) -> String {
        let mut out = vec![format!(
            "Prefers {} posts (about {:.0} words).",
            length_word(self.avg_post_words),
            self.avg_post_words
        )];
        if !self.top_keywords.is_empty() {
            let k: Vec<&str> = self
                .top_keywords
                .iter()
                .take(5)
                .map(String::as_str)
                .collect();
            out.push(format!("Keeps coming back to: {}.", k.join(", ")));
        }
        out.push(format!(
            "Ends {:.0}% of posts with a call to action or a question; links in {:.0}%.",
            self.cta_post_rate * 100.0,
            self.link_post_rate * 100.0
        ));
        out.join(" ")
    }
}

fn length_word(words: f64) -> &'static str {
    match words {
        w if w < 60.0 => "short",
        w if w < 200.0 => "medium-length",
        _ => "long",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_by_use_and_first_person() {
        let p = measure([
            "I grew the list. #growth #saas",
            "I think #growth wins. #growth",
        ]);
        assert_eq!(p.top_hashtags[0], "#growth");
        assert_eq!(p.point_of_view, "first_singular");
        assert_eq!(p.posts, 2);
    }

    #[test]
    fn question_hooks_are_counted_per_post() {
        let p = measure([
            "Why do launches fail? Because nobody asked.",
            "We shipped it.",
        ]);
        assert_eq!(p.question_hook_rate, 0.5);
        assert_eq!(p.point_of_view, "first_plural");
    }
}
