//! Fault schedules: what a search injects, as data that renders to scenario lines.
//!
//! [`FaultOp`] names the primitive kinds `--faults` chooses from (`crash`, `power`,
//! `isolate`, `cut`, `drop`, `delay`, `restart`); the list is open: a kind whose
//! statement the scenario language does not parse yet (`delay` until the language has
//! it) is left out with a note ([`FaultOp::supported`] asks the parser itself), and
//! joins the search by itself once the language has it.
//! [`Fault`] is one injected fault with its time and parameters; [`Fault::render`] writes
//! its lines (`at 120ms crash leader orders/0 mode=power` and the matching restarts).
//! Generators live in `generate` (the general search) and `targeted` (the card's rows).

use std::fmt::Write;

/// A primitive fault kind `--faults` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FaultOp {
    /// A broker process crash (page cache survives), restarted later.
    Crash,
    /// A broker power loss (only flushed bytes survive), restarted later; never overlaps
    /// another broker fault, as the design fault model has one broker failing at a time.
    Power,
    /// Every link to and from a broker down for a while.
    Isolate,
    /// One directed link down for a while.
    Cut,
    /// The next message(s) on a directed link lost.
    Drop,
    /// The next message(s) on a directed link late (`delay A -> B by=D count=N`).
    Delay,
    /// The producer process restarts and resends what it never saw acknowledged; or a
    /// group consumer or a pipeline crashes and restarts (at once or a while later).
    Restart,
}

impl FaultOp {
    pub const ALL: [FaultOp; 7] = [
        FaultOp::Crash,
        FaultOp::Power,
        FaultOp::Isolate,
        FaultOp::Cut,
        FaultOp::Drop,
        FaultOp::Delay,
        FaultOp::Restart,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultOp::Crash => "crash",
            FaultOp::Power => "power",
            FaultOp::Isolate => "isolate",
            FaultOp::Cut => "cut",
            FaultOp::Drop => "drop",
            FaultOp::Delay => "delay",
            FaultOp::Restart => "restart",
        }
    }

    pub fn from_name(s: &str) -> Option<FaultOp> {
        FaultOp::ALL.into_iter().find(|o| o.name() == s)
    }

    /// A statement of this kind, to ask the parser whether the language has it.
    fn probe(self) -> &'static str {
        match self {
            FaultOp::Crash => "at 1ms crash broker-1",
            FaultOp::Power => "at 1ms crash broker-1 mode=power",
            FaultOp::Isolate => "at 1ms isolate broker-1 for 1s",
            FaultOp::Cut => "at 1ms cut broker-1 -> app for 1s",
            FaultOp::Drop => "at 1ms drop app -> broker-1 count=1",
            FaultOp::Delay => "at 1ms delay app -> broker-1 by=10ms count=1",
            FaultOp::Restart => "at 1ms app restart resend=unacked",
        }
    }

    /// Whether the scenario language parses this kind's statement today.
    pub fn supported(self) -> bool {
        let text = format!("brokers 1\ntopic t partitions=1\nproducer app\n{}\n", self.probe());
        crate::script::parse(&text).is_ok()
    }

    /// Parses a `--faults` list (`crash,power,drop`): the kinds the language supports, and
    /// the names of those it does not parse yet (left out, so the contract's full list
    /// works today). An unknown name, or nothing supported, is an error.
    pub fn parse_list(list: &str) -> Result<(Vec<FaultOp>, Vec<&'static str>), String> {
        let mut out = Vec::new();
        let mut unsupported = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let op = FaultOp::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = FaultOp::ALL.iter().map(|o| o.name()).collect();
                format!("unknown fault kind '{name}' (known: {})", known.join(", "))
            })?;
            if !op.supported() {
                if !unsupported.contains(&op.name()) {
                    unsupported.push(op.name());
                }
            } else if !out.contains(&op) {
                out.push(op);
            }
        }
        if out.is_empty() {
            return Err(match unsupported.is_empty() {
                true => "no fault kinds given".into(),
                false => format!("no fault kind the scenario language has yet ({} is not)", unsupported.join(", ")),
            });
        }
        out.sort();
        Ok((out, unsupported))
    }

    /// Every kind the language supports today.
    pub fn all_supported() -> Vec<FaultOp> {
        FaultOp::ALL.into_iter().filter(|o| o.supported()).collect()
    }
}

