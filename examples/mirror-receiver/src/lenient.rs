//! A byte-stream adapter that lets hyper accept the request targets nginx
//! forwards byte for byte. nginx accepts `"`, `<`, `>`, DEL and control
//! bytes in a URI (attack tools send `<script>` unencoded), but hyper's URI
//! parser answers 400 to them, and the copy would be lost. This adapter
//! percent-encodes exactly those bytes in each request line before hyper
//! reads it; the engine percent-decodes URIs anyway, so the verdict is the
//! same, and the log line shows the URI as received from the adapter.
//!
//! It follows request framing with `Content-Length`; after a chunked
//! request it stops rewriting (nginx's mirror never sends chunked bodies).

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In a request line; `spaces` seen so far (the target is after 1).
    RequestLine { spaces: u8, empty: bool },
    /// In the header block.
    Headers,
    /// In a body: bytes left.
    Body(u64),
    /// Framing unknown: forward untouched.
    Passthrough,
}

/// The rewriting state machine, separate from I/O for testing.
#[derive(Debug)]
pub struct Rewriter {
    state: State,
    line: Vec<u8>,
    length: u64,
    chunked: bool,
}

const LINE_KEPT: usize = 64;

impl Default for Rewriter {
    fn default() -> Rewriter {
        Rewriter {
            state: State::RequestLine {
                spaces: 0,
                empty: true,
            },
            line: Vec::new(),
            length: 0,
            chunked: false,
        }
    }
}

fn escape(b: u8) -> bool {
    matches!(b, b'"' | b'<' | b'>' | 0x7f) || (b < 0x20 && b != b'\r' && b != b'\t')
}

impl Rewriter {
    /// Appends `input`, rewritten, to `out`.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !input.is_empty() {
            match self.state {
                State::Passthrough => {
                    out.extend_from_slice(input);
                    return;
                }
                State::Body(left) => {
                    let n = (left.min(input.len() as u64)) as usize;
                    out.extend_from_slice(&input[..n]);
                    input = &input[n..];
                    self.state = if left == n as u64 {
                        State::RequestLine {
                            spaces: 0,
                            empty: true,
                        }
                    } else {
                        State::Body(left - n as u64)
                    };
                }
                State::RequestLine { spaces, empty } => {
                    let b = input[0];
                    input = &input[1..];
                    match b {
                        b'\n' if empty => {
                            out.push(b);
                        }
                        b'\n' => {
                            out.push(b);
                            self.state = State::Headers;
                            self.line.clear();
                            self.length = 0;
                            self.chunked = false;
                        }
                        b' ' => {
                            out.push(b);
                            self.state = State::RequestLine {
                                spaces: spaces.saturating_add(1),
                                empty: false,
                            };
                        }
                        b'\r' => out.push(b),
                        _ if spaces == 1 && escape(b) => {
                            const HEX: &[u8; 16] = b"0123456789ABCDEF";
                            out.extend_from_slice(&[
                                b'%',
                                HEX[usize::from(b >> 4)],
                                HEX[usize::from(b & 15)],
                            ]);
                            self.state = State::RequestLine {
                                spaces,
                                empty: false,
                            };
                        }
                        _ => {
                            out.push(b);
                            self.state = State::RequestLine {
                                spaces,
                                empty: false,
                            };
                        }
                    }
                }
                State::Headers => {
                    let n = memchr_nl(input).map_or(input.len(), |i| i + 1);
                    let (chunk, rest) = input.split_at(n);
                    out.extend_from_slice(chunk);
                    input = rest;
                    let room = LINE_KEPT.saturating_sub(self.line.len());
                    self.line.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if chunk.last() == Some(&b'\n') {
                        self.header_line();
                    }
                }
            }
        }
    }

    fn header_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let text = trim(&line);
        if text.is_empty() {
            self.state = if self.chunked {
                State::Passthrough
            } else if self.length > 0 {
                State::Body(self.length)
            } else {
                State::RequestLine {
                    spaces: 0,
                    empty: true,
                }
            };
            return;
        }
        if let Some(colon) = text.iter().position(|&b| b == b':') {
            let (name, value) = (trim(&text[..colon]), trim(&text[colon + 1..]));
            if name.eq_ignore_ascii_case(b"content-length") {
                match std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                    Some(n) => self.length = n,
                    None => self.chunked = true, // unknown framing
                }
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                self.chunked = true;
            }
        }
        self.line = line;
        self.line.clear();
    }
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// A stream whose request lines are rewritten on the way in.
#[derive(Debug)]
pub struct Lenient<T> {
    inner: T,
    rewriter: Rewriter,
    pending: Vec<u8>,
    offset: usize,
    scratch: Box<[u8]>,
}

impl<T> Lenient<T> {
    pub fn new(inner: T) -> Lenient<T> {
        Lenient {
            inner,
            rewriter: Rewriter::default(),
            pending: Vec::new(),
            offset: 0,
            scratch: vec![0; 16 * 1024].into_boxed_slice(),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Lenient<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.offset < this.pending.len() {
                let n = buf.remaining().min(this.pending.len() - this.offset);
                buf.put_slice(&this.pending[this.offset..this.offset + n]);
                this.offset += n;
                if this.offset == this.pending.len() {
                    this.pending.clear();
                    this.offset = 0;
                }
                return Poll::Ready(Ok(()));
            }
            let mut raw = ReadBuf::new(&mut this.scratch);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut raw))?;
            if raw.filled().is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.rewriter.feed(raw.filled(), &mut this.pending);
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Lenient<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, b)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite_in(chunks: &[&[u8]]) -> Vec<u8> {
        let mut r = Rewriter::default();
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c, &mut out);
        }
        out
    }

    fn rewrite(input: &[u8]) -> Vec<u8> {
        // Every split point gives the same result.
        let whole = rewrite_in(&[input]);
        for i in 0..input.len() {
            assert_eq!(
                rewrite_in(&[&input[..i], &input[i..]]),
                whole,
                "split at {i}"
            );
        }
        whole
    }

    #[test]
    fn request_targets_are_escaped_nothing_else() {
        let out = rewrite(b"GET /?q=<script>\"x\x7f HTTP/1.1\r\nX-A: <b>\r\n\r\n");
        assert_eq!(
            out,
            b"GET /?q=%3Cscript%3E%22x%7F HTTP/1.1\r\nX-A: <b>\r\n\r\n"
        );
    }

    #[test]
    fn bodies_are_skipped_by_length_across_keep_alive() {
        let input = b"POST /a<b HTTP/1.1\r\ncontent-length: 5\r\n\r\n<x>\r\n\r\nGET /c<d HTTP/1.1\r\nHost: h\r\n\r\n";
        let out = rewrite(input);
        assert_eq!(
            out,
            b"POST /a%3Cb HTTP/1.1\r\ncontent-length: 5\r\n\r\n<x>\r\n\r\nGET /c%3Cd HTTP/1.1\r\nHost: h\r\n\r\n"
        );
    }

    #[test]
    fn chunked_stops_rewriting() {
        let input = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n<a>\r\n0\r\n\r\nGET /<x> HTTP/1.1\r\n\r\n";
        assert_eq!(rewrite(input), input.to_vec());
    }
}
