//! Design-system extraction from CSS: colours (hex, by use, near-duplicates merged), font
//! families, font sizes, radii and spacing. Pages are fetched through the SSRF-guarded client
//! with their linked stylesheets; inline `<style>` blocks and `style=""` attributes count too.
use super::text::top;
use crate::domain::knowledge::html::Page;
use crate::domain::knowledge::platforms::get;
use serde_json::{Value, json};

const MAX_SHEETS: usize = 10;

/// A fetched page's CSS: its inline styles plus each linked stylesheet (fetched through the
/// same guarded agent). The page is read by the importers' HTML parser.
pub fn page_css(agent: &ureq::Agent, url: &str, html: &str) -> Vec<String> {
    let page = Page::parse(html);
    let mut css = vec![page.inline_css()];
    for sheet in page.stylesheets(url).into_iter().take(MAX_SHEETS) {
        if let Ok((200, text)) = get(agent, &sheet, &[]) {
            css.push(text);
        }
    }
    css
}

/// `<style>` blocks and `style="…"` attributes of a page, as one stylesheet.
pub fn inline_css(html: &str) -> String {
    Page::parse(html).inline_css()
}

fn parse_hex(h: &str) -> Option<(u8, u8, u8)> {
    let h = h.trim_start_matches('#');
    let d = |s: &str| u8::from_str_radix(s, 16).ok();
    match h.len() {
        3 | 4 => {
            let c: Vec<String> = h.chars().take(3).map(|c| format!("{c}{c}")).collect();
            Some((d(&c[0])?, d(&c[1])?, d(&c[2])?))
        }
        6 | 8 => Some((d(&h[0..2])?, d(&h[2..4])?, d(&h[4..6])?)),
        _ => None,
    }
}

fn parse_rgb(args: &str) -> Option<(u8, u8, u8)> {
    let parts: Vec<f64> = args
        .split([',', ' ', '/'])
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.trim_end_matches('%').parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    if parts.len() < 3 {
        return None;
    }
    let c = |x: f64| x.clamp(0.0, 255.0).round() as u8;
    Some((c(parts[0]), c(parts[1]), c(parts[2])))
}

/// Every colour literal in the CSS, as (r, g, b).
fn colors(css: &str) -> Vec<(u8, u8, u8)> {
    let mut out = Vec::new();
    let b = css.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            let hex: String = css[i + 1..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            let next = css[i + 1 + hex.len()..].chars().next();
            // `#id {` selectors are not colours: a colour is followed by ; , ) space or }.
            let value_like =
                next.is_none_or(|c| matches!(c, ';' | ',' | ')' | ' ' | '}' | '!' | '\n'));
            if value_like && let Some(c) = parse_hex(&hex) {
                let prev = css[..i].trim_end().chars().last();
                if matches!(prev, Some(':' | ',' | '(' | ' '))
                    || prev.is_some_and(|p| p.is_alphanumeric())
                {
                    out.push(c);
                }
            }
            i += 1 + hex.len();
            continue;
        }
        if css[i..].starts_with("rgb")
            && let Some(open) = css[i..].find('(')
            && open <= 4
            && let Some(close) = css[i + open..].find(')')
        {
            if let Some(c) = parse_rgb(&css[i + open + 1..i + open + close]) {
                out.push(c);
            }
            i += open + close;
            continue;
        }
        i += css[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Values of the declarations named `props` (e.g. `font-size`).
fn values<'a>(css: &'a str, props: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for decl in css.split([';', '{', '}']) {
        let Some((k, v)) = decl.split_once(':') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        if props.contains(&k.as_str()) {
            out.push(v.trim().trim_end_matches("!important").trim());
        }
    }
    out
}

/// Whether two hex colours are near-duplicates (the distance `extract` folds together).
pub fn near(a: &str, b: &str) -> bool {
    match (parse_hex(a), parse_hex(b)) {
        (Some(x), Some(y)) => distance(x, y) < NEAR,
        _ => false,
    }
}

const NEAR: f64 = 12.0;

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let d = |a: u8, b: u8| (f64::from(a) - f64::from(b)).powi(2);
    (d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)).sqrt()
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Colours by use, each near-duplicate (within a small RGB distance) folded into the more used.
fn merged_colors(all: &[(u8, u8, u8)]) -> Vec<(String, usize)> {
    let mut out: Vec<((u8, u8, u8), usize)> = Vec::new();
    for (c, n) in top(all, 200, 1) {
        let near = out.iter_mut().find(|(o, _)| distance(*o, c) < NEAR);
        match near {
            Some((_, m)) => *m += n,
            None => out.push((c, n)),
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.1));
    out.into_iter().map(|(c, n)| (hex(c), n)).collect()
}

