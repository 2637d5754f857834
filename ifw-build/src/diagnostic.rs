//! Diagnostics: every error and warning with its file, line, column and a rendered snippet.

use std::fmt;
use std::sync::Arc;

use annotate_snippets::{Level, Renderer, Snippet};

use crate::source::{SourceFile, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The input is accepted, but probably not what was meant.
    Warning,
    /// The input is rejected.
    Error,
}

/// One message about the input, tied to a place in a file when there is one.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    severity: Severity,
    message: String,
    label: Option<String>,
    location: Option<(Arc<SourceFile>, Span)>,
    notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span` of `file`.
    pub fn error(file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, Some((file.clone(), span)), message)
    }

    /// A warning at `span` of `file`.
    pub fn warning(file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, Some((file.clone(), span)), message)
    }

    /// An error with no place in a file (a file that cannot be read, say).
    pub fn global(severity: Severity, message: impl Into<String>) -> Self {
        Self::new(severity, None, message)
    }

    fn new(
        severity: Severity,
        location: Option<(Arc<SourceFile>, Span)>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            message: message.into(),
            label: None,
            location,
            notes: Vec::new(),
        }
    }

    /// Adds the short text shown under the marked span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a note shown after the snippet.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error or a warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The message, without position or snippet.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file this diagnostic points into, if any.
    pub fn file(&self) -> Option<&SourceFile> {
        self.location.as_ref().map(|(f, _)| &**f)
    }

    /// The 1-based line and column this diagnostic points at, if it has a place.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.location
            .as_ref()
            .map(|(file, span)| file.line_col(span.start))
    }

    /// `path:line:col: severity: message`, on one line (for `cargo:warning=` and logs).
    pub fn short(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            Some((file, span)) => {
                let (line, col) = file.line_col(span.start);
                format!(
                    "{}:{line}:{col}: {kind}: {}",
                    file.path().display(),
                    self.message
                )
            }
            None => format!("{kind}: {}", self.message),
        }
    }

    /// The full rendering: message, `--> path:line:col`, the source snippet with the span marked,
    /// and the notes.
    pub fn render(&self) -> String {
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let origin;
        let mut message = level.title(&self.message);
        if let Some((file, span)) = &self.location {
            origin = file.path().display().to_string();
            let (start, end) = snippet_window(file, span);
            let text = &file.text()[start..end];
            let mut mark = span.start.saturating_sub(start)..span.end.saturating_sub(start);
            mark.end = mark.end.clamp(mark.start, text.len());
            if mark.start == mark.end && mark.end < text.len() {
                mark.end += text[mark.end..].chars().next().map_or(0, char::len_utf8);
            }
            let line = file.line_col(start).0;
            let mut annotation = level.span(mark);
            if let Some(label) = &self.label {
                annotation = annotation.label(label);
            }
            message = message.snippet(
                Snippet::source(text)
                    .line_start(line)
                    .origin(&origin)
                    .fold(true)
                    .annotation(annotation),
            );
        }
        for note in &self.notes {
            message = message.footer(Level::Note.title(note));
        }
        Renderer::plain().render(message).to_string()
    }
}

/// The lines around a span: from two lines before to the end of the span's last line (at most
/// twelve lines, so that a span swallowing a whole file still renders briefly).
fn snippet_window(file: &SourceFile, span: &Span) -> (usize, usize) {
    let text = file.text();
    let (first, _) = file.line_col(span.start);
    let (last, _) = file.line_col(span.end.max(span.start));
    let last = last.min(first + 10);
    let start = file.line_start(first.saturating_sub(1));
    let end = file.line_start(last).min(text.len());
    let end = text[..end].trim_end_matches(['\n', '\r']).len().max(start);
    (start, end.max(span.start.min(text.len())))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// All the diagnostics of a run, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Iterates over them.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Orders them by file (in the order files first appear) and position; diagnostics without a
    /// place come first. The sort is stable.
    pub fn sort_by_position(&mut self) {
        let mut files: Vec<&Arc<SourceFile>> = Vec::new();
        for (f, _) in self.0.iter().filter_map(|d| d.location.as_ref()) {
            if !files.iter().any(|known| Arc::ptr_eq(known, f)) {
                files.push(f);
            }
        }
        let key = |d: &Diagnostic| match &d.location {
            None => (0, 0),
            Some((f, span)) => {
                let index = files.iter().position(|known| Arc::ptr_eq(known, f));
                (index.map_or(0, |i| i + 1), span.start)
            }
        };
        let keys: Vec<(usize, usize)> = self.0.iter().map(key).collect();
        let mut keyed: Vec<((usize, usize), Diagnostic)> =
            keys.into_iter().zip(std::mem::take(&mut self.0)).collect();
        // `sort_by_key` is stable: diagnostics at one place keep their order.
        keyed.sort_by_key(|(k, _)| *k);
        self.0 = keyed.into_iter().map(|(_, d)| d).collect();
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.0.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{}", d.render())?;
        }
        let errors = self.error_count();
        let warnings = self.0.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}
