// Segment files as kafka-dump-log.sh prints them, from the engine (Session.dump through the
// worker's 'dump' request): the cluster view's segment list opens a segment's dump at the
// scrubbed moment (CRCs, record lines, the 78-byte COMMIT marker, --print-data-log on
// demand), and a record's journey says where its copies are on disk and dumps its batch.
// Also the parsing the journey does on a dump (plain Node) and the engine's errors.
import assert from 'node:assert/strict';
import { batchInDump, recordLineFits } from '../../www/src/core/disk.js';
import { openPlayground } from './helpers.mjs';

// kafka-dump-log.sh --deep-iteration's batch line, field by field (DumpLogSegments).
const BATCH_LINE =
  /^baseOffset: (\d+) lastOffset: (\d+) count: (\d+) baseSequence: (-?\d+) lastSequence: (-?\d+) producerId: (-?\d+) producerEpoch: (-?\d+) partitionLeaderEpoch: (\d+) isTransactional: (true|false) isControl: (true|false) deleteHorizonMs: OptionalLong(?:\.empty|\[\d+\]) position: (\d+) (?:CreateTime|LogAppendTime): (-?\d+) size: (\d+) magic: 2 compresscodec: (none|gzip|snappy|lz4|zstd) crc: (\d+) isvalid: true$/;

/** Clicks the cell of the record at `index` in the grid. */
async function clickCell(page, index) {
  const grid = page.getByTestId('record-grid');
  const { columns, pitch } = await grid.evaluate((c) => ({ columns: Number(c.dataset.columns), pitch: Number(c.dataset.pitch) }));
  await grid.scrollIntoViewIfNeeded();
  await grid.click({ position: { x: (index % columns) * pitch + pitch / 2 - 1, y: Math.floor(index / columns) * pitch + pitch / 2 - 1 } });
}

/** The playground on the committed-transaction preset, its views at the end of the run. */
async function openTxn(page, url) {
  await openPlayground(page, url, '#preset=txn-commit');
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-testid="views-root"]');
    return root?.dataset.snapshotAt && root.dataset.snapshotAt === root.dataset.now;
  });
  return page.evaluate(() => document.querySelector('.kp-app').kplayApp.report);
}

