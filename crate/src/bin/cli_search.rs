//! `kplay search`, `kplay search --card`, `kplay sweep` and `kplay bench search`: the
//! command-line side of `kplay::search` and `kplay::sweep` (argument handling and
//! printing only; wall-clock timings appear in the text output, never in `--json`).

use std::process::ExitCode;
use std::time::Instant;

use kplay::checker::guarantee::FaultKind;
use kplay::search::check::{Targets, VERDICTS};
use kplay::search::faults::FaultOp;
use kplay::search::{card, Search, SearchOptions, Source};

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("kplay: {msg}\n{}", crate::USAGE);
    ExitCode::from(2)
}

/// A mistake in an option's value: the message alone, exit code 2.
pub(crate) fn value_error(msg: &str) -> ExitCode {
    eprintln!("kplay: {msg}");
    ExitCode::from(2)
}

pub(crate) fn number(flag: &str, v: Option<&String>) -> Result<u64, ExitCode> {
    match v.map(|s| s.parse::<u64>()) {
        Some(Ok(n)) => Ok(n),
        Some(Err(_)) => Err(value_error(&format!("{flag} needs a whole number, got '{}'", v.map_or("", |s| s)))),
        None => Err(value_error(&format!("{flag} needs a whole number"))),
    }
}

fn load(file: &str) -> Result<String, ExitCode> {
    let text = crate::read(file)?;
    if let Err(diags) = kplay::script::parse(&text) {
        for d in diags {
            eprintln!("{}", d.render(file));
        }
        return Err(ExitCode::from(2));
    }
    Ok(text)
}

struct SearchArgs {
    file: String,
    opts: SearchOptions,
    json: bool,
    card: bool,
}

fn parse_search(args: &[String]) -> Result<SearchArgs, ExitCode> {
    let mut a = SearchArgs { file: String::new(), opts: SearchOptions::default(), json: false, card: false };
    let mut schedules = None;
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1);
        match args[i].as_str() {
            "--json" => a.json = true,
            "--card" => a.card = true,
            "--schedules" => {
                let n = number("--schedules", v)?;
                if n == 0 {
                    return Err(value_error("--schedules needs at least 1 (how many fault schedules to try)"));
                }
                schedules = Some(n);
                i += 1;
            }
            "--seed" => {
                a.opts.seed = number("--seed", v)?;
                i += 1;
            }
            "--faults" => {
                let list = v.ok_or_else(|| usage_error("--faults needs a list such as crash,power,drop"))?;
                let (ops, unsupported) = FaultOp::parse_list(list).map_err(|e| value_error(&e))?;
                if !unsupported.is_empty() {
                    eprintln!(
                        "kplay: note: {} not in the scenario language yet; searching without",
                        unsupported.join(", ")
                    );
                }
                a.opts.source = Source::Ops(ops);
                i += 1;
            }
            "--kind" => {
                let name = v.map(String::as_str).unwrap_or("");
                let k = FaultKind::from_name(name).ok_or_else(|| {
                    let known: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
                    value_error(&format!("unknown fault kind '{name}' (known: {})", known.join(", ")))
                })?;
                a.opts.source = Source::Kind(k);
                i += 1;
            }
            "--target" => {
                let list = v.map(String::as_str).unwrap_or("");
                let mut t = Vec::new();
                for name in list.split(',').filter(|s| !s.is_empty()) {
                    let Some(&v) = VERDICTS.iter().find(|&&x| x == name) else {
                        return Err(value_error(&format!("--target takes lost, duplicated, reordered, pipeline_lost, pipeline_duplicated, skipped; got '{name}'")));
                    };
                    t.push(v);
                }
                if t.is_empty() {
                    return Err(value_error("--target needs a list such as lost,duplicated"));
                }
                a.opts.targets = Targets::Verdicts(t);
                i += 1;
            }
            x if x.starts_with("--") => return Err(usage_error(&format!("unknown option {x}"))),
            x if a.file.is_empty() => a.file = x.to_string(),
            x => return Err(usage_error(&format!("one scenario file at a time (got '{x}' too)"))),
        }
        i += 1;
    }
    if a.file.is_empty() {
        return Err(usage_error("search needs a scenario file"));
    }
    a.opts.schedules = schedules.unwrap_or(if a.card { 100 } else { 1000 });
    Ok(a)
}

