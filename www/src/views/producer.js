// The producer view at the scrubbed moment: for each producer its producer id and epoch,
// transaction state (TransactionManager's names) and whether send() is blocked; the
// buffer pool (buffer.memory used of total); every batch in the accumulator or in flight
// with its fill against batch.size, its age against linger.ms, its state (open, full,
// retry = backing off, in_flight), attempts, base sequence and why it was sealed (the
// trace's batch_drained.reason); the connections to brokers with the correlation ids in
// flight (and the batches they carry); and the idempotent sequences per partition.
import { el, fmtBytes, fmtCount, fmtTime, producerColour } from './format.js';
import { sealReason } from './model.js';

const MAX_ROWS = 40;
const STATE_LABEL = { open: 'open', full: 'full', retry: 'retry (backoff)', in_flight: 'in flight' };

export function createProducerView(parent) {
  const body = el('div', { class: 'kv-producer-body' });
  const at = el('span', { class: 'kv-at' });
  const root = el('section', { class: 'kv-panel kv-producers', part: 'producer', dataset: { testid: 'view-producer' } },
    el('header', { class: 'kv-panel-head' }, el('h3', {}, 'Producers ', at)),
    body);
  parent.append(root);

  function render(snap, model) {
    at.textContent = `at ${fmtTime(snap.at_us)}`;
    if (snap.producers.length === 0) {
      body.replaceChildren(el('p', { class: 'kv-empty' }, 'No producers in this scenario.'));
      return;
    }
    body.replaceChildren(...snap.producers.map((p) => producer(p, snap, model)));
  }

  return {
    element: root,
    render,
    clear() {
      at.textContent = '';
      body.replaceChildren(el('p', { class: 'kv-empty' }, 'No run yet.'));
    },
    destroy() {
      root.remove();
    },
  };
}

function producer(p, snap, model) {
  const colour = producerColour(model.producerIndex.get(p.name) ?? 0);
  const idem = p.producer_id >= 0;
  const usedPct = p.buffer_total_bytes ? (100 * p.buffer_used_bytes) / p.buffer_total_bytes : 0;
  const counts = {};
  for (const b of p.batches) counts[b.state] = (counts[b.state] ?? 0) + 1;
  return el('article', { class: 'kv-producer', dataset: { testid: 'producer', name: p.name } },
    el('h4', {}, el('span', { class: 'kv-swatch', style: { background: colour }, 'aria-hidden': 'true' }), p.name),
    el('dl', { class: 'kv-facts' },
      fact('producer id', idem ? String(p.producer_id) : 'none (not idempotent)'),
      fact('epoch', idem ? String(p.producer_epoch) : '–'),
      fact('transaction', p.transaction),
      fact('send()', p.blocked ? el('span', { class: 'kv-warn-text', dataset: { testid: 'blocked' } }, `blocked on ${p.blocked}`) : 'not blocked'),
      fact('linger.ms', fmtTime(p.linger_us))),
    el('div', { class: 'kv-pool' },
      el('span', { class: 'kv-pool-label' }, 'buffer.memory'),
      meter(usedPct, `${fmtBytes(p.buffer_used_bytes)} used of ${fmtBytes(p.buffer_total_bytes)}`, usedPct > 90 ? 'kv-bad' : '', { testid: 'buffer-pool' }),
      el('span', { class: 'kv-pool-text' }, `${fmtBytes(p.buffer_used_bytes)} / ${fmtBytes(p.buffer_total_bytes)}`)),
    batches(p, snap, model, counts),
    connections(p, model),
    idem && p.sequences.length ? sequences(p) : null);
}

function fact(name, value) {
  return el('div', {}, el('dt', {}, name), el('dd', {}, value));
}

function meter(pct, label, cls = '', dataset = {}) {
  const v = Math.max(0, Math.min(100, pct));
  return el('span', { class: `kv-meter ${cls}`, role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(v)), 'aria-label': label, title: label, dataset },
    el('span', { class: 'kv-meter-fill', style: { width: `${v}%` } }));
}

