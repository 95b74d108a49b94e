//! What a PDF's compressed streams unpack to, counted without holding it: a few KiB of deflated
//! zeros expand a thousandfold, so a small "PDF bomb" would otherwise be inflated in memory by
//! the extractor.
use super::extract::ExtractError;
use std::io::Read;

/// Bytes the compressed streams of one PDF may unpack to, all together.
pub const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// Nested Flate layers followed (`/Filter [/FlateDecode /FlateDecode]` hides a bomb inside).
const MAX_DEPTH: u8 = 4;

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Flate,
    Lzw { early_change: bool },
    RunLength,
    Other,
}

impl Kind {
    pub(super) fn of(first_filter: Option<&[u8]>, early_change: bool) -> Kind {
        match first_filter {
            Some(b"FlateDecode") => Kind::Flate,
            Some(b"LZWDecode") => Kind::Lzw { early_change },
            Some(b"RunLengthDecode") => Kind::RunLength,
            _ => Kind::Other,
        }
    }
}

/// What one stream's data unpacks to, stopping just past `left`. Data that starts as zlib is
/// inflated whatever the dictionary says (a raw scan cannot always find the dictionary).
pub(super) fn stream_len(data: &[u8], kind: Kind, left: u64, buf: &mut [u8]) -> u64 {
    if data.len() >= 2 && is_zlib_header([data[0], data[1]]) {
        return layer_len(&mut &*data, left, 0, buf);
    }
    match kind {
        Kind::Lzw { early_change } => lzw_len(data, early_change, left, buf),
        Kind::RunLength => run_length_len(data, left),
        Kind::Flate | Kind::Other => 0,
    }
}

pub(super) fn too_large(cap: u64) -> ExtractError {
    ExtractError::TooLarge(format!(
        "the PDF's compressed streams unpack to more than {} MiB",
        cap / (1024 * 1024)
    ))
}

/// Refuse a PDF whose Flate, LZW and RunLength streams unpack to more than `cap` bytes in all.
/// The streams are found in the raw bytes (each `stream` keyword is tried as the start of zlib
/// data, or read with the filter its dictionary names) rather than through a PDF parser,
/// because parsers inflate object streams while they load. Each stream is decoded into nothing,
/// counting, and counting stops at the cap: memory and time stay bounded.
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
        let dict = stream_dict(&bytes[..at - 6]);
        let kind = if contains(dict, b"/LZWDecode") {
            Kind::Lzw {
                early_change: !contains(dict, b"/EarlyChange 0"),
            }
        } else if contains(dict, b"/RunLengthDecode") {
            Kind::RunLength
        } else {
            Kind::Other
        };
        total += stream_len(data, kind, cap - total, &mut buf);
        if total > cap {
            return Err(too_large(cap));
        }
    }
    Ok(())
}

/// The dictionary of the stream whose `stream` keyword follows `before`: from the `<<` that
/// opens it to its closing `>>` (nested dictionaries included); empty when there is none.
fn stream_dict(before: &[u8]) -> &[u8] {
    let end = before
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    if !before[..end].ends_with(b">>") {
        return &[];
    }
    let mut depth = 0usize;
    let mut i = end;
    while i >= 2 {
        match &before[i - 2..i] {
            b">>" => {
                depth += 1;
                i -= 2;
            }
            b"<<" => {
                depth -= 1;
                i -= 2;
                if depth == 0 {
                    return &before[i..end];
                }
            }
            _ => i -= 1,
        }
    }
    &[]
}

pub(super) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// How many bytes LZW data (PDF's `/LZWDecode`: 8-bit, most significant bit first) decodes to,
/// or what the Flate data it holds inflates to when that is larger; stops just past `limit`.
/// LZW expands runs a thousandfold too (a string per code, each one longer than the last).
fn lzw_len(data: &[u8], early_change: bool, limit: u64, buf: &mut [u8]) -> u64 {
    use weezl::LzwStatus;
    let mut d = lzw_decoder(early_change);
    // The first bytes are kept: an LZW layer may wrap a Flate one (`[/LZWDecode /FlateDecode]`).
    let mut head = Vec::new();
    let (mut n, mut input) = (0u64, data);
    while n <= limit {
        let r = d.decode_bytes(input, buf);
        input = &input[r.consumed_in..];
        n += r.consumed_out as u64;
        if head.len() < 2 {
            head.extend_from_slice(&buf[..r.consumed_out.min(2 - head.len())]);
        }
        if !matches!(r.status, Ok(LzwStatus::Ok)) || (r.consumed_in == 0 && r.consumed_out == 0) {
            break;
        }
    }
    if head.len() == 2 && is_zlib_header([head[0], head[1]]) {
        // Inflate what the LZW layer yields, as it is decoded (nothing is held in memory).
        let mut d = lzw_decoder(early_change);
        let mut r = LzwReader {
            d: &mut d,
            input: data,
            done: false,
        };
        return n.max(layer_len(&mut r, limit, 1, buf));
    }
    n
}

