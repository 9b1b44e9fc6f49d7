// Unit tests of the page's pure modules, run in Node by the e2e runner (they ignore the
// browser page): the text model the controls edit through, share-link encoding, the
// delivery-semantics verdict, the journey builder, and the editor's generated property
// table. `node --test tests/unit/` runs them too (tests/unit/pure-modules.test.mjs).
import assert from 'node:assert/strict';
import { applyEdits, estimateRecords, getProp, lexLine, readModel, seedOf, setNetworkEdit, setPropEdit, setSeedEdit } from '../../www/src/core/text-model.js';
import { decodeScenario, encodeScenario } from '../../www/src/core/share.js';
import { brokenPromises, exactlyOnceReprocessed, observedOutcome, OUTCOMES, outcomeShown, promiseOf } from '../../www/src/core/semantics.js';
import { recordJourney } from '../../www/src/core/journey.js';
import { fmtUs } from '../../www/src/core/format.js';
import { activity, recordLatency } from '../../www/src/views/series.js';
import { buildItems, bundleInFlight } from '../../www/src/views/timeline-items.js';

const TEXT = `# comment line
seed 5
brokers 3 min.insync.replicas=2
topic orders partitions=1 replication.factor=3   # RF 3
producer app acks=1 linger.ms=0 value.serializer=x
at 0ms app send orders value="a b=c" count=2
`;

const summary = (o) => ({ sent: 10, acked: 10, failed: 0, pending: 0, delivered: 10, lost: 0, duplicated: 0, reordered: 0, phantom: 0, aborted: 0, produce_requests: 1, batches: 1, ...o });

