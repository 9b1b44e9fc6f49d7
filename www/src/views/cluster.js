// The cluster view at the scrubbed moment (a Snapshot replayed by the engine): each
// broker's state (up, down after a process crash, powered off, paused, fenced); for each
// partition its leader, leader epoch and ISR; for each replica its log as cells (one per batch,
// coloured by producer, striped when transactional, dark for COMMIT/ABORT markers, greyed
// when aborted), with the HW, LSO, LEO and flushed markers, the dirty page-cache tail
// above the flushed offset (hatched: lost on power loss), and the offsets lost so far (the
// trace's `truncated` events and power losses' `crashed.lost`) as dashed ghosts under the
// log. Markers at one offset share one label ("HW · LEO 384"). Under the log, the segment
// files (the log view): each one spans its offsets, filled by how much of it is on disk
// (solid), only in the page cache (hatched) or evicted from the cache (pale), as vmtouch
// would show it; below the log start offset, what retention deleted. Each replica's
// "segments" list opens a segment file as kafka-dump-log.sh --deep-iteration prints it at
// the scrubbed moment (the engine's dump: CRCs, record lines; "print data" adds keys and
// payloads), Kafka's lines verbatim (segment-dump.js, loaded with the first list opened).
import { el, esc, fmtBytes, fmtList, fmtTime, producerColour, uid } from './format.js';
import { batchProducer } from './model.js';

const LABEL_ROWS = 2;
const ROW = 12;
const STRIP = 22;
const TAIL = 64;
const NARROW_PX = 500;
const DIRTY = 6;
const SEG = 14;

