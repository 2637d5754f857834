//! Source text and positions: the input as characters, 0-based line and column for errors,
//! and libyaml's reader check for printable characters.

use super::value::YamlError;

/// The input as characters (saphyr's marks count characters), with line starts for positions.
pub(super) struct Source {
    pub(super) chars: Vec<char>,
    pub(super) line_starts: Vec<usize>,
}

impl Source {
    pub(super) fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut line_starts = vec![0];
        for (i, &c) in chars.iter().enumerate() {
            let crlf = c == '\r' && chars.get(i + 1) == Some(&'\n');
            // libyaml also breaks lines at NEL, LS and PS (YAML 1.1).
            if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') && !crlf {
                line_starts.push(i + 1);
            }
        }
        Source { chars, line_starts }
    }

    pub(super) fn at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    /// 0-based (line, column) of a character index.
    pub(super) fn position(&self, index: usize) -> (usize, usize) {
        let line = self
            .line_starts
            .partition_point(|&start| start <= index)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        (line, index.saturating_sub(start))
    }

    pub(super) fn column(&self, index: usize) -> usize {
        self.position(index).1
    }

    pub(super) fn error(&self, index: usize, message: impl Into<String>) -> YamlError {
        let (line, column) = self.position(index);
        YamlError {
            message: message.into(),
            line,
            column,
        }
    }

    /// An error with its character index (to pick the first of several).
    pub(super) fn fail(&self, index: usize, message: impl Into<String>) -> Located {
        (index, self.error(index, message))
    }
}

/// An error and the character index it points at.
pub(super) type Located = (usize, YamlError);

/// libyaml's reader accepts only printable characters (reader.c `yaml_parser_update_buffer`)
/// and checks the whole buffer before the scanner sees a token.
pub(super) fn check_printable(src: &Source) -> Result<(), YamlError> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}')
            || matches!(c, '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    };
    match src.chars.iter().position(|&c| !printable(c)) {
        None => Ok(()),
        Some(index) => {
            let code = src.at(index).map_or(0, u32::from);
            Err(src.error(
                index,
                format!("unacceptable character #x{code:04x}: control characters are not allowed"),
            ))
        }
    }
}
