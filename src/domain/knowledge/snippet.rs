//! Highlighted snippets: a window of the passage around the first query term, HTML-escaped,
//! with every word that starts with a query term wrapped in `<mark>` (so "embed" marks
//! "embeddings" as FTS5's porter stemmer would have matched it).

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `word` is (a form of) one of `terms`: also what hybrid search counts as a keyword
/// hit's coverage of the query.
pub(super) fn matches(word: &str, terms: &[String]) -> bool {
    let w = word.to_lowercase();
    terms.iter().any(|t| {
        // In characters, not bytes: "névé" loses its last letter, not half of an "é".
        let chars = t.chars().count();
        let stem = match t.char_indices().last() {
            Some((last, _)) if chars > 4 => &t[..last],
            _ => t.as_str(),
        };
        w == *t || (chars >= 3 && w.starts_with(stem))
    })
}

/// At most `width` characters of `text` around the first match, escaped and marked.
pub fn highlight(text: &str, terms: &[String], width: usize) -> String {
    // Word boundaries as (start, end, is_word) byte ranges over the whole text.
    let mut pieces: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, ch) in text.char_indices() {
        let w = ch.is_alphanumeric();
        match in_word {
            Some(prev) if prev == w => {}
            Some(prev) => {
                pieces.push((start, i, prev));
                start = i;
                in_word = Some(w);
            }
            None => in_word = Some(w),
        }
    }
    if let Some(prev) = in_word {
        pieces.push((start, text.len(), prev));
    }
    let first = pieces
        .iter()
        .position(|(s, e, w)| *w && matches(&text[*s..*e], terms))
        .unwrap_or(0);
    // Start a little before the first hit, on a piece boundary.
    let mut from = first;
    let mut budget = width / 4;
    while from > 0 && budget > 0 {
        let (s, e, _) = pieces[from - 1];
        let len = text[s..e].chars().count();
        if len > budget {
            break;
        }
        budget -= len;
        from -= 1;
    }
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut used = 0;
    let mut to = from;
    while to < pieces.len() && used < width {
        let (s, e, w) = pieces[to];
        let piece = &text[s..e];
        used += piece.chars().count();
        if w && matches(piece, terms) {
            out.push_str("<mark>");
            out.push_str(&escape(piece));
            out.push_str("</mark>");
        } else if w {
            out.push_str(&escape(piece));
        } else {
            // Collapse runs of whitespace/newlines for a one-line excerpt.
            let mut collapsed = String::with_capacity(piece.len());
            for ch in piece.chars() {
                if !ch.is_whitespace() {
                    collapsed.push(ch);
                } else if !collapsed.ends_with(' ') {
                    collapsed.push(' ');
                }
            }
            out.push_str(&escape(&collapsed));
        }
        to += 1;
    }
    if to < pieces.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_query_terms_and_escapes_html() {
        let t = vec!["embedding".to_string()];
        let s = highlight("Use <b>embeddings</b> & vectors", &t, 200);
        assert_eq!(
            s,
            "Use &lt;b&gt;<mark>embeddings</mark>&lt;/b&gt; &amp; vectors"
        );
    }

    #[test]
    fn accented_terms_mark_their_words() {
        let t = vec!["moitié".to_string(), "névé".to_string()];
        assert_eq!(
            highlight("Fondue moitié-moitié sur le névé", &t, 200),
            "Fondue <mark>moitié</mark>-<mark>moitié</mark> sur le <mark>névé</mark>"
        );
    }

    #[test]
    fn windows_long_text_around_the_first_hit() {
        let text = format!("{} needle {}", "hay ".repeat(200), "straw ".repeat(200));
        let s = highlight(&text, &["needle".to_string()], 80);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>needle</mark>"));
        assert!(s.chars().count() < 120);
    }
}
