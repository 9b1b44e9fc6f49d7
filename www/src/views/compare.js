// Compare mode: the same scenario with one setting changed, side by side. A small form
// picks a setting (every producer, consumer, topic and broker property of the run, and
// the seed; acks is pre-selected with its alternative, acks=1 <-> acks=all) and a new
// value; "Run both" runs the variant through api.runVariant(text) and shows the two
// verdicts (every setting the change implies, expectations, summary numbers with
// differences coloured better or worse, errors) and
// the first trace event where the runs diverge, with both versions and a button that
// moves the scrubber there; "Show both runs side by side" mounts the timeline, cluster view
// and charts of each run in two columns, scrubbed together. A paged run (its trace kept in
// the engine's worker) is compared the same way: the divergence is read in the worker
// (api.divergence(textA, textB)) and the side-by-side views page their timelines from it.
// Where the page can make links (api.compareLink), "Link to this comparison" gives a URL
// that opens the scenario and runs the same comparison
// (`#s=...&compare=producer:app:acks&value=all`); compareTo(key, value) is how it does.
import { el, fmtCount, fmtEvent, fmtTime, uid } from './format.js';
import { SUMMARY_FIELDS, SUMMARY_SENSE, alternativeValue, exactlyOnceReprocessed, defaultSetting, differingFields, firstDivergence, impliedChanges, settingsOf, suggestions, withSetting } from './variant.js';