/** `at` time text for a scrubbed moment: whole milliseconds when exact, else µs. */
export function atText(us) {
  return us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`;
}

/**
 * @param {HTMLElement} parent
 * @param {{onFault?: (line: string) => void,
 *          dump?: (tUs: number, req: {tp: string, broker: number, base: number, data: boolean}) => Promise<string>}} [hooks]
 *   onFault: write a fault's timeline line into the scenario (faults by pointing; the text
 *   stays the only state); dump: a replica's segment file at virtual time tUs as
 *   kafka-dump-log prints it (engine.dumpAt for the run shown)
 */
export function createClusterView(parent, { onFault, dump } = {}) {
  const pat = uid('pat');
  const window_ = el('select', { class: 'kv-select', 'aria-label': 'Offsets shown' },
    el('option', { value: 'all' }, 'all offsets'),
    el('option', { value: 'tail' }, `last ${TAIL} offsets`));
  const body = el('div', { class: 'kv-cluster-body', 'aria-live': 'off' });
  const at = el('span', { class: 'kv-at' });
  const root = el('section', { class: 'kv-panel kv-cluster', part: 'cluster', dataset: { testid: 'view-cluster' } },
    el('header', { class: 'kv-panel-head' }, el('h3', {}, 'Cluster ', at), el('div', { class: 'kv-tools' }, el('label', { class: 'kv-check' }, 'Show ', window_))),
    defs(pat),
    body);
  parent.append(root);
  let last = null;
  window_.addEventListener('change', () => last && render(...last));
  let lastWidth = 0;
  const ro = new ResizeObserver(() => last && body.clientWidth !== lastWidth && render(...last));
  ro.observe(body);

  let focus = null;
  function render(snap, model) {
    last = [snap, model];
    const width = body.clientWidth || 600;
    lastWidth = width;
    at.textContent = `at ${fmtTime(snap.at_us)}`;
    // Narrow: each replica's label goes above its log instead of beside it.
    const narrow = width < NARROW_PX;
    body.classList.toggle('kv-narrow', narrow);
    const stripW = Math.max(160, width - (narrow ? 8 : 202));
    body.replaceChildren(
      brokers(snap),
      onFault ? faults(snap, model, onFault) : null,
      legend(model),
      ...snap.partitions.map((p) => partition(p, snap, model, stripW, pat, window_.value, dump)),
    );
    markFocus();
  }

  /** Outline the batches that hold the focused record, on every replica. */
  function markFocus() {
    for (const n of body.querySelectorAll('.kv-focus')) n.classList.remove('kv-focus');
    if (focus == null) return;
    for (const n of body.querySelectorAll(`[data-records~="${focus}"]`)) n.classList.add('kv-focus');
  }

  return {
    element: root,
    render,
    setFocus(id) {
      focus = id;
      markFocus();
    },
    clear() {
      last = null;
      at.textContent = '';
      body.replaceChildren(el('p', { class: 'kv-empty' }, 'No run yet.'));
    },
    destroy() {
      ro.disconnect();
      root.remove();
    },
  };
}

function brokers(snap) {
  return el('ul', { class: 'kv-brokers', 'aria-label': 'Brokers' }, snap.brokers.map((b) => {
    const name = `broker-${b.id}`;
    const st = !b.powered ? 'powered-off' : !b.up ? 'down' : b.paused ? 'paused' : b.fenced ? 'fenced' : 'up';
    const text = { 'powered-off': 'powered off', down: 'down (process crashed)', paused: 'paused (GC pause)', fenced: 'fenced', up: 'up' }[st];
    const fencedToo = b.fenced && st !== 'fenced' ? ', fenced' : '';
    return el('li', { class: `kv-broker kv-st-${st}`, dataset: { testid: 'broker-state', broker: name, state: st } },
      el('span', { class: 'kv-dot', 'aria-hidden': 'true' }), el('strong', {}, name), ` ${text}${fencedToo}`);
  }));
}

/** Faults by pointing: pick a broker and an action, or a directed link (client or broker
 * to client or broker) and cut it, drop or delay its next message; the line goes into the
 * scenario at the scrubbed moment and the run starts again. */
function faults(snap, model, onFault) {
  const at = atText(snap.at_us);
  const pick = el('select', { class: 'kv-select', 'aria-label': 'Broker', dataset: { testid: 'fault-broker' } },
    snap.brokers.map((b) => el('option', { value: `broker-${b.id}` }, `broker-${b.id}`)));
  const act = (label, build, title) =>
    el('button', { class: 'kv-btn', type: 'button', title, dataset: { testid: `fault-${label.replace(/\s+/g, '-')}` }, onclick: () => onFault(`at ${at} ${build(pick.value)}`) }, label);
  // A link's ends: the run's nodes (the lanes of the timeline); one end is a broker
  // (clients and the controller talk only to brokers).
  const nodes = model.lanes.map((l) => l.name);
  const isBroker = (n) => /^broker-\d+$/.test(n);
  const end = (label, testid, initial) => {
    const s = el('select', { class: 'kv-select', 'aria-label': label, dataset: { testid } }, nodes.map((n) => el('option', { value: n }, n)));
    s.value = initial ?? nodes[0];
    return s;
  };
  const firstBroker = nodes.find(isBroker);
  const from = end('From', 'fault-link-from', nodes.find((n) => n !== firstBroker) ?? nodes[0]);
  const to = end('To', 'fault-link-to', firstBroker);
  const linkButtons = [];
  const link = (label, build, title) => {
    const b = el('button', { class: 'kv-btn', type: 'button', title, dataset: { testid: `fault-link-${label.replace(/\s+/g, '-')}` }, onclick: () => onFault(`at ${at} ${build(`${from.value} -> ${to.value}`)}`) }, label);
    linkButtons.push(b);
    return b;
  };
  const sync = () => linkButtons.forEach((b) => (b.disabled = from.value === to.value || !(isBroker(from.value) || isBroker(to.value))));
  from.addEventListener('change', sync);
  to.addEventListener('change', sync);
  const box = el('div', { class: 'kv-faults-box' },
    el('div', { class: 'kv-faults', role: 'group', 'aria-label': `Add a broker fault at ${at}` },
      el('span', { class: 'kv-faults-label' }, `Add at ${fmtTime(snap.at_us)}:`),
      pick,
      act('crash', (b) => `crash ${b}`, 'the process dies; the page cache survives'),
      act('power off', (b) => `crash ${b} mode=power`, 'the machine loses power: what is only in the page cache is gone'),
      act('restart', (b) => `restart ${b}`, 'the broker starts again and recovers its logs'),
      act('isolate 10s', (b) => `isolate ${b} for 10s`, 'every link to and from the broker is down for 10 s'),
      act('shutdown', (b) => `shutdown ${b}`, 'controlled shutdown: leadership moves away first, logs are flushed')),
    nodes.length > 1
      ? el('div', { class: 'kv-faults', role: 'group', 'aria-label': `Add a link fault at ${at}` },
        el('span', { class: 'kv-faults-label' }, 'link'),
        from, el('span', { 'aria-hidden': 'true' }, '→'), to,
        link('cut 10s', (l) => `cut ${l} for 10s`, 'the directed link is down for 10 s: what is sent on it waits (TCP), then flows'),
        link('drop next', (l) => `drop ${l} count=1`, 'the next message on the link is lost (a Produce request, a response, a fetch...)'),
        link('delay next 200ms', (l) => `delay ${l} by=200ms count=1`, 'the next message on the link arrives 200 ms late; later ones may overtake it'))
      : null);
  sync();
  return box;
}

function legend(model) {
  const sw = (style, cls = '') => el('span', { class: `kv-swatch ${cls}`, style, 'aria-hidden': 'true' });
  return el('div', { class: 'kv-legend' },
    model.producers.map((p, i) => el('span', {}, sw({ background: producerColour(i) }), p)),
    el('span', {}, sw({}, 'kv-sw-txn'), 'transactional'),
    el('span', {}, sw({}, 'kv-sw-marker'), 'COMMIT/ABORT marker'),
    el('span', {}, sw({}, 'kv-sw-aborted'), 'aborted'),
    el('span', {}, sw({}, 'kv-sw-dirty'), 'page cache only (not on disk)'),
    el('span', {}, sw({}, 'kv-sw-trunc'), 'truncated or lost'),
    el('span', {}, sw({}, 'kv-sw-deleted'), 'deleted by retention'),
    el('span', {}, sw({}, 'kv-sw-seg'), 'segment files (bottom bar: on disk / page cache only; pale: evicted)'),
    el('span', { class: 'kv-legend-markers' }, mk('hw', 'HW'), mk('lso', 'LSO'), mk('leo', 'LEO'), mk('flushed', 'flushed'), mk('start', 'log start')));
}

function mk(cls, text) {
  return el('span', { class: `kv-mk kv-mk-${cls}` }, text);
}

function partition(p, snap, model, stripW, pat, mode, dump) {
  const ghosts = model.ghosts.filter((g) => g.tp === p.tp && g.at_us <= snap.at_us);
  let hi = 1;
  for (const r of p.replicas) hi = Math.max(hi, r.log_end_offset);
  for (const g of ghosts) hi = Math.max(hi, g.to);
  const lo = mode === 'tail' ? Math.max(0, hi - TAIL) : 0;
  const leader = p.leader == null ? el('strong', { class: 'kv-bad' }, 'OFFLINE (no leader)') : el('span', {}, 'leader ', el('strong', {}, `broker-${p.leader}`));
  return el('article', { class: 'kv-partition', dataset: { testid: 'partition', tp: p.tp } },
    el('h4', {}, el('span', { class: 'kv-tp' }, p.tp), ' · ', leader, ` · leader epoch ${p.leader_epoch} · ISR [${fmtList(p.isr)}]`),
    el('div', { class: 'kv-replicas' }, p.replicas.map((r) => replica(p, r, snap, model, ghosts, { lo, hi, w: stripW }, pat, dump))));
}

function replica(p, r, snap, model, ghosts, scale, pat, dump) {
  const b = snap.brokers.find((x) => x.id === r.broker);
  const name = `broker-${r.broker}`;
  const role = r.role === 'leader' ? 'leader' : r.role.startsWith('follower') ? 'follower' : r.role;
  const down = b && (!b.up || !b.powered);
  const badges = [
    el('span', { class: `kv-badge kv-role-${role}` }, role),
    el('span', { class: `kv-badge ${r.in_isr ? 'kv-ok' : 'kv-warn'}` }, r.in_isr ? 'in ISR' : 'out of ISR'),
    down ? el('span', { class: 'kv-badge kv-bad' }, b.powered ? 'down' : 'powered off') : null,
    b?.fenced ? el('span', { class: 'kv-badge kv-warn' }, 'fenced') : null,
  ];
  const start = r.log_start_offset > 0 ? `start ${r.log_start_offset} · ` : '';
  const nums = `${start}LEO ${r.log_end_offset} · HW ${r.high_watermark} · LSO ${r.last_stable_offset} · flushed ${r.flushed_offset} · epoch ${r.leader_epoch}`;
  const mine = ghosts.filter((g) => g.broker === name);
  const svg = strip(r, model, mine, scale, pat);
  return el('div', {
    class: `kv-replica${down ? ' kv-down' : ''}`,
    dataset: { testid: 'replica', tp: p.tp, broker: name, leo: r.log_end_offset, hw: r.high_watermark, lso: r.last_stable_offset, flushed: r.flushed_offset, role, isr: String(r.in_isr) },
  },
  el('div', { class: 'kv-replica-label' }, el('strong', {}, name), ' ', badges, el('div', { class: 'kv-nums' }, nums)),
  el('div', { class: 'kv-strip', innerHTML: svg, title: r.role }),
  files(p, r, snap, model, dump));
}

/** The replica's segment files as a list; opening one asks the engine for its dump at
 * the snapshot's moment (kafka-dump-log.sh --deep-iteration, with --print-data-log when
 * "print data" is ticked). */
function files(p, r, snap, model, dump) {
  const segs = r.segments ?? [];
  const list = el('ol', { class: 'kv-files' });
  const box = el('details', { class: 'kv-files-box', dataset: { testid: 'segments', count: segs.length } },
    el('summary', {}, `${segs.length} segment${segs.length === 1 ? '' : 's'}`), list);
  let loading = false;
  box.addEventListener('toggle', () => {
    if (!box.open || loading) return;
    loading = true;
    // The dump's code loads with the first segment list opened, not with the page.
    import('./segment-dump.js').then(
      (m) => list.append(...segs.map((seg) => el('li', {}, m.segmentFile(p, r, seg, snap, model, dump)))),
      (err) => {
        loading = false;
        list.append(el('li', { class: 'kv-bad' }, `Cannot load the segment dump: ${err?.message ?? err}`));
      },
    );
  });
  return box;
}

/** The log strip of one replica as SVG markup. */
function strip(r, model, ghosts, { lo, hi, w }, pat) {
  const span = Math.max(1, hi - lo);
  const x = (off) => ((Math.min(hi, Math.max(lo, off)) - lo) / span) * w;
  const top = LABEL_ROWS * ROW + 2;
  const ghostRows = placeGhosts(ghosts, (off) => ((Math.min(hi, Math.max(lo, off)) - lo) / Math.max(1, hi - lo)) * w);
  const ghostRow = ghostRows ? ghostRows * (ROW + 1) + 4 : 0;
  const segTop = top + STRIP + ghostRow + 3;
  const h = segTop + SEG + 2;
  const cellPx = w / span;
  const parts = [`<svg width="${w + 2}" height="${h}" viewBox="-1 0 ${w + 2} ${h}" role="img" aria-label="log of broker-${r.broker}: LEO ${r.log_end_offset}, HW ${r.high_watermark}, flushed ${r.flushed_offset}">`];
  parts.push(`<rect class="kv-log-bg" x="0" y="${top}" width="${w}" height="${STRIP}"/>`);
  // Batches, merged into runs of one kind when they are thinner than 2 px.
  let run = null;
  const flush = () => {
    if (!run) return;
    const x0 = x(run.a);
    const x1 = x(run.b + 1);
    const gap = x1 - x0 > 4 ? 1 : 0;
    const c = run.cell;
    const title = run.n > 1 ? `offsets ${run.a}–${run.b}: ${run.n} batches${run.prod ? ` from ${run.prod}` : ''}` : cellTitle(c, run.prod);
    const ids = run.ids.length <= 64 ? ` data-records="${run.ids.join(' ')}"` : '';
    parts.push(`<rect class="kv-cell ${run.cls}" x="${x0}" y="${top}" width="${Math.max(0.8, x1 - x0 - gap)}" height="${STRIP}" style="${run.fill}"${ids}><title>${esc(title)}</title></rect>`);
    if (c.transactional && !c.marker) parts.push(`<rect x="${x0}" y="${top}" width="${Math.max(0.8, x1 - x0 - gap)}" height="${STRIP}" fill="url(#${pat}-txn)" pointer-events="none"/>`);
    const text = c.marker ? c.marker[0] : run.n === 1 && cellPx >= 18 && c.base_offset === c.last_offset ? String(c.base_offset) : '';
    if (text && x1 - x0 >= 12) parts.push(`<text class="kv-cell-text" x="${(x0 + x1) / 2}" y="${top + STRIP / 2 + 4}" text-anchor="middle">${text}</text>`);
    run = null;
  };
  for (const c of r.batches) {
    if (c.last_offset < lo || c.base_offset >= hi) continue;
    const prod = batchProducer(model, c);
    const pi = prod == null ? -1 : model.producerIndex.get(prod) ?? 0;
    const cls = c.marker ? 'kv-marker' : c.aborted ? 'kv-aborted' : '';
    const key = `${cls}|${pi}|${c.transactional}`;
    const wide = (c.last_offset - c.base_offset + 1) * cellPx >= 4;
    if (run && run.key === key && !wide && x(c.last_offset + 1) - x(run.a) < 2) {
      run.b = c.last_offset;
      run.n += 1;
      if (run.ids.length <= 64) run.ids.push(...c.records);
      continue;
    }
    flush();
    const fill = c.marker || c.aborted || pi < 0 ? '' : `fill:${producerColour(pi)}`;
    run = { key, a: c.base_offset, b: c.last_offset, n: 1, cls, fill, cell: c, prod, ids: [...c.records] };
    if (wide) flush();
  }
  flush();
  // Per-offset ticks when offsets are wide enough to count.
  if (cellPx >= 7) {
    for (let o = lo + 1; o < Math.min(hi, r.log_end_offset); o++) parts.push(`<line class="kv-offset-tick" x1="${x(o)}" x2="${x(o)}" y1="${top + STRIP - 4}" y2="${top + STRIP}"/>`);
  }
  // The dirty page-cache tail (above the flushed offset, below the LEO): a hatched bar
  // along the bottom of the cells.
  if (r.flushed_offset < r.log_end_offset) {
    const a = x(r.flushed_offset);
    parts.push(`<rect class="kv-dirty" data-testid="dirty" x="${a}" y="${top + STRIP - DIRTY}" width="${Math.max(1, x(r.log_end_offset) - a)}" height="${DIRTY}" fill="url(#${pat}-dirty)"><title>offsets ${r.flushed_offset}–${r.log_end_offset - 1} only in the page cache (lost on power loss)</title></rect>`);
  }
  // Offsets lost so far (truncated, or unflushed at a power loss), as ghosts under the log.
  for (const g of ghosts) {
    const a = x(g.from);
    const b = x(g.to);
    const y = top + STRIP + 3 + g.row * (ROW + 1);
    const what = g.kind === 'truncated' ? 'truncated' : 'lost (power)';
    const text = `${g.kind === 'truncated' ? '✂' : '⚡'} ${g.from}–${g.to - 1} ${what}`;
    const tw = text.length * 6.2;
    const [tx, anchor] = b - a >= tw + 8 ? [a + 4, 'start'] : b + 4 + tw < w ? [b + 4, 'start'] : [a - 4, 'end'];
    const testid = g.kind === 'truncated' ? 'truncated' : 'lost';
    const tip = `${g.kind === 'truncated' ? 'truncated' : 'lost on power loss (never flushed)'}: offsets ${g.from}–${g.to - 1} at ${fmtTime(g.at_us)} (${g.records} records)`;
    parts.push(`<g class="kv-trunc" data-testid="${testid}" data-from="${g.from}" data-to="${g.to}"><title>${esc(tip)}</title><rect x="${a}" y="${y}" width="${Math.max(2, b - a)}" height="${ROW}"/><text x="${tx}" y="${y + ROW - 3}" text-anchor="${anchor}">${text}</text></g>`);
  }
  // Deleted by retention: below the log start offset.
  if (r.log_start_offset > lo) {
    const b = x(r.log_start_offset);
    parts.push(`<rect class="kv-deleted" data-testid="deleted" x="0" y="${top}" width="${Math.max(1, b)}" height="${STRIP}" fill="url(#${pat}-deleted)"><title>offsets ${lo}–${r.log_start_offset - 1}: deleted by retention (below the log start offset ${r.log_start_offset})</title></rect>`);
  }
  // The segment files, with what of each is on disk, only in the page cache, or evicted.
  for (const seg of r.segments ?? []) {
    if (seg.end_offset < lo || seg.base_offset > hi) continue;
    const a = x(seg.base_offset);
    const b = Math.max(a + 2, x(seg.end_offset));
    const wSeg = Math.max(1, b - a - 1);
    const size = Math.max(1, seg.size);
    const onDisk = (seg.flushed_bytes / size) * wSeg;
    const evicted = ((seg.size - seg.cached_bytes) / size) * wSeg;
    const tip = `segment ${seg.base_offset}${seg.active ? ' (active)' : ''}: offsets ${seg.base_offset}–${seg.end_offset - 1}, ${fmtBytes(seg.size)}, ${seg.batches} batches, ${seg.records} records; on disk ${fmtBytes(seg.flushed_bytes)}, page cache ${fmtBytes(seg.cached_bytes)}; index entries ${seg.offset_index_entries} offset / ${seg.time_index_entries} time`;
    parts.push(`<g class="kv-seg${seg.active ? ' kv-seg-active' : ''}" data-testid="segment" data-base="${seg.base_offset}" data-size="${seg.size}" data-flushed="${seg.flushed_bytes}" data-cached="${seg.cached_bytes}"><title>${esc(tip)}</title>`
      + `<rect class="kv-seg-box" x="${a}" y="${segTop}" width="${wSeg}" height="${SEG}"/>`
      + (onDisk > 0 ? `<rect class="kv-seg-disk" x="${a}" y="${segTop + SEG - 4}" width="${onDisk}" height="4"/>` : '')
      + (wSeg - onDisk > 0.5 && seg.size > seg.flushed_bytes ? `<rect x="${a + onDisk}" y="${segTop + SEG - 4}" width="${wSeg - onDisk}" height="4" fill="url(#${pat}-dirty)"/>` : '')
      + (evicted > 0.5 ? `<rect class="kv-seg-evicted" x="${a}" y="${segTop}" width="${evicted}" height="${SEG - 4}"/>` : '')
      + (wSeg > 46 ? `<text class="kv-seg-text" x="${a + 3}" y="${segTop + SEG - 6}">${seg.base_offset} · ${fmtBytes(seg.size)}</text>` : '')
      + '</g>');
  }
  // Markers; those at one offset share a label, labels too close take the other row.
  const markers = [
    ['flushed', r.flushed_offset, 'flushed'],
    ['hw', r.high_watermark, 'HW'],
    ['lso', r.last_stable_offset, 'LSO'],
    ['leo', r.log_end_offset, 'LEO'],
    ['start', r.log_start_offset, 'start'],
  ].filter(([cls, v]) => (cls !== 'lso' || v !== r.high_watermark) && (cls !== 'start' || v > 0));
  markers.sort((a, b) => a[1] - b[1]);
  const groups = [];
  for (const m of markers) {
    const g = groups[groups.length - 1];
    if (g && g.v === m[1]) g.members.push(m);
    else groups.push({ v: m[1], members: [m] });
  }
  const lastX = [-1e9, -1e9];
  for (const { v, members } of groups) {
    const mx = x(v);
    const label = `${members.map((m) => m[2]).join(' · ')} ${v}`;
    const lw = label.length * 7; // bold 10.5px
    let row = 0;
    if (mx - lw / 2 < lastX[0] + 4) row = 1;
    if (row === 1 && mx - lw / 2 < lastX[1] + 4) row = 0;
    const lx = Math.min(Math.max(lw / 2, mx), w - lw / 2);
    lastX[row] = lx + lw / 2;
    const ly = (LABEL_ROWS - row) * ROW - 2;
    const dim = v >= lo && v <= hi ? '' : ' opacity="0.5"';
    for (const [cls, , name] of members) {
      parts.push(`<g class="kv-mk-${cls}" data-testid="marker-${cls}" data-offset="${v}"${dim}><title>${name} ${v}</title><line x1="${mx}" x2="${mx}" y1="${ly + 2}" y2="${top + STRIP + 2}"/></g>`);
    }
    parts.push(`<text class="kv-mk-label kv-mk-${members[members.length - 1][0]}" x="${lx}" y="${ly}" text-anchor="middle"${dim}>${label}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function cellTitle(c, prod) {
  if (c.marker) return `${c.marker} marker at offset ${c.base_offset} (producer id ${c.producer_id}, leader epoch ${c.leader_epoch})`;
  const pid = c.producer_id >= 0 ? `, producer id ${c.producer_id}, base sequence ${c.base_sequence}` : '';
  return `offsets ${c.base_offset}–${c.last_offset}: batch ${c.batch}${prod ? ` from ${prod}` : ''}, ${c.records.length} records, leader epoch ${c.leader_epoch}${pid}${c.transactional ? ', transactional' : ''}${c.aborted ? ', ABORTED' : ''}`;
}

/** Rows for ghosts so overlapping ranges do not cover each other; returns the row count. */
function placeGhosts(ghosts, x) {
  const ends = [];
  for (const g of ghosts) {
    let row = ends.findIndex((end) => x(g.from) > end + 90);
    if (row < 0) row = ends.length;
    ends[row] = x(g.to);
    g.row = row;
  }
  return ends.length;
}

/** Patterns shared by every strip of this view (ids are unique per mounted view). */
function defs(pat) {
  const node = el('div', { class: 'kv-defs', 'aria-hidden': 'true' });
  node.innerHTML = `<svg width="0" height="0"><defs>
    <pattern id="${pat}-txn" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2.2" height="6" class="kv-pat-txn"/></pattern>
    <pattern id="${pat}-dirty" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="2" height="4" class="kv-pat-dirty"/></pattern>
    <pattern id="${pat}-deleted" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="1.2" height="5" class="kv-pat-deleted"/></pattern>
  </defs></svg>`;
  return node;
}
