// The consumer groups panel (report.groups, report.consumers and report.pipelines, the
// run's final state), loaded only for runs that have a group (a pipeline's consumer is
// in one). First the pipelines, if any: per pipeline its processing.guarantee, group,
// from → to topics and transactional.id, and its figures (inputs, outputs, processed,
// pending, the verdicts lost and duplicated, commits and aborted transactions), the
// verdicts coloured when not 0. Then for each group: its protocol and assignor,
// state, generation and leader; its rebalances on a strip over the run's time and as
// rows (generation, start–end, eager or cooperative, why, what each member revoked and
// was assigned); the final assignment, member → partitions; and per partition the
// committed offset, the log end offset and the lag. Under the groups, every consumer with
// its group, what its poll loop processed and the exception that stopped it, if any.
// Each group and pipeline also shows its promise (report.guarantee.by_group and
// by_pipeline): the level, what this run showed against it, and the reasons, each held or
// failed, with its settings and the faults it fails under.
// The rebalance under the scrubbed moment is marked; clicking one scrubs to its start.
import './groups.css';
import { el, fmtCount, fmtTime } from './format.js';

/**
 * @param {HTMLElement} parent
 * @param {{onPick?: (tUs: number) => void, before?: Element|null}} [hooks]
 */
export function createGroupsPanel(parent, { onPick, before = null } = {}) {
  const body = el('div', { class: 'kv-groups-body' });
  const title = el('h3', {}, 'Consumer groups');
  const root = el('section', { class: 'kv-panel kv-groups', part: 'groups', dataset: { testid: 'group-panel' }, 'aria-label': 'Consumer groups', hidden: true },
    el('header', { class: 'kv-panel-head' }, title, el('p', { class: 'kv-head-note kv-muted' }, 'at the end of the run')),
    body);
  parent.insertBefore(root, before);
  let rows = [];

  function update(report) {
    const groups = Object.entries(report.groups ?? {});
    const pipes = Object.entries(report.pipelines ?? {});
    root.hidden = groups.length === 0 && pipes.length === 0;
    title.textContent = pipes.length ? 'Pipelines and consumer groups' : 'Consumer groups';
    root.setAttribute('aria-label', title.textContent);
    const end = Math.max(1, report.end_time_us ?? 1);
    const by = report.guarantee ?? {};
    body.replaceChildren(pipelines(pipes, by.by_pipeline ?? {}), ...groups.map(([name, g]) => group(name, g, by.by_group?.[name], end, onPick)), consumers(report));
    rows = [...body.querySelectorAll('[data-testid="group-rebalance"]')];
  }

  return {
    element: root,
    update,
    /** Marks each rebalance as before, during or after the scrubbed moment. */
    setNow(t) {
      for (const r of rows) {
        const a = Number(r.dataset.start);
        const b = r.dataset.end === '' ? Infinity : Number(r.dataset.end);
        r.dataset.when = t < a ? 'future' : t <= b ? 'now' : 'past';
      }
    },
    clear() {
      root.hidden = true;
      body.replaceChildren();
      rows = [];
    },
    destroy() {
      root.remove();
    },
  };
}

function group(name, g, promised, end, onPick) {
  const members = new Map(g.members.map((m) => [m.consumer, m]));
  return el('article', { class: 'kv-group', dataset: { testid: 'group', group: name, state: g.state, generation: g.generation } },
    el('h4', {}, el('span', { class: 'kv-tp' }, name), ' · ', el('span', { class: `kv-badge ${g.state === 'Stable' ? 'kv-ok' : g.state === 'Empty' ? '' : 'kv-warn'}` }, g.state)),
    promise('group', promised),
    el('dl', { class: 'kv-facts' },
      fact('protocol', g.protocol),
      fact('assignor', g.assignor ?? '–'),
      fact('generation', String(g.generation)),
      fact('leader', g.leader ?? '–'),
      fact('processed', fmtCount(g.processed)),
      fact('reprocessed', fmtCount(g.reprocessed), g.reprocessed ? 'kv-warn-text' : ''),
      fact('skipped', fmtCount(g.skipped), g.skipped ? 'kv-bad-text' : '')),
    rebalances(g, end, onPick),
    el('h5', {}, 'Assignment'),
    Object.keys(g.assignment).length
      ? el('ul', { class: 'kv-assignment', dataset: { testid: 'group-assignment' } }, Object.entries(g.assignment).map(([m, tps]) => {
        const inst = members.get(m)?.group_instance_id;
        return el('li', { dataset: { member: m } }, el('strong', {}, m), inst ? el('span', { class: 'kv-muted' }, ` (${inst})`) : null, ` → ${tps.join(', ') || 'no partitions'}`);
      }))
      : el('p', { class: 'kv-empty' }, 'No members.'),
    el('h5', {}, `Committed offsets and lag (total ${fmtCount(g.lag)})`),
    g.offsets.length
      ? el('div', { class: 'kv-table-wrap' }, el('table', { class: 'kv-table kv-lag', dataset: { testid: 'group-lag', lag: g.lag } },
        el('thead', {}, el('tr', {}, [['partition'], ['committed', 'the group\'s committed offset: where a new owner resumes'], ['end offset', 'the log end offset a read_uncommitted consumer sees (the high watermark)'], ['lag', 'end offset − committed']]
          .map(([h, title]) => el('th', { scope: 'col', title, class: h === 'partition' ? '' : 'kv-num' }, h)))),
        el('tbody', {}, g.offsets.map((o) => el('tr', { dataset: { tp: o.tp, committed: o.committed ?? '', lag: o.lag }, class: o.lag ? 'kv-lagging' : '' },
          el('td', {}, o.tp),
          el('td', { class: 'kv-num' }, o.committed == null ? 'none' : fmtCount(o.committed)),
          el('td', { class: 'kv-num' }, fmtCount(o.end_offset)),
          el('td', { class: 'kv-num' }, fmtCount(o.lag)))))))
      : el('p', { class: 'kv-empty' }, 'Nothing committed.'));
}

