//! mirror-receiver: the process a web server mirrors its traffic to. It
//! answers each copy at once, analyzes it with mirrorguard on a bounded
//! pool of threads, and writes one JSON line per attack. Under overload it
//! drops copies and counts them; the origin never waits for it.
//!
//! `--mode inline` turns it into a blocking backend (nginx `auth_request`,
//! a sidecar): 403 with a small JSON body on attack, 200 otherwise.

mod analysis;
mod lenient;
mod meta;
mod metrics;
mod net;
mod output;
mod server;
mod settings;

use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Instant;

use settings::{Command, Mode, Resolved, Settings};

fn main() -> ExitCode {
    let command = match settings::parse_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mirror-receiver: {e}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{}", settings::USAGE);
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("mirror-receiver {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Check(path) => match settings::load(&path).and_then(Settings::resolve) {
            Ok(r) => {
                println!(
                    "{}: ok ({:?} mode, listen {}, {} workers, queue {})",
                    path.display(),
                    r.mode,
                    r.listen,
                    r.workers,
                    r.queue
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("mirror-receiver: {e}");
                ExitCode::from(2)
            }
        },
        Command::Run(settings) => match settings.resolve().and_then(run) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mirror-receiver: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn run(cfg: Resolved) -> Result<(), String> {
    let output = output::Output::open(cfg.output.clone()).map_err(|e| {
        let path = cfg.output.as_deref().unwrap_or("-".as_ref());
        format!("output {}: {e}", path.display())
    })?;
    let metrics = Arc::new(metrics::Metrics::default());
    let pool = Arc::new(analysis::Pool::new(
        cfg.engine,
        metrics.clone(),
        output,
        cfg.benign_sample_every,
    ));
    let (queue, workers) = analysis::start(pool.clone(), cfg.workers, cfg.queue, cfg.analysis_nice)
        .map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cfg.io_threads)
        .thread_name("io")
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let receiver = Arc::new(server::Receiver {
        mode: cfg.mode,
        queue,
        metrics: metrics.clone(),
        trusted: cfg.trusted,
        body_cap: cfg.body_cap,
        mirror_status: cfg.mirror_status,
    });
    let grace = cfg.shutdown_timeout;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .map_err(|e| format!("listen {}: {e}", cfg.listen))?;
        let metrics_listener = match cfg.metrics {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| format!("metrics {addr}: {e}"))?,
            ),
            None => None,
        };
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        if let Some(l) = metrics_listener {
            tasks.push(tokio::spawn(server::serve_metrics(
                l,
                metrics.clone(),
                stop_rx.clone(),
            )));
        }
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        tasks.push(tokio::spawn(server::serve(listener, receiver, stop_rx, grace)));
        eprintln!(
            "mirror-receiver: listening on {local} ({} mode), metrics on {}, {} analysis workers, queue {}",
            match cfg.mode {
                Mode::Mirror => "mirror",
                Mode::Inline => "inline",
            },
            cfg.metrics.map_or_else(|| "off".to_string(), |a| a.to_string()),
            cfg.workers,
            cfg.queue
        );
        signals(pool.clone()).await?;
        eprintln!("mirror-receiver: shutting down");
        let _ = stop_tx.send(true);
        for t in tasks {
            let _ = t.await;
        }
        Ok::<(), String>(())
    });
    // No new requests: let the workers finish the queue within the deadline.
    pool.draining.store(true, Relaxed);
    let deadline = Instant::now() + grace;
    while workers.iter().any(|w| !w.is_finished()) && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let left = metrics.queue_depth.load(Relaxed).max(0);
    if left > 0 {
        eprintln!("mirror-receiver: {left} queued requests left unanalyzed at shutdown");
    }
    let _ = pool.output().flush();
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    served
}

/// Waits for SIGTERM or SIGINT; reopens the output on SIGHUP meanwhile.
async fn signals(pool: Arc<analysis::Pool>) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let err = |e: std::io::Error| format!("signals: {e}");
    let mut term = signal(SignalKind::terminate()).map_err(err)?;
    let mut int = signal(SignalKind::interrupt()).map_err(err)?;
    let mut hup = signal(SignalKind::hangup()).map_err(err)?;
    loop {
        tokio::select! {
            _ = term.recv() => return Ok(()),
            _ = int.recv() => return Ok(()),
            _ = hup.recv() => {
                if let Err(e) = pool.output().reopen() {
                    eprintln!("mirror-receiver: reopening output: {e}");
                }
            }
        }
    }
}
