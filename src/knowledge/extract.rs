//! Turning uploaded bytes into text. The type is decided by content (magic bytes, then
//! whether it parses), the file name only breaks ties between text formats.
use super::html;
use std::io::Read;

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    #[error("could not read the {kind} file: {reason}")]
    Corrupt { kind: &'static str, reason: String },
}

pub struct Text {
    pub kind: &'static str,
    pub title: Option<String>,
    pub text: String,
    pub meta: serde_json::Value,
}

/// Uncompressed bytes we accept from one zip member (zip bombs stop here).
pub const MAX_UNPACKED: u64 = 50 * 1024 * 1024;

pub fn sniff(bytes: &[u8], filename: &str) -> Result<&'static str, ExtractError> {
    let lower = filename.to_ascii_lowercase();
    if bytes.starts_with(b"%PDF-") {
        return Ok("pdf");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok("docx");
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(ExtractError::Unsupported(
            "binary content (expected PDF, DOCX, TXT, MD, CSV, HTML or JSON)".into(),
        ));
    };
    if text.contains('\0') {
        return Err(ExtractError::Unsupported("binary content".into()));
    }
    let head = text
        .trim_start()
        .get(..512.min(text.trim_start().len()))
        .unwrap_or("")
        .to_ascii_lowercase();
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(text).is_ok()
    {
        return Ok("json");
    }
    if head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<body") {
        return Ok("html");
    }
    if lower.ends_with(".csv") {
        return Ok("csv");
    }
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        return Ok("md");
    }
    Ok("txt")
}

pub fn extract(bytes: &[u8], filename: &str) -> Result<Text, ExtractError> {
    let kind = sniff(bytes, filename)?;
    let plain = |text: String| Text {
        kind,
        title: None,
        text,
        meta: serde_json::json!({}),
    };
    Ok(match kind {
        "pdf" => plain(pdf(bytes)?),
        "docx" => plain(docx(bytes)?),
        "html" => {
            let e = html::extract(&String::from_utf8_lossy(bytes));
            Text {
                kind,
                title: (!e.title.is_empty()).then_some(e.title),
                text: e.text,
                meta: serde_json::json!({ "author": e.author, "date": e.date, "site_name": e.site_name }),
            }
        }
        "json" => {
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

fn pdf(bytes: &[u8]) -> Result<String, ExtractError> {
    // pdf-extract can panic on malformed input; a bad upload must fail the source, not the worker.
    let owned = bytes.to_vec();
    std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned))
        .map_err(|_| ExtractError::Corrupt {
            kind: "PDF",
            reason: "malformed document".into(),
        })?
        .map_err(|e| ExtractError::Corrupt {
            kind: "PDF",
            reason: e.to_string(),
        })
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
