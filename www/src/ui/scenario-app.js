// One scenario, live: editor (CodeMirror), settings controls, run bar (status, progress,
// cancel), verdict banner, record grid with the journey of the picked record, and the
// run views (www/src/views, through mountViews). Both the playground page (main.js) and
// the <kplay-scenario> widget (widget.js) are this plus their own chrome.
//
//   const app = mountScenario(root, {engine, text, panels, readOnly, autorun, layout, onText, sweep,
//                                    precomputed, lesson})   precomputed: a preset's run made at
//                                    build time (core/precomputed.js), shown without the engine;
//                                    lesson(text): {title, text} of the preset `text` was edited
//                                    from, or null (its expect lines are the preset's lesson)
//   app.getText() / app.setText(text)    the scenario text (the only state)
//   app.run()                            run now (cancelling a run in progress)
//   app.applyEdits(edits)                apply text-model edits, then run at once
//   app.report                           the last finished run's report (or null); while
//                                        the text is invalid, the last good one (stale)
//   app.onRun(fn)                        called with each finished report
//   app.json(part)                       Promise: the last report ('report') or its trace
//                                        ('trace') as JSON text, a paged run's included
//   app.editor                           the CodeMirror editor (editor.js), null until
//                                        mounted: the first verdict does not wait for
//                                        CodeMirror, which loads and mounts right after it
//                                        (or at once when the text is pointed at); until
//                                        then the text shows as plain, read-only lines
//   root.kplayApp                        the same object, for scripts holding only the element
//
// panels: any of 'editor', 'controls', 'verdict', 'records', 'stress' (search for the
// schedule that breaks the promise, and the survival card), 'sweep', and the view names
// ('timeline', 'cluster', 'producer', 'charts', 'compare'). Edits re-run after a short
// debounce (cancelling the previous run); control changes and setText run at once.
// sweep: {sets, seeds} to fill the sweep panel with and run after the first run (a
// sweep link).
import '../styles/theme.css';
import '../styles/components.css';
import { createRunner, DETAIL_LIMIT, optionsFor } from '../core/runner.js';
import { createControls } from './controls.js';
import { fill, h } from './dom.js';
import { createJourneyPanel } from './journey.js';
import { createRecordGrid } from './records.js';
import { createVerdict, markLesson } from './verdict.js';

export const VIEW_NAMES = ['timeline', 'cluster', 'producer', 'charts', 'compare'];
export const ALL_PANELS = ['editor', 'controls', 'verdict', 'stress', 'records', ...VIEW_NAMES, 'sweep'];
const EDIT_DEBOUNCE_MS = 250;
const SLOW_RUN_MS = 150;

/**
 * @param {HTMLElement} root
 * @param {{engine: object, text: string, panels?: string[], readOnly?: boolean, autorun?: boolean,
 *          layout?: 'page'|'widget', onText?: (text: string) => void,
 *          sweep?: {sets: string[], seeds: number} | null,
 *          precomputed?: ((text: string, options: {records: boolean, trace: boolean}) => Promise<any> | null) | null,
 *          compare?: {key: string, value: string} | null,
 *          compareLink?: ((key: string, value: string) => Promise<string>) | null,
 *          lesson?: ((text: string) => {title: string, text: string} | null) | null}} opts
 */
