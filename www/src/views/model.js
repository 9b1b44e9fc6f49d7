// What every view needs from a finished run, computed once per report in one pass over
// the trace: the lanes (nodes) of the sequence diagram, the scrubber's stops (distinct
// event times), which producer wrote each record (for colours), seal reasons of batches,
// the batches of each request (by correlation id), broker downtime and fencing
// intervals (and consumers' between a crash and a restart), offsets replicas lost to truncation or power loss (ghosts), milestones worth
// a tick on the scrubber, and an estimate of the one-way network latency (for arrows
// whose send or arrival is not in the trace).

/** Event types that get a tick under the scrubber and a stop for "next milestone". */
export const MILESTONES = new Set([
  'action',
  'crashed',
  'restarted',
  'leader_elected',
  'partition_offline',
  'broker_fenced',
  'broker_unfenced',
  'isr_shrink',
  'isr_expand',
  'truncated',
  'marker_written',
  'txn_ended',
  'batch_expired',
  'batch_failed',
  'request_timed_out',
  'message_dropped',
  'epoch_bumped',
  'app_restarted',
  'consumer_crashed',
  'consumer_restarted',
  'member_removed',
  'rebalance_started',
  'group_stable',
  'poll_timeout',
  'task_migrated',
]);

export function buildModel(report) {
  const trace = report.trace ?? [];
  const lanes = buildLanes(report, trace);
  const laneIndex = new Map(lanes.map((l, i) => [l.name, i]));
  const producers = lanes.filter((l) => l.kind === 'producer').map((l) => l.name);
  const producerIndex = new Map(producers.map((p, i) => [p, i]));

  const recordProducer = [];
  for (const r of report.records ?? []) recordProducer[r.id] = r.producer;

  const times = [0];
  const ghosts = []; // offsets a replica lost: {at_us, broker, tp, from, to, kind, records}
  const drained = new Map(); // "producer|batch" -> [{at_us, reason, attempt, tp, records, bytes}]
  const corrBatches = new Map(); // "from|corr" -> batches
  const down = new Map(); // broker name -> [{t0, t1, mode}]
  const fenced = new Map(); // broker name -> [{t0, t1}]
  const milestones = [];
  const arrivals = []; // one-way latency samples
  const batchSent = new Map(); // "broker|batch" -> when a Produce carrying it was sent
  const pidProducer = new Map(); // producer_id -> producer name

  for (let i = 0; i < trace.length; i++) {
    const e = trace[i];
    const t = e.at_us;
    if (t !== times[times.length - 1]) times.push(t);
    if (MILESTONES.has(e.type)) milestones.push(i);
    switch (e.type) {
      case 'truncated':
        ghosts.push({ at_us: t, broker: e.broker, tp: e.tp, from: e.from_offset, to: e.to_offset, kind: 'truncated', records: e.records.length });
        break;
      case 'batch_drained': {
        const k = `${e.producer}|${e.batch}`;
        if (!drained.has(k)) drained.set(k, []);
        drained.get(k).push({ at_us: t, reason: e.reason, attempt: e.attempt, tp: e.tp, records: e.records, bytes: e.bytes });
        if (e.producer_id >= 0) pidProducer.set(e.producer_id, e.producer);
        break;
      }
      case 'producer_id_assigned':
      case 'epoch_bumped':
        pidProducer.set(e.producer_id, e.producer);
        break;
      case 'request_sent':
        corrBatches.set(`${e.from}|${e.corr}`, e.batches);
        if (e.api === 'Produce') for (const b of e.batches) batchSent.set(`${e.to}|${b}`, t);
        break;
      case 'appended':
      case 'produce_rejected':
      case 'duplicate_batch': {
        // A leader handles a produce request when it arrives: a one-way latency sample.
        const k = `${e.broker}|${e.batch}`;
        const s = batchSent.get(k);
        if (s !== undefined && arrivals.length < 2000) arrivals.push(t - s);
        batchSent.delete(k);
        break;
      }
      case 'crashed':
        open(down, e.broker, { t0: t, t1: Infinity, mode: e.mode });
        for (const [tp, from, to] of e.lost) ghosts.push({ at_us: t, broker: e.broker, tp, from, to, kind: 'lost', records: to - from });
        break;
      case 'restarted':
        close(down, e.broker, t);
        break;
      case 'consumer_crashed':
        open(down, e.consumer, { t0: t, t1: Infinity, mode: 'process' });
        break;
      case 'consumer_restarted':
        close(down, e.consumer, t);
        break;
      case 'broker_fenced':
        open(fenced, `broker-${e.broker}`, { t0: t, t1: Infinity, reason: e.reason });
        break;
      case 'broker_unfenced':
        close(fenced, `broker-${e.broker}`, t);
        break;
      default:
        break;
    }
  }
  const end = Math.max(report.end_time_us ?? 0, times[times.length - 1]);
  if (end !== times[times.length - 1]) times.push(end);

  return {
    report,
    trace,
    lanes,
    laneIndex,
    producers,
    producerIndex,
    recordProducer,
    pidProducer,
    stops: Float64Array.from(times),
    endUs: end,
    ghosts,
    drained,
    corrBatches,
    down,
    fenced,
    milestones,
    oneWayUs: median(arrivals) || 1000,
  };
}

