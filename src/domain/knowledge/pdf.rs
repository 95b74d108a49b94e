//! PDF text, once its streams are known to unpack to at most `MAX_UNPACKED` bytes
//! (see [`super::pdf_unpack`]).
use super::extract::ExtractError;
use super::pdf_unpack::{Kind, MAX_UNPACKED, check_unpacked, contains, stream_len, too_large};

/// The text of a PDF, once its streams are known to unpack to at most `MAX_UNPACKED` bytes.
pub fn text(bytes: &[u8]) -> Result<String, ExtractError> {
    text_within(bytes, MAX_UNPACKED)
}

/// An encrypted PDF's streams are only readable once decrypted, which loading does (with the
/// empty user password, as readers open such files). Its compressed streams are counted after
/// loading, before any page is read. Object streams would be inflated by the loading itself, so
/// an encrypted PDF that has them is refused with what to do instead.
fn text_within(bytes: &[u8], cap: u64) -> Result<String, ExtractError> {
    check_unpacked(bytes, cap)?;
    let encrypted = is_encrypted(bytes);
    if encrypted && contains(bytes, b"/ObjStm") {
        return Err(ExtractError::Corrupt {
            kind: "PDF",
            reason: "it is encrypted and packs its objects in compressed object streams, which cannot be checked before they are unpacked; save a copy without encryption (for example, print it to PDF) and upload that".into(),
        });
    }
    let corrupt = |reason: String| ExtractError::Corrupt {
        kind: "PDF",
        reason,
    };
    // pdf-extract can panic on malformed input; a bad upload must fail the source, not the worker.
    let owned = bytes.to_vec();
    std::panic::catch_unwind(move || -> Result<String, ExtractError> {
        let doc = pdf_extract::Document::load_mem(&owned).map_err(|e| corrupt(e.to_string()))?;
        if doc.is_encrypted() {
            // Loading decrypts with the empty user password; this one needs a real one.
            return Err(corrupt(
                "it needs a password to open; upload a copy saved without one".into(),
            ));
        }
        if encrypted {
            check_loaded(&doc, cap)?;
        }
        let mut text = String::new();
        pdf_extract::output_doc(&doc, &mut pdf_extract::PlainTextOutput::new(&mut text))
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(text)
    })
    .map_err(|_| corrupt("malformed document".into()))?
}

/// Whether the trailer (or the cross-reference stream's dictionary) names an `/Encrypt`
/// dictionary: the name followed by a reference or an inline dictionary.
fn is_encrypted(bytes: &[u8]) -> bool {
    let key = b"/Encrypt";
    bytes.windows(key.len()).enumerate().any(|(i, w)| {
        w == key
            && bytes[i + key.len()..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| b.is_ascii_digit() || *b == b'<')
    })
}

/// The loaded (decrypted, still compressed) streams of a document, counted like raw ones.
fn check_loaded(doc: &pdf_extract::Document, cap: u64) -> Result<(), ExtractError> {
    use pdf_extract::Object;
    let mut total = 0u64;
    let mut buf = vec![0u8; 16 * 1024];
    for obj in doc.objects.values() {
        let Object::Stream(stream) = obj else {
            continue;
        };
        let filters: Vec<Vec<u8>> = match stream.dict.get(b"Filter") {
            Ok(Object::Name(n)) => vec![n.clone()],
            Ok(Object::Array(a)) => a
                .iter()
                .filter_map(|f| f.as_name().ok().map(<[u8]>::to_vec))
                .collect(),
            _ => vec![],
        };
        let early_change = !matches!(
            stream
                .dict
                .get(b"DecodeParms")
                .and_then(|p| p.as_dict())
                .and_then(|p| p.get(b"EarlyChange"))
                .and_then(|e| e.as_i64()),
            Ok(0)
        );
        let data = &stream.content[..];
        total += stream_len(
            data,
            Kind::of(filters.first().map(Vec::as_slice), early_change),
            cap - total,
            &mut buf,
        );
        if total > cap {
            return Err(too_large(cap));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::knowledge::pdf_unpack::tests::deflate;

    /// A one-page PDF saying `words`, with `extra` as one more Flate stream, encrypted with the
    /// empty user password (RC4, as many "protected" PDFs are) when `encrypt`.
    fn made_pdf(words: &str, extra: &[u8], encrypt: bool) -> Vec<u8> {
        use pdf_extract::content::{Content, Operation};
        use pdf_extract::encryption::{EncryptionState, EncryptionVersion, Permissions};
        use pdf_extract::{Document, Object, Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
        });
        let resources_id =
            doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 24.into()]),
                Operation::new("Td", vec![100.into(), 600.into()]),
                Operation::new("Tj", vec![Object::string_literal(words)]),
                Operation::new("ET", vec![]),
            ],
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        doc.add_object(Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            deflate(extra),
        ));
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let id = Object::string_literal(b"0123456789abcdef".to_vec());
        doc.trailer.set("ID", vec![id.clone(), id]);
        if encrypt {
            let state = EncryptionState::try_from(EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password: "",
                key_length: 128,
                permissions: Permissions::all(),
            })
            .unwrap();
            doc.encrypt(&state).unwrap();
        }
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    /// Encryption hides a bomb from the raw scan: the loaded, decrypted streams are counted
    /// before a page is read, and the text of an encrypted PDF is still read.
    #[test]
    fn an_encrypted_pdfs_streams_are_counted_once_decrypted() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let cap = 3 * 1024 * 1024;
        let plain = made_pdf("Quarterly lighthouse report", &zeros, false);
        assert!(matches!(
            check_unpacked(&plain, cap),
            Err(ExtractError::TooLarge(_))
        ));
        let sealed = made_pdf("Quarterly lighthouse report", &zeros, true);
        assert!(is_encrypted(&sealed) && !is_encrypted(&plain));
        assert!(
            check_unpacked(&sealed, cap).is_ok(),
            "the raw bytes hide it"
        );
        assert!(matches!(
            text_within(&sealed, cap),
            Err(ExtractError::TooLarge(_))
        ));
        let small = made_pdf("Quarterly lighthouse report", b"a little", true);
        let locked = {
            use pdf_extract::encryption::{EncryptionState, EncryptionVersion, Permissions};
            let mut doc = pdf_extract::Document::load_mem(&made_pdf("secret", b"", false)).unwrap();
            let state = EncryptionState::try_from(EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password: "open sesame",
                key_length: 128,
                permissions: Permissions::all(),
            })
            .unwrap();
            doc.encrypt(&state).unwrap();
            let mut out = Vec::new();
            doc.save_to(&mut out).unwrap();
            out
        };
        match text_within(&locked, cap) {
            Err(ExtractError::Corrupt { reason, .. }) => {
                assert!(reason.contains("needs a password"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let text = text_within(&small, cap).unwrap();
        assert!(text.contains("Quarterly lighthouse report"), "{text:?}");
        // Object streams are inflated by loading itself: refused, saying what to do.
        let mut packed = small.clone();
        packed.extend_from_slice(b"\n9 0 obj\n<< /Type /ObjStm /N 0 /First 0 >>\nendobj\n");
        match text_within(&packed, cap) {
            Err(ExtractError::Corrupt { reason, .. }) => {
                assert!(reason.contains("without encryption"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }
}
