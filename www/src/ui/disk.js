// The journey's "On disk" section (loaded with the first journey shown, not with the
// page): for each replica holding a copy of the record in the final log, its segment
// file, and "Dump batch", which asks the engine for that segment as kafka-dump-log.sh
// --deep-iteration prints it at the end of the run and shows the lines of the record's
// batch (Kafka's lines verbatim), the record's own line marked.
import '../styles/disk.css';
import { batchInDump, diskCopies, recordLineFits } from '../core/disk.js';
import { h } from './dom.js';

/** The "On disk" section: where the record's copies are, and each one's batch on demand. */
export function onDisk(report, j, dump) {
  const r = j.record;
  const copies = diskCopies(report, j.tp, r);
  const data = h('input', { type: 'checkbox', 'data-testid': 'disk-data' });
  const redo = []; // the dumps shown, to ask again with or without data
  data.addEventListener('change', () => redo.forEach((fn) => fn()));
  const rows = copies.map((c) => {
    const caption = h('p', { class: 'kp-disk-status', role: 'status', 'data-testid': 'disk-status' });
    const pre = h('pre', { class: 'kp-dump', 'data-testid': 'disk-dump', tabindex: 0, hidden: true, 'aria-label': `kafka-dump-log lines of the batch holding offset ${c.offset} on broker-${c.broker}` });
    const button = h('button', { type: 'button', class: 'kp-disk-dump', 'data-testid': 'dump-batch', 'aria-label': `Dump the batch of offset ${c.offset} on broker-${c.broker}` }, 'Dump batch');
    let asked = 0;
    async function load() {
      const mine = ++asked;
      button.disabled = true;
      caption.classList.remove('kp-bad');
      caption.textContent = 'loading…';
      let text;
      try {
        if (!dump) throw new Error('no engine to dump it with');
        text = await dump(report, { tp: j.tp, broker: c.broker, base: c.base, data: data.checked });
      } catch (err) {
        if (mine !== asked) return;
        button.disabled = false;
        pre.hidden = true;
        caption.classList.add('kp-bad');
        caption.textContent = `Cannot dump ${c.file} of broker-${c.broker}: ${err?.message ?? err}`;
        return;
      }
      if (mine !== asked) return;
      button.disabled = false;
      const b = batchInDump(text, c.offset);
      if (!b) {
        pre.hidden = true;
        caption.classList.add('kp-bad');
        caption.textContent = `broker-${c.broker}'s ${c.file} has no batch holding offset ${c.offset}.`;
        return;
      }
      const other = b.hit >= 0 && !recordLineFits(b.lines[b.hit], r);
      row.dataset.position = String(b.position);
      caption.textContent = `batch at position ${b.position} of ${b.path ?? c.file} (offsets ${b.baseOffset}–${b.lastOffset}), as kafka-dump-log.sh --deep-iteration${data.checked ? ' --print-data-log' : ''} prints it at the end of the run${other ? `. Not this record: its key or timestamp differs, so broker-${c.broker}'s log holds another record at offset ${c.offset}` : ''}`;
      pre.replaceChildren(...b.lines.flatMap((line, i) => [
        i === 0 ? h('span', { class: 'kp-dump-batch' }, line) : i === b.hit ? h('mark', { class: 'kp-dump-hit', 'data-testid': 'disk-hit' }, line) : line,
        i < b.lines.length - 1 ? '\n' : null,
      ]));
      pre.hidden = false;
      if (!redo.includes(load)) redo.push(load);
    }
    button.addEventListener('click', load);
    const role = c.role === 'leader' ? 'leader' : c.role.startsWith('follower') ? 'follower' : c.role;
    const row = h('li', { 'data-testid': 'disk-copy', 'data-broker': c.broker, 'data-offset': c.offset, 'data-base': c.base },
      h('div', { class: 'kp-disk-row' },
        h('span', {}, h('strong', {}, `broker-${c.broker}`), ` ${role}${c.down ? ', down' : ''}${c.final ? ' · the final log' : ''} · offset ${c.offset} in `, h('code', { 'data-testid': 'disk-file' }, c.file), c.active ? ' (active)' : ''),
        button),
      caption, pre);
    return row;
  });
  return h('section', { class: 'kp-disk', 'data-testid': 'on-disk', 'aria-label': 'On disk' },
    h('div', { class: 'kp-disk-head' },
      h('h4', {}, 'On disk'),
      copies.length ? h('label', { class: 'kp-disk-check', title: 'kafka-dump-log.sh --print-data-log' }, data, 'print data (keys and payloads)') : null),
    copies.length
      ? h('ul', { class: 'kp-disk-list' }, rows)
      : h('p', { class: 'kp-muted' }, 'No copy in the final log, so no segment file to show.', r.outcome === 'aborted' ? ' (An aborted record stays in the log, skipped by read_committed readers: the cluster view\'s segment files show its batch.)' : ''));
}
