//! `ifw`: check QFace files and dump their model.
//!
//! ```text
//! ifw check FILE… [-I PATH]… [-A FILE]…     report every error and warning; exit 1 on error
//! ifw dump --json FILE… [-I PATH]… [-A FILE]…   the model as the reference oracle's canonical JSON
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ifw_build::{Error, Frontend};

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
    /// Do not merge the `<stem>.yaml` beside each file.
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (inputs, json) = match &cli.command {
        Command::Check(inputs) => (inputs, false),
        Command::Dump { json, inputs } => (inputs, *json),
    };
    match inputs.frontend().parse_files(&inputs.files) {
        Ok(parsed) => {
            for d in &parsed.diagnostics {
                eprintln!("{d}");
            }
            if json {
                let dump = ifw_build::model::json::dump(&parsed.system);
                match serde_json::to_string_pretty(&dump) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                eprintln!(
                    "{} file(s) ok, {} warning(s)",
                    inputs.files.len(),
                    parsed.diagnostics.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Error::Diagnostics(diagnostics)) => {
            eprintln!("{diagnostics}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
