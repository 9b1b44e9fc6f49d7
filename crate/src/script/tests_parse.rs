//! Whole-scenario tests of the language forms (SCENARIO_LANGUAGE.md), one per form.

use super::ast::*;
use super::errors::Diagnostic;
use super::parse;
use crate::config::{IsolationLevel, KafkaVersion};

pub fn ok(text: &str) -> Scenario {
    match parse(text) {
        Ok(s) => s,
        Err(d) => panic!("expected success, got {d:#?}"),
    }
}

pub fn errs(text: &str) -> Vec<Diagnostic> {
    match parse(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(d) => d,
    }
}

pub fn one_err(text: &str) -> Diagnostic {
    let d = errs(text);
    assert_eq!(d.len(), 1, "{d:#?}");
    d.into_iter().next().unwrap()
}

const FULL: &str = r#"
# the contract's example, in one file
seed 42
kafka 3.9
brokers 3 min.insync.replicas=2
topic orders partitions=3 replication.factor=3
producer app acks=all linger.ms=5ms
consumer audit isolation.level=read_committed
network latency=2ms jitter=1ms loss=1%
at 0ms   app send orders count=1000 every=1ms key=user-{i%10} size=200B
at 0ms   app send orders value="hello world"
at 0ms   app send orders count=20 sync
at 0ms   app send orders count=5 partition=2
at 5ms   app flush
at 30ms  app restart resend=unacked
at 12ms  crash broker-2 mode=power
at 12ms  crash leader orders/0
at 40ms  restart broker-2
at 20ms  drop broker-1 -> app count=1
at 20ms  drop app -> broker-1 count=2
at 20ms  cut broker-3 -> broker-1 for 40s
at 20ms  isolate broker-3 for 40s
at 21ms  isolate controller
at 50ms  heal
at 0ms   audit poll orders
run until 10s
expect lost=0 duplicated = 0 reordered=0
expect failed>0 errors.NOT_ENOUGH_REPLICAS>0 responses.REQUEST_TIMED_OUT >= 0 consumers.audit.records!=-1
"#;

#[test]
fn the_whole_contract_parses() {
    let s = ok(FULL);
    assert_eq!(s.seed, 42);
    assert_eq!(s.kafka, KafkaVersion::new(3, 9, 0));
    assert_eq!(s.brokers, 3);
    assert_eq!(s.broker_config.min_insync_replicas, 2);
    assert_eq!(s.topics[0].assignment, vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]]);
    assert_eq!(s.topics[0].config.min_insync_replicas, 2, "inherited from the brokers line");
    assert_eq!(s.producers[0].config.linger_us, 5_000);
    assert_eq!(s.consumers[0].config.isolation_level, IsolationLevel::ReadCommitted);
    assert_eq!(s.network, NetworkDecl { latency_us: 2_000, jitter_us: 1_000, loss_ppm: 10_000 });
    assert_eq!(s.run_until, RunUntil::Time(10_000_000));
    assert_eq!(s.timeline.len(), 16);
    assert_eq!(s.expects.len(), 2);
    assert_eq!(s.expects[0].text, "lost=0 duplicated = 0 reordered=0");
    assert_eq!(
        s.expects[0].clauses[1],
        Clause {
            name: "duplicated".into(),
            op: CmpOp::Eq,
            value: 0,
            unit: crate::script::ast::ClauseUnit::Count,
            column: 15
        }
    );
    assert_eq!(s.expects[1].clauses[3].value, -1);
    assert_eq!(s.expects[1].clauses[3].op, CmpOp::Ne);
}

#[test]
fn timeline_is_sorted_stably_with_lines() {
    let s = ok(FULL);
    let times: Vec<u64> = s.timeline.iter().map(|t| t.at_us).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let zero: Vec<u32> = s.timeline.iter().filter(|t| t.at_us == 0).map(|t| t.line).collect();
    assert_eq!(zero, vec![10, 11, 12, 13, 25]);
    let first = &s.timeline[0].action;
    assert_eq!(
        *first,
        Action::Send {
            producer: 0,
            topic: 0,
            count: 1000,
            every_us: 1_000,
            key: KeySpec::Template(vec![KeyPart::Lit("user-".into()), KeyPart::IndexMod(10)]),
            value: ValueSpec::Size(200),
            partition: None,
            sync: false,
            headers: vec![],
            timestamp_ms: None,
        }
    );
}

#[test]
fn records_with_headers_timestamps_and_tombstones() {
    let s = crate::script::parse(
        "seed 3 epoch=1600000000000\nproducer p\ntopic t\nat 0ms p send t key=k value=null headers=trace:abc,region:eu,gone timestamp=1700000000123\nat 0ms p send t value=\"null\"",
    )
    .expect("valid");
    assert_eq!(s.epoch_ms, 1_600_000_000_000);
    match &s.timeline[0].action {
        Action::Send { value, headers, timestamp_ms, .. } => {
            assert_eq!(*value, ValueSpec::Null);
            assert_eq!(
                *headers,
                vec![
                    ("trace".to_string(), Some("abc".to_string())),
                    ("region".to_string(), Some("eu".to_string())),
                    ("gone".to_string(), None)
                ]
            );
            assert_eq!(*timestamp_ms, Some(1_700_000_000_123));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&s.timeline[1].action, Action::Send { value: ValueSpec::Literal(v), .. } if v == "null"));
    let bad = crate::script::parse("producer p\ntopic t\nat 0ms p send t timestamp=-5").unwrap_err();
    assert_eq!(bad[0].message, "Invalid timestamp: -5. Timestamp should always be non-negative or null.");
}

