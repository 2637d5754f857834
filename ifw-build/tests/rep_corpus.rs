//! The `.rep` parser, signatures and layouts against Debian's repc 6.4.2 on the shared corpus:
//! every row of `corpus/rep/signatures.tsv`, `corpus/rep/layout.tsv` and
//! `corpus/goldens/ifcodegen/signatures.tsv`, and every `.rep` file under those folders must parse
//! (including the three that need Qt 6.7+ syntax).
//!
//! Run: `cargo test -p ifw-build --features conformance --test rep_corpus -- ../shared/corpus`
//! (or set `IFW_SHARED` to the `shared/` folder; either `shared/` or `shared/corpus` is taken).
//! Without a corpus it fails: it never passes empty. The last line is
//! `rep corpus: N passed, M failed`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ifw_build::rep::{RepFile, layout, parse, signatures};

/// Classes of the three files repc 6.4.2 rejects (Qt 6.7+ syntax): the corpus README gives the
/// signatures repc computed on minimally edited copies (and `SHA1("TestInterface")` by hand).
const DERIVED: [(&str, &str, &str); 3] = [
    (
        "tests/auto/repcodegenerator/classwithattributetest.rep",
        "MyAttributeClass",
        "05feb555e1fa0aca858c5acc6f3ed70e4c64595a",
    ),
    (
        "tests/auto/repcinlib/classwithattributetest.rep",
        "MyAttributeClass",
        "05feb555e1fa0aca858c5acc6f3ed70e4c64595a",
    ),
    (
        "tests/auto/repc/enums/enums.rep",
        "TestInterface",
        "f19325e1d3b9b52e20278c42b98bc6489c3663d5",
    ),
];

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    log: String,
}

impl Tally {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            let _ = writeln!(self.log, "FAIL {}", what());
        }
    }
}

/// The corpus folder from the first argument or `IFW_SHARED`: `shared/` or `shared/corpus`.
fn corpus_dir() -> Option<PathBuf> {
    let base = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("IFW_SHARED").map(PathBuf::from))?;
    Some(if base.join("corpus/rep").is_dir() {
        base.join("corpus")
    } else {
        base
    })
}

fn tsv(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect())
}

/// Parses every `.rep` under `dir` (relative path → result).
fn parse_all(dir: &Path, tally: &mut Tally) -> Result<HashMap<String, RepFile>, String> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "rep") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    if files.is_empty() {
        return Err(format!("no .rep files under {}", dir.display()));
    }
    let mut parsed = HashMap::new();
    for file in files {
        let rel = file
            .strip_prefix(dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        match parse(&text) {
            Ok(rep) => {
                tally.check(true, String::new);
                parsed.insert(rel, rep);
            }
            Err(e) => tally.check(false, || format!("parse {rel}:{e}")),
        }
    }
    Ok(parsed)
}

fn signature_of(files: &HashMap<String, RepFile>, path: &str, class: &str) -> Option<String> {
    let file = files.get(path)?;
    let index = file.classes.iter().position(|c| c.name == class)?;
    signatures(file).into_iter().nth(index)
}

fn check_signatures(
    files: &HashMap<String, RepFile>,
    rows: &[Vec<String>],
    tally: &mut Tally,
) -> (usize, usize) {
    let mut classes = (0, 0);
    for row in rows {
        let [path, class, sha1] = &row[..] else {
            tally.check(false, || format!("malformed row {row:?}"));
            continue;
        };
        if class == "-" {
            // ERROR (Qt 6.7+ syntax, must parse here) or NOCLASS (must parse, no class).
            let Some(file) = files.get(path) else {
                tally.check(false, || format!("{path}: not parsed ({sha1})"));
                continue;
            };
            let ok = if sha1.starts_with("NOCLASS") {
                file.classes.is_empty()
            } else {
                DERIVED
                    .iter()
                    .filter(|(p, _, _)| p == path)
                    .all(|(_, class, expected)| {
                        signature_of(files, path, class).as_deref() == Some(*expected)
                    })
                    && DERIVED.iter().any(|(p, _, _)| p == path)
            };
            tally.check(ok, || {
                format!("{path}: {sha1}: derived signature or class set differs")
            });
            continue;
        }
        let ours = signature_of(files, path, class);
        classes.0 += 1;
        let ok = ours.as_deref() == Some(sha1.as_str());
        classes.1 += usize::from(ok);
        tally.check(ok, || format!("{path} {class}: repc {sha1}, ours {ours:?}"));
    }
    classes
}

