//! Parsers of files people export or download and then import: CSV (the csv crate, as in
//! LinkedIn exports), WebVTT / SRT captions, and the Twitter archive's tweets.js. Pure
//! functions, so each is tested on its own.

/// CSV rows (RFC 4180 through the csv crate: quoted fields with commas, doubled quotes and
/// newlines, any line ending) as header → value maps. The header is the first row naming
/// `must_have` (exports may put notes above it); header names are matched case-insensitively,
/// and a UTF-8 BOM or invalid UTF-8 does not hide them.
pub fn csv_records(
    bytes: &[u8],
    must_have: &str,
) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .byte_records()
        .map_while(Result::ok)
        .map(|r| {
            r.iter()
                .map(|f| {
                    // Quoted multi-line fields keep the file's line endings: read them as \n.
                    String::from_utf8_lossy(f)
                        .trim()
                        .replace("\r\n", "\n")
                        .replace('\r', "\n")
                })
                .collect()
        })
        .collect();
    let want = must_have.to_ascii_lowercase();
    let Some(h) = rows
        .iter()
        .position(|r| r.iter().any(|c| c.to_ascii_lowercase() == want))
    else {
        return Vec::new();
    };
    let header: Vec<String> = rows[h].iter().map(|c| c.to_ascii_lowercase()).collect();
    rows[h + 1..]
        .iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// Plain text of WebVTT or SRT captions: cue timings, numbers, tags and immediate
/// repetitions (rolling captions) removed.
pub fn captions_text(src: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in src.trim_start_matches('\u{feff}').lines() {
        let l = line.trim();
        if l.is_empty()
            || l == "WEBVTT"
            || l.starts_with("WEBVTT ")
            || l.starts_with("NOTE")
            || l.starts_with("Kind:")
            || l.starts_with("Language:")
            || l.contains("-->")
            || l.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        let mut clean = String::new();
        let mut in_tag = false;
        for ch in l.chars() {
            match ch {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => clean.push(c),
                _ => {}
            }
        }
        let clean = super::html::decode_entities(clean.trim());
        if !clean.is_empty() && out.last() != Some(&clean) {
            out.push(clean);
        }
    }
    out.join("\n")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tweet {
    pub id: String,
    pub text: String,
    pub created_at: Option<String>,
}

/// The archive's `data/tweets.js`: `window.YTD.tweets.part0 = [ {"tweet": {...}}, … ]`.
pub fn parse_tweets_js(src: &str) -> Result<Vec<Tweet>, String> {
    let start = src.find('[').ok_or("tweets.js holds no array")?;
    let v: serde_json::Value = serde_json::from_str(src[start..].trim().trim_end_matches(';'))
        .map_err(|e| format!("tweets.js: {e}"))?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    let t = x.get("tweet").unwrap_or(x);
                    Some(Tweet {
                        id: t
                            .get("id_str")
                            .or_else(|| t.get("id"))?
                            .as_str()?
                            .to_string(),
                        text: t
                            .get("full_text")
                            .or_else(|| t.get("text"))?
                            .as_str()?
                            .to_string(),
                        created_at: t
                            .get("created_at")
                            .and_then(|d| d.as_str())
                            .map(str::to_string),
                    })
                })
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_newlines_bom_and_notes_above_the_header() {
        let csv = "\u{feff}Notes:\r\n\"When exported\"\r\n\r\nDate,ShareCommentary,ShareLink\r\n2026-01-02 10:00:00,\"Hello, \"\"world\"\"\r\nsecond line\",https://l/1\r\n";
        let recs = csv_records(csv.as_bytes(), "sharecommentary");
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0]["sharecommentary"], "Hello, \"world\"\nsecond line");
        assert_eq!(recs[0]["sharelink"], "https://l/1");
    }

    #[test]
    fn captions_lose_timings_tags_and_rolling_repeats() {
        let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ada>Hello there</v>\n\n00:00:02.000 --> 00:00:04.000\nHello there\n\n00:00:04.000 --> 00:00:06.000\nGeneral Kenobi\n";
        assert_eq!(captions_text(vtt), "Hello there\nGeneral Kenobi");
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nFirst line\n\n2\n00:00:02,000 --> 00:00:03,000\nSecond &amp; last\n";
        assert_eq!(captions_text(srt), "First line\nSecond & last");
    }

    #[test]
    fn tweets_js_is_read() {
        let js = r#"window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1", "full_text": "hi", "created_at": "Mon Jan 01"}} ]"#;
        assert_eq!(
            parse_tweets_js(js).unwrap()[0],
            Tweet {
                id: "1".into(),
                text: "hi".into(),
                created_at: Some("Mon Jan 01".into())
            }
        );
    }
}