#[test]
fn actions_resolve_names() {
    let s = ok(FULL);
    let find = |line: u32| s.timeline.iter().find(|t| t.line == line).unwrap().action.clone();
    assert!(
        matches!(find(11), Action::Send { value: ValueSpec::Literal(ref v), key: KeySpec::Null, .. } if v == "hello world")
    );
    assert!(matches!(find(12), Action::Send { count: 20, sync: true, .. }));
    assert!(matches!(find(13), Action::Send { partition: Some(2), .. }));
    assert_eq!(find(14), Action::Flush { producer: 0 });
    assert_eq!(find(15), Action::RestartApp { producer: 0, resend_unacked: true });
    assert_eq!(find(16), Action::Crash { target: CrashTarget::Broker(2), mode: CrashMode::Power });
    assert_eq!(
        find(17),
        Action::Crash { target: CrashTarget::LeaderOf { topic: 0, partition: 0 }, mode: CrashMode::Process }
    );
    assert_eq!(find(18), Action::RestartBroker { broker: 2 });
    assert_eq!(find(19), Action::Drop { from: NodeRef::Broker(1), to: NodeRef::Producer(0), count: 1, api: None });
    assert_eq!(find(20), Action::Drop { from: NodeRef::Producer(0), to: NodeRef::Broker(1), count: 2, api: None });
    assert_eq!(find(21), Action::Cut { from: NodeRef::Broker(3), to: NodeRef::Broker(1), for_us: Some(40_000_000) });
    assert_eq!(find(22), Action::Isolate { node: NodeRef::Broker(3), for_us: Some(40_000_000) });
    assert_eq!(find(23), Action::Isolate { node: NodeRef::Controller, for_us: None });
    assert_eq!(find(24), Action::Heal);
    assert_eq!(find(25), Action::Poll { consumer: 0, topic: 0 });
}

#[test]
fn defaults_when_nothing_is_declared() {
    let s = ok("");
    assert_eq!(s.seed, 1);
    assert_eq!(s.kafka, KafkaVersion::DEFAULT);
    assert_eq!(s.brokers, 1);
    assert_eq!(s.run_until, RunUntil::Idle);
    assert_eq!(s.network, NetworkDecl::default());
    assert_eq!(s.effective.kafka_version, "4.0.0");
    assert_eq!(s.effective.roles.len(), 1);
    assert!(s.effective.notes[0].contains("Kafka 4.0.0"), "{:?}", s.effective.notes);
    let s = ok("kafka 3.0.1\nrun until idle\nseed 18446744073709551615\nproducer p\ntopic t\nat 0 p send t");
    assert_eq!(s.kafka, KafkaVersion::new(3, 0, 1));
    assert_eq!(s.seed, u64::MAX);
    assert!(matches!(
        s.timeline[0].action,
        Action::Send { key: KeySpec::Null, value: ValueSpec::Size(100), count: 1, every_us: 0, .. }
    ));
}

#[test]
fn declarations_may_follow_their_use() {
    let s = ok("at 1ms app send t\nexpect consumers.c.records=0\ntopic t\nproducer app\nconsumer c\nbrokers 2");
    assert_eq!(s.brokers, 2);
    assert_eq!(s.timeline.len(), 1);
}

#[test]
fn keys_and_values() {
    let s = ok(
        "topic t\nproducer p\nat 0ms p send t key=\"null\" value=\"a \\\"b\\\"\"\nat 0ms p send t key=k1 size=16KiB",
    );
    assert!(
        matches!(&s.timeline[0].action, Action::Send { key: KeySpec::Template(k), value: ValueSpec::Literal(v), .. }
        if *k == vec![KeyPart::Lit("null".into())] && v == "a \"b\"")
    );
    assert!(matches!(&s.timeline[1].action, Action::Send { value: ValueSpec::Size(16_384), .. }));
    let d = one_err("topic t\nproducer p\nat 0ms p send t value=x size=3");
    assert_eq!(d.message, "value and size are mutually exclusive");
    let d = one_err("topic t\nproducer p\nat 0ms p send t key={i%0}");
    assert!(d.message.contains("invalid modulus"), "{d:?}");
}

#[test]
fn topic_placement_and_assignment_rules() {
    let s = ok("brokers 3\ntopic t replica.assignment=3:1,1:2");
    assert_eq!((s.topics[0].partitions, s.topics[0].replication_factor), (2, 2));
    assert_eq!(s.topics[0].assignment, vec![vec![3, 1], vec![1, 2]]);
    let d = one_err("brokers 1\ntopic orders replication.factor=3");
    assert_eq!(d.message, "Replication factor: 3 larger than available brokers: 1.");
    assert_eq!((d.line, d.column), (2, 14));
    let d = one_err("brokers 2\ntopic t replica.assignment=1:1");
    assert_eq!(d.message, "Partition replica lists may not contain duplicate entries: 1");
    let d = one_err("brokers 3\ntopic t replica.assignment=1:2,2");
    assert_eq!(d.message, "Partition 1 has different replication factor: [2]");
    let d = one_err("brokers 3\ntopic t replica.assignment=1:4");
    assert_eq!(d.message, "The manual partition assignment includes broker 4, but no such broker is registered.");
    let d = one_err("brokers 3\ntopic t partitions=3 replica.assignment=1:2");
    assert!(d.message.contains("partitions=3"), "{d:?}");
    let d = one_err("brokers 3\ntopic t replication.factor=3 replica.assignment=1:2");
    assert!(d.message.contains("replication.factor=3"), "{d:?}");
    let d = one_err("brokers 2 default.replication.factor=3\ntopic t");
    assert_eq!(d.line, 1);
    assert!(d.hint.contains("default.replication.factor"));
    let s = ok("brokers 3 default.replication.factor=3\ntopic t");
    assert_eq!(s.topics[0].replication_factor, 3);
    assert_eq!(one_err("topic t partitions=0").message, "Number of partitions must be larger than 0.");
    assert_eq!(one_err("topic t replication.factor=0").message, "Replication factor must be larger than 0.");
    assert!(one_err("topic a/b").message.contains("illegal"));
    assert_eq!(one_err("topic t\ntopic t").message, "Topic 't' already exists.");
}

