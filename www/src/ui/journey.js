// The journey panel: one record from send() to its copies in the final log, as a list
// of timed steps (core/journey.js builds them from the report's trace), with the
// simulator's explanation when the record is part of an anomaly. Each step's time is a
// link: the run views move to that moment. "On disk": for each replica holding one of
// its copies in the final log, the segment file (from the report), and "Dump batch",
// which asks the engine for that segment as kafka-dump-log.sh --deep-iteration prints it
// at the end of the run and shows the lines of the record's batch, its own line marked.
import { fmtUs } from '../core/format.js';
import { batchInDump, diskCopies, recordJourney, recordLineFits } from '../core/journey.js';
import { fill, h } from './dom.js';

/**
 * @param {HTMLElement} root
 * @param {{onStep?: (atUs: number) => void,
 *          dump?: (report: object, req: {tp: string, broker: number, base: number, data: boolean}) => Promise<string>}} [hooks]
 *   onStep: a step's time, clicked; dump: a segment file of the report's run at its end,
 *   as kafka-dump-log prints it (engine.dumpAt)
 */
export function createJourneyPanel(root, { onStep, dump } = {}) {
  root.classList.add('kp-journey');
  root.dataset.testid = 'journey';
  const empty = () => root.replaceChildren(h('p', { class: 'kp-muted' }, 'Pick a record in the grid to follow its journey.'));
  empty();

  return {
    show(report, id) {
      if (id === null || id === undefined) return empty();
      const j = recordJourney(report, id);
      if (!j) return empty();
      const r = j.record;
      root.dataset.record = String(id);
      const facts = [
        ['outcome', `${r.outcome}${r.reordered ? ' (reordered)' : ''}`],
        ['producer', r.producer],
        ['key', r.key === null ? 'null' : r.key],
        ['partition', j.tp ?? (r.partition === null ? '—' : String(r.partition))],
        ['batch', r.batch === null ? '— (never batched)' : `${r.batch} (${j.batchRecords.length} record${j.batchRecords.length === 1 ? '' : 's'})`],
        ['sent', fmtUs(r.sent_us)],
        ['result', r.result === 'acked' ? `acked at ${fmtUs(r.result_us)}, offset ${r.offset}` : r.result === 'failed' ? `${r.error} at ${fmtUs(r.result_us)}` : 'none by the end of the run'],
        ['copies in the final log', r.copies.length ? `offset${r.copies.length > 1 ? 's' : ''} ${r.copies.join(', ')}` : 'none'],
      ];
      fill(
        root,
        h('h3', { 'data-testid': 'journey-title' }, `Record ${id}`, h('span', { class: `kp-tag kp-tag-${r.outcome}` }, r.outcome)),
        h('dl', { class: 'kp-facts' }, facts.map(([k, v]) => h('div', { 'data-fact': k }, h('dt', {}, k), h('dd', {}, v)))),
        j.explanations.length ? h('div', { class: 'kp-journey-why' }, j.explanations.map((x) => h('p', {}, x.text))) : null,
        h(
          'ol',
          { class: 'kp-steps', 'data-testid': 'journey-steps', 'aria-label': `Journey of record ${id}` },
          j.steps.map((s) =>
            h(
              'li',
              { 'data-kind': s.kind, 'data-at': s.at_us },
              h('time', {}, onStep ? h('button', { class: 'kp-link kp-step-time', type: 'button', title: 'show this moment in the timeline and the cluster view', onclick: () => onStep(s.at_us) }, fmtUs(s.at_us)) : fmtUs(s.at_us)),
              h('span', { class: 'kp-actor' }, s.actor),
              h('span', { class: 'kp-step' }, s.text),
            ),
          ),
        ),
        j.tp ? onDisk(report, j, dump) : null,
      );
    },
    clear: empty,
  };
}

/** The "On disk" section: where the record's copies are, and each one's batch on demand. */
function onDisk(report, j, dump) {
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
      : h('p', { class: 'kp-muted' }, 'No copy in the final log, so no segment file to show.'));
}
