//! Kafka's configuration rules through whole scenarios: defaults per version, the
//! idempotence conflicts, delivery.timeout.ms, broker requirements, topic fallback,
//! and the effective-config report.

use super::tests_parse::{errs, ok, one_err};
use crate::config::{Acks, AutoOffsetReset, CompressionType, GroupProtocol, IsolationLevel, PartitionerKind, Source};

fn setting(s: &super::ast::Scenario, role: &str, name: &str, prop: &str) -> (String, Source) {
    let rc = s.effective.roles.iter().find(|r| r.role == role && r.name == name).expect("role");
    let x = rc.settings.iter().find(|x| x.name == prop).unwrap_or_else(|| panic!("{prop} missing"));
    (x.value.clone(), x.source)
}

fn notes(s: &super::ast::Scenario) -> String {
    s.effective.notes.join("\n")
}

#[test]
fn kafka_4_defaults() {
    let s = ok("producer app");
    let c = &s.producers[0].config;
    assert_eq!((c.acks, c.enable_idempotence, c.linger_us, c.retries), (Acks::All, true, 5_000, i32::MAX as u32));
    assert_eq!(c.delivery_timeout_us, 120_000_000);
    assert_eq!(*c, crate::config::ProducerConfig::default(), "Kafka 4.0 defaults are ProducerConfig::default()");
    assert_eq!(setting(&s, "producer", "app", "acks"), ("all".into(), Source::Default));
    assert_eq!(setting(&s, "producer", "app", "client.id"), ("producer-1".into(), Source::Derived));
    assert_eq!(setting(&s, "producer", "app", "transactional.id"), ("null".into(), Source::Default));
    assert_eq!(s.broker_config, crate::config::BrokerConfig::default());
}

#[test]
fn settings_are_sorted_and_printed_like_kafka() {
    let s = ok("producer app acks=-1 linger.ms=2s batch.size=16KiB");
    let rc = s.effective.roles.iter().find(|r| r.role == "producer").unwrap();
    let names: Vec<&str> = rc.settings.iter().map(|x| x.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(setting(&s, "producer", "app", "acks"), ("all".into(), Source::Set));
    assert_eq!(setting(&s, "producer", "app", "linger.ms"), ("2000".into(), Source::Set));
    assert_eq!(setting(&s, "producer", "app", "batch.size"), ("16384".into(), Source::Set));
    assert_eq!(setting(&s, "producer", "app", "enable.idempotence"), ("true".into(), Source::Default));
    let roles: Vec<(&str, &str)> = s.effective.roles.iter().map(|r| (r.role.as_str(), r.name.as_str())).collect();
    assert_eq!(roles, [("broker", "brokers"), ("producer", "app")]);
}

#[test]
fn version_dependent_producer_defaults() {
    let s = ok("kafka 3.9\nproducer app");
    assert_eq!(s.producers[0].config.linger_us, 0);
    assert!(s.producers[0].config.enable_idempotence);
    let s = ok("kafka 2.8\nproducer app");
    let c = &s.producers[0].config;
    assert_eq!((c.acks, c.enable_idempotence), (Acks::One, false));
    assert_eq!(setting(&s, "producer", "app", "acks"), ("1".into(), Source::Default));
    for v in ["3.0", "3.1.0"] {
        let s = ok(&format!("kafka {v}\nproducer app"));
        assert!(!s.producers[0].config.enable_idempotence, "{v}");
        assert_eq!(s.producers[0].config.acks, Acks::All);
        assert_eq!(setting(&s, "producer", "app", "enable.idempotence"), ("false".into(), Source::Derived));
        assert!(notes(&s).contains("KAFKA-13598"), "{}", notes(&s));
    }
    for v in ["3.0.1", "3.1.1", "3.2"] {
        assert!(ok(&format!("kafka {v}\nproducer app")).producers[0].config.enable_idempotence, "{v}");
    }
    let s = ok("kafka 3.6\nproducer app retry.backoff.ms=250");
    assert_eq!(s.producers[0].config.retry_backoff_max_us, 250_000, "constant backoff before KIP-580");
    assert!(!ok("kafka 3.2\nproducer app").producers[0].config.partitioner_adaptive);
    let s = ok("kafka 2.0\nproducer app");
    assert_eq!(s.producers[0].config.retries, 0);
    assert_eq!(s.producers[0].config.delivery_timeout_us, 30_000_000);
    assert!(notes(&s).contains("KIP-91"));
}

#[test]
fn idempotence_explicit_conflicts_are_config_errors() {
    let d = one_err("producer app enable.idempotence=true acks=1");
    assert_eq!(
        d.message,
        "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
    );
    assert_eq!((d.line, d.column, d.word.as_str()), (1, 38, "acks=1"));
    let d = one_err("producer app enable.idempotence=true retries=0");
    assert_eq!(d.message, "Must set retries to non-zero when using the idempotent producer.");
    let d = one_err("kafka 3.9\nproducer app enable.idempotence=true max.in.flight.requests.per.connection=6");
    assert_eq!(
        d.message,
        "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer."
    );
    assert_eq!(errs("producer app enable.idempotence=true acks=0 retries=0").len(), 2);
}

#[test]
fn idempotence_implicit_conflicts_disable_it_with_a_note() {
    let s = ok("producer app acks=1");
    assert!(!s.producers[0].config.enable_idempotence);
    assert_eq!(setting(&s, "producer", "app", "enable.idempotence"), ("false".into(), Source::Derived));
    assert!(notes(&s).contains("producer app: enable.idempotence disabled because acks=1 and enable.idempotence was not set explicitly (Kafka logs this at INFO)"));
    let s = ok("producer app retries=0");
    assert!(notes(&s).contains("producer app: enable.idempotence disabled because retries=0 and enable.idempotence was not set explicitly (Kafka logs this at INFO)"));
    let s = ok("kafka 3.9\nproducer app max.in.flight.requests.per.connection=10");
    assert!(!s.producers[0].config.enable_idempotence);
    assert!(notes(&s).contains("WARN"));
}

#[test]
fn more_than_five_in_flight_is_always_an_error_from_4_0() {
    let d = one_err("producer app max.in.flight.requests.per.connection=6");
    assert_eq!(d.message, "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 6.");
    assert!(d.hint.contains("KAFKA-17927"));
    let s = ok("producer app max.in.flight.requests.per.connection=6 enable.idempotence=false");
    assert_eq!(s.producers[0].config.max_in_flight, 6);
}

#[test]
fn transactional_id_needs_idempotence() {
    let d = one_err("producer app transactional.id=tx enable.idempotence=false");
    assert_eq!(d.message, "Cannot set a transactional.id without also enabling idempotence.");
    assert_eq!(d.word, "transactional.id=tx");
    let d = errs("producer app transactional.id=tx acks=1");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "Cannot set a transactional.id without also enabling idempotence.");
    assert!(d[0].hint.contains("acks=1"), "{}", d[0].hint);
    let s = ok("producer app transactional.id=tx\ntopic t\nat 0ms app begin\nat 1ms app send t\nat 2ms app commit\nat 3ms app abort");
    assert_eq!(s.producers[0].config.transactional_id.as_deref(), Some("tx"));
    assert_eq!(setting(&s, "producer", "app", "client.id"), ("producer-tx".into(), Source::Derived));
    assert!(one_err("producer app transactional.id=").message.ends_with("String must be non-empty"));
}

