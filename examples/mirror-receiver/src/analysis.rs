//! The analysis pool: a bounded queue and threads that judge each request
//! and write one JSON line per attack.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hyper::HeaderMap;
use mirrorguard::{AttackClass, Engine, Request, Verdict};

use crate::metrics::Metrics;
use crate::output::{rfc3339, Output};

/// One mirrored request waiting for analysis.
#[derive(Debug)]
pub struct Job {
    pub received: SystemTime,
    pub method: Vec<u8>,
    pub uri: Vec<u8>,
    pub version: &'static str,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The receiver kept only `body_cap` bytes of the body.
    pub body_truncated: bool,
    pub body_bytes: u64,
    pub client: String,
    pub request_id: Option<String>,
    pub host: Option<String>,
    /// Inline mode waits for the verdict here.
    pub reply: Option<tokio::sync::oneshot::Sender<Verdict>>,
}

/// What the workers share.
#[derive(Debug)]
pub struct Pool {
    pub engine: Engine,
    pub metrics: Arc<Metrics>,
    pub output: Mutex<Output>,
    pub benign_sample_every: u64,
    benign_seen: AtomicU64,
    /// Set at shutdown: workers leave once the queue is empty.
    pub draining: AtomicBool,
}

impl Pool {
    pub fn new(
        engine: Engine,
        metrics: Arc<Metrics>,
        output: Output,
        benign_sample_every: u64,
    ) -> Pool {
        Pool {
            engine,
            metrics,
            output: Mutex::new(output),
            benign_sample_every,
            benign_seen: AtomicU64::new(0),
            draining: AtomicBool::new(false),
        }
    }

    /// The output, even if a thread panicked while holding it.
    pub fn output(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sending side of the queue: never waits.
#[derive(Debug, Clone)]
pub struct Queue {
    tx: SyncSender<Job>,
    metrics: Arc<Metrics>,
}

impl Queue {
    /// Queues `job`, or drops and counts it when the queue is full.
    /// False when the job was dropped (inline mode then answers alone).
    pub fn offer(&self, job: Job) -> bool {
        self.metrics.queue_depth.fetch_add(1, Relaxed);
        match self.tx.try_send(job) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.metrics.queue_depth.fetch_sub(1, Relaxed);
                self.metrics.dropped.fetch_add(1, Relaxed);
                false
            }
        }
    }
}

/// Starts `workers` analysis threads behind a queue of `capacity` jobs.
pub fn start(
    pool: Arc<Pool>,
    workers: usize,
    capacity: usize,
    nice: i32,
) -> std::io::Result<(Queue, Vec<std::thread::JoinHandle<()>>)> {
    let (tx, rx) = std::sync::mpsc::sync_channel(capacity);
    pool.metrics.queue_capacity.store(capacity as u64, Relaxed);
    let rx = Arc::new(Mutex::new(rx));
    let mut handles = Vec::with_capacity(workers);
    for i in 0..workers {
        let (pool, rx) = (pool.clone(), rx.clone());
        handles.push(
            std::thread::Builder::new()
                .name(format!("analysis-{i}"))
                .spawn(move || {
                    if nice > 0 {
                        // Linux: a thread id names one thread here.
                        let me = rustix::thread::gettid();
                        if let Err(e) = rustix::process::setpriority_process(Some(me), nice) {
                            eprintln!("mirror-receiver: nice {nice} for analysis: {e}");
                        }
                    }
                    work(&pool, &rx)
                })?,
        );
    }
    let metrics = pool.metrics.clone();
    Ok((Queue { tx, metrics }, handles))
}

fn work(pool: &Pool, rx: &Mutex<Receiver<Job>>) {
    loop {
        let next = rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv_timeout(Duration::from_millis(50));
        match next {
            Ok(job) => {
                pool.metrics.queue_depth.fetch_sub(1, Relaxed);
                analyze(pool, job);
            }
            Err(RecvTimeoutError::Timeout) if !pool.draining.load(Relaxed) => {}
            Err(_) => return,
        }
    }
}

/// Judges one request, counts it and logs it when it is an attack (or
/// sampled), then hands the verdict to an inline caller.
pub fn analyze(pool: &Pool, mut job: Job) {
    let start = Instant::now();
    let mut b = Request::builder()
        .method(&job.method[..])
        .uri(&job.uri[..])
        .version(job.version)
        .body(&job.body[..])
        .client(job.client.as_bytes());
    if let Some(id) = &job.request_id {
        b = b.request_id(id.as_bytes());
    }
    for (name, value) in &job.headers {
        b = b.header(name.as_str().as_bytes(), value.as_bytes());
    }
    let verdict = pool.engine.analyze(&b.build());
    let m = &pool.metrics;
    m.observe(start.elapsed());
    let attack = verdict.is_attack();
    if attack {
        m.attack_requests.fetch_add(1, Relaxed);
        let mut seen: Vec<AttackClass> = Vec::new();
        for f in verdict.findings() {
            if f.score >= pool.engine.config().threshold && !seen.contains(&f.class) {
                seen.push(f.class);
                m.attack(f.class);
            }
        }
    }
    let sampled = !attack
        && pool.benign_sample_every > 0
        && pool.benign_seen.fetch_add(1, Relaxed) % pool.benign_sample_every == 0;
    if attack || sampled {
        let line = log_line(&job, &verdict);
        if pool.output().line(&line).is_err() {
            m.output_errors.fetch_add(1, Relaxed);
        }
    }
    // Counted once its line is out, so "analyzed" means "done" to a reader
    // that polls the metrics and then reads the output.
    m.analyzed.fetch_add(1, Relaxed);
    if let Some(reply) = job.reply.take() {
        let _ = reply.send(verdict);
    }
}

/// One JSON line: when, who, what, and the verdict's shared JSON shape.
pub fn log_line(job: &Job, verdict: &Verdict) -> String {
    let s = |v: &str| serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "null".into(), s);
    let time = job
        .received
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{{\"time\":\"{}\",\"request_id\":{},\"client\":{},\"method\":{},\"host\":{},\"uri\":{},\"body_bytes\":{},\"body_truncated\":{},\"verdict\":{}}}",
        rfc3339(time),
        opt(&job.request_id),
        s(&job.client),
        s(&String::from_utf8_lossy(&job.method)),
        opt(&job.host),
        s(&String::from_utf8_lossy(&job.uri)),
        job.body_bytes,
        job.body_truncated,
        verdict.to_json()
    )
}