#[test]
fn names_must_not_collide() {
    assert!(one_err("producer app\nconsumer app").message.contains("already declared as a producer"));
    assert!(one_err("producer broker-1").message.contains("cannot name"));
    assert!(one_err("consumer controller").message.contains("cannot name"));
    assert!(one_err("producer heal").message.contains("cannot name"));
    assert!(one_err("producer a.b").message.contains("invalid producer name"));
    assert!(ok("producer broker-x\nproducer app_2-b").producers.len() == 2);
}

#[test]
fn once_only_statements() {
    for s in [
        "seed 1\nseed 2",
        "kafka 3.9\nkafka 3.8",
        "brokers 1\nbrokers 2",
        "network\nnetwork",
        "run until idle\nrun until 1s",
    ] {
        let d = one_err(s);
        assert_eq!(d.line, 2, "{s}");
        assert!(d.message.contains("only once"), "{d:?}");
    }
}

#[test]
fn bad_declaration_values() {
    assert!(one_err("seed -1").message.contains("invalid seed"));
    assert!(one_err("kafka 1.1").hint.contains("2.0 to 4.x"));
    assert!(one_err("kafka 5.0").hint.contains("2.0 to 4.x"));
    assert!(one_err("kafka x").message.contains("unsupported Kafka version"));
    assert!(one_err("brokers 0").message.contains("invalid broker count"));
    assert!(one_err("brokers 100").message.contains("invalid broker count"));
    assert!(one_err("brokers").message.contains("needs a count"));
    assert!(one_err("network loss=2").message.contains("invalid loss"));
    assert_eq!(one_err("network latncy=1ms").hint, "did you mean latency?");
    assert!(one_err("run until soon").message.contains("invalid run time"));
    assert!(one_err("run 5s").message.contains("run needs until"));
    assert_eq!(ok("network loss=0.5").network.loss_ppm, 500_000);
}

#[test]
fn unknown_statements_and_misplaced_lines() {
    let d = one_err("brokrs 3");
    assert_eq!((d.message.as_str(), d.hint.as_str()), ("unknown statement 'brokrs'", "did you mean brokers?"));
    let d = one_err("producer app\napp send t");
    assert!(d.hint.starts_with("timeline lines start with at TIME"), "{d:?}");
    assert!(one_err("broker 3").hint.contains("brokers"));
}

#[test]
fn timeline_errors_are_precise() {
    let base = "brokers 2\ntopic t partitions=2\nproducer p\nconsumer c\n";
    let e = |line: &str| one_err(&format!("{base}{line}"));
    let d = e("at 5 p flush");
    assert_eq!(
        (d.message.as_str(), d.hint.as_str()),
        ("invalid time '5'", "a time needs a unit: write 5ms (or 5s, 5us, ...)")
    );
    assert_eq!(
        e("at 0ms p send t partition=-1").message,
        "Invalid partition: -1. Partition number should always be non-negative or null."
    );
    assert_eq!(e("at 0ms p begin").message, "Transactional method invoked on a non-transactional producer.");
    assert!(e("at 0ms c send t").message.contains("is a consumer"));
    assert!(e("at 0ms p poll t").message.contains("is a producer"));
    assert_eq!(e("at 0ms p sned t").hint, "did you mean send?");
    assert_eq!(e("at 0ms p send tt").hint, "did you mean t?");
    assert!(e("at 0ms crash broker-3").message.contains("broker-3 does not exist"));
    assert!(e("at 0ms crash leader t/2").message.contains("no partition"));
    assert!(e("at 0ms crash broker-1 mode=fire").message.contains("unknown crash mode"));
    assert!(e("at 0ms drop broker-1 app").message.contains("direction"));
    assert!(e("at 0ms drop p -> controller").message.contains("no such link"));
    assert!(e("at 0ms drop broker-1 -> broker-1").message.contains("two different nodes"));
    assert!(e("at 0ms drop broker-1 -> zz").hint.contains("broker-N, a declared producer or consumer, or controller"));
    assert!(e("at 0ms drop c -> p").message.contains("producers, consumers and the controller talk only to brokers"));
    assert!(e("at 0ms drop broker-1 -> p count=0").message.contains("invalid count"));
    assert_eq!(e("at 0ms p send t cont=3").hint, "did you mean count?");
    assert!(e("at 0ms p send t count=1 count=2").message.contains("twice"));
    assert!(e("at 0ms heal now").message.contains("unexpected"));
    assert!(e("at 0ms restart p").hint.contains("p restart"));
    assert!(e("at 0ms p restart resend=all").message.contains("unknown resend mode"));
    assert!(e("at 0ms cut broker-1 -> broker-2 for").message.contains("for needs a duration"));
    assert!(e("at 0ms isolate broker-1 for 5").message.contains("invalid for"));
    assert!(e("at 0ms zed send t").message.contains("unknown producer, consumer or action"));
    assert!(e("at").message.contains("needs a time"));
    assert!(e("at 1ms").message.contains("missing action"));
    let s = ok(&format!("{base}at 0ms cut broker-1 -> broker-2 for=1s\nat 0ms p restart resend=none"));
    assert!(matches!(s.timeline[0].action, Action::Cut { for_us: Some(1_000_000), .. }));
}

