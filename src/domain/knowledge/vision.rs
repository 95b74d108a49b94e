//! visual-scan: an uploaded image or screenshot described (and its text transcribed) by a
//! vision-capable chat model through the AI area; the description becomes the source text.
//! The offline provider cannot see, so it is refused rather than faked.
use crate::ai::{Flow, Image, Message, calls};
use crate::state::AppState;
use base64::Engine;

/// The image's MIME type, decided by content: PNG, JPEG or WebP only.
pub fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    super::extract::sniff(bytes, "")
        .ok()
        .filter(|k| k.is_image())
        .map(|k| k.mime())
}

/// Describe the image with the chosen (or default) provider; logged as `knowledge.visual_scan`.
pub fn describe(
    state: &AppState,
    user_id: &str,
    bytes: &[u8],
    mime: &str,
    provider: Option<&str>,
    model: Option<&str>,
) -> Result<String, calls::CallError> {
    let mut message = Message::user("Describe this image and transcribe its text.");
    message.images.push(Image {
        mime: mime.to_string(),
        data_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    });
    let (text, _) = calls::complete_message(
        state,
        user_id,
        "knowledge.visual_scan",
        (provider, model, None),
        &crate::ai::prompts::get("visual_scan.md"),
        message,
        &mut |_| Flow::Continue,
    )?;
    if text.trim().is_empty() {
        return Err(calls::CallError::Provider(
            "the vision model returned an empty description".into(),
        ));
    }
    Ok(text.trim().to_string())
}

/// A title from the description's first line (Markdown markers dropped), at most 80 chars.
pub fn title_of(description: &str) -> String {
    let first = description
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches('#')
                .trim()
                .trim_matches('*')
                .trim()
        })
        .find(|l| !l.is_empty())
        .unwrap_or("Image");
    first.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn images_are_recognised_by_content_and_titles_come_from_the_first_line() {
        assert_eq!(
            super::image_mime(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            super::image_mime(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some("image/jpeg")
        );
        assert_eq!(
            super::image_mime(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(super::image_mime(b"hello, not an image"), None);
        assert_eq!(
            super::title_of("\n## **Quarterly chart**\nBody"),
            "Quarterly chart"
        );
    }
}
