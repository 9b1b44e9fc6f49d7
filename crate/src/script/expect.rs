//! `expect name OP value [name OP value ...]` lines.
//!
//! The clauses are read from the line's characters, not its words, so spacing around
//! the operator is free: `lost=0`, `lost = 0`, `failed>0`, `lost <= 3`. Operators:
//! `=` (also `==`), `!=`, `<`, `<=`, `>`, `>=`. Values are whole numbers.
//!
//! Names: the report's summary fields; `errors.NAME` (the exception class a send
//! callback saw, any identifier); `responses.NAME` (a protocol error name from Kafka's
//! `Errors` enum); `consumers.NAME.records`, `.processed` and `.skipped` for a declared
//! consumer (kplay extension); the consumer-group verdicts `reprocessed` and `skipped`
//! (summary fields); `groups.GROUP.FIGURE` for a `group.id` a declared consumer uses
//! ([`GROUP_FIGURES`]: `rebalances`, `generation`, `lag` (total lag), ...); the pipeline
//! verdicts `pipeline_lost` and `pipeline_duplicated` (summary fields) and
//! `pipelines.NAME.FIGURE` for a declared pipeline ([`PIPELINE_FIGURES`]: `inputs`,
//! `outputs`, `lost`, `duplicated`, `commits`, `aborted`, `processed`, `pending`);
//! the speed figures of all producers (`records_per_sec`, `mb_per_sec` and the latencies
//! `latency_avg`, `latency_max`, `latency_p50`, `latency_p95`, `latency_p99`,
//! `latency_p999`, durations with a unit: `latency_p99<=20ms`); one producer's figures as
//! `perf.PRODUCER.FIGURE` (kplay extension: `perf.app.records_per_sec>=50000`); and
//! `metrics.PRODUCER.NAME` for any Java producer metric (decimals allowed, as for
//! `mb_per_sec`).

use super::ast::{Clause, ClauseUnit, CmpOp, Expect};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::scope::Names;
use super::settings::Loc;
use super::suggest;

/// The speed figures of `report.perf.total` that expectations name.
pub const PERF: &[&str] = &[
    "records_per_sec",
    "mb_per_sec",
    "latency_avg",
    "latency_max",
    "latency_p50",
    "latency_p95",
    "latency_p99",
    "latency_p999",
];

/// The scale a name's value is written in.
pub fn unit_of(name: &str) -> ClauseUnit {
    let figure = name.strip_prefix("perf.").and_then(|r| r.split_once('.')).map_or(name, |(_, f)| f);
    if figure.starts_with("latency_") {
        ClauseUnit::Micros
    } else if figure == "mb_per_sec" || name.starts_with("metrics.") {
        ClauseUnit::Milli
    } else {
        ClauseUnit::Count
    }
}

/// Parses a clause's value in `unit`.
fn parse_value(text: &str, unit: ClauseUnit) -> Result<i64, String> {
    match unit {
        ClauseUnit::Count => text.parse::<i64>().map_err(|_| "values are whole numbers: lost=0, failed>10".to_string()),
        ClauseUnit::Micros => super::units::parse_duration_us(text)
            .ok()
            .and_then(|us| i64::try_from(us).ok())
            .ok_or_else(|| "a latency is a duration with a unit: latency_p99<=20ms, latency_avg<1.5ms".to_string()),
        ClauseUnit::Milli => {
            let (neg, body) = match text.strip_prefix('-') {
                Some(b) => (true, b),
                None => (false, text),
            };
            let (int, frac) = body.split_once('.').unwrap_or((body, ""));
            let ok = !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.len() <= 3
                && frac.bytes().all(|b| b.is_ascii_digit());
            let v = ok
                .then(|| {
                    let i: i64 = int.parse().ok()?;
                    let f: i64 = format!("{frac:0<3}").parse().ok()?;
                    i.checked_mul(1000)?.checked_add(f)
                })
                .flatten()
                .ok_or_else(|| "a number with at most three decimals: mb_per_sec>=4.5".to_string())?;
            Ok(if neg { -v } else { v })
        }
    }
}

pub const SUMMARY: &[&str] = &[
    "sent",
    "acked",
    "failed",
    "pending",
    "delivered",
    "lost",
    "duplicated",
    "reordered",
    "phantom",
    "aborted",
    "deleted",
    "compacted",
    "produce_requests",
    "batches",
    "undecided",
    "reprocessed",
    "skipped",
    "pipeline_lost",
    "pipeline_duplicated",
];

