//! Rust source written as text, already laid out the way prettyplease lays it out.
//!
//! Interface code is most of what the generator writes (a 20-property interface is about 45 KB),
//! and building it as `quote!` tokens, parsing them with syn and printing them with prettyplease
//! costs ten times what writing the text costs. So interface code is written line by line by
//! [`Code`], in prettyplease's layout: four spaces per level, no blank lines between items, `///`
//! doc lines, a function signature on one line when it fits in prettyplease's 89 columns and one
//! parameter per line otherwise. Anything else that would not fit in 89 columns is the one case
//! whose layout the writer does not reproduce: the smallest enclosing unit (an item, or a method
//! of an impl or trait) is then parsed and printed by prettyplease. The tests check that every
//! generated file is a fixed point of prettyplease (`unparse(parse(text)) == text`), so the output
//! is exactly what formatting the whole file with prettyplease gives.

use std::fmt::Write as _;

/// prettyplease's line width.
const MARGIN: usize = 89;

/// A unit of code that prettyplease formats when a line of it is too long: where it stands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// An item of the generated module.
    Item,
    /// A method of an `impl` block.
    ImplMember,
    /// A method of a trait.
    TraitMember,
}

/// Rust text being written at some indentation (four spaces per level).
#[derive(Default)]
pub(crate) struct Code {
    out: String,
    indent: usize,
    /// Whether a line of the current unit is wider than the margin.
    overflow: bool,
    /// Where the innermost open unit starts, its kind and the overflow state outside it.
    units: Vec<(usize, Unit, bool)>,
    /// Formatting problems (a unit prettyplease could not parse: a bug in the generator).
    errors: Vec<String>,
    /// Where the text stood after each open block's `{` line.
    blocks: Vec<usize>,
}

impl Code {
    /// An empty text whose lines start at `indent` levels.
    pub(crate) fn at(indent: usize) -> Self {
        Self {
            indent,
            ..Self::default()
        }
    }

    /// The text, or what went wrong formatting a unit.
    pub(crate) fn finish(self) -> Result<String, String> {
        if self.overflow || !self.units.is_empty() {
            return Err("a unit left open, or a line too wide outside any unit".to_string());
        }
        match self.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }

    /// One line of code at the current indentation.
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        let width = self.indent * 4 + text.len(); // bytes, as prettyplease measures
        if width > MARGIN {
            self.overflow = true;
        }
        self.push_indent();
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `text {` and one level deeper.
    pub(crate) fn open(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if text.is_empty() {
            self.line("{");
        } else {
            self.line(format!("{text} {{"));
        }
        self.indent += 1;
        self.blocks.push(self.out.len());
    }

    /// One level shallower and `}` followed by `suffix` (`,` or `;` or nothing); an empty block
    /// becomes `{}` on its opening line.
    pub(crate) fn close(&mut self, suffix: &str) {
        self.indent = self.indent.saturating_sub(1);
        if self.blocks.pop() == Some(self.out.len()) && self.out.ends_with("{\n") {
            self.out.truncate(self.out.len() - 1);
            self.out.push('}');
            self.out.push_str(suffix);
            self.out.push('\n');
            return;
        }
        self.line(format!("}}{suffix}"));
    }

    /// A `///` doc line; `value` is what `#[doc = value]` would hold (usually a leading space).
    /// Doc lines are never broken, whatever their width.
    pub(crate) fn doc(&mut self, value: &str) {
        self.push_indent();
        self.out.push_str("///");
        self.out.push_str(value.trim_end());
        self.out.push('\n');
    }

    /// Doc lines for a QFace doc comment of a member, or `` The `name` kind.`` without one
    /// (`kind`: property, operation, signal, model).
    pub(crate) fn member_doc(&mut self, comment: Option<&str>, kind: &str, name: &str) {
        let lines = comment.map(super::doc_lines).unwrap_or_default();
        if lines.is_empty() {
            self.doc(&format!(" The `{name}` {kind}."));
            return;
        }
        for l in lines {
            if l.is_empty() {
                self.doc("");
            } else {
                self.doc(&format!(" {l}"));
            }
        }
    }

