// End-to-end tests of the run views (www/src/views) on their own test page
// (www/views-test.html): the sequence diagram, scrubbing to a moment and the cluster and
// producer views it shows, markers against the engine's own snapshot, charts, compare
// mode, light and dark screenshots of every view, and the time to render and scrub a
// 10,000-record run. Also unit tests of compare mode's text rewriting (plain Node).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { alternativeValue, firstDivergence, withSetting } from '../../www/src/views/variant.js';
import { checkShot } from './helpers.mjs';

const SHOTS = 'test-results/e2e';
const VIEWS = ['timeline', 'cluster', 'producer', 'charts', 'compare'];

/** Opens the views test page on a scenario and waits for the first snapshot. */
async function open(page, url, query) {
  await page.goto(new URL(`views-test.html?${query}`, url).href);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 25_000 });
  const state = await page.evaluate(() => document.body.dataset.ready);
  if (state !== 'true') throw new Error(`the test page failed: ${await page.textContent('#status')}`);
}

/** Moves the scrubber (as a user dragging it) to the last stop at or before tUs. */
async function scrubTo(page, tUs) {
  return page.evaluate(async (t) => {
    const range = document.querySelector('[data-testid="scrubber"]');
    const stops = [...new Set([0, ...window.kplayViewsTest.report.trace.map((e) => e.at_us), window.kplayViewsTest.report.end_time_us])].sort((a, b) => a - b);
    let i = 0;
    while (i + 1 < stops.length && stops[i + 1] <= t) i++;
    range.value = String(i);
    range.dispatchEvent(new Event('input', { bubbles: true }));
    return stops[i];
  }, tUs);
}

async function waitSnapshot(page, tUs) {
  await page.waitForFunction((t) => document.getElementById('views').dataset.snapshotAt === String(t), tUs);
}

