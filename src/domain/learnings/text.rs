//! Plain-text measures shared by the voice areas: words, sentences, syllables, Flesch reading
//! ease, emoji, content keywords. Deterministic and dependency-free.
use std::collections::HashMap;

/// Words as a reader counts them: letters/digits with inner apostrophes, lowercased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(|w| w.replace('’', "'").to_lowercase())
        .collect()
}

/// Sentences: split on terminal punctuation and on line breaks (social posts use lines as
/// sentences); only pieces with at least one word count.
pub fn sentences(text: &str) -> Vec<&str> {
    text.split(['.', '!', '?', '\n', '…'])
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphabetic))
        .collect()
}

/// Paragraphs: blocks separated by a blank line.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut pos = 0;
    let mut last_end = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(pos),
            (true, Some(s)) => {
                out.push(text[s..last_end].trim());
                start = None;
            }
            _ => {}
        }
        pos += line.len();
        if !blank {
            last_end = pos;
        }
    }
    if let Some(s) = start {
        out.push(text[s..last_end].trim());
    }
    out.retain(|p| !p.is_empty());
    out
}

/// Syllables of an English word by vowel groups (silent final "e" dropped, at least one).
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return 0;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut n: usize = 0;
    let mut prev = false;
    for &c in &w {
        let v = vowel(c);
        if v && !prev {
            n += 1;
        }
        prev = v;
    }
    if w.len() > 2 && w[w.len() - 1] == 'e' && !vowel(w[w.len() - 2]) && w[w.len() - 2] != 'l' {
        n = n.saturating_sub(1);
    }
    n.max(1)
}

/// Flesch reading ease (206.835 − 1.015·words/sentences − 84.6·syllables/words), 0 for no text.
pub fn flesch(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    206.835 - 1.015 * (words as f64 / sentences as f64) - 84.6 * (syllables as f64 / words as f64)
}

/// Flesch reading ease of a text.
pub fn reading_ease(text: &str) -> f64 {
    let w = words(text);
    let syl: usize = w.iter().map(|w| syllables(w)).sum();
    flesch(w.len(), sentences(text).len(), syl)
}

/// Pictographic emoji (the modifiers and joiners that build one emoji are not counted).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1F5FF | 0x1F600..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF | 0x2600..=0x26FF | 0x2700..=0x27BF | 0x1F1E6..=0x1F1FF)
}

pub const STOP: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "but", "by", "can", "could", "did", "do", "does", "don't", "for", "from",
    "get", "got", "had", "has", "have", "he", "her", "here", "his", "how", "i", "i'm", "if", "in",
    "into", "is", "it", "it's", "its", "just", "let", "like", "me", "more", "most", "my", "no",
    "not", "now", "of", "on", "one", "or", "our", "out", "so", "some", "than", "that", "that's",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "up",
    "us", "very", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will",
    "with", "would", "you", "your", "you're", "yours", "she", "him", "own", "each", "every",
    "only", "over", "really", "should", "still", "such", "much", "many", "make", "made", "way",
    "want", "need", "new", "use", "using", "used", "through", "while",
];

pub fn is_stop(w: &str) -> bool {
    STOP.contains(&w)
}

/// A light stem so "marketers" and "marketer", "hiring" and "hire" meet.
pub fn stem(w: &str) -> String {
    let mut base = w.to_string();
    for suf in [
        "ations", "ation", "ings", "ing", "ies", "ers", "er", "es", "ed", "ly", "s",
    ] {
        if w.len() > suf.len() + 3 && w.ends_with(suf) {
            base = w[..w.len() - suf.len()].to_string();
            if suf == "ies" {
                base.push('y');
            }
            break;
        }
    }
    // "database" and "databases", "hire" and "hiring" meet without their final e.
    if base.len() > 4 && base.ends_with('e') {
        base.pop();
    }
    base
}

/// Stemmed content words (no stop words, no numbers, 3+ letters).
pub fn keywords(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| {
            w.len() >= 3 && !is_stop(w) && w.chars().all(|c| c.is_alphabetic() || c == '\'')
        })
        .map(|w| stem(&w))
        .collect()
}

/// The most frequent keys first (ties: first seen first), at most `n`, each at least `min` times.
pub fn top<K: Clone + Eq + std::hash::Hash>(items: &[K], n: usize, min: usize) -> Vec<(K, usize)> {
    let mut counts: HashMap<&K, (usize, usize)> = HashMap::new();
    for (i, k) in items.iter().enumerate() {
        counts.entry(k).or_insert((0, i)).0 += 1;
    }
    let mut v: Vec<(&K, (usize, usize))> =
        counts.into_iter().filter(|(_, (c, _))| *c >= min).collect();
    v.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    v.into_iter()
        .take(n)
        .map(|(k, (c, _))| (k.clone(), c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_and_flesch_follow_the_usual_counts() {
        assert_eq!(syllables("cat"), 1);
        assert_eq!(syllables("make"), 1);
        assert_eq!(syllables("table"), 2);
        assert_eq!(syllables("beautiful"), 3);
        assert!(reading_ease("The cat sat on the mat.") > 90.0);
        assert!(
            reading_ease(
                "Organizational interoperability necessitates comprehensive institutional coordination."
            ) < 10.0
        );
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\nc\n\n\nd"), vec!["a\nb", "c", "d"]);
    }
}