export function mountScenario(root, { engine, text, panels = ALL_PANELS, readOnly = false, autorun = true, layout = 'page', onText, sweep = null, precomputed = null, compare = null, compareLink = null, lesson = null }) {
  const show = new Set(panels);
  let currentText = text;
  let report = null;
  let armed = autorun; // once false, nothing runs until run() (the widget's Run button)
  const listeners = [];

  const editorBox = h('div', { class: 'kp-editor' });
  const diagnostics = h('ul', { class: 'kp-diagnostics', part: 'diagnostics', 'data-testid': 'diagnostics', 'aria-label': 'Errors' });
  const controlsBox = h('div');
  const status = h('span', { class: 'kp-status', part: 'status', 'data-testid': 'status', role: 'status' }, 'loading the engine…');
  const progress = h('progress', { class: 'kp-progress', max: 1, value: 0, 'data-testid': 'progress', 'aria-label': 'Run progress' });
  const cancel = h('button', { type: 'button', class: 'kp-cancel', part: 'cancel-button', 'data-testid': 'cancel', disabled: true, onclick: () => runner.cancel() }, 'Cancel');
  const runButton = h('button', { type: 'button', class: 'kp-run kp-primary', part: 'run-button', 'data-testid': 'run', onclick: () => run() }, 'Run');
  const runbar = h('div', { class: 'kp-runbar', part: 'runbar', 'data-phase': 'idle' }, runButton, status, progress, cancel);
  const verdictBox = h('section', { part: 'verdict', 'aria-label': 'Verdict' });
  const recordsBox = h('section', { part: 'records', 'aria-label': 'Records' });
  const journeyBox = h('section', { part: 'journey', 'aria-label': 'Journey of a record' });
  const viewsBox = h('div', { class: 'kp-views', part: 'views', 'data-testid': 'views-root' });
  const stressBox = h('section', { part: 'stress', 'aria-label': 'Stress this configuration' });
  const sweepBox = h('section', { part: 'sweep', 'aria-label': 'Sweep' });
  const recordsPane = h('div', { class: 'kp-records-pane', hidden: true }, recordsBox, journeyBox);
  // A paged run (more than DETAIL_LIMIT records): what comes from the worker, and what not.
  const leanNote = h('p', { class: 'kp-muted kp-lean', hidden: true, 'data-testid': 'lean-note', role: 'status' });

  const hasViews = VIEW_NAMES.some((v) => show.has(v));
  root.classList.add('kplay', 'kp-app');
  root.dataset.layout = layout;
  fill(
    root,
    show.has('editor') || show.has('controls')
      ? h(
          'div',
          { class: 'kp-edit-pane' },
          show.has('editor') ? [h('div', { class: 'kp-editor-wrap', part: 'editor' }, editorBox), diagnostics] : null,
          show.has('controls') ? h('details', { class: 'kp-settings', part: 'settings', open: layout === 'page' && !matchMedia('(max-width: 900px)').matches }, h('summary', {}, 'Settings'), controlsBox) : null,
        )
      : null,
    h(
      'div',
      { class: 'kp-result-pane' },
      runbar,
      show.has('verdict') ? verdictBox : null,
      show.has('stress') && !readOnly ? stressBox : null,
      show.has('records') ? recordsPane : null,
      leanNote,
    ),
    hasViews ? viewsBox : null,
    show.has('sweep') ? sweepBox : null,
  );

  /** @type {ReturnType<typeof import('../editor/editor.js').createEditor> | null} */
  let editor = null;
  // Until CodeMirror is mounted the text shows as it will in the editor, unstyled.
  const placeholder = show.has('editor') ? h('pre', { class: 'kp-editor-static', 'data-testid': 'scenario-static', tabindex: 0, 'aria-label': 'Scenario (loading the editor)' }, text) : null;
  if (placeholder) editorBox.append(placeholder);
  let lastDiagnostics = [];
  let lastExpectations = [];
  let editorLoading = null;
  let focusOnMount = false;
  let destroyed = false;
  /** Loads and mounts CodeMirror once; the text is whatever it is by then. */
  function mountEditor() {
    if (!placeholder) return Promise.resolve(null);
    editorLoading ??= import('../editor/editor.js').then(({ createEditor }) => {
      if (destroyed) return null;
      editor = createEditor(editorBox, { doc: currentText, readOnly, label: 'Scenario (kplay language)', onChange: (t) => textChanged(t, false) });
      placeholder.remove();
      editor.showDiagnostics(lastDiagnostics);
      editor.showExpectations(lastExpectations);
      if (focusOnMount) editor.view.focus();
      return editor;
    });
    return editorLoading;
  }
  if (placeholder) {
    const now = () => {
      focusOnMount = true;
      mountEditor();
    };
    placeholder.addEventListener('pointerdown', now);
    placeholder.addEventListener('focus', now);
    // Without a run to wait for (the widget's Run button), mount when the page is idle;
    // a first run that takes long does not keep the editor away either.
    if (!autorun) whenIdle(mountEditor);
    else setTimeout(mountEditor, 1500);
  }
  /** Puts the cursor at a 1-based line and column (mounting the editor first if need be). */
  function goTo(line, column = 1) {
    mountEditor().then((e) => e?.goTo(line, column));
  }
  /** Error underlines and expect marks, kept for an editor mounted later. */
  function markEditor(diagnostics, expectations) {
    lastDiagnostics = diagnostics;
    lastExpectations = expectations;
    editor?.showDiagnostics(diagnostics);
    editor?.showExpectations(expectations);
  }
  const controls = show.has('controls')
    ? createControls(controlsBox, { getText: () => currentText, readOnly, applyEdits: (edits) => applyEdits(edits) })
    : null;
  const verdict = createVerdict(verdictBox, { onRecord: show.has('records') ? (id) => grid.selectId(id) : null, onLine: (line) => goTo(line) });
  // The text each report was run from: a journey's "Dump batch" replays that run.
  const runText = new WeakMap();
  const journey = createJourneyPanel(journeyBox, {
    onStep: (t) => {
      if (!views) return;
      views.setTime(t);
      viewsBox.scrollIntoView?.({ block: 'nearest' });
    },
    dump: (r, req) => {
      const t = runText.get(r);
      if (t == null) return Promise.reject(new Error('this run is gone'));
      return engine.dumpAt(t, optionsFor(t), endOf(r), req);
    },
    journey: (r, id) => {
      const t = runText.get(r);
      if (t == null) return Promise.reject(new Error('this run is gone'));
      return engine.journey(t, optionsFor(t), id);
    },
  });
  const grid = createRecordGrid(recordsBox, {
    onSelect: (id) => {
      if (!report) return;
      journey.show(report, id);
      // The views follow the record: its batch highlighted, scrubbed to its append.
      views?.focusRecord(id, id == null ? null : momentOf(report, id));
    },
  });
  controls?.sync();

  let views = null;
  if (hasViews) {
    import('../views/index.js').then(({ mountViews }) => {
      views = mountViews(viewsBox, api, { panels: VIEW_NAMES.filter((v) => show.has(v)) });
      if (compare) views.compareTo(compare.key, compare.value);
      if (report && (Array.isArray(report.trace) || report.charts)) views.update(report);
    });
  }
  // Search and sweeps load their own code (and the larger wasm package) on demand.
  let stress = null;
  let sweeper = null;
  // They load once the first verdict is shown and the page is idle (a shared sweep link
  // loads its panel at once): the first verdict does not wait for them.
  let panelsRequested = false;
  function loadPanels() {
    if (panelsRequested) return;
    panelsRequested = true;
    if (show.has('stress') && !readOnly) {
      import('./stress.js').then(({ createStressPanel }) => {
        stress = createStressPanel(stressBox, { getText: () => currentText, setText: (t) => app.setText(t), getReport: () => report });
      });
    }
    if (show.has('sweep')) {
      import('./sweep.js').then(({ createSweepPanel }) => {
        sweeper = createSweepPanel(sweepBox, { getText: () => currentText, initial: sweep });
        if (sweepPending && report) {
          sweepPending = null;
          sweeper.run();
        }
      });
    }
  }
  let sweepPending = sweep?.sets?.length ? sweep : null;
  if (sweepPending) loadPanels();
  /** `text` with `line` after its last `at ...` line (or at the end). */
  function withTimelineLine(text, line) {
    const lines = text.split('\n');
    let last = -1;
    lines.forEach((l, i) => {
      if (/^\s*at\s/.test(l)) last = i;
    });
    if (last < 0) return `${text.replace(/\n*$/, '')}\n${line}\n`;
    lines.splice(last + 1, 0, line);
    return lines.join('\n');
  }

  /** When record `id` is worth seeing: its batch's first append, else its result, else its send. */
  function momentOf(r, id) {
    const rec = r.records?.[id];
    if (!rec) return null;
    const e = rec.batch == null ? null : r.trace?.find((x) => x.type === 'appended' && x.batch === rec.batch);
    return e?.at_us ?? rec.result_us ?? rec.sent_us;
  }

  /** The end of a run: its end time, or its last trace event if later (where the run
   * views' scrubber ends, so a dump there continues the views' replay). */
  function endOf(r) {
    return Math.max(r.end_time_us ?? 0, r.trace?.[r.trace.length - 1]?.at_us ?? 0);
  }

  /** `fn` when the main thread is idle (or shortly, without idle callbacks). */
  function whenIdle(fn) {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout: 1500 });
    else setTimeout(fn, 200);
  }
  const api = {
    engine,
    getText: () => currentText,
    getOptions: () => ({ ...optionsFor(currentText) }),
    runVariant: (variant) => engine.run(variant, optionsFor(variant)).result,
    optionsOf: (t) => ({ ...optionsFor(t) }),
    // Compare mode on paged runs: where the two runs' traces (kept in the worker) differ.
    divergence: (a, b) => engine.divergence({ text: a, options: optionsFor(a) }, { text: b, options: optionsFor(b) }),
    compareLink: compareLink ?? undefined,
    // Faults by pointing (the cluster view): the line goes after the last timeline line.
    addTimelineLine: readOnly ? undefined : (line) => app.setText(withTimelineLine(currentText, line)),
  };

  let pendingControlRun = false;
  // The whole text was replaced (a preset, a link, Back): an invalid result then shows no
  // stale run, since the last run belonged to another scenario.
  let replaced = false;
  function applyEdits(edits) {
    pendingControlRun = true;
    if (editor) editor.applyEdits(edits);
    else {
      let t = currentText;
      for (const e of [...edits].sort((a, b) => b.from - a.from)) t = t.slice(0, e.from) + e.insert + t.slice(e.to);
      textChanged(t, true);
    }
  }

  function textChanged(t, immediate) {
    currentText = t;
    if (placeholder && !editor) placeholder.textContent = t;
    controls?.sync();
    onText?.(t);
    if (!armed) return;
    if (immediate || pendingControlRun) runner.runNow(t);
    else runner.schedule(t, EDIT_DEBOUNCE_MS);
    pendingControlRun = false;
  }

  let copyStopped = null; // the paged run whose copying was cancelled
  let slowTimer = 0;
  let slowFor = null; // the run (its startedAt) the slow timer was started for
  let drawGeneration = 0;
  const runner = createRunner(engine, { precomputed }, (s) => {
    runbar.dataset.phase = s.phase;
    root.dataset.phase = s.phase;
    // Cancel stays reachable while a paged run's records are copied after its verdict.
    cancel.disabled = !(s.phase === 'running' || s.transferring);
    if (s.transferring) runbar.dataset.transfer = 'true';
    else delete runbar.dataset.transfer;
    if (s.phase === 'running') {
      progress.value = s.progress;
      // Progress and Cancel show once a run has taken SLOW_RUN_MS, counted from its start
      // (updates that still say 0% must not restart the count).
      if (slowFor !== s.startedAt) {
        slowFor = s.startedAt;
        clearTimeout(slowTimer);
        delete runbar.dataset.slow;
        slowTimer = setTimeout(() => (runbar.dataset.slow = 'true'), SLOW_RUN_MS);
      }
      status.textContent = s.progress === 0 ? 'running…' : `running… ${Math.round(s.progress * 100)}%`;
      verdict.showMessage('running', 'running…');
      return;
    }
    clearTimeout(slowTimer);
    slowFor = null;
    delete runbar.dataset.slow;
    if (!panelsRequested) whenIdle(loadPanels);
    // The editor mounts once the first result has been painted.
    if (s.phase !== 'running' && placeholder && !editorLoading) requestAnimationFrame(() => setTimeout(mountEditor, 0));
    if (s.phase === 'done') {
      runText.set(s.report, s.text);
      showReport(s.report, s.ms, s.precomputed);
    } else if (s.phase === 'detail') {
      // A paged run's records and charts, after its verdict.
      runText.set(s.report, s.text);
      report = s.report;
      const gen = drawGeneration;
      requestAnimationFrame(() => gen === drawGeneration && showDetail(s.report));
    }
    else if (s.phase === 'invalid') showErrors(s.errors);
    else if (s.phase === 'cancelled') {
      status.textContent = 'cancelled';
      verdict.showMessage('cancelled', 'run cancelled');
    } else if (s.phase === 'stopped') {
      // The verdict stands (it is the whole run's); the grid and the views stay empty.
      status.textContent = 'copying cancelled';
      copyStopped = report;
      if (report) showDetail(report);
    } else {
      status.textContent = `the run failed: ${s.message}`;
      verdict.showMessage('failed', 'the run failed (a bug in kplay; the console has details)');
      console.error(`kplay: the run failed: ${s.message}`);
    }
  });

  function showReport(r, ms, precomputedRun = false) {
    const fresh = replaced;
    report = r;
    replaced = false;
    // An edited preset: its own expect lines are its lesson (verdict.js markLesson).
    const edited = lesson?.(runText.get(r) ?? currentText) ?? null;
    // The editor's marks before anything else is written: its transaction reads the DOM
    // selection, which would force a layout of whatever was written before it.
    markEditor([], markLesson(r.expectations, edited));
    delete root.dataset.stale;
    const gen = ++drawGeneration;
    // A preset's unchanged text shows the run made when the site was built: the same
    // report the engine gives (a run is a pure function of its text and options).
    status.textContent = precomputedRun ? `ran at build time (shown in ${Math.round(ms)} ms)` : `ran in ${Math.round(ms)} ms`;
    verdict.update(r, { fresh, lesson: edited });
    showDiagnosticsList([]);
    // The banner first; the grid, the journey and the views on the next frame.
    requestAnimationFrame(() => {
      if (gen !== drawGeneration) return;
      controls?.setEffective(r.config);
      showDetail(r);
    });
  }

  /** The grid, the journey and the views of report `r`; a paged run's verdict (its
   * records still on their way) shows none of them yet. */
  function showDetail(r) {
    const waiting = r.paged && !Array.isArray(r.records);
    const hasRecords = Array.isArray(r.records);
    recordsPane.hidden = !hasRecords;
    leanNote.hidden = !r.paged;
    if (r.paged) {
      const n = r.paged.records.toLocaleString('en-US');
      const events = r.paged.trace.toLocaleString('en-US');
      leanNote.textContent = waiting
        ? copyStopped === r
          ? `Copying cancelled: the verdict above is the whole run's, but its ${n} records stayed in the engine's worker. Run again to see them in the grid, journeys and charts.`
          : `Copying ${n} records from the engine's worker, a page at a time…`
        : `This run is large (${n} records, ${events} trace events; more than ${DETAIL_LIMIT.toLocaleString('en-US')} records or 100,000 events would hold the page up if copied at once): the grid, journeys and charts have every record; the trace stays in the engine's worker (journeys are read from it, the timeline shows a window of it around the scrubbed time, the cluster and producer views replay the run there, compare mode reads the first divergence there, and it downloads).`;
    }
    if (hasRecords) grid.update(r);
    else grid.clear();
    if (Array.isArray(r.trace) || r.charts) views?.update(r);
    else views?.clear();
    if (waiting) return;
    for (const fn of listeners) fn(r);
    stress?.refresh();
    if (sweepPending && sweeper) {
      sweepPending = null;
      sweeper.run();
    }
  }

  function showErrors(errors) {
    ++drawGeneration;
    status.textContent = `${errors.length} error(s)`;
    // A typo while editing keeps the last good run on screen, dimmed, until the text is
    // valid again: it must not wipe the verdict, the grid, the journey and the views.
    const keepLast = report !== null && !replaced;
    verdict.showInvalid(errors, { keepLast });
    showDiagnosticsList(errors);
    markEditor(errors, []);
    if (keepLast) {
      root.dataset.stale = 'true';
      return;
    }
    report = null;
    delete root.dataset.stale;
    recordsPane.hidden = true;
    leanNote.hidden = true;
    grid.clear();
    journey.clear();
    views?.clear();
    controls?.setEffective(null);
  }

  function showDiagnosticsList(errors) {
    diagnostics.replaceChildren(
      ...errors.map((d) =>
        h(
          'li',
          { 'data-line': d.line, 'data-column': d.column },
          h('button', { type: 'button', class: 'kp-link', onclick: () => goTo(d.line, d.column) }, `${d.line}:${d.column}: ${d.message}` + (d.hint ? ` (hint: ${d.hint})` : '')),
        ),
      ),
    );
  }

  function run() {
    armed = true;
    runButton.hidden = true; // from now on edits re-run by themselves
    return runner.runNow(currentText);
  }

  runButton.hidden = layout === 'page' || autorun;
  status.textContent = autorun ? 'loading the engine…' : 'press Run to run this scenario';

  const app = {
    getText: () => currentText,
    setText(t) {
      if (t === currentText) return run();
      replaced = true;
      if (editor) {
        pendingControlRun = true;
        editor.replaceAll(t);
      } else textChanged(t, true);
    },
    run,
    /** Applies text-model edits and runs at once (like a control change). */
    applyEdits,
    get report() {
      return report;
    },
    onRun: (fn) => listeners.push(fn),
    /** The last run's report ('report') or its trace ('trace') as pretty JSON text (a
     * paged run's come from the worker, which kept them). */
    async json(part) {
      const r = report;
      if (!r) return null;
      if (!r.paged) return JSON.stringify(part === 'trace' ? (r.trace ?? []) : r, null, 2) + '\n';
      const t = runText.get(r);
      return engine.json(t, optionsFor(t), part);
    },
    get editor() {
      return editor;
    },
    destroy() {
      destroyed = true;
      runner.cancel();
      stress?.cancel();
      sweeper?.cancel();
      views?.destroy();
      editor?.destroy();
    },
  };
  // Scripts (and the e2e tests) reach the app from its element: el.kplayApp.getText().
  /** @type {HTMLElement & {kplayApp?: object}} */ (root).kplayApp = app;
  return app;
}
