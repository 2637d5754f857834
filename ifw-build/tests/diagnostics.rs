//! One test per diagnostic: what the reference rejects, what it silently drops or skips, and the
//! form of the report (file:line:col, snippet, every error of a file).

mod support;

use ifw_build::{Error, Frontend};
use support::{error, errors};

fn assert_error(text: &str, line: usize, needle: &str) {
    let (l, message) = error(text);
    assert!(
        message.contains(needle),
        "message {message:?} lacks {needle:?}"
    );
    assert_eq!(l, line, "{message}");
}

#[test]
fn an_unknown_character_is_an_error_not_skipped() {
    assert_error(
        "module a 1.0\n# a shell comment\ninterface I {}",
        2,
        "unexpected character '#'",
    );
}

#[test]
fn an_unterminated_block_comment() {
    let all = errors("module a 1.0\n/* never closed\ninterface I {}");
    assert_eq!(all[0].0, 2);
    assert!(all[0].1.contains("never closed"));
}

#[test]
fn an_unterminated_string() {
    assert!(
        errors("module a 1.0\ninterface I { string s = \"open }")[0]
            .1
            .contains("string is never closed")
    );
}

#[test]
fn an_escape_the_grammar_does_not_know() {
    assert_error(
        "module a 1.0\ninterface I { string s = 'it\\'s' }",
        2,
        "unknown escape `\\'`",
    );
}

#[test]
fn an_empty_doc_comment_that_swallows_code() {
    let all = errors("module a 1.0\n/**/ interface Lost {}\n/* c */\ninterface Kept {}");
    assert!(
        all.iter().any(|(l, m)| *l == 2 && m.contains("swallowing")),
        "{all:?}"
    );
    // Swallowing to the end of the file: one error, not a second one about the missing
    // definition after the doc comment (an echo of the first).
    let all = errors("module a 1.0\n/**/ interface Lost {}\n/* end */\n");
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].1.contains("swallowing"), "{all:?}");
}

#[test]
fn an_octal_looking_enum_value() {
    assert_error("module a 1.0\nenum E { A = 010 }", 2, "cannot start with 0");
}

#[test]
fn the_ignored_tail_is_an_error() {
    assert_error(
        "module a 1.0\ninterface A {}\nstrcut S {}\n",
        3,
        "found `strcut`",
    );
    assert_error("module a 1.0\ninterface A {}\n}\n", 3, "found `}`");
    assert_error("module a 1.0;;\n", 1, "found `;`");
    assert_error("module a 1.10\ninterface A {}", 1, "found `0`");
}

#[test]
fn a_second_module_or_a_late_import() {
    assert_error(
        "module a 1.0\ninterface A {}\nmodule b 1.0",
        3,
        "one module",
    );
    assert_error(
        "module a 1.0\ninterface A {}\nimport b 1.0",
        3,
        "imports come right after",
    );
}

#[test]
fn versions_are_one_digit_dot_one_digit() {
    assert_error("module a 1\n", 1, "version");
    assert!(!errors("module a 10.0").is_empty());
    assert_error("module a 1.0\nimport b\ninterface I {}", 3, "version");
}

#[test]
fn doc_comments_before_tags_only_once_and_never_dangling() {
    assert_error(
        "module a 1.0\n@x: 1\n/** late */\ninterface I {}",
        3,
        "found a doc comment",
    );
    assert_error(
        "module a 1.0\n/** a */\n/** b */\ninterface I {}",
        3,
        "found a doc comment",
    );
    assert_error(
        "module a 1.0\ninterface I { int a\n/** dangling */\n}",
        4,
        "after the doc comment",
    );
    assert_error(
        "module a 1.0\ninterface I { void f(/** p */ int a) }",
        2,
        "found a doc comment",
    );
    assert_error(
        "module a 1.0\ninterface I {}\n/** at the end */",
        3,
        "found the end of the file",
    );
}

#[test]
fn tags_on_imports_or_parameters() {
    assert!(!errors("module a 1.0\n@x: 1\nimport b 1.0").is_empty());
    assert_error(
        "module a 1.0\ninterface I { void f(\n@x: 1\nint a) }",
        3,
        "annotation",
    );
}

#[test]
fn keywords_cannot_be_names() {
    assert_error(
        "module a 1.0\ninterface I { int list; }",
        2,
        "the keyword `list`",
    );
}

#[test]
fn modifiers_only_where_the_grammar_allows_them() {
    assert_error(
        "module a 1.0\ninterface I { readonly const int a }",
        2,
        "found the keyword `const`",
    );
    assert!(!errors("module a 1.0\ninterface I { readonly void f() }").is_empty());
    assert!(!errors("module a 1.0\ninterface I { signal int s() }").is_empty());
    assert!(!errors("module a 1.0\ninterface I { signal s() const }").is_empty());
    assert!(!errors("module a 1.0\nstruct S { readonly int a }").is_empty());
}

