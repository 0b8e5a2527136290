//! The HTTP side: the receiving listener and the metrics listener.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::analysis::{Job, Queue};
use crate::lenient::Lenient;
use crate::meta;
use crate::metrics::Metrics;
use crate::net::Cidr;
use crate::settings::Mode;

/// What every connection of the receiving listener shares.
#[derive(Debug)]
pub struct Receiver {
    pub mode: Mode,
    pub queue: Queue,
    pub metrics: Arc<Metrics>,
    pub trusted: Vec<Cidr>,
    pub body_cap: usize,
    pub mirror_status: StatusCode,
}

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, body: impl Into<Bytes>) -> Reply {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r
}

/// Reads at most `cap` bytes of the body and discards the rest (up to a
/// bound, so the connection can be reused).
async fn read_body(mut body: Incoming, cap: usize) -> (Bytes, u64, bool) {
    let mut buf = BytesMut::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len() as u64;
        if buf.len() < cap {
            let take = (cap - buf.len()).min(data.len());
            buf.extend_from_slice(&data[..take]);
        } else if total > (cap as u64).saturating_mul(16) {
            break;
        }
    }
    let truncated = total > buf.len() as u64;
    (buf.freeze(), total, truncated)
}

async fn handle(rx: Arc<Receiver>, peer: SocketAddr, req: Request<Incoming>) -> Reply {
    rx.metrics.received.fetch_add(1, Relaxed);
    let received = SystemTime::now();
    let (mut parts, body) = req.into_parts();
    let (body, body_bytes, body_truncated) = read_body(body, rx.body_cap).await;
    if body_truncated {
        rx.metrics.body_truncated.fetch_add(1, Relaxed);
    }
    let who = meta::extract(&parts.headers, peer.ip(), &rx.trusted);
    if let Some(host) = &who.host {
        if let Ok(v) = HeaderValue::from_str(host) {
            parts.headers.insert(HOST, v);
        }
    }
    let uri = who.original_uri.clone().unwrap_or_else(|| {
        parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.to_string(), |p| p.as_str().to_string())
            .into_bytes()
    });
    let method = who
        .original_method
        .clone()
        .unwrap_or_else(|| parts.method.as_str().as_bytes().to_vec());
    let version = match parts.version {
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        _ => "HTTP/1.1",
    };
    let mut job = Job {
        received,
        method,
        uri,
        version,
        headers: parts.headers,
        body,
        body_truncated,
        body_bytes,
        client: who.client,
        request_id: who.request_id,
        host: who.host,
        reply: None,
    };
    match rx.mode {
        Mode::Mirror => {
            // try_send never waits: a full queue drops (and counts) the copy.
            rx.queue.offer(job);
            reply(rx.mirror_status, Bytes::new())
        }
        Mode::Inline => {
            let (tx, verdict) = tokio::sync::oneshot::channel();
            let request_id = job.request_id.clone();
            job.reply = Some(tx);
            if !rx.queue.offer(job) {
                // Overloaded: fail open, and say so.
                let mut r = reply(StatusCode::OK, Bytes::new());
                r.headers_mut()
                    .insert("x-mirrorguard", HeaderValue::from_static("unanalyzed"));
                return r;
            }
            match verdict.await {
                Ok(v) if v.is_attack() => {
                    rx.metrics.blocked.fetch_add(1, Relaxed);
                    let mut classes: Vec<&str> = Vec::new();
                    for f in v.findings() {
                        if !classes.contains(&f.class.as_str()) {
                            classes.push(f.class.as_str());
                        }
                    }
                    let body = serde_json::json!({
                        "blocked": true,
                        "request_id": request_id,
                        "classes": classes,
                    });
                    let mut r = reply(StatusCode::FORBIDDEN, body.to_string());
                    r.headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    r
                }
                Ok(_) => reply(StatusCode::OK, Bytes::new()),
                Err(_) => reply(StatusCode::OK, Bytes::new()),
            }
        }
    }
}

async fn handle_metrics(metrics: Arc<Metrics>, req: Request<Incoming>) -> Reply {
    match req.uri().path() {
        "/metrics" => {
            let mut r = reply(StatusCode::OK, metrics.render());
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4"),
            );
            r
        }
        "/healthz" => reply(StatusCode::OK, "ok\n"),
        _ => reply(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Serves the receiving listener until `stop` turns true, then lets open
/// connections finish their current request (at most `grace`).
pub async fn serve(
    listener: TcpListener,
    rx: Arc<Receiver>,
    stop: watch::Receiver<bool>,
    grace: Duration,
) {
    accept_loop(listener, stop, grace, move |peer| {
        let rx = rx.clone();
        service_fn(move |req| {
            let rx = rx.clone();
            async move { Ok::<_, Infallible>(handle(rx, peer, req).await) }
        })
    })
    .await;
}

/// Serves `/metrics` and `/healthz` until `stop` turns true.
pub async fn serve_metrics(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
) {
    accept_loop(listener, stop, Duration::from_secs(1), move |_| {
        let metrics = metrics.clone();
        service_fn(move |req| {
            let metrics = metrics.clone();
            async move { Ok::<_, Infallible>(handle_metrics(metrics, req).await) }
        })
    })
    .await;
}

async fn accept_loop<S, F>(
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
    make: F,
) where
    F: Fn(SocketAddr) -> S,
    S: hyper::service::HttpService<Incoming, ResBody = Full<Bytes>> + Send + 'static,
    S::Future: Send + 'static,
{
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, retry.
                        eprintln!("mirror-receiver: accept: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(30))
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(Lenient::new(stream)), make(peer));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
}
