//! Settings: a TOML file, then flags that override it. Defaults need no file.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::net::Cidr;

/// How the receiver answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Answer at once (204), analyze afterwards: for mirrored copies.
    #[default]
    Mirror,
    /// Analyze first, answer 403 on attack and 200 otherwise: for
    /// nginx `auth_request` or a blocking sidecar.
    Inline,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "mirror" => Ok(Mode::Mirror),
            "inline" => Ok(Mode::Inline),
            _ => Err(format!("unknown mode `{s}`, expected mirror or inline")),
        }
    }
}

/// The receiver's settings as written in the TOML file.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address that receives mirrored requests.
    pub listen: String,
    /// Address of `/metrics` and `/healthz`; empty disables it.
    pub metrics: String,
    /// mirror or inline.
    pub mode: Mode,
    /// Requests waiting for analysis; past that they are dropped and counted.
    pub queue: usize,
    /// Analysis threads; 0 means one per core.
    pub workers: usize,
    /// Threads serving HTTP; 0 means half the cores (at least one).
    pub io_threads: usize,
    /// Nice value added to the analysis threads, so answering the mirror
    /// (and nginx and the origin on the same host) come first; 0 keeps it.
    pub analysis_nice: u8,
    /// Body bytes kept per request; the rest is read and discarded.
    pub body_cap: usize,
    /// Peers whose X-Real-IP / X-Forwarded-For / Forwarded are believed.
    pub trusted_sources: Vec<String>,
    /// `-` for stdout, or a file path (reopened on SIGHUP).
    pub output: String,
    /// Also log one benign request in N (0: none), for audit.
    pub benign_sample_every: u64,
    /// Status of mirror-mode answers.
    pub mirror_status: u16,
    /// How long shutdown may take to finish the queue.
    pub shutdown_timeout_ms: u64,
    /// The engine's configuration (mirrorguard `Config`).
    pub engine: mirrorguard::Config,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: "127.0.0.1:8081".into(),
            metrics: "127.0.0.1:9091".into(),
            mode: Mode::Mirror,
            queue: 1024,
            workers: 0,
            io_threads: 0,
            analysis_nice: 10,
            body_cap: 1 << 20,
            trusted_sources: vec!["127.0.0.0/8".into(), "::1".into()],
            output: "-".into(),
            benign_sample_every: 0,
            mirror_status: 204,
            shutdown_timeout_ms: 5000,
            engine: mirrorguard::Config::default(),
        }
    }
}

/// Settings checked and resolved into what the receiver runs with.
#[derive(Debug)]
pub struct Resolved {
    pub listen: SocketAddr,
    pub metrics: Option<SocketAddr>,
    pub mode: Mode,
    pub queue: usize,
    pub workers: usize,
    pub io_threads: usize,
    pub analysis_nice: i32,
    pub body_cap: usize,
    pub trusted: Vec<Cidr>,
    pub output: Option<PathBuf>,
    pub benign_sample_every: u64,
    pub mirror_status: hyper::StatusCode,
    pub shutdown_timeout: std::time::Duration,
    pub engine: mirrorguard::Engine,
}