/// The design system of a set of stylesheets.
pub fn extract(sheets: &[String]) -> Value {
    let css = sheets.join("\n");
    let colors = merged_colors(&colors(&css));
    let fonts: Vec<String> = values(&css, &["font-family", "font"])
        .into_iter()
        .filter_map(|v| {
            let fam = v
                .rsplit_once(|c: char| c.is_ascii_digit() && v.contains(','))
                .map_or(v, |(_, f)| f)
                .split(',')
                .next()?
                .trim()
                .trim_matches(['"', '\''])
                .to_string();
            (!fam.is_empty() && !fam.starts_with("var(") && !fam.chars().next()?.is_ascii_digit())
                .then_some(fam)
        })
        .collect();
    let ranked =
        |v: Vec<String>| -> Vec<String> { top(&v, 12, 1).into_iter().map(|(x, _)| x).collect() };
    let lengths = |props: &[&str]| -> Vec<String> {
        values(&css, props)
            .into_iter()
            .flat_map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()) && v != "0")
            .collect()
    };
    json!({
        "colors": colors.iter().map(|(h, _)| h).take(16).collect::<Vec<_>>(),
        "color_usage": colors.iter().take(16).map(|(h, n)| json!({"hex": h, "count": n})).collect::<Vec<_>>(),
        "fonts": ranked(fonts),
        "font_sizes": ranked(lengths(&["font-size"])),
        "radii": ranked(lengths(&["border-radius"])),
        "spacing": ranked(lengths(&["margin", "padding", "gap", "margin-top", "margin-bottom", "padding-top", "padding-bottom", "padding-left", "padding-right", "row-gap", "column-gap"])),
    })
}

/// The design system in plain words.
pub fn describe(d: &Value) -> String {
    let list = |k: &str, n: usize| -> String {
        d[k].as_array()
            .into_iter()
            .flatten()
            .take(n)
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !list("colors", 1).is_empty() {
        out.push(format!(
            "Main colour {}; palette {}.",
            list("colors", 1),
            list("colors", 6)
        ));
    }
    if !list("fonts", 1).is_empty() {
        out.push(format!("Type set in {}.", list("fonts", 3)));
    }
    if !list("font_sizes", 1).is_empty() {
        out.push(format!("Font sizes: {}.", list("font_sizes", 5)));
    }
    if !list("radii", 1).is_empty() {
        out.push(format!("Corner radii: {}.", list("radii", 3)));
    }
    if !list("spacing", 1).is_empty() {
        out.push(format!("Spacing steps: {}.", list("spacing", 5)));
    }
    if out.is_empty() {
        return "No colours, fonts or spacing were found in these pages' CSS.".into();
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_used_colour_comes_first_and_near_duplicates_merge() {
        let css = ".a{color:#ff0000} .b{background:#FE0101} .c{color:#00f} #main{color: rgb(0, 0, 255)} .d{border:1px solid #ff0000}";
        let d = extract(&[css.to_string()]);
        assert_eq!(d["colors"][0], "#ff0000");
        assert_eq!(d["colors"][1], "#0000ff");
        assert_eq!(d["colors"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn fonts_sizes_radii() {
        let css = "body{font-family:\"Inter\", sans-serif;font-size:16px} h1{font:700 32px/1.2 Inter, serif;border-radius:8px}";
        let d = extract(&[css.to_string()]);
        assert_eq!(d["fonts"][0], "Inter");
        assert_eq!(d["font_sizes"][0], "16px");
        assert_eq!(d["radii"][0], "8px");
    }
}
