//! Small edits of scenario lines, word by word (the lexer's words, so quotes and
//! comments are respected): what the search renders and what a sweep sets.

use crate::script::lexer::lex_line;

/// The code words of a line as written (quotes kept), without its comment.
pub fn words(line: &str) -> Vec<String> {
    lex_line(line).tokens.into_iter().map(|t| t.raw).collect()
}

pub fn join(words: &[String]) -> String {
    words.join(" ")
}

/// A value as a word: quoted when it holds a space, a quote or a `#`.
pub fn quote(value: &str) -> String {
    if value.is_empty() || value.contains([' ', '\t', '"', '#']) {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        value.to_string()
    }
}

/// Sets `name=value` on a declaration line: replaces the word that sets `name`, or
/// appends one.
pub fn set_option(words: &mut Vec<String>, name: &str, value: &str) {
    let word = format!("{name}={}", quote(value));
    let prefix = format!("{name}=");
    match words.iter().position(|w| w.starts_with(&prefix)) {
        Some(i) => words[i] = word,
        None => words.push(word),
    }
}

/// The time of an `at NNNms ...` line the search rendered (0 for anything else).
pub fn at_ms(line: &str) -> u64 {
    line.strip_prefix("at ").and_then(|r| r.split("ms").next()).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_option_replaces_or_appends_and_keeps_quotes() {
        let mut w = words("producer app acks=1 value=\"a b\"   # comment");
        assert_eq!(w, ["producer", "app", "acks=1", "value=\"a b\""]);
        set_option(&mut w, "acks", "all");
        set_option(&mut w, "linger.ms", "5");
        set_option(&mut w, "client.id", "x y");
        assert_eq!(join(&w), "producer app acks=all value=\"a b\" linger.ms=5 client.id=\"x y\"");
    }
}
