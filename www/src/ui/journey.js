// The journey panel: one record from send() to its copies in the final log, as a list
// of timed steps (core/journey.js builds them from the report's trace), with the
// simulator's explanation when the record is part of an anomaly. Each step's time is a
// link: the run views move to that moment. Under them, "On disk" (ui/disk.js, loaded with
// the first journey shown): the segment file of each copy in the final log, and its
// batch as kafka-dump-log prints it.
import { fmtUs } from '../core/format.js';
import { recordJourney } from '../core/journey.js';
import { fill, h } from './dom.js';

/**
 * @param {HTMLElement} root
 * @param {{onStep?: (atUs: number) => void,
 *          dump?: (report: object, req: {tp: string, broker: number, base: number, data: boolean}) => Promise<string>,
 *          journey?: (report: object, id: number) => Promise<import('../core/journey.js').Journey | null>}} [hooks]
 *   onStep: a step's time, clicked; dump: a segment file of the report's run at its end,
 *   as kafka-dump-log prints it (engine.dumpAt); journey: the journey of a record of a
 *   paged run (report.paged: its trace stayed in the worker; engine.journey)
 */
export function createJourneyPanel(root, { onStep, dump, journey } = {}) {
  root.classList.add('kp-journey');
  root.dataset.testid = 'journey';
  let shown = 0; // journeys shown: a section loaded for an earlier one is dropped
  let disk = null;
  const empty = () => {
    shown += 1;
    root.replaceChildren(h('p', { class: 'kp-muted' }, 'Pick a record in the grid to follow its journey.'));
  };
  empty();

  return {
    show(report, id) {
      if (id === null || id === undefined) return empty();
      if (report.paged && journey) {
        const asked = ++shown;
        root.dataset.record = String(id);
        fill(root, h('p', { class: 'kp-muted' }, `Reading the journey of record ${id}…`));
        journey(report, id).then(
          (j) => asked === shown && (j ? render(report, id, j) : empty()),
          (err) => asked === shown && fill(root, h('p', { class: 'kp-muted' }, `Cannot read the journey of record ${id}: ${err.message ?? err}`)),
        );
        return;
      }
      const j = recordJourney(report, id);
      if (!j) return empty();
      render(report, id, j);
    },
    clear: empty,
  };

  /** Draws journey `j` of record `id` (of `report`). */
  function render(report, id, j) {
    const mine = ++shown;
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
    );
    if (j.tp) {
      disk ??= import('./disk.js');
      disk.then(
        (m) => mine === shown && root.append(m.onDisk(report, j, dump)),
        (err) => console.error('kplay: cannot load the journey\'s "On disk" section', err),
      );
    }
  }
}