#[test]
fn legacy_idempotence_rules() {
    let s = ok("kafka 2.8\nproducer app enable.idempotence=true");
    let c = &s.producers[0].config;
    assert_eq!((c.acks, c.enable_idempotence), (Acks::All, true));
    assert_eq!(setting(&s, "producer", "app", "acks"), ("all".into(), Source::Derived));
    let s = ok("kafka 2.0\nproducer app transactional.id=tx");
    assert_eq!(s.producers[0].config.retries, i32::MAX as u32);
    assert!(s.producers[0].config.enable_idempotence);
    assert!(notes(&s).contains("transactional.id is set"));
    let d = one_err("kafka 2.8\nproducer app enable.idempotence=true acks=1");
    assert!(d.message.starts_with("Must set acks to all"));
    let d = one_err("kafka 3.0\nproducer app transactional.id=t max.in.flight.requests.per.connection=6");
    assert_eq!(
        d.message,
        "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer."
    );
    assert!(
        ok("kafka 2.8\nproducer app max.in.flight.requests.per.connection=6").producers[0].config.max_in_flight == 6
    );
}

#[test]
fn delivery_timeout_rule() {
    let d = one_err("producer app delivery.timeout.ms=1000 linger.ms=5");
    assert_eq!(d.message, "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms");
    assert_eq!(d.word, "delivery.timeout.ms=1000");
    assert!(d.hint.contains("30005"), "{}", d.hint);
    let s = ok("producer app request.timeout.ms=200000");
    assert_eq!(s.producers[0].config.delivery_timeout_us, 200_005_000);
    assert_eq!(setting(&s, "producer", "app", "delivery.timeout.ms"), ("200005".into(), Source::Derived));
    assert!(notes(&s).contains("raised from 120000 to 200005"));
    let s = ok("producer app linger.ms=9223372036854775807 delivery.timeout.ms=2147483647");
    assert_eq!(s.producers[0].config.delivery_timeout_us, 2_147_483_647_000, "sum capped at Integer.MAX");
}

#[test]
fn backoff_notes_and_reconnect_rule() {
    let s = ok("producer app retry.backoff.ms=2000");
    assert!(notes(&s).contains("constant 1000 ms"));
    let s = ok("producer app reconnect.backoff.ms=200");
    assert_eq!(s.producers[0].config.reconnect_backoff_max_us, 200_000);
    assert_eq!(setting(&s, "producer", "app", "reconnect.backoff.max.ms"), ("200".into(), Source::Derived));
}

#[test]
fn producer_value_validation() {
    let e = |p: &str| one_err(&format!("producer app {p}"));
    assert_eq!(e("acks=2").message, "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1");
    assert!(e("acks=ALL").hint.contains("acks=all"));
    assert_eq!(e("batch.size=-1").message, "Invalid value -1 for configuration batch.size: Value must be at least 0");
    assert_eq!(e("retries=-1").message, "Invalid value -1 for configuration retries: Value must be at least 0");
    assert_eq!(
        e("max.in.flight.requests.per.connection=0").message,
        "Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1"
    );
    assert_eq!(e("linger.ms=0.5").message, "Invalid value 0.5 for configuration linger.ms: Not a number of type LONG");
    assert_eq!(
        e("compression.type=brotli").message,
        "Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd"
    );
    assert!(e("compression.lz4.level=18").message.ends_with("Value must be no more than 17"));
    assert!(e("compression.zstd.level=-131073").message.ends_with("Value must be at least -131072"));
    assert!(e("partitioner.class=RoundRobinPartitioner")
        .hint
        .contains("org.apache.kafka.clients.producer.RoundRobinPartitioner"));
    let d = e("linger.m=5");
    assert_eq!(
        (d.message.as_str(), d.hint.as_str()),
        ("Unknown producer property 'linger.m'", "did you mean linger.ms?")
    );
    assert_eq!((d.column, d.end_column), (14, 22));
    assert!(e("min.insync.replicas=2").hint.contains("put it on the brokers line or a topic line"));
    assert!(e("isolation.level=read_committed").hint.contains("consumer"));
    assert!(one_err("kafka 3.7\nproducer app compression.gzip.level=5").hint.contains("added in 3.8"));
}

#[test]
fn producer_typed_values() {
    let s = ok("producer app compression.type=zstd compression.zstd.level=7 partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner partitioner.ignore.keys=true key.serializer=StringSerializer buffer.memory=64MiB linger.ms=250 max.block.ms=1m");
    let c = &s.producers[0].config;
    assert_eq!((c.compression, c.compression_level), (CompressionType::Zstd, 7));
    assert_eq!(c.partitioner, PartitionerKind::RoundRobin { skew: false });
    assert!(c.partitioner_ignore_keys);
    assert_eq!(c.buffer_memory_bytes, 64 << 20);
    assert_eq!(c.max_block_us, 60_000_000);
    assert_eq!(
        setting(&s, "producer", "app", "key.serializer").0,
        "org.apache.kafka.common.serialization.StringSerializer"
    );
    let s = ok("producer app compression.type=gzip");
    assert_eq!(s.producers[0].config.compression_level, -1);
}

