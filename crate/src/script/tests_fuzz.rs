//! Garbage in, diagnostics out: the parser must never panic, whatever the input.
//!
//! A small xorshift PRNG (fixed seeds, so failures reproduce) generates random byte
//! strings, random mixes of scenario words, and mutations of a valid scenario; every
//! result must be `Ok` or a list of diagnostics with sane positions, each naming its
//! offending word and saying how to fix it (a hint). Each generator runs 3,000 cases;
//! `KPLAY_FUZZ_CASES=N` runs N (the long mode).

use super::parse;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "at",
    "0ms",
    "5ms",
    "1.5s",
    "app",
    "send",
    "orders",
    "count=3",
    "every=1ms",
    "key=u-{i%3}",
    "key={i",
    "value=\"x y\"",
    "size=1KiB",
    "partition=1",
    "sync",
    "flush",
    "begin",
    "commit",
    "abort",
    "restart",
    "resend=unacked",
    "crash",
    "broker-1",
    "broker-9",
    "leader",
    "orders/0",
    "orders/x",
    "mode=power",
    "drop",
    "cut",
    "->",
    "isolate",
    "for",
    "40s",
    "heal",
    "audit",
    "poll",
    "topic",
    "producer",
    "consumer",
    "brokers",
    "3",
    "seed",
    "kafka",
    "3.9",
    "2.0.1",
    "network",
    "loss=1%",
    "run",
    "until",
    "idle",
    "expect",
    "lost=0",
    "failed>",
    ">=",
    "!=",
    "=",
    "#",
    "\"",
    "\\",
    "acks=all",
    "acks=1",
    "linger.ms=5",
    "enable.idempotence=true",
    "retries=0",
    "transactional.id=tx",
    "min.insync.replicas=2",
    "replication.factor=3",
    "replica.assignment=1:2,2:1",
    "partitions=2",
    "é",
    "→",
    "\t",
    "=",
    "==",
    "-",
    "{i%99999999999999999999}",
    "linger.ms=99999999999999999999999s",
    "batch.size=1.5B",
    "delivery.timeout.ms=1",
    "\u{feff}",
    "\r",
    "pipeline",
    "etl",
    "etl-producer",
    "from=orders",
    "to=orders",
    "group.id=g",
    "processing.guarantee=exactly_once_v2",
    "processing.guarantee=exactly_once",
    "commit.interval.ms=0",
    "poll.ms=1",
    "process=2ms",
];

const VALID: &str = "brokers 3 min.insync.replicas=2\ntopic orders partitions=3 replication.factor=3\n\
producer app acks=all transactional.id=t\nconsumer audit isolation.level=read_committed\n\
at 0ms app begin\nat 0ms app send orders count=10 key=k{i%3} value=\"v\"\nat 1ms app commit\n\
at 2ms crash leader orders/1 mode=power\nat 3ms drop broker-1 -> app count=2\nat 9ms audit poll orders\n\
topic out\npipeline etl from=orders to=out group.id=g processing.guarantee=exactly_once_v2 process=1ms\n\
at 4ms crash etl\nat 5ms restart etl\nat 6ms isolate etl-producer for 1ms\n\
run until 1s\nexpect lost=0 consumers.audit.records>=0 pipeline_lost=0 pipelines.etl.outputs>=0\n";