/** Lanes left to right: producers, brokers, consumers, then the controller. */
function buildLanes(report, trace) {
  const roles = report.config?.roles ?? [];
  const producers = roles.filter((r) => r.role === 'producer').map((r) => r.name);
  const consumers = roles.filter((r) => r.role === 'consumer').map((r) => r.name);
  const nodes = report.nodes ?? [];
  const brokers = nodes.filter((n) => /^broker-\d+$/.test(n));
  for (const n of nodes) {
    if (n !== 'controller' && !brokers.includes(n) && !producers.includes(n) && !consumers.includes(n)) {
      producers.push(n);
    }
  }
  if (brokers.length === 0) {
    // An old report without nodes: find the brokers in the trace.
    const seen = new Set();
    for (const e of trace) if (typeof e.broker === 'string') seen.add(e.broker);
    brokers.push(...[...seen].sort((a, b) => parseInt(a.slice(7), 10) - parseInt(b.slice(7), 10)));
  }
  brokers.sort((a, b) => parseInt(a.slice(7), 10) - parseInt(b.slice(7), 10));
  return [
    ...producers.map((name) => ({ name, kind: 'producer' })),
    ...brokers.map((name) => ({ name, kind: 'broker' })),
    ...consumers.map((name) => ({ name, kind: 'consumer' })),
    { name: 'controller', kind: 'controller' },
  ];
}

function open(map, key, interval) {
  if (!map.has(key)) map.set(key, []);
  const list = map.get(key);
  const last = list[list.length - 1];
  if (last && last.t1 === Infinity) return; // already open
  list.push(interval);
}

function close(map, key, t) {
  const last = map.get(key)?.at(-1);
  if (last && last.t1 === Infinity) last.t1 = t;
}

function median(xs) {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Whether `broker` (a name) is inside one of `intervals` at time t. */
export function inInterval(intervals, t) {
  if (!intervals) return null;
  for (const iv of intervals) if (t >= iv.t0 && t < iv.t1) return iv;
  return null;
}

/** The producer that wrote a log batch, from its records (or its producer id). */
export function batchProducer(model, cell) {
  const first = cell.records?.[0];
  if (first !== undefined && model.recordProducer[first]) return model.recordProducer[first];
  return model.pidProducer.get(cell.producer_id) ?? null;
}

/** Why a batch was sealed: the reason of its latest drain at or before t (null if none). */
export function sealReason(model, producer, batch, t) {
  const list = model.drained.get(`${producer}|${batch}`);
  if (!list) return null;
  let found = null;
  for (const d of list) if (d.at_us <= t) found = d;
  return found;
}
