//! `kplay`: run scenarios from the command line.
//!
//! ```text
//! kplay run FILE [--json] [--records] [--trace] [--seed N]
//! kplay check FILE
//! kplay bench [--records N] [--acks 1|all] [--rf N] [--partitions N]
//! kplay swarm [--seeds N] [--start S] [--guarantee durability|exactly-once|pipeline|group] [--unsafe] [--print SEED]
//! kplay fuzz [--scenarios N] [--start S] [--print SEED]
//! kplay search FILE [--schedules N] [--faults crash,power,...] [--kind KIND] [--target lost,...] [--seed S] [--json]
//! kplay search FILE --card [--schedules N] [--seed S] [--json]
//! kplay sweep FILE --set NAME=V1,V2,... [--set ...] [--seeds N] [--json]
//! kplay props [--json | --module]
//! ```
//! `search` exits 1 when it found a schedule that breaks the promise (or one of the file's expect
//! lines) and prints it shrunk; 0 when every schedule held. Its subcommands live in
//! `cli_search.rs`.
//! Exit codes: 0 ran and every expectation held; 1 an expectation failed; 2 the scenario
//! is invalid (`FILE:LINE:COLUMN: error: ...` on stderr, nothing run) or bad usage.

// The CLI times what it runs (bench, search, sweep) on the wall clock: outside the
// simulation, which never reads it (clippy.toml).
#![allow(clippy::disallowed_methods)]

// The property descriptions exist only natively (the wasm module leaves them out).
#[cfg(not(target_arch = "wasm32"))]
mod cli_props;
mod cli_search;

use std::process::ExitCode;
use std::time::Instant;

use kplay::report::Report;
use kplay::RunOptions;

pub(crate) const USAGE: &str = "usage:
  kplay run FILE [--json] [--records] [--trace] [--seed N]
  kplay check FILE [--json]
  kplay dump FILE --partition TOPIC-P [--broker N] [--segment BASE] [--at TIME] [--seed N]
             [--deep-iteration] [--print-data-log]
  kplay bench [--records N] [--acks 1|all] [--rf N] [--partitions N]
  kplay swarm [--seeds N] [--start S] [--guarantee durability|exactly-once|pipeline|group] [--unsafe] [--print SEED]
  kplay fuzz [--scenarios N] [--start S] [--print SEED]
  kplay search FILE [--schedules N] [--faults crash,power,isolate,cut,drop,delay,restart]
               [--kind FAULT-KIND] [--target lost,duplicated,reordered] [--seed S] [--json]
  kplay search FILE --card [--schedules N] [--seed S] [--json]
  kplay sweep FILE --set NAME=V1,V2,... [--set ...] [--seeds N] [--json]
  kplay bench search [FILE]
  kplay props [--json | --module]
  kplay version";

/// What each command does, for `kplay COMMAND --help`.
const ABOUT: &[(&str, &str)] = &[
    ("run", "Runs a scenario (FILE, or - for stdin) and prints its report: text, or JSON with --json (--records and --trace add per-record results and the trace). Exit 0 when every expect line held, 1 when one failed, 2 for an invalid scenario (with --json the located errors come as JSON on stdout)."),
    ("check", "Checks a scenario without running it: every located error with its hint, or a one-line summary. With --json: {file, ok, errors: [{line, column, end_column, word, message, hint}], timeline_statements, expectations}. Exit 0 when valid, 2 otherwise."),
    ("dump", "Runs a scenario (to its end, or to --at TIME) and prints a replica's segment files as kafka-dump-log.sh prints them: every batch with its offsets, producer id, epoch and sequences, position, size, codec and CRC; with --deep-iteration each record, with --print-data-log also keys and payloads; then the .index and .timeindex entries. --broker defaults to the partition's leader (else its first replica); --segment picks one segment by base offset."),
    ("bench", "Measures a large run: records and kernel events per second, peak memory. `bench search` measures the fault-schedule search."),
    ("swarm", "Runs seeds of random fault schedules against a guarantee and prints the first failing seed's scenario."),
    ("fuzz", "Generates valid scenarios and checks each ends within its budgets without a panic."),
    ("search", "Searches fault schedules for one that breaks the configuration's promise (or an expect line); prints it shrunk. Exit 1 when found, 0 when every schedule held. --card: the survival card, one targeted search per fault kind."),
    ("props", "Prints every Kafka property kplay knows, per role (producer, broker, topic, consumer), from the simulator's property tables: name, Kafka 4.0's default, a one-line description, allowed values, unit. --json (the default) as JSON; --module as the playground editor's www/src/editor/properties.js."),
    ("sweep", "Runs the scenario for every combination of --set values (and seeds): outcomes, rates, the promise and speed figures per row and per combination."),
];

