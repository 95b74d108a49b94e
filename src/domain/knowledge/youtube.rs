//! YouTube captions, best effort: the watch page's `ytInitialPlayerResponse` lists the caption
//! tracks (`captionTracks[].baseUrl`); the chosen track's timedtext (XML, or WebVTT) becomes the
//! source text. There is no official API for this and YouTube blocks many server addresses, so
//! a video without reachable captions is reported and the `.vtt`/`.srt` upload stays the
//! reliable path. The default base goes through the SSRF-guarded client; an admin-configured
//! `youtube_base_url` (a mirror, a test fake) through the trusted one.
use super::platforms::get;
use crate::state::AppState;
use serde_json::Value;

pub const DEFAULT_BASE: &str = "https://www.youtube.com";

#[derive(Debug, thiserror::Error)]
pub enum YtError {
    /// Not a YouTube video link.
    #[error("{0}")]
    BadUrl(String),
    /// The page has no caption track we could read.
    #[error("{0}")]
    NoCaptions(String),
    /// YouTube could not be reached or refused.
    #[error("{0}")]
    Fetch(String),
}

pub struct Video {
    pub id: String,
    pub title: String,
    pub author: String,
    pub language: String,
    pub text: String,
}

/// The 11-character video id of a watch, youtu.be, shorts, embed or live link.
pub fn video_id(url: &str) -> Option<String> {
    let u: ureq::http::Uri = url.trim().parse().ok()?;
    let host = u
        .host()?
        .trim_start_matches("www.")
        .trim_start_matches("m.");
    let path = u.path();
    let candidate = match host {
        "youtu.be" => path.trim_start_matches('/').split('/').next()?.to_string(),
        "youtube.com" | "music.youtube.com" | "youtube-nocookie.com" => {
            if path == "/watch" {
                u.query()?
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("v="))?
                    .to_string()
            } else {
                let mut seg = path.trim_start_matches('/').split('/');
                match seg.next()? {
                    "shorts" | "embed" | "live" | "v" => seg.next()?.to_string(),
                    _ => return None,
                }
            }
        }
        _ => return None,
    };
    let ok = candidate.len() == 11
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then_some(candidate)
}

/// The first JSON value that follows `key` in `page` (e.g. `"captionTracks":`).
fn json_after(page: &str, key: &str) -> Option<Value> {
    let at = page.find(key)? + key.len();
    serde_json::Deserializer::from_str(&page[at..])
        .into_iter::<Value>()
        .next()?
        .ok()
}

/// Prefer human-made English, then automatic English, then any human-made track, then any.
fn pick(tracks: &[Value]) -> Option<&Value> {
    let manual = |t: &&Value| t["kind"].as_str() != Some("asr");
    let en = |t: &&Value| {
        t["languageCode"]
            .as_str()
            .is_some_and(|l| l.starts_with("en"))
    };
    tracks
        .iter()
        .find(|t| manual(t) && en(t))
        .or_else(|| tracks.iter().find(en))
        .or_else(|| tracks.iter().find(manual))
        .or_else(|| tracks.first())
}

