//! The `local` provider: real PNG cards rendered in-process — carousel slides, quote cards,
//! covers and thumbnails laid out from the content's text with the embedded DejaVu fonts, in the
//! colours (and serif or sans type) of the client's design system when there is one.
use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

pub(super) static SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(super) static SANS_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
pub(super) static SERIF_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif-Bold.ttf");

type Rgb = [u8; 3];

/// Colours and type of a card.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// The background: the design system's dominant colour.
    pub background: Rgb,
    pub text: Rgb,
    pub accent: Rgb,
    /// Headings in a serif face (the brand's type is a serif).
    pub serif: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            background: [0x1d, 0x27, 0x3f],
            text: [0xf7, 0xf7, 0xf2],
            accent: [0xf2, 0xa6, 0x2b],
            serif: false,
        }
    }
}

impl Style {
    /// A style from a design-system learning's data (`colors` most-used first, `fonts`).
    pub fn from_design(data: &serde_json::Value) -> Style {
        let colors: Vec<Rgb> = data["colors"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c.as_str().and_then(hex)).collect())
            .unwrap_or_default();
        let serif = data["fonts"]
            .as_array()
            .and_then(|f| f.first())
            .and_then(|f| f.as_str())
            .is_some_and(|f| {
                let f = f.to_ascii_lowercase();
                f.contains("serif") && !f.contains("sans")
                    || ["georgia", "times", "garamond", "playfair", "merriweather"]
                        .iter()
                        .any(|s| f.contains(s))
            });
        let Some(&background) = colors.first() else {
            return Style {
                serif,
                ..Style::default()
            };
        };
        let text = colors
            .iter()
            .copied()
            .find(|c| contrast(*c, background) >= 4.5)
            .unwrap_or(if luminance(background) > 0.4 {
                [0x11, 0x11, 0x11]
            } else {
                [0xff, 0xff, 0xff]
            });
        let accent = colors
            .iter()
            .copied()
            .find(|c| *c != text && contrast(*c, background) >= 2.0)
            .unwrap_or(text);
        Style {
            background,
            text,
            accent,
            serif,
        }
    }
}

fn hex(s: &str) -> Option<Rgb> {
    let h = s.trim().strip_prefix('#')?;
    let v = u32::from_str_radix(h, 16).ok()?;
    match h.len() {
        6 => Some([(v >> 16) as u8, (v >> 8) as u8, v as u8]),
        3 => Some([
            ((v >> 8) & 0xf) as u8 * 17,
            ((v >> 4) & 0xf) as u8 * 17,
            (v & 0xf) as u8 * 17,
        ]),
        _ => None,
    }
}

