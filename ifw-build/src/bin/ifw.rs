//! `ifw`: check QFace files, dump their model, and write the `.rep` files or everything
//! `build.rs` would generate.
//!
//! ```text
//! ifw check FILE… [-I PATH]… [-A FILE]…              report every error and warning; exit 1 on error
//! ifw dump --json FILE… [-I PATH]… [-A FILE]…        the model as the reference oracle's canonical JSON
//! ifw rep FILE… [-o DIR] [--self-contained] [-I PATH]… [-A FILE]…
//!                                                     one <interface lower>.rep per interface
//! ifw gen FILE… -o DIR [--rep] [--self-contained] [--no-proto] [-I PATH]… [-A FILE]…
//!                                                     the files compile() writes, byte for byte
//! ```
//!
//! `rep` and `gen` write the files of every module read (the files' own and those found on the
//! import paths), print each path written on stdout, and warnings on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ifw_build::rep::RepMode;
use ifw_build::{Error, Frontend, Parsed};

#[derive(Parser)]
#[command(name = "ifw", version, about = "QFace IDL tools of ifw")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check QFace files: every error and warning with its position and a snippet.
    Check(Inputs),
    /// Print the model as canonical JSON (the format of the reference oracle's `dump.py --resolve`).
    Dump {
        /// Print JSON (the only format so far).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Write the Qt Remote Objects `.rep` file of every interface (`<interface lower>.rep`).
    Rep {
        /// The output directory (created if needed).
        #[arg(short = 'o', long = "out", default_value = ".")]
        out_dir: PathBuf,
        /// Declare the enums, flags and structs in the `.rep` (for plain Qt Remote Objects, without
        /// Qt Interface Framework's headers).
        #[arg(long)]
        self_contained: bool,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Write what `ifw_build::compile` writes from build.rs: `<module>.rs` and `<module>.proto`
    /// for every module (and the `.rep` files with `--rep`), the same bytes.
    Gen {
        /// The output directory (created if needed).
        #[arg(short = 'o', long = "out")]
        out_dir: PathBuf,
        /// Also write the `.rep` file of every interface.
        #[arg(long)]
        rep: bool,
        /// Write the `.rep` files self-contained (implies `--rep`).
        #[arg(long)]
        self_contained: bool,
        /// Do not write the `.proto` files.
        #[arg(long)]
        no_proto: bool,
        #[command(flatten)]
        inputs: Inputs,
    },
}

#[derive(Args)]
struct Inputs {
    /// The .qface files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// An import search path (a directory searched for .qface files, or a file).
    #[arg(short = 'I', long = "import")]
    import_paths: Vec<PathBuf>,
    /// An extra annotation YAML file, merged after all documents.
    #[arg(short = 'A', long = "annotations")]
    annotation_files: Vec<PathBuf>,
    /// Do not merge the `<stem>.yaml` beside each file (check, dump and rep).
    #[arg(long)]
    no_yaml: bool,
}

impl Inputs {
    fn frontend(&self) -> Frontend {
        let mut frontend = Frontend::new().sidecar_yaml(!self.no_yaml);
        for p in &self.import_paths {
            frontend = frontend.import_path(p);
        }
        for a in &self.annotation_files {
            frontend = frontend.annotation_file(a);
        }
        frontend
    }

    /// The build.rs configuration these inputs stand for.
    fn builder(&self) -> ifw_build::Builder {
        let mut builder = ifw_build::configure();
        for p in &self.import_paths {
            builder = builder.import_path(p);
        }
        for a in &self.annotation_files {
            builder = builder.annotation_file(a);
        }
        builder
    }
}

/// Why a command failed.
enum Failure {
    /// The library's error (diagnostics are rendered in full).
    Build(Error),
    /// An output file could not be written.
    Write(PathBuf, std::io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Build(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Build(Error::Diagnostics(diagnostics))) => {
            eprintln!("{diagnostics}");
            ExitCode::FAILURE
        }
        Err(Failure::Build(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Err(Failure::Write(path, e)) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn run(command: &Command) -> Result<(), Failure> {
    match command {
        Command::Check(inputs)
        | Command::Dump {
            json: false,
            inputs,
        } => {
            let parsed = parse(inputs)?;
            eprintln!(
                "{} file(s) ok, {} warning(s)",
                inputs.files.len(),
                parsed.diagnostics.len()
            );
            Ok(())
        }
        Command::Dump { json: true, inputs } => {
            let parsed = parse(inputs)?;
            let dump = ifw_build::model::json::dump(&parsed.system);
            // A `serde_json::Value` always serializes.
            println!(
                "{}",
                serde_json::to_string_pretty(&dump).unwrap_or_default()
            );
            Ok(())
        }
        Command::Rep {
            out_dir,
            self_contained,
            inputs,
        } => {
            let parsed = parse(inputs)?;
            let mode = if *self_contained {
                RepMode::SelfContained
            } else {
                RepMode::QtInterfaceFramework
            };
            let files = rep_files(&parsed, mode)?;
            write(out_dir, &files)
        }
        Command::Gen {
            out_dir,
            rep,
            self_contained,
            no_proto,
            inputs,
        } => {
            let mut builder = inputs
                .builder()
                .emit_proto(!no_proto)
                .emit_rep(*rep || *self_contained);
            if *self_contained {
                builder = builder.rep_mode(RepMode::SelfContained);
            }
            let parsed = builder.parse(&inputs.files)?;
            for d in &parsed.diagnostics {
                eprintln!("{d}");
            }
            let files = builder.generate(&parsed)?;
            write(out_dir, &files)
        }
    }
}

/// Runs the front end; prints the warnings.
fn parse(inputs: &Inputs) -> Result<Parsed, Failure> {
    let parsed = inputs.frontend().parse_files(&inputs.files)?;
    for d in &parsed.diagnostics {
        eprintln!("{d}");
    }
    Ok(parsed)
}

/// The `.rep` file of every interface of every module, all errors collected.
fn rep_files(parsed: &Parsed, mode: RepMode) -> Result<Vec<(String, String)>, Failure> {
    let system = &parsed.system;
    let mut files = Vec::new();
    let mut errors = ifw_build::Diagnostics::default();
    for module in system.modules.values() {
        let source = system.file_name_of(module);
        for interface in module.interfaces.values() {
            match ifw_build::rep::emit_interface_in(mode, system, module, interface, &source) {
                Ok(text) => files.push((ifw_build::rep::rep_file_name(interface), text)),
                Err(d) => errors.push(d),
            }
        }
    }
    if errors.has_errors() {
        return Err(Failure::Build(Error::Diagnostics(errors)));
    }
    Ok(files)
}

/// Writes the files into `dir`, printing each path.
fn write(dir: &Path, files: &[(String, String)]) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure::Write(dir.to_path_buf(), e))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Failure::Write(path.clone(), e))?;
        println!("{}", path.display());
    }
    Ok(())
}
