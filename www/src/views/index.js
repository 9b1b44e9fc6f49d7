// The run views: timeline (sequence diagram + time scrubber), cluster view (with the
// consumer groups panel when the run has groups or pipelines), producer view, charts and compare
// mode. The playground shell (and the <kplay-scenario> widget)
// mount them with mountViews and feed them each finished run.
//
// CONTRACT (the shell relies on exactly this):
//
//   const views = mountViews(root, api, { panels, onTime })
//     root    an empty HTMLElement the views own
//     api     {
//               engine,          createEngine() instance (engine-client.js): snapshotAt(...),
//                                dumpAt(...) (a segment file opened in the cluster view)
//               getText(),       the scenario text of the run shown (the only state)
//               getOptions(),    the options it was run with ({records: true, trace: true, ...})
//               runVariant(text) Promise<RunOutcome> (compare mode: run another text;
//                                run it with the same options, trace included)
//               optionsOf?(text) the options a run of another text uses (compare mode's
//                                side-by-side views of a paged variant)
//               divergence?(textA, textB)  Promise<{first, lengths}>: where two paged
//                                runs' traces first differ, read in the worker
//               compareLink?(key, value)  Promise<string>: a URL that opens this text and
//                                runs that comparison (the page has it; the widget not)
//             }
//     panels  which views to show, any of 'timeline', 'cluster', 'producer', 'charts',
//             'compare' (default: all)
//     onTime  optional: called with each scrubbed time (µs)
//   views.update(report)   a finished run's report (records and trace included)
//   views.clear()          no valid run (e.g. the text has errors)
//   views.destroy()
//
// Optional extras (the shell may ignore them):
//   views.setTime(tUs)     move the scrubber (e.g. to a record's send time from the grid)
//   views.time()           the scrubbed virtual time (µs), null without a run
//   views.compareTo(key, value)  compare mode runs that setting change once it has a run
//   views.stats()          timings of the last update and scrub step, for perf checks
//   root.dataset.now / root.dataset.snapshotAt   the scrubbed time and the time of the
//                          snapshot shown (both µs), for tests
//   root.dataset.chartsAt / root.dataset.snapshotShownAt   when (performance.now()) the
//                          charts and the cluster and producer views were last drawn
//
// A paged run's report (report.paged, report.charts, no trace) shows the charts, the
// scrubber with the cluster and producer views over report.charts.model (no trace), and
// the timeline over a window of the trace around the scrubbed time, asked of the worker
// (api.engine.traceWindow); root.dataset.paged is then 'true', and
// root.dataset.timelineWindow 'FROM+COUNT' (the window's first event and its size).
// Compare mode works on it as on any run, its first divergence read in the worker.
//
// Every view marks itself with data-testid="view-<name>" for the end-to-end tests; the
// scrubber is data-testid="view-scrubber" (shown with the timeline, cluster or producer);
// the consumer groups panel is data-testid="group-panel" (its pipelines
// data-testid="pipeline-panel").
// Layout: timeline beside the cluster and producer views when the container is wide,
// stacked when narrow (container queries in views.css); theme through --kv-* custom
// properties in theme.css (dark inside any element with data-theme="dark").
import './theme.css';
import './views.css';
import { createClusterView } from './cluster.js';
import { createCompare } from './compare.js';
import { el, lastAtOrBefore } from './format.js';
import { buildModel } from './model.js';
import { createProducerView } from './producer.js';
import { createScrubber } from './scrubber.js';
import { createTimeline } from './timeline.js';

const ALL = ['timeline', 'cluster', 'producer', 'charts', 'compare'];
/** Trace events in a paged run's timeline window (its layout takes a few milliseconds). */
const WINDOW_EVENTS = 6000;

/**
 * @param {HTMLElement} root
 * @param {object} api
 * @param {{panels?: string[], onTime?: (tUs: number) => void}} [options]
 *   onTime: called with each scrubbed time (compare mode keeps two views in step)
 */