async function shoot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export const tests = [
  {
    name: 'the log on disk: segment files under each log, deleted offsets, the log start offset and a kafka-dump-log listing',
    async run({ page, url }) {
      await open(page, url, 'scenario=retention_ms_deletes_what_a_slow_consumer_needed&panels=cluster');
      const report = await page.evaluate(() => window.kplayViewsTest.report);
      const t = await scrubTo(page, report.end_time_us);
      await waitSnapshot(page, t);
      const leader = page.locator('[data-testid="replica"][data-broker="broker-1"]');
      // The engine's own final state: every segment of broker-1's log is drawn with its
      // size and on-disk bytes, and the offsets below the log start offset are marked deleted.
      const want = report.partitions[0].replica_states.find((r) => r.broker === 1);
      assert.ok(want.log_start_offset > 0, 'retention moved the log start offset');
      const segs = await leader.locator('[data-testid="segment"]').evaluateAll((gs) => gs.map((g) => ({ base: Number(g.dataset.base), size: Number(g.dataset.size), flushed: Number(g.dataset.flushed) })));
      assert.deepEqual(segs, want.segments.map((s) => ({ base: s.base_offset, size: s.size, flushed: s.flushed_bytes })));
      assert.equal(await leader.locator('[data-testid="deleted"]').count(), 1);
      assert.equal(Number(await leader.locator('[data-testid="marker-start"]').getAttribute('data-offset')), want.log_start_offset);
      // The segment list opens a segment's dump (the engine's, as kafka-dump-log prints it).
      await leader.locator('[data-testid="segments"] > summary').click();
      const file = leader.locator('[data-testid="segment-file"]').first();
      await file.locator('summary').click();
      const pre = file.locator('[data-testid="dump"]');
      await page.waitForFunction((el) => el.dataset.state === 'done', await pre.elementHandle());
      const dump = await pre.textContent();
      const name = String(want.segments[0].base_offset).padStart(20, '0');
      assert.match(dump, new RegExp(`^Dumping /var/lib/kafka/data/${report.partitions[0].topic}-0/${name}\\.log\n`));
      assert.match(dump, new RegExp(`^baseOffset: ${want.segments[0].base_offset} lastOffset: \\d+ count: 1 .* producerId: \\d+ producerEpoch: 0 .* isTransactional: false isControl: false deleteHorizonMs: OptionalLong\\.empty position: 0 .* crc: \\d+ isvalid: true$`, 'm'));
      // Its offset index, one entry per index.interval.bytes, as the report counts them.
      const entries = want.segments[0].offset_index_entries;
      assert.ok(entries > 0, 'a 5,000-byte segment has an offset index entry');
      assert.match(dump, new RegExp(`^Dumping /var/lib/kafka/data/\\S+/${name}\\.index$`, 'm'));
      assert.equal((dump.match(/^offset: \d+ position: \d+$/gm) ?? []).length, entries);
      await mkdir(SHOTS, { recursive: true });
      await page.getByTestId('view-cluster').screenshot({ path: `${SHOTS}/view-cluster-log-on-disk.png` });
    },
  },
  {
    name: 'compare mode rewrites one setting and finds the first divergence (unit)',
    async run() {
      const text = '# c\nseed 5\nbrokers 3\ntopic orders partitions=1\nproducer app acks=1 linger.ms=0 # fast\nat 0ms app send orders\n';
      const acks = { role: 'producer', name: 'app', prop: 'acks', value: '1' };
      assert.equal(alternativeValue(acks), 'all');
      assert.equal(withSetting(text, acks, 'all').text.split('\n')[4], 'producer app acks=all linger.ms=0 # fast');
      const lines = withSetting(text, { role: 'broker', name: 'brokers', prop: 'min.insync.replicas' }, '2').text.split('\n');
      assert.equal(lines[2], 'brokers 3 min.insync.replicas=2');
      assert.equal(withSetting(text, { role: 'seed', prop: 'seed' }, '9').text.split('\n')[1], 'seed 9');
      // Seeds above 2^53 - 1 come as strings and step exactly (wrapping at 2^64).
      assert.equal(alternativeValue({ role: 'seed', prop: 'seed', value: '9007199254740993' }), '9007199254740994');
      assert.equal(alternativeValue({ role: 'seed', prop: 'seed', value: '18446744073709551615' }), '0');
      assert.equal(alternativeValue({ role: 'seed', prop: 'seed', value: '41' }), '42');
      assert.match(withSetting(text, { role: 'producer', name: 'other', prop: 'acks' }, '1').error, /no 'producer other' line/);
      // A pipeline's processing.guarantee, and its consumer's and producer's settings, on its line.
      const piped = 'topic orders\npipeline etl from=orders to=out group.id=etl processing.guarantee=at_least_once # p\n';
      const guarantee = { role: 'pipeline', name: 'etl', prop: 'processing.guarantee', value: 'at_least_once' };
      assert.equal(alternativeValue(guarantee), 'exactly_once_v2');
      assert.equal(withSetting(piped, guarantee, 'exactly_once_v2').text.split('\n')[1], 'pipeline etl from=orders to=out group.id=etl processing.guarantee=exactly_once_v2 # p');
      assert.match(withSetting(piped, { role: 'consumer', name: 'etl', prop: 'max.poll.records' }, '10').text, /group\.id=etl processing\.guarantee=at_least_once max\.poll\.records=10 # p/);
      assert.match(withSetting(piped, { role: 'producer', name: 'etl-producer', prop: 'linger.ms' }, '5').text, /at_least_once linger\.ms=5 # p/);
      assert.match(withSetting(piped, { role: 'producer', name: 'etl', prop: 'linger.ms' }, '5').error, /no 'producer etl' line/, "a pipeline's producer is NAME-producer");
      const a = [{ at_us: 0, type: 'x', n: 1 }, { at_us: 5, type: 'y', n: 2 }];
      const b = [{ at_us: 0, type: 'x', n: 1 }, { at_us: 5, type: 'y', n: 3 }];
      assert.deepEqual(firstDivergence(a, b), { index: 1, a: a[1], b: b[1] });
      assert.equal(firstDivergence(a, a.slice()), null);
      assert.equal(firstDivergence(a, a.slice(0, 1)).index, 1);
    },
  },
  {
    name: 'the timeline draws lifelines and arrows for a leader failover',
    async run({ page, url }) {
      await open(page, url, 'scenario=acks1_leader_failover_loss');
      const lanes = await page.locator('[data-testid="lane"]').evaluateAll((ls) => ls.map((l) => l.dataset.name));
      assert.deepEqual(lanes, ['app', 'broker-1', 'broker-2', 'broker-3']);
      assert.ok((await page.locator('.kv-lifeline').count()) >= 4, 'a lifeline per node');
      assert.ok((await page.locator('.kv-arrow[data-kind="produce"]').count()) > 5, 'Produce arrows');
      assert.ok((await page.locator('.kv-band').count()) >= 1, 'the scenario action as a band');
      // Pipelined requests (linger.ms=0, a send every 250 us, up to 5 in flight) are bundles,
      // not arrows crossing every response of the requests ahead of them.
      const bundle = page.locator('.kv-bundle[data-kind="produce"]').first();
      assert.ok(Number(await bundle.getAttribute('data-count')) >= 2, 'a bundle of in-flight requests');
      assert.match(await bundle.locator('title').textContent(), /Produce requests app → broker-1 in flight together/);
      await page.getByTestId('view-timeline').screenshot({ path: `${SHOTS}/view-timeline-light.png` });
      const produceArrows = () => page.locator('.kv-arrow[data-kind="produce"]').count();
      const withBundles = await produceArrows();
      await page.locator('.kv-filters summary').click();
      await page.getByTestId('timeline-bundle').uncheck();
      // The diagram is redrawn on the next frame.
      await page.waitForFunction(() => document.querySelectorAll('.kv-bundle').length === 0, null, { timeout: 5000 }).catch(() => {
        throw new Error('unticked: still bundles, not one arrow each');
      });
      assert.ok((await produceArrows()) > withBundles, 'more arrows than bundles');
      await page.getByTestId('timeline-bundle').check();
      await page.locator('.kv-filters summary').click();
      await page.waitForFunction(() => document.querySelectorAll('.kv-bundle').length > 0, null, { timeout: 5000 });
      // Scrolling on to the crash draws it; zooming out keeps the diagram drawn.
      await page.evaluate(() => window.kplayViewsTest.views.setTime(60000));
      await page.locator('.kv-c-crash').first().waitFor();
      await page.getByRole('button', { name: 'Zoom out' }).click();
      assert.ok((await page.locator('.kv-arrow').count()) > 0);
      // Clicking an event moves the scrubber to its time.
      const arrow = page.locator('.kv-arrow[data-kind="produce"]').first();
      await arrow.locator('line.kv-hit').dispatchEvent('click');
      const now = Number(await page.locator('#views').getAttribute('data-now'));
      assert.ok(now > 0 && now < 60000, `clicked a Produce arrow before the crash, scrubbed to ${now}`);
    },
  },
  {
    name: 'scrubbing past the crash shows the broker down and the new leader',
    async run({ page, url }) {
      await open(page, url, 'scenario=acks1_leader_failover_loss');
      const t = await scrubTo(page, 9_100_000);
      await waitSnapshot(page, t);
      const b1 = page.locator('[data-testid="broker-state"][data-broker="broker-1"]');
      assert.equal(await b1.getAttribute('data-state'), 'down');
      assert.match(await page.locator('[data-testid="partition"][data-tp="orders-0"] h4').textContent(), /leader broker-2 · leader epoch 1/);
      const leader = page.locator('[data-testid="replica"][data-tp="orders-0"][data-role="leader"]');
      assert.equal(await leader.getAttribute('data-broker'), 'broker-2');
      assert.equal(await page.locator('[data-testid="lane"][data-name="broker-1"]').getAttribute('data-state'), 'down');
      // Keyboard: the slider steps one moment at a time.
      const before = await page.getByTestId('scrub-time').getAttribute('data-us');
      await page.getByTestId('scrubber').focus();
      await page.keyboard.press('ArrowRight');
      const after = await page.getByTestId('scrub-time').getAttribute('data-us');
      assert.ok(Number(after) > Number(before), `ArrowRight moved from ${before} to ${after}`);
      // After the restart broker-1 is back (unfenced once caught up, ~16 ms after it
      // registered), a follower that truncated what broker-2 lacks.
      const t2 = await scrubTo(page, 16_000_000);
      await waitSnapshot(page, t2);
      assert.equal(await b1.getAttribute('data-state'), 'up');
      const trunc = page.locator('[data-testid="replica"][data-broker="broker-1"] [data-testid="truncated"]');
      assert.equal(await trunc.getAttribute('data-from'), '227');
      assert.equal(await trunc.getAttribute('data-to'), '230');
      await page.getByTestId('view-cluster').screenshot({ path: `${SHOTS}/view-cluster-after-failover.png` });
    },
  },
  {
    name: 'play steps through the run at the chosen speed',
    async run({ page, url }) {
      await open(page, url, 'scenario=acks1_leader_failover_loss');
      const index = () => page.getByTestId('scrubber').evaluate((r) => Number(/** @type {HTMLInputElement} */ (r).value));
      /** Stops moved in `ms` of play at `speed`. */
      const played = async (speed, ms) => {
        await page.getByTestId('scrub-speed').selectOption(speed);
        await page.getByTestId('scrub-start').click();
        await page.getByTestId('scrub-play').click();
        const from = await index();
        await page.waitForTimeout(ms);
        const moved = (await index()) - from;
        await page.getByTestId('scrub-play').click(); // pause
        return moved;
      };
      const slow = await played('0.25', 1000); // a step every 1.4 s
      const fast = await played('8', 1000); // a step every 44 ms
      assert.ok(slow <= 1, `at 0.25× the scrubber moved ${slow} stops in 1 s`);
      assert.ok(fast >= 6, `at 8× the scrubber moved ${fast} stops in 1 s`);
      // A change of speed while playing applies at once.
      await page.getByTestId('scrub-speed').selectOption('0.25');
      await page.getByTestId('scrub-play').click();
      await page.getByTestId('scrub-speed').selectOption('8');
      const from = await index();
      await page.waitForTimeout(700);
      assert.ok((await index()) - from >= 4, 'the new speed took effect while playing');
      await page.getByTestId('scrub-play').click();
    },
  },
  {
    name: 'the cluster view shows HW, LEO, LSO and flushed markers as the snapshot has them',
    async run({ page, url }) {
      await open(page, url, 'scenario=power_loss_with_flush_messages_1');
      for (const at of [3_000_000, null]) {
        const t = at == null ? await page.evaluate(() => window.kplayViewsTest.report.end_time_us) : await scrubTo(page, at);
        if (at == null) await page.getByTestId('scrub-end').click();
        await waitSnapshot(page, t);
        const snap = await page.evaluate(async (tt) => {
          const k = window.kplayViewsTest;
          return k.engine.snapshotAt(k.text, k.options, tt);
        }, t);
        let checked = 0;
        for (const p of snap.partitions) {
          for (const r of p.replicas) {
            const row = page.locator(`[data-testid="replica"][data-tp="${p.tp}"][data-broker="broker-${r.broker}"]`);
            const want = { leo: r.log_end_offset, hw: r.high_watermark, lso: r.last_stable_offset, flushed: r.flushed_offset };
            for (const [k, v] of Object.entries(want)) assert.equal(await row.getAttribute(`data-${k}`), String(v), `${p.tp} broker-${r.broker} ${k}`);
            for (const [k, v] of Object.entries({ hw: r.high_watermark, leo: r.log_end_offset, flushed: r.flushed_offset })) {
              const m = row.locator(`[data-testid="marker-${k}"]`);
              assert.equal(await m.getAttribute('data-offset'), String(v), `${k} marker`);
              assert.match(await m.textContent(), new RegExp(`\\b${v}$`));
            }
            assert.equal(await row.locator('[data-testid="dirty"]').count(), r.flushed_offset < r.log_end_offset ? 1 : 0, 'dirty page-cache tail');
            checked += 1;
          }
        }
        assert.ok(checked >= 1);
      }
      await page.getByTestId('view-cluster').screenshot({ path: `${SHOTS}/view-cluster-light.png` });
    },
  },
  {
    name: 'a transaction in the cluster view: the LSO waits below the HW until the COMMIT marker lifts it',
    async run({ page, url }) {
      await open(page, url, 'scenario=txn_commit_read_committed');
      const leader = (tp) => page.locator(`[data-testid="replica"][data-tp="${tp}"][data-role="leader"]`);
      // 450 ms: the transaction's records are in the logs and replicated, not committed.
      const open_ = await scrubTo(page, 450_000);
      await waitSnapshot(page, open_);
      let lifted = 0;
      for (const tp of ['orders-0', 'orders-1']) {
        const row = leader(tp);
        const [hw, lso] = [Number(await row.getAttribute('data-hw')), Number(await row.getAttribute('data-lso'))];
        assert.ok(lso < hw, `${tp}: the LSO ${lso} is held below the HW ${hw} by the open transaction`);
        assert.equal(await row.locator('[data-testid="marker-lso"]').getAttribute('data-offset'), String(lso), `${tp}: the LSO marker is drawn apart`);
        assert.equal(await row.locator('.kv-marker').count(), 0, `${tp}: no COMMIT marker yet`);
        lifted += hw - lso;
      }
      assert.ok(lifted > 0);
      // At the end: each partition has its COMMIT marker, and the LSO is up at the HW.
      await page.getByTestId('scrub-end').click();
      const end = await page.evaluate(() => Number(document.getElementById('views').dataset.now));
      await waitSnapshot(page, end);
      for (const tp of ['orders-0', 'orders-1']) {
        const row = leader(tp);
        assert.equal(await row.getAttribute('data-lso'), await row.getAttribute('data-hw'), `${tp}: LSO = HW after the commit`);
        assert.equal(await row.locator('[data-testid="marker-lso"]').count(), 0, `${tp}: the LSO marker merges with the HW`);
        assert.ok((await row.locator('.kv-marker').count()) >= 1, `${tp}: the COMMIT marker is in the log`);
      }
      // The trace has what moved it: the COMMIT markers written on both partitions.
      const markers = await page.evaluate(() => window.kplayViewsTest.report.trace.filter((e) => e.type === 'marker_written' && e.marker === 'COMMIT').length);
      assert.equal(markers, 2);
      await page.getByTestId('view-cluster').screenshot({ path: `${SHOTS}/view-cluster-txn-committed.png` });
    },
  },
  {
    name: 'the producer view shows accumulator batches, the buffer pool and connections',
    async run({ page, url }) {
      await open(page, url, 'scenario=buffer_full_max_block');
      const t = await page.evaluate(() => window.kplayViewsTest.report.trace.find((e) => e.type === 'send_blocked' && e.reason === 'buffer_memory').at_us);
      const at = await scrubTo(page, t);
      await waitSnapshot(page, at);
      const rows = page.locator('[data-testid="producer"][data-name="app"] [data-testid="batch"]');
      assert.ok((await rows.count()) > 0, 'batches listed');
      const states = new Set(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.state)));
      assert.ok([...states].every((s) => ['open', 'full', 'retry', 'in_flight'].includes(s)), [...states].join());
      assert.match(await page.getByTestId('blocked').textContent(), /blocked on buffer\.memory/);
      assert.ok(Number(await page.getByTestId('buffer-pool').getAttribute('aria-valuenow')) > 90, 'buffer.memory nearly used up');
      assert.ok((await page.locator('[data-testid="connection"]').count()) >= 1);
      await page.getByTestId('view-producer').screenshot({ path: `${SHOTS}/view-producer-light.png` });
    },
  },
  {
    name: 'the charts render a canvas per chart and follow the scrubber',
    async run({ page, url }) {
      await open(page, url, 'scenario=acks1_leader_failover_loss');
      const charts = page.getByTestId('view-charts');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="view-charts"] canvas').length >= 7);
      for (const id of ['throughput', 'record-latency', 'latency', 'records', 'retries', 'isr', 'lag']) {
        assert.equal(await charts.getByTestId(`chart-${id}`).locator('canvas').count(), 1, id);
      }
      const note = await charts.locator('.kv-chart-note').textContent();
      assert.match(note, /p50 4(\.\d+)? ms/);
      // The fault statements are marked (crash broker-1, restart broker-1), and every chart
      // opens on the same window: the records' activity, first send to last callback (the
      // restart at 15 s is after it).
      const { faults, first, last } = await page.evaluate(() => {
        const r = window.kplayViewsTest.report;
        const faults = r.trace.filter((e) => e.type === 'action' && /^at \S+ (crash|restart) /.test(e.text)).length;
        return { faults, first: Math.min(...r.records.map((x) => x.sent_us)), last: Math.max(...r.records.map((x) => x.result_us ?? 0)) };
      });
      assert.ok(faults >= 2 && note.includes(`Dashed lines: ${faults} faults.`), note);
      await page.waitForFunction(() => document.querySelector('[data-testid="chart-lag"]')?.dataset.to);
      const ranges = await charts.locator('figure.kv-chart').evaluateAll((fs) => fs.map((f) => [Number(f.dataset.from), Number(f.dataset.to)]));
      assert.equal(new Set(ranges.map((r) => r.join())).size, 1, `one window on every chart: ${JSON.stringify(ranges)}`);
      assert.ok(ranges[0][0] <= first && ranges[0][1] >= last && ranges[0][1] < 15e6, `${ranges[0]} covers ${first}..${last}`);
      assert.match(note, /Zoomed to the records' activity \(.*, 1 fault after it\)/);
      await charts.screenshot({ path: `${SHOTS}/view-charts-light.png` });
      // A double-click shows the whole run on every chart.
      await charts.getByTestId('chart-throughput').locator('.u-over').dblclick();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="view-charts"] figure.kv-chart')].every((f) => Number(f.dataset.to) > 15e6));
    },
  },
  {
    name: 'a re-run with the same series redraws the charts in place; other series rebuild them',
    async run({ page, url }) {
      await open(page, url, 'scenario=acks1_leader_failover_loss&panels=charts');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="view-charts"] canvas').length >= 7);
      const note = () => page.getByTestId('view-charts').locator('.kv-chart-note').textContent();
      const before = await note();
      /** Runs the text with `from` replaced by `to` and shows it; returns the run's activity
       * window, the charts' windows and whether the throughput chart's canvas is the one
       * marked before. */
      const rerun = (from, to) => page.evaluate(async ([from, to]) => {
        const k = window.kplayViewsTest;
        document.querySelector('[data-testid="chart-throughput"] canvas').dataset.mark = 'before';
        const root = document.getElementById('views');
        const drawn = Number(root.dataset.chartsAt);
        const outcome = await k.engine.run(k.text.replace(from, to), k.options).result;
        k.views.update(outcome.report);
        await new Promise((resolve) => { const check = () => (Number(root.dataset.chartsAt) > drawn ? resolve() : setTimeout(check, 10)); check(); });
        const r = outcome.report;
        return {
          first: Math.min(...r.records.map((x) => x.sent_us)),
          last: Math.max(...r.records.map((x) => x.result_us ?? 0)),
          same: document.querySelector('[data-testid="chart-throughput"] canvas').dataset.mark === 'before',
          ranges: [...document.querySelectorAll('[data-testid="view-charts"] figure.kv-chart')].map((f) => [Number(f.dataset.from), Number(f.dataset.to)]),
        };
      }, [from, to]);
      // acks=all: the same producers and partitions, other data.
      const same = await rerun('producer app acks=1', 'producer app acks=all');
      assert.ok(same.same, 'the same canvas took the new data');
      const after = await note();
      assert.notEqual(after, before, 'the note describes the new run');
      assert.equal(new Set(same.ranges.map((r) => r.join())).size, 1, `one window on every chart: ${JSON.stringify(same.ranges)}`);
      assert.ok(same.ranges[0][0] <= same.first && same.ranges[0][1] >= same.last, `${same.ranges[0]} covers the new run's ${same.first}..${same.last}`);
      // One more partition: the ISR and lag charts get another series, so the charts are made anew.
      const other = await rerun('partitions=1', 'partitions=2');
      assert.ok(!other.same, 'new series, new charts');
      assert.equal(await page.getByTestId('view-charts').locator('canvas').count(), 7);
    },
  },
  {
    name: 'compare mode shows both verdicts and the first divergence of acks=1 vs acks=all',
    async run({ page, url }) {
      await open(page, url, 'scenario=acks1_leader_failover_loss');
      const compare = page.getByTestId('view-compare');
      assert.equal(await compare.getByTestId('compare-value').inputValue(), 'all', 'acks=all pre-filled');
      // The setting list: what the scenario set first in each node's group; a filter narrows it.
      const firstApp = await compare.locator('optgroup[label="producer app"] option').first().textContent();
      assert.match(firstApp, /^acks = 1$/, 'set in the scenario, so listed first');
      const all = Number(await compare.getByTestId('compare-setting').getAttribute('data-count'));
      await compare.getByTestId('compare-filter').fill('app linger');
      const options = await compare.locator('[data-testid="compare-setting"] option').allTextContents();
      assert.ok(options.length >= 1 && options.length < all && options.every((o) => o.startsWith('linger.ms')), options.join(' | '));
      await compare.getByTestId('compare-filter').fill('');
      await compare.getByTestId('compare-setting').selectOption({ label: 'acks = 1' });
      await compare.getByTestId('compare-value').fill('all');
      await compare.getByTestId('compare-run').click();
      const div = compare.getByTestId('first-divergence');
      await div.locator('h4').waitFor();
      assert.match(await div.textContent(), /First divergence at/);
      const index = Number(await div.getAttribute('data-index'));
      const { a, b } = await page.evaluate(async () => {
        const k = window.kplayViewsTest;
        const variant = await k.engine.run(k.text.replace('producer app acks=1', 'producer app acks=all'), k.options).result;
        return { a: k.report.trace, b: variant.report.trace };
      });
      assert.equal(index, firstDivergence(a, b).index);
      assert.match(await compare.getByTestId('compare-verdict-a').textContent(), /3 acknowledged records lost/);
      assert.match(await compare.getByTestId('compare-verdict-b').textContent(), /no acknowledged record lost/);
      assert.ok((await compare.locator('[data-testid="compare-summary"] tr.kv-diff').count()) >= 2);
      // Fewer lost records is better, and said so.
      assert.equal(await compare.locator('[data-testid="compare-summary"] tr', { hasText: /^lost/ }).getAttribute('data-dir'), 'better');
      // acks=all brings enable.idempotence with it (Kafka's rules): the comparison says so,
      // from the two reports' effective configurations.
      const implied = compare.getByTestId('compare-implied');
      assert.match(await implied.textContent(), /Changing acks changes \d+ more settings? with it/);
      assert.match(await implied.locator('li[data-setting="acks"]').textContent(), /acks 1 → all/);
      assert.match(await implied.locator('li[data-setting="enable.idempotence"]').textContent(), /enable\.idempotence false → true/);
      // The speed table: B's change against A, coloured by direction (more records/s is
      // better, more latency worse), from the two reports' perf figures.
      const speed = compare.getByTestId('compare-speed');
      assert.equal(await speed.locator('tbody tr').count(), 6);
      const perf = await page.evaluate(async () => {
        const k = window.kplayViewsTest;
        const variant = await k.engine.run(k.text.replace('producer app acks=1', 'producer app acks=all'), k.options).result;
        return { a: k.report.perf.total, b: variant.report.perf.total };
      });
      const want = (va, vb, sense) => (Math.abs((vb - va) / va) < 0.01 ? 'same' : Math.sign(vb - va) === sense ? 'better' : 'worse');
      assert.equal(await speed.locator('tbody tr').nth(0).getAttribute('data-dir'), want(perf.a.records_per_sec, perf.b.records_per_sec, 1));
      assert.equal(await speed.locator('tbody tr').nth(2).getAttribute('data-dir'), want(perf.a.latency_ms.avg, perf.b.latency_ms.avg, -1));
      await compare.getByTestId('compare-goto').click();
      assert.equal(await page.locator('#views').getAttribute('data-now'), await div.getAttribute('data-us'));
      await compare.screenshot({ path: `${SHOTS}/view-compare-light.png` });
    },
  },
  {
    name: 'every view in the dark theme, and stacked at phone width',
    async run({ page, url }) {
      await open(page, url, 'scenario=txn_abort_read_committed&theme=dark');
      const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.kv-panel')).backgroundColor);
      assert.equal(bg, 'rgb(26, 31, 38)', 'dark panel background');
      // acks=1 is invalid with a transactional.id: compare another seed instead.
      await page.getByTestId('compare-setting').selectOption('seed');
      await page.getByTestId('compare-run').click();
      await page.getByTestId('first-divergence').locator('h4, p').first().waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="view-charts"] canvas').length >= 7);
      for (const v of VIEWS) await checkShot(page, await page.getByTestId(`view-${v}`).screenshot({ path: `${SHOTS}/view-${v}-dark.png` }), 'dark', `the ${v} view, dark`);
      await page.setViewportSize({ width: 390, height: 800 });
      await page.waitForTimeout(200);
      const boxes = await Promise.all(['view-timeline', 'view-cluster'].map((id) => page.getByTestId(id).boundingBox()));
      assert.ok(boxes[1].y > boxes[0].y + boxes[0].height - 1, 'cluster below the timeline at phone width');
      // The timeline's lanes (a producer and three brokers) fit the phone's width: no sideways scroll.
      const tl = await page.getByTestId('view-timeline').locator('.kv-tl-scroll').evaluate((s) => ({ scroll: s.scrollWidth, width: s.clientWidth })).catch(() => null);
      assert.ok(tl && tl.scroll <= tl.width + 1, `the timeline is ${tl?.scroll}px wide in ${tl?.width}px`);
      await checkShot(page, await page.getByTestId('view-timeline').screenshot({ path: `${SHOTS}/view-timeline-phone-dark.png` }), 'dark', 'the timeline at phone width, dark');
      await shoot(page, 'views-phone-dark');
    },
  },
  {
    name: 'clear() and update() follow the contract',
    async run({ page, url }) {
      await open(page, url, 'scenario=linger_batches_records&panels=timeline,cluster');
      assert.equal(await page.getByTestId('view-producer').count(), 0, 'only the panels asked for');
      assert.equal(await page.getByTestId('view-charts').count(), 0);
      await page.evaluate(() => window.kplayViewsTest.views.clear());
      assert.ok(await page.getByTestId('scrubber').isDisabled());
      assert.equal(await page.locator('#views').getAttribute('data-now'), null);
      await page.evaluate(() => window.kplayViewsTest.views.update(window.kplayViewsTest.report));
      await page.waitForFunction(() => document.getElementById('views').dataset.snapshotAt);
      assert.ok((await page.locator('.kv-arrow').count()) > 0);
      await page.evaluate(() => window.kplayViewsTest.views.destroy());
      assert.equal(await page.locator('#views').innerHTML(), '');
    },
  },
  {
    name: 'a 10,000-record run renders and scrubs quickly',
    async run({ page, url }) {
      await open(page, url, 'big=10000');
      const f = await page.evaluate(async () => {
        const k = window.kplayViewsTest;
        const snapAt = () => new Promise((resolve) => {
          const root = document.getElementById('views');
          const mo = new MutationObserver(() => { mo.disconnect(); resolve(); });
          mo.observe(root, { attributes: true, attributeFilter: ['data-snapshot-at'] });
        });
        const out = { events: k.report.trace.length, run_ms: k.timings.run_ms, update: k.timings.update, first_snapshot_ms: k.timings.first_snapshot_ms };
        // A second update of the same report (warm).
        const snapped = snapAt();
        let t = performance.now();
        k.views.update(k.report);
        out.update_again_ms = performance.now() - t;
        // The timeline builds a long trace's items a slice per frame, after update returns.
        const timelineEl = document.querySelector('[data-testid="view-timeline"]');
        out.sliced = timelineEl.dataset.building === 'true';
        await new Promise((resolve) => { const check = () => (timelineEl.dataset.building ? setTimeout(check, 5) : resolve()); check(); });
        out.timeline_built_ms = performance.now() - t;
        await snapped;
        // Scrub steps: a jump back (replays from 0), then single steps forward (incremental).
        const range = document.querySelector('[data-testid="scrubber"]');
        const step = async (i) => {
          const t0 = performance.now();
          range.value = String(i);
          const done = snapAt();
          range.dispatchEvent(new Event('input', { bubbles: true }));
          await done;
          return performance.now() - t0;
        };
        const mid = Math.floor(Number(range.max) / 2);
        out.scrub_back_ms = await step(mid);
        const fwd = [];
        for (let i = 1; i <= 5; i++) fwd.push(await step(mid + i));
        out.scrub_forward_ms = fwd.reduce((a, b) => a + b) / fwd.length;
        out.timeline = k.views.stats().timeline;
        return out;
      });
      console.log(`     perf: ${JSON.stringify(f)}`);
      assert.ok(f.events > 50_000);
      assert.ok(f.update.total_ms < 3000, `update took ${f.update.total_ms} ms`);
      assert.ok(f.scrub_forward_ms < 1000, `a forward scrub step took ${f.scrub_forward_ms} ms`);
      assert.ok(f.timeline.drawn < 2000, 'only the visible window is drawn');
      assert.ok(f.sliced, 'a trace this long is laid out a slice per frame, after update returns');
      assert.ok(f.timeline.items > 50_000 && f.timeline.drawn > 0, `every item built, some drawn: ${JSON.stringify(f.timeline)}`);
      await page.getByTestId('view-timeline').screenshot({ path: `${SHOTS}/view-timeline-10000-records.png` });
    },
  },
];