/// The figures of one group (`report.groups.GROUP`) that expectations name:
/// `groups.GROUP.FIGURE`.
/// `lag` is the group's total lag; `reprocessed`, `skipped` and `processed` the group's
/// share of the verdicts and of the records processed; `members` its final member count.
pub const GROUP_FIGURES: &[&str] =
    &["rebalances", "generation", "lag", "reprocessed", "skipped", "processed", "members"];

/// The figures of one pipeline (`report.pipelines.NAME`) that expectations name:
/// `pipelines.NAME.FIGURE`. `inputs` counts the input records it can read in the final
/// log of its `from` topic, `outputs` its records a read_committed reader finds in `to`;
/// `lost` and `duplicated` are its share of `pipeline_lost` and `pipeline_duplicated`;
/// `commits` counts its completed commits (transactions with their offsets, or flush and
/// commitSync), `aborted` its aborted transactions, `processed` the inputs it processed,
/// `pending` the inputs past the committed offset still without an output.
pub const PIPELINE_FIGURES: &[&str] =
    &["inputs", "outputs", "lost", "duplicated", "commits", "aborted", "processed", "pending"];

/// Kafka's protocol error names (`org.apache.kafka.common.protocol.Errors`).
pub const PROTOCOL_ERRORS: &[&str] = &[
    "UNKNOWN_SERVER_ERROR",
    "NONE",
    "OFFSET_OUT_OF_RANGE",
    "CORRUPT_MESSAGE",
    "UNKNOWN_TOPIC_OR_PARTITION",
    "INVALID_FETCH_SIZE",
    "LEADER_NOT_AVAILABLE",
    "NOT_LEADER_OR_FOLLOWER",
    "REQUEST_TIMED_OUT",
    "BROKER_NOT_AVAILABLE",
    "REPLICA_NOT_AVAILABLE",
    "MESSAGE_TOO_LARGE",
    "STALE_CONTROLLER_EPOCH",
    "OFFSET_METADATA_TOO_LARGE",
    "NETWORK_EXCEPTION",
    "COORDINATOR_LOAD_IN_PROGRESS",
    "COORDINATOR_NOT_AVAILABLE",
    "NOT_COORDINATOR",
    "INVALID_TOPIC_EXCEPTION",
    "RECORD_LIST_TOO_LARGE",
    "NOT_ENOUGH_REPLICAS",
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
    "INVALID_REQUIRED_ACKS",
    "ILLEGAL_GENERATION",
    "INCONSISTENT_GROUP_PROTOCOL",
    "INVALID_GROUP_ID",
    "UNKNOWN_MEMBER_ID",
    "INVALID_SESSION_TIMEOUT",
    "REBALANCE_IN_PROGRESS",
    "INVALID_COMMIT_OFFSET_SIZE",
    "TOPIC_AUTHORIZATION_FAILED",
    "GROUP_AUTHORIZATION_FAILED",
    "CLUSTER_AUTHORIZATION_FAILED",
    "INVALID_TIMESTAMP",
    "UNSUPPORTED_SASL_MECHANISM",
    "ILLEGAL_SASL_STATE",
    "UNSUPPORTED_VERSION",
    "TOPIC_ALREADY_EXISTS",
    "INVALID_PARTITIONS",
    "INVALID_REPLICATION_FACTOR",
    "INVALID_REPLICA_ASSIGNMENT",
    "INVALID_CONFIG",
    "NOT_CONTROLLER",
    "INVALID_REQUEST",
    "UNSUPPORTED_FOR_MESSAGE_FORMAT",
    "POLICY_VIOLATION",
    "OUT_OF_ORDER_SEQUENCE_NUMBER",
    "DUPLICATE_SEQUENCE_NUMBER",
    "INVALID_PRODUCER_EPOCH",
    "INVALID_TXN_STATE",
    "INVALID_PRODUCER_ID_MAPPING",
    "INVALID_TRANSACTION_TIMEOUT",
    "CONCURRENT_TRANSACTIONS",
    "TRANSACTION_COORDINATOR_FENCED",
    "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
    "SECURITY_DISABLED",
    "OPERATION_NOT_ATTEMPTED",
    "KAFKA_STORAGE_ERROR",
    "LOG_DIR_NOT_FOUND",
    "SASL_AUTHENTICATION_FAILED",
    "UNKNOWN_PRODUCER_ID",
    "REASSIGNMENT_IN_PROGRESS",
    "FENCED_LEADER_EPOCH",
    "UNKNOWN_LEADER_EPOCH",
    "UNSUPPORTED_COMPRESSION_TYPE",
    "STALE_BROKER_EPOCH",
    "OFFSET_NOT_AVAILABLE",
    "MEMBER_ID_REQUIRED",
    "PREFERRED_LEADER_NOT_AVAILABLE",
    "GROUP_MAX_SIZE_REACHED",
    "FENCED_INSTANCE_ID",
    "ELIGIBLE_LEADERS_NOT_AVAILABLE",
    "ELECTION_NOT_NEEDED",
    "NO_REASSIGNMENT_IN_PROGRESS",
    "INVALID_RECORD",
    "UNSTABLE_OFFSET_COMMIT",
    "THROTTLING_QUOTA_EXCEEDED",
    "PRODUCER_FENCED",
    "RESOURCE_NOT_FOUND",
    "DUPLICATE_RESOURCE",
    "UNKNOWN_TOPIC_ID",
    "DUPLICATE_BROKER_REGISTRATION",
    "BROKER_ID_NOT_REGISTERED",
    "INCONSISTENT_TOPIC_ID",
    "INCONSISTENT_CLUSTER_ID",
    "TRANSACTIONAL_ID_NOT_FOUND",
    "INELIGIBLE_REPLICA",
    "NEW_LEADER_ELECTED",
    "TRANSACTION_ABORTABLE",
];

