//! Chunking: heading- and paragraph-aware, bounded by a token budget (words as a cheap proxy
//! for tokens), with overlap between consecutive chunks. Every chunk keeps its byte offsets in
//! the original text so a hit can be shown in context. Text is NFC-normalised first (`nfc`).

/// Unicode NFC, so "é" typed as one code point and "é" decomposed (e + U+0301) are the same
/// text for the chunker, the keyword index, the embedder and the search box. Text that is
/// already NFC (the common case, checked without allocating) is returned as it came.
pub fn nfc(text: String) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// A passage and where it sits in the document (byte offsets, `text == &doc[start..end]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct ChunkConfig {
    /// Upper bound of words per chunk.
    pub max_words: usize,
    /// Words repeated at the start of the next chunk when a block had to be split.
    pub overlap_words: usize,
}

impl Default for ChunkConfig {
    fn default() -> Self {
        // ~256 word-pieces for MiniLM ≈ 180 words; the model truncates past 256 tokens.
        ChunkConfig {
            max_words: 180,
            overlap_words: 30,
        }
    }
}

/// A block of the document: a paragraph or a heading line, with offsets.
struct Block {
    start: usize,
    end: usize,
    heading: bool,
    words: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    let close = |out: &mut Vec<Block>, s: usize, e: usize, heading: bool| {
        let t = &doc[s..e];
        let trimmed_end = s + t.trim_end().len();
        if trimmed_end > s {
            out.push(Block {
                start: s,
                end: trimmed_end,
                heading,
                words: doc[s..trimmed_end].split_whitespace().count(),
            });
        }
    };
    for line in doc.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(s) = start.take() {
                close(&mut out, s, line_start, false);
            }
            continue;
        }
        let is_heading =
            trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with(' ');
        if is_heading {
            if let Some(s) = start.take() {
                close(&mut out, s, line_start, false);
            }
            let lead = line.len() - line.trim_start().len();
            close(&mut out, line_start + lead, pos, true);
            continue;
        }
        if start.is_none() {
            start = Some(line_start + (line.len() - line.trim_start().len()));
        }
    }
    if let Some(s) = start {
        close(&mut out, s, doc.len(), false);
    }
    out
}

/// Byte offsets of each word start in `doc[start..end]`, plus the end of each word.
fn word_spans(doc: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut cur: Option<usize> = None;
    for (i, ch) in doc[start..end].char_indices() {
        if ch.is_whitespace() {
            if let Some(s) = cur.take() {
                spans.push((start + s, start + i));
            }
        } else if cur.is_none() {
            cur = Some(i);
        }
    }
    if let Some(s) = cur {
        spans.push((start + s, end));
    }
    spans
}

/// Split `doc` into chunks. Headings start a new chunk; paragraphs are packed together up to
/// the budget; a paragraph longer than the budget is cut into overlapping windows.
pub fn chunk(doc: &str, cfg: ChunkConfig) -> Vec<Chunk> {
    let max = cfg.max_words.max(8);
    let overlap = cfg.overlap_words.min(max / 2);
    let mut out: Vec<Chunk> = Vec::new();
    // (start, end, words, only headings so far)
    let mut cur: Option<(usize, usize, usize, bool)> = None;
    let push = |out: &mut Vec<Chunk>, s: usize, e: usize| {
        out.push(Chunk {
            text: doc[s..e].to_string(),
            start: s,
            end: e,
        })
    };
    for b in blocks(doc) {
        if b.heading {
            cur = match cur.take() {
                // Consecutive headings travel together with the section they introduce.
                Some((s, _, w, true)) => Some((s, b.end, w + b.words, true)),
                Some((s, e, _, false)) => {
                    push(&mut out, s, e);
                    Some((b.start, b.end, b.words, true))
                }
                None => Some((b.start, b.end, b.words, true)),
            };
            continue;
        }
        if b.words > max {
            let spans = word_spans(doc, b.start, b.end);
            let mut i = 0;
            if let Some((s, e, w, only_headings)) = cur.take() {
                if only_headings {
                    // Keep the heading with the first window of its paragraph.
                    let j = (max.saturating_sub(w)).max(1).min(spans.len());
                    push(&mut out, s, spans[j - 1].1);
                    i = if j == spans.len() {
                        j
                    } else {
                        j - overlap.min(j)
                    };
                } else {
                    push(&mut out, s, e);
                }
            }
            let step = max - overlap;
            while i < spans.len() {
                let j = (i + max).min(spans.len());
                push(&mut out, spans[i].0, spans[j - 1].1);
                if j == spans.len() {
                    break;
                }
                i += step;
            }
            continue;
        }
        cur = match cur.take() {
            Some((s, _, w, _)) if w + b.words <= max => Some((s, b.end, w + b.words, false)),
            Some((s, e, _, _)) => {
                push(&mut out, s, e);
                Some((b.start, b.end, b.words, false))
            }
            None => Some((b.start, b.end, b.words, false)),
        };
    }
    if let Some((s, e, _, _)) = cur {
        push(&mut out, s, e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_point_into_the_document_and_headings_start_chunks() {
        let doc =
            "# Intro\n\nAlpha beta gamma.\n\nDelta epsilon.\n\n## Second\n\nZeta eta theta.\n";
        let chunks = chunk(doc, ChunkConfig::default());
        assert_eq!(chunks.len(), 2, "{chunks:?}");
        for c in &chunks {
            assert_eq!(&doc[c.start..c.end], c.text);
        }
        assert!(chunks[0].text.starts_with("# Intro"));
        assert!(chunks[0].text.contains("Delta"));
        assert!(chunks[1].text.starts_with("## Second"));
        assert!(chunks[1].text.contains("Zeta"));
    }

    #[test]
    fn long_paragraphs_are_windowed_with_overlap_and_the_budget_holds() {
        let words: Vec<String> = (0..500).map(|i| format!("w{i}")).collect();
        let doc = words.join(" ");
        let cfg = ChunkConfig {
            max_words: 100,
            overlap_words: 20,
        };
        let chunks = chunk(&doc, cfg);
        assert!(chunks.len() >= 6);
        for c in &chunks {
            assert!(c.text.split_whitespace().count() <= 100);
            assert_eq!(&doc[c.start..c.end], c.text);
        }
        assert!(
            chunks[1].text.starts_with("w80 "),
            "{}",
            &chunks[1].text[..20]
        );
        assert!(chunks.last().unwrap().text.ends_with("w499"));
    }

    #[test]
    fn decomposed_and_composed_accents_become_the_same_text() {
        assert_eq!(
            nfc("cre\u{300}me bru\u{302}le\u{301}e".into()),
            "crème brûlée"
        );
        assert_eq!(nfc("crème brûlée".into()), "crème brûlée");
    }

    #[test]
    fn multibyte_text_keeps_valid_offsets() {
        let doc = "Ünïcödé ✓ text — with dashes.\n\n日本語のテキスト。";
        let chunks = chunk(doc, ChunkConfig::default());
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, doc);
    }
}
