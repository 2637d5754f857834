//! A peer process driven line by line: commands to its standard input, its standard output read
//! as lines in the background and waited for with a deadline. Killed when dropped.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

/// A running peer process; killed when dropped.
#[derive(Debug)]
pub struct LinePeer {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl LinePeer {
    /// Starts `binary` with `args` (inside a Tokio runtime).
    ///
    /// # Errors
    ///
    /// When the process cannot be started.
    pub fn spawn(binary: &Path, args: &[&str]) -> std::io::Result<Self> {
        let mut child = Command::new(binary)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(std::io::Error::other(
                "the child has no piped stdin or stdout",
            ));
        };
        let mut out = BufReader::new(stdout).lines();
        let (tx, lines) = mpsc::channel(256);
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                if tx.send(line).await.is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        })
    }

    /// Reads lines until one `matches` and returns it; `None` when `deadline` passes or the
    /// output ends first. Every line read is kept ([`LinePeer::seen`]).
    pub async fn wait_for(
        &mut self,
        deadline: Duration,
        mut matches: impl FnMut(&str) -> bool,
    ) -> Option<String> {
        let seen = &mut self.seen;
        let lines = &mut self.lines;
        tokio::time::timeout(deadline, async {
            while let Some(line) = lines.recv().await {
                seen.push(line.clone());
                if matches(&line) {
                    return Some(line);
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
    }

    /// Reads lines until `done` holds for every line read so far; whether it did before
    /// `deadline` passed and the output ended.
    pub async fn wait_until(
        &mut self,
        deadline: Duration,
        mut done: impl FnMut(&[String]) -> bool,
    ) -> bool {
        let seen = &mut self.seen;
        let lines = &mut self.lines;
        tokio::time::timeout(deadline, async {
            while !done(seen) {
                match lines.recv().await {
                    Some(line) => seen.push(line),
                    None => return false,
                }
            }
            true
        })
        .await
        .unwrap_or(false)
    }

    /// Every line read so far.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// Writes `line` and a newline to the peer's standard input.
    ///
    /// # Errors
    ///
    /// When the peer's input is closed.
    pub async fn send(&mut self, line: &str) -> std::io::Result<()> {
        self.stdin.write_all(format!("{line}\n").as_bytes()).await?;
        self.stdin.flush().await
    }

    /// Kills the peer now (it is killed when dropped anyway).
    pub fn kill(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Drop for LinePeer {
    fn drop(&mut self) {
        self.kill();
    }
}
