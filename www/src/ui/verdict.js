// The verdict banner: what the configuration promises (report.guarantee, with its
// reasons; under it, each consumer group or pipeline that broke its own promise), kept
// apart from what this run did to the records (delivered, lost, duplicated, reordered,
// phantom, aborted, failed, pending; a clean run is "clean", never "exactly-once": one
// run proves no guarantee; after an edit each count that moved says what it was; with
// consumer groups and pipelines also reprocessed, skipped, pipeline lost and pipeline
// duplicated), how the run ended when there is something to say (report.notes: a budget
// that stopped it, timeline lines it never reached), each `expect` line held or not (an
// edited preset's own expect lines are its lesson: one the edit moved is shown as the
// experiment's result, ↺, not as a failure), the
// errors the application saw, and the simulator's plain-language explanation of each
// anomaly. Explanations name records; clicking one opens its journey (onRecord).
import { fmtCount, fmtUs } from '../core/format.js';
import { brokenPromises, exactlyOnceReprocessed, observedOutcome, outcomeShown, OUTCOMES, promiseOf } from '../core/semantics.js';
import { fill, h } from './dom.js';

/** Expectations with `lesson: true` on each line that is one of the preset's own `expect`
 * lines, unchanged (when the text is an edited preset). */
export function markLesson(list, lesson) {
  if (!lesson) return list;
  const norm = (l) => l.replace(/#.*$/, '').trim().replace(/\s+/g, ' ');
  const own = new Set(lesson.text.split('\n').map(norm).filter((l) => l.startsWith('expect ')));
  return list.map((e) => (own.has(norm(`expect ${e.text}`)) ? { ...e, lesson: true } : e));
}

/** A clause value as written: latencies are kept in microseconds, decimals in thousandths. */
function clauseValue(c, v) {
  if (c.unit === 'us') return fmtUs(v);
  if (c.unit === 'milli') return String(v / 1000);
  return String(v);
}

const KIND_LABEL = {
  lost: 'LOST', duplicated: 'DUPLICATED', reordered: 'REORDERED', phantom: 'PHANTOM', aborted: 'ABORTED',
  failed: 'FAILED', pending: 'PENDING', deduplicated: 'DEDUPLICATED', reprocessed: 'REPROCESSED', skipped: 'SKIPPED',
  pipeline_lost: 'PIPELINE LOST', pipeline_duplicated: 'PIPELINE DUPLICATED',
};

/**
 * @param {HTMLElement} root
 * @param {{onRecord?: (id: number) => void, onLine?: (line: number) => void}} hooks
 */
export function createVerdict(root, { onRecord, onLine } = {}) {
  root.classList.add('kp-verdict');
  root.dataset.testid = 'verdict';
  let runs = 0;

  function render(...children) {
    fill(root, ...children);
  }

  /** The counts; where `before` (the previous run of the same scenario, edited) had
   * another figure, the card says what it was. */
  function counts(report, before) {
    const summary = report.summary;
    // Reprocessing by exactly_once_v2 pipelines alone is their recovery, not a flaw: the
    // card says so instead of standing out.
    const eos = exactlyOnceReprocessed(report);
    return h(
      'dl',
      { class: 'kp-counts', 'data-testid': 'summary' },
      OUTCOMES.filter((o) => outcomeShown(o, report, before)).map(({ key, label, help }) => {
        const was = before && before[key] !== summary[key] ? before[key] : null;
        const benign = key === 'reprocessed' && eos > 0 && eos === summary[key];
        if (benign) help += `; here all by exactly_once_v2 pipelines after an aborted transaction, whose first outputs are never readable`;
        return h(
          'div',
          { class: 'kp-count', 'data-outcome': key, 'data-testid': `verdict-${key}`, 'data-value': summary[key], 'data-zero': summary[key] === 0, 'data-benign': benign || undefined, 'data-was': was ?? undefined, title: help },
          h('dt', {}, label),
          // Long figures (1,000,000) step down a size so they fit the card.
          h('dd', { class: countSize(fmtCount(summary[key])) }, fmtCount(summary[key])),
          was !== null ? h('span', { class: 'kp-was', 'data-testid': 'was' }, `was ${fmtCount(was)}`) : null,
        );
      }),
    );
  }

  /** `lesson`: the title of the preset this text was edited from, when some expect lines
   * are still the preset's own: those state what the preset teaches with its settings, so
   * one that no longer holds after the user's change is the experiment's result, not a
   * failure (shown apart, not in red). */
  function expectations(list, lesson) {
    if (!list.length) return h('p', { class: 'kp-muted', 'data-testid': 'expectations', 'data-count': 0 }, 'No expect lines in this scenario.');
    const held = list.filter((e) => e.held).length;
    const all = held === list.length;
    const changed = list.filter((e) => !e.held && e.lesson);
    const failed = list.length - held - changed.length;
    const title = all
      ? `Expectations: all ${list.length} held`
      : failed
        ? `Expectations: ${failed} of ${list.length} failed${changed.length ? `; ${changed.length} of the preset's no longer hold${changed.length === 1 ? 's' : ''} after your change` : ''}`
        : `Expectations: your change moved ${changed.length === 1 ? 'the outcome the preset teaches' : `${changed.length} outcomes the preset teaches`}`;
    return h(
      'section',
      { class: 'kp-expectations', 'data-testid': 'expectations', 'data-all-held': all, 'data-failed': failed, 'data-lesson-changed': changed.length, 'data-count': list.length, 'aria-label': 'Expectations' },
      h('h3', {}, title),
      changed.length
        ? h('p', { class: 'kp-lesson-note', 'data-testid': 'lesson-note' }, `The lines marked ↺ are the lesson of “${lesson}”: they hold with the preset's own settings. Yours give another outcome, which is the point of changing them.`)
        : null,
      h(
        'ul',
        {},
        list.map((e) => {
          const lessonMoved = !e.held && e.lesson;
          return h(
            'li',
            { 'data-held': e.held, 'data-lesson': !!e.lesson, 'data-line': e.line, class: e.held ? 'kp-good' : lessonMoved ? 'kp-lesson' : 'kp-bad' },
            h('span', { class: 'kp-mark', 'aria-label': e.held ? 'held' : lessonMoved ? "the preset's lesson, moved by your change" : 'failed' }, e.held ? '✓' : lessonMoved ? '↺' : '✗'),
            h('button', { class: 'kp-link kp-code', type: 'button', title: `line ${e.line}: show it in the editor`, onclick: () => onLine?.(e.line) }, `expect ${e.text}`),
            e.held ? null : h('span', { class: 'kp-actual' }, lessonMoved ? ' now ' : ' got ', e.clauses.filter((c) => !c.held).map((c) => `${c.name}=${clauseValue(c, c.actual)}`).join(', ')),
          );
        }),
      ),
    );
  }

  function explanations(list) {
    if (!list.length) return null;
    return h(
      'section',
      { class: 'kp-explanations', 'data-testid': 'explanations', 'aria-label': 'What happened' },
      h('h3', {}, 'What happened'),
      h(
        'ul',
        {},
        list.map((x) =>
          h(
            'li',
            { 'data-kind': x.kind },
            h('span', { class: `kp-tag kp-tag-${x.kind}` }, KIND_LABEL[x.kind] ?? x.kind.toUpperCase()),
            ' ',
            h('span', {}, x.text),
            ' ',
            x.records.length && onRecord ? h('button', { class: 'kp-link', type: 'button', onclick: () => onRecord?.(x.records[0]) }, `journey of record ${x.records[0]}`) : null,
          ),
        ),
      ),
    );
  }

  function promise(g) {
    if (!g) return null;
    const p = promiseOf(g);
    const others = brokenPromises(g);
    return h(
      'div',
      { class: 'kp-promise', 'data-testid': 'promise', 'data-level': p.level, 'data-broken': p.broken, 'data-beyond': p.beyond.length > 0 },
      h('span', { class: 'kp-label' }, 'promised '),
      h('strong', {}, p.label),
      h('span', {}, ` ${p.detail}`),
      // A consumer group or pipeline that broke its own promise, under the producers'.
      others.length ? h('ul', { class: 'kp-broken', 'data-testid': 'broken-promises' }, others.map((t) => h('li', { class: 'kp-bad' }, h('span', { class: 'kp-mark' }, '✗'), ` ${t}`))) : null,
      h(
        'details',
        { class: 'kp-reasons' },
        h('summary', {}, 'why'),
        h(
          'ul',
          { 'data-testid': 'reasons' },
          g.reasons.map((r) =>
            h(
              'li',
              { 'data-holds': r.holds, 'data-property': r.property, class: r.holds ? 'kp-good' : 'kp-bad' },
              h('span', { class: 'kp-mark' }, r.holds ? '✓' : '✗'),
              ` ${r.property}: ${r.text}`,
              r.fails_under.length ? h('span', { class: 'kp-muted' }, ` (fails under: ${r.fails_under.join(', ')})`) : null,
            ),
          ),
        ),
      ),
    );
  }

  function runNotes(report) {
    const notes = report.notes ?? [];
    if (!notes.length) return null;
    return h(
      'ul',
      { class: 'kp-notes', 'data-testid': 'run-notes', 'data-ended-by': report.ended_by, 'aria-label': 'How the run ended' },
      notes.map((n) => h('li', {}, n)),
    );
  }

  function errorsLine(report) {
    const entries = Object.entries(report.errors ?? {});
    const responses = Object.entries(report.responses ?? {});
    if (!entries.length && !responses.length) return null;
    return h(
      'p',
      { class: 'kp-errors', 'data-testid': 'errors' },
      entries.length ? ['Callbacks got: ', entries.map(([k, v]) => `${k} ×${v}`).join(', ')] : null,
      entries.length && responses.length ? ' · ' : null,
      responses.length ? ['brokers answered: ', responses.map(([k, v]) => `${k} ×${v}`).join(', ')] : null,
    );
  }

  let lastSummary = null;
  return {
    /** `fresh`: a new scenario (a preset, a link), not an edit of the last one: no "was".
     * `lesson`: {title, text} of the preset this text was edited from (null when it is not
     * an edited preset): its expect lines still in the text are the preset's lesson. */
    update(report, { fresh = false, lesson = null } = {}) {
      runs += 1;
      delete root.dataset.stale;
      const before = fresh ? null : lastSummary;
      lastSummary = report.summary;
      const s = report.summary;
      const sem = observedOutcome(s, report);
      root.dataset.state = 'done';
      root.dataset.run = String(runs);
      root.dataset.semantics = sem.kind;
      root.dataset.endedBy = report.ended_by;
      render(
        promise(report.guarantee),
        h('div', { class: 'kp-semantics', 'data-testid': 'semantics', 'data-kind': sem.kind }, h('span', { class: 'kp-label' }, 'this run '), h('strong', {}, sem.label), h('span', {}, ` ${sem.detail}`)),
        counts(report, before),
        h(
          'p',
          { class: 'kp-meta' },
          `sent ${fmtCount(s.sent)} · acked ${fmtCount(s.acked)} · ${fmtCount(s.produce_requests)} produce requests · ${fmtCount(s.batches)} batches · ended at ${fmtUs(report.end_time_us)} (${report.ended_by}) · Kafka ${report.kafka_version} · seed ${report.seed} · trace `,
          h('code', { 'data-testid': 'trace-hash' }, report.trace_hash),
        ),
        runNotes(report),
        errorsLine(report),
        expectations(markLesson(report.expectations, lesson), lesson?.title),
        explanations(report.explanations ?? []),
      );
      root.dataset.updatedAt = String(performance.now());
    },
    /** `keepLast`: the last run's verdict stays below a "not run" note, marked stale. */
    showInvalid(errors, { keepLast = false } = {}) {
      runs += 1;
      root.dataset.state = 'invalid';
      root.dataset.run = String(runs);
      const what = `the scenario has ${errors.length} error${errors.length === 1 ? '' : 's'} (underlined in the editor)`;
      if (keepLast && root.dataset.semantics) {
        // A typo while editing: the last good run stays, marked stale, at the same place.
        root.dataset.stale = 'true';
        root.querySelector('.kp-stale-note')?.remove();
        root.prepend(h('p', { class: 'kp-stale-note', 'data-testid': 'stale-note', role: 'status' }, h('strong', {}, 'not run: '), `${what}; below is the last run, from the last valid text.`));
        return;
      }
      delete root.dataset.stale;
      delete root.dataset.semantics;
      render(
        h('div', { class: 'kp-semantics', 'data-kind': 'invalid', 'data-testid': 'semantics' }, h('strong', {}, 'not run'), h('span', {}, ` ${what}`)),
        h('dl', { class: 'kp-counts', 'data-testid': 'summary' }),
      );
    },
    showMessage(state, text) {
      root.dataset.state = state;
      if (state !== 'running') {
        delete root.dataset.stale;
        delete root.dataset.semantics;
      }
      const existing = root.querySelector('.kp-semantics');
      if (state === 'running' && existing) return; // keep the last verdict visible while re-running
      render(h('div', { class: 'kp-semantics', 'data-kind': state, 'data-testid': 'semantics' }, h('strong', {}, text)), h('dl', { class: 'kp-counts', 'data-testid': 'summary' }));
    },
  };
}

function countSize(text) {
  return text.length >= 11 ? 'kp-count-xlong' : text.length >= 7 ? 'kp-count-long' : '';
}