#[test]
fn expectations() {
    let s = ok("consumer c\nexpect lost = 0 failed>0 sent>=1 acked<=5 batches<9 aborted!=3 errors.TimeoutException=0 # comment");
    let e = &s.expects[0];
    assert_eq!(e.text, "lost = 0 failed>0 sent>=1 acked<=5 batches<9 aborted!=3 errors.TimeoutException=0");
    let ops: Vec<CmpOp> = e.clauses.iter().map(|c| c.op).collect();
    assert_eq!(ops, [CmpOp::Eq, CmpOp::Gt, CmpOp::Ge, CmpOp::Le, CmpOp::Lt, CmpOp::Ne, CmpOp::Eq]);
    assert_eq!(e.clauses[0].column, 8);
    let d = one_err("expect lots=0");
    assert_eq!((d.message.as_str(), d.hint.as_str()), ("unknown expectation name 'lots'", "did you mean lost?"));
    assert_eq!((d.column, d.end_column), (8, 12));
    assert_eq!(one_err("expect responses.NOT_ENOUGH_REPLICA=0").hint, "did you mean responses.NOT_ENOUGH_REPLICAS?");
    assert_eq!(one_err("expect responses.NOT_ENOUGH=0").hint, "did you mean responses.NOT_ENOUGH_REPLICAS?");
    assert!(one_err("expect consumers.x.records=0").message.contains("unknown consumer"));
    assert!(one_err("expect lost 0").message.contains("expected an operator"));
    assert!(one_err("expect lost=").message.contains("expected a whole number"));
    assert!(one_err("expect lost=1.5").message.contains("expected a whole number"));
    assert!(one_err("expect").message.contains("at least one clause"));
    assert_eq!(errs("expect lots=0 dupl=1 lost=x").len(), 3);
}

#[test]
fn all_errors_are_collected_and_sorted() {
    let d = errs("brokrs 3\nproducer p linger.m=5\ntopic t\nat 0ms p send x\nexpect lots=0\nat 1ms q flush");
    let lines: Vec<u32> = d.iter().map(|x| x.line).collect();
    assert_eq!(lines, [1, 2, 4, 5, 6]);
    let rendered = d[1].render("x.kplay");
    assert_eq!(rendered, "x.kplay:2:12: error: Unknown producer property 'linger.m'\n  hint: did you mean linger.ms?");
}

/// Declarations for the consumer-group tests: lines 1 to 7.
const GROUPS: &str = "brokers 3
topic orders partitions=3 replication.factor=3
topic payments partitions=2
producer app
consumer c1 group.id=billing partition.assignment.strategy=cooperative-sticky
consumer c2 group.id=billing group.protocol=consumer
consumer audit
";

/// The one diagnostic of GROUPS plus `lines` (from line 8).
fn group_err(lines: &str) -> Diagnostic {
    one_err(&format!("{GROUPS}{lines}"))
}

#[test]
fn consumer_group_forms_parse() {
    let s = ok(&format!(
        "{GROUPS}\
at 0ms c1 subscribe orders,payments
at 0ms c2 subscribe orders, payments,orders
at 0ms c1 poll every=100ms process=20ms until=30s
at 0ms c2 poll
at 5s c1 commit
at 5s c1 commit sync
at 6s c2 commit async
at 10s c1 pause for 6m
at 12s c1 close
at 13s crash c2
at 14s restart c2
at 15s isolate c1 for 10s
at 15s cut c1 -> broker-1
at 15s drop broker-2 -> c1 count=1
at 15s delay c2 -> broker-3 by=50ms api=JoinGroup
at 16s audit poll orders
at 17s drop c1 -> broker-1 api=OffsetCommit
expect reprocessed=0 skipped=0 groups.billing.rebalances>=1 groups.billing.generation>0 groups.billing.lag=0
"
    ));
    let find = |line: u32| s.timeline.iter().find(|t| t.line == line).unwrap().action.clone();
    assert_eq!(find(8), Action::Subscribe { consumer: 0, topics: vec![0, 1] });
    assert_eq!(find(9), Action::Subscribe { consumer: 1, topics: vec![0, 1] });
    assert_eq!(
        find(10),
        Action::PollLoop { consumer: 0, every_us: 100_000, process_us: 20_000, until_us: Some(30_000_000) }
    );
    assert_eq!(find(11), Action::PollLoop { consumer: 1, every_us: 100_000, process_us: 0, until_us: None });
    assert_eq!(find(12), Action::CommitOffsets { consumer: 0, sync: true });
    assert_eq!(find(13), Action::CommitOffsets { consumer: 0, sync: true });
    assert_eq!(find(14), Action::CommitOffsets { consumer: 1, sync: false });
    assert_eq!(find(15), Action::Stall { consumer: 0, for_us: 360_000_000 });
    assert_eq!(find(16), Action::CloseConsumer { consumer: 0 });
    assert_eq!(find(17), Action::CrashConsumer { consumer: 1 });
    assert_eq!(find(18), Action::RestartConsumer { consumer: 1 });
    assert_eq!(find(19), Action::Isolate { node: NodeRef::Consumer(0), for_us: Some(10_000_000) });
    assert_eq!(find(20), Action::Cut { from: NodeRef::Consumer(0), to: NodeRef::Broker(1), for_us: None });
    assert_eq!(find(21), Action::Drop { from: NodeRef::Broker(2), to: NodeRef::Consumer(0), count: 1, api: None });
    assert_eq!(
        find(22),
        Action::Delay {
            from: NodeRef::Consumer(1),
            to: NodeRef::Broker(3),
            by_us: 50_000,
            count: 1,
            api: Some("JoinGroup")
        }
    );
    assert_eq!(find(23), Action::Poll { consumer: 2, topic: 0 });
    assert!(matches!(find(24), Action::Drop { api: Some("OffsetCommit"), .. }));
    let names: Vec<&str> = s.expects[0].clauses.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["reprocessed", "skipped", "groups.billing.rebalances", "groups.billing.generation", "groups.billing.lag"]
    );
    let c = &s.consumers[1].config;
    assert_eq!(c.group_id.as_deref(), Some("billing"));
    assert_eq!(c.group_protocol, crate::config::GroupProtocol::Consumer);
    assert_eq!(s.consumers[0].config.assignors, [crate::config::AssignorKind::CooperativeSticky]);
    // A network link may name a consumer too.
    let s = ok(&format!("{GROUPS}network link c1 -> broker-2 latency=40ms\n"));
    assert_eq!((s.links[0].0, s.links[0].1), (NodeRef::Consumer(0), NodeRef::Broker(2)));
}

