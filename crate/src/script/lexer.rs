//! Splits one scenario line into located words.
//!
//! Rules (SCENARIO_LANGUAGE.md, "Lexical rules"): words are separated by spaces or tabs;
//! `#` outside quotes starts a comment; `"..."` quotes a stretch of text (with `\"` and
//! `\\` escapes) and may appear inside a word (`value="a b"`); `->` is always a word of
//! its own, even when glued (`broker-1->app`). A word holding `=` outside quotes is also
//! split into key and value ([`KeyValue`]).
//!
//! Columns are 1-based and count characters (not bytes), so diagnostics underline the
//! right place in any editor. The lexer never fails on odd input: an unterminated quote
//! is reported as a [`LexError`] and the rest of the line is taken as the quoted text.

/// One word of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word with quotes removed and escapes applied.
    pub text: String,
    /// The word exactly as written.
    pub raw: String,
    /// 1-based column of the first character.
    pub col: u32,
    /// 1-based column just past the last character.
    pub end: u32,
    /// Whether any part of the word was quoted.
    pub quoted: bool,
    /// `key=value` split at the first `=` outside quotes.
    pub kv: Option<KeyValue>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub key_col: u32,
    pub key_end: u32,
    /// The value, unquoted.
    pub value: String,
    pub value_col: u32,
    pub value_end: u32,
    /// Whether the value (or part of it) was quoted: `key="null"` is the text `null`.
    pub value_quoted: bool,
}

impl Token {
    pub fn is_arrow(&self) -> bool {
        !self.quoted && self.raw == "->"
    }
}

/// A lexical problem on a line (currently: an unterminated quote).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub col: u32,
    pub end: u32,
    pub message: String,
    pub hint: String,
}

/// The words of one line, plus the column where a comment started (if any) and the
/// character length of the code part (for "missing word" diagnostics at end of line).
#[derive(Clone, Debug, Default)]
pub struct Line {
    pub tokens: Vec<Token>,
    pub errors: Vec<LexError>,
    /// 1-based column just past the last code character (before any comment).
    pub code_end: u32,
}

/// Builder for the word being scanned.
struct Word {
    text: String,
    raw: String,
    col: u32,
    quoted: bool,
    /// (text length in chars, raw column) at the first `=` outside quotes.
    eq: Option<(usize, u32)>,
    /// Whether anything after the `=` was quoted.
    value_quoted: bool,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Lexes one line (without its newline).
pub fn lex_line(line: &str) -> Line {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Line::default();
    let mut cur: Option<Word> = None;
    let mut i = 0usize;
    let mut code_end = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let col = to_u32(i + 1);
        if c == '#' {
            break;
        }
        if c == ' ' || c == '\t' || c == '\r' || c == '\u{feff}' {
            finish(&mut cur, &mut out.tokens);
            i += 1;
            continue;
        }
        code_end = i + 1;
        if c == '-' && chars.get(i + 1) == Some(&'>') {
            finish(&mut cur, &mut out.tokens);
            out.tokens.push(Token {
                text: "->".into(),
                raw: "->".into(),
                col,
                end: col.saturating_add(2),
                quoted: false,
                kv: None,
            });
            i += 2;
            code_end = i;
            continue;
        }
        let w = cur.get_or_insert_with(|| Word {
            text: String::new(),
            raw: String::new(),
            col,
            quoted: false,
            eq: None,
            value_quoted: false,
        });
        if c == '"' {
            w.quoted = true;
            if w.eq.is_some() {
                w.value_quoted = true;
            }
            w.raw.push('"');
            let mut j = i + 1;
            let mut closed = false;
            while j < chars.len() {
                let d = chars[j];
                w.raw.push(d);
                if d == '\\' && j + 1 < chars.len() && (chars[j + 1] == '"' || chars[j + 1] == '\\') {
                    w.text.push(chars[j + 1]);
                    w.raw.push(chars[j + 1]);
                    j += 2;
                    continue;
                }
                if d == '"' {
                    closed = true;
                    break;
                }
                w.text.push(d);
                j += 1;
            }
            if !closed {
                out.errors.push(LexError {
                    col,
                    end: to_u32(chars.len() + 1),
                    message: "unterminated string: a '\"' opens it but none closes it".into(),
                    hint: "close the string with '\"' (write \\\" for a quote inside it)".into(),
                });
                i = chars.len();
                code_end = i;
                break;
            }
            i = j + 1;
            code_end = i;
            continue;
        }
        if c == '=' && w.eq.is_none() {
            w.eq = Some((w.text.chars().count(), col));
        }
        w.text.push(c);
        w.raw.push(c);
        i += 1;
    }
    let end_col = to_u32(code_end + 1);
    finish(&mut cur, &mut out.tokens);
    out.code_end = end_col;
    out
}

