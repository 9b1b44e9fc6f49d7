// The views' own test page (www/views-test.html, built with the site but not linked from
// it): runs one scenario through createEngine() and mounts the run views, so they can be
// tried and tested before the playground shell integrates them. URL parameters:
//
//   scenario=NAME   a fixture from tests/scenarios/NAME.kplay (default acks1_leader_failover_loss)
//   text=...        an inline scenario text instead (URL-encoded)
//   big=N           a generated N-record run (one record per request, a leader crash): perf
//   panels=a,b      which views to mount (default all)
//   theme=dark|light  sets <html data-theme>
//
// window.kplayViewsTest = {views, report, text, options, timings} for the end-to-end tests;
// body[data-ready] is set once the first snapshot is drawn (or on failure, with the error
// in #status).
import { applyTheme } from '../ui/theme.js';
import { createEngine } from '../engine-client.js';
import { mountViews } from './index.js';

const fixtures = Object.fromEntries(
  Object.entries(import.meta.glob('../../../tests/scenarios/*.kplay', { query: '?raw', import: 'default', eager: true }))
    .map(([path, text]) => [path.split('/').pop().replace(/\.kplay$/, ''), text]),
);

const params = new URLSearchParams(location.search);
const status = document.getElementById('status');
const picker = /** @type {HTMLSelectElement} */ (document.getElementById('fixture'));
const themeBtn = document.getElementById('theme');

applyTheme(document.documentElement, params.get('theme'));
themeBtn.addEventListener('click', () => {
  applyTheme(document.documentElement, document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
});

/** A scenario with `n` records, one per Produce request, and a leader crash half way. */
export function bigScenario(n) {
  const ms = n * 2;
  return [
    `# ${n} records, one per request (linger.ms=0, a send every 2ms), acks=all, a leader crash.`,
    'seed 7',
    'brokers 3',
    'topic orders partitions=3 replication.factor=3',
    'producer app acks=all linger.ms=0',
    'network latency=500us',
    `at 0ms app send orders count=${n} every=2ms key=user-{i%50}`,
    `at ${Math.round(ms / 4)}ms crash broker-2`,
    `at ${Math.round(ms / 4) + 10000}ms restart broker-2`,
    '',
  ].join('\n');
}

async function main() {
  const chosen = params.get('scenario') ?? 'acks1_leader_failover_loss';
  const big = Number(params.get('big')) || 0;
  const text = params.get('text') ?? (big ? bigScenario(big) : fixtures[chosen]);
  for (const name of Object.keys(fixtures).sort()) picker.append(new Option(name, name, false, name === chosen && !big && !params.get('text')));
  if (big) picker.append(new Option(`generated: ${big} records`, '', true, true));
  picker.addEventListener('change', () => {
    const next = new URLSearchParams(params);
    next.delete('text');
    next.delete('big');
    next.set('scenario', picker.value);
    location.search = next.toString();
  });
  if (text == null) throw new Error(`no fixture named '${chosen}'`);

  const engine = createEngine();
  await engine.ready;
  const options = { records: true, trace: true };
  const panels = params.get('panels')?.split(',').filter(Boolean);
  const root = document.getElementById('views');
  const api = {
    engine,
    getText: () => text,
    getOptions: () => options,
    runVariant: (variant) => engine.run(variant, options).result,
  };
  const views = mountViews(root, api, { panels });
  const timings = {};
  const testApi = { views, text, options, timings, engine, report: null };
  /** @type {Window & {kplayViewsTest?: typeof testApi}} */ (window).kplayViewsTest = testApi;

  status.textContent = 'running…';
  let t = performance.now();
  const outcome = await engine.run(text, options).result;
  timings.run_ms = performance.now() - t;
  if (!outcome.ok) throw new Error(outcome.errors.map((d) => `${d.line}:${d.column}: ${d.message}`).join('; '));
  testApi.report = outcome.report;

  t = performance.now();
  views.update(outcome.report);
  timings.update_ms = performance.now() - t;
  timings.update = views.stats().update;
  await new Promise((resolve) => {
    if (!panels || panels.some((p) => p === 'cluster' || p === 'producer')) {
      const mo = new MutationObserver(() => root.dataset.snapshotAt && (mo.disconnect(), resolve()));
      mo.observe(root, { attributes: true, attributeFilter: ['data-snapshot-at'] });
    } else resolve();
  });
  timings.first_snapshot_ms = performance.now() - t;
  const s = outcome.report.summary;
  status.textContent = `${outcome.report.trace.length.toLocaleString('en-US')} trace events · sent ${s.sent} · acked ${s.acked} · lost ${s.lost} · run ${Math.round(timings.run_ms)} ms · views ${Math.round(timings.update_ms)} ms`;
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  status.textContent = `failed: ${err.message ?? err}`;
  document.body.dataset.ready = 'error';
  console.error(err);
});
