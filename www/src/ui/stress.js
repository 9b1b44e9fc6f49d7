// "Stress this configuration": a search for the fault schedule that breaks the promise,
// in Web Workers on every core (search-client.js), with progress and Cancel; a found
// counterexample, shrunk, opens in the editor (its comments and expect line explain it,
// the verdict shows its run) and "Back to your scenario" restores the text. The survival
// card answers, per fault kind, whether records can be lost, duplicated or reordered.
//
//   const panel = createStressPanel(root, {getText, setText, getReport})
import { fmtCount } from '../core/format.js';
import { stressSearch, surviveCard, workerCount } from '../search-client.js';
import { fill, h } from './dom.js';

const VERDICTS = ['lost', 'duplicated', 'reordered'];

function describe(v) {
  const parts = v.verdicts.map((n) =>
    n === 'lost' ? `lost ${fmtCount(v.lost)} acknowledged record(s)` : n === 'duplicated' ? `wrote ${fmtCount(v.duplicated)} duplicate(s)` : `reordered ${fmtCount(v.reordered)} record(s)`,
  );
  parts.push(...v.expectations.map((e) => `failed expect ${e}`));
  return parts.join(', ');
}

/**
 * @param {HTMLElement} root
 * @param {{getText: () => string, setText: (t: string) => void, getReport: () => object|null}} hooks
 */