export function mountViews(root, api, { panels, onTime } = {}) {
  const shown = new Set(panels ?? ALL);
  const has = (p) => shown.has(p);
  root.replaceChildren();
  const frame = el('div', { class: 'kv-views', dataset: { testid: 'views' } });
  root.append(frame);

  let model = null;
  // What the charts draw: the model, or a paged run's charts data (report.charts, made in
  // the worker from a trace that stayed there).
  let chartModel = null;
  let now = null;
  let generation = 0;
  const stats = { update: null, scrub: null, snapshot: null };
  // What follows a run (the charts' draw, a snapshot's render, a timeline window's layout)
  // takes tens of milliseconds each: one of them per frame, so they never add up to a freeze.
  const heavy = onePerFrame();

  const pick = (t) => setTime(t, { scrollTimeline: false });
  const scrubber = has('timeline') || has('cluster') || has('producer') ? createScrubber(frame, { onChange: (t) => setTime(t, { fromScrubber: true }) }) : null;
  const main = el('div', { class: `kv-main${has('timeline') && (has('cluster') || has('producer')) ? ' kv-two' : ''}` });
  frame.append(main);
  const timeline = has('timeline') ? createTimeline(main, { onPick: pick }) : null;
  // A paged run's timeline shows a window of its trace (which stayed in the worker) around
  // the scrubbed time; this line says which.
  const windowNote = timeline ? el('p', { class: 'kv-muted kv-window-note', dataset: { testid: 'timeline-window' }, role: 'status', hidden: true }) : null;
  if (windowNote) timeline.element.querySelector('.kv-panel-head')?.after(windowNote);
  const side = has('cluster') || has('producer') ? el('div', { class: 'kv-side-col' }) : null;
  if (side) main.append(side);
  // The text and options of the snapshot shown: a segment's dump replays the same run.
  let shownRun = null;
  const cluster = has('cluster')
    ? createClusterView(side, {
        onFault: api.addTimelineLine ? (line) => api.addTimelineLine(line) : undefined,
        dump: (tUs, req) => (shownRun ? api.engine.dumpAt(shownRun.text, shownRun.options, tUs, req) : Promise.reject(new Error('no run shown'))),
      })
    : null;
  const producer = has('producer') ? createProducerView(side) : null;
  const snapNote = el('p', { class: 'kv-snap-note', role: 'status', 'aria-live': 'polite' });
  side?.prepend(snapNote);

  let charts = null;
  const chartsSection = has('charts')
    ? el('section', { class: 'kv-panel kv-charts', part: 'charts', dataset: { testid: 'view-charts' } }, el('header', { class: 'kv-panel-head' }, el('h3', {}, 'Charts')))
    : null;
  if (chartsSection) frame.append(chartsSection);
  // The charts' code (and uPlot) loads once the first report is drawn and the page is
  // idle: the first verdict does not wait for it.
  let chartsRequested = false;
  function loadCharts() {
    if (!chartsSection || chartsRequested) return;
    chartsRequested = true;
    whenIdle(() =>
      import('./charts.js').then((m) => {
        if (generation < 0) return; // destroyed meanwhile
        charts = m.createCharts(chartsSection, { onPick: pick });
        if (chartModel) charts.setModel(chartModel, now);
      }).catch((err) => console.error('kplay views: cannot load the charts', err)));
  }
  const compare = has('compare') ? createCompare(frame, api, { onPick: pick }) : null;
  // The consumer groups panel (with the pipelines), under the cluster view: its code loads
  // with the first run that has a consumer group or a pipeline.
  let groups = null;
  let groupsLoading = null;
  function showGroups(report) {
    if (!side || !has('cluster') || !Object.keys({ ...report.groups, ...report.pipelines }).length) return groups?.clear();
    groupsLoading ??= import('./groups.js').catch((err) => console.error('kplay views: cannot load the groups panel', err));
    groupsLoading.then((m) => {
      if (!m || generation < 0 || model?.report !== report) return;
      groups ??= m.createGroupsPanel(side, { onPick: pick, before: producer?.element ?? null });
      groups.update(report);
      if (now != null) groups.setNow(now);
    });
  }

  // ---- scrubbing: one snapshot request at a time, the latest time wins ----
  let scrubStarted = 0;

  // drawCharts false: the charts are about to take a new model (and this time) anyway.
  function setTime(t, { fromScrubber = false, scrollTimeline = true, drawCharts = true } = {}) {
    if (!model) return;
    // The state only changes at stops: show the last one at or before t.
    t = model.stops[Math.max(0, lastAtOrBefore(model.stops, t))];
    now = t;
    scrubStarted = performance.now();
    root.dataset.now = String(t);
    if (!fromScrubber) scrubber?.setTime(t);
    const t0 = performance.now();
    timeline?.setNow(t, { scroll: scrollTimeline });
    if (drawCharts) charts?.setNow(t);
    groups?.setNow(t);
    stats.scrub = { views_ms: performance.now() - t0 };
    windowAround(t);
    onTime?.(t);
    if (cluster || producer) snapshots.ask(t);
  }

  /** The cluster and producer views at time t, from the worker's replay. */
  const snapshots = latestWins(async (t) => {
    const gen = generation;
    const started = performance.now();
    let snap;
    const asked = { text: api.getText(), options: api.getOptions() };
    try {
      snap = await api.engine.snapshotAt(asked.text, asked.options, t);
    } catch (err) {
      if (gen === generation) snapNote.textContent = `Cannot replay the run: ${err.message ?? err}`;
      return;
    }
    if (gen !== generation) return;
    if (snap.errors) {
      snapNote.textContent = 'The scenario text changed: the state views need a new run.';
      return;
    }
    const replayed = performance.now();
    await heavy.run(() => {
      if (gen !== generation) return;
      const drawing = performance.now();
      snapNote.textContent = '';
      shownRun = asked;
      cluster?.render(snap, model);
      producer?.render(snap, model);
      const done = performance.now();
      stats.snapshot = { replay_ms: replayed - started, render_ms: done - drawing, scrub_to_paint_ms: done - scrubStarted, at_us: t };
      root.dataset.snapshotAt = String(snap.at_us);
      root.dataset.snapshotShownAt = String(done);
    });
  });

  // ---- a paged run's timeline: WINDOW_EVENTS trace events around the scrubbed time, asked
  // of the worker when the time leaves the window shown (the latest time wins) ----
  let win = null; // {from, total, count, t0, t1} of the window shown

  function windowAround(t) {
    if (!timeline || !model?.report?.paged) return;
    if (win) {
      const before = t < win.t0 && win.from > 0;
      const after = t > win.t1 && win.from + win.count < win.total;
      if (!before && !after) return;
    }
    windows.ask(t);
  }

  const windows = latestWins(async (t) => {
    const gen = generation;
    let got;
    try {
      got = await api.engine.traceWindow(api.getText(), api.getOptions(), t, WINDOW_EVENTS);
    } catch (err) {
      if (gen === generation) windowNote.textContent = `Cannot read the run's trace: ${err.message ?? err}`;
      return;
    }
    await heavy.run(() => {
      if (gen !== generation || !model) return;
      const { from, total, events } = got;
      win = { from, total, count: events.length, t0: events[0]?.at_us ?? 0, t1: events.at(-1)?.at_us ?? 0 };
      timeline.setModel({ ...model, trace: events });
      if (now != null) timeline.setNow(now, { scroll: true });
      const n = (x) => x.toLocaleString('en-US');
      windowNote.hidden = false;
      windowNote.textContent = `Events ${n(from + 1)}–${n(from + events.length)} of ${n(total)}, around the scrubbed time: the trace stays in the engine's worker, so the timeline shows a window of it that follows the scrubber.`;
      root.dataset.timelineWindow = `${from}+${events.length}`;
    });
  });

  function noWindow() {
    win = null;
    windows.drop();
    if (windowNote) windowNote.hidden = true;
    delete root.dataset.timelineWindow;
  }

  /** A paged run (report.charts, no trace): the charts, and the scrubber with the cluster
   * and producer views over the model the worker made (report.charts.model: no trace but
   * its milestone events; the states come from the worker's replays as always), and the
   * timeline over a window of the trace (windowAround), and compare mode. */
  function updateCharts(report) {
    loadCharts();
    clear();
    frame.classList.add('kv-paged');
    root.dataset.paged = 'true';
    chartModel = report.charts;
    const light = report.charts.model;
    if (light) {
      // The scrubber reads milestones as indexes into model.trace: the milestone events are
      // that trace here. Record producers come from the records the page has.
      const recordProducer = [];
      for (const r of report.records ?? []) recordProducer[r.id] = r.producer;
      model = { ...light, report, trace: light.milestoneEvents, milestones: light.milestoneEvents.map((_, i) => i), recordProducer };
      frame.classList.remove('kv-cleared');
      scrubber?.setModel(model);
      showGroups(report);
      setTime(model.endUs, { scrollTimeline: false, drawCharts: false });
    }
    compare?.setReport(report);
    // On a frame of their own, as after a full update: the grid has just drawn.
    const gen = generation;
    heavy.afterFrame(() => {
      if (gen !== generation) return;
      charts?.setModel(chartModel, now);
      root.dataset.chartsAt = String(performance.now());
    });
  }

  function update(report) {
    if (!Array.isArray(report.trace) && report.charts) return updateCharts(report);
    loadCharts();
    const t0 = performance.now();
    generation += 1;
    noWindow();
    frame.classList.remove('kv-paged');
    delete root.dataset.paged;
    model = buildModel(report);
    chartModel = model;
    timeline?.setFocus(null);
    cluster?.setFocus(null);
    delete root.dataset.focus;
    const t1 = performance.now();
    frame.classList.remove('kv-cleared');
    scrubber?.setModel(model);
    timeline?.setModel(model);
    const t2 = performance.now();
    compare?.setReport(report);
    showGroups(report);
    delete root.dataset.snapshotAt;
    // Start at the end (the state the verdict describes), with the diagram at its top.
    setTime(model.endUs, { scrollTimeline: false, drawCharts: false });
    stats.update = { model_ms: t1 - t0, timeline_ms: t2 - t1, total_ms: performance.now() - t0, events: model.trace.length };
    // The charts after the first paint of the rest: they are below the fold anyway.
    const gen = generation;
    heavy.afterFrame(() => {
      if (gen !== generation) return;
      const t3 = performance.now();
      charts?.setModel(model, now);
      if (stats.update) stats.update.charts_ms = performance.now() - t3;
      root.dataset.chartsAt = String(performance.now());
    });
  }

  function clear() {
    generation += 1;
    noWindow();
    model = null;
    chartModel = null;
    frame.classList.remove('kv-paged');
    delete root.dataset.paged;
    now = null;
    snapshots.drop();
    delete root.dataset.now;
    delete root.dataset.snapshotAt;
    frame.classList.add('kv-cleared');
    scrubber?.setModel(null);
    timeline?.setModel(null);
    charts?.setModel(null);
    cluster?.clear();
    producer?.clear();
    groups?.clear();
    compare?.setReport(null);
  }

  clear();
  return {
    update,
    clear,
    destroy() {
      generation = -1;
      model = null;
      scrubber?.destroy();
      timeline?.destroy();
      charts?.destroy();
      cluster?.destroy();
      producer?.destroy();
      groups?.destroy();
      compare?.destroy();
      root.replaceChildren();
    },
    setTime: (t) => setTime(t),
    /** Compare mode runs setting `key` with `value` as soon as it has a report (a link). */
    compareTo: (key, value) => compare?.compareTo(key, value),
    /** Follow one record: highlight it in the timeline and the cluster view, and scrub to
     * `t` (the moment worth seeing, e.g. its append) when given. null clears. */
    focusRecord(id, t = null) {
      const rec = id == null ? null : model?.report?.records?.[id];
      const focus = rec ? { id, batch: rec.batch } : null;
      root.dataset.focus = focus ? String(id) : '';
      timeline?.setFocus(focus);
      cluster?.setFocus(focus ? id : null);
      if (t != null) setTime(t, { scrollTimeline: true });
    },
    time: () => now,
    stats: () => ({ ...stats, timeline: timeline?.stats() }),
  };
}