export function createCompare(parent, api, { onPick }) {
  let report = null;
  /** A comparison a link asked for, run once a report is here: {key, value}. */
  let wanted = null;
  let settings = [];
  let running = 0;
  const ids = { setting: uid('cmp-setting'), value: uid('cmp-value'), list: uid('cmp-list') };
  const select = el('select', { id: ids.setting, class: 'kv-select', dataset: { testid: 'compare-setting' } });
  const filter = el('input', { type: 'search', class: 'kv-input kv-filter', placeholder: 'filter settings', 'aria-label': 'Filter the settings', autocomplete: 'off', spellcheck: false, dataset: { testid: 'compare-filter' } });
  const value = el('input', { id: ids.value, class: 'kv-input', list: ids.list, autocomplete: 'off', spellcheck: false, dataset: { testid: 'compare-value' } });
  const datalist = el('datalist', { id: ids.list });
  const current = el('span', { class: 'kv-muted' });
  const runBtn = el('button', { type: 'submit', class: 'kv-btn kv-primary', dataset: { testid: 'compare-run' } }, 'Run both');
  const status = el('p', { class: 'kv-status', role: 'status', 'aria-live': 'polite' });
  const result = el('div', { class: 'kv-compare-result', dataset: { testid: 'compare-result' } });
  const form = el('form', { class: 'kv-compare-form' },
    el('label', { for: ids.setting }, 'Setting'), filter, select,
    el('label', { for: ids.value }, 'New value'), el('span', { class: 'kv-value-wrap' }, value, current), datalist,
    runBtn);
  const root = el('section', { class: 'kv-panel kv-compare', part: 'compare', dataset: { testid: 'view-compare' } },
    el('header', { class: 'kv-panel-head' }, el('h3', {}, 'Compare'),
      el('p', { class: 'kv-muted kv-head-note' }, 'The same scenario with one setting changed, side by side.')),
    form, status, result);
  parent.append(root);

  select.addEventListener('change', () => pick(settings.find((s) => s.key === select.value)));
  filter.addEventListener('input', () => fillSelect(select.value));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });

  function setReport(r) {
    // The same run again (the views can be handed a report twice): nothing changes.
    if (r && r === report) return;
    const keep = select.value;
    report = r;
    running += 1; // a run still going belongs to the previous report
    closePair();
    result.replaceChildren();
    status.textContent = '';
    settings = r ? settingsOf(r) : [];
    fillSelect(keep);
    runBtn.disabled = !r;
    const chosen = settings.find((s) => s.key === keep) ?? defaultSetting(settings);
    if (chosen) pick(chosen, chosen.key === keep ? value.value : null);
    // A link's comparison runs again on each new report until one of its runs finishes
    // for the report shown (a second update of the same run drops the first one's).
    if (r && wanted) {
      const w = wanted;
      const s = settings.find((x) => x.key === w.key);
      if (!s) {
        wanted = null;
        status.textContent = `The link compares ${w.key}, which this scenario does not have: pick a setting below.`;
        return;
      }
      filter.value = '';
      fillSelect(s.key);
      pick(s, w.value);
      root.scrollIntoView?.({ block: 'nearest' });
      run();
    }
  }

  /** Runs the comparison of setting `key` (as settingsOf names it) with `v` once a report is here. */
  function compareTo(key, v) {
    wanted = { key, value: String(v ?? '') };
    if (report) setReport(report);
  }

  /** The options: per node, the settings the scenario set or Kafka's rules derived first,
   * then the defaults, each part alphabetical; only those matching the filter (name or
   * value), keeping `keep` selected when it is still listed. */
  let selectShape = ''; // the option list shown, to skip rebuilding the same one
  function fillSelect(keep) {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (s) => words.every((w) => `${s.role} ${s.name} ${s.prop}=${s.value}`.toLowerCase().includes(w));
    const rank = (s) => (s.source === 'set' ? 0 : s.source === 'derived' ? 1 : 2);
    const groups = new Map();
    for (const s of settings.filter(matches)) {
      const g = s.role === 'seed' ? 'scenario' : `${s.role} ${s.name}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(s);
    }
    for (const list of groups.values()) list.sort((a, b) => rank(a) - rank(b) || a.prop.localeCompare(b.prop));
    const label = (s) => `${s.prop} = ${s.value}${s.source === 'default' ? ' (default)' : s.source === 'derived' ? ' (derived)' : ''}`;
    // A re-run usually lists the same settings: the options stay (hundreds of elements).
    const shape = JSON.stringify([...groups].map(([g, list]) => [g, list.map((s) => [s.key, label(s)])]));
    if (shape !== selectShape) {
      selectShape = shape;
      select.replaceChildren(...[...groups].map(([g, list]) => el('optgroup', { label: g }, list.map((s) => el('option', { value: s.key }, label(s))))));
    }
    const shown = settings.filter(matches);
    select.dataset.count = String(shown.length);
    if (shown.some((s) => s.key === keep)) select.value = keep;
    else if (shown.length) pick(shown.find((s) => s.key === select.value) ?? shown[0]);
  }

  function pick(s, keepValue = null) {
    if (!s) return;
    select.value = s.key;
    current.textContent = `now ${s.value}`;
    value.value = keepValue ?? alternativeValue(s);
    datalist.replaceChildren(...suggestions(s).map((v) => el('option', { value: v })));
  }

  async function run() {
    const s = settings.find((x) => x.key === select.value);
    const v = value.value.trim();
    if (!report || !s) return;
    if (!v) {
      wanted = null;
      status.textContent = 'Enter a value to compare with.';
      value.focus();
      return;
    }
    const changed = withSetting(api.getText(), s, v);
    if (changed.error) {
      wanted = null;
      status.textContent = `Cannot change ${s.prop}: ${changed.error}.`;
      return;
    }
    const ticket = ++running;
    const base = report;
    const baseText = api.getText();
    runBtn.disabled = true;
    status.textContent = `Running with ${s.prop}=${v}…`;
    let outcome;
    try {
      outcome = await api.runVariant(changed.text);
    } catch (err) {
      if (ticket === running) {
        wanted = null;
        status.textContent = `The variant did not run: ${err.message ?? err}`;
      }
      runBtn.disabled = false;
      return;
    }
    if (ticket !== running) return;
    wanted = null;
    runBtn.disabled = false;
    if (!outcome.ok) {
      status.textContent = `${s.prop}=${v} makes the scenario invalid: ${outcome.errors.map((d) => `${d.line}:${d.column}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('; ')}`;
      return;
    }
    status.textContent = '';
    show(base, outcome.report, s, v, baseText, changed.text);
  }

  function show(a, b, s, v, baseText, variantText) {
    closePair();
    const nameA = `${s.prop}=${s.value}`;
    const nameB = `${s.prop}=${v}`;
    result.replaceChildren(
      implied(a, b, s),
      el('div', { class: 'kv-compare-cols' }, verdict('A', nameA, 'this run', a), verdict('B', nameB, 'variant', b)),
      summaryTable(a, b, nameA, nameB),
      speedTable(a, b, nameA, nameB),
      divergenceOf(a, b, nameA, nameB, baseText, variantText),
      sideBySide(a, b, nameA, nameB, baseText, variantText),
      linkRow(s, v));
  }

  /** The first divergence: from the traces when the page has both, else (a paged run,
   * whose trace stays in the worker) read in the worker through api.divergence. */
  function divergenceOf(a, b, nameA, nameB, baseText, variantText) {
    if (a.trace && b.trace) {
      const div = firstDivergence(a.trace, b.trace);
      const before = div ? a.trace.slice(Math.max(0, div.index - 2), div.index) : [];
      return divergence(div && { ...div, before }, a.trace.length, nameA, nameB, a, b);
    }
    if (!api.divergence) return divergence(undefined, 0, nameA, nameB, a, b);
    const box = el('div', { class: 'kv-divergence', dataset: { testid: 'first-divergence', pending: 'true' } },
      el('p', { class: 'kv-muted' }, 'Reading both traces in the engine’s worker (they stay there for runs this large) for where the runs first differ…'));
    const ticket = running;
    api.divergence(baseText, variantText).then(
      (d) => ticket === running && box.replaceWith(divergence(d.first, d.lengths[0], nameA, nameB, a, b)),
      (err) => ticket === running && box.replaceChildren(el('p', {}, `The first divergence could not be read: ${err?.message ?? err}`)));
    return box;
  }

  // ---- the run views of both runs, side by side, scrubbed together ----
  let pair = null; // {a, b}: the two mounted views of the comparison shown

  /** Timeline, cluster view and charts of A and B in two columns; scrubbing either moves
   * both. Mounted when asked (two more views are not free). */
  function sideBySide(a, b, nameA, nameB, baseText, variantText) {
    const box = el('div', { class: 'kv-compare-views', dataset: { testid: 'compare-views' } });
    const button = el('button', { type: 'button', class: 'kv-btn', dataset: { testid: 'compare-views-show' } }, 'Show both runs side by side');
    const note = el('span', { class: 'kv-muted' }, ' timeline, cluster view and charts of A and B, scrubbed together');
    const wrap = el('div', { class: 'kv-compare-side-by-side' }, el('p', {}, button, note), box);
    button.addEventListener('click', async () => {
      button.disabled = true;
      const { mountViews } = await import('./index.js');
      if (!box.isConnected) return;
      button.hidden = true;
      note.hidden = true;
      closePair();
      let syncing = false;
      /** One side: its own views over its own run, following the other side's time. */
      const mount = (tag, name, text, report) => {
        const inner = el('div', { class: 'kv-compare-view-body' });
        box.append(el('section', { class: 'kv-compare-view', dataset: { testid: `compare-view-${tag.toLowerCase()}` } },
          el('h4', {}, el('span', { class: 'kv-tag' }, tag), ` ${name}`), inner));
        const side = { engine: api.engine, getText: () => text, getOptions: () => api.optionsOf?.(text) ?? api.getOptions(), runVariant: api.runVariant };
        const views = mountViews(inner, side, {
          panels: ['timeline', 'cluster', 'charts'],
          onTime: (t) => {
            // (B is not mounted yet while A draws its first state.)
            const other = pair && (pair.a === views ? pair.b : pair.a);
            if (syncing || !other) return;
            syncing = true;
            other.setTime(t);
            syncing = false;
          },
        });
        views.update(report);
        return views;
      };
      pair = { a: null, b: null };
      pair.a = mount('A', nameA, baseText, a);
      pair.b = mount('B', nameB, variantText, b);
    });
    return wrap;
  }

  function closePair() {
    pair?.a?.destroy();
    pair?.b?.destroy();
    pair = null;
  }

  /** "Link to this comparison": a URL that opens this scenario and runs the comparison. */
  function linkRow(s, v) {
    if (!api.compareLink) return null;
    const out = el('input', { class: 'kv-input kv-link-out', readonly: true, hidden: true, 'aria-label': 'Link to this comparison', dataset: { testid: 'compare-link-url' } });
    const note = el('span', { class: 'kv-muted', role: 'status' });
    const button = el('button', {
      type: 'button',
      class: 'kv-btn',
      dataset: { testid: 'compare-link' },
      onclick: async () => {
        out.value = await api.compareLink(s.key, v);
        out.hidden = false;
        out.select();
        try {
          await navigator.clipboard.writeText(out.value);
          note.textContent = 'Link copied';
        } catch {
          note.textContent = 'Copy the link';
        }
      },
    }, 'Link to this comparison');
    return el('p', { class: 'kv-compare-link' }, button, out, note);
  }

  /** The first divergence `div` ({index, a, b, before: the shared events just before it};
   * null: identical runs of `events` trace events each; undefined: no traces to compare). */
  function divergence(div, events, nameA, nameB, a, b) {
    const box = el('div', { class: 'kv-divergence', dataset: { testid: 'first-divergence' } });
    if (div === undefined) return box.append(el('p', {}, 'Traces are needed to find the first divergence (run with trace: true).')), box;
    if (div === null) return box.append(el('p', {}, `The two runs are identical event for event (${fmtCount(events)} trace events): ${nameA} and ${nameB} make no difference here.`)), box;
    const t = (div.a ?? div.b).at_us;
    box.dataset.index = String(div.index);
    box.dataset.us = String(t);
    const fields = differingFields(div.a, div.b);
    const context = div.before;
    box.append(
      el('h4', {}, `First divergence at ${fmtTime(t)} (trace event ${fmtCount(div.index + 1)})`),
      context.length ? el('div', { class: 'kv-context' }, el('span', { class: 'kv-muted' }, 'both runs, just before:'),
        context.map((e) => el('code', {}, `${fmtTime(e.at_us)}  ${fmtEvent(e)}`))) : null,
      side('A', nameA, div.a, fields, a),
      side('B', nameB, div.b, fields, b),
      el('button', { type: 'button', class: 'kv-btn', dataset: { testid: 'compare-goto' }, onclick: () => {
        onPick(t);
        pair?.a?.setTime(t); // and the side-by-side views, when shown (B follows A)
      } }, `Show ${fmtTime(t)} in the timeline`));
    return box;
  }

  return {
    element: root,
    setReport,
    compareTo,
    destroy() {
      running += 1;
      closePair();
      root.remove();
    },
  };
}

function verdict(tag, name, what, r) {
  const exp = r.expectations ?? [];
  const failed = exp.filter((e) => !e.held);
  const s = r.summary;
  // Records exactly_once_v2 pipelines processed again after an abort are not a flaw.
  const reprocessed = (s.reprocessed ?? 0) - exactlyOnceReprocessed(r);
  const headline = s.lost ? `${fmtCount(s.lost)} acknowledged records lost` : s.duplicated ? `${fmtCount(s.duplicated)} duplicates`
    : s.pipeline_lost ? `${fmtCount(s.pipeline_lost)} pipeline inputs lost (committed past without an output)`
      : s.skipped ? `${fmtCount(s.skipped)} records skipped by a consumer group`
        : s.pipeline_duplicated ? `${fmtCount(s.pipeline_duplicated)} pipeline inputs duplicated (more than one output)`
          : reprocessed > 0 ? `${fmtCount(reprocessed)} records reprocessed by a consumer group`
            : s.failed ? `${fmtCount(s.failed)} sends failed`
              : Object.keys(r.pipelines ?? {}).length ? 'no acknowledged record lost, no pipeline input lost or duplicated' : 'no acknowledged record lost';
  const bad = s.lost || s.duplicated || s.skipped || s.pipeline_lost || s.pipeline_duplicated;
  return el('div', { class: `kv-verdict ${bad ? 'kv-verdict-bad' : 'kv-verdict-ok'}`, dataset: { testid: `compare-verdict-${tag.toLowerCase()}` } },
    el('h4', {}, el('span', { class: 'kv-tag' }, tag), ` ${name} `, el('span', { class: 'kv-muted' }, `(${what})`)),
    el('p', { class: 'kv-headline' }, headline),
    exp.length ? el('p', {}, failed.length ? `${failed.length} of ${exp.length} expectations failed: ${failed.map((e) => `line ${e.line} expect ${e.text}`).join('; ')}` : `all ${exp.length} expectations held`) : null,
    Object.keys(r.errors ?? {}).length ? el('p', {}, `errors: ${Object.entries(r.errors).map(([k, n]) => `${k} ×${n}`).join(', ')}`) : null,
    (r.explanations ?? []).length ? el('ul', { class: 'kv-explanations' }, r.explanations.slice(0, 3).map((x) => el('li', {}, x.text))) : null);
}

/** Every setting the change made different, the implied ones marked (acks=all also turns
 * on idempotence; a version line changes many defaults). */
function implied(a, b, s) {
  const changes = impliedChanges(a, b);
  if (!changes.length) return null;
  const others = changes.filter((c) => c.setting !== s.prop);
  return el('div', { class: 'kv-implied', dataset: { testid: 'compare-implied', count: String(changes.length) } },
    el('p', {}, others.length
      ? `Changing ${s.prop} changes ${others.length} more setting${others.length === 1 ? '' : 's'} with it (Kafka's rules and defaults):`
      : `B differs from A in ${s.prop} alone.`),
    el('ul', {}, changes.map((c) => el('li', { dataset: { setting: c.setting, derived: String(c.derived) } },
      el('code', {}, `${c.role} ${c.name}: ${c.setting} ${c.from} → ${c.to}`), c.derived ? el('span', { class: 'kv-muted' }, ' (derived)') : null))));
}

function summaryTable(a, b, nameA, nameB) {
  return el('div', { class: 'kv-table-wrap' }, el('table', { class: 'kv-table kv-compare-table', dataset: { testid: 'compare-summary' } },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, `A ${nameA}`), el('th', { scope: 'col' }, `B ${nameB}`))),
    el('tbody', {}, SUMMARY_FIELDS.map((f) => {
      const va = a.summary[f];
      const vb = b.summary[f];
      const sense = SUMMARY_SENSE[f] ?? 0;
      const dir = va === vb ? 'same' : sense === 0 ? 'changed' : Math.sign(vb - va) === sense ? 'better' : 'worse';
      return el('tr', { class: `${va !== vb ? 'kv-diff' : ''} kv-dir-${dir}`.trim(), dataset: { dir } }, el('th', { scope: 'row' }, f), el('td', { class: 'kv-num' }, fmtCount(va)), el('td', { class: 'kv-num' }, fmtCount(vb)));
    }))));
}