fn col(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '$'
}

/// Parses one `expect` line.
pub fn statement(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Expect> {
    let chars: Vec<char> = st.text.chars().collect();
    let start = usize::try_from(st.tokens[0].end).unwrap_or(usize::MAX).saturating_sub(1).min(chars.len());
    let limit = usize::try_from(st.code_end).unwrap_or(usize::MAX).saturating_sub(1).clamp(start, chars.len());
    let at = |a: usize, b: usize| {
        let b = b.max(a + 1);
        let (wa, wb) = (a.min(limit), b.min(limit));
        Loc { line: st.line, col: col(a), end: col(b), word: chars[wa..wb.max(wa)].iter().collect() }
    };
    let mut clauses = vec![];
    let mut ok = true;
    let mut i = start;
    let mut first = None;
    loop {
        while i < limit && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= limit {
            break;
        }
        let c0 = i;
        first.get_or_insert(c0);
        while i < limit && is_name_char(chars[i]) {
            i += 1;
        }
        let name: String = chars[c0..i].iter().collect();
        let skip_word = |mut j: usize| {
            while j < limit && !chars[j].is_whitespace() {
                j += 1;
            }
            j
        };
        if name.is_empty() {
            let j = skip_word(i + 1);
            diags.push(at(c0, j).diag("expected a name", "write expect lost=0 duplicated=0"));
            ok = false;
            i = j;
            continue;
        }
        if let Err((msg, hint)) = check_name(n, &name) {
            diags.push(at(c0, i).diag(msg, hint));
            ok = false;
        }
        while i < limit && chars[i].is_whitespace() {
            i += 1;
        }
        let (op, len) = match (chars.get(i).filter(|_| i < limit), chars.get(i + 1).filter(|_| i + 1 < limit)) {
            (Some('!'), Some('=')) => (Some(CmpOp::Ne), 2),
            (Some('<'), Some('=')) => (Some(CmpOp::Le), 2),
            (Some('>'), Some('=')) => (Some(CmpOp::Ge), 2),
            (Some('='), Some('=')) => (Some(CmpOp::Eq), 2),
            (Some('='), _) => (Some(CmpOp::Eq), 1),
            (Some('<'), _) => (Some(CmpOp::Lt), 1),
            (Some('>'), _) => (Some(CmpOp::Gt), 1),
            _ => (None, 0),
        };
        let Some(op) = op else {
            let j = skip_word(i);
            diags.push(
                at(c0, j.max(i))
                    .diag(format!("expected an operator after {name}"), "operators: =, !=, <, <=, >, >= (e.g. lost=0)"),
            );
            ok = false;
            i = j;
            continue;
        };
        i += len;
        while i < limit && chars[i].is_whitespace() {
            i += 1;
        }
        let v0 = i;
        let j = skip_word(i);
        let text: String = chars[v0..j].iter().collect();
        let unit = unit_of(&name);
        let value = match parse_value(&text, unit) {
            Ok(v) => v,
            Err(hint) => {
                let what = match unit {
                    ClauseUnit::Count => "a whole number",
                    ClauseUnit::Micros => "a duration",
                    ClauseUnit::Milli => "a number",
                };
                diags.push(at(v0, j.max(v0 + 1)).diag(format!("expected {what} after {name}{}", op.symbol()), hint));
                ok = false;
                i = j;
                continue;
            }
        };
        i = j;
        clauses.push(Clause { name, op, value, unit, column: col(c0) });
    }
    if clauses.is_empty() && ok {
        diags.push(st.end_loc().diag("expect needs at least one clause", "write expect lost=0 duplicated=0"));
        return None;
    }
    let text: String = chars[first.unwrap_or(limit)..limit].iter().collect::<String>().trim_end().to_string();
    ok.then_some(Expect { line: st.line, text, clauses, trace: None })
}

/// A declared producer, or the error naming it.
fn known_producer(n: &Names, p: &str) -> Result<(), (String, String)> {
    if n.producers.iter().any(|(x, _)| x == p) {
        return Ok(());
    }
    let hint = suggest::did_you_mean(p, n.producers.iter().map(|(x, _)| x.as_str()));
    Err((format!("unknown producer '{p}'"), if hint.is_empty() { "declare it: producer NAME".into() } else { hint }))
}

fn check_name(n: &Names, name: &str) -> Result<(), (String, String)> {
    if SUMMARY.contains(&name) || PERF.contains(&name) {
        return Ok(());
    }
    if let Some(rest) = name.strip_prefix("metrics.") {
        let Some((p, metric)) = rest.split_once('.') else {
            return Err((
                format!("unknown name '{name}'"),
                "write metrics.PRODUCER.METRIC, e.g. metrics.app.record-retry-total".into(),
            ));
        };
        known_producer(n, p)?;
        if !crate::producer::metrics::NAMES.contains(&metric) {
            let hint = suggest::did_you_mean(metric, crate::producer::metrics::NAMES.iter().copied());
            return Err((
                format!("unknown producer metric '{metric}'"),
                if hint.is_empty() { format!("metrics: {}", crate::producer::metrics::NAMES.join(", ")) } else { hint },
            ));
        }
        return Ok(());
    }
    if let Some(rest) = name.strip_prefix("perf.") {
        let Some((p, figure)) = rest.split_once('.') else {
            return Err((
                format!("unknown name '{name}'"),
                "write perf.PRODUCER.FIGURE, e.g. perf.app.records_per_sec".into(),
            ));
        };
        known_producer(n, p)?;
        if !PERF.contains(&figure) {
            let hint = match suggest::closest(figure, PERF.iter().copied()) {
                Some(f) => format!("did you mean perf.{p}.{f}?"),
                None => format!("figures: {}", PERF.join(", ")),
            };
            return Err((format!("unknown speed figure '{figure}'"), hint));
        }
        return Ok(());
    }
    if let Some(x) = name.strip_prefix("errors.") {
        if !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            return Ok(());
        }
        return Err((
            format!("invalid error name '{name}'"),
            "write errors.ExceptionName, e.g. errors.TimeoutException".into(),
        ));
    }
    if let Some(x) = name.strip_prefix("responses.") {
        if PROTOCOL_ERRORS.contains(&x) {
            return Ok(());
        }
        let prefixed = PROTOCOL_ERRORS.iter().copied().find(|e| x.len() >= 4 && e.starts_with(x));
        let hint = match suggest::closest(x, PROTOCOL_ERRORS.iter().copied()).or(prefixed) {
            Some(e) => format!("did you mean responses.{e}?"),
            None => "use a Kafka protocol error name, e.g. responses.NOT_ENOUGH_REPLICAS".into(),
        };
        return Err((format!("unknown protocol error '{x}'"), hint));
    }
    if let Some(rest) = name.strip_prefix("consumers.") {
        let Some(c) = rest
            .strip_suffix(".records")
            .or_else(|| rest.strip_suffix(".skipped"))
            .or_else(|| rest.strip_suffix(".processed"))
        else {
            return Err((
                format!("unknown name '{name}'"),
                "write consumers.NAME.records, consumers.NAME.processed or consumers.NAME.skipped".into(),
            ));
        };
        if n.consumers.iter().any(|x| x == c) {
            return Ok(());
        }
        let hint = match n.closest(c, || n.consumers.iter().map(String::as_str)) {
            Some(x) => format!("did you mean consumers.{x}.records?"),
            None => format!("declare it: consumer {c}"),
        };
        return Err((format!("unknown consumer '{c}'"), hint));
    }
    if let Some(rest) = name.strip_prefix("groups.") {
        return check_group(n, name, rest);
    }
    if let Some(rest) = name.strip_prefix("pipelines.") {
        return check_pipeline(n, name, rest);
    }
    let hint = match suggest::closest(name, SUMMARY.iter().chain(PERF).copied()) {
        Some(s) => format!("did you mean {s}?"),
        None => format!(
            "names: {}, {}, perf.PRODUCER.FIGURE, errors.NAME, responses.NAME, consumers.NAME.records, groups.GROUP.rebalances, pipelines.NAME.outputs, metrics.PRODUCER.NAME",
            SUMMARY.join(", "),
            PERF.join(", ")
        ),
    };
    Err((format!("unknown expectation name '{name}'"), hint))
}