#[test]
fn a_poll_loop_needs_a_subscribe_anywhere_in_the_file() {
    // The subscribe may come later in the file (and later in time): the poll loop's
    // diagnostic is withdrawn.
    let s = ok(&format!("{GROUPS}at 0ms c1 poll every=1s\nat 0ms c1 poll every=2s\nat 1s c1 subscribe orders\n"));
    assert!(matches!(s.timeline[0].action, Action::PollLoop { every_us: 1_000_000, .. }));
    assert_eq!(s.timeline.len(), 3);
    let d = group_err("at 0ms c1 subscribe orders\nat 0ms c2 poll every=100ms\n");
    assert_eq!(d.message, "Consumer is not subscribed to any topics or assigned any partitions");
    assert_eq!((d.line, d.column, d.word.as_str()), (9, 11, "poll"));
    assert_eq!(d.hint, "subscribe the consumer before its poll loop: at 0ms c2 subscribe TOPIC");
    // Without a group.id both the subscribe and the poll loop's consumer fail: the
    // subscribe line says why, once.
    let d = group_err("at 0ms audit poll\nat 0ms audit subscribe orders\n");
    assert_eq!(d.line, 9);
    // The instant form is unchanged and needs neither.
    assert!(matches!(
        ok(&format!("{GROUPS}at 1s audit poll payments\n")).timeline[0].action,
        Action::Poll { topic: 1, .. }
    ));
}

#[test]
fn consumer_group_errors_are_precise() {
    let group_id = "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.";
    let d = group_err("at 0ms audit subscribe orders\n");
    assert_eq!((d.message.as_str(), d.line, d.column, d.word.as_str()), (group_id, 8, 14, "subscribe"));
    assert_eq!(d.hint, "give the consumer a group on its declaration: consumer audit group.id=NAME");
    let d = group_err("at 1s audit commit\n");
    assert_eq!((d.message.as_str(), d.line, d.column), (group_id, 8, 13));

    let d = group_err("at 0ms c1 subscribe orders,paymnts\n");
    assert_eq!(d.message, "unknown topic 'paymnts'");
    assert_eq!((d.line, d.column, d.end_column, d.word.as_str()), (8, 28, 35, "paymnts"));
    assert_eq!(d.hint, "did you mean payments?");
    let d = group_err("at 0ms c1 subscribe\n");
    assert_eq!(d.message, "subscribe needs at least one topic");
    assert!(d.hint.contains("c1 subscribe orders,payments"), "{d:?}");

    let d = group_err("at 0ms c1 subscribe orders\nat 10s c1 poll until=5s\n");
    assert_eq!(d.message, "until=5s is not later than the loop's start (at 10s)");
    assert_eq!((d.line, d.column, d.word.as_str()), (9, 22, "5s"));
    assert!(d.hint.contains("not a duration"), "{d:?}");
    let d = group_err("at 0ms c1 subscribe orders\nat 0ms c1 poll every=0ms\n");
    assert_eq!(d.message, "a poll loop needs every > 0");
    let d = group_err("at 0ms c1 subscribe orders\nat 0ms c1 poll every=100ms procss=2ms\n");
    assert_eq!((d.message.as_str(), d.hint.as_str()), ("unknown option 'procss'", "did you mean process?"));

    let d = group_err("at 5s c1 commit sync async\n");
    assert_eq!((d.message.as_str(), d.column), ("commit is either sync or async", 22));
    let d = group_err("at 10s c1 pause\n");
    assert_eq!((d.message.as_str(), d.column), ("c1 pause needs a duration", 11));
    assert_eq!(d.hint, "the application thread stalls for a while, then polls again: write at TIME c1 pause for 6m");
    let d = group_err("at 12s c1 close timeout=5s\n");
    assert_eq!((d.message.as_str(), d.hint.as_str()), ("unknown option 'timeout'", "this action takes no options"));

    let d = group_err("at 0ms crash c1 mode=power\n");
    assert_eq!(d.message, "mode= is for brokers: it says what a broker's disk keeps");
    assert_eq!((d.column, d.word.as_str()), (17, "mode=power"));
    assert_eq!(d.hint, "a consumer's crash is its process dying (no LeaveGroup, no commit): write crash c1");
    assert!(group_err("at 0ms crash app").hint.contains("app restart"));
    assert!(group_err("at 0ms restart app").hint.contains("app restart"));
    assert!(group_err("at 0ms c1 restart").hint.contains("restart c1"));
    assert!(group_err("at 0ms pause c1 for 1s").hint.contains("c1 pause for 6m"));
    assert!(group_err("at 0ms shutdown c1").hint.contains("c1 close"));
    assert_eq!(group_err("at 0ms isolate c3").hint, "did you mean c1?");

    let d = group_err("at 0ms c1 subscrib orders\n");
    assert_eq!(
        (d.message.as_str(), d.hint.as_str()),
        ("unknown consumer action 'subscrib'", "did you mean subscribe?")
    );
    let d = group_err("at 0ms c1 dance\n");
    assert_eq!(d.hint, "a consumer can subscribe, poll, commit, pause, close");
    let d = group_err("at 0ms c1 send orders\n");
    assert_eq!(d.message, "c1 is a consumer; send is a producer action");
    assert_eq!(d.hint, "a consumer can subscribe, poll, commit, pause, close");
    assert_eq!(group_err("at 0ms app subscribe orders").message, "app is a producer; subscribe is a consumer action");
    let d = group_err("at 0ms c1 seek orders\n");
    assert_eq!((d.message.as_str(), d.column), ("kplay does not model seek yet", 11));
    assert!(d.hint.contains("auto.offset.reset"));
    let d = group_err("at 0ms c1 unsubscribe\n");
    assert_eq!(d.message, "kplay does not model unsubscribe yet");
    assert_eq!(d.hint, "to leave the group, write at TIME c1 close");
}

