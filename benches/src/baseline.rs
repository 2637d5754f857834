//! The Python baselines the benchmarks run in the same run: a script of the reference qface
//! parser (`shared/oracle/bench.py`) or ours over it (`benches/py/rep_baseline.py`), run by the
//! Python that has qface 2.0.14 installed (`IFW_ORACLE_PYTHON`, or `~/.cache/qface-oracle`, which
//! `shared/oracle/setup.sh` makes).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A baseline script and the Python to run it with.
#[derive(Debug, Clone)]
pub struct PythonBaseline {
    python: PathBuf,
    script: PathBuf,
}

impl PythonBaseline {
    /// The baseline `script`, if it and the qface Python exist.
    pub fn find(script: PathBuf) -> Option<Self> {
        let python = std::env::var_os("IFW_ORACLE_PYTHON")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".cache/qface-oracle/bin/python"))
            })?;
        (script.is_file() && python.is_file()).then_some(Self { python, script })
    }

    /// The script's best total of three in-process runs on `file` (its `best total <s>s` line).
    pub fn best(&self, file: &Path) -> Option<Duration> {
        let out = Command::new(&self.python)
            .arg(&self.script)
            .args(["--repeat", "3"])
            .arg(file)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!("baseline failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let best = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("best total "))?;
        let seconds: f64 = best.trim_end_matches('s').parse().ok()?;
        Some(Duration::from_secs_f64(seconds))
    }
}