export const tests = [
  {
    name: 'widget.js imports outside a browser (server-side rendering) without throwing',
    async run() {
      const widget = await import('../../www/src/widget.js');
      assert.equal(typeof globalThis.customElements, 'undefined', 'Node has no custom elements');
      assert.deepEqual(widget.parsePanels('editor, verdict tmeline'), { panels: ['editor', 'verdict'], unknown: ['tmeline'] });
      assert.equal(widget.dedent('\n    a\n      b\n'), 'a\n  b\n');
    },
  },
  {
    name: 'charts: per-record latency by send time, failures apart, the slowest of each group kept',
    async run() {
      const rec = (id, sent, res, result = 'acked') => ({ id, sent_us: sent, result_us: res, result });
      const r = recordLatency([rec(1, 2000, 7000), rec(0, 1000, 3000), rec(2, 3000, 90000, 'failed'), rec(3, 4000, null, 'pending')], 100000);
      assert.deepEqual([...r.x], [0, 0.001, 0.002, 0.003, 0.1], 'sorted by send time, padded to the run');
      assert.deepEqual(r.acked, [null, 2, 5, null, null]);
      assert.deepEqual(r.failed, [null, null, null, 87, null]);
      assert.equal(r.count, 3);
      // 13,000 records: groups of 3, each shown by its slowest record, so a spike survives.
      const many = Array.from({ length: 13000 }, (_, i) => rec(i, i * 10, i * 10 + (i === 7777 ? 50000 : 1000)));
      const m = recordLatency(many, 200000);
      assert.equal(m.sampled, 3);
      assert.equal(m.x.length, Math.ceil(13000 / 3) + 2);
      assert.equal(Math.max(...m.acked.filter((v) => v != null)), 50);
      assert.equal(m.x[m.acked.indexOf(50)], 0.07777, 'the spike at its own send time');
      // The activity window: first send to last callback, 5% margin (at least 1 ms); the
      // faults when nothing was sent.
      assert.deepEqual(activity([rec(0, 100000, 300000)], [{ t: 9_000_000 }], 10_000_000), [90000, 310000]);
      assert.deepEqual(activity([], [{ t: 2_000_000 }, { t: 4_000_000 }], 10_000_000), [1_900_000, 4_100_000]);
      assert.deepEqual(activity([], [], 5000), [0, 5000]);
    },
  },
  {
    name: 'text model: words, quotes and comments follow the kplay lexer',
    async run() {
      const { words, codeEnd } = lexLine('at 0ms app send orders value="a b=c # x" count=2  # trailing');
      assert.deepEqual(words.map((w) => w.raw), ['at', '0ms', 'app', 'send', 'orders', 'value="a b=c # x"', 'count=2']);
      assert.equal(words[5].key, 'value');
      assert.equal(words[5].value, 'a b=c # x');
      assert.equal(codeEnd, 'at 0ms app send orders value="a b=c # x" count=2'.length);
      const m = readModel(TEXT);
      assert.equal(m.producers[0].name, 'app');
      assert.equal(m.topics[0].name, 'orders');
      assert.equal(getProp(m.brokers, 'min.insync.replicas'), '2');
      assert.equal(seedOf(m), 5);
      assert.equal(seedOf(readModel('seed 18446744073709551615\n')), '18446744073709551615', 'above 2^53 - 1 the digits are kept');
      assert.equal(estimateRecords(TEXT), 2);
      const piped = readModel('pipeline etl from=orders to=invoices group.id=etl\nconsumer c group.id=g\n');
      assert.deepEqual([piped.pipelines.map((d) => d.name), piped.consumers.map((d) => d.name)], [['etl'], ['c']], 'a pipeline is not listed as a consumer');
      assert.equal(getProp(piped.pipelines[0], 'group.id'), 'etl');
      assert.equal(estimateRecords('at 0ms app send t count=70000\nat 1s app send t\nat 2s app flush\n'), 70001);
    },
  },
  {
    name: 'text model: set, add and remove name=value keep everything else',
    async run() {
      const m = readModel(TEXT);
      const replaced = applyEdits(TEXT, [setPropEdit(m.producers[0], 'acks', 'all')]);
      assert.equal(replaced, TEXT.replace('acks=1', 'acks=all'));
      const added = applyEdits(TEXT, [setPropEdit(m.topics[0], 'min.insync.replicas', '3')]);
      assert.match(added, /^topic orders partitions=1 replication\.factor=3 min\.insync\.replicas=3 {3}# RF 3$/m);
      const removed = applyEdits(TEXT, [setPropEdit(m.producers[0], 'linger.ms', null)]);
      assert.match(removed, /^producer app acks=1 value\.serializer=x$/m);
      assert.equal(setPropEdit(m.producers[0], 'acks', '1'), null, 'no edit when the value is already there');
      const quoted = applyEdits(TEXT, [setPropEdit(m.producers[0], 'transactional.id', 'a b')]);
      assert.match(quoted, /transactional\.id="a b"/);
    },
  },
  {
    name: 'text model: seed and network lines are created when missing',
    async run() {
      const bare = 'brokers 1\ntopic t\nproducer p\nat 0ms p send t\n';
      const seeded = applyEdits(bare, [setSeedEdit(readModel(bare), 99)]);
      assert.equal(seeded, 'seed 99\n' + bare);
      assert.equal(applyEdits(TEXT, [setSeedEdit(readModel(TEXT), 7)]), TEXT.replace('seed 5', 'seed 7'));
      const net = applyEdits(bare, [setNetworkEdit(readModel(bare), 'latency', '5ms')]);
      assert.equal(net, 'brokers 1\ntopic t\nproducer p\nnetwork latency=5ms\nat 0ms p send t\n');
      const net2 = applyEdits(net, [setNetworkEdit(readModel(net), 'loss', '1%')]);
      assert.match(net2, /^network latency=5ms loss=1%$/m);
    },
  },
  {
    name: 'share links: deflate-raw + base64url round-trips any text',
    async run() {
      const text = TEXT + '# ünïcødé ✓ and a long line ' + 'x'.repeat(3000) + '\n';
      const encoded = await encodeScenario(text);
      assert.match(encoded, /^[A-Za-z0-9_-]+$/);
      assert.ok(encoded.length < text.length / 5, 'compressed');
      assert.equal(await decodeScenario(encoded), text);
    },
  },
  {
    name: 'share links: a damaged or oversized link is an error that says why, read no further than the cap',
    async run() {
      const reason = async (encoded) => decodeScenario(encoded).then(() => 'decoded', (e) => e.message);
      // A 3 KB link that inflates to 10 MB: refused at 256 KiB.
      const bomb = await encodeScenario('at 0ms app send t\n'.repeat(600_000));
      assert.ok(bomb.length < 40_000, `${bomb.length} characters`);
      assert.match(await reason(bomb), /more than 256 KiB of text/);
      assert.match(await reason(await encodeScenario(TEXT + 'x'.repeat(5000))), /line 7 is longer than 4000 characters/);
      const good = await encodeScenario(TEXT);
      assert.match(await reason(good.slice(0, (Math.floor(good.length / 4) - 1) * 4)), /compressed data is damaged/);
      assert.match(await reason('%%%'), /not base64url/);
    },
  },
  {
    name: 'the observed outcome describes the run, never a guarantee',
    async run() {
      assert.equal(observedOutcome(summary({})).kind, 'clean');
      assert.equal(observedOutcome(summary({ lost: 3, delivered: 7 })).kind, 'lost');
      assert.equal(observedOutcome(summary({ duplicated: 2 })).kind, 'duplicated');
      assert.equal(observedOutcome(summary({ reordered: 2 })).kind, 'reordered');
      assert.equal(observedOutcome(summary({ lost: 1, duplicated: 1 })).kind, 'lost-and-duplicated');
      assert.equal(observedOutcome(summary({ sent: 0, acked: 0, delivered: 0 })).kind, 'nothing-sent');
      assert.equal(observedOutcome(summary({ acked: 0, failed: 10, delivered: 0 })).kind, 'unresolved');
      assert.equal(observedOutcome(summary({ aborted: 10, delivered: 0 })).kind, 'clean');
      // Deleted by retention or removed by compaction is gone by design, not lost.
      const gone = observedOutcome(summary({ deleted: 6, compacted: 3, delivered: 1 }));
      assert.equal(gone.kind, 'clean');
      assert.match(gone.detail, /6 deleted by retention; 3 removed by compaction/);
      assert.equal(observedOutcome(summary({ deleted: 6, delivered: 1 })).kind, 'unresolved', 'three records unaccounted for');
      for (const s of [{}, { lost: 1 }, { duplicated: 1 }, { reprocessed: 4 }, { skipped: 2 }]) assert.doesNotMatch(JSON.stringify(observedOutcome(summary(s))), /(exactly|at-most|at-least)-once/);
      // Consumer-side outcomes: a clean log a group reprocessed or skipped records of is
      // said so; with another kind, the detail names them too.
      const again = observedOutcome(summary({ reprocessed: 4 }));
      assert.equal(again.kind, 'reprocessed');
      assert.match(again.detail, /every record delivered once, in order; consumer groups: 4 records processed more than once \(reprocessed\)$/);
      assert.equal(observedOutcome(summary({ reprocessed: 4, skipped: 1 })).kind, 'skipped');
      assert.match(observedOutcome(summary({ skipped: 1 })).detail, /1 record below a committed offset never processed \(skipped\)/);
      const both = observedOutcome(summary({ lost: 2, delivered: 8, skipped: 3 }));
      assert.equal(both.kind, 'lost');
      assert.match(both.detail, /^2 acknowledged records lost; consumer groups: 3 records below a committed offset/);
      // Their cards show when the run has consumer groups, or when non-zero.
      const card = OUTCOMES.find((o) => o.key === 'reprocessed');
      assert.equal(outcomeShown(card, { summary: summary({ reprocessed: 0 }), groups: {} }), false);
      assert.equal(outcomeShown(card, { summary: summary({ reprocessed: 0 }), groups: { billing: {} } }), true);
      assert.equal(outcomeShown(card, { summary: summary({ reprocessed: 2 }), groups: {} }), true);
    },
  },
  {
    name: 'pipeline verdicts: lost and duplicated inputs named per pipeline; exactly_once_v2 reprocessing is no flaw',
    async run() {
      const pipe = (guarantee, group, o = {}) => ({ guarantee, group, from: 'orders', to: 'out', transactional_id: null, inputs: 10, outputs: 10, processed: 10, pending: 0, lost: 0, duplicated: 0, commits: 1, aborted: 0, ...o });
      const report = (s, pipelines, groups = {}, records = []) => ({ summary: summary(s), pipelines, groups, records });
      // Duplicated by an at_least_once pipeline: named, a failure kind, even with reprocessing.
      const alos = report({ reprocessed: 4, pipeline_duplicated: 3 }, { alos: pipe('at_least_once', 'a', { duplicated: 3 }) }, { a: { reprocessed: 4 } });
      const dup = observedOutcome(alos.summary, alos);
      assert.equal(dup.kind, 'pipeline_duplicated');
      assert.match(dup.detail, /pipelines: 3 inputs of alos with more than one output \(pipeline_duplicated\)/);
      assert.match(dup.detail, /consumer groups: 4 records processed more than once \(reprocessed\)/);
      // Lost beats skipped beats duplicated; without the report, the summary alone.
      assert.equal(observedOutcome(summary({ pipeline_lost: 1, skipped: 2, pipeline_duplicated: 5 })).kind, 'pipeline_lost');
      assert.equal(observedOutcome(summary({ skipped: 2, pipeline_duplicated: 5 })).kind, 'skipped');
      assert.match(observedOutcome(summary({ pipeline_lost: 2 })).detail, /pipelines: 2 inputs committed past without an output \(pipeline_lost\)/);
      // A producer-side failure stays the headline; an unresolved log gives way.
      assert.equal(observedOutcome(summary({ lost: 1, delivered: 9, pipeline_duplicated: 5 })).kind, 'lost');
      assert.equal(observedOutcome(summary({ pending: 1, acked: 9, delivered: 9, pipeline_duplicated: 5 })).kind, 'pipeline_duplicated');
      // exactly_once_v2 processing inputs again after an abort, and outputs its crashed
      // producer never sent: a clean run, which says so.
      const eos = report({ sent: 12, acked: 10, pending: 2, delivered: 10, reprocessed: 2 }, { eos: pipe('exactly_once_v2', 'e') }, { e: { reprocessed: 2 } },
        [{ producer: 'eos-producer', result: 'pending', outcome: 'pending' }, { producer: 'eos-producer', result: 'pending', outcome: 'pending' }]);
      assert.equal(exactlyOnceReprocessed(eos), 2);
      const clean = observedOutcome(eos.summary, eos);
      assert.equal(clean.kind, 'clean');
      assert.match(clean.detail, /2 outputs of stopped pipelines with no result/);
      assert.match(clean.detail, /pipelines: no input lost or duplicated, 2 inputs processed again by exactly_once_v2 after an abort/);
      assert.equal(observedOutcome(eos.summary).kind, 'reprocessed', 'without the report it cannot tell');
      // The cards show when the run has pipelines.
      const card = OUTCOMES.find((o) => o.key === 'pipeline_duplicated');
      assert.equal(outcomeShown(card, { summary: summary({}), groups: { a: {} } }), false);
      assert.equal(outcomeShown(card, { summary: summary({}), pipelines: { alos: {} } }), true);
    },
  },
  {
    name: 'the promise names the failing settings and whether the run broke it',
    async run() {
      const reason = (holds, settings, fails) => ({ property: 'durability', holds, settings, text: '', holds_under: [], fails_under: fails });
      const observed = (broken) => ({ breaks_promise: broken.length > 0, broken_by: broken });
      const g = { promised: 'at-most-once', reasons: [reason(false, ['acks=0'], ['leader-crash']), reason(true, ['x'], [])], observed: observed([]) };
      const p = promiseOf(g);
      assert.equal(p.level, 'at-most-once');
      assert.deepEqual(p.failing, ['acks=0']);
      assert.match(p.detail, /acks=0/);
      const broken = promiseOf({ ...g, promised: 'at-least-once', observed: observed(['lost']) });
      assert.equal(broken.broken, true);
      assert.match(broken.detail, /broke it \(lost\)/);
      // One producer broke its own (stronger) promise: named, not an empty "()".
      const one = promiseOf({ ...g, observed: { breaks_promise: true, broken_by: [] }, by_producer: { a: { observed: observed([]) }, b: { observed: observed(['duplicated']) } } });
      assert.match(one.detail, /^this run broke it \(b: duplicated\);/);
      assert.deepEqual(one.beyond, []);
      // Broken under a fault beyond the design model (the engine's beyond_model): said so.
      const late = promiseOf({ ...g, promised: 'exactly-once-per-session', observed: { ...observed(['reordered']), beyond_model: ['late-request'] } });
      assert.equal(late.broken, true);
      assert.deepEqual(late.beyond, ['late-request']);
      assert.match(late.detail, /^this run broke it \(reordered\) under late-request, a fault beyond the design fault model the promise covers;/);
    },
  },
  {
    name: "a group or pipeline that broke its own promise is named apart from the producers' promise",
    async run() {
      const reason = { property: 'durability', holds: true, settings: ['acks=all'], text: '', holds_under: [], fails_under: [] };
      const grp = (promised, skipped) => ({ promised, reasons: [], observed: { clean: !skipped, reprocessed: 2, skipped, breaks_promise: skipped > 0 && promised !== 'none', broken_by: skipped > 0 && promised !== 'none' ? ['skipped'] : [], text: '' } });
      const pipe = (promised, lost, duplicated, broken_by) => ({ promised, reasons: [], observed: { clean: false, lost, duplicated, breaks_promise: broken_by.length > 0, broken_by, text: '' } });
      const g = {
        promised: 'exactly-once-per-session', reasons: [reason],
        // The engine sets the run's breaks_promise for the group and the pipeline; the producers kept theirs.
        observed: { clean: true, breaks_promise: true, broken_by: [] },
        by_group: { billing: grp('at-least-once', 15), audit: grp('none', 7), spare: grp('at-least-once', 0) },
        by_pipeline: { etl: pipe('exactly-once-transactional', 1, 3, ['pipeline_lost', 'pipeline_duplicated']), copy: pipe('at-most-once', 4, 0, []) },
      };
      assert.deepEqual(brokenPromises(g), [
        'group billing skipped 15 records (promised at-least-once)',
        'pipeline etl lost 1 input and gave 3 inputs two outputs (promised exactly-once-transactional)',
      ]);
      const p = promiseOf(g);
      assert.equal(p.broken, true, 'the banner stands out');
      assert.equal(p.label, 'exactly-once per producer session', "the producers' promise stays the main line");
      assert.doesNotMatch(p.detail, /broke it/, 'the producers did not break theirs');
      assert.deepEqual(brokenPromises({ ...g, by_group: undefined, by_pipeline: undefined }), []);
    },
  },
  {
    name: 'the timeline bundles pipelined Produce requests and their responses; a dropped one stays single',
    async run() {
      // app pipelines corr 3, 4, 5 to broker-1 (each sent before the one ahead arrived), the
      // response to 5 is dropped; corr 6 goes out after every earlier one was answered.
      const trace = [];
      const sent = (t, corr, batch) => trace.push({ at_us: t, type: 'request_sent', from: 'app', to: 'broker-1', api: 'Produce', corr, batches: [batch] });
      const answered = (t, corr, batch) => {
        trace.push({ at_us: t, type: 'appended', broker: 'broker-1', tp: 'orders-0', batch, base_offset: batch, last_offset: batch });
        trace.push({ at_us: t, type: 'produce_answered', broker: 'broker-1', to: 'app', corr, results: [['orders-0', 'NONE', batch]] });
      };
      sent(0, 3, 0);
      sent(10, 4, 1);
      sent(20, 5, 2);
      answered(2000, 3, 0);
      answered(2010, 4, 1);
      trace.push({ at_us: 2020, type: 'appended', broker: 'broker-1', tp: 'orders-0', batch: 2, base_offset: 2, last_offset: 2 });
      trace.push({ at_us: 2020, type: 'produce_answered', broker: 'broker-1', to: 'app', corr: 5, results: [['orders-0', 'NONE', 2]] });
      trace.push({ at_us: 2020, type: 'message_dropped', from: 'broker-1', to: 'app', api: 'Produce', corr: 5, cause: 'drop_rule' });
      trace.push({ at_us: 4000, type: 'response_received', from: 'broker-1', at: 'app', corr: 3 });
      trace.push({ at_us: 4010, type: 'response_received', from: 'broker-1', at: 'app', corr: 4 });
      sent(6000, 6, 3);
      answered(8000, 6, 3);
      trace.push({ at_us: 10000, type: 'response_received', from: 'broker-1', at: 'app', corr: 6 });
      const model = { trace, laneIndex: new Map([['app', 0], ['broker-1', 1], ['controller', 2]]), oneWayUs: 2000 };
      const items = buildItems(model);
      const arrows = (list) => list.filter((it) => it.k === 'arrow').map((it) => `${trace[it.ev].type}:${trace[it.ev].corr}${it.bundle ? `x${it.bundle.evs.length}` : ''}`);
      assert.deepEqual(arrows(items), ['request_sent:3', 'request_sent:4', 'request_sent:5', 'produce_answered:3', 'produce_answered:4', 'produce_answered:5', 'request_sent:6', 'produce_answered:6']);
      const bundled = bundleInFlight(items, trace);
      assert.deepEqual(arrows(bundled), ['request_sent:3x3', 'produce_answered:3x2', 'produce_answered:5', 'request_sent:6', 'produce_answered:6']);
      const req = bundled.find((it) => it.bundle && trace[it.ev].type === 'request_sent');
      assert.deepEqual(req.bundle, { t0b: 20, t1a: 2000, evs: [0, 1, 2], corrs: [3, 5] }, 'from the first send to the last arrival');
      assert.equal(req.t1, 2020);
      const resp = bundled.find((it) => it.bundle && trace[it.ev].type === 'produce_answered');
      assert.deepEqual([resp.t0, resp.bundle.t0b, resp.bundle.t1a, resp.t1], [2000, 2010, 4000, 4010]);
      assert.equal(bundled.find((it) => it.fault != null)?.end, 'cross', 'the dropped response keeps its cross');
      const anchors = bundled.map((it) => (it.at === 'end' ? it.t1 : it.t0));
      assert.deepEqual(anchors, [...anchors].sort((a, b) => a - b), 'still sorted by anchor time');
    },
  },
  {
    name: 'a record journey follows its batch through requests, appends and the callback',
    async run() {
      const report = {
        records: [{ id: 0, producer: 'app', key: null, partition: 0, offset: 0, result: 'acked', error: null, outcome: 'duplicated', reordered: false, copies: [0, 5], sent_us: 0, result_us: 3000, batch: 1 }],
        explanations: [{ kind: 'duplicated', records: [0], text: 'written twice' }],
        trace: [
          { at_us: 0, type: 'batch_created', producer: 'app', batch: 1, tp: 'orders-0' },
          { at_us: 10, type: 'batch_drained', producer: 'app', batch: 1, tp: 'orders-0', reason: 'linger', records: 1, bytes: 70, attempt: 1, producer_id: -1, producer_epoch: -1, base_sequence: -1 },
          { at_us: 10, type: 'request_sent', from: 'app', to: 'broker-1', api: 'Produce', corr: 3, batches: [1] },
          { at_us: 20, type: 'appended', broker: 'broker-1', tp: 'orders-0', batch: 1, base_offset: 0, last_offset: 0, leader_epoch: 0, producer_id: -1, base_sequence: -1 },
          { at_us: 30, type: 'message_dropped', from: 'broker-1', to: 'app', api: 'Produce', corr: 3, cause: 'drop_rule' },
          { at_us: 2000, type: 'request_timed_out', from: 'app', to: 'broker-1', corr: 3 },
          { at_us: 2000, type: 'batch_retried', producer: 'app', batch: 1, tp: 'orders-0', error: 'REQUEST_TIMED_OUT', attempt: 1, backoff_us: 100000 },
          { at_us: 3000, type: 'batch_acked', producer: 'app', batch: 1, tp: 'orders-0', base_offset: 5, records: 1 },
        ],
      };
      const j = recordJourney(report, 0);
      const texts = j.steps.map((s) => s.text).join('\n');
      assert.equal(j.tp, 'orders-0');
      assert.match(texts, /Produce request corr=3 to broker-1/);
      assert.match(texts, /broker-1 appended the batch at offsets 0/);
      assert.match(texts, /response corr=3 broker-1 → app lost on the wire \(drop rule\)/);
      assert.match(texts, /corr=3 timed out \(request\.timeout\.ms\)/);
      assert.match(texts, /retry after REQUEST_TIMED_OUT/);
      assert.match(texts, /callback: success, offset 0/);
      assert.equal(j.explanations.length, 1);
      assert.equal(fmtUs(9_002_000), '9.002s');
      assert.equal(fmtUs(250), '250us');
      assert.equal(fmtUs(58_000), '58ms');
    },
  },
  {
    // That it matches the tables is a native test (crate/src/bin/cli_props.rs); here, that
    // the generated module has what the editor and the controls read.
    name: 'www/src/editor/properties.js has every role, with values and units',
    async run() {
      const { PROPERTIES } = await import('../../www/src/editor/properties.js');
      assert.deepEqual(Object.keys(PROPERTIES), ['producer', 'broker', 'topic', 'consumer']);
      const acks = PROPERTIES.producer.find((p) => p.name === 'acks');
      assert.deepEqual(acks.values, ['all', '-1', '0', '1']);
      assert.equal(PROPERTIES.producer.find((p) => p.name === 'linger.ms').unit, 'ms');
      assert.ok(PROPERTIES.consumer.find((p) => p.name === 'partition.assignment.strategy').values.includes('cooperative-sticky'));
    },
  },
];
