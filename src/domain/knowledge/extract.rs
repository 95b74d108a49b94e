//! THE file reader of the app: source imports and chat attachments decide an upload's type
//! here, by content (magic bytes, then whether it parses) — never by the declared type; the file
//! name only breaks ties between text formats. Text comes out of PDF, DOCX, HTML, JSON and
//! plain text (TXT, MD, CSV); images are recognised (chat passes them to vision models).
use super::html;
use std::io::Read;

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    #[error("could not read the {kind} file: {reason}")]
    Corrupt { kind: &'static str, reason: String },
    /// The file unpacks to more than the server reads (a zip or PDF bomb).
    #[error("{0}")]
    TooLarge(String),
}

pub struct Text {
    pub kind: Kind,
    pub title: Option<String>,
    pub text: String,
    pub meta: serde_json::Value,
}

/// Uncompressed bytes we accept from one zip member (zip bombs stop here).
pub const MAX_UNPACKED: u64 = 50 * 1024 * 1024;

/// A supported file, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Png,
    Jpeg,
    Webp,
    Json,
    Html,
    Csv,
    Md,
    Txt,
}

impl Kind {
    /// The format's short name (stored in a source's `metadata.format`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Png => "png",
            Kind::Jpeg => "jpeg",
            Kind::Webp => "webp",
            Kind::Json => "json",
            Kind::Html => "html",
            Kind::Csv => "csv",
            Kind::Md => "md",
            Kind::Txt => "txt",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Webp => "image/webp",
            Kind::Json => "application/json",
            Kind::Html => "text/html",
            Kind::Csv => "text/csv",
            Kind::Md => "text/markdown",
            Kind::Txt => "text/plain",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Webp)
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Recognise a supported file: magic bytes first (PDF, PNG, JPEG, WebP, a zip holding
/// `word/document.xml`), then UTF-8 text, told apart by parsing (JSON), markup (HTML) and last
/// the file name (CSV, Markdown).
pub fn sniff(bytes: &[u8], filename: &str) -> Result<Kind, ExtractError> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Kind::Webp);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return if is_docx(bytes) {
            Ok(Kind::Docx)
        } else {
            Err(ExtractError::Unsupported(
                "a zip archive that is not a DOCX document".into(),
            ))
        };
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        // A page saved in a legacy charset (windows-1252, ISO-8859-1…) is still a page.
        return if !bytes.contains(&0) && looks_like_html(&String::from_utf8_lossy(bytes)) {
            Ok(Kind::Html)
        } else {
            Err(ExtractError::Unsupported(
                "binary content (expected PDF, DOCX, TXT, MD, CSV, HTML or JSON)".into(),
            ))
        };
    };
    if text.is_empty() || text.contains('\0') {
        return Err(ExtractError::Unsupported("binary content".into()));
    }
    let lower = filename.to_ascii_lowercase();
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(text).is_ok()
    {
        return Ok(Kind::Json);
    }
    if looks_like_html(text) {
        return Ok(Kind::Html);
    }
    if lower.ends_with(".csv") {
        return Ok(Kind::Csv);
    }
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        return Ok(Kind::Md);
    }
    Ok(Kind::Txt)
}

/// A doctype, `<html>` or `<body>` near the top.
fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(512).collect();
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<body")
}

fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|mut z| z.by_name("word/document.xml").is_ok())
        .unwrap_or(false)
}

