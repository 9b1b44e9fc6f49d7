// A segment file in the cluster view's segment lists (loaded with the first list opened):
// its summary line, and once opened the engine's dump of it at the scrubbed moment as
// kafka-dump-log.sh --deep-iteration prints it (with --print-data-log when "print data"
// is ticked), Kafka's lines verbatim; kplay's notes (which producer wrote a batch,
// aborted, compacted) go in a line above it and in each batch line's tooltip.
import { el, fmtBytes, fmtTime } from './format.js';
import { batchProducer } from './model.js';

/**
 * @param p the snapshot's partition, @param r its replica, @param seg one of its segments,
 * @param snap the snapshot, @param model the run's model (views/model.js)
 * @param {(tUs: number, req: {tp: string, broker: number, base: number, data: boolean}) => Promise<string>} [dump]
 */
export function segmentFile(p, r, seg, snap, model, dump) {
  const name = `${String(seg.base_offset).padStart(20, '0')}.log`;
  const status = el('p', { class: 'kv-dump-status', role: 'status', dataset: { testid: 'dump-status' } });
  const notes = el('p', { class: 'kv-dump-note', dataset: { testid: 'dump-notes' }, hidden: true });
  const pre = el('pre', { class: 'kv-dump', dataset: { testid: 'dump', state: 'idle' }, tabindex: 0, 'aria-label': `kafka-dump-log output for ${name} on broker-${r.broker}`, hidden: true });
  const data = el('input', { type: 'checkbox', dataset: { testid: 'dump-data' } });
  const tools = el('div', { class: 'kv-dump-tools' },
    el('label', { class: 'kv-check', title: 'kafka-dump-log.sh --print-data-log' }, data, 'print data (keys and payloads)'),
    status);
  const item = el('details', { class: 'kv-file', dataset: { testid: 'segment-file', base: seg.base_offset } },
    el('summary', {}, `${name} · ${fmtBytes(seg.size)} · ${seg.batches} batches${seg.active ? ' · active' : ''} · disk ${fmtBytes(seg.flushed_bytes)} · cache ${fmtBytes(seg.cached_bytes)}`),
    tools, notes, pre);
  let asked = 0;
  async function load() {
    const mine = ++asked;
    pre.dataset.state = 'loading';
    status.classList.remove('kv-bad');
    status.textContent = 'loading…';
    if (!dump) {
      pre.dataset.state = 'error';
      status.textContent = 'No engine to dump the segment with.';
      return;
    }
    let text;
    try {
      text = await dump(snap.at_us, { tp: p.tp, broker: r.broker, base: seg.base_offset, data: data.checked });
    } catch (err) {
      if (mine !== asked) return;
      pre.dataset.state = 'error';
      pre.hidden = true;
      notes.hidden = true;
      status.classList.add('kv-bad');
      status.textContent = `Cannot dump ${name}: ${err?.message ?? err}`;
      return;
    }
    if (mine !== asked) return;
    const { children, note } = dumpLines(text, r, model);
    pre.replaceChildren(...children);
    notes.textContent = note;
    notes.hidden = !note;
    pre.hidden = false;
    pre.dataset.state = 'done';
    pre.dataset.data = String(data.checked);
    status.textContent = `kafka-dump-log.sh --files ${name} --deep-iteration${data.checked ? ' --print-data-log' : ''} at ${fmtTime(snap.at_us)}`;
  }
  item.addEventListener('toggle', () => {
    if (item.open && pre.dataset.state === 'idle') load();
  });
  data.addEventListener('change', () => item.open && load());
  return item;
}

/** The dump's text as <pre> children, Kafka's lines verbatim (the text content is the
 * dump): each batch line a span whose tooltip says what kplay knows of it (its producer,
 * aborted, compacted), aborted ones dimmed; and a note that sums those up. */
function dumpLines(text, r, model) {
  const byBase = new Map(r.batches.map((b) => [b.base_offset, b]));
  const children = [];
  let plain = '';
  const producers = new Map(); // name -> batches
  const aborted = [];
  let compacted = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const nl = i < lines.length - 1 ? '\n' : '';
    const m = /^baseOffset: (\d+) lastOffset: \d+ /.exec(line);
    const cell = m ? byBase.get(Number(m[1])) : null;
    if (!cell) {
      plain += line + nl;
      return;
    }
    if (plain) children.push(plain);
    plain = nl;
    const prod = batchProducer(model, cell);
    const tips = [prod ? `written by ${prod}` : null, cell.marker ? `${cell.marker} marker` : null, cell.aborted ? 'aborted (its transaction was aborted)' : null, cell.cleaned ? 'compacted (rewritten by the log cleaner)' : null].filter(Boolean);
    if (prod && !cell.marker) producers.set(prod, (producers.get(prod) ?? 0) + 1);
    if (cell.aborted) {
      const prev = aborted[aborted.length - 1];
      if (prev && prev[1] + 1 === cell.base_offset) prev[1] = cell.last_offset;
      else aborted.push([cell.base_offset, cell.last_offset]);
    }
    if (cell.cleaned) compacted += 1;
    const cls = `kv-dump-batch${cell.aborted ? ' kv-dump-aborted' : ''}${cell.cleaned ? ' kv-dump-compacted' : ''}${cell.marker ? ' kv-dump-marker' : ''}`;
    children.push(el('span', { class: cls, title: tips.join('; ') || null, dataset: { producer: prod ?? '', aborted: String(!!cell.aborted), compacted: String(!!cell.cleaned) } }, line));
  });
  if (plain) children.push(plain);
  const parts = [];
  if (producers.size) parts.push(`batches by ${[...producers].map(([name, n]) => `${name} (${n})`).join(', ')}`);
  if (aborted.length) parts.push(`aborted (dimmed): offsets ${aborted.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ')}`);
  if (compacted) parts.push(`${compacted} compacted by the log cleaner`);
  const note = parts.length ? `kplay: ${parts.join(' · ')}. Hover a batch line for its producer.` : '';
  return { children, note };
}
