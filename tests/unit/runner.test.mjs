// The runner (www/src/core/runner.js) with a stand-in engine that records its calls: a
// preset's precomputed run is shown without asking the engine; any other text, or a
// precomputed lookup that finds nothing, runs in the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRunner } from '../../www/src/core/runner.js';

function fakeEngine() {
  const runs = [];
  return {
    runs,
    run(text, options) {
      runs.push({ text, options });
      return { result: Promise.resolve({ ok: true, report: { from: 'engine', text } }), cancel() {} };
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

test('a precomputed run is shown without the engine; other texts run in it', async () => {
  const engine = fakeEngine();
  const states = [];
  const asked = [];
  const precomputed = (text, options) => {
    asked.push(options);
    return text === 'preset' ? Promise.resolve({ from: 'build' }) : text === 'gone' ? Promise.resolve(null) : null;
  };
  const runner = createRunner(engine, { precomputed }, (s) => states.push(s));
  await runner.runNow('preset');
  await settle();
  const done = states.filter((s) => s.phase === 'done');
  assert.equal(done.length, 1);
  assert.deepEqual(done[0].report, { from: 'build' });
  assert.equal(done[0].precomputed, true);
  assert.equal(engine.runs.length, 0, 'the engine was not asked');
  assert.deepEqual(asked[0], { records: true, trace: true }, 'looked up with the options a run of it uses');

  for (const text of ['gone', 'edited']) {
    await runner.runNow(text);
    await settle();
  }
  assert.deepEqual(engine.runs.map((r) => r.text), ['gone', 'edited']);
  assert.deepEqual(states.filter((s) => s.phase === 'done').map((s) => [s.report.from, !!s.precomputed]), [
    ['build', true],
    ['engine', false],
    ['engine', false],
  ]);
});

test('a newer run wins over a precomputed lookup still on its way', async () => {
  const engine = fakeEngine();
  const states = [];
  let release;
  const slow = new Promise((r) => (release = r));
  const runner = createRunner(engine, { precomputed: (text) => (text === 'preset' ? slow : null) }, (s) => states.push(s));
  const first = runner.runNow('preset');
  await runner.runNow('edited');
  release({ from: 'build' });
  await first;
  await settle();
  assert.deepEqual(states.filter((s) => s.phase === 'done').map((s) => s.report.from), ['engine']);
});

test("Cancel during a paged run's transfer stops the copying and keeps its verdict ('stopped')", async () => {
  let cancelled = 0;
  const engine = {
    run(text, options, onProgress, onHead) {
      // The worker sends the verdict first; the records would follow (never, here).
      setTimeout(() => onHead({ ok: true, report: { paged: { records: 300000, trace: 900000 } } }), 0);
      return { result: new Promise(() => {}), cancel: () => (cancelled += 1) };
    },
  };
  const states = [];
  const runner = createRunner(engine, {}, (s) => states.push(s));
  runner.runNow('big');
  await settle();
  const head = states.at(-1);
  assert.equal(head.phase, 'done');
  assert.equal(head.transferring, true, 'the verdict is shown while the records are on their way');
  assert.equal(runner.running, true);
  runner.cancel();
  assert.equal(cancelled, 1, "the engine's job is cancelled");
  assert.equal(states.at(-1).phase, 'stopped');
  assert.equal(runner.running, false);
  // A run cancelled before its verdict is 'cancelled', as before.
  runner.runNow('again');
  runner.cancel();
  assert.equal(states.at(-1).phase, 'cancelled');
});