// kafka-producer-perf-test's figures of both runs (all producers), with B's change
// against A coloured by direction: more records/s or MB/s is better, less latency is.
/** @type {[string, (p: any) => number, number, (v: number) => string][]} */
const SPEED_FIELDS = [
  ['records/s', (p) => p.records_per_sec, 1, (v) => fmtCount(Math.round(v))],
  ['MB/s', (p) => p.mb_per_sec, 1, (v) => v.toFixed(2)],
  ['latency avg', (p) => p.latency_ms.avg, -1, fmtMs],
  ['latency p50', (p) => p.latency_ms.p50, -1, fmtMs],
  ['latency p99', (p) => p.latency_ms.p99, -1, fmtMs],
  ['latency max', (p) => p.latency_ms.max, -1, fmtMs],
];

function fmtMs(v) {
  return `${v < 10 ? v.toFixed(3) : v.toFixed(1)} ms`;
}

export function speedRows(a, b) {
  const pa = a.perf?.total;
  const pb = b.perf?.total;
  if (!pa || !pb || !pa.records || !pb.records) return [];
  return SPEED_FIELDS.map(([name, get, sense, fmt]) => {
    const va = get(pa);
    const vb = get(pb);
    const change = va === 0 ? (vb === 0 ? 0 : Infinity) : (vb - va) / va;
    // Within 1%: the same (integer time makes tiny differences noise, not a finding).
    const dir = Math.abs(change) < 0.01 ? 'same' : Math.sign(change) === sense ? 'better' : 'worse';
    return { name, a: fmt(va), b: fmt(vb), change, dir };
  });
}

