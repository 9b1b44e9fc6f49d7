//! Located diagnostics: how every user mistake comes back (as data, never a panic).
//!
//! A diagnostic names the 1-based `line` and `column` where the offending word starts,
//! the word itself, a message (Kafka's own wording where Kafka has one, e.g.
//! `Invalid value 7 for configuration acks: String must be one of: all, -1, 0, 1`), and a
//! hint that says how to fix it (`did you mean linger.ms?`).

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Diagnostic {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters) where `word` starts.
    pub column: u32,
    /// 1-based column just past the end of `word` (for underlining); >= column.
    pub end_column: u32,
    /// The offending word as written (may be empty at end of line).
    pub word: String,
    pub message: String,
    /// How to fix it; may be empty when nothing useful can be said.
    pub hint: String,
}

impl Diagnostic {
    /// `FILE:LINE:COLUMN: error: MESSAGE` plus the hint on a second line, as the CLI prints it.
    pub fn render(&self, file: &str) -> String {
        let mut s = format!("{}:{}:{}: error: {}", file, self.line, self.column, self.message);
        if !self.hint.is_empty() {
            s.push_str(&format!("\n  hint: {}", self.hint));
        }
        s
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " (hint: {})", self.hint)?;
        }
        Ok(())
    }
}
