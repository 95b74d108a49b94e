//! Design systems from images: a URL that answers `image/*` (a screenshot, a brand sheet, a
//! logo) is read by a vision-capable model, which answers the same keys as the CSS extraction.
//! Measured CSS values win; the model only adds what the CSS lacks. The original bytes of
//! visual-scan sources are not kept, so images come in as URLs, fetched through the same
//! SSRF-guarded agent as pages.
use super::design;
use super::model::{Field, Schema, hex_colour};
use crate::ai::Image;
use crate::domain::knowledge::vision::image_mime;
use base64::Engine;
use serde_json::{Value, json};

/// Largest image sent to a model.
const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;
/// Images read in one generation at most.
pub const MAX_IMAGES: usize = 4;
/// Values the model may add per key.
const MAX_ADDED: usize = 12;

/// What a URL turned out to be.
pub enum Fetched {
    /// A page's stylesheets (inline styles plus linked sheets).
    Css(Vec<String>),
    Image(Image),
}

/// Fetch a URL: an `image/*` answer (PNG, JPEG or WebP by content) is an image, anything else a
/// page whose CSS is read.
pub fn fetch(agent: &ureq::Agent, url: &str) -> anyhow::Result<Fetched> {
    crate::net::check_url(url).map_err(|e| anyhow::anyhow!("{url}: {e}"))?;
    let mut resp = agent
        .get(url)
        .call()
        .map_err(|e| match crate::net::refused(&e) {
            Some(r) => anyhow::anyhow!("refused: {r}"),
            None => anyhow::anyhow!("GET {url}: {e}"),
        })?;
    let status = resp.status().as_u16();
    anyhow::ensure!(status < 400, "{url} answered HTTP {status}");
    let image = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("image/"));
    if image {
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_IMAGE_BYTES)
            .read_to_vec()?;
        let mime = image_mime(&bytes)
            .ok_or_else(|| anyhow::anyhow!("{url}: only PNG, JPEG or WebP images can be read"))?;
        return Ok(Fetched::Image(Image {
            mime: mime.to_string(),
            data_b64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        }));
    }
    let html = crate::net::read_text(&mut resp, crate::net::MAX_RESPONSE_BYTES)?;
    Ok(Fetched::Css(design::page_css(agent, url, &html)))
}

pub const SCHEMA: Schema = &[
    ("colors", Field::HexList),
    ("fonts", Field::StrList),
    ("font_sizes", Field::StrList),
    ("radii", Field::StrList),
    ("spacing", Field::StrList),
];

pub const SYSTEM: &str = "You are a designer reading a brand's visual design from images \
(screenshots, brand sheets, logos). Report what you can see: colours as hex, most prominent \
first; font families (by name, your best identification); font sizes, corner radii and spacing \
as CSS lengths (e.g. \"16px\"). Leave a list empty rather than guess.";

/// The prompt beside the images: what the CSS already measured, so the model adds the rest.
pub fn prompt(css: &Value) -> String {
    let measured = json!({
        "colors": css["colors"], "fonts": css["fonts"], "font_sizes": css["font_sizes"],
        "radii": css["radii"], "spacing": css["spacing"],
    });
    format!(
        "Read the design system of the attached image(s). Already measured from the CSS (exact, \
         keep them; add what the images show beyond them):\n{measured}"
    )
}

/// Add the model's values the CSS lacks (colours: no near-duplicate of a measured one; other
/// keys: not already present, case-insensitively). Returns what was added, per key.
pub fn merge(data: &mut Value, seen: &Value) -> Value {
    let mut added = json!({});
    for key in ["colors", "fonts", "font_sizes", "radii", "spacing"] {
        let mut list: Vec<String> = data[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let mut new = Vec::new();
        for v in seen[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let v = if key == "colors" {
                match hex_colour(v) {
                    Some(h) => h,
                    None => continue,
                }
            } else {
                v.trim().trim_matches(['"', '\'']).trim().to_string()
            };
            let dup = list.iter().any(|have| {
                if key == "colors" {
                    design::near(have, &v)
                } else {
                    have.eq_ignore_ascii_case(&v)
                }
            });
            if v.is_empty() || dup || new.len() >= MAX_ADDED {
                continue;
            }
            list.push(v.clone());
            new.push(v);
        }
        data[key] = json!(list);
        added[key] = json!(new);
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_css_wins_and_the_model_adds_what_it_lacks() {
        let mut data = json!({"colors": ["#e4572e"], "fonts": ["Inter"], "font_sizes": [],
            "radii": ["8px"], "spacing": []});
        let seen = json!({"colors": ["#E5582F", "#1A7F5A", "teal"], "fonts": ["inter", "Playfair Display"],
            "font_sizes": ["48px"], "radii": ["8px"], "spacing": []});
        let added = merge(&mut data, &seen);
        assert_eq!(data["colors"], json!(["#e4572e", "#1a7f5a"]));
        assert_eq!(data["fonts"], json!(["Inter", "Playfair Display"]));
        assert_eq!(data["font_sizes"], json!(["48px"]));
        assert_eq!(data["radii"], json!(["8px"]));
        assert_eq!(added["colors"], json!(["#1a7f5a"]));
    }
}
