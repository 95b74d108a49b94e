//! Uploaded files: the type is decided by content (magic bytes), never by the name or the
//! declared Content-Type; text is extracted from PDF, DOCX and plain text (TXT, MD, CSV).
use quick_xml::events::Event;

#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Png,
    Jpeg,
    Webp,
    Text,
}

impl Kind {
    pub fn mime(&self, filename: &str) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Webp => "image/webp",
            Kind::Text => {
                let lower = filename.to_ascii_lowercase();
                if lower.ends_with(".md") || lower.ends_with(".markdown") {
                    "text/markdown"
                } else if lower.ends_with(".csv") {
                    "text/csv"
                } else {
                    "text/plain"
                }
            }
        }
    }

    pub fn is_image(&self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Webp)
    }
}

/// Recognise a supported file by its first bytes; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if bytes.starts_with(b"PK\x03\x04") {
        is_docx(bytes).then_some(Kind::Docx)
    } else if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        Some(Kind::Text)
    } else {
        None
    }
}

fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|mut z| z.by_name("word/document.xml").is_ok())
        .unwrap_or(false)
}

/// The text of a document (empty for images). `Err` is a message for a 422.
pub fn text(kind: &Kind, bytes: &[u8]) -> Result<String, String> {
    match kind {
        Kind::Text => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Kind::Pdf => {
            let owned = bytes.to_vec();
            // The PDF parser can panic on hostile input: contain it to this upload.
            match std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned)) {
                Ok(Ok(t)) => Ok(t),
                Ok(Err(e)) => Err(format!("could not read the PDF: {e}")),
                Err(_) => Err("could not read the PDF".into()),
            }
        }
        Kind::Docx => docx_text(bytes),
        _ => Ok(String::new()),
    }
}

/// Paragraph text of word/document.xml (`w:t` runs, `w:p` paragraphs, tabs and breaks).
fn docx_text(bytes: &[u8]) -> Result<String, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a DOCX: {e}"))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| format!("not a DOCX: {e}"))?
        .take(50 * 1024 * 1024)
        .read_to_string(&mut xml)
        .map_err(|e| format!("could not read the DOCX: {e}"))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "w:t" => in_text = true,
            Ok(Event::End(e)) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.name().as_ref() {
                "w:tab" => out.push('\t'),
                "w:br" | "w:cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => out.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(ch)) = r.resolve_char_ref() {
                    out.push(ch);
                } else {
                    out.push(match &*r.xml10_content() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => ' ',
                    });
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("could not read the DOCX: {e}")),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_decided_by_content_not_by_name() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some(Kind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(sniff(b"name,age\nana,3\n"), Some(Kind::Text));
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00"), None);
        assert_eq!(sniff(b"PK\x03\x04 not really a zip"), None);
    }
}