function rebalances(g, end, onPick) {
  const list = g.rebalances;
  const head = el('h5', {}, `Rebalances (${list.length})`);
  if (!list.length) return [head, el('p', { class: 'kv-empty' }, 'None.')];
  const span = (r) => [r.started_us, r.ended_us ?? end];
  const strip = el('div', { class: 'kv-rb-strip', 'aria-hidden': 'true' }, list.map((r) => {
    const [a, b] = span(r);
    return el('span', { class: `kv-rb-bar kv-rb-${r.kind}`, title: `generation ${r.generation}: ${fmtTime(a)} – ${r.ended_us == null ? 'not finished' : fmtTime(b)}`, style: { left: `${(100 * a) / end}%`, width: `max(3px, ${(100 * (b - a)) / end}%)` } });
  }));
  const perMember = (pairs) => pairs.length ? pairs.map(([m, tps]) => `${m}: ${tps.join(', ') || '–'}`).join('; ') : '–';
  return [head, strip, el('ol', { class: 'kv-rebalances' }, list.map((r) => el('li', {
    class: 'kv-rb', dataset: { testid: 'group-rebalance', generation: r.generation, kind: r.kind, start: r.started_us, end: r.ended_us ?? '' },
  },
  el('button', { type: 'button', class: 'kv-link', title: 'show this moment', onclick: () => onPick?.(r.started_us) },
    `generation ${r.generation}`), ' ',
  el('span', { class: `kv-badge kv-rb-kind-${r.kind}` }, r.kind), ' ',
  el('span', { class: 'kv-muted' }, `${fmtTime(r.started_us)} – ${r.ended_us == null ? 'not finished' : `${fmtTime(r.ended_us)} (${fmtTime(r.ended_us - r.started_us)})`}`),
  el('div', { class: 'kv-rb-why' }, r.reason),
  el('div', { class: 'kv-rb-moves' }, el('span', { class: 'kv-muted' }, 'revoked '), perMember(r.revoked)),
  el('div', { class: 'kv-rb-moves' }, el('span', { class: 'kv-muted' }, 'assigned '), perMember(r.assigned)))))];
}

function consumers(report) {
  const list = Object.entries(report.consumers ?? {});
  if (!list.length) return null;
  return el('div', { class: 'kv-consumers' }, el('h5', {}, 'Consumers'),
    el('div', { class: 'kv-table-wrap' }, el('table', { class: 'kv-table', dataset: { testid: 'group-consumers' } },
      el('thead', {}, el('tr', {}, ['consumer', 'group', 'processed', 'partitions', 'error'].map((h) => el('th', { scope: 'col', class: h === 'processed' ? 'kv-num' : '' }, h)))),
      el('tbody', {}, list.map(([name, c]) => el('tr', { dataset: { consumer: name, processed: c.processed } },
        el('td', {}, el('strong', {}, name)),
        el('td', {}, c.group ?? '–'),
        el('td', { class: 'kv-num' }, fmtCount(c.processed)),
        el('td', {}, (c.assignment ?? []).join(', ') || '–'),
        el('td', { class: c.error ? 'kv-bad-text kv-wrap' : '' }, c.error ?? '–')))))));
}

// A pipeline's figures, in the order they are shown, with what each counts.
const PIPELINE_FIGURES = [
  ['inputs', 'input records in the final log of its from topic that it can read'],
  ['outputs', 'its output records a read_committed consumer finds in its to topic'],
  ['processed', 'inputs it processed (at least once)'],
  ['pending', 'inputs past its committed offset without an output yet: its group resumes there'],
  ['lost', 'inputs its group committed past without an output: nothing will process them again (pipeline_lost)'],
  ['duplicated', 'inputs with more than one output (pipeline_duplicated)'],
  ['commits', 'completed commits: transactions with their offsets (exactly_once_v2), or flush and commitSync'],
  ['aborted', 'transactions aborted after a failed commit (TaskMigratedException)'],
];