#[test]
fn broker_rules_and_typed_values() {
    let d = errs("brokers 3 replica.fetch.wait.max.ms=40000");
    assert_eq!(d.len(), 2, "both requirements fail");
    assert_eq!(d[0].message, "requirement failed: replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts");
    let d = one_err("brokers 3 replica.socket.timeout.ms=60000 replica.fetch.wait.max.ms=35000");
    assert_eq!(d.message, "requirement failed: replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR");
    assert_eq!(d.word, "replica.fetch.wait.max.ms=35000");
    let s = ok("brokers 3 replica.fetch.wait.max.ms=30000 log.flush.interval.ms=1s log.flush.interval.messages=1 vm.dirty_writeback_centisecs=1s leader.imbalance.check.interval.seconds=5m");
    let b = &s.broker_config;
    assert_eq!(b.replica_fetch_wait_max_us, 30_000_000);
    assert_eq!(b.log_flush_interval_us, Some(1_000_000));
    assert_eq!(b.log_flush_interval_messages, 1);
    assert_eq!(b.dirty_writeback_centisecs, 100);
    assert_eq!(b.leader_imbalance_check_interval_us, 300_000_000);
    assert_eq!(
        one_err("brokers 1 min.insync.replicas=0").message,
        "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
    );
    assert!(one_err("brokers 1 linger.ms=1").hint.contains("producer"));
    assert!(one_err("brokers 1 replication.factor=3").hint.contains("default.replication.factor"));
    assert_eq!(ok("kafka 2.4\nbrokers 1").broker_config.replica_lag_time_max_us, 10_000_000);
}

#[test]
fn segment_bytes_minimum_depends_on_version() {
    let d = one_err("brokers 1 log.segment.bytes=1000");
    assert_eq!(d.message, "Invalid value 1000 for configuration log.segment.bytes: Value must be at least 1048576");
    // 4.0.0 raised only the broker's minimum; the topic's stayed 14 until 4.1.
    assert_eq!(ok("topic t segment.bytes=512KiB").topics[0].config.segment_bytes, 524_288);
    let d = one_err("kafka 4.1\ntopic t segment.bytes=512KiB");
    assert_eq!(d.message, "Invalid value 524288 for configuration segment.bytes: Value must be at least 1048576");
    assert_eq!(ok("kafka 3.9\ntopic t segment.bytes=1000").topics[0].config.segment_bytes, 1000);
    assert!(one_err("kafka 3.9\ntopic t segment.bytes=13").message.ends_with("Value must be at least 14"));
}

#[test]
fn topics_inherit_from_the_brokers_line() {
    let s = ok("brokers 3 min.insync.replicas=2 log.flush.interval.messages=10 unclean.leader.election.enable=true\ntopic a replication.factor=3\ntopic b replication.factor=3 min.insync.replicas=3 flush.ms=100");
    let (a, b) = (&s.topics[0].config, &s.topics[1].config);
    assert_eq!((a.min_insync_replicas, a.flush_messages, a.unclean_leader_election_enable), (2, 10, true));
    assert_eq!(a.flush_us, None);
    assert_eq!((b.min_insync_replicas, b.flush_us), (3, Some(100_000)));
    assert_eq!(setting(&s, "topic", "a", "min.insync.replicas"), ("2".into(), Source::Derived));
    assert_eq!(setting(&s, "topic", "a", "segment.bytes"), ("1073741824".into(), Source::Default));
    assert_eq!(setting(&s, "topic", "b", "min.insync.replicas"), ("3".into(), Source::Set));
    let s = ok("brokers 1 log.flush.scheduler.interval.ms=2s\ntopic t");
    assert_eq!(s.topics[0].config.flush_us, Some(2_000_000));
}

#[test]
fn min_isr_above_replication_factor_is_accepted_with_a_note() {
    let s = ok("brokers 2\ntopic t replication.factor=2 min.insync.replicas=3");
    assert_eq!(s.topics[0].config.min_insync_replicas, 3);
    assert!(notes(&s).contains("min(min.insync.replicas, replicas) = 2"), "{}", notes(&s));
    let s = ok("kafka 3.6\nbrokers 2\ntopic t replication.factor=2 min.insync.replicas=3");
    assert!(notes(&s).contains("fails with NOT_ENOUGH_REPLICAS"));
}

#[test]
fn consumers_and_transaction_timeout_note() {
    let s = ok("consumer c group.id=g auto.offset.reset=earliest");
    assert!(!s.consumers[0].config.isolation_level_explicit);
    assert_eq!(setting(&s, "consumer", "c", "group.id"), ("g".into(), Source::Set));
    assert!(one_err("consumer c isolation.level=READ_COMMITTED").hint.contains("isolation.level=read_committed"));
    let s = ok("brokers 1 transaction.max.timeout.ms=1000\nproducer p transactional.id=x transaction.timeout.ms=5000");
    assert!(notes(&s).contains("INVALID_TRANSACTION_TIMEOUT"));
}

#[test]
fn hardware_line_sets_the_cost_model() {
    use crate::sim::cost::Disk;
    let s = ok("hardware network.bandwidth=1Gbit disk=hdd disks=6 producer.record.cost=1us broker.byte.cost=0.5ns compression.gzip=20MB");
    let hw = &s.hardware;
    assert_eq!(hw.network_bandwidth_bps, 1_000_000_000);
    assert_eq!(hw.disk, Disk::Hdd);
    assert_eq!(hw.disk_bandwidth_bytes_per_sec, 137_000_000, "disk=hdd brings its bandwidth");
    assert_eq!(hw.disk_fsync_ns, 4_000_000);
    assert_eq!(hw.disks, 6);
    assert_eq!(hw.producer_record_ns, 1_000);
    assert_eq!(hw.broker_ns_per_kb, 500);
    assert_eq!(hw.compress_bytes_per_sec[1], 20_000_000);
    assert_eq!(ok("hardware disk=ssd disk.fsync=1ms").hardware.disk_fsync_ns, 1_000_000, "an explicit figure wins");
    let d = one_err("hardware network.bandwith=1Gbit");
    assert_eq!(d.message, "unknown hardware parameter 'network.bandwith'");
    assert_eq!(d.hint, "did you mean network.bandwidth?");
    assert!(one_err("hardware network.bandwidth=1GB").hint.contains("bit/s"));
    assert!(one_err("hardware disk=tape").message.contains("unknown disk"));
}

#[test]
fn broker_notes_name_only_what_the_scenario_set() {
    // Kafka's defaults (present in every Settings) never trigger a note about a setting.
    let s = ok("brokers 3 min.insync.replicas=2\ntopic t replication.factor=3");
    assert!(!notes(&s).contains("leader.imbalance.per.broker.percentage"), "{}", notes(&s));
    assert!(!notes(&s).contains("broker.heartbeat.interval.ms"), "{}", notes(&s));
    let s = ok("brokers 3 leader.imbalance.per.broker.percentage=20\ntopic t");
    assert!(notes(&s).contains("leader.imbalance.per.broker.percentage has no effect"), "{}", notes(&s));
}