/// `groups.GROUP.FIGURE`: GROUP is a `group.id` of a declared consumer (it may hold dots).
fn check_group(n: &Names, name: &str, rest: &str) -> Result<(), (String, String)> {
    let Some((group, figure)) = rest.rsplit_once('.').filter(|(g, _)| !g.is_empty()) else {
        return Err((
            format!("unknown name '{name}'"),
            format!(
                "write groups.GROUP.FIGURE, FIGURE one of {}: e.g. groups.billing.rebalances",
                GROUP_FIGURES.join(", ")
            ),
        ));
    };
    if !GROUP_FIGURES.contains(&figure) {
        let hint = match suggest::closest(figure, GROUP_FIGURES.iter().copied()) {
            Some(f) => format!("did you mean groups.{group}.{f}?"),
            None => format!("a group's figures: {}", GROUP_FIGURES.join(", ")),
        };
        return Err((format!("unknown group figure '{figure}'"), hint));
    }
    if n.groups.binary_search_by(|g| g.as_str().cmp(group)).is_ok() {
        return Ok(());
    }
    let hint = match n.closest(group, || n.groups.iter().map(String::as_str)) {
        Some(g) => format!("did you mean groups.{g}.{figure}?"),
        None if n.groups.is_empty() => format!("no consumer has a group.id: declare consumer NAME group.id={group}"),
        None => format!("groups of the declared consumers: {}", n.groups.join(", ")),
    };
    Err((format!("unknown group '{group}'"), hint))
}