function batches(p, snap, model, counts) {
  const summary = Object.entries(counts).map(([s, n]) => `${n} ${STATE_LABEL[s] ?? s}`).join(', ');
  const head = el('h5', {}, `Batches (${p.batches.length ? summary : 'none'})`);
  if (p.batches.length === 0) return el('div', { class: 'kv-batches' }, head);
  const sorted = [...p.batches].sort((a, b) => a.tp.localeCompare(b.tp, 'en', { numeric: true }) || a.batch - b.batch);
  const idem = p.producer_id >= 0;
  const rows = sorted.slice(0, MAX_ROWS).map((b) => {
    const seal = b.state === 'in_flight' || b.state === 'retry' ? sealReason(model, p.name, b.batch, snap.at_us) : null;
    const sealed = b.state === 'full' ? 'full' : seal ? seal.reason.replaceAll('_', ' ') : '–';
    const fill = b.capacity ? (100 * b.bytes) / b.capacity : 0;
    const agePct = p.linger_us ? (100 * b.age_us) / p.linger_us : b.age_us > 0 ? 100 : 0;
    const state = `${STATE_LABEL[b.state] ?? b.state}${b.attempts > 1 || b.state === 'retry' ? ` #${b.attempts}` : ''}`;
    return el('tr', { dataset: { testid: 'batch', batch: b.batch, state: b.state } },
      el('td', { class: 'kv-num' }, String(b.batch)),
      el('td', {}, b.tp),
      el('td', {}, el('span', { class: `kv-badge kv-bs-${b.state}`, title: `attempts: ${b.attempts}` }, state)),
      el('td', { class: 'kv-num' }, fmtCount(b.records)),
      el('td', { class: 'kv-cell2' }, meter(fill, `${fmtBytes(b.bytes)} of batch.size ${fmtBytes(b.capacity)}`, fill >= 100 ? 'kv-full' : ''), el('span', { class: 'kv-meter-text' }, fmtBytes(b.bytes))),
      el('td', { class: 'kv-cell2' }, meter(agePct, `age ${fmtTime(b.age_us)} of linger.ms ${fmtTime(p.linger_us)}`, agePct >= 100 ? 'kv-ripe' : ''), el('span', { class: 'kv-meter-text' }, fmtTime(b.age_us))),
      idem ? el('td', { class: 'kv-num' }, b.base_sequence >= 0 ? String(b.base_sequence) : '–') : null,
      el('td', {}, sealed));
  });
  const more = sorted.length > MAX_ROWS ? el('p', { class: 'kv-more' }, `… and ${sorted.length - MAX_ROWS} more batches`) : null;
  return el('div', { class: 'kv-batches' }, head,
    el('div', { class: 'kv-table-wrap' }, el('table', { class: 'kv-table' },
      el('thead', {}, el('tr', {}, [
        ['batch'], ['partition'], ['state'], ['records'],
        ['fill', `bytes against batch.size (${fmtBytes(p.batches[0].capacity)})`],
        ['age', `time since the batch was created, against linger.ms (${fmtTime(p.linger_us)})`],
        idem ? ['seq', 'base sequence'] : null,
        ['sealed', 'why the batch left the accumulator (batch_drained.reason)'],
      ].filter(Boolean).map(([h, title]) => el('th', { scope: 'col', title }, h)))),
      el('tbody', {}, rows))),
    more);
}

function connections(p, model) {
  if (p.connections.length === 0) return el('div', { class: 'kv-conns' }, el('h5', {}, 'Connections (none)'));
  return el('div', { class: 'kv-conns' }, el('h5', {}, 'Connections'),
    el('ul', {}, p.connections.map((c) => {
      const flights = c.in_flight.map((corr) => {
        const bs = model.corrBatches.get(`${p.name}|${corr}`);
        return `corr ${corr}${bs?.length ? ` (batch ${bs.join(', ')})` : ''}`;
      });
      return el('li', { dataset: { testid: 'connection', broker: `broker-${c.broker}`, state: c.state } },
        el('strong', {}, `broker-${c.broker}`), ' ',
        el('span', { class: `kv-badge kv-conn-${c.state}` }, c.state),
        ` · ${c.in_flight.length} in flight${flights.length ? `: ${flights.join(', ')}` : ''}`);
    })));
}

function sequences(p) {
  return el('div', { class: 'kv-seqs' }, el('h5', {}, 'Sequences'),
    el('div', { class: 'kv-table-wrap' }, el('table', { class: 'kv-table' },
      el('thead', {}, el('tr', {}, ['partition', 'next seq', 'last acked seq', 'in flight'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, p.sequences.map(([tp, next, acked, inflight]) => el('tr', {},
        el('td', {}, tp), el('td', { class: 'kv-num' }, String(next)), el('td', { class: 'kv-num' }, acked >= 0 ? String(acked) : '–'), el('td', { class: 'kv-num' }, String(inflight))))))));
}
