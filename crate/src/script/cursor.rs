//! A statement as the parsers read it: one non-empty line's located words ([`Stmt`]),
//! with the places diagnostics point at, and [`set_prop`] for its `name=value` words.
//! Every statement reader (`decls`, `pipeline`, `timeline*`, `expect*`) takes a
//! [`Stmt`]; this module needs none of them.

use super::lexer::Token;
use super::settings::{Loc, SetProp};

/// One non-empty line.
#[derive(Clone, Debug)]
pub struct Stmt {
    pub line: u32,
    pub tokens: Vec<Token>,
    /// The line's text (for `expect`, which reads its clauses from the text).
    pub text: String,
    /// Column just past the last code character (where a missing word would go).
    pub code_end: u32,
}

impl Stmt {
    pub fn loc(&self, t: &Token) -> Loc {
        Loc { line: self.line, col: t.col, end: t.end, word: t.raw.clone() }
    }
    /// The place just after the last word, for "expected X" at end of line.
    pub fn end_loc(&self) -> Loc {
        Loc { line: self.line, col: self.code_end, end: self.code_end, word: String::new() }
    }
    /// Location of token `i`, or end of line when there is none.
    pub fn loc_at(&self, i: usize) -> Loc {
        self.tokens.get(i).map(|t| self.loc(t)).unwrap_or_else(|| self.end_loc())
    }
}

/// Turns a `name=value` token into a [`SetProp`].
pub fn set_prop(st: &Stmt, t: &Token) -> Option<SetProp> {
    let kv = t.kv.as_ref()?;
    let at = |col: u32, end: u32, word: &str| Loc { line: st.line, col, end, word: word.to_string() };
    Some(SetProp {
        name: kv.key.clone(),
        value: kv.value.clone(),
        key: at(kv.key_col, kv.key_end, &kv.key),
        val: at(kv.value_col, kv.value_end, &kv.value),
        whole: st.loc(t),
    })
}