function pipelines(list, promises) {
  if (!list.length) return null;
  return el('div', { class: 'kv-pipelines', dataset: { testid: 'pipeline-panel' } },
    el('h4', {}, `Pipelines (${list.length})`),
    list.map(([name, p]) => {
      const eos = p.guarantee === 'exactly_once_v2';
      const verdict = p.lost ? 'lost' : p.duplicated ? 'duplicated' : 'clean';
      return el('article', { class: 'kv-pipeline', dataset: { testid: 'pipeline', pipeline: name, guarantee: p.guarantee, verdict } },
        el('h5', {}, el('span', { class: 'kv-tp' }, name), ' · ',
          el('span', { class: `kv-badge ${eos ? 'kv-ok' : 'kv-warn'}`, title: eos ? 'outputs and input offsets commit in one transaction (sendOffsetsToTransaction)' : 'outputs are flushed, then the input offsets committed apart: a crash in between processes inputs again' }, p.guarantee)),
        el('p', { class: 'kv-pipe-flow' },
          el('span', { class: 'kv-muted' }, 'reads '), el('strong', { dataset: { testid: 'pipeline-from' } }, p.from),
          el('span', { class: 'kv-muted' }, ' → writes '), el('strong', { dataset: { testid: 'pipeline-to' } }, p.to),
          el('span', { class: 'kv-muted' }, ' · group '), el('strong', {}, p.group),
          p.transactional_id ? [el('span', { class: 'kv-muted' }, ' · transactional.id '), el('strong', {}, p.transactional_id)] : null),
        promise('pipeline', promises[name]),
        el('dl', { class: 'kv-facts' }, PIPELINE_FIGURES.map(([f, help]) => {
          const v = p[f] ?? 0;
          const cls = v && f === 'lost' ? 'kv-bad-text' : v && f === 'duplicated' ? 'kv-warn-text' : '';
          return el('div', { title: help, dataset: { figure: f, value: v } }, el('dt', {}, f), el('dd', { class: cls }, fmtCount(v)));
        })));
    }));
}

// What each property means for a group's records and for a pipeline's inputs.
const PROPERTY = {
  group: { durability: 'no record skipped', 'no-duplicates': 'no record processed twice' },
  pipeline: { durability: 'no input lost', 'no-duplicates': 'no input with two outputs', 'across-sessions': 'one output per input, across crashes' },
};
// The level's badge: a group promises at-least-once or nothing; a pipeline one of the
// producer's levels.
const LEVEL = {
  group: { 'at-least-once': 'at-least-once', none: 'none: may skip records' },
  pipeline: { none: 'none: may lose inputs', 'at-most-once': 'at-most-once: may lose inputs', 'at-least-once': 'at-least-once', 'exactly-once-transactional': 'exactly-once (transactions)' },
};

/** A group's or a pipeline's promise (`kind`: 'group' or 'pipeline'): the level, what
 * this run showed against it, and why. */
function promise(kind, g) {
  if (!g) return null;
  const o = g.observed;
  // At-least-once is all a group can promise; a pipeline can promise exactly-once.
  const tone = g.promised === 'exactly-once-transactional' || (kind === 'group' && g.promised === 'at-least-once') ? 'kv-ok' : g.promised === 'at-least-once' ? 'kv-warn' : 'kv-bad';
  return el('div', { class: 'kv-promise', dataset: { testid: `${kind}-promise`, level: g.promised, breaks: o.breaks_promise, clean: o.clean } },
    el('p', { class: 'kv-promise-line' },
      el('span', { class: 'kv-muted' }, 'promises '),
      el('span', { class: `kv-badge ${tone}`, dataset: { testid: `${kind}-level` } }, LEVEL[kind][g.promised] ?? g.promised),
      el('span', { class: 'kv-muted' }, ' · this run: '),
      el('span', { class: o.breaks_promise ? 'kv-bad-text kv-strong' : o.clean ? '' : 'kv-warn-text', dataset: { testid: `${kind}-observed` } }, o.text)),
    // One line per reason; its explanation opens on a click, and is open for a failing
    // durability reason: what lets the records be skipped or lost.
    el('ul', { class: 'kv-reasons', dataset: { testid: `${kind}-reasons` } }, g.reasons.map((r) => {
      const bad = !r.holds && r.property === 'durability';
      return el('li', { class: r.holds ? 'kv-holds' : bad ? 'kv-fails' : 'kv-fails kv-allowed', dataset: { holds: r.holds, property: r.property } },
        el('details', { open: bad },
          el('summary', { title: 'why' },
            el('span', { class: 'kv-yn', 'aria-label': r.holds ? 'holds' : 'fails' }, r.holds ? '✓' : '✗'), ' ',
            el('strong', {}, PROPERTY[kind][r.property] ?? r.property),
            r.settings.length ? [' ', el('code', {}, r.settings.join(', '))] : null,
            r.fails_under.length ? el('span', { class: 'kv-muted' }, ` · fails under ${r.fails_under.join(', ')}`) : null),
          el('div', { class: 'kv-reason-text' }, r.text)));
    })));
}

function fact(name, value, cls = '') {
  return el('div', {}, el('dt', {}, name), el('dd', { class: cls }, value));
}