/// `pipelines.NAME.FIGURE`: NAME is a declared pipeline.
fn check_pipeline(n: &Names, name: &str, rest: &str) -> Result<(), (String, String)> {
    let Some((pipe, figure)) = rest.rsplit_once('.').filter(|(p, _)| !p.is_empty()) else {
        return Err((
            format!("unknown name '{name}'"),
            format!(
                "write pipelines.NAME.FIGURE, FIGURE one of {}: e.g. pipelines.etl.outputs",
                PIPELINE_FIGURES.join(", ")
            ),
        ));
    };
    if !PIPELINE_FIGURES.contains(&figure) {
        let hint = match suggest::closest(figure, PIPELINE_FIGURES.iter().copied()) {
            Some(f) => format!("did you mean pipelines.{pipe}.{f}?"),
            None => format!("a pipeline's figures: {}", PIPELINE_FIGURES.join(", ")),
        };
        return Err((format!("unknown pipeline figure '{figure}'"), hint));
    }
    if n.pipelines.binary_search_by(|p| p.as_str().cmp(pipe)).is_ok() {
        return Ok(());
    }
    let hint = match n.closest(pipe, || n.pipelines.iter().map(String::as_str)) {
        Some(p) => format!("did you mean pipelines.{p}.{figure}?"),
        None if n.pipelines.is_empty() => {
            format!("no pipeline is declared: declare pipeline {pipe} from=IN to=OUT group.id={pipe}")
        }
        None => format!("declared pipelines: {}", n.pipelines.join(", ")),
    };
    Err((format!("unknown pipeline '{pipe}'"), hint))
}
