//! gRPC and protobuf bodies (`application/grpc`, `application/grpc-web`,
//! `application/x-protobuf`...): the text fields inside the binary framing.
//!
//! A gRPC message is a 5-byte frame header (a compressed flag and a
//! big-endian length) and a protobuf message; its string fields sit between
//! binary tags and lengths, where a detector judging the whole body sees a
//! length byte glued to the value (`\x0c' OR 1=1--`). Each length-delimited
//! field that is printable text is emitted alone, named by its field
//! numbers (`grpc/1`, `grpc/2/1` for a field of a nested message); one that
//! parses as a message of its own is descended into. Compressed frames and
//! bytes that are not protobuf are left to the raw body input.
//!
//! Bounded: nesting to [`MAX_DEPTH`], every loop advances through the body.

use std::borrow::Cow;

use super::Sink;

const MAX_DEPTH: usize = 8;

/// Whether a Content-Type names a gRPC or protobuf body.
pub(crate) fn is_protobuf_type(ct: &[u8]) -> bool {
    let essence = ct.split(|&b| b == b';').next().unwrap_or(b"").trim_ascii();
    let lower = essence.to_ascii_lowercase();
    lower.starts_with(b"application/grpc")
        || lower.ends_with(b"protobuf")
        || lower.ends_with(b"+proto")
}

/// Emits the text fields of `body`: gRPC frames when it is framed, else one
/// protobuf message. False when nothing was emitted.
pub(crate) fn parse<'a>(body: &'a [u8], sink: &mut Sink<'_, 'a>) -> bool {
    let mut emitted = false;
    let mut rest = body;
    let mut framed = false;
    while rest.len() >= 5 && rest[0] <= 1 {
        let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
        if len > rest.len() - 5 {
            break;
        }
        framed = true;
        let msg = &rest[5..5 + len];
        // A compressed frame's bytes are no protobuf.
        if rest[0] == 0 {
            let mut path = b"grpc".to_vec();
            if fields(msg, &mut path, 0, sink, &mut emitted).is_err() {
                return emitted;
            }
        }
        rest = &rest[5 + len..];
    }
    if !framed {
        let mut path = b"protobuf".to_vec();
        let _ = fields(body, &mut path, 0, sink, &mut emitted);
    }
    emitted
}

struct Full;

/// Walks the message `m` if it is well-formed protobuf, emitting text fields
/// under `path`. A malformed message emits nothing.
fn fields<'a>(
    m: &'a [u8],
    path: &mut Vec<u8>,
    depth: usize,
    sink: &mut Sink<'_, 'a>,
    emitted: &mut bool,
) -> Result<(), Full> {
    if depth >= MAX_DEPTH || !well_formed(m) {
        return Ok(());
    }
    let mut i = 0;
    while i < m.len() {
        let Some((tag, n)) = varint(&m[i..]) else {
            return Ok(());
        };
        i += n;
        let field = tag >> 3;
        match tag & 7 {
            0 => i += varint(&m[i..]).map_or(m.len(), |(_, n)| n),
            1 => i += 8,
            5 => i += 4,
            2 => {
                let Some((len, n)) = varint(&m[i..]) else {
                    return Ok(());
                };
                let start = i + n;
                let end = start.saturating_add(len as usize).min(m.len());
                let data = &m[start..end];
                i = end;
                let mark = path.len();
                path.push(b'/');
                path.extend_from_slice(field.to_string().as_bytes());
                if is_text(data) {
                    if !sink.emit(super::owned_name(&[path]), Cow::Borrowed(data), false) {
                        return Err(Full);
                    }
                    *emitted = true;
                } else {
                    fields(data, path, depth + 1, sink, emitted)?;
                }
                path.truncate(mark);
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

/// Every field of `m` has a known wire type and fits.
fn well_formed(m: &[u8]) -> bool {
    let mut i = 0;
    while i < m.len() {
        let Some((tag, n)) = varint(&m[i..]) else {
            return false;
        };
        i += n;
        if tag >> 3 == 0 {
            return false;
        }
        let size = match tag & 7 {
            0 => match varint(&m[i..]) {
                Some((_, n)) => n,
                None => return false,
            },
            1 => 8,
            5 => 4,
            2 => match varint(&m[i..]) {
                Some((len, n)) => match usize::try_from(len).ok().and_then(|l| l.checked_add(n)) {
                    Some(s) => s,
                    None => return false,
                },
                None => return false,
            },
            _ => return false,
        };
        if size > m.len() - i {
            return false;
        }
        i += size;
    }
    true
}

fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (k, &byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * k);
        if byte & 0x80 == 0 {
            return Some((v, k + 1));
        }
    }
    None
}

/// Non-empty valid UTF-8 with no control bytes but tab and line breaks.
fn is_text(d: &[u8]) -> bool {
    !d.is_empty()
        && std::str::from_utf8(d).is_ok_and(|s| {
            s.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Chain;
    use crate::parse::{Encoding, Inputs};
    use crate::verdict::Part;

    fn run(body: &[u8]) -> Vec<(String, String)> {
        let mut inputs = Inputs::new(100);
        let mut sink = Sink {
            inputs: &mut inputs,
            part: Part::Body,
            prefix: b"",
            encoding: Encoding::Plain,
            chain: Chain::EMPTY,
            depth: 0,
        };
        parse(body, &mut sink);
        inputs
            .items
            .iter()
            .map(|i| {
                (
                    String::from_utf8_lossy(&i.name).into_owned(),
                    String::from_utf8_lossy(&i.value).into_owned(),
                )
            })
            .collect()
    }

    fn frame(msg: &[u8]) -> Vec<u8> {
        let mut f = vec![0];
        f.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        f.extend_from_slice(msg);
        f
    }

    #[test]
    fn grpc_text_fields() {
        // 1: "admin", 2: { 1: "x' OR 1=1--" }, 3: 150 (varint)
        let mut inner = vec![0x0a, 11];
        inner.extend_from_slice(b"x' OR 1=1--");
        let mut msg = vec![0x0a, 5];
        msg.extend_from_slice(b"admin");
        msg.push(0x12);
        msg.push(inner.len() as u8);
        msg.extend_from_slice(&inner);
        msg.extend_from_slice(&[0x18, 0x96, 0x01]);
        assert_eq!(
            run(&frame(&msg)),
            [
                ("grpc/1".into(), "admin".into()),
                ("grpc/2/1".into(), "x' OR 1=1--".into())
            ]
        );
        // Unframed protobuf.
        assert_eq!(run(&msg[..7]), [("protobuf/1".into(), "admin".into())]);
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in 0..2000 {
            let body: Vec<u8> = (0..n % 97)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            let _ = run(&body);
            let _ = run(&frame(&body));
        }
    }

    #[test]
    fn not_protobuf() {
        assert!(run(b"hello world").is_empty());
        assert!(run(&[0x0a, 0xff, 0xff]).is_empty());
        // A compressed frame is left alone.
        let mut f = frame(&[0x0a, 1, b'a']);
        f[0] = 1;
        assert!(run(&f).is_empty());
        assert!(is_protobuf_type(b"application/grpc+proto"));
        assert!(is_protobuf_type(b"application/x-protobuf; charset=x"));
        assert!(!is_protobuf_type(b"application/json"));
    }
}