#[test]
fn kafka_properties_kplay_does_not_model_are_accepted_with_a_note_and_validated() {
    // kplay accepts every Kafka property it knows (never "not a Kafka property") and says
    // when the run does not reflect one. Retention, compaction and consumer groups are
    // modelled: no note for them.
    let s = ok("brokers 1 log.retention.hours=1 log.segment.delete.delay.ms=0 group.initial.rebalance.delay.ms=0 group.max.size=5\n\
                topic t segment.ms=1000 retention.bytes=5000 cleanup.policy=compact,delete min.cleanable.dirty.ratio=0.1 preallocate=true\n\
                producer app\n\
                consumer c group.id=g partition.assignment.strategy=cooperative-sticky session.timeout.ms=10000 client.rack=r1\n\
                at 0ms app send t key=k\n");
    let n = notes(&s);
    assert!(n.contains("brokers: group.max.size, log.segment.delete.delay.ms are accepted as Kafka has them, but kplay does not model them yet"), "{n}");
    assert!(n.contains("topic t: preallocate is accepted"), "{n}");
    assert!(!n.contains("retention.bytes") && !n.contains("log.retention.hours"), "{n}");
    assert!(n.contains("consumer c: client.rack is accepted"), "{n}");
    assert!(!n.contains("group.id") && !n.contains("group.initial"), "{n}");
    // Kafka's validators and wording still apply.
    for (text, message) in [
        (
            "topic t min.cleanable.dirty.ratio=1.5\n",
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1",
        ),
        (
            "topic t min.cleanable.dirty.ratio=half\n",
            "Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE",
        ),
        ("topic t segment.ms=0\n", "Invalid value 0 for configuration segment.ms: Value must be at least 1"),
        (
            "consumer c partition.assignment.strategy=fair\n",
            "Invalid value fair for configuration partition.assignment.strategy",
        ),
        (
            "consumer c group.protocol=new\n",
            "Invalid value new for configuration group.protocol: String must be one of (case insensitive): CLASSIC, CONSUMER",
        ),
        (
            "consumer c max.poll.records=0\n",
            "Invalid value 0 for configuration max.poll.records: Value must be at least 1",
        ),
    ] {
        let d = crate::script::parse(&format!("{text}producer app\n")).expect_err(text);
        assert!(d.iter().any(|d| d.message.starts_with(message)), "{text}: {d:?}");
    }
}

#[test]
fn kafka_transaction_and_producer_state_broker_properties_are_accepted_and_validated() {
    // TransactionStateManagerConfig and TransactionLogConfig (Kafka 4.0): every one is a
    // broker property, validated with Kafka's atLeast(1), and noted as not modelled.
    let s = ok("brokers 3 transactional.id.expiration.ms=60000 producer.id.expiration.ms=1000 \
                transaction.partition.verification.enable=false \
                transaction.remove.expired.transaction.cleanup.interval.ms=5000 \
                producer.id.expiration.check.interval.ms=100 transaction.state.log.segment.bytes=1000 \
                transaction.state.log.load.buffer.size=1000\ntopic t\nproducer app\n");
    let n = notes(&s);
    for name in [
        "transactional.id.expiration.ms",
        "producer.id.expiration.ms",
        "transaction.partition.verification.enable",
        "transaction.remove.expired.transaction.cleanup.interval.ms",
        "producer.id.expiration.check.interval.ms",
        "transaction.state.log.segment.bytes",
        "transaction.state.log.load.buffer.size",
    ] {
        assert!(n.contains(name), "{name}: {n}");
    }
    assert!(n.contains("accepted as Kafka has them, but kplay does not model them yet"), "{n}");
    for (text, message) in [
        (
            "brokers 1 transactional.id.expiration.ms=0\n",
            "Invalid value 0 for configuration transactional.id.expiration.ms: Value must be at least 1",
        ),
        (
            "brokers 1 producer.id.expiration.ms=0\n",
            "Invalid value 0 for configuration producer.id.expiration.ms: Value must be at least 1",
        ),
        (
            "brokers 1 transaction.partition.verification.enable=maybe\n",
            "Invalid value maybe for configuration transaction.partition.verification.enable",
        ),
    ] {
        let d = crate::script::parse(&format!("{text}producer app\n")).expect_err(text);
        assert!(d.iter().any(|d| d.message.starts_with(message)), "{text}: {d:?}");
    }
}

#[test]
fn an_empty_cleanup_policy_is_neither_delete_nor_compact() {
    // ConfigDef.parseType LIST: a blank value is the empty list, which ValidList accepts.
    for line in ["topic t cleanup.policy=", "topic t cleanup.policy=\"\""] {
        let s = ok(&format!("brokers 1\n{line}\nproducer app\n"));
        let t = &s.topics[0].config;
        assert_eq!((t.cleanup_delete, t.cleanup_compact), (false, false), "{line}");
    }
    let s = ok("brokers 1 log.cleanup.policy=\ntopic t\nproducer app\n");
    assert_eq!((s.topics[0].config.cleanup_delete, s.topics[0].config.cleanup_compact), (false, false));
    // An empty item inside a list is still refused, as ValidList does.
    let d = crate::script::parse("topic t cleanup.policy=compact,,delete\nproducer app\n").expect_err("empty item");
    assert!(d.iter().any(|d| d.message.starts_with("Invalid value  for configuration cleanup.policy")), "{d:?}");
}

#[test]
fn auto_commit_needs_a_group() {
    // ConsumerConfig.maybeOverrideEnableAutoCommit.
    let d = one_err("consumer c enable.auto.commit=true");
    assert_eq!(d.message, "enable.auto.commit cannot be set to true when default group id (null) is used.");
    assert_eq!((d.line, d.column, d.word.as_str()), (1, 12, "enable.auto.commit=true"));
    assert_eq!(d.hint, "auto commit needs a group: add group.id=NAME to consumer c, or drop enable.auto.commit");
    let s = ok("consumer c");
    assert!(!s.consumers[0].config.enable_auto_commit);
    assert_eq!(setting(&s, "consumer", "c", "enable.auto.commit"), ("false".into(), Source::Derived));
    let s = ok("consumer c enable.auto.commit=false");
    assert_eq!(setting(&s, "consumer", "c", "enable.auto.commit"), ("false".into(), Source::Set));
    let s = ok("consumer c group.id=g");
    assert!(s.consumers[0].config.enable_auto_commit);
    assert_eq!(setting(&s, "consumer", "c", "enable.auto.commit"), ("true".into(), Source::Default));
    assert!(one_err("kafka 2.1\nconsumer c enable.auto.commit=true").message.contains("kplay does not model"));
}