/// The plain text of a document as uploaded (empty for images): what a chat attachment keeps.
pub fn plain_text(kind: Kind, bytes: &[u8]) -> Result<String, ExtractError> {
    Ok(match kind {
        Kind::Pdf => super::pdf::text(bytes)?,
        Kind::Docx => docx(bytes)?,
        k if k.is_image() => String::new(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    })
}

pub fn extract(bytes: &[u8], filename: &str) -> Result<Text, ExtractError> {
    let kind = sniff(bytes, filename)?;
    if kind.is_image() {
        return Err(ExtractError::Unsupported(
            "an image (describe it with the visual-scan import instead)".into(),
        ));
    }
    let plain = |text: String| Text {
        kind,
        title: None,
        text,
        meta: serde_json::json!({}),
    };
    Ok(match kind {
        Kind::Pdf => plain(super::pdf::text(bytes)?),
        Kind::Docx => plain(docx(bytes)?),
        Kind::Html => {
            let e = html::Page::from_bytes(bytes, None).extract();
            Text {
                kind,
                title: (!e.title.is_empty()).then_some(e.title),
                text: e.text,
                meta: serde_json::json!({ "author": e.author, "date": e.date, "site_name": e.site_name }),
            }
        }
        Kind::Json => {
            let v: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
            let mut lines = Vec::new();
            json_text(&v, "", &mut lines);
            plain(lines.join("\n"))
        }
        _ => plain(String::from_utf8_lossy(bytes).replace("\r\n", "\n")),
    })
}

/// Flatten JSON into `path: value` lines (keys give the values their meaning for search).
fn json_text(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                json_text(x, &p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                json_text(x, path, out);
            }
            if !a.is_empty() && a.iter().all(|x| x.is_object()) {
                out.push(String::new());
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => out.push(format!("{path}: {s}")),
        other => out.push(format!("{path}: {other}")),
    }
}

/// Read one member of a zip with the unpacked-size cap.
pub fn zip_member<R: Read + std::io::Seek>(
    z: &mut zip::ZipArchive<R>,
    name: &str,
    cap: u64,
) -> Result<Option<Vec<u8>>, String> {
    let Ok(f) = z.by_name(name) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > cap {
        return Err(format!("{name} unpacks to more than {cap} bytes"));
    }
    Ok(Some(out))
}

fn docx(bytes: &[u8]) -> Result<String, ExtractError> {
    let corrupt = |reason: String| ExtractError::Corrupt {
        kind: "DOCX",
        reason,
    };
    let mut z =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let xml = zip_member(&mut z, "word/document.xml", MAX_UNPACKED)
        .map_err(corrupt)?
        .ok_or_else(|| {
            ExtractError::Unsupported("a zip archive that is not a DOCX document".into())
        })?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut out = String::new();
    let mut buf = Vec::new();
    let mut in_text = false;
    loop {
        use quick_xml::events::Event;
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(e.to_string()))?
        {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) if e.local_name().as_ref() == "t" => in_text = false,
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == "pStyle" => {
                let heading = e
                    .attributes()
                    .flatten()
                    .any(|a| a.value.to_ascii_lowercase().starts_with("heading"));
                if heading {
                    out.push_str("# ");
                }
            }
            Event::Empty(e) if matches!(e.local_name().as_ref(), "tab" | "br") => out.push(' '),
            Event::Text(t) if in_text => {
                out.push_str(t.as_ref());
            }
            Event::GeneralRef(r) if in_text => {
                out.push_str(&html::decode_entities(&format!("&{};", r.as_ref() as &str)));
            }
            Event::End(e) if e.local_name().as_ref() == "p" => {
                out.push_str("\n\n");
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_decided_by_content_not_by_name() {
        assert_eq!(sniff(b"%PDF-1.7 ...", "a.txt").unwrap(), Kind::Pdf);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "a.pdf").unwrap(), Kind::Png);
        assert_eq!(sniff(b"name,age\nana,3\n", "a.csv").unwrap(), Kind::Csv);
        assert_eq!(sniff(b"name,age\nana,3\n", "a.bin").unwrap(), Kind::Txt);
        assert_eq!(sniff(br#"{"a": 1}"#, "a.txt").unwrap(), Kind::Json);
        assert!(sniff(b"MZ\x90\x00\x03\x00\xff\xfe", "tool.exe").is_err());
        assert!(sniff(b"PK\x03\x04 not really a zip", "a.docx").is_err());
    }

    #[test]
    fn images_have_no_text_and_are_not_importable_as_sources() {
        let png = b"\x89PNG\r\n\x1a\n....";
        assert_eq!(plain_text(Kind::Png, png).unwrap(), "");
        assert!(matches!(
            extract(png, "a.png"),
            Err(ExtractError::Unsupported(_))
        ));
    }
}