    /// Doc lines for generated text whose paragraphs are separated by `\0` (the first begins
    /// with a space).
    pub(crate) fn doc_paragraphs(&mut self, text: &str) {
        for (i, paragraph) in text.split('\0').enumerate() {
            if i > 0 {
                self.doc("");
                self.doc(&format!(" {paragraph}"));
            } else {
                self.doc(paragraph);
            }
        }
    }

    /// Opens a function: `head(params) -> ret {` on one line when it fits, otherwise
    /// prettyplease's form with one parameter per line. `ret` includes its arrow (` -> T`) or is
    /// empty.
    pub(crate) fn open_fn(&mut self, head: &str, params: &[String], ret: &str) {
        let flat_width = self.indent * 4
            + head.len()
            + 2
            + params
                .iter()
                .map(|p| p.len() + 2)
                .sum::<usize>()
                .saturating_sub(2)
            + ret.len()
            + 2;
        if flat_width <= MARGIN {
            self.open(format!("{head}({}){ret}", params.join(", ")));
            return;
        }
        if params.is_empty() {
            // prettyplease would break inside the return type: leave it to prettyplease.
            self.overflow = true;
            self.open(format!("{head}(){ret}"));
            return;
        }
        self.line(format!("{head}("));
        self.indent += 1;
        for p in params {
            self.line(format!("{p},"));
        }
        self.indent -= 1;
        self.open(format!("){ret}"));
    }

    /// `open items… close` on one line when it fits, otherwise one item per line (with a
    /// trailing comma) between `open` and `close` lines: prettyplease's layout of a list that
    /// breaks consistently (arrays, arguments, tuple fields).
    pub(crate) fn list(&mut self, open: &str, items: &[String], close: &str) {
        let flat = format!("{open}{}{close}", items.join(", "));
        if self.indent * 4 + flat.len() <= MARGIN {
            self.line(flat);
            return;
        }
        self.line(open);
        self.indent += 1;
        for item in items {
            self.line(format!("{item},"));
        }
        self.indent -= 1;
        self.line(close);
    }

    /// `before path { fields } after`: on one line when the struct expression is at most 34
    /// columns wide and the line fits (prettyplease's rule), otherwise one field per line.
    pub(crate) fn struct_expr(&mut self, before: &str, path: &str, fields: &[String], after: &str) {
        let literal = format!("{path} {{ {} }}", fields.join(", "));
        let width = self.indent * 4 + before.len() + literal.len() + after.len();
        // prettyplease measures up to the closing brace, without it.
        if literal.len() <= 35 && width <= MARGIN {
            self.line(format!("{before}{literal}{after}"));
            return;
        }
        self.open(format!("{before}{path}"));
        for f in fields {
            self.line(format!("{f},"));
        }
        self.close(after);
    }

    /// Lines of a fixed template (no indentation of its own) at the current indentation: a code
    /// line that ends with `{` or `(` indents the next ones, one that starts with `}` or `)`
    /// ends that; `///` lines are doc lines.
    pub(crate) fn lines(&mut self, template: &str) {
        for l in template.lines() {
            let l = l.trim_start();
            if let Some(doc) = l.strip_prefix("///") {
                self.doc(doc);
                continue;
            }
            if l.starts_with('}') || l.starts_with(')') {
                self.indent = self.indent.saturating_sub(1);
            }
            self.line(l);
            if l.ends_with('{') || l.ends_with('(') {
                self.indent += 1;
            }
        }
    }

    /// One level deeper (a broken method chain).
    pub(crate) fn indent_in(&mut self) {
        self.indent += 1;
    }

    /// One level shallower.
    pub(crate) fn indent_out(&mut self) {
        self.indent = self.indent.saturating_sub(1);
    }

    /// Whether nothing was written.
    pub(crate) fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Appends `other`, written at the indentation where it goes (its units are closed).
    pub(crate) fn append(&mut self, other: Code) {
        self.overflow |= other.overflow;
        self.out.push_str(&other.out);
        self.errors.extend(other.errors);
    }