/// Text of a timedtext document: WebVTT, or the XML formats (`<text>` or srv3 `<p>` cues).
pub fn timedtext_to_text(body: &str) -> String {
    let trimmed = body.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("WEBVTT") {
        return super::exports::captions_text(trimmed);
    }
    let mut out: Vec<String> = Vec::new();
    let mut reader = quick_xml::Reader::from_str(trimmed);
    let (mut in_cue, mut cue) = (false, String::new());
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e))
                if matches!(e.local_name().into_inner(), "text" | "p") =>
            {
                in_cue = true;
                cue.clear();
            }
            Ok(quick_xml::events::Event::Text(t)) if in_cue => {
                cue.push_str(t.as_ref());
            }
            Ok(quick_xml::events::Event::GeneralRef(r)) if in_cue => {
                cue.push_str(&format!("&{};", r.as_ref() as &str));
            }
            Ok(quick_xml::events::Event::End(e))
                if matches!(e.local_name().into_inner(), "text" | "p") =>
            {
                in_cue = false;
                // Entities may be escaped twice (`&amp;#39;`): decode until stable.
                let mut line = cue.clone();
                for _ in 0..2 {
                    line = super::html::decode_entities(&line);
                }
                let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if !line.is_empty() && out.last() != Some(&line) {
                    out.push(line);
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out.join("\n")
}

/// Fetch the captions of the video at `url`.
pub fn fetch(
    state: &AppState,
    url: &str,
    base: Option<String>,
    allow_private: bool,
) -> Result<Video, YtError> {
    let id = video_id(url).ok_or_else(|| {
        YtError::BadUrl("not a YouTube video link (youtube.com/watch?v=…, youtu.be/…)".into())
    })?;
    let configured = base.is_some();
    let base = base.unwrap_or_else(|| DEFAULT_BASE.into());
    let base = base.trim_end_matches('/');
    let agent = if configured {
        &state.http.trusted
    } else {
        state.http.user_url(allow_private, true)
    };
    let fetch_err =
        |e: anyhow::Error| YtError::Fetch(format!("YouTube could not be reached: {e:#}"));
    // The consent cookie skips the EU consent interstitial; English keeps track names stable.
    let headers = [
        ("Accept-Language", "en-US,en;q=0.8"),
        ("Cookie", "CONSENT=YES+1"),
    ];
    let (status, page) =
        get(agent, &format!("{base}/watch?v={id}&hl=en"), &headers).map_err(fetch_err)?;
    if status >= 400 {
        return Err(YtError::Fetch(format!(
            "YouTube answered HTTP {status} for the watch page"
        )));
    }
    let details = json_after(&page, "\"videoDetails\":").unwrap_or_default();
    let tracks = json_after(&page, "\"captionTracks\":")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    let track = pick(&tracks).ok_or_else(|| {
        YtError::NoCaptions("this video has no captions YouTube lets us fetch".into())
    })?;
    let track_url = track["baseUrl"].as_str().unwrap_or_default();
    let track_url = if track_url.starts_with('/') {
        format!("{base}{track_url}")
    } else {
        track_url.to_string()
    };
    // The track link comes from the page: the trusted client only for the configured host.
    let same_host = |a: &str, b: &str| {
        let h = |u: &str| {
            u.parse::<ureq::http::Uri>()
                .ok()
                .and_then(|u| u.authority().cloned())
        };
        h(a).is_some() && h(a) == h(b)
    };
    let track_agent = if configured && same_host(&track_url, base) {
        &state.http.trusted
    } else {
        crate::net::check_url(&track_url)
            .map_err(|e| YtError::NoCaptions(format!("unusable caption link: {e}")))?;
        state.http.user_url(allow_private, true)
    };
    let (status, body) = get(track_agent, &track_url, &headers).map_err(fetch_err)?;
    if status >= 400 {
        return Err(YtError::Fetch(format!(
            "YouTube answered HTTP {status} for the captions"
        )));
    }
    let text = timedtext_to_text(&body);
    if text.trim().is_empty() {
        return Err(YtError::NoCaptions("the caption track is empty".into()));
    }
    Ok(Video {
        title: details["title"].as_str().unwrap_or(&id).to_string(),
        author: details["author"].as_str().unwrap_or_default().to_string(),
        language: track["languageCode"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        id,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_ids_come_from_every_link_shape() {
        for u in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://m.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
        ] {
            assert_eq!(video_id(u).as_deref(), Some("dQw4w9WgXcQ"), "{u}");
        }
        assert_eq!(video_id("https://example.com/watch?v=dQw4w9WgXcQ"), None);
        assert_eq!(video_id("https://www.youtube.com/watch?v=short"), None);
    }

    #[test]
    fn timedtext_xml_becomes_lines_with_entities_decoded() {
        let xml = r#"<?xml version="1.0" encoding="utf-8" ?><transcript><text start="0" dur="2">Rock &amp;amp; roll</text><text start="2" dur="2">it&amp;#39;s   here</text><text start="4" dur="1">it&amp;#39;s   here</text></transcript>"#;
        assert_eq!(timedtext_to_text(xml), "Rock & roll\nit's here");
        let srv3 = r#"<timedtext format="3"><body><p t="0" d="1">Hello</p><p t="1" d="1">world</p></body></timedtext>"#;
        assert_eq!(timedtext_to_text(srv3), "Hello\nworld");
    }
}
