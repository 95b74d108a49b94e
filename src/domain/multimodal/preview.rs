//! The preview card of a shared content (1200×630, the Open Graph size): title, first lines and
//! its cover image, for link unfurling and approval emails.
use super::render::{Canvas, SANS, SANS_BOLD, SERIF_BOLD, Style, fit};
use ab_glyph::FontRef;

const W: u32 = 1200;
const H: u32 = 630;

/// Decode an 8-bit RGB/RGBA PNG into RGB pixels (other layouts: None, the card goes without).
fn decode(png_bytes: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.bit_depth != png::BitDepth::Eight {
        return None;
    }
    let px = match info.color_type {
        png::ColorType::Rgb => buf[..(info.width * info.height * 3) as usize].to_vec(),
        png::ColorType::Rgba => buf
            .chunks(4)
            .take((info.width * info.height) as usize)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        _ => return None,
    };
    Some((info.width, info.height, px))
}

/// Draw `img` whole, scaled to fit the box (x, y, w, h) and centred in it.
fn draw_cover(cv: &mut Canvas, (iw, ih, px): &(u32, u32, Vec<u8>), x: u32, y: u32, w: u32, h: u32) {
    let scale = (w as f32 / *iw as f32).min(h as f32 / *ih as f32);
    let (dw, dh) = (
        ((*iw as f32 * scale) as u32).min(w),
        ((*ih as f32 * scale) as u32).min(h),
    );
    let (x, y) = (x + (w - dw) / 2, y + (h - dh) / 2);
    for yy in 0..dh.min(cv.h - y) {
        let sy = ((yy as f32 / scale) as u32).min(ih - 1);
        for xx in 0..dw.min(cv.w - x) {
            let sx = ((xx as f32 / scale) as u32).min(iw - 1);
            let s = ((sy * iw + sx) * 3) as usize;
            let d = (((y + yy) * cv.w + x + xx) * 3) as usize;
            cv.px[d..d + 3].copy_from_slice(&px[s..s + 3]);
        }
    }
}

pub fn card(
    title: &str,
    body: &str,
    platform: &str,
    cover: Option<&[u8]>,
    style: &Style,
) -> Vec<u8> {
    let sans = FontRef::try_from_slice(SANS).expect("embedded DejaVu Sans parses");
    let bold = FontRef::try_from_slice(if style.serif { SERIF_BOLD } else { SANS_BOLD })
        .expect("embedded DejaVu bold parses");
    let mut cv = Canvas::new(W, H, style.background);
    let image = cover.and_then(decode);
    let text_w = if image.is_some() {
        620.0
    } else {
        W as f32 - 144.0
    };
    if let Some(img) = &image {
        draw_cover(&mut cv, img, 720, 48, W - 720 - 48, H - 96);
    }
    cv.rect(72, 64, 96, 10, style.accent);
    let (size, lines) = fit(&bold, title, 60.0, 30.0, text_w, 3);
    let below = cv.text(&bold, size, 72.0, 100.0, &lines, style.text);
    let first: String = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    if !first.is_empty() {
        let room = (((H as f32 - 120.0) - (below + 24.0)) / 40.0).max(1.0) as usize;
        let (s2, l2) = fit(&sans, &first, 30.0, 22.0, text_w, room.min(5));
        cv.text(&sans, s2, 72.0, below + 24.0, &l2, style.text);
    }
    cv.text(
        &sans,
        24.0,
        72.0,
        H as f32 - 72.0,
        &[platform.to_string()],
        style.accent,
    );
    cv.png()
}