    /// A whole function: [`Code::open_fn`], the lines of `body` (as [`Code::lines`] indents
    /// them) and the closing brace.
    pub(crate) fn function(&mut self, head: &str, params: &[String], ret: &str, body: &[String]) {
        self.open_fn(head, params, ret);
        for l in body {
            self.lines(l);
        }
        self.close("");
    }

    /// Starts a unit of kind `unit` at the current position.
    pub(crate) fn begin(&mut self, unit: Unit) {
        self.units.push((self.out.len(), unit, self.overflow));
        self.overflow = false;
    }

    /// Ends the innermost unit: when one of its lines is too wide, replaces its text by
    /// prettyplease's.
    pub(crate) fn end(&mut self) {
        let Some((start, unit, outer)) = self.units.pop() else {
            return;
        };
        if self.overflow {
            match reformat(&self.out[start..], unit) {
                Ok(text) => {
                    self.out.truncate(start);
                    self.out.push_str(&text);
                }
                Err(e) => self.errors.push(e),
            }
        }
        self.overflow = outer;
    }

    fn push_indent(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
    }
}

/// The text of a unit as prettyplease prints it, at the same place: inside the module (and an
/// impl or trait for members).
fn reformat(unit_text: &str, unit: Unit) -> Result<String, String> {
    let (open, frame) = match unit {
        Unit::Item => ("mod m {\n", 1),
        Unit::ImplMember => ("mod m {\nimpl M {\n", 2),
        Unit::TraitMember => ("mod m {\ntrait M {\n", 2),
    };
    let mut source = String::with_capacity(unit_text.len() + 32);
    source.push_str(open);
    source.push_str(unit_text);
    for _ in 0..frame {
        source.push_str("}\n");
    }
    let file = syn::parse_file(&source)
        .map_err(|e| format!("generated Rust that does not parse ({e}):\n{unit_text}"))?;
    let printed = prettyplease::unparse(&file);
    let mut lines: Vec<&str> = printed.lines().collect();
    if lines.len() < 2 * frame {
        return Err(format!(
            "prettyplease printed an unexpected frame:\n{printed}"
        ));
    }
    lines.drain(..frame);
    lines.truncate(lines.len() - frame);
    let mut out = String::with_capacity(unit_text.len() + 64);
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    Ok(out)
}

/// A Rust string literal for `s` (Rust's escapes, as `{:?}` writes them).
pub(crate) fn string_literal(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_stays_on_one_line_up_to_the_margin() {
        for n in 20..40 {
            let mut code = Code::at(2);
            code.begin(Unit::ImplMember);
            code.open_fn(
                &format!("pub async fn {}", "a".repeat(n)),
                &["&self".into(), "value: i32".into()],
                " -> ifw::Result<()>",
            );
            code.line("ifw::work(value).await");
            code.close("");
            code.end();
            let text = code.finish().expect("formats");
            let framed = format!("mod m {{\n    impl M {{\n{text}    }}\n}}\n");
            let printed = prettyplease::unparse(&syn::parse_file(&framed).expect("parses"));
            assert_eq!(printed, framed, "name of {n} characters");
        }
    }

    #[test]
    fn a_unit_with_a_long_line_is_printed_by_prettyplease() {
        let mut code = Code::at(1);
        code.begin(Unit::Item);
        code.open("fn f()");
        code.line(format!("g({});", ["some_argument"; 8].join(", ")));
        code.close("");
        code.end();
        let text = code.finish().expect("formats");
        assert!(text.contains("        some_argument,\n"), "{text}");
        let framed = format!("mod m {{\n{text}}}\n");
        let printed = prettyplease::unparse(&syn::parse_file(&framed).expect("parses"));
        assert_eq!(printed, framed);
    }

    #[test]
    fn string_literals_escape_what_they_must() {
        assert_eq!(string_literal("a\"b\\c\n"), r#""a\"b\\c\n""#);
    }
}
