//! Real processes for the end-to-end tests: the receiver binary, nginx
//! with its own prefix, a tiny origin server, and a raw HTTP/1.1 client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mirror-receiver");

/// A port free right now on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("mg-{name}-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A response: status, headers (lowercased names), body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Connects to `port` from source address `from` (any 127.x address works
/// on Linux loopback), so nginx sees a client distinct from itself.
pub fn connect_from(from: IpAddr, port: u16) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        socket
            .connect(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .unwrap()
            .into_std()
            .unwrap()
    });
    stream.set_nonblocking(false).unwrap();
    stream
}

/// Sends one request (`Connection: close`) and reads the whole response.
pub fn send(
    stream: TcpStream,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = stream;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head =
        format!("{method} {uri} HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut wire = head.into_bytes();
    wire.extend_from_slice(body);
    stream.write_all(&wire).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(&raw)
}

pub fn request(
    port: u16,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    send(
        TcpStream::connect(("127.0.0.1", port)).unwrap(),
        method,
        uri,
        headers,
        body,
    )
}

fn parse_response(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect::<Vec<_>>();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

/// The receiver binary, killed on drop.
pub struct Receiver {
    pub child: Child,
    pub port: u16,
    pub metrics_port: u16,
    pub output: PathBuf,
    pub dir: PathBuf,
}

impl Receiver {
    /// Starts the receiver on free ports with extra flags, output to a file.
    pub fn start(extra: &[&str]) -> Receiver {
        Receiver::start_on(free_port(), extra)
    }

    pub fn start_on(port: u16, extra: &[&str]) -> Receiver {
        let metrics_port = free_port();
        let dir = temp_dir("receiver");
        let output = dir.join("attacks.jsonl");
        let child = Command::new(BIN)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--metrics", &format!("127.0.0.1:{metrics_port}")])
            .args(["--output", output.to_str().unwrap()])
            .args(extra)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(metrics_port, "receiver metrics");
        wait_for_port(port, "receiver");
        Receiver {
            child,
            port,
            metrics_port,
            output,
            dir,
        }
    }

    pub fn metrics(&self) -> String {
        let r = request(self.metrics_port, "GET", "/metrics", &[], b"");
        assert_eq!(r.status, 200);
        String::from_utf8(r.body).unwrap()
    }

    /// A counter or gauge from /metrics (0 when absent).
    pub fn metric(&self, name: &str) -> u64 {
        metric(&self.metrics(), name)
    }

    /// Waits until `analyzed + dropped == received == n`.
    pub fn wait_all_handled(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let m = self.metrics();
            let received = metric(&m, "mirrorguard_requests_received_total");
            let done = metric(&m, "mirrorguard_requests_analyzed_total")
                + metric(&m, "mirrorguard_requests_dropped_total");
            if received >= n && done >= received {
                assert_eq!(received, n, "requests received by the receiver");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "receiver handled {done} of {received} (expected {n}):\n{m}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The JSON lines written so far.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        read_lines(&self.output)
    }

    /// SIGTERM, then wait for the exit; gives the status and the lines.
    pub fn terminate(mut self) -> (std::process::ExitStatus, Vec<serde_json::Value>) {
        signal(self.child.id(), "TERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, self.lines());
            }
            assert!(Instant::now() < deadline, "receiver ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or(0)
}

pub fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    let Ok(f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    BufReader::new(f)
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).expect("every output line is JSON"))
        .collect()
}

pub fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

/// Path of nginx, or None when it is not installed and not required.
/// `MIRRORGUARD_REQUIRE_NGINX=1` (set by scripts/test-receiver.sh) turns a
/// missing nginx into a failure.
pub fn nginx() -> Option<PathBuf> {
    let found = [
        "/usr/sbin/nginx",
        "/usr/local/sbin/nginx",
        "/usr/local/nginx/sbin/nginx",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("MIRRORGUARD_REQUIRE_NGINX").as_deref() != Ok("1"),
            "nginx is required (MIRRORGUARD_REQUIRE_NGINX=1) but not installed"
        );
        eprintln!("SKIPPED: nginx is not installed (scripts/test-receiver.sh installs it)");
    }
    found
}

/// An nginx master with its own prefix, stopped on drop.
pub struct Nginx {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|u| u.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

impl Nginx {
    /// Runs nginx with `site` (an http-context file) included.
    pub fn start(bin: &Path, port: u16, site: &str) -> Nginx {
        let dir = temp_dir("nginx");
        for t in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            std::fs::create_dir_all(dir.join("tmp").join(t)).unwrap();
        }
        let d = dir.display();
        // The deploy config's log path, moved into the prefix.
        let site = site.replace("/var/log/nginx/error.log", &format!("{d}/error.log"));
        std::fs::write(dir.join("site.conf"), site).unwrap();
        let conf = format!(
            "{user}worker_processes 1;\n\
             daemon off;\n\
             pid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n\
               access_log off;\n\
               client_body_temp_path {d}/tmp/body;\n\
               proxy_temp_path {d}/tmp/proxy;\n\
               fastcgi_temp_path {d}/tmp/fastcgi;\n\
               uwsgi_temp_path {d}/tmp/uwsgi;\n\
               scgi_temp_path {d}/tmp/scgi;\n\
               client_max_body_size 16m;\n\
               include {d}/site.conf;\n\
             }}\n",
            user = if is_root() { "user root;\n" } else { "" },
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let conf_path = dir.join("nginx.conf");
        let check = Command::new(bin)
            .arg("-t")
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "nginx -t: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let child = Command::new(bin)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port, "nginx");
        Nginx { child, port, dir }
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers, then exits.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = std::fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny origin: answers every request 200 with `origin <method> <body
/// length>`, one request per connection.
pub fn origin() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve_origin(stream));
        }
    });
    port
}

fn serve_origin(stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let method = line.split(' ').next().unwrap_or("").to_string();
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            return;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            if n.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let text = format!("origin {method} {length}");
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// The deploy config with its addresses replaced by test ports.
pub fn deploy_config(file: &str, replacements: &[(&str, String)]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy/nginx")
        .join(file);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in replacements {
        assert!(
            text.contains(from),
            "{} no longer contains `{from}`",
            path.display()
        );
        text = text.replace(from, to);
    }
    text
}