/// `kplay COMMAND --help`: that command's usage lines and what it does.
fn command_help(cmd: &str) -> Option<String> {
    let (_, about) = ABOUT.iter().find(|(c, _)| *c == cmd)?;
    let prefix = format!("kplay {cmd}");
    let mut lines = Vec::new();
    let mut keep = false;
    for l in USAGE.lines().skip(1) {
        let t = l.trim_start();
        if t.starts_with("kplay ") {
            keep = t == prefix || t.starts_with(&format!("{prefix} "));
        }
        if keep {
            lines.push(l.to_string());
        }
    }
    Some(format!("usage:\n{}\n\n{about}", lines.join("\n")))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let (Some(cmd), true) = (args.first(), args.iter().skip(1).any(|a| a == "--help" || a == "-h")) {
        if let Some(help) = command_help(cmd) {
            println!("{help}");
            return ExitCode::SUCCESS;
        }
    }
    match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("check") => cmd_check(&args[1..]),
        Some("dump") => cmd_dump(&args[1..]),
        Some("bench") if args.get(1).map(String::as_str) == Some("search") => cli_search::bench_search(&args[2..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("swarm") => cmd_swarm(&args[1..]),
        Some("search") => cli_search::cmd_search(&args[1..]),
        Some("sweep") => cli_search::cmd_sweep(&args[1..]),
        Some("fuzz") => cmd_fuzz(&args[1..]),
        #[cfg(not(target_arch = "wasm32"))]
        Some("props") => cli_props::cmd_props(&args[1..]),
        Some("version" | "--version" | "-V") => {
            println!("kplay {}", kplay::version());
            ExitCode::SUCCESS
        }
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn read(file: &str) -> Result<String, ExitCode> {
    let bytes = if file == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map(|_| b)
    } else {
        std::fs::read(file)
    };
    match bytes {
        Ok(b) => Ok(String::from_utf8_lossy(&b).into_owned()),
        Err(e) => {
            eprintln!("kplay: cannot read {file}: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// A word no flag of the command took: an unknown option (exit 2, with the usage) or FILE.
fn file_or_unknown(a: &str, file: &mut Option<String>) -> Result<(), ExitCode> {
    if a.starts_with("--") {
        eprintln!("kplay: unknown option {a}\n{USAGE}");
        return Err(ExitCode::from(2));
    }
    *file = Some(a.to_string());
    Ok(())
}

fn cmd_check(args: &[String]) -> ExitCode {
    let json = args.iter().any(|a| a == "--json");
    if let Some(a) = args.iter().find(|a| a.starts_with("--") && *a != "--json") {
        eprintln!("kplay: unknown option {a}\n{USAGE}");
        return ExitCode::from(2);
    }
    let Some(file) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let text = match read(file) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let parsed = kplay::script::parse(&text);
    if json {
        let (ok, errors, timeline, expects) = match &parsed {
            Ok(sc) => (true, Vec::new(), sc.timeline.len(), sc.expects.len()),
            Err(d) => (false, d.clone(), 0, 0),
        };
        let v = serde_json::json!({
            "file": file, "ok": ok, "errors": errors, "timeline_statements": timeline, "expectations": expects,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return if ok { ExitCode::SUCCESS } else { ExitCode::from(2) };
    }
    match parsed {
        Ok(sc) => {
            println!("{file}: ok ({} timeline statements, {} expectations)", sc.timeline.len(), sc.expects.len());
            ExitCode::SUCCESS
        }
        Err(diags) => {
            for d in diags {
                eprintln!("{}", d.render(file));
            }
            ExitCode::from(2)
        }
    }
}

fn cmd_run(args: &[String]) -> ExitCode {
    let mut opts = RunOptions::default();
    let mut json = false;
    let mut file = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--json" => json = true,
            "--records" => opts.records = true,
            "--trace" => opts.trace = true,
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| s.parse().ok()) {
                    Some(n) => opts.seed = Some(n),
                    None => {
                        eprintln!("kplay: --seed needs a whole number");
                        return ExitCode::from(2);
                    }
                }
            }
            a => {
                if let Err(c) = file_or_unknown(a, &mut file) {
                    return c;
                }
            }
        }
        i += 1;
    }
    let Some(file) = file else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let text = match read(&file) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let report = match kplay::run(&text, &opts) {
        Ok(r) => r,
        Err(diags) => {
            if json {
                // Scripts asked for JSON: they get the located errors as JSON too.
                let v = serde_json::json!({ "file": file, "errors": diags });
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            }
            for d in diags {
                eprintln!("{}", d.render(&file));
            }
            return ExitCode::from(2);
        }
    };
    let out = if json { report.to_json() + "\n" } else { kplay::report::text::render(&report, opts.trace) };
    // A closed pipe (`kplay run f | head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    if report.all_expectations_held() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A flag's whole-number value, or exit code 2 with a message naming the flag.
fn whole(flag: &str, v: &str) -> Result<u64, ExitCode> {
    cli_search::number(flag, (!v.is_empty()).then(|| v.to_string()).as_ref())
}

/// `whole`, returning the exit code from the calling command on a bad value.
macro_rules! whole_or_exit {
    ($flag:literal, $v:expr) => {
        match whole($flag, &$v) {
            Ok(n) => n,
            Err(c) => return c,
        }
    };
}

/// `kplay dump`: run to the end (or `--at`), then print a replica's segments as
/// `kafka-dump-log.sh --files` does.
fn cmd_dump(args: &[String]) -> ExitCode {
    let mut opts = RunOptions::default();
    let mut dump = kplay::dump::DumpOptions::default();
    let (mut file, mut tp, mut broker, mut segment, mut at) = (None, None, None, None, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: usize| args.get(i + 1).cloned().unwrap_or_default();
        match a {
            "--deep-iteration" => dump.deep_iteration = true,
            "--print-data-log" => dump.print_data_log = true,
            "--partition" | "--broker" | "--segment" | "--at" | "--seed" => {
                let v = value(i);
                i += 1;
                match a {
                    "--partition" => tp = Some(v),
                    "--broker" => broker = Some(whole_or_exit!("--broker", v.trim_start_matches("broker-"))),
                    "--segment" => segment = Some(whole_or_exit!("--segment", v)),
                    "--seed" => opts.seed = Some(whole_or_exit!("--seed", v)),
                    _ => match kplay::script::units::parse_duration_us(&v) {
                        Ok(us) => at = Some(us),
                        Err(_) => {
                            eprintln!("kplay: --at needs a time such as 2.5s or 300ms, not '{v}'");
                            return ExitCode::from(2);
                        }
                    },
                }
            }
            a => {
                if let Err(c) = file_or_unknown(a, &mut file) {
                    return c;
                }
            }
        }
        i += 1;
    }
    let (Some(file), Some(tp)) = (file, tp) else {
        eprintln!("kplay dump: needs a FILE and --partition TOPIC-P (for example --partition orders-0)\n{USAGE}");
        return ExitCode::from(2);
    };
    let text = match read(&file) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let mut session = match kplay::run::Session::new(&text, opts) {
        Ok(s) => s,
        Err(diags) => {
            for d in diags {
                eprintln!("{}", d.render(&file));
            }
            return ExitCode::from(2);
        }
    };
    match at {
        Some(us) => {
            // None: the step budget ran out before `us`; go on.
            while session.run_until(us, 1 << 20).is_none() {}
        }
        None => session.run_to_end(),
    }
    let broker = match broker {
        Some(b) => u16::try_from(b).unwrap_or(u16::MAX),
        None => match session.leader_or_first_replica(&tp) {
            Some(b) => b,
            None => {
                eprintln!("kplay dump: the run has no partition {tp}");
                return ExitCode::from(2);
            }
        },
    };
    match session.dump(&tp, broker, segment, dump) {
        Ok(out) => {
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kplay dump: {e}");
            ExitCode::from(2)
        }
    }
}

/// `kplay swarm`: run seeds of random fault schedules; print the first failure's
/// scenario (or, with `--print SEED`, just that seed's scenario).
fn cmd_swarm(args: &[String]) -> ExitCode {
    use kplay::swarm::{run_one, scenario, Guarantee};
    let mut seeds = 1000u64;
    let mut start = 1u64;
    let mut g = Guarantee::Durability;
    let mut print = None;
    let mut unsafe_settings = false;
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--unsafe" => {
                unsafe_settings = true;
                i += 1;
                continue;
            }
            "--seeds" => seeds = whole_or_exit!("--seeds", v),
            "--start" => start = whole_or_exit!("--start", v),
            "--guarantee" => {
                g = match v.as_str() {
                    "durability" => Guarantee::Durability,
                    "exactly-once" => Guarantee::ExactlyOnce,
                    "pipeline" => Guarantee::Pipeline,
                    "group" => Guarantee::Group,
                    _ => {
                        eprintln!("kplay: --guarantee is durability, exactly-once, pipeline or group");
                        return ExitCode::from(2);
                    }
                }
            }
            "--print" => print = Some(whole_or_exit!("--print", v)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    if let Some(seed) = print {
        print!("{}", scenario(seed, g));
        return ExitCode::SUCCESS;
    }
    let t0 = Instant::now();
    if unsafe_settings {
        return negative_control(g, start..start + seeds, t0);
    }
    let (mut events, mut most) = (0u64, 0u64);
    for seed in start..start + seeds {
        match run_one(seed, g) {
            Ok(e) => {
                events += e;
                most = most.max(e);
            }
            Err((text, why)) => {
                eprintln!("seed {seed} failed: {why}\n--- scenario ---\n{text}");
                return ExitCode::from(1);
            }
        }
    }
    println!(
        "{seeds} {g:?} schedules clean in {:.1} s ({events} kernel events, at most {most} in one schedule; budget {})",
        t0.elapsed().as_secs_f64(),
        kplay::swarm::EVENT_BUDGET
    );
    ExitCode::SUCCESS
}

/// `kplay swarm --unsafe`: the same schedules with acks=1, no idempotence and unclean
/// elections must break the guarantee; exits 1 if none does (a blind checker).
fn negative_control(g: kplay::swarm::Guarantee, seeds: std::ops::Range<u64>, t0: Instant) -> ExitCode {
    let n = seeds.end - seeds.start;
    let t = kplay::swarm::negative_control(g, seeds);
    println!(
        "{n} {g:?} schedules with unsafe settings in {:.1} s: {} broke the guarantee, {} broke a model invariant, {} liveness, {} clean",
        t0.elapsed().as_secs_f64(),
        t.guarantee,
        t.invariant,
        t.liveness,
        t.clean
    );
    if let Some((seed, why)) = &t.example {
        println!("  e.g. seed {seed}: {why}");
    }
    if t.guarantee == 0 || t.invalid > 0 {
        eprintln!("kplay: the checker saw no broken guarantee under unsafe settings (or a schedule was invalid)");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// `kplay fuzz`: generated valid scenarios must each end by themselves within the fuzz
/// event budget, without a panic (build with `--profile fuzz` to catch wraps and keep
/// going after a panic). Prints the first failure's scenario; exit 1 on any failure.
fn cmd_fuzz(args: &[String]) -> ExitCode {
    use kplay::fuzz::{check, scenario, Outcome};
    let (mut n, mut start, mut print) = (1000u64, 1u64, None);
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--scenarios" => n = whole_or_exit!("--scenarios", v),
            "--start" => start = whole_or_exit!("--start", v),
            "--print" => print = Some(whole_or_exit!("--print", v)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    if let Some(seed) = print {
        print!("{}", scenario(seed));
        return ExitCode::SUCCESS;
    }
    let t0 = Instant::now();
    let (mut events, mut most, mut slowest, mut failures, mut long) = (0u64, (0u64, 0u64), (0.0f64, 0u64), 0u64, 0u64);
    for seed in start..start + n {
        let text = scenario(seed);
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| check(&text));
        let secs = t.elapsed().as_secs_f64();
        if secs > slowest.0 {
            slowest = (secs, seed);
        }
        let why = match outcome {
            Ok(Outcome::Ended { events: e, .. }) => {
                events += e;
                most = most.max((e, seed));
                continue;
            }
            Ok(Outcome::Long(_)) => {
                long += 1;
                continue;
            }
            Ok(Outcome::Invalid(d)) => format!("the generator wrote an invalid scenario: {d}"),
            Ok(Outcome::BusyLoop(why)) => format!("busy loop: {why}"),
            Err(_) => "panic (message above)".to_string(),
        };
        failures += 1;
        eprintln!(
            "fuzz scenario {seed} failed: {why}
--- scenario ---
{text}"
        );
    }
    println!(
        "{n} generated scenarios in {:.1} s: {failures} failed, {long} ran for hours (stopped by a budget or the cap); {events} kernel events, at most {} (scenario {}) among those that ended; slowest {:.2} s (scenario {})",
        t0.elapsed().as_secs_f64(),
        most.0,
        most.1,
        slowest.0,
        slowest.1
    );
    if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `kplay bench`: records and events per second for a large run, with peak memory.
fn cmd_bench(args: &[String]) -> ExitCode {
    let mut records: u64 = 1_000_000;
    let mut acks = "1".to_string();
    let mut rf = 1u32;
    let mut partitions = 3u32;
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--records" => records = whole_or_exit!("--records", v),
            "--acks" => acks = v,
            "--rf" => match whole("--rf", &v).map(u32::try_from) {
                Ok(Ok(n)) => rf = n,
                Ok(Err(_)) => return cli_search::value_error("--rf is too large"),
                Err(c) => return c,
            },
            "--partitions" => match whole("--partitions", &v).map(u32::try_from) {
                Ok(Ok(n)) => partitions = n,
                Ok(Err(_)) => return cli_search::value_error("--partitions is too large"),
                Err(c) => return c,
            },
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    let text = kplay::run::bench_scenario(records, &acks, rf, partitions);
    let start = Instant::now();
    let report = match kplay::run::run_bench(&text) {
        Ok(r) => r,
        Err(d) => {
            eprintln!("bench scenario invalid: {:?}", d);
            return ExitCode::from(2);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    print_bench(&report, records, secs, &acks, rf, partitions);
    ExitCode::SUCCESS
}

fn print_bench(report: &Report, records: u64, secs: f64, acks: &str, rf: u32, partitions: u32) {
    println!("kplay bench (native): {records} records, {partitions} partitions, RF {rf}, acks={acks}, linger.ms=5");
    println!("  wall time          {:.3} s", secs);
    println!("  records/s          {:.0}", records as f64 / secs);
    println!("  kernel events      {}", report.kernel_events);
    println!("  events/s           {:.0}", report.kernel_events as f64 / secs);
    println!("  trace events       {}", report.trace_events);
    println!(
        "  delivered          {} (lost {}, duplicated {})",
        report.summary.delivered, report.summary.lost, report.summary.duplicated
    );
    println!("  virtual time       {:.3} s", report.end_time_us as f64 / 1e6);
    if let Some(kb) = peak_rss_kb() {
        println!("  peak memory (RSS)  {:.1} MB", kb as f64 / 1024.0);
    }
    println!("  trace hash         {}", report.trace_hash);
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}