/// PDF's LZW: 8-bit codes, most significant bit first; `/EarlyChange 1` (the default) widens
/// codes one entry early, as TIFF does.
fn lzw_decoder(early_change: bool) -> weezl::decode::Decoder {
    use weezl::{BitOrder, decode::Decoder};
    if early_change {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    }
}

/// LZW-decoded bytes as a reader.
struct LzwReader<'a> {
    d: &'a mut weezl::decode::Decoder,
    input: &'a [u8],
    done: bool,
}

impl Read for LzwReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while !self.done {
            let r = self.d.decode_bytes(self.input, out);
            self.input = &self.input[r.consumed_in..];
            if !matches!(r.status, Ok(weezl::LzwStatus::Ok))
                || (r.consumed_in == 0 && r.consumed_out == 0)
            {
                self.done = true;
            }
            if r.consumed_out > 0 {
                return Ok(r.consumed_out);
            }
        }
        Ok(0)
    }
}

/// How many bytes `/RunLengthDecode` data expands to (a run repeats one byte up to 128 times);
/// stops just past `limit`.
fn run_length_len(data: &[u8], limit: u64) -> u64 {
    let (mut n, mut i) = (0u64, 0usize);
    while i < data.len() && n <= limit {
        match data[i] {
            128 => break,
            len @ 0..=127 => {
                n += u64::from(len) + 1;
                i += usize::from(len) + 2;
            }
            len => {
                n += 257 - u64::from(len);
                i += 2;
            }
        }
    }
    n
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
pub(super) mod tests {
    use super::*;
    use std::io::Write;

    pub(in crate::domain::knowledge) fn deflate(data: &[u8]) -> Vec<u8> {
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

    fn with_filtered_stream(filter: &str, data: &[u8]) -> Vec<u8> {
        let mut pdf = format!(
            "%PDF-1.7\n1 0 obj\n<< /Length {} /Filter {filter} /DecodeParms << /EarlyChange 1 >> >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    fn lzw(data: &[u8]) -> Vec<u8> {
        weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(data)
            .unwrap()
    }

    /// LZW and RunLength streams expand too; they are counted with the filter their dictionary
    /// names, and an LZW layer around a Flate one is counted through both.
    #[test]
    fn lzw_and_run_length_streams_count_towards_the_cap() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let packed = lzw(&zeros);
        assert!(packed.len() < 8 * 1024, "{}", packed.len());
        let pdf = with_filtered_stream("/LZWDecode", &packed);
        assert!(check_unpacked(&pdf, 5 * 1024 * 1024).is_ok());
        assert!(matches!(
            check_unpacked(&pdf, 3 * 1024 * 1024),
            Err(ExtractError::TooLarge(_))
        ));
        let layered = with_filtered_stream("[/LZWDecode /FlateDecode]", &lzw(&deflate(&zeros)));
        assert!(matches!(
            check_unpacked(&layered, 3 * 1024 * 1024),
            Err(ExtractError::TooLarge(_))
        ));
        // 129 + 0x00 repeats the byte 128 times: 2 bytes for 128.
        let runs: Vec<u8> = std::iter::repeat_n([129u8, 0], 32 * 1024)
            .flatten()
            .collect();
        let pdf = with_filtered_stream("/RunLengthDecode", &runs);
        assert!(check_unpacked(&pdf, 5 * 1024 * 1024).is_ok());
        assert!(matches!(
            check_unpacked(&pdf, 3 * 1024 * 1024),
            Err(ExtractError::TooLarge(_))
        ));
        // The filter is read from the stream's own dictionary, not from another object's.
        let mut two = with_stream(b"plain");
        two.extend_from_slice(&with_filtered_stream("/LZWDecode", &lzw(b"short text")));
        assert!(check_unpacked(&two, 1024).is_ok());
    }
}