function speedTable(a, b, nameA, nameB) {
  const rows = speedRows(a, b);
  if (!rows.length) return null;
  const pct = (c) => (Number.isFinite(c) ? `${c > 0 ? '+' : ''}${(c * 100).toFixed(Math.abs(c) < 0.1 ? 1 : 0)}%` : 'new');
  return el('div', { class: 'kv-table-wrap' }, el('table', { class: 'kv-table kv-compare-table kv-speed-table', dataset: { testid: 'compare-speed' } },
    el('caption', {}, 'Speed (kafka-producer-perf-test figures, all producers, over the busy window)'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, `A ${nameA}`), el('th', { scope: 'col' }, `B ${nameB}`), el('th', { scope: 'col' }, 'B vs A'))),
    el('tbody', {}, rows.map((r) => el('tr', { class: `kv-speed-${r.dir}`, dataset: { dir: r.dir } },
      el('th', { scope: 'row' }, r.name), el('td', { class: 'kv-num' }, r.a), el('td', { class: 'kv-num' }, r.b),
      el('td', { class: 'kv-num' }, r.dir === 'same' ? 'same' : `${pct(r.change)} ${r.dir}`))))));
}

function side(tag, name, e, fields, r) {
  const body = !e
    ? el('code', {}, `(no more events: this run ended at ${fmtTime(r.end_time_us)})`)
    : el('code', {}, `${fmtTime(e.at_us)}  `, el('strong', {}, e.type),
      Object.entries(e).filter(([k]) => k !== 'type' && k !== 'at_us').map(([k, v]) =>
        el('span', { class: fields && fields.includes(k) ? 'kv-field kv-diff' : 'kv-field' }, ` ${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`)));
  return el('div', { class: `kv-side ${fields ? '' : 'kv-diff-all'}` }, el('span', { class: 'kv-tag' }, tag), ' ', el('span', { class: 'kv-muted' }, name), body);
}
