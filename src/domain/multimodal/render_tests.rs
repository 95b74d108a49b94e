use super::*;

fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf)
}

fn dominant(px: &[u8]) -> [u8; 3] {
    let mut counts = std::collections::HashMap::new();
    for p in px.chunks(3) {
        *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0
}

#[test]
fn slide_has_the_requested_aspect_and_real_text() {
    let c = card(
        "carousel_slide",
        "Why it matters\nShorter lead times mean fresher stock on every shelf.",
        "Lyon warehouse · 2/5",
    );
    let (bytes, w, h) = render(&c, "4:5", &Style::default());
    let (dw, dh, px) = decode(&bytes);
    assert_eq!((dw, dh), (w, h));
    assert_eq!((w, h), (1080, 1350));
    let text = Style::default().text;
    let inked = px.chunks(3).filter(|p| *p == text).count();
    assert!(inked > 2000, "text pixels drawn: {inked}");
}

#[test]
fn design_system_dominant_colour_is_the_background() {
    let data = serde_json::json!({"colors": ["#0a7d5a", "#ffffff", "#ffcc00"], "fonts": ["Georgia, serif"]});
    let style = Style::from_design(&data);
    assert_eq!(style.background, [0x0a, 0x7d, 0x5a]);
    assert_eq!(style.text, [0xff, 0xff, 0xff]);
    assert!(style.serif);
    let (bytes, _, _) = render(
        &card("image", "“Quality is never an accident.”", "Acme"),
        "1:1",
        &style,
    );
    let (w, h, px) = decode(&bytes);
    assert_eq!((w, h), (1080, 1080));
    assert_eq!(dominant(&px), [0x0a, 0x7d, 0x5a]);
}

#[test]
fn quote_and_cover_layouts_are_chosen_from_kind_and_text() {
    assert_eq!(card("image", "\"Ship it\"", "").layout, "quote");
    assert_eq!(card("image", "Ship it", "").layout, "slide");
    assert_eq!(card("cover", "Title\nSub", "").layout, "cover");
    assert_eq!(card("thumbnail", "T", "").layout, "thumbnail");
    assert_eq!(dimensions("16:9"), (1920, 1080));
}

#[test]
fn light_background_gets_dark_text() {
    let style = Style::from_design(&serde_json::json!({"colors": ["#fafafa"]}));
    assert_eq!(style.text, [0x11, 0x11, 0x11]);
}