export function createStressPanel(root, { getText, setText, getReport }) {
  let job = null;
  let saved = null; // the user's text while a counterexample is in the editor
  const schedules = h(
    'select',
    { 'data-testid': 'stress-schedules', 'aria-label': 'Schedules to try' },
    [200, 1000, 5000, 20000].map((n) => h('option', { value: n, selected: n === 1000 }, `${fmtCount(n)} schedules`)),
  );
  const start = h('button', { type: 'button', class: 'kp-primary', 'data-testid': 'stress', onclick: () => stress() }, 'Stress this configuration');
  const cardButton = h('button', { type: 'button', 'data-testid': 'card', onclick: () => card() }, 'Survival card');
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'data-testid': 'stress-progress', 'aria-label': 'Search progress' });
  const status = h('span', { class: 'kp-status', role: 'status', 'data-testid': 'stress-status' });
  const cancel = h('button', { type: 'button', hidden: true, 'data-testid': 'stress-cancel', onclick: () => job?.cancel() }, 'Cancel');
  const result = h('div', { class: 'kp-stress-result', 'data-testid': 'stress-result' });
  const cardBox = h('div', { class: 'kp-card', 'data-testid': 'card-result' });
  root.classList.add('kp-stress');
  root.dataset.testid = 'stress-panel';
  fill(
    root,
    h('h3', {}, 'Stress this configuration'),
    h(
      'p',
      { class: 'kp-muted' },
      `Generated fault schedules (crashes, power loss, partitions, lost messages, producer restarts) against this cluster, configuration and workload, on ${workerCount()} worker(s); the first one that breaks the promise is shrunk to a small scenario and opened in the editor.`,
    ),
    h('div', { class: 'kp-stress-bar' }, start, schedules, cardButton, progress, status, cancel),
    result,
    cardBox,
  );

  function busy(on) {
    start.disabled = on;
    cardButton.disabled = on;
    progress.hidden = !on;
    cancel.hidden = !on;
    root.dataset.busy = String(on);
  }

  function back() {
    if (saved === null) return;
    const t = saved;
    saved = null;
    setText(t);
    result.replaceChildren();
    root.dataset.outcome = 'restored';
  }

  async function stress() {
    job?.cancel();
    const text = saved ?? getText();
    const total = Number(schedules.value);
    busy(true);
    progress.value = 0;
    status.textContent = 'starting the workers…';
    result.replaceChildren();
    delete root.dataset.outcome;
    job = stressSearch(text, { schedules: total, seed: 1 }, (p) => {
      progress.value = p.ran / p.total;
      status.textContent = p.found !== null
        ? `schedule ${p.found} broke it; shrinking…`
        : `${fmtCount(p.ran)} of ${fmtCount(p.total)} schedules · ${p.workers} worker(s)`;
    });
    try {
      const { report, workers, ms } = await job.result;
      show(report, workers, ms, text);
    } catch (err) {
      root.dataset.outcome = err.message === 'cancelled' ? 'cancelled' : 'error';
      status.textContent = err.message === 'cancelled' ? 'cancelled' : `the search failed: ${err.message}`;
    } finally {
      busy(false);
      job = null;
    }
  }

  function show(report, workers, ms, original) {
    const cx = report.counterexample;
    const secs = (ms / 1000).toFixed(1);
    root.dataset.outcome = cx ? 'found' : 'survived';
    if (!cx) {
      status.textContent = `survived ${fmtCount(report.survived)} schedules in ${secs} s`;
      fill(
        result,
        h(
          'p',
          { class: 'kp-good', 'data-testid': 'stress-survived', 'data-survived': report.survived },
          `${fmtCount(report.survived)} of ${fmtCount(report.ran)} schedules kept the promise (${report.promised}): ${report.targets.length ? `nothing ${report.targets.join(', nothing ')}` : 'nothing promised can break'}${report.checked_expectations.length ? ', every expect line held' : ''} (${workers} workers, ${secs} s).`,
          report.unsettled ? ` ${report.unsettled} run(s) never settled (schedule ${report.first_unsettled} first): a simulator problem worth reporting.` : '',
        ),
      );
      return;
    }
    status.textContent = `schedule ${cx.schedule} broke it (${secs} s)`;
    const st = cx.shrink;
    saved = original;
    fill(
      result,
      h(
        'p',
        { class: 'kp-bad', 'data-testid': 'stress-found', 'data-schedule': cx.schedule, 'data-verified': cx.verified },
        h('strong', {}, `Schedule ${cx.schedule} ${describe(cx.violation)}`),
        cx.violation.breaks_promise ? ` — it breaks the promise (${report.promised}).` : '.',
        ` Shrunk in ${st.runs} runs to ${st.faults_after} fault(s), ${st.records_after} record(s), ${st.brokers_after} broker(s); it is in the editor now${cx.verified ? ', and its own run shows it' : ''}.`,
      ),
      cx.explanations.length ? h('ul', { class: 'kp-stress-why' }, cx.explanations.map((e) => h('li', {}, e))) : null,
      h('button', { type: 'button', 'data-testid': 'stress-back', onclick: back }, 'Back to your scenario'),
    );
    setText(cx.text);
  }

  async function card() {
    job?.cancel();
    const text = saved ?? getText();
    busy(true);
    progress.value = 0;
    status.textContent = 'answering each fault kind by search…';
    cardBox.replaceChildren();
    job = surviveCard(text, { schedules: 60, seed: 1 }, (p) => (progress.value = p));
    try {
      const { card: c, ms } = await job.result;
      status.textContent = `survival card: ${c.rows.reduce((a, r) => a + r.schedules, 0)} schedules in ${(ms / 1000).toFixed(1)} s`;
      renderCard(c);
    } catch (err) {
      status.textContent = err.message === 'cancelled' ? 'cancelled' : `the card failed: ${err.message}`;
    } finally {
      busy(false);
      job = null;
    }
  }

  function renderCard(c) {
    const cell = (row, v) => {
      const f = row[v];
      if (!row.applicable) return h('td', { 'data-verdict': v, 'data-value': 'n/a' }, 'n/a');
      if (!f) return h('td', { 'data-verdict': v, 'data-value': 'no', class: 'kp-good' }, 'no');
      return h(
        'td',
        { 'data-verdict': v, 'data-value': 'yes', class: 'kp-bad' },
        h('button', { type: 'button', class: 'kp-link', title: 'open this schedule in the editor', onclick: () => openFinding(f.text) }, `yes (${fmtCount(f.count)})`),
      );
    };
    fill(
      cardBox,
      h('h4', {}, `Survival card (promised ${c.promised}; up to ${c.schedules_per_row} schedules per fault kind)`),
      h(
        'table',
        { class: 'kp-card-table', 'data-testid': 'card-table' },
        h('thead', {}, h('tr', {}, ['fault', ...VERDICTS, 'the promise allows'].map((t) => h('th', {}, t)))),
        h(
          'tbody',
          {},
          c.rows.map((r) =>
            h(
              'tr',
              { 'data-kind': r.kind },
              h('td', { title: r.description }, r.kind),
              VERDICTS.map((v) => cell(r, v)),
              h('td', { class: 'kp-muted' }, r.promise_allows.join(', ') || '—'),
            ),
          ),
        ),
      ),
    );
  }

  function openFinding(text) {
    if (saved === null) saved = getText();
    setText(text);
    fill(result, h('button', { type: 'button', 'data-testid': 'stress-back', onclick: back }, 'Back to your scenario'));
  }

  return {
    cancel: () => job?.cancel(),
    /** The promise the last report shows, for the button's tooltip. */
    refresh() {
      const r = getReport();
      start.title = r ? `search for a schedule that breaks ${r.guarantee.promised}` : '';
    },
  };
}