#[test]
fn group_expectations_name_declared_groups() {
    let d = group_err("expect groups.billng.lag=0\n");
    assert_eq!((d.message.as_str(), d.hint.as_str()), ("unknown group 'billng'", "did you mean groups.billing.lag?"));
    assert_eq!((d.line, d.column, d.word.as_str()), (8, 8, "groups.billng.lag"));
    let d = group_err("expect groups.billing.lagg=0\n");
    assert_eq!(
        (d.message.as_str(), d.hint.as_str()),
        ("unknown group figure 'lagg'", "did you mean groups.billing.lag?")
    );
    assert!(group_err("expect groups.billing=0\n").message.contains("unknown name"));
    let d = one_err("consumer c\nexpect groups.g.rebalances=0");
    assert_eq!(d.hint, "no consumer has a group.id: declare consumer NAME group.id=g");
    let s =
        ok(&format!("{GROUPS}expect groups.billing.members=2 groups.billing.processed>0 consumers.c1.processed>0\n"));
    assert_eq!(s.expects[0].clauses.len(), 3);
    // A group.id with dots.
    assert_eq!(
        ok("consumer c group.id=a.b\nexpect groups.a.b.generation=1").expects[0].clauses[0].name,
        "groups.a.b.generation"
    );
}

/// Two topics, a producer and a consumer; pipelines go after (line 5 on).
const PIPE: &str = "brokers 3\ntopic orders partitions=3 replication.factor=3\ntopic invoices partitions=3 replication.factor=3\nproducer app\n";

/// The only diagnostic of `PIPE` followed by `rest`.
fn pipe_err(rest: &str) -> Diagnostic {
    one_err(&format!("{PIPE}{rest}"))
}

#[test]
fn a_pipeline_is_a_consumer_and_a_producer_in_its_place() {
    let s = ok(&format!(
        "{PIPE}consumer audit group.id=audit\n\
         pipeline etl from=orders to=invoices group.id=etl transactional.id=etl-1 processing.guarantee=exactly_once_v2 commit.interval.ms=200 process=2ms poll.ms=50ms\n\
         producer late\nconsumer c2 group.id=g\n"
    ));
    let names = |v: Vec<&str>| v.join(",");
    assert_eq!(names(s.producers.iter().map(|p| p.name.as_str()).collect()), "app,etl-producer,late");
    assert_eq!(names(s.consumers.iter().map(|c| c.name.as_str()).collect()), "audit,etl,c2");
    assert_eq!(s.pipelines.len(), 1);
    let p = &s.pipelines[0];
    assert_eq!((p.name.as_str(), p.from, p.to, p.guarantee), ("etl", 0, 1, ProcessingGuarantee::ExactlyOnceV2));
    assert_eq!((p.commit_interval_us, p.process_us, p.poll_us), (200_000, 2_000, 50_000));
    assert_eq!((p.consumer, p.producer, p.line), (1, 1, 6));
    assert_eq!(s.consumers[p.consumer].config.group_id.as_deref(), Some("etl"));
    assert_eq!(s.producers[p.producer].config.transactional_id.as_deref(), Some("etl-1"));
}