fn check_layouts(
    files: &HashMap<String, RepFile>,
    rows: &[Vec<String>],
    tally: &mut Tally,
) -> (usize, usize) {
    let mut matched = 0;
    let mut per_class: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    for row in rows {
        let [path, class_name, kind, index, signature, note] = &row[..] else {
            tally.check(false, || format!("malformed row {row:?}"));
            continue;
        };
        let Some(class) = files.get(path).and_then(|f| f.class(class_name)) else {
            tally.check(false, || format!("{path} {class_name}: class not found"));
            continue;
        };
        let index: usize = index.parse().unwrap_or(usize::MAX);
        let layout = layout(class);
        let counts = per_class
            .entry((path.clone(), class_name.clone()))
            .or_default();
        let ours = match kind.as_str() {
            "property" => {
                counts[0] = layout.properties.len();
                layout
                    .properties
                    .get(index)
                    .map(|p| (p.to_string(), String::new()))
            }
            "signal" => {
                counts[1] = layout.signals.len();
                layout.signals.get(index).map(|s| {
                    let note = s
                        .notifies
                        .map(|p| format!("notifies property {p}"))
                        .unwrap_or_default();
                    (s.signature.to_string(), note)
                })
            }
            "method" => {
                counts[2] = layout.methods.len();
                layout.methods.get(index).map(|m| {
                    (
                        m.signature.to_string(),
                        format!("returns {}", m.return_type),
                    )
                })
            }
            _ => None,
        };
        let ok = ours.as_ref() == Some(&(signature.clone(), note.clone()));
        matched += usize::from(ok);
        tally.check(ok, || {
            format!(
                "{path} {class_name} {kind} {index}: repc {signature:?} {note:?}, ours {ours:?}"
            )
        });
    }
    // No entries beyond what repc lists.
    let mut listed: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    for row in rows {
        let slot = match row[2].as_str() {
            "property" => 0,
            "signal" => 1,
            _ => 2,
        };
        listed.entry((row[0].clone(), row[1].clone())).or_default()[slot] += 1;
    }
    for (key, ours) in &per_class {
        let repc = listed.get(key).copied().unwrap_or_default();
        let ours = [0, 1, 2].map(|k| if repc[k] == 0 { 0 } else { ours[k] });
        let full = files.get(&key.0).and_then(|f| f.class(&key.1)).map(|c| {
            let l = layout(c);
            [l.properties.len(), l.signals.len(), l.methods.len()]
        });
        tally.check(full == Some(repc) && ours == repc, || {
            format!("{} {}: repc counts {repc:?}, ours {full:?}", key.0, key.1)
        });
    }
    (rows.len(), matched)
}

/// Runs every check on the corpus in `corpus` (the `shared/corpus` folder) and prints the
/// results, closing with `rep corpus: N passed, M failed`.
fn run(corpus: &Path) -> Result<Tally, String> {
    let rep_dir = corpus.join("rep");
    let golden_dir = corpus.join("goldens/ifcodegen");
    if !rep_dir.is_dir() || !golden_dir.is_dir() {
        return Err(format!(
            "rep corpus: no corpus/rep and corpus/goldens/ifcodegen under {}",
            corpus.display()
        ));
    }
    let mut tally = Tally::default();
    let rep_files = parse_all(&rep_dir, &mut tally)?;
    let golden_files = parse_all(&golden_dir, &mut tally)?;
    let (qt_total, qt_ok) = check_signatures(
        &rep_files,
        &tsv(&rep_dir.join("signatures.tsv"))?,
        &mut tally,
    );
    let (if_total, if_ok) = check_signatures(
        &golden_files,
        &tsv(&golden_dir.join("signatures.tsv"))?,
        &mut tally,
    );
    let (layout_total, layout_ok) =
        check_layouts(&rep_files, &tsv(&rep_dir.join("layout.tsv"))?, &mut tally);
    // The corpus READMEs: 49 Qt files, 72 ifcodegen files, 70 + 72 classes, 711 layout rows.
    tally.check(rep_files.len() == 49 && golden_files.len() == 72, || {
        format!(
            "expected 49 + 72 .rep files, found {} + {}",
            rep_files.len(),
            golden_files.len()
        )
    });
    tally.check((qt_total, if_total, layout_total) == (70, 72, 711), || {
        format!("expected 70 + 72 signature rows and 711 layout rows, found {qt_total} + {if_total} and {layout_total}")
    });
    print!("{}", tally.log);
    println!(
        "rep corpus: files parsed {}/{} + {}/{}; signatures {qt_ok}/{qt_total} (Qt) + {if_ok}/{if_total} (ifcodegen); layout rows {layout_ok}/{layout_total}",
        rep_files.len(),
        49,
        golden_files.len(),
        72
    );
    println!(
        "rep corpus: {} passed, {} failed",
        tally.passed, tally.failed
    );
    Ok(tally)
}

fn main() -> ExitCode {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "rep corpus: no corpus given: pass the path of shared/corpus as an argument or set IFW_SHARED to shared/"
        );
        println!("rep corpus: 0 passed, 1 failed");
        return ExitCode::FAILURE;
    };
    match run(&corpus) {
        Ok(tally) if tally.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(why) => {
            eprintln!("{why}");
            println!("rep corpus: 0 passed, 1 failed");
            ExitCode::FAILURE
        }
    }
}
