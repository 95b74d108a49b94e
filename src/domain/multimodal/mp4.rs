//! Duration and frame size of an MP4 / QuickTime video from its `moov` box (`mvhd` for the
//! duration, the first `tkhd` with a size for the dimensions), read with seeks: the media data
//! itself is never loaded.
use std::io::{Read, Seek, SeekFrom};

/// What the header says: (duration in ms, width, height); None when it is not a readable MP4.
pub fn probe<R: Read + Seek>(r: &mut R) -> Option<(Option<i64>, i64, i64)> {
    let len = r.seek(SeekFrom::End(0)).ok()?;
    let (start, size) = find(r, 0, len, b"moov")?;
    let mut duration = None;
    let (mut w, mut h) = (0, 0);
    if let Some((at, n)) = find(r, start, start + size, b"mvhd") {
        let b = read(r, at, n.min(40))?;
        duration = match b.first()? {
            0 if b.len() >= 20 => {
                let scale = u32::from_be_bytes(b[12..16].try_into().ok()?) as i64;
                let d = u32::from_be_bytes(b[16..20].try_into().ok()?) as i64;
                (scale > 0).then(|| d * 1000 / scale)
            }
            1 if b.len() >= 32 => {
                let scale = u32::from_be_bytes(b[20..24].try_into().ok()?) as i64;
                let d = u64::from_be_bytes(b[24..32].try_into().ok()?) as i64;
                (scale > 0).then(|| d * 1000 / scale)
            }
            _ => None,
        };
    }
    let mut from = start;
    while let Some((at, n)) = find(r, from, start + size, b"trak") {
        if let Some((tk, tn)) = find(r, at, at + n, b"tkhd")
            && tn >= 8
        {
            let b = read(r, tk + tn - 8, 8)?;
            let (tw, th) = (
                u32::from_be_bytes(b[0..4].try_into().ok()?) >> 16,
                u32::from_be_bytes(b[4..8].try_into().ok()?) >> 16,
            );
            if tw > 0 && th > 0 {
                (w, h) = (tw as i64, th as i64);
                break;
            }
        }
        from = at + n;
    }
    Some((duration, w, h))
}

/// The first box named `name` among the boxes in [from, to): (payload start, payload size).
fn find<R: Read + Seek>(r: &mut R, mut from: u64, to: u64, name: &[u8; 4]) -> Option<(u64, u64)> {
    while from + 8 <= to {
        let head = read(r, from, 16)?;
        if head.len() < 8 {
            return None;
        }
        let small = u32::from_be_bytes(head[0..4].try_into().ok()?) as u64;
        let (size, header) = match small {
            1 if head.len() >= 16 => (u64::from_be_bytes(head[8..16].try_into().ok()?), 16),
            0 => (to - from, 8),
            n => (n, 8),
        };
        if size < header || from + size > to {
            return None;
        }
        if &head[4..8] == name {
            return Some((from + header, size - header));
        }
        from += size;
    }
    None
}

fn read<R: Read + Seek>(r: &mut R, at: u64, n: u64) -> Option<Vec<u8>> {
    r.seek(SeekFrom::Start(at)).ok()?;
    let mut b = Vec::with_capacity(n as usize);
    r.take(n).read_to_end(&mut b).ok()?;
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(name: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(name);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn duration_and_size_come_from_the_moov_box_wherever_it_is() {
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&600u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&4800u32.to_be_bytes());
        let mut tkhd = vec![0u8; 84];
        tkhd[76..80].copy_from_slice(&(1920u32 << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(1080u32 << 16).to_be_bytes());
        let moov = boxed(
            b"moov",
            &[
                boxed(b"mvhd", &mvhd),
                boxed(b"trak", &boxed(b"tkhd", &tkhd)),
            ]
            .concat(),
        );
        let file = [
            boxed(b"ftyp", b"isom\0\0\0\0"),
            boxed(b"mdat", &[7u8; 5000]),
            moov,
        ]
        .concat();
        assert_eq!(
            probe(&mut std::io::Cursor::new(file)),
            Some((Some(8000), 1920, 1080))
        );
        assert_eq!(probe(&mut std::io::Cursor::new(vec![1u8; 300])), None);
    }
}
