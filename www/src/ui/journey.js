// The journey panel: one record from send() to its copies in the final log, as a list
// of timed steps (core/journey.js builds them from the report's trace), with the
// simulator's explanation when the record is part of an anomaly. Each step's time is a
// link: the run views move to that moment.
import { fmtUs } from '../core/format.js';
import { recordJourney } from '../core/journey.js';
import { fill, h } from './dom.js';

/**
 * @param {HTMLElement} root
 * @param {{onStep?: (atUs: number) => void}} [hooks] a step's time, clicked
 */
export function createJourneyPanel(root, { onStep } = {}) {
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
      );
    },
    clear: empty,
  };
}