fn luminance(c: Rgb) -> f64 {
    let ch = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Pixel size of an aspect ratio: the short side 1080 (16:9 and 4:3 landscape: 1920/1440 wide).
pub fn dimensions(aspect: &str) -> (u32, u32) {
    match aspect {
        "4:5" => (1080, 1350),
        "3:4" => (1080, 1440),
        "9:16" => (1080, 1920),
        "16:9" => (1920, 1080),
        "4:3" => (1440, 1080),
        _ => (1080, 1080),
    }
}

/// What goes on a card.
#[derive(Debug, Clone, Default)]
pub struct Card {
    /// quote | slide | cover | thumbnail.
    pub layout: &'static str,
    pub heading: String,
    pub body: String,
    /// Small line at the bottom (the content's title, a slide number).
    pub footer: String,
}

/// A card's layout from an asset's kind and text: the overlay's first line is the heading and
/// the rest the body; an image whose text opens with a quotation mark is a quote card.
pub fn card(kind: &str, text: &str, footer: &str) -> Card {
    let text = text.trim();
    let (heading, body) = match text.split_once('\n') {
        Some((h, b)) => (h.trim().to_string(), b.trim().to_string()),
        None => (text.to_string(), String::new()),
    };
    let quoted = ['"', '“', '«', '„'].iter().any(|q| text.starts_with(*q));
    let layout = match kind {
        "cover" => "cover",
        "thumbnail" => "thumbnail",
        "image" if quoted => "quote",
        _ => "slide",
    };
    if layout == "quote" {
        let q = text.trim_matches(|c| "\"“”«»„".contains(c)).trim();
        return Card {
            layout,
            heading: q.to_string(),
            body: String::new(),
            footer: footer.to_string(),
        };
    }
    Card {
        layout,
        heading,
        body,
        footer: footer.to_string(),
    }
}

pub(super) struct Canvas {
    pub(super) w: u32,
    pub(super) h: u32,
    pub(super) px: Vec<u8>,
}

impl Canvas {
    pub(super) fn new(w: u32, h: u32, bg: Rgb) -> Canvas {
        Canvas {
            w,
            h,
            px: bg.repeat((w * h) as usize),
        }
    }

    pub(super) fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, c: Rgb) {
        for yy in y..(y + h).min(self.h) {
            let row = (yy * self.w) as usize * 3;
            for xx in x..(x + w).min(self.w) {
                let i = row + xx as usize * 3;
                self.px[i..i + 3].copy_from_slice(&c);
            }
        }
    }

    fn blend(&mut self, x: i32, y: i32, c: Rgb, a: f32) {
        if x < 0 || y < 0 || x >= self.w as i32 || y >= self.h as i32 || a <= 0.0 {
            return;
        }
        let i = (y as usize * self.w as usize + x as usize) * 3;
        let a = a.min(1.0);
        for (dst, src) in self.px[i..i + 3].iter_mut().zip(c) {
            *dst = (*dst as f32 * (1.0 - a) + src as f32 * a).round() as u8;
        }
    }

    /// Draw lines of text from (x, y) (the top of the first line); returns the y below them.
    pub(super) fn text(
        &mut self,
        font: &FontRef,
        size: f32,
        x: f32,
        y: f32,
        lines: &[String],
        c: Rgb,
    ) -> f32 {
        let scaled = font.as_scaled(PxScale::from(size));
        let step = size * 1.25;
        let mut baseline = y + scaled.ascent();
        for line in lines {
            let mut caret = x;
            let mut prev = None;
            for ch in line.chars() {
                let id = scaled.glyph_id(ch);
                if let Some(p) = prev {
                    caret += scaled.kern(p, id);
                }
                let glyph = id.with_scale_and_position(size, point(caret, baseline));
                caret += scaled.h_advance(id);
                prev = Some(id);
                if let Some(outlined) = font.outline_glyph(glyph) {
                    let b = outlined.px_bounds();
                    outlined.draw(|gx, gy, cov| {
                        self.blend(
                            b.min.x as i32 + gx as i32,
                            b.min.y as i32 + gy as i32,
                            c,
                            cov,
                        );
                    });
                }
            }
            baseline += step;
        }
        baseline - step - scaled.ascent() + step
    }

    pub(super) fn png(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 * 1024);
        let mut enc = png::Encoder::new(&mut out, self.w, self.h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().expect("PNG header of a valid size");
        writer
            .write_image_data(&self.px)
            .expect("in-memory PNG encoding");
        writer.finish().expect("in-memory PNG encoding");
        out
    }
}