/** Heavy jobs one frame's worth at a time: `run(job)` runs it now if the page has drawn a
 * frame since the last jobs ran, else after the next frame (or 100 ms where no frames come: a
 * hidden tab), and resolves once it ran; `afterFrame(job)` always waits for a frame first
 * (work that should not delay the paint of what was just changed). Jobs that wait run in
 * the order asked; after a frame, they run back to back until they have taken SLOT_MS (small
 * jobs, a re-run's charts and cluster view, share a frame; large ones, a paged run's, do not). */
function onePerFrame() {
  const SLOT_MS = 12;
  /** @type {(() => void)[]} */
  const queue = [];
  let drawn = true; // a frame was drawn since the last job ran
  let waiting = false;
  function flush() {
    if (!drawn || !queue.length) return;
    drawn = false;
    waitForFrame();
    const start = performance.now();
    do queue.shift()();
    while (queue.length && performance.now() - start < SLOT_MS);
  }
  function waitForFrame() {
    if (waiting) return;
    waiting = true;
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      waiting = false;
      drawn = true;
      flush();
    };
    requestAnimationFrame(() => setTimeout(go, 0));
    setTimeout(go, 100);
  }
  /** @param {() => void} job */
  const enqueue = (job) =>
    new Promise((resolve, reject) => {
      queue.push(() => {
        try {
          resolve(job());
        } catch (err) {
          reject(err);
        }
      });
    });
  return {
    /** @param {() => void} job */
    run(job) {
      const ran = enqueue(job);
      flush();
      return ran;
    },
    /** @param {() => void} job */
    afterFrame(job) {
      drawn = false;
      const ran = enqueue(job);
      waitForFrame();
      return ran;
    },
  };
}

/** One call of async `fn(t)` at a time for the latest `t` asked (a worker request per
 * scrub position would queue up): `ask(t)` asks, `drop()` forgets what is not yet asked. */
function latestWins(fn) {
  let busy = false;
  let wanted = null;
  return {
    async ask(t) {
      wanted = t;
      if (busy) return;
      busy = true;
      try {
        while (wanted != null) {
          const next = wanted;
          wanted = null;
          await fn(next);
        }
      } finally {
        busy = false;
      }
    },
    drop() {
      wanted = null;
    },
  };
}

/** Run `fn` when the main thread is idle (or after a short delay where the browser has
 * no idle callbacks). */
export function whenIdle(fn) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout: 1500 });
  else setTimeout(fn, 200);
}
