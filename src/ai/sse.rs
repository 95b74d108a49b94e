//! A tolerant Server-Sent Events reader for provider streams: `:` comment lines (keep-alives),
//! LF, CRLF or lone CR line endings, frames split across reads, multi-line `data:`, a last frame
//! without its blank line, and no `[DONE]` at all.
use std::io::Read;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Frame {
    pub event: String,
    pub data: String,
}

#[derive(Default)]
pub struct Parser {
    line: Vec<u8>,
    after_cr: bool,
    event: String,
    data: Vec<String>,
}

impl Parser {
    /// Feed bytes; complete frames are appended to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Frame>) {
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.end_line(out),
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(out);
                }
                _ => self.line.push(b),
            }
        }
    }

    /// End of stream: deliver a frame that lacked its blank line.
    pub fn finish(&mut self, out: &mut Vec<Frame>) {
        if !self.line.is_empty() {
            self.end_line(out);
        }
        self.dispatch(out);
    }

    fn end_line(&mut self, out: &mut Vec<Frame>) {
        let line = String::from_utf8_lossy(&self.line).into_owned();
        self.line.clear();
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_str(), ""),
        };
        match field {
            "data" => self.data.push(value.to_string()),
            "event" => self.event = value.to_string(),
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Frame>) {
        if !self.data.is_empty() {
            out.push(Frame {
                event: std::mem::take(&mut self.event),
                data: self.data.join("\n"),
            });
        }
        self.data.clear();
        self.event.clear();
    }
}

/// Read frames from `r` until EOF or until `on_frame` returns false. After the frames of each
/// read it is called with `None`: everything received so far has been delivered (the moment to
/// write to a downstream client, so a burst goes out as one chunk). I/O errors are returned.
pub fn read_frames(
    mut r: impl Read,
    mut on_frame: impl FnMut(Option<Frame>) -> bool,
) -> std::io::Result<()> {
    let mut parser = Parser::default();
    let mut buf = [0u8; 8192];
    let mut frames = Vec::new();
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            parser.finish(&mut frames);
        } else {
            parser.push(&buf[..n], &mut frames);
        }
        for f in frames.drain(..) {
            if !on_frame(Some(f)) {
                return Ok(());
            }
        }
        if !on_frame(None) {
            return Ok(());
        }
        if n == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(input: &str, piece: usize) -> Vec<Frame> {
        let mut p = Parser::default();
        let mut out = Vec::new();
        for chunk in input.as_bytes().chunks(piece) {
            p.push(chunk, &mut out);
        }
        p.finish(&mut out);
        out
    }

    #[test]
    fn comments_crlf_split_reads_and_a_missing_final_blank_line_are_tolerated() {
        let input = ": OPENROUTER PROCESSING\r\n\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: x\ndata: y\n\ndata: {\"last\":true}";
        for piece in [1, 2, 3, 7, 1000] {
            let frames = parse_in_pieces(input, piece);
            assert_eq!(
                frames,
                vec![
                    Frame {
                        event: "message_start".into(),
                        data: "{\"a\":1}".into()
                    },
                    Frame {
                        event: String::new(),
                        data: "x\ny".into()
                    },
                    Frame {
                        event: String::new(),
                        data: "{\"last\":true}".into()
                    },
                ],
                "piece size {piece}"
            );
        }
    }
}