#[test]
fn void_only_as_an_operation_result() {
    assert!(!errors("module a 1.0\nstruct S { void a }").is_empty());
    assert!(!errors("module a 1.0\ninterface I { list<void> a }").is_empty());
    assert!(!errors("module a 1.0\ninterface I { void f(void a) }").is_empty());
}

#[test]
fn containers_take_one_type_argument() {
    assert_error(
        "module a 1.0\ninterface I { map<string, int> m }",
        2,
        "one type argument",
    );
    assert!(!errors("module a 1.0\ninterface I { list l }").is_empty());
}

#[test]
fn defaults_must_be_quoted_strings() {
    assert_error(
        "module a 1.0\ninterface I { int a = 5 }",
        2,
        "quoted string",
    );
}

#[test]
fn doubled_separators() {
    assert!(!errors("module a 1.0\ninterface I { void f(int a,, int b) }").is_empty());
    assert!(!errors("module a 1.0\ninterface I { int a;; }").is_empty());
}

#[test]
fn enum_values_are_integers() {
    assert_error("module a 1.0\nenum E { A = 1.5 }", 2, "integer value");
    assert_error("module a 1.0\nenum E { A = \"1\" }", 2, "integer value");
}

#[test]
fn a_missing_closing_brace() {
    // The end of the file is marked right after the last token, on a line the snippet shows.
    let text = "module a 1.0\ninterface I { int a\n\n// trailing\n";
    assert_error(text, 2, "found the end of the file");
    let err = Frontend::new().parse_str("api.qface", text).unwrap_err();
    let rendered = err.to_string();
    assert!(rendered.contains("api.qface:2:20"), "{rendered}");
    assert!(rendered.contains("interface I { int a"), "{rendered}");
}

#[test]
fn an_empty_or_comment_only_file() {
    assert_error("", 1, "expected `module`");
    assert!(errors("// nothing\n")[0].1.contains("expected `module`"));
}

#[test]
fn every_error_of_a_file_is_reported() {
    let text = "module a 1.0\ninterface A { int = }\nstruct B { int }\nenum C { D = 010 }\ninterface E { int x }\nflag F { G = x }";
    let lines: Vec<usize> = errors(text).into_iter().map(|(l, _)| l).collect();
    assert_eq!(lines, [2, 3, 4, 6]);
}

#[test]
fn a_report_names_file_line_column_and_shows_the_snippet() {
    let Err(Error::Diagnostics(d)) = Frontend::new().parse_str(
        "lamp.qface",
        "module a 1.0\ninterface Lamp {\n    int brightness = 5\n}",
    ) else {
        panic!("expected errors");
    };
    let text = d.to_string();
    assert!(text.contains("--> lamp.qface:3:22"), "{text}");
    assert!(text.contains("int brightness = 5"), "{text}");
    assert!(text.contains('^'), "{text}");
    assert!(text.ends_with("1 error(s), 0 warning(s)"), "{text}");
    let short = d.iter().next().map(|x| x.short()).unwrap_or_default();
    assert!(
        short.starts_with("lamp.qface:3:22: error: expected a quoted string"),
        "{short}"
    );
}

#[test]
fn a_module_declared_in_two_files_is_replaced_with_a_warning() {
    let dir = std::env::temp_dir().join(format!("ifw-twice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (one, two) = (dir.join("one.qface"), dir.join("two.qface"));
    std::fs::write(&one, "module m 1.0\ninterface First {}").expect("write");
    std::fs::write(&two, "module m 1.0\ninterface Second {}").expect("write");
    let parsed = Frontend::new().parse_files(&[&one, &two]).expect("parses");
    let m = &parsed.system.modules["m"];
    assert_eq!(
        m.interfaces.keys().map(|k| &**k).collect::<Vec<_>>(),
        ["Second"]
    );
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|d| d.message().contains("declared again"))
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_missing_file_is_an_error() {
    let Err(Error::Diagnostics(d)) = Frontend::new().parse_files(&["/nonexistent/x.qface"]) else {
        panic!("expected an error");
    };
    assert!(d.to_string().contains("cannot read /nonexistent/x.qface"));
}

#[test]
fn a_zone_parameter_in_a_zoned_interface_is_a_warning() {
    let text = "module m 1.0\n@config: { zoned: true }\ninterface Z {\n    void op(string zone);\n    signal s(int zone);\n    void fine(int level);\n}\ninterface Plain {\n    void op(string zone);\n}\n";
    let warnings = support::warnings(text);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("operation `op` of zoned interface `Z`"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("signal `s` of zoned interface `Z`"),
        "{warnings:?}"
    );
}
