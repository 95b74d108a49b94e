//! PDF text, and the cap on what a PDF may unpack to: a few KiB of deflated zeros expand a
//! thousandfold, so a small "PDF bomb" would otherwise be inflated in memory by the extractor.
use super::extract::ExtractError;
use std::io::Read;

/// Bytes the compressed streams of one PDF may unpack to, all together.
pub const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// Nested Flate layers followed (`/Filter [/FlateDecode /FlateDecode]` hides a bomb inside).
const MAX_DEPTH: u8 = 4;

/// The text of a PDF, once its streams are known to unpack to at most `MAX_UNPACKED` bytes.
pub fn text(bytes: &[u8]) -> Result<String, ExtractError> {
    check_unpacked(bytes, MAX_UNPACKED)?;
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

/// Refuse a PDF whose Flate streams unpack to more than `cap` bytes in all. The streams are
/// found in the raw bytes (each `stream` keyword is tried as the start of zlib data) rather than
/// through a PDF parser, because parsers inflate object streams while they load. Each stream is
/// inflated into nothing, counting, and counting stops at the cap: memory and time stay bounded.
pub fn check_unpacked(bytes: &[u8], cap: u64) -> Result<(), ExtractError> {
    let mut total = 0u64;
    let mut at = 0;
    let mut buf = vec![0u8; 16 * 1024];
    while let Some(i) = bytes[at..].windows(6).position(|w| w == b"stream") {
        at += i + 6;
        // The keyword ends its line with CRLF or LF (ISO 32000 §7.3.8.1; a lone CR is seen too).
        let start = match &bytes[at..] {
            [b'\r', b'\n', ..] => at + 2,
            [b'\n' | b'\r', ..] => at + 1,
            _ => continue,
        };
        let data = &bytes[start..];
        if data.len() < 2 || !is_zlib_header([data[0], data[1]]) {
            continue;
        }
        total += layer_len(&mut &*data, cap - total, 0, &mut buf);
        if total > cap {
            return Err(ExtractError::TooLarge(format!(
                "the PDF's compressed streams unpack to more than {} MiB",
                cap / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

/// How many bytes zlib data at the start of `r` inflates to (0 when it is not zlib data), or
/// its inner layer's size when that is larger; stops counting just past `limit`.
fn layer_len(r: &mut dyn Read, limit: u64, depth: u8, buf: &mut [u8]) -> u64 {
    let mut z = Counted {
        inner: flate2::read::ZlibDecoder::new(r),
        n: 0,
    };
    let mut head = [0u8; 2];
    let got = read_some(&mut z, &mut head);
    let inner = if depth < MAX_DEPTH && got == 2 && is_zlib_header(head) {
        layer_len(&mut (&head[..]).chain(&mut z), limit, depth + 1, buf)
    } else {
        0
    };
    while z.n <= limit {
        match z.read(buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    z.n.max(inner)
}

/// Fill `buf` as far as the reader goes (short only at its end or on an error).
fn read_some(r: &mut impl Read, buf: &mut [u8]) -> usize {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => got += k,
        }
    }
    got
}

/// RFC 1950 §2.2: deflate with a window of at most 32 KiB and a valid header check.
fn is_zlib_header([cmf, flg]: [u8; 2]) -> bool {
    cmf & 0x0F == 8 && cmf >> 4 <= 7 && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
}

/// A reader that counts what passed through it.
struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    }

    fn with_stream(data: &[u8]) -> Vec<u8> {
        let mut pdf =
            b"%PDF-1.7\n1 0 obj\n<< /Length 9 /Filter /FlateDecode >>\nstream\r\n".to_vec();
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn streams_are_counted_up_to_the_cap_also_inside_nested_flate_layers() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let once = with_stream(&deflate(&zeros));
        assert!(check_unpacked(&once, 5 * 1024 * 1024).is_ok());
        assert!(matches!(
            check_unpacked(&once, 3 * 1024 * 1024),
            Err(ExtractError::TooLarge(_))
        ));
        let twice = with_stream(&deflate(&deflate(&zeros)));
        assert!(twice.len() < 2048, "{}", twice.len());
        assert!(matches!(
            check_unpacked(&twice, 3 * 1024 * 1024),
            Err(ExtractError::TooLarge(_))
        ));
        assert!(check_unpacked(b"%PDF-1.4 stream\nnot zlib endstream", 1).is_ok());
    }
}