#[test]
fn pipeline_defaults_follow_the_guarantee() {
    let s = ok(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl\n"));
    let p = &s.pipelines[0];
    assert_eq!(p.guarantee, ProcessingGuarantee::AtLeastOnce, "Kafka Streams' default");
    assert_eq!((p.commit_interval_us, p.process_us, p.poll_us), (30_000_000, 0, 100_000));
    assert_eq!(s.producers[p.producer].config.transactional_id, None);
    let s =
        ok(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_v2\n"));
    let p = &s.pipelines[0];
    assert_eq!((p.guarantee, p.commit_interval_us), (ProcessingGuarantee::ExactlyOnceV2, 100_000));
    assert_eq!(s.producers[p.producer].config.transactional_id.as_deref(), Some("etl"), "default: the pipeline's name");
    // commit.interval.ms takes units like any .ms property; 0 commits after every poll.
    let s = ok(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl commit.interval.ms=2s\n"));
    assert_eq!(s.pipelines[0].commit_interval_us, 2_000_000);
    let s = ok(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl commit.interval.ms=0\n"));
    assert_eq!(s.pipelines[0].commit_interval_us, 0);
}

#[test]
fn pipeline_declaration_errors() {
    let d = pipe_err("pipeline etl to=invoices group.id=etl\n");
    assert_eq!((d.line, d.message.as_str()), (5, "pipeline etl needs from=TOPIC"));
    assert_eq!((d.column, d.word.as_str()), (26, "group.id=etl"), "at the end of the line");
    assert!(d.hint.contains("pipeline etl from=orders to=invoices group.id=etl"), "{}", d.hint);
    assert_eq!(pipe_err("pipeline etl from=orders group.id=etl\n").message, "pipeline etl needs to=TOPIC");
    let d = pipe_err("pipeline etl from=orders to=invoices\n");
    assert_eq!(d.message, "pipeline etl needs group.id=GROUP");
    assert!(d.hint.contains("application.id"), "{}", d.hint);
    let d = pipe_err("pipeline etl from=order to=invoices group.id=etl\n");
    assert_eq!((d.line, d.column, d.word.as_str()), (5, 19, "order"));
    assert_eq!((d.message.as_str(), d.hint.as_str()), ("unknown topic 'order'", "did you mean orders?"));
    let d = pipe_err("pipeline etl from=orders to=payments group.id=etl\n");
    assert_eq!((d.column, d.hint.as_str()), (29, "declare it first: topic payments partitions=1"));
    let d = pipe_err("pipeline etl from=orders to=orders group.id=etl\n");
    assert_eq!(
        (d.line, d.column, d.message.as_str()),
        (5, 29, "pipeline etl reads and writes the same topic 'orders'")
    );
    let d = pipe_err("pipeline etl from= to=invoices group.id=etl\n");
    assert_eq!((d.column, d.message.as_str()), (14, "from needs a topic name"));
    let d = pipe_err("pipeline\n");
    assert_eq!(d.message, "pipeline needs a name");
    assert_eq!(pipe_err("pipeline a.b from=orders to=invoices group.id=g\n").message, "invalid pipeline name 'a.b'");
    assert_eq!(pipe_err("pipeline heal from=orders to=invoices group.id=g\n").message, "'heal' cannot name a pipeline");
    assert_eq!(pipe_err("consumer pipeline\n").message, "'pipeline' cannot name a consumer");
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl orders\n");
    assert_eq!((d.column, d.message.as_str()), (51, "expected name=value, found 'orders'"));
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl from=invoices\n");
    assert_eq!((d.column, d.message.as_str()), (51, "from is set twice (first at column 14)"));
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl poll.ms=0\n");
    assert_eq!(
        (d.column, d.message.as_str()),
        (59, "Invalid value 0 for configuration poll.ms: Value must be at least 1")
    );
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl commit.interval.ms=1.5\n");
    assert_eq!(d.message, "Invalid value 1.5 for configuration commit.interval.ms: Not a number of type LONG");
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl process=2\n");
    assert_eq!((d.column, d.message.as_str()), (59, "invalid process '2'"));
    assert_eq!(d.hint, "a time needs a unit: write 2ms (or 2s, 2us, ...)");
}

#[test]
fn processing_guarantee_values() {
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once\n");
    assert_eq!((d.line, d.column, d.word.as_str()), (5, 72, "exactly_once"));
    assert_eq!(
        d.message,
        "Invalid value exactly_once for configuration processing.guarantee: String must be one of: at_least_once, exactly_once_v2"
    );
    assert_eq!(
        d.hint,
        "exactly_once and exactly_once_beta were removed in Kafka 4.0: use processing.guarantee=exactly_once_v2"
    );
    let d = one_err(&format!(
        "kafka 3.9\n{PIPE}pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_beta\n"
    ));
    assert_eq!(d.line, 6);
    assert!(d.message.contains("deprecated since Kafka 3.0 (KIP-732) and was removed in Kafka 4.0"), "{}", d.message);
    assert!(d.hint.ends_with("use processing.guarantee=exactly_once_v2"));
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_v3\n");
    assert_eq!(d.hint, "did you mean processing.guarantee=exactly_once_v2?");
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl processing.guarantee=AT_LEAST_ONCE\n");
    assert!(d.hint.contains("case-sensitively"), "{}", d.hint);
    let d = one_err(&format!(
        "kafka 2.8\n{PIPE}pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_v2\n"
    ));
    assert_eq!(
        d.message,
        "Invalid value exactly_once_v2 for configuration processing.guarantee: String must be one of: at_least_once, exactly_once, exactly_once_beta"
    );
    assert!(d.hint.contains("write kafka 3.0 or later"), "{}", d.hint);
    let s = ok(&format!(
        "kafka 3.0\n{PIPE}pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_v2\n"
    ));
    assert_eq!(s.pipelines[0].guarantee, ProcessingGuarantee::ExactlyOnceV2);
}

#[test]
fn pipeline_names_share_the_clients_namespace() {
    let d = pipe_err("producer etl-producer\npipeline etl from=orders to=invoices group.id=etl\n");
    assert_eq!((d.line, d.column, d.word.as_str()), (6, 10, "etl"));
    assert_eq!(
        d.message,
        "pipeline etl's producer is named etl-producer, which is already declared as a producer on line 5"
    );
    let d = pipe_err("consumer etl\npipeline etl from=orders to=invoices group.id=etl\n");
    assert_eq!((d.line, d.message.as_str()), (6, "'etl' is already declared as a consumer on line 5"));
    let d = pipe_err(
        "pipeline etl from=orders to=invoices group.id=etl\npipeline etl from=orders to=invoices group.id=e2\n",
    );
    assert_eq!((d.line, d.message.as_str()), (6, "'etl' is already declared as a pipeline on line 5"), "one error");
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl\nproducer etl-producer\n");
    assert_eq!(d.message, "'etl-producer' is already the name of pipeline etl's producer on line 5");
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl\nconsumer etl\n");
    assert_eq!(d.message, "'etl' is already declared as a pipeline on line 5");
    // The budget counts both clients.
    let budgets = crate::budget::Budgets { clients: 2, ..crate::budget::Budgets::default() };
    let d = crate::script::parse_with(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl\n"), &budgets)
        .expect_err("three clients");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        d[0].message,
        "pipeline etl's producer etl-producer is one more than kplay's budget of 2 producers and consumers"
    );
    assert!(crate::script::parse_with("producer app\npipeline etl from=t to=u group.id=e\ntopic t\ntopic u", &{
        crate::budget::Budgets { clients: 3, ..crate::budget::Budgets::default() }
    })
    .is_ok());
}

const ETL: &str = "pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_v2\n";

#[test]
fn a_pipeline_crashes_and_restarts_as_its_consumer() {
    let s = ok(&format!(
        "{PIPE}consumer audit group.id=a\n{ETL}at 1s crash etl\nat 2s restart etl\nat 3s etl pause for 1s\n\
         at 4s isolate etl-producer for 1s\nat 4s cut etl -> broker-1 for 1s\nat 4s drop broker-2 -> etl-producer\n\
         at 4s delay etl-producer -> broker-1 by=5ms\n"
    ));
    let (c, p) = (s.pipelines[0].consumer, s.pipelines[0].producer);
    assert_eq!((c, p), (1, 1));
    let actions: Vec<Action> = s.timeline.iter().map(|t| t.action.clone()).collect();
    assert_eq!(
        actions,
        [
            Action::CrashConsumer { consumer: c },
            Action::RestartConsumer { consumer: c },
            Action::Stall { consumer: c, for_us: 1_000_000 },
            Action::Isolate { node: NodeRef::Producer(p), for_us: Some(1_000_000) },
            Action::Cut { from: NodeRef::Consumer(c), to: NodeRef::Broker(1), for_us: Some(1_000_000) },
            Action::Drop { from: NodeRef::Broker(2), to: NodeRef::Producer(p), count: 1, api: None },
            Action::Delay { from: NodeRef::Producer(p), to: NodeRef::Broker(1), by_us: 5_000, count: 1, api: None },
        ]
    );
    // The same lines on a plain consumer give the same actions.
    let plain = ok(&format!(
        "{PIPE}consumer audit group.id=a\nconsumer etl group.id=etl\nat 1s crash etl\nat 2s restart etl\n"
    ));
    assert_eq!(plain.timeline[0].action, actions[0]);
    assert_eq!(plain.timeline[1].action, actions[1]);
}

#[test]
fn a_pipeline_runs_its_own_loop() {
    for verb in ["subscribe orders", "poll every=100ms", "poll orders", "commit", "close", "send orders"] {
        let d = pipe_err(&format!("{ETL}at 0ms etl {verb}\n"));
        assert_eq!((d.line, d.column, d.message.as_str()), (6, 12, "pipeline etl runs its own poll loop"), "{verb}");
        assert!(d.hint.contains("at TIME etl pause for D, crash etl and restart etl"), "{}", d.hint);
    }
    let d = pipe_err(&format!("{ETL}at 0ms etl restart\n"));
    assert_eq!(d.message, "etl is a pipeline; restart etl is a fault action");
    for verb in ["send invoices", "begin", "commit", "flush", "close", "abort", "init", "restart", "poll invoices"] {
        let d = pipe_err(&format!("{ETL}at 0ms etl-producer {verb}\n"));
        assert_eq!(
            (d.line, d.column, d.message.as_str()),
            (6, 21, "etl-producer is pipeline etl's producer"),
            "{verb}"
        );
        assert_eq!(
            d.hint,
            "pipeline etl sends and commits its transactions by itself; at TIME crash etl and restart etl stop and start the pipeline"
        );
    }
    let d = pipe_err("pipeline etl from=orders to=invoices group.id=etl\nat 0ms etl-producer flush\n");
    assert!(d.hint.starts_with("pipeline etl sends by itself"), "{}", d.hint);
    let d = pipe_err(&format!("{ETL}at 0ms crash etl-producer\n"));
    assert_eq!(d.message, "crash takes broker-N, leader TOPIC/P or a consumer");
    assert_eq!(d.hint, "it is pipeline etl's producer: to crash the pipeline, write at TIME crash etl");
    let d = pipe_err(&format!("{ETL}at 0ms restart etl-producer\n"));
    assert_eq!(d.hint, "it is pipeline etl's producer: to restart the pipeline, write at TIME restart etl");
    assert_eq!(pipe_err(&format!("{ETL}at 0ms shutdown etl\n")).hint, "to stop pipeline etl, write at TIME crash etl");
}

#[test]
fn pipeline_expectations() {
    let s = ok(&format!(
        "{PIPE}{ETL}expect pipeline_lost=0 pipeline_duplicated=0\n\
         expect pipelines.etl.inputs>0 pipelines.etl.outputs>0 pipelines.etl.lost=0 pipelines.etl.duplicated=0 pipelines.etl.commits>=1 pipelines.etl.aborted=0\n"
    ));
    let names: Vec<&str> = s.expects.iter().flat_map(|e| e.clauses.iter().map(|c| c.name.as_str())).collect();
    assert_eq!(names.len(), 8);
    assert_eq!(names[..2], ["pipeline_lost", "pipeline_duplicated"]);
    assert_eq!(names[7], "pipelines.etl.aborted");
    assert!(s.expects[1].clauses.iter().all(|c| c.unit == ClauseUnit::Count));
    // Summary fields need no pipeline.
    assert_eq!(ok("expect pipeline_lost=0").expects[0].clauses[0].name, "pipeline_lost");
    let d = pipe_err(&format!("{ETL}expect pipelines.elt.outputs=1\n"));
    assert_eq!((d.line, d.column, d.word.as_str()), (6, 8, "pipelines.elt.outputs"));
    assert_eq!(
        (d.message.as_str(), d.hint.as_str()),
        ("unknown pipeline 'elt'", "did you mean pipelines.etl.outputs?")
    );
    let d = pipe_err(&format!("{ETL}expect pipelines.etl.output=1\n"));
    assert_eq!(
        (d.message.as_str(), d.hint.as_str()),
        ("unknown pipeline figure 'output'", "did you mean pipelines.etl.outputs?")
    );
    assert!(pipe_err(&format!("{ETL}expect pipelines.etl=1\n")).message.contains("unknown name"));
    let d = pipe_err("expect pipelines.etl.lost=0\n");
    assert_eq!(d.hint, "no pipeline is declared: declare pipeline etl from=IN to=OUT group.id=etl");
    assert_eq!(pipe_err("expect pipeline_lots=0\n").hint, "did you mean pipeline_lost?");
}