export const tests = [
  {
    name: 'a segment file opens as kafka-dump-log prints it: CRCs, record lines, the COMMIT marker, and keys and payloads on demand',
    async run({ page, url }) {
      const report = await openTxn(page, url);
      const p = report.partitions.find((x) => x.topic === 'orders' && x.partition === 0);
      const state = p.replica_states.find((r) => r.broker === p.leader);
      const seg = state.segments[0];
      assert.ok(seg.batches >= 2, 'records and a marker in the first segment');
      const replica = page.locator(`[data-testid="replica"][data-tp="orders-0"][data-broker="broker-${p.leader}"]`);
      await replica.locator('[data-testid="segments"] > summary').click();
      const file = replica.locator(`[data-testid="segment-file"][data-base="${seg.base_offset}"]`);
      await file.locator('summary').click();
      const pre = file.getByTestId('dump');
      await page.waitForFunction((el) => el.dataset.state === 'done', await pre.elementHandle());
      const text = await pre.textContent();
      const name = String(seg.base_offset).padStart(20, '0');
      const lines = text.split('\n');
      assert.equal(lines[0], `Dumping /var/lib/kafka/data/orders-0/${name}.log`);
      assert.equal(lines[1], `Log starting offset: ${seg.base_offset}`);
      // Every batch line is Kafka's, with a CRC; the batches fill the file the report sizes.
      const batches = lines.filter((l) => l.startsWith('baseOffset: '));
      assert.equal(batches.length, seg.batches, 'one line per batch of the segment');
      let pos = 0;
      for (const line of batches) {
        const m = BATCH_LINE.exec(line);
        assert.ok(m, `a kafka-dump-log batch line: ${line}`);
        assert.match(line, / crc: \d+ isvalid: true$/);
        assert.equal(Number(m[11]), pos, `positions add up the sizes before: ${line}`);
        pos += Number(m[13]);
      }
      assert.equal(pos, seg.size, 'the batches fill the .log file');
      // The transaction's records, then its COMMIT marker: a 78-byte control batch.
      const marker = lines.findIndex((l) => l.includes(' isControl: true '));
      assert.ok(marker > 0, 'a control batch');
      assert.match(lines[marker], / isTransactional: true isControl: true .* size: 78 /);
      assert.match(lines[marker + 1], /^\| offset: \d+ CreateTime: \d+ keySize: 4 valueSize: 6 sequence: -1 headerKeys: \[\] endTxnMarker: COMMIT coordinatorEpoch: 0$/);
      const records = lines.filter((l) => l.startsWith('| offset: ') && !l.includes('endTxnMarker'));
      assert.equal(records.length, seg.records, 'a record line per record');
      assert.match(records[0], /^\| offset: \d+ CreateTime: \d+ keySize: 2 valueSize: \d+ sequence: \d+ headerKeys: \[\]$/);
      assert.doesNotMatch(text, / payload: /, 'no data without --print-data-log');
      assert.match(text, new RegExp(`^Dumping /var/lib/kafka/data/orders-0/${name}\\.index$`, 'm'));
      assert.match(text, new RegExp(`^Dumping /var/lib/kafka/data/orders-0/${name}\\.timeindex$`, 'm'));
      // kplay's notes sit outside Kafka's lines: a note above, a tooltip on batch lines.
      assert.match(await file.getByTestId('dump-notes').textContent(), /^kplay: batches by app \(\d+\)/);
      assert.equal(await pre.locator('.kv-dump-batch').first().getAttribute('title'), 'written by app');
      assert.equal(await pre.locator('.kv-dump-batch').count(), seg.batches);
      // "print data" asks again with --print-data-log: the same lines, with keys and payloads.
      await file.getByTestId('dump-data').check();
      await page.waitForFunction((el) => el.dataset.state === 'done' && el.dataset.data === 'true', await pre.elementHandle());
      const withData = (await pre.textContent()).split('\n');
      assert.equal(withData.filter((l) => l.startsWith('baseOffset: ')).join('\n'), batches.join('\n'), 'the batch lines do not change');
      const first = withData.find((l) => l.startsWith('| offset: ') && !l.includes('endTxnMarker'));
      assert.ok(first.startsWith(`${records[0]} key: k`), first);
      assert.match(first, / payload: \{"id":\d+,/);
      await file.screenshot({ path: 'test-results/e2e/dump-cluster-segment.png' });
    },
  },
  {
    name: 'a record\'s journey says which segment file holds each copy on disk, and dumps its batch with its line marked',
    async run({ page, url }) {
      const report = await openTxn(page, url);
      const rec = report.records.find((r) => r.outcome === 'delivered' && r.copies.length === 1);
      await clickCell(page, report.records.indexOf(rec));
      await page.waitForFunction((id) => document.querySelector('[data-testid="journey"]')?.dataset.record === String(id), rec.id);
      const disk = page.getByTestId('on-disk');
      await disk.waitFor();
      const tp = `orders-${rec.partition}`;
      const p = report.partitions.find((x) => x.topic === 'orders' && x.partition === rec.partition);
      const offset = rec.copies[0];
      const rows = disk.getByTestId('disk-copy');
      // Every replica in the ISR has the copy (replication factor 3, no faults).
      assert.deepEqual(await rows.evaluateAll((ls) => ls.map((l) => Number(l.dataset.broker)).sort()), [...p.isr].sort());
      for (const r of p.replica_states) {
        const row = disk.locator(`[data-testid="disk-copy"][data-broker="${r.broker}"]`);
        const seg = r.segments.find((s) => s.base_offset <= offset && offset < s.end_offset);
        assert.equal(await row.getAttribute('data-offset'), String(offset));
        assert.equal(await row.getByTestId('disk-file').textContent(), `${String(seg.base_offset).padStart(20, '0')}.log`);
      }
      const row = disk.locator(`[data-testid="disk-copy"][data-broker="${p.leader}"]`);
      assert.match(await row.textContent(), /the final log/);
      await row.getByRole('button', { name: `Dump the batch of offset ${offset} on broker-${p.leader}` }).click();
      const pre = row.getByTestId('disk-dump');
      await pre.waitFor();
      const lines = (await pre.textContent()).split('\n');
      const m = BATCH_LINE.exec(lines[0]);
      assert.ok(m, `the batch line: ${lines[0]}`);
      assert.ok(Number(m[1]) <= offset && offset <= Number(m[2]), `the batch holds offset ${offset}: ${lines[0]}`);
      assert.equal(m[9], 'true', 'a transactional batch');
      assert.equal(lines.length, 1 + Number(m[3]), 'the batch line and one line per record');
      assert.ok(lines.slice(1).every((l) => l.startsWith('| offset: ')));
      const hit = await row.getByTestId('disk-hit').textContent();
      assert.ok(hit.startsWith(`| offset: ${offset} CreateTime: ${rec.timestamp} keySize: ${rec.key.length} `), hit);
      assert.equal(await row.getAttribute('data-position'), m[11]);
      const caption = await row.getByTestId('disk-status').textContent();
      assert.match(caption, new RegExp(`^batch at position ${m[11]} of /var/lib/kafka/data/${tp}/\\d{20}\\.log`));
      assert.doesNotMatch(caption, /Not this record/);
      // With data: the same batch, the record's key on its line.
      await disk.getByTestId('disk-data').check();
      await page.waitForFunction((el) => el.querySelector('mark')?.textContent.includes(' key: '), await pre.elementHandle());
      assert.match(await row.getByTestId('disk-hit').textContent(), new RegExp(` key: ${rec.key} payload: \\{"id":${rec.id},`));
      await page.getByTestId('journey').screenshot({ path: 'test-results/e2e/dump-journey-on-disk.png' });
    },
  },
  {
    name: 'an aborted transaction\'s batches: Kafka\'s lines as they are, kplay\'s notes beside them',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=txn-abort');
      await page.waitForFunction(() => {
        const root = document.querySelector('[data-testid="views-root"]');
        return root?.dataset.snapshotAt && root.dataset.snapshotAt === root.dataset.now;
      });
      const replica = page.locator('[data-testid="replica"][data-tp="orders-0"]').first();
      await replica.locator('[data-testid="segments"] > summary').click();
      const file = replica.getByTestId('segment-file').first();
      await file.locator('summary').click();
      const pre = file.getByTestId('dump');
      await page.waitForFunction((el) => el.dataset.state === 'done', await pre.elementHandle());
      const lines = (await pre.textContent()).split('\n').filter((l) => l.startsWith('baseOffset: '));
      const marker = lines.pop();
      assert.match(marker, / isTransactional: true isControl: true .* size: 78 /);
      assert.ok(lines.length > 0 && lines.every((l) => BATCH_LINE.test(l) && / isTransactional: true isControl: false /.test(l)), 'the aborted batches, as Kafka prints them');
      const last = Number(BATCH_LINE.exec(lines[lines.length - 1])[2]);
      assert.equal(await file.getByTestId('dump-notes').textContent(), `kplay: batches by app (${lines.length}) · aborted (dimmed): offsets 0–${last}. Hover a batch line for its producer.`);
      assert.deepEqual(await pre.locator('.kv-dump-batch').evaluateAll((s) => s.map((x) => x.title)), [
        ...lines.map(() => 'written by app; aborted (its transaction was aborted)'),
        'written by app; ABORT marker',
      ]);
      // The record grid: an aborted record has no copy in the final log.
      await clickCell(page, 0);
      assert.match(await page.getByTestId('on-disk').textContent(), /No copy in the final log.*An aborted record stays in the log/);
    },
  },
  {
    name: 'a record with no copy in the final log has nothing on disk to dump',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks1-leader-failover');
      await page.waitForFunction(() => document.querySelector('[data-testid="record-grid"]')?.dataset.count === '400');
      await clickCell(page, 228); // lost: truncated away
      await page.waitForFunction(() => document.querySelector('[data-testid="journey"]')?.dataset.record === '228');
      assert.match(await page.getByTestId('on-disk').textContent(), /No copy in the final log/);
      assert.equal(await page.getByTestId('disk-copy').count(), 0);
    },
  },
  {
    name: 'the engine\'s dump request rejects with the engine\'s message for a missing partition, replica or segment',
    async run({ page, url }) {
      await page.goto(new URL('views-test.html?scenario=acks1_leader_failover_loss&panels=timeline', url).href);
      await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 25_000 });
      const out = await page.evaluate(async () => {
        const { engine, text, options, report } = window.kplayViewsTest;
        const t = report.end_time_us;
        const ask = (req) => engine.dumpAt(text, options, t, req).then((s) => `ok: ${s.split('\n')[0]}`, (e) => `error: ${e.message}`);
        return {
          all: await ask({ tp: 'orders-0', broker: 2 }),
          tp: await ask({ tp: 'nope-0', broker: 1, base: 0 }),
          broker: await ask({ tp: 'orders-0', broker: 9, base: 0 }),
          base: await ask({ tp: 'orders-0', broker: 2, base: 7 }),
          text: await engine.dumpAt('producer app\nat 0ms app send nowhere\n', options, 0, { tp: 'orders-0', broker: 1 }).then(() => 'ok', (e) => `error: ${e.message}`),
        };
      });
      assert.equal(out.all, 'ok: Dumping /var/lib/kafka/data/orders-0/00000000000000000000.log');
      assert.equal(out.tp, 'error: the run has no partition nope-0');
      assert.match(out.broker, /^error: broker-9 holds no replica of orders-0/);
      assert.match(out.base, /^error: orders-0 on broker-2 has no segment with base offset 7; its segments start at 0/);
      assert.match(out.text, /^error: the scenario text has \d+ error\(s\): \d+:\d+: /);
    },
  },
  {
    name: 'finding a record\'s batch in a dump, and telling another record at its offset (unit)',
    async run() {
      const dump = [
        'Dumping /var/lib/kafka/data/orders-0/00000000000000000000.log',
        'Log starting offset: 0',
        'baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 0 lastSequence: 1 producerId: 0 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000010 size: 300 magic: 2 compresscodec: none crc: 1 isvalid: true',
        '| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 100 sequence: 0 headerKeys: []',
        '| offset: 1 CreateTime: 1700000000010 keySize: 2 valueSize: 100 sequence: 1 headerKeys: []',
        'baseOffset: 2 lastOffset: 2 count: 1 baseSequence: 2 lastSequence: 2 producerId: 0 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 300 CreateTime: 1700000000020 size: 150 magic: 2 compresscodec: none crc: 2 isvalid: true',
        '| offset: 2 CreateTime: 1700000000020 keySize: -1 valueSize: 100 sequence: 2 headerKeys: []',
        'Dumping /var/lib/kafka/data/orders-0/00000000000000000000.index',
        'offset: 2 position: 300',
        'Dumping /var/lib/kafka/data/orders-0/00000000000000000000.timeindex',
        '',
      ].join('\n');
      const b = batchInDump(dump, 1);
      assert.equal(b.path, '/var/lib/kafka/data/orders-0/00000000000000000000.log');
      assert.deepEqual([b.baseOffset, b.lastOffset, b.position, b.lines.length, b.hit], [0, 1, 0, 3, 2]);
      assert.equal(batchInDump(dump, 2).position, 300);
      assert.equal(batchInDump(dump, 2).lines.length, 2, 'stops at the next non-record line');
      assert.equal(batchInDump(dump, 3), null);
      const rec = { key: 'k1', timestamp: 1700000000010, timestamp_type: 'CreateTime' };
      assert.equal(recordLineFits(b.lines[2], rec), true);
      assert.equal(recordLineFits(b.lines[1], rec), false, 'another CreateTime');
      assert.equal(recordLineFits(b.lines[2], { ...rec, key: 'key-1' }), false, 'another key size');
      assert.equal(recordLineFits(batchInDump(dump, 2).lines[1], { key: null, timestamp: 1700000000020, timestamp_type: 'CreateTime' }), true);
    },
  },
];