#[test]
fn group_ids_and_instance_ids() {
    let d = one_err("consumer c group.id=");
    assert_eq!(d.message, "The configured group.id should not be an empty string or whitespace.");
    assert_eq!((d.column, d.word.as_str()), (12, "group.id="));
    assert!(one_err("kafka 3.9\nconsumer c group.id=")
        .message
        .starts_with("kplay does not model the empty group id (Kafka 3.9.0 accepts it and warns"));
    assert_eq!(
        one_err("kafka 3.9\nconsumer c group.id=\"\" group.protocol=consumer").message,
        "The configured group.id should not be an empty string or whitespace."
    );
    // JoinGroupRequest.validateGroupInstanceId, in each release's words.
    let d = one_err("consumer c group.id=g group.instance.id=a/b");
    assert_eq!(d.message, "Group instance id is invalid: 'a/b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
    assert_eq!(d.word, "group.instance.id=a/b");
    assert_eq!(one_err("consumer c group.instance.id=..").message, "Group instance id is invalid: '..' is not allowed");
    assert_eq!(
        one_err("kafka 3.2\nconsumer c group.instance.id=a/b").message,
        "Group instance id \"a/b\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
    );
    assert_eq!(
        one_err("kafka 3.2\nconsumer c group.instance.id=").message,
        "Group instance id is illegal, it can't be empty"
    );
    assert_eq!(
        one_err("kafka 2.8\nconsumer c group.instance.id=").message,
        "Group instance id must be non-empty string"
    );
    let s = ok("consumer c group.id=g group.instance.id=c-1");
    assert_eq!(s.consumers[0].config.group_instance_id.as_deref(), Some("c-1"));
    assert!(!notes(&s).contains("group.instance.id"));
    assert!(notes(&ok("consumer c group.instance.id=c-1"))
        .contains("consumer c: group.instance.id has no effect without a group.id"));
}

#[test]
fn min_compaction_lag_above_max_is_refused_as_kafka_does() {
    let d =
        one_err("topic t cleanup.policy=compact min.compaction.lag.ms=20000 max.compaction.lag.ms=10000\nproducer app");
    assert_eq!(
        d.message,
        "conflict topic config setting min.compaction.lag.ms (20000) > max.compaction.lag.ms (10000)"
    );
    assert_eq!((d.line, d.word.as_str()), (1, "max.compaction.lag.ms=10000"));
    // Equal is fine, and so is the default maximum (Long.MAX_VALUE).
    assert!(
        crate::script::parse("topic t min.compaction.lag.ms=5000 max.compaction.lag.ms=5000\nproducer app\n").is_ok()
    );
    assert!(crate::script::parse("topic t min.compaction.lag.ms=5000\nproducer app\n").is_ok());
}

#[test]
fn group_protocol_is_case_insensitive() {
    // `CaseInsensitiveValidString.in(Utils.enumOptions(GroupProtocol.class))`: Consumer is
    // the KIP-848 protocol, with its own rules (session.timeout.ms refused).
    let s = crate::script::parse("consumer c group.id=g group.protocol=Consumer\n").expect("valid");
    assert_eq!(s.consumers[0].config.group_protocol, crate::config::GroupProtocol::Consumer);
    let d = one_err("consumer c group.id=g group.protocol=CONSUMER session.timeout.ms=10000");
    assert_eq!(d.message, "session.timeout.ms cannot be set when group.protocol=CONSUMER");
}

#[test]
fn group_protocol_rules() {
    // checkGroupRemoteAssignor (3.9) / checkUnsupportedConfigs (4.0).
    let d = one_err("consumer c group.id=g group.remote.assignor=uniform");
    assert_eq!(d.message, "group.remote.assignor cannot be set when group.protocol=CLASSIC");
    assert_eq!(d.word, "group.remote.assignor=uniform");
    assert!(d.hint.contains("group.protocol=consumer"));
    assert_eq!(
        one_err("kafka 3.9\nconsumer c group.remote.assignor=range").message,
        "group.remote.assignor cannot be set when group.protocol=CLASSIC"
    );
    assert!(notes(&ok("kafka 3.8\nconsumer c group.remote.assignor=range"))
        .contains("has no effect with group.protocol=classic"));
    // KAFKA-17338 (4.0): the classic protocol's client-side settings.
    let d = one_err(
        "consumer c group.id=g group.protocol=consumer session.timeout.ms=10000 partition.assignment.strategy=range",
    );
    assert_eq!(
        d.message,
        "partition.assignment.strategy, session.timeout.ms cannot be set when group.protocol=CONSUMER"
    );
    assert_eq!(d.word, "session.timeout.ms=10000");
    assert!(d.hint.contains("group.consumer.session.timeout.ms"), "{}", d.hint);
    assert_eq!(
        one_err("consumer c group.id=g group.protocol=consumer heartbeat.interval.ms=1000").message,
        "heartbeat.interval.ms cannot be set when group.protocol=CONSUMER"
    );
    let s = ok("kafka 3.9\nconsumer c group.id=g group.protocol=consumer heartbeat.interval.ms=1000");
    assert!(notes(&s).contains("consumer c: heartbeat.interval.ms has no effect with group.protocol=consumer (Kafka 3.9.0 ignores it; 4.0 rejects it)"), "{}", notes(&s));
    // The coordinator's assignors (group.consumer.assignors).
    let d = one_err("consumer c group.id=g group.protocol=consumer group.remote.assignor=unifrm");
    assert_eq!(d.message, "ServerAssignor unifrm is not supported. Supported assignors: uniform, range.");
    assert!(d.hint.starts_with("did you mean group.remote.assignor=uniform?"), "{}", d.hint);
    let s = ok("consumer c group.id=g group.protocol=consumer group.remote.assignor=range");
    assert_eq!(s.consumers[0].config.group_remote_assignor.as_deref(), Some("range"));
}

#[test]
fn classic_session_and_heartbeat() {
    // Heartbeat's constructor, only with a group (the classic coordinator).
    let d = one_err("consumer c group.id=g heartbeat.interval.ms=10000 session.timeout.ms=10000");
    assert_eq!(d.message, "Heartbeat must be set lower than the session timeout");
    assert_eq!(d.word, "session.timeout.ms=10000");
    assert!(d.hint.contains("heartbeat.interval.ms=10000 but session.timeout.ms=10000"), "{}", d.hint);
    assert_eq!(one_err("consumer c group.id=g session.timeout.ms=3000").word, "session.timeout.ms=3000");
    ok("consumer c heartbeat.interval.ms=10000 session.timeout.ms=10000");
    // The coordinator's bounds: a runtime failure in Kafka, so a note.
    let s = ok("consumer c group.id=g session.timeout.ms=5000");
    assert_eq!(s.consumers[0].config.session_timeout_us, 5_000_000);
    assert!(notes(&s).contains("consumer c: session.timeout.ms=5000 is outside the brokers' group.min.session.timeout.ms=6000 to group.max.session.timeout.ms=1800000: the coordinator answers its JoinGroup with INVALID_SESSION_TIMEOUT"), "{}", notes(&s));
    assert!(!notes(&ok("brokers 1 group.min.session.timeout.ms=4000\nconsumer c group.id=g session.timeout.ms=5000"))
        .contains("INVALID_SESSION_TIMEOUT"));
}

#[test]
fn group_coordinator_bounds() {
    let d = one_err("brokers 1 group.consumer.session.timeout.ms=10000");
    assert_eq!(
        d.message,
        "group.consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms"
    );
    assert_eq!((d.column, d.word.as_str()), (11, "group.consumer.session.timeout.ms=10000"));
    assert!(d.hint.contains("takes 45000 to 60000"), "{}", d.hint);
    assert_eq!(
        one_err("brokers 1 group.consumer.heartbeat.interval.ms=20000").message,
        "group.consumer.heartbeat.interval.ms must be less than or equal to group.consumer.max.heartbeat.interval.ms"
    );
    assert_eq!(
        one_err("kafka 3.9\nbrokers 1 group.consumer.session.timeout.ms=70000").message,
        "group.consumer.session.timeout.ms must be less than or equals to group.consumer.max.session.timeout.ms"
    );
    assert_eq!(
        one_err("kafka 3.7\nbrokers 1 group.consumer.heartbeat.interval.ms=1000").message,
        "requirement failed: group.consumer.heartbeat.interval.ms must be greater than or equals to group.consumer.min.heartbeat.interval.ms"
    );
    let s = ok("brokers 1 group.consumer.session.timeout.ms=50000 group.consumer.heartbeat.interval.ms=10000 offsets.topic.num.partitions=3 group.initial.rebalance.delay.ms=0");
    let b = &s.broker_config;
    assert_eq!((b.group_consumer_session_timeout_us, b.group_consumer_heartbeat_interval_us), (50_000_000, 10_000_000));
    assert_eq!((b.offsets_topic_num_partitions, b.group_initial_rebalance_delay_us), (3, 0));
}

const PIPE: &str =
    "brokers 3\ntopic orders partitions=3 replication.factor=3\ntopic invoices partitions=3 replication.factor=3\n";

#[test]
fn exactly_once_pipeline_clients_take_the_streams_overrides() {
    let s = ok(&format!(
        "{PIPE}pipeline etl from=orders to=invoices group.id=etl transactional.id=etl-1 processing.guarantee=exactly_once_v2 \
         max.poll.records=50 request.timeout.ms=20000 client.id=etl-app batch.size=32KiB session.timeout.ms=30s\n"
    ));
    let c = &s.consumers[0].config;
    assert_eq!(c.group_id.as_deref(), Some("etl"));
    assert_eq!((c.isolation_level, c.isolation_level_explicit), (IsolationLevel::ReadCommitted, true));
    assert_eq!((c.max_poll_records, c.auto_offset_reset, c.enable_auto_commit), (50, AutoOffsetReset::Earliest, false));
    assert_eq!((c.group_protocol, c.session_timeout_us), (GroupProtocol::Classic, 30_000_000));
    assert_eq!(c.request_timeout_us, 20_000_000, "request.timeout.ms goes to both clients");
    let p = &s.producers[0].config;
    assert_eq!(p.transactional_id.as_deref(), Some("etl-1"));
    assert_eq!((p.enable_idempotence, p.acks, p.linger_us), (true, Acks::All, 100_000));
    assert_eq!((p.delivery_timeout_us, p.transaction_timeout_us), (2_147_483_647_000, 10_000_000));
    assert_eq!((p.request_timeout_us, p.batch_size_bytes), (20_000_000, 32_768));
    // The effective config: the line's values are Set, Streams' overrides Derived.
    assert_eq!(setting(&s, "consumer", "etl", "max.poll.records"), ("50".into(), Source::Set));
    assert_eq!(setting(&s, "consumer", "etl", "auto.offset.reset"), ("earliest".into(), Source::Derived));
    assert_eq!(setting(&s, "consumer", "etl", "enable.auto.commit"), ("false".into(), Source::Derived));
    assert_eq!(setting(&s, "consumer", "etl", "group.protocol"), ("classic".into(), Source::Derived));
    assert_eq!(setting(&s, "consumer", "etl", "isolation.level"), ("read_committed".into(), Source::Derived));
    assert_eq!(setting(&s, "consumer", "etl", "client.id"), ("etl-app".into(), Source::Set));
    assert_eq!(setting(&s, "producer", "etl-producer", "client.id"), ("etl-app".into(), Source::Set));
    assert_eq!(setting(&s, "producer", "etl-producer", "linger.ms"), ("100".into(), Source::Derived));
    assert_eq!(setting(&s, "producer", "etl-producer", "enable.idempotence"), ("true".into(), Source::Derived));
    assert_eq!(setting(&s, "producer", "etl-producer", "delivery.timeout.ms"), ("2147483647".into(), Source::Derived));
    assert_eq!(setting(&s, "producer", "etl-producer", "transaction.timeout.ms"), ("10000".into(), Source::Derived));
    assert_eq!(setting(&s, "producer", "etl-producer", "transactional.id"), ("etl-1".into(), Source::Set));
    assert_eq!(setting(&s, "producer", "etl-producer", "request.timeout.ms"), ("20000".into(), Source::Set));
    let n = notes(&s);
    assert!(
        n.contains("pipeline etl: consumer etl takes Kafka Streams' overrides auto.offset.reset=earliest, enable.auto.commit=false, group.protocol=classic, isolation.level=read_committed (a value on the pipeline line wins)"),
        "{n}"
    );
    assert!(n.contains("pipeline etl: producer etl-producer takes Kafka Streams' overrides linger.ms=100, enable.idempotence=true, delivery.timeout.ms=2147483647, transaction.timeout.ms=10000"), "{n}");
    // A line value wins over an override; transactional.id defaults to the name.
    let s = ok(&format!(
        "{PIPE}pipeline etl from=orders to=invoices group.id=etl processing.guarantee=exactly_once_v2 linger.ms=5 auto.offset.reset=latest\n"
    ));
    assert_eq!(s.producers[0].config.linger_us, 5_000);
    assert_eq!(s.consumers[0].config.auto_offset_reset, AutoOffsetReset::Latest);
    assert_eq!(setting(&s, "producer", "etl-producer", "transactional.id"), ("etl".into(), Source::Derived));
    assert_eq!(setting(&s, "producer", "etl-producer", "client.id"), ("producer-etl".into(), Source::Derived));
}

#[test]
fn at_least_once_pipeline_clients() {
    let s = ok(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl transactional.id=etl-1\n"));
    let c = &s.consumers[0].config;
    assert_eq!((c.isolation_level, c.isolation_level_explicit), (IsolationLevel::ReadUncommitted, false));
    assert_eq!(
        (c.max_poll_records, c.auto_offset_reset, c.enable_auto_commit),
        (1000, AutoOffsetReset::Earliest, false)
    );
    let p = &s.producers[0].config;
    assert_eq!(p.transactional_id, None, "at_least_once runs no transactions");
    assert_eq!((p.linger_us, p.delivery_timeout_us, p.transaction_timeout_us), (100_000, 120_000_000, 60_000_000));
    assert_eq!(setting(&s, "producer", "etl-producer", "enable.idempotence"), ("true".into(), Source::Default));
    assert!(notes(&s).contains("pipeline etl: transactional.id=etl-1 is ignored"), "{}", notes(&s));
    // isolation.level is the user's to choose without transactions.
    let s = ok(&format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl isolation.level=read_committed\n"));
    assert_eq!(s.consumers[0].config.isolation_level, IsolationLevel::ReadCommitted);
    // Before 3.7 there is no group.protocol to set.
    let s = ok(&format!("kafka 3.6\n{PIPE}pipeline etl from=orders to=invoices group.id=etl\n"));
    let rc = s.effective.roles.iter().find(|r| r.name == "etl").unwrap();
    assert!(rc.settings.iter().all(|x| x.name != "group.protocol"));
    assert_eq!(s.producers[0].config.linger_us, 100_000);
}

#[test]
fn pipeline_client_properties_and_refusals() {
    let line = |props: &str| format!("{PIPE}pipeline etl from=orders to=invoices group.id=etl {props}\n");
    let d = one_err(&line("enable.auto.commit=true"));
    assert_eq!((d.line, d.column, d.word.as_str()), (4, 51, "enable.auto.commit=true"));
    assert_eq!(d.message, "pipeline etl commits its own offsets: enable.auto.commit cannot be true");
    assert!(d.hint.contains("Kafka Streams always turns auto commit off"), "{}", d.hint);
    assert!(!ok(&line("enable.auto.commit=false")).consumers[0].config.enable_auto_commit);
    let d = one_err(&line("processing.guarantee=exactly_once_v2 isolation.level=read_uncommitted"));
    assert_eq!((d.line, d.column), (4, 88));
    assert_eq!(
        d.message,
        "pipeline etl reads with isolation.level=read_committed: processing.guarantee is exactly_once_v2"
    );
    // Kafka's producer rules, with the overrides counted as set.
    let d = one_err(&line("processing.guarantee=exactly_once_v2 acks=1"));
    assert_eq!((d.line, d.column, d.word.as_str()), (4, 88, "acks=1"));
    assert_eq!(
        d.message,
        "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
    );
    let d = one_err(&line("processing.guarantee=exactly_once_v2 enable.idempotence=false"));
    assert_eq!(d.message, "Cannot set a transactional.id without also enabling idempotence.");
    assert_eq!((d.column, d.word.as_str()), (88, "enable.idempotence=false"));
    // acks=1 without transactions: idempotence is off by Kafka's own rule.
    let s = ok(&line("acks=1"));
    assert!(!s.producers[0].config.enable_idempotence);
    // Unknown properties, and a shared property's bad value reported once.
    let d = one_err(&line("max.poll.record=5"));
    assert_eq!((d.column, d.message.as_str()), (51, "Unknown pipeline property 'max.poll.record'"));
    assert_eq!(d.hint, "did you mean max.poll.records?");
    let d = one_err(&line("comit.interval.ms=5"));
    assert_eq!(d.hint, "did you mean commit.interval.ms?");
    let d = one_err(&line("min.insync.replicas=2"));
    assert_eq!(d.hint, "min.insync.replicas is a broker or topic setting: put it on the brokers line or a topic line");
    let d = one_err(&line("request.timeout.ms=x"));
    assert_eq!(d.message, "Invalid value x for configuration request.timeout.ms: Not a number of type INT");
    let d = one_err(&format!("kafka 3.6\n{}", line("retry.backoff.max.ms=5")));
    assert!(d.hint.contains("it was added in 3.7"), "{}", d.hint);
    // The brokers' transaction.max.timeout.ms applies to the pipeline's producer too.
    let s = ok(&format!(
        "brokers 3 transaction.max.timeout.ms=5000\n{}",
        line("processing.guarantee=exactly_once_v2").trim_start_matches("brokers 3\n")
    ));
    assert!(notes(&s).contains("producer etl-producer: transaction.timeout.ms=10000 exceeds"), "{}", notes(&s));
}

/// The effective configuration with nothing set follows the one table of defaults, per
/// Kafka version: no rule or typed config keeps a default of its own (a fallback literal
/// that disagrees with `props_tables` fails here for some version).
#[test]
fn effective_defaults_are_the_tables_in_every_version() {
    use super::producer_rules::acks_of;
    use super::props::Role;
    use super::props_tables::default_named;
    for v in super::settings::tests::versions() {
        let text = format!(
            "kafka {}.{}.{}\nbrokers 1\ntopic t\nproducer p\nconsumer c group.id=g\n",
            v.major, v.minor, v.patch
        );
        let s = ok(&text);
        let int = |role, name| default_named(role, name, v).parse::<i64>().expect("a number");
        let bool = |role, name| default_named(role, name, v) == "true";
        let (p, b, c) = (&s.producers[0].config, &s.broker_config, &s.consumers[0].config);
        let t = &s.topics[0].config;

        // acks: the typed value, the report's value and the defaults note, all the table's.
        let acks = default_named(Role::Producer, "acks", v);
        assert_eq!(p.acks, acks_of(acks), "acks {v}");
        assert_eq!(setting(&s, "producer", "p", "acks"), (acks_of(acks).name().to_string(), Source::Default), "{v}");
        let linger = default_named(Role::Producer, "linger.ms", v);
        assert!(notes(&s).contains(&format!("linger.ms={linger}, acks={acks},")), "{v}: {}", notes(&s));

        let ms = |us: u64| i64::try_from(us / 1_000).expect("ms");
        let producer = [
            ("linger.ms", ms(p.linger_us)),
            ("retries", i64::from(p.retries)),
            ("retry.backoff.ms", ms(p.retry_backoff_us)),
            ("request.timeout.ms", ms(p.request_timeout_us)),
            ("batch.size", i64::from(p.batch_size_bytes)),
            ("buffer.memory", i64::try_from(p.buffer_memory_bytes).expect("bytes")),
            ("max.block.ms", ms(p.max_block_us)),
            ("max.in.flight.requests.per.connection", i64::from(p.max_in_flight)),
            ("max.request.size", i64::from(p.max_request_size_bytes)),
            ("partitioner.availability.timeout.ms", ms(p.partitioner_availability_timeout_us)),
            ("transaction.timeout.ms", ms(p.transaction_timeout_us)),
            ("metadata.max.age.ms", ms(p.metadata_max_age_us)),
            ("reconnect.backoff.ms", ms(p.reconnect_backoff_us)),
            ("reconnect.backoff.max.ms", ms(p.reconnect_backoff_max_us)),
            ("socket.connection.setup.timeout.ms", ms(p.connection_setup_timeout_us)),
            ("socket.connection.setup.timeout.max.ms", ms(p.connection_setup_timeout_max_us)),
        ];
        for (name, got) in producer {
            assert_eq!(got, int(Role::Producer, name), "producer {name} {v}");
        }
        assert_eq!(p.partitioner_ignore_keys, bool(Role::Producer, "partitioner.ignore.keys"), "{v}");
        assert_eq!(p.partitioner_adaptive, bool(Role::Producer, "partitioner.adaptive.partitioning.enable"), "{v}");
        assert_eq!(p.compression, CompressionType::None, "{v}");
        // KAFKA-13598: 3.0.0 and 3.1.0 do not apply their default `true`.
        let unapplied = v.major == 3 && v.minor <= 1 && v.patch == 0;
        assert_eq!(p.enable_idempotence, bool(Role::Producer, "enable.idempotence") && !unapplied, "{v}");
        // Before 3.7 (KIP-580) the retry backoff is constant: its max is retry.backoff.ms.
        let max_backoff = if v.at_least(3, 7) { "retry.backoff.max.ms" } else { "retry.backoff.ms" };
        assert_eq!(ms(p.retry_backoff_max_us), int(Role::Producer, max_backoff), "{v}");

        let broker = [
            ("min.insync.replicas", i64::from(b.min_insync_replicas)),
            ("replica.lag.time.max.ms", ms(b.replica_lag_time_max_us)),
            ("replica.fetch.wait.max.ms", ms(b.replica_fetch_wait_max_us)),
            ("replica.fetch.max.bytes", i64::from(b.replica_fetch_max_bytes)),
            ("log.segment.bytes", i64::try_from(b.log_segment_bytes).expect("bytes")),
            ("message.max.bytes", i64::from(b.message_max_bytes)),
            ("broker.session.timeout.ms", ms(b.broker_session_timeout_us)),
            ("broker.heartbeat.interval.ms", ms(b.broker_heartbeat_interval_us)),
            ("group.consumer.session.timeout.ms", ms(b.group_consumer_session_timeout_us)),
            ("group.consumer.heartbeat.interval.ms", ms(b.group_consumer_heartbeat_interval_us)),
            (
                "transaction.abort.timed.out.transaction.cleanup.interval.ms",
                ms(b.transaction_abort_cleanup_interval_us),
            ),
            ("vm.dirty_writeback_centisecs", i64::from(b.dirty_writeback_centisecs)),
            ("vm.dirty_ratio", i64::from(b.dirty_ratio)),
        ];
        for (name, got) in broker {
            assert_eq!(got, int(Role::Broker, name), "broker {name} {v}");
        }
        let topic = [
            ("segment.ms", t.segment_ms),
            ("retention.ms", t.retention_ms),
            ("retention.bytes", t.retention_bytes),
            ("max.compaction.lag.ms", t.max_compaction_lag_ms),
            ("message.timestamp.before.max.ms", t.timestamp_before_max_ms),
            ("message.timestamp.after.max.ms", t.timestamp_after_max_ms),
        ];
        for (name, got) in topic {
            assert_eq!(got, int(Role::Topic, name), "topic {name} {v}");
        }
        let ratio = default_named(Role::Topic, "min.cleanable.dirty.ratio", v).parse::<f64>().expect("a ratio");
        assert_eq!(t.min_cleanable_dirty_ratio, ratio, "{v}");
        assert_eq!((t.cleanup_delete, t.cleanup_compact, t.compression), (true, false, None), "{v}");
        let consumer = [
            ("session.timeout.ms", ms(c.session_timeout_us)),
            ("heartbeat.interval.ms", ms(c.heartbeat_interval_us)),
            ("max.poll.interval.ms", ms(c.max_poll_interval_us)),
            ("max.poll.records", i64::from(c.max_poll_records)),
            ("auto.commit.interval.ms", ms(c.auto_commit_interval_us)),
            ("fetch.max.bytes", i64::from(c.fetch_max_bytes)),
            ("retry.backoff.ms", ms(c.retry_backoff_us)),
        ];
        for (name, got) in consumer {
            assert_eq!(got, int(Role::Consumer, name), "consumer {name} {v}");
        }
        assert_eq!(c.enable_auto_commit, bool(Role::Consumer, "enable.auto.commit"), "{v}");
        let assignors = default_named(Role::Consumer, "partition.assignment.strategy", v);
        let assignors: Vec<_> = assignors.split(',').filter_map(crate::config::AssignorKind::from_name).collect();
        assert_eq!(c.assignors, assignors, "{v}");
    }
}