pub fn cmd_search(args: &[String]) -> ExitCode {
    let a = match parse_search(args) {
        Ok(a) => a,
        Err(c) => return c,
    };
    let text = match load(&a.file) {
        Ok(t) => t,
        Err(c) => return c,
    };
    if a.card {
        return print_card(&a, &text);
    }
    let t0 = Instant::now();
    let Ok(mut s) = Search::new(&text, a.opts.clone()) else { return ExitCode::from(2) };
    while !s.step(256) {}
    let searched = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let cx = s.shrinker().and_then(|mut sh| {
        while !sh.step(64) {}
        s.counterexample(&sh)
    });
    let shrunk = t1.elapsed().as_secs_f64();
    let found = cx.is_some();
    let report = s.report(cx);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        // Each promise the targets are judged against: the producers', each group's and
        // each pipeline's.
        let mut promised = vec![format!("producers {}", report.promised.name())];
        promised.extend(report.promised_by_group.iter().map(|(g, l)| format!("group {g} {}", l.name())));
        promised.extend(report.promised_by_pipeline.iter().map(|(p, l)| format!("pipeline {p} {}", l.name())));
        let looking = if report.targets.is_empty() {
            "nothing promised can break: only the file's expect lines".to_string()
        } else {
            format!("looking for {}", report.targets.join(", "))
        };
        println!(
            "kplay search {}: seed {}, faults {}, promised {} ({looking})",
            a.file,
            report.seed,
            report.faults.join(","),
            promised.join(", "),
        );
        if !report.checked_expectations.is_empty() {
            println!("checked expect lines: {}", report.checked_expectations.join(" | "));
            if s.base.own_faults {
                println!(
                    "(the search replaces the file's own faults with its schedules: an expect line that describes them may fail)"
                );
            }
        }
        if !report.skipped_expectations.is_empty() {
            println!("not checked (cannot be checked per schedule): {}", report.skipped_expectations.join(" | "));
        }
        if !s.applicable {
            println!("this fault kind cannot happen on this cluster");
        }
        let rate = report.ran as f64 / searched.max(1e-9);
        match &report.counterexample {
            None => println!(
                "{} of {} schedules survived ({:.2} s, {:.0} schedules/s{})",
                report.survived,
                report.ran,
                searched,
                rate,
                match report.first_unsettled {
                    Some(i) => format!(
                        ", {} never settled, the first schedule {i}: a simulator liveness problem",
                        report.unsettled
                    ),
                    None => String::new(),
                }
            ),
            Some(cx) => {
                println!(
                    "schedule {} {} after {} schedules ({:.2} s)",
                    cx.schedule,
                    kplay::search::describe(&cx.violation),
                    report.ran,
                    searched
                );
                let st = &cx.shrink;
                println!(
                    "shrunk in {} runs ({:.2} s): {} -> {} fault(s), {} -> {} record(s), {} -> {} broker(s); {}",
                    st.runs,
                    shrunk,
                    st.faults_before,
                    st.faults_after,
                    st.records_before,
                    st.records_after,
                    st.brokers_before,
                    st.brokers_after,
                    if cx.verified { "verified by running it again" } else { "NOT reproduced by a full run" }
                );
                println!("\n--- counterexample (`kplay run` it: its expect line fails) ---\n{}", cx.text);
                if !cx.explanations.is_empty() {
                    println!("--- what happened ---");
                    for e in &cx.explanations {
                        println!("  {e}");
                    }
                }
            }
        }
    }
    if found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_card(a: &SearchArgs, text: &str) -> ExitCode {
    let t0 = Instant::now();
    let Ok(c) = card::card(text, a.opts.seed, a.opts.schedules) else { return ExitCode::from(2) };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&c).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    println!(
        "survival card for {}: seed {}, up to {} schedules per fault kind, promised {}",
        a.file,
        c.seed,
        c.schedules_per_row,
        c.promised.name()
    );
    println!("  {:<24} {:<12} {:<12} {:<12} promise allows", "fault kind", "lost", "duplicated", "reordered");
    for r in &c.rows {
        let cell = |f: &Option<card::Finding>| match (r.applicable, f) {
            (false, _) => "n/a".to_string(),
            (_, Some(f)) => format!("YES ({})", f.count),
            (_, None) => "no".to_string(),
        };
        println!(
            "  {:<24} {:<12} {:<12} {:<12} {}",
            r.kind.name(),
            cell(&r.lost),
            cell(&r.duplicated),
            cell(&r.reordered),
            if r.promise_allows.is_empty() { "-".to_string() } else { r.promise_allows.join(", ") }
        );
    }
    let ran: u64 = c.rows.iter().map(|r| r.schedules).sum();
    println!("({ran} schedules in {:.2} s; `--json` has a scenario for every YES)", t0.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

pub fn cmd_sweep(args: &[String]) -> ExitCode {
    use kplay::sweep::{Setting, Sweep};
    let (mut file, mut settings, mut seeds, mut json) = (None, Vec::new(), 1u64, false);
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1);
        match args[i].as_str() {
            "--json" => json = true,
            "--set" => {
                match Setting::parse(v.map(String::as_str).unwrap_or("")) {
                    Ok(s) => settings.push(s),
                    Err(e) => return value_error(&e),
                }
                i += 1;
            }
            "--seeds" => {
                seeds = match number("--seeds", v) {
                    Ok(0) => return value_error("--seeds needs at least 1"),
                    Ok(n) => n,
                    Err(c) => return c,
                };
                i += 1;
            }
            x if x.starts_with("--") => return usage_error(&format!("unknown option {x}")),
            x if file.is_none() => file = Some(x.to_string()),
            x => return usage_error(&format!("one scenario file at a time (got '{x}' too)")),
        }
        i += 1;
    }
    let Some(file) = file else { return usage_error("sweep needs a scenario file") };
    let text = match load(&file) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let t0 = Instant::now();
    let mut sweep = match Sweep::new(&text, settings, seeds) {
        Ok(s) => s,
        Err(e) => return value_error(&e),
    };
    while !sweep.step(16) {}
    let report = sweep.report();
    if json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let heads: Vec<String> = report.settings.clone();
    let widths: Vec<usize> = heads
        .iter()
        .map(|h| report.rows.iter().map(|r| r.values.get(h).map_or(0, |v| v.len())).max().unwrap_or(0).max(h.len()))
        .collect();
    let cells = |f: &dyn Fn(&String) -> String| -> String {
        heads.iter().zip(&widths).map(|(h, &w)| format!("{:<w$}  ", f(h))).collect()
    };
    let head = cells(&|h: &String| h.clone())
        + "  seed     sent    acked     lost      dup  reorder  phantom   failed    records/s  p99 ms  promised";
    println!("kplay sweep {file}: {} row(s)\n{head}", report.rows.len());
    for r in &report.rows {
        let vals = cells(&|h: &String| r.values.get(h).cloned().unwrap_or_default());
        match (&r.summary, &r.error) {
            (Some(s), _) => println!(
                "{vals}{:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12} {:>7}  {}{}",
                r.seed,
                s.sent,
                s.acked,
                s.lost,
                s.duplicated,
                s.reordered,
                s.phantom,
                s.failed,
                r.perf.as_ref().filter(|p| p.records > 0).map_or("-".into(), |p| format!("{:.1}", p.records_per_sec)),
                r.perf.as_ref().filter(|p| p.records > 0).map_or("-".into(), |p| format!("{:.3}", p.latency_ms.p99)),
                r.promised.map_or("", |l| l.name()),
                if r.breaks_promise { " (broken)" } else { "" }
            ),
            (None, e) => println!("{vals}{:>6}  invalid: {}", r.seed, e.as_deref().unwrap_or("")),
        }
    }
    if report.seeds.len() > 1 {
        println!("\nmean rates per record sent and mean speed over {} seeds:", report.seeds.len());
        for c in &report.combinations {
            let vals: Vec<String> = c.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let speed = c.speed.as_ref().map_or(String::new(), |s| {
                format!(
                    "  {:.1} records/sec ({:.2} MB/sec), p99 {:.3} ms",
                    s.records_per_sec, s.mb_per_sec, s.latency_p99_ms
                )
            });
            println!(
                "  {:<40} lost {:.4}  duplicated {:.4}  reordered {:.4}  broke the promise in {} of {}{speed}",
                vals.join(" "),
                c.rates.lost,
                c.rates.duplicated,
                c.rates.reordered,
                c.broke_promise,
                c.runs
            );
        }
    }
    println!("({} runs in {:.2} s)", report.rows.len(), t0.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

/// Scenarios `kplay bench search` measures: (name, text).
const BENCH: &[(&str, &str)] = &[
    (
        "safe: acks=all, RF 3, min.insync.replicas=2, idempotence, 200 records",
        "brokers 3 min.insync.replicas=2\ntopic orders partitions=1 replication.factor=3\nproducer app acks=all linger.ms=0\n\
         network latency=2ms\nat 0ms app send orders count=200 every=1ms\n",
    ),
    (
        "safe, 3 partitions, keyed, 100 records",
        "brokers 3 min.insync.replicas=2\ntopic orders partitions=3 replication.factor=3\nproducer app linger.ms=5\n\
         at 0ms app send orders count=100 every=1ms key=k{i%7}\n",
    ),
    (
        "unsafe: acks=1, RF 3, 200 records",
        "brokers 3\ntopic orders partitions=1 replication.factor=3\nproducer app acks=1 linger.ms=0\nnetwork latency=2ms\n\
         at 0ms app send orders count=200 every=1ms\nexpect lost=0\n",
    ),
    (
        "unsafe: no idempotence, retries, 5 in flight, 200 records",
        "brokers 3 min.insync.replicas=2\ntopic orders partitions=1 replication.factor=3\n\
         producer app enable.idempotence=false linger.ms=0\nat 0ms app send orders count=200 every=1ms\n",
    ),
];

/// `kplay bench search [FILE] [--schedules N]`: schedules per second (one core) and
/// shrink times, printed; figures, not a pass/fail test.
pub fn bench_search(args: &[String]) -> ExitCode {
    let mut n = 1000;
    let mut file = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--schedules" => {
                n = match number("--schedules", args.get(i + 1)) {
                    Ok(n) => n,
                    Err(c) => return c,
                };
                i += 1;
            }
            x if x.starts_with("--") => return usage_error(&format!("unknown option {x}")),
            x => file = Some(x.to_string()),
        }
        i += 1;
    }
    let owned;
    let cases: Vec<(&str, &str)> = match &file {
        Some(f) => {
            owned = match load(f) {
                Ok(t) => t,
                Err(c) => return c,
            };
            vec![(f.as_str(), owned.as_str())]
        }
        None => BENCH.to_vec(),
    };
    println!("kplay bench search (native, one core): up to {n} schedules per case");
    for (name, text) in cases {
        let opts = SearchOptions { schedules: n, ..SearchOptions::default() };
        let Ok(mut s) = Search::new(text, opts) else { return ExitCode::from(2) };
        let t0 = Instant::now();
        while !s.step(256) {}
        let secs = t0.elapsed().as_secs_f64();
        println!("  {name}");
        println!(
            "    {} schedules in {:.3} s: {:.0} schedules/s, {:.0} kernel events per schedule",
            s.ran,
            secs,
            s.ran as f64 / secs.max(1e-9),
            s.kernel_events as f64 / s.ran.max(1) as f64
        );
        if let Some(mut sh) = s.shrinker() {
            let t1 = Instant::now();
            while !sh.step(64) {}
            let cx = s.counterexample(&sh);
            let secs = t1.elapsed().as_secs_f64();
            let v = cx.as_ref().is_some_and(|c| c.verified);
            println!(
                "    found at schedule {}; shrink {:.3} s ({} runs), {} -> {} records, {} -> {} faults, verified {v}",
                s.found.as_ref().map_or(0, |f| f.0),
                secs,
                sh.runs,
                cx.as_ref().map_or(0, |c| c.shrink.records_before),
                cx.as_ref().map_or(0, |c| c.shrink.records_after),
                cx.as_ref().map_or(0, |c| c.shrink.faults_before),
                cx.as_ref().map_or(0, |c| c.shrink.faults_after),
            );
        }
    }
    ExitCode::SUCCESS
}
