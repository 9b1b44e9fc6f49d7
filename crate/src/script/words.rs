//! The language's reserved words: statement keywords ([`KEYWORDS`]), the words that
//! start a fault action ([`ACTION_WORDS`]), and the rule that keeps declared names apart
//! from them and from node names ([`name_error`]). Shared by the statement dispatch
//! (`parser`), the declarations (`decls`, `pipeline`) and the timeline (`timeline`).

use super::errors::Diagnostic;
use super::lexer::Token;
use super::settings::Loc;

/// Statement keywords, in the order suggestions prefer them.
pub const KEYWORDS: &[&str] = &[
    "at", "brokers", "consumer", "expect", "features", "hardware", "kafka", "network", "pipeline", "producer", "run",
    "seed", "topic",
];

/// Words that start a fault action (and so cannot name a producer or consumer).
pub const ACTION_WORDS: &[&str] = &["crash", "cut", "delay", "drop", "heal", "isolate", "pause", "restart", "shutdown"];

/// Words a producer or consumer may not be called.
fn reserved(name: &str) -> bool {
    KEYWORDS.contains(&name)
        || ACTION_WORDS.contains(&name)
        || name == "controller"
        || name == "leader"
        || name.strip_prefix("broker-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What is wrong with `nt` as the name of a producer, consumer or pipeline (`kind`).
pub fn name_error(kind: &str, nt: &Token, at: &Loc) -> Option<Diagnostic> {
    let name = &nt.raw;
    let valid = !nt.quoted && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Some(at.diag(format!("invalid {kind} name '{name}'"), "names use letters, digits, '-' and '_'"));
    }
    if reserved(name) {
        return Some(at.diag(
            format!("'{name}' cannot name a {kind}"),
            "it is a keyword or a node name (broker-N, controller); pick another name",
        ));
    }
    None
}