fn width_of(font: &FontRef, size: f32, s: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut w = 0.0;
    let mut prev = None;
    for ch in s.chars() {
        let id = scaled.glyph_id(ch);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    w
}

/// Greedy word wrap to `max` pixels (a word longer than a line is cut).
fn wrap(font: &FontRef, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width_of(font, size, &candidate) <= max || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// The largest size (from `start`, shrinking) at which `text` wraps into `max_lines` lines.
pub(super) fn fit(
    font: &FontRef,
    text: &str,
    start: f32,
    min: f32,
    max_w: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    let mut size = start;
    loop {
        let lines = wrap(font, size, text, max_w);
        if lines.len() <= max_lines || size <= min {
            let mut lines = lines;
            if lines.len() > max_lines {
                lines.truncate(max_lines);
                if let Some(l) = lines.last_mut() {
                    l.push('…');
                }
            }
            return (size, lines);
        }
        size *= 0.9;
    }
}

/// Render a card as PNG bytes at the aspect ratio's size.
pub fn render(card: &Card, aspect: &str, style: &Style) -> (Vec<u8>, u32, u32) {
    let (w, h) = dimensions(aspect);
    let sans = FontRef::try_from_slice(SANS).expect("embedded DejaVu Sans parses");
    let bold = FontRef::try_from_slice(if style.serif { SERIF_BOLD } else { SANS_BOLD })
        .expect("embedded DejaVu bold parses");
    let mut cv = Canvas::new(w, h, style.background);
    let unit = w.min(h) as f32 / 1080.0;
    let margin = 96.0 * unit;
    let inner = w as f32 - 2.0 * margin;
    let fg = style.text;
    match card.layout {
        "quote" => {
            let (qs, _) = (260.0 * unit, 0);
            cv.text(
                &bold,
                qs,
                margin - 10.0 * unit,
                margin - 40.0 * unit,
                &["“".into()],
                style.accent,
            );
            let (size, lines) = fit(&bold, &card.heading, 76.0 * unit, 30.0 * unit, inner, 8);
            let block = lines.len() as f32 * size * 1.25;
            let top = ((h as f32 - block) / 2.0).max(margin + 150.0 * unit);
            cv.text(&bold, size, margin, top, &lines, fg);
        }
        "cover" | "thumbnail" => {
            let big = if card.layout == "cover" { 104.0 } else { 96.0 } * unit;
            let (size, lines) = fit(&bold, &card.heading, big, 36.0 * unit, inner, 5);
            let block = lines.len() as f32 * size * 1.25;
            let top = (h as f32 - block) / 2.0 - 40.0 * unit;
            cv.rect(
                margin as u32,
                (top - 48.0 * unit) as u32,
                (140.0 * unit) as u32,
                (14.0 * unit) as u32,
                style.accent,
            );
            let below = cv.text(&bold, size, margin, top, &lines, fg);
            if !card.body.is_empty() {
                let (s2, l2) = fit(&sans, &card.body, 44.0 * unit, 24.0 * unit, inner, 3);
                cv.text(&sans, s2, margin, below + 24.0 * unit, &l2, style.accent);
            }
        }
        _ => {
            // Heading and body are measured first, then set as one block in the middle.
            cv.rect(0, 0, w, (18.0 * unit) as u32, style.accent);
            let (size, lines) = fit(&bold, &card.heading, 88.0 * unit, 34.0 * unit, inner, 4);
            let head_h = lines.len() as f32 * size * 1.25;
            let room = ((h as f32 - 2.0 * margin - 120.0 * unit - head_h) / (60.0 * unit)).max(1.0)
                as usize;
            let body = (!card.body.is_empty())
                .then(|| fit(&sans, &card.body, 54.0 * unit, 26.0 * unit, inner, room));
            let body_h = body
                .as_ref()
                .map_or(0.0, |(s2, l2)| 40.0 * unit + l2.len() as f32 * s2 * 1.25);
            let top = ((h as f32 - head_h - body_h) / 2.0 - 30.0 * unit).max(margin + 20.0 * unit);
            cv.rect(
                margin as u32,
                (top - 40.0 * unit) as u32,
                (110.0 * unit) as u32,
                (12.0 * unit) as u32,
                style.accent,
            );
            let below = cv.text(&bold, size, margin, top, &lines, fg);
            if let Some((s2, l2)) = body {
                cv.text(&sans, s2, margin, below + 40.0 * unit, &l2, fg);
            }
        }
    }
    if !card.footer.is_empty() {
        let (s3, l3) = fit(&sans, &card.footer, 30.0 * unit, 18.0 * unit, inner, 1);
        cv.text(&sans, s3, margin, h as f32 - margin, &l3, style.accent);
    }
    (cv.png(), w, h)
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
