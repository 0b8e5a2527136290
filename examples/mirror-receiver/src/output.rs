//! Where log lines go: stdout or a file reopened on SIGHUP.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

/// The attack log.
#[derive(Debug)]
pub struct Output {
    path: Option<PathBuf>,
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    Stdout(io::Stdout),
    File(BufWriter<File>),
}

impl Output {
    /// Opens `path` for appending, or stdout when `None`.
    pub fn open(path: Option<PathBuf>) -> io::Result<Output> {
        let sink = match &path {
            None => Sink::Stdout(io::stdout()),
            Some(p) => Sink::File(BufWriter::new(append(p)?)),
        };
        Ok(Output { path, sink })
    }

    /// Writes one line and flushes it, so a crash loses nothing written.
    pub fn line(&mut self, line: &str) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(s) => {
                let mut s = s.lock();
                s.write_all(line.as_bytes())?;
                s.write_all(b"\n")?;
                s.flush()
            }
            Sink::File(f) => {
                f.write_all(line.as_bytes())?;
                f.write_all(b"\n")?;
                f.flush()
            }
        }
    }

    /// Reopens the file (after logrotate moved it); stdout stays.
    pub fn reopen(&mut self) -> io::Result<()> {
        if let Some(p) = &self.path {
            let file = append(p)?;
            if let Sink::File(f) = &mut self.sink {
                f.flush()?;
            }
            self.sink = Sink::File(BufWriter::new(file));
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

fn append(p: &PathBuf) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(p)
}

/// `2026-11-25T15:39:29.123Z` for a time since the Unix epoch.
pub fn rfc3339(since_epoch: std::time::Duration) -> String {
    let secs = since_epoch.as_secs();
    let millis = since_epoch.subsec_millis();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(Duration::ZERO), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(Duration::from_millis(951_782_400_123)),
            "2000-02-29T00:00:00.123Z"
        );
        assert_eq!(
            rfc3339(Duration::from_secs(1_795_613_969)),
            "2026-11-25T13:39:29.000Z"
        );
    }

    #[test]
    fn file_is_reopened() {
        let dir = std::env::temp_dir().join(format!("mr-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("attacks.log");
        let mut out = Output::open(Some(path.clone())).unwrap();
        out.line("one").unwrap();
        std::fs::rename(&path, dir.join("attacks.log.1")).unwrap();
        out.line("two").unwrap();
        out.reopen().unwrap();
        out.line("three").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("attacks.log.1")).unwrap(),
            "one\ntwo\n"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "three\n");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