fn cases() -> usize {
    std::env::var("KPLAY_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(3_000)
}

fn check(text: &str) {
    let lines = u32::try_from(text.split('\n').count()).unwrap_or(u32::MAX);
    match parse(text) {
        Ok(_) => {}
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in diags {
                assert!(d.line >= 1 && d.line <= lines, "{d:?} in {text:?}");
                assert!(d.column >= 1 && d.end_column >= d.column, "{d:?} in {text:?}");
                assert!(!d.message.is_empty());
                assert!(!d.hint.is_empty(), "no hint: {d:?} in {text:?}");
                assert!(!d.word.is_empty(), "no word: {d:?} in {text:?}");
            }
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..cases() {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        check(&String::from_utf8_lossy(&bytes));
        let ascii: String =
            bytes.iter().map(|b| char::from(b % 96 + 32)).map(|c| if c == '\x7f' { '\n' } else { c }).collect();
        check(&ascii);
    }
}

#[test]
fn random_word_salad_never_panics() {
    let mut rng = Rng(42);
    for _ in 0..cases() {
        let mut text = String::new();
        for _ in 0..rng.below(40) {
            text.push_str(WORDS[rng.below(WORDS.len())]);
            text.push(if rng.below(6) == 0 { '\n' } else { ' ' });
        }
        check(&text);
        check(&format!("producer app\ntopic orders\nconsumer audit\nat 0ms {text}"));
        check(&format!("expect {text}"));
    }
}

#[test]
fn mutations_of_a_valid_scenario_never_panic() {
    assert!(parse(VALID).is_ok(), "{:?}", parse(VALID).err());
    let chars: Vec<char> = VALID.chars().collect();
    let mut rng = Rng(7);
    for _ in 0..cases() {
        let mut c = chars.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(c.len());
            match rng.below(3) {
                0 => {
                    c.remove(i);
                }
                1 => c.insert(i, "= ->{}\"#\n0é-9.%".chars().nth(rng.below(16)).unwrap_or('x')),
                _ => {
                    let j = rng.below(c.len());
                    c.swap(i, j);
                }
            }
        }
        check(&c.into_iter().collect::<String>());
    }
}

#[test]
fn weird_inputs() {
    for text in [
        "",
        "\n\n\n",
        "#",
        "\"",
        "\"\"",
        "\\",
        "=",
        "==",
        "->",
        "- >",
        "at",
        "at at at",
        "expect",
        "expect =",
        "expect ==0",
        "expect lost=-",
        "expect lost=99999999999999999999",
        "topic",
        "topic \"\"",
        "topic \"a b\"",
        "producer \"x\"",
        "brokers 65536",
        "seed 99999999999999999999",
        "kafka 4",
        "kafka 4.0.0.0",
        "kafka 65536.0",
        "kafka .",
        "run until",
        "network latency=",
        "network loss=%",
        "network loss=100%",
        "network loss=101%",
        "producer p x",
        "producer p =5",
        "producer p linger.ms=",
        "producer p linger.ms=1e3",
        "producer p linger.ms=--1",
        "producer p batch.size=99999999999999999999999999999999KiB",
        "topic t partitions=4294967296",
        "topic t replica.assignment=,",
        "topic t replica.assignment=1::2",
        "topic t replica.assignment=99999",
        "producer p\ntopic t\nat 0ms p send t count=18446744073709551616",
        "producer p\ntopic t\nat 99999999999999999999h p flush",
        "producer p\nat 0ms drop p ->",
        "at 0ms crash leader",
        "at 0ms crash leader /",
        "\u{0}\u{1}\u{7f}",
        "é=é é->é",
        "\r\n\r\n",
        "expect \u{feff}lost=0",
        "x\u{2028}y",
    ] {
        check(text);
    }
}

/// The cases the issue named: each comes back with its word and a hint.
#[test]
fn every_diagnostic_names_its_word_and_a_fix() {
    let cases = [
        ("producer app zzzz=1", "zzzz", "producer properties include acks"),
        ("producer app =1", "=1", "write name=value without spaces around '='"),
        ("producer app\nat 0ms app send nope", "nope", "declare it first: topic nope partitions=1"),
        ("producer app\ntopic t\nat 0ms app send t value=\"abc", "\"abc", "close the string"),
        ("producer app linger.ms=", "linger.ms=", "linger.ms"),
        ("topic", "topic", "write topic NAME"),
        ("topic t flush.mss=1", "flush.mss", "did you mean flush.ms?"),
        ("producer app count=3", "count", "option of a timeline action"),
    ];
    for (text, word, hint) in cases {
        let diags = parse(text).expect_err(text);
        let d = &diags[0];
        assert_eq!(d.word, word, "{text:?}: {d:?}");
        assert!(d.hint.contains(hint), "{text:?}: {d:?}");
        check(text);
    }
}
