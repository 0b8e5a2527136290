//! Counters and a latency histogram, exposed in Prometheus text format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use mirrorguard::AttackClass;

/// Upper bounds of the analysis latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1, 1.0,
];

/// Every number the receiver exposes. Updated with relaxed atomics.
#[derive(Debug, Default)]
pub struct Metrics {
    pub received: AtomicU64,
    pub analyzed: AtomicU64,
    pub dropped: AtomicU64,
    pub body_truncated: AtomicU64,
    pub attack_requests: AtomicU64,
    pub blocked: AtomicU64,
    pub output_errors: AtomicU64,
    pub queue_depth: AtomicI64,
    pub queue_capacity: AtomicU64,
    attacks: [AtomicU64; AttackClass::ALL.len()],
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_ns: AtomicU64,
}

impl Metrics {
    /// Counts one attack request of `class` (once per class per request).
    pub fn attack(&self, class: AttackClass) {
        if let Some(i) = AttackClass::ALL.iter().position(|&c| c == class) {
            self.attacks[i].fetch_add(1, Relaxed);
        }
    }

    /// Records how long one analysis took.
    pub fn observe(&self, took: Duration) {
        let secs = took.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|&b| secs <= b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.latency_count.fetch_add(1, Relaxed);
        let ns = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.latency_sum_ns.fetch_add(ns, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let mut counter = |name: &str, help: &str, v: u64| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}\n"
            );
        };
        counter(
            "mirrorguard_requests_received_total",
            "Requests received.",
            self.received.load(Relaxed),
        );
        counter(
            "mirrorguard_requests_analyzed_total",
            "Requests analyzed.",
            self.analyzed.load(Relaxed),
        );
        counter(
            "mirrorguard_requests_dropped_total",
            "Requests not analyzed because the queue was full.",
            self.dropped.load(Relaxed),
        );
        counter(
            "mirrorguard_body_truncated_total",
            "Requests whose body was longer than body_cap.",
            self.body_truncated.load(Relaxed),
        );
        counter(
            "mirrorguard_attack_requests_total",
            "Requests judged attacks.",
            self.attack_requests.load(Relaxed),
        );
        counter(
            "mirrorguard_blocked_total",
            "Requests answered 403 in inline mode.",
            self.blocked.load(Relaxed),
        );
        counter(
            "mirrorguard_output_errors_total",
            "Log lines that could not be written.",
            self.output_errors.load(Relaxed),
        );
        out.push_str("# HELP mirrorguard_attacks_total Attack requests by class.\n");
        out.push_str("# TYPE mirrorguard_attacks_total counter\n");
        for (class, n) in AttackClass::ALL.iter().zip(&self.attacks) {
            let _ = writeln!(
                out,
                "mirrorguard_attacks_total{{class=\"{class}\"}} {}",
                n.load(Relaxed)
            );
        }
        let _ = write!(
            out,
            "# HELP mirrorguard_queue_depth Requests waiting for analysis.\n\
             # TYPE mirrorguard_queue_depth gauge\nmirrorguard_queue_depth {}\n\
             # HELP mirrorguard_queue_capacity Queue size.\n\
             # TYPE mirrorguard_queue_capacity gauge\nmirrorguard_queue_capacity {}\n",
            self.queue_depth.load(Relaxed).max(0),
            self.queue_capacity.load(Relaxed)
        );
        out.push_str("# HELP mirrorguard_analysis_seconds Time to analyze one request.\n");
        out.push_str("# TYPE mirrorguard_analysis_seconds histogram\n");
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Relaxed);
            let _ = writeln!(
                out,
                "mirrorguard_analysis_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        let count = self.latency_count.load(Relaxed);
        let sum = self.latency_sum_ns.load(Relaxed) as f64 / 1e9;
        let _ = write!(
            out,
            "mirrorguard_analysis_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             mirrorguard_analysis_seconds_sum {sum}\n\
             mirrorguard_analysis_seconds_count {count}\n"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition() {
        let m = Metrics::default();
        m.received.fetch_add(3, Relaxed);
        m.attack(AttackClass::Sqli);
        m.observe(Duration::from_micros(40));
        m.observe(Duration::from_secs(5));
        let text = m.render();
        assert!(text.contains("mirrorguard_requests_received_total 3\n"));
        assert!(text.contains("mirrorguard_attacks_total{class=\"sqli\"} 1\n"));
        assert!(text.contains("mirrorguard_attacks_total{class=\"xss\"} 0\n"));
        assert!(text.contains("mirrorguard_analysis_seconds_bucket{le=\"0.00005\"} 1\n"));
        assert!(text.contains("mirrorguard_analysis_seconds_bucket{le=\"1\"} 1\n"));
        assert!(text.contains("mirrorguard_analysis_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("mirrorguard_analysis_seconds_count 2\n"));
    }
}
