//! Builds a small Qt Remote Objects C++ program with `repc`, `moc` and `g++`.
//!
//! The program is built into a temp directory named after a hash of its sources, so a build is
//! reused until they change; it is built aside and renamed into place, so concurrent test
//! binaries never see half a build. The Qt tool directory can be overridden with `QT_LIBEXEC`
//! (default `/usr/lib/qt6/libexec`).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What to install when Qt is missing (Debian/Ubuntu names).
pub const INSTALL_HINT: &str = "apt-get install qt6-remoteobjects-dev libqt6remoteobjects6-bin g++";

/// Why a Qt program could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// `repc`, `moc`, `g++`, `pkg-config` or the Qt headers are not installed.
    QtMissing,
    /// A build step ran and failed; the command and its error output.
    Failed(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::QtMissing => write!(f, "Qt not installed: {INSTALL_HINT}"),
            Self::Failed(e) => f.write_str(e),
        }
    }
}

/// The directory of `repc` and `moc`.
fn libexec() -> PathBuf {
    PathBuf::from(std::env::var_os("QT_LIBEXEC").unwrap_or_else(|| "/usr/lib/qt6/libexec".into()))
}

/// Whether the tools and headers a build needs are there.
pub fn qt_installed() -> bool {
    let pkg = Command::new("pkg-config")
        .args(["--exists", "Qt6RemoteObjects"])
        .status()
        .is_ok_and(|s| s.success());
    let gxx = Command::new("g++")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    pkg && gxx && libexec().join("repc").is_file() && libexec().join("moc").is_file()
}

/// Runs a build step in `dir`; its standard output.
fn run(dir: &Path, cmd: &mut Command) -> Result<String, BuildError> {
    let out = cmd
        .current_dir(dir)
        .output()
        .map_err(|e| BuildError::Failed(format!("cannot run {cmd:?}: {e}")))?;
    if !out.status.success() {
        return Err(BuildError::Failed(format!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Builds `program` from `sources` (file name and text) with `g++ <opt>`; returns the
/// executable's path. Each `.rep` file becomes the merged header `rep_<stem>_merged.h` (repc), each
/// header with a `Q_OBJECT` or `Q_GADGET` (those included) is moc'ed, and every `.cpp` file is
/// compiled; the build directory is on the include path.
///
/// # Errors
///
/// [`BuildError::QtMissing`] when the tools are not installed, [`BuildError::Failed`] with the
/// failing command and its output otherwise.
pub fn build(program: &str, sources: &[(&str, &str)], opt: &str) -> Result<PathBuf, BuildError> {
    if !qt_installed() {
        return Err(BuildError::QtMissing);
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (program, sources, opt).hash(&mut hasher);
    let done = std::env::temp_dir().join(format!("ifw_qt_{program}_{:016x}", hasher.finish()));
    if done.join(program).is_file() {
        return Ok(done.join(program));
    }
    // Built aside, then renamed: a concurrent run never sees a half-built directory.
    let dir = done.with_extension(std::process::id().to_string());
    if let Err(e) = build_in(&dir, program, sources, opt) {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    if std::fs::rename(&dir, &done).is_err() {
        // Another run finished first; its build is as good.
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(done.join(program))
}

/// Writes `sources` into `dir` and builds `program` there.
fn build_in(
    dir: &Path,
    program: &str,
    sources: &[(&str, &str)],
    opt: &str,
) -> Result<(), BuildError> {
    let io = |e: std::io::Error| BuildError::Failed(e.to_string());
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, text) in sources {
        std::fs::write(dir.join(name), text).map_err(io)?;
    }
    let cflags = run(
        dir,
        Command::new("pkg-config").args(["--cflags", "Qt6RemoteObjects", "Qt6Core"]),
    )?;
    let includes: Vec<&str> = cflags
        .split_whitespace()
        .filter(|f| f.starts_with("-I"))
        .collect();
    let moc = |header: &str| -> Result<String, BuildError> {
        let out = format!("moc_{}.cpp", header.trim_end_matches(".h"));
        run(
            dir,
            Command::new(libexec().join("moc"))
                .args(&includes)
                .args([header, "-o", &out]),
        )?;
        Ok(out)
    };
    let mut units: Vec<String> = Vec::new();
    for (name, text) in sources {
        if let Some(stem) = name.strip_suffix(".rep") {
            let header = format!("rep_{stem}_merged.h");
            run(
                dir,
                Command::new(libexec().join("repc")).args(["-o", "merged", name, &header]),
            )?;
            units.push(moc(&header)?);
        } else if name.ends_with(".h") && (text.contains("Q_OBJECT") || text.contains("Q_GADGET")) {
            units.push(moc(name)?);
        } else if name.ends_with(".cpp") {
            units.push((*name).to_owned());
        }
    }
    let flags = run(
        dir,
        Command::new("pkg-config").args([
            "--cflags",
            "--libs",
            "Qt6RemoteObjects",
            "Qt6Core",
            "Qt6Network",
        ]),
    )?;
    run(
        dir,
        Command::new("g++")
            .args(["-std=c++17", "-fPIC", opt, "-I.", "-o", program])
            .args(&units)
            .args(flags.split_whitespace()),
    )?;
    Ok(())
}