impl Settings {
    /// Parses a TOML settings file's text.
    pub fn from_toml(text: &str) -> Result<Settings, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Checks every value and builds the engine.
    pub fn resolve(self) -> Result<Resolved, String> {
        let listen = parse_addr("listen", &self.listen)?;
        let metrics = if self.metrics.is_empty() {
            None
        } else {
            Some(parse_addr("metrics", &self.metrics)?)
        };
        if self.queue == 0 {
            return Err("queue: must be at least 1".into());
        }
        if self.body_cap == 0 {
            return Err("body_cap: must be at least 1".into());
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = if self.workers == 0 {
            cores
        } else {
            self.workers
        };
        let io_threads = if self.io_threads == 0 {
            (cores / 2).max(1)
        } else {
            self.io_threads
        };
        let trusted = self
            .trusted_sources
            .iter()
            .map(|s| {
                s.parse::<Cidr>()
                    .map_err(|e| format!("trusted_sources: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = match self.output.as_str() {
            "" => return Err("output: empty; use - for stdout".into()),
            "-" => None,
            path => Some(PathBuf::from(path)),
        };
        let mirror_status = hyper::StatusCode::from_u16(self.mirror_status)
            .ok()
            .filter(|s| s.is_success())
            .ok_or_else(|| format!("mirror_status: {} is not a 2xx status", self.mirror_status))?;
        let engine = mirrorguard::Engine::new(self.engine).map_err(|e| format!("engine: {e}"))?;
        Ok(Resolved {
            listen,
            metrics,
            mode: self.mode,
            queue: self.queue,
            workers,
            io_threads,
            analysis_nice: i32::from(self.analysis_nice.min(19)),
            body_cap: self.body_cap,
            trusted,
            output,
            benign_sample_every: self.benign_sample_every,
            mirror_status,
            shutdown_timeout: std::time::Duration::from_millis(self.shutdown_timeout_ms),
            engine,
        })
    }
}

fn parse_addr(field: &str, s: &str) -> Result<SocketAddr, String> {
    s.parse()
        .map_err(|_| format!("{field}: `{s}` is not an address like 127.0.0.1:8081"))
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Run(Box<Settings>),
    Check(PathBuf),
    Help,
    Version,
}

pub const USAGE: &str = "\
mirror-receiver: receives mirrored HTTP requests, answers at once, analyzes
each copy with mirrorguard and writes one JSON line per attack.

Usage: mirror-receiver [OPTIONS]
       mirror-receiver --check-config FILE

Options (flags override the file):
  --config FILE        TOML settings (see deploy/mirror-receiver.toml)
  --listen ADDR        address for mirrored requests   [127.0.0.1:8081]
  --metrics ADDR       /metrics and /healthz; '' off    [127.0.0.1:9091]
  --mode MODE          mirror (204 at once) | inline (403 on attack, else 200)
  --output PATH        attack log, '-' for stdout        [-]
  --workers N          analysis threads, 0 = one per core [0]
  --queue N            requests waiting for analysis     [1024]
  --body-cap BYTES     body bytes kept per request       [1048576]
  --check-config FILE  validate FILE and exit
  -h, --help           this text
  -V, --version        version
";

/// Parses the command line: reads `--config` first, then applies the flags.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let args: Vec<String> = args.into_iter().collect();
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            _ => {}
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        const KNOWN: [&str; 9] = [
            "--config",
            "--listen",
            "--metrics",
            "--mode",
            "--output",
            "--workers",
            "--queue",
            "--body-cap",
            "--check-config",
        ];
        if !KNOWN.contains(&name.as_str()) {
            return Err(format!("unknown argument `{arg}` (try --help)"));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))?
            }
        };
        flags.push((name, value));
        i += 1;
    }
    if let Some((_, file)) = flags.iter().find(|(n, _)| n == "--check-config") {
        return Ok(Command::Check(PathBuf::from(file)));
    }
    let mut settings = match flags.iter().rev().find(|(n, _)| n == "--config") {
        Some((_, file)) => load(file.as_ref())?,
        None => Settings::default(),
    };
    for (name, value) in flags {
        let number = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("{name}: `{v}` is not a number"))
        };
        match name.as_str() {
            "--listen" => settings.listen = value,
            "--metrics" => settings.metrics = value,
            "--mode" => settings.mode = value.parse()?,
            "--output" => settings.output = value,
            "--workers" => settings.workers = number(&value)?,
            "--queue" => settings.queue = number(&value)?,
            "--body-cap" => settings.body_cap = number(&value)?,
            _ => {}
        }
    }
    Ok(Command::Run(Box::new(settings)))
}

/// Reads and parses a settings file.
pub fn load(path: &std::path::Path) -> Result<Settings, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Settings::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Settings, String> {
        match parse_args(args.iter().map(|s| s.to_string()))? {
            Command::Run(s) => Ok(*s),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn defaults_need_no_file() {
        let r = run(&[]).unwrap().resolve().unwrap();
        assert_eq!(r.listen.to_string(), "127.0.0.1:8081");
        assert_eq!(r.metrics.unwrap().to_string(), "127.0.0.1:9091");
        assert_eq!(r.mode, Mode::Mirror);
        assert!(r.output.is_none());
        assert!(r.workers >= 1);
    }

    #[test]
    fn flags_override_the_file() {
        let dir = std::env::temp_dir().join(format!("mr-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("r.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:1\"\nqueue = 7\nmode = \"inline\"\n[engine]\nsensitivity = \"high\"\n",
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let s = run(&["--config", f, "--listen=127.0.0.1:2", "--workers", "3"]).unwrap();
        assert_eq!(s.listen, "127.0.0.1:2");
        assert_eq!(s.queue, 7);
        assert_eq!(s.workers, 3);
        assert_eq!(s.mode, Mode::Inline);
        assert_eq!(s.engine.sensitivity, mirrorguard::Sensitivity::High);
        let s = run(&["--mode", "mirror", "--config", f]).unwrap();
        assert_eq!(s.mode, Mode::Mirror, "flags win wherever they stand");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_values_name_the_field() {
        let err = |s: Settings| s.resolve().unwrap_err();
        assert!(run(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(run(&["--queue", "x"]).unwrap_err().contains("--queue"));
        assert!(run(&["--mode", "block"]).unwrap_err().contains("block"));
        assert!(run(&["--listen"]).unwrap_err().contains("needs a value"));
        assert!(err(run(&["--queue", "0"]).unwrap()).starts_with("queue"));
        assert!(err(run(&["--listen", "nowhere"]).unwrap()).starts_with("listen"));
        let s = Settings::from_toml("trusted_sources = [\"10.0.0.0/33\"]").unwrap();
        assert!(err(s).starts_with("trusted_sources"));
        let s = Settings::from_toml("[engine]\nthreshold = 0").unwrap();
        assert!(err(s).starts_with("engine"));
        assert!(Settings::from_toml("lisen = \"x\"")
            .unwrap_err()
            .contains("lisen"));
        let s = Settings::from_toml("mirror_status = 403").unwrap();
        assert!(err(s).starts_with("mirror_status"));
    }
}