/// Which broker a crash hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Broker(u16),
    /// `crash leader TOPIC/P`: whoever leads it at that moment. Restarting it restarts
    /// every replica of the partition that is down (a restart of a running broker is a
    /// no-op).
    LeaderOf {
        topic: String,
        partition: u32,
        replicas: Vec<u16>,
    },
}

/// One injected fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Crash {
        target: Target,
        power: bool,
        down_ms: u64,
    },
    Isolate {
        node: String,
        for_ms: u64,
    },
    Cut {
        from: String,
        to: String,
        for_ms: u64,
    },
    Drop {
        from: String,
        to: String,
        count: u32,
        produce_only: bool,
    },
    Delay {
        from: String,
        to: String,
        by_ms: u64,
        count: u32,
    },
    Restart {
        producer: String,
    },
    /// A group consumer or a pipeline crashes, and restarts `down_ms` later (None: a
    /// `restart` at once, which is a crash and a new process).
    RestartClient {
        client: String,
        down_ms: Option<u64>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub at_ms: u64,
    pub op: Op,
}

impl Fault {
    /// When the fault's effect ends (its restart, or the end of its cut).
    pub fn end_ms(&self) -> u64 {
        self.at_ms
            + match &self.op {
                Op::Crash { down_ms, .. } => *down_ms,
                Op::Isolate { for_ms, .. } | Op::Cut { for_ms, .. } => *for_ms,
                Op::Delay { by_ms, .. } => *by_ms,
                Op::RestartClient { down_ms, .. } => down_ms.unwrap_or(0),
                Op::Drop { .. } | Op::Restart { .. } => 0,
            }
    }

    /// Brokers this fault names explicitly (for shrinking the cluster).
    pub fn brokers(&self) -> Vec<u16> {
        let named = |n: &str| n.strip_prefix("broker-").and_then(|x| x.parse().ok());
        match &self.op {
            Op::Crash { target: Target::Broker(b), .. } => vec![*b],
            Op::Crash { target: Target::LeaderOf { replicas, .. }, .. } => replicas.clone(),
            Op::Isolate { node, .. } => named(node).into_iter().collect(),
            Op::Cut { from, to, .. } | Op::Drop { from, to, .. } | Op::Delay { from, to, .. } => {
                named(from).into_iter().chain(named(to)).collect()
            }
            Op::Restart { .. } | Op::RestartClient { .. } => Vec::new(),
        }
    }

    /// The scenario lines of this fault.
    pub fn render(&self, o: &mut String) {
        let at = self.at_ms;
        let _ = match &self.op {
            Op::Crash { target, power, down_ms } => {
                let mode = if *power { " mode=power" } else { "" };
                let back = at + down_ms;
                match target {
                    Target::Broker(b) => {
                        writeln!(o, "at {at}ms crash broker-{b}{mode}\nat {back}ms restart broker-{b}")
                    }
                    Target::LeaderOf { topic, partition, replicas } => {
                        let _ = writeln!(o, "at {at}ms crash leader {topic}/{partition}{mode}");
                        replicas.iter().try_for_each(|b| writeln!(o, "at {back}ms restart broker-{b}"))
                    }
                }
            }
            Op::Isolate { node, for_ms } => writeln!(o, "at {at}ms isolate {node} for {for_ms}ms"),
            Op::Cut { from, to, for_ms } => writeln!(o, "at {at}ms cut {from} -> {to} for {for_ms}ms"),
            Op::Drop { from, to, count, produce_only } => {
                let api = if *produce_only { " api=Produce" } else { "" };
                writeln!(o, "at {at}ms drop {from} -> {to} count={count}{api}")
            }
            Op::Delay { from, to, by_ms, count } => {
                writeln!(o, "at {at}ms delay {from} -> {to} by={by_ms}ms count={count}")
            }
            Op::Restart { producer } => writeln!(o, "at {at}ms {producer} restart resend=unacked"),
            Op::RestartClient { client, down_ms: None } => writeln!(o, "at {at}ms restart {client}"),
            Op::RestartClient { client, down_ms: Some(d) } => {
                writeln!(o, "at {at}ms crash {client}\nat {}ms restart {client}", at + d)
            }
        };
    }

    /// True for faults that take or cut off a broker for a while.
    pub fn is_broker_fault(&self) -> bool {
        matches!(self.op, Op::Crash { .. } | Op::Isolate { .. } | Op::Cut { .. })
    }

    pub fn is_power(&self) -> bool {
        matches!(self.op, Op::Crash { power: true, .. })
    }
}