fn finish(cur: &mut Option<Word>, tokens: &mut Vec<Token>) {
    let Some(w) = cur.take() else { return };
    let end = w.col.saturating_add(to_u32(w.raw.chars().count())).max(w.col.saturating_add(1));
    let kv = w.eq.map(|(n, eq_col)| KeyValue {
        key: w.text.chars().take(n).collect(),
        key_col: w.col,
        key_end: eq_col,
        value: w.text.chars().skip(n + 1).collect(),
        value_col: eq_col.saturating_add(1),
        value_end: end.max(eq_col.saturating_add(1)),
        value_quoted: w.value_quoted,
    });
    tokens.push(Token { text: w.text, raw: w.raw, col: w.col, end, quoted: w.quoted, kv });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        lex_line(s).tokens.into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_on_spaces_and_tabs_and_drops_comments() {
        assert_eq!(words("at 0ms\tapp send  orders # a comment"), ["at", "0ms", "app", "send", "orders"]);
        assert!(lex_line("# only a comment").tokens.is_empty());
        assert!(lex_line("   ").tokens.is_empty());
    }

    #[test]
    fn columns_are_one_based_characters() {
        let l = lex_line("é topic x");
        assert_eq!(l.tokens[1].col, 3);
        assert_eq!(l.tokens[1].end, 8);
        assert_eq!(l.tokens[2].col, 9);
    }

    #[test]
    fn quoted_values_keep_spaces_hash_and_escapes() {
        let l = lex_line(r#"app send t value="a b # \"c\"" sync"#);
        let t = &l.tokens[3];
        assert_eq!(t.text, r#"value=a b # "c""#);
        let kv = t.kv.as_ref().unwrap();
        assert_eq!(kv.key, "value");
        assert_eq!(kv.value, r#"a b # "c""#);
        assert!(kv.value_quoted);
        assert_eq!(l.tokens[4].text, "sync");
    }

    #[test]
    fn key_value_columns() {
        let l = lex_line("producer app linger.ms=5");
        let kv = l.tokens[2].kv.as_ref().unwrap();
        assert_eq!((kv.key.as_str(), kv.key_col, kv.key_end), ("linger.ms", 14, 23));
        assert_eq!((kv.value.as_str(), kv.value_col, kv.value_end), ("5", 24, 25));
        let l = lex_line("producer app acks=");
        let kv = l.tokens[2].kv.as_ref().unwrap();
        assert_eq!(kv.value, "");
    }

    #[test]
    fn arrow_is_its_own_word() {
        assert_eq!(words("drop broker-1->app count=1"), ["drop", "broker-1", "->", "app", "count=1"]);
        assert_eq!(words("cut a -> b"), ["cut", "a", "->", "b"]);
        assert!(lex_line("a -> b").tokens[1].is_arrow());
    }

    #[test]
    fn unterminated_quote_is_an_error_not_a_panic() {
        let l = lex_line(r#"app send t value="abc"#);
        assert_eq!(l.errors.len(), 1);
        assert_eq!(l.errors[0].col, 18);
        let l = lex_line(r#"x "\"#);
        assert_eq!(l.errors.len(), 1);
    }
}
