// Turns a run's trace into the sequence diagram's items, in one pass:
//
//   arrow  a message between two lanes: Produce requests and responses (paired by
//          correlation id), fetches that replicated data (leader -> follower), metadata
//          and transaction requests, TCP resets, the assignment a consumer gets from its
//          group coordinator; a dropped message ends in a cross, a
//          held one (cut link) is drawn dashed with a cut mark.
//   mark   something that happened on one lane (append, HW, crash, flush, retry, ...;
//          a consumer's polls and commits, its group's rebalances on the coordinator, a
//          pipeline's transactional offsets on the coordinator and its failed commits).
//   band   something for the whole diagram: the scenario's actions (labelled with their
//          line number), and controller decisions while the controller lane is folded.
//
// Every item: {k, g, t0, l0, t1, l1, at, cls, ev, n, end}. `g` is its filter group
// (GROUPS), `at` which end is the traced event that anchors it ('start' or 'end'; the
// other end of an arrow may be estimated from the one-way latency), `ev` the trace index,
// `n` how many identical items were merged into it (`more`: their trace indexes). Items
// come out sorted by anchor time. Texts are made only for drawn items (itemText), which
// keeps building items for 70,000 events fast. Wording: timeline-text.js.
export { itemText } from './timeline-text.js';

/** Filter groups: label, whether shown by default. */
export const GROUPS = [
  { id: 'actions', label: 'Actions', on: true },
  { id: 'produce', label: 'Produce', on: true },
  { id: 'replication', label: 'Fetch & HW', on: true },
  { id: 'cluster', label: 'Leaders & ISR', on: true },
  { id: 'faults', label: 'Faults', on: true },
  { id: 'storage', label: 'Flush & truncate', on: true },
  { id: 'client', label: 'Retries & errors', on: true },
  { id: 'txn', label: 'Idempotence & txn', on: true },
  { id: 'metadata', label: 'Metadata', on: true },
  { id: 'consumers', label: 'Consumers', on: true },
  { id: 'batches', label: 'Batches', on: false },
  { id: 'connections', label: 'Connections', on: false },
];

/** Which request a producer-side event answers (its response arrow starts at that broker). */
const ANSWERS = {
  producer_id_assigned: 'InitProducerId',
  epoch_bumped: 'InitProducerId',
  partitions_added_to_txn: 'AddPartitionsToTxn',
  txn_ended: 'EndTxn',
};

/** Marks: event type -> [group, class, lane field]; class may depend on the event. */
const MARKS = {
  appended: ['produce', 'append', 'broker'],
  produce_rejected: ['produce', 'error', 'broker'],
  duplicate_batch: ['produce', 'warn', 'broker'],
  request_timed_out: ['client', 'error', 'from'],
  high_watermark: ['replication', 'hw', 'broker'],
  crashed: ['faults', 'crash', 'broker'],
  restarted: ['faults', 'restart', 'broker'],
  app_restarted: ['faults', 'restart', 'producer'],
  recovered: ['storage', 'info', 'broker'],
  truncated: ['storage', 'truncate', 'broker'],
  flushed: ['storage', 'flush', 'broker'],
  writeback: ['storage', 'flush', 'broker'],
  segment_rolled: ['storage', 'info', 'broker'],
  segments_deleted: ['storage', 'truncate', 'broker'],
  log_start_offset_incremented: ['storage', 'info', 'broker'],
  log_cleaned: ['storage', 'flush', 'broker'],
  became_leader: ['cluster', 'leader', 'broker'],
  became_follower: ['cluster', 'info', 'broker'],
  isr_shrink: ['cluster', 'warn', 'broker'],
  isr_expand: ['cluster', 'ok', 'broker'],
  leader_elected: ['cluster', (e) => (e.kind === 'unclean' ? 'error' : 'elect'), null],
  partition_offline: ['cluster', 'error', null],
  isr_changed: ['cluster', 'info', null],
  broker_fenced: ['cluster', 'warn', null],
  broker_unfenced: ['cluster', 'ok', null],
  batch_created: ['batches', 'info', 'producer'],
  batch_drained: ['batches', 'info', 'producer'],
  batch_acked: ['batches', 'ok', 'producer'],
  batch_retried: ['client', 'warn', 'producer'],
  batch_failed: ['client', 'error', 'producer'],
  batch_expired: ['client', 'error', 'producer'],
  late_response_ignored: ['client', 'warn', 'producer'],
  send_blocked: ['client', 'warn', 'producer'],
  send_failed: ['client', 'error', 'producer'],
  flush_started: ['client', 'info', 'producer'],
  flush_completed: ['client', 'ok', 'producer'],
  connecting: ['connections', 'info', 'from'],
  connected: ['connections', 'ok', 'from'],
  disconnected: ['connections', 'warn', 'from'],
  txn_begun: ['txn', 'txn', 'producer'],
  txn_ending: ['txn', 'txn', 'producer'],
  marker_written: ['txn', (e) => (e.marker === 'COMMIT' ? 'txn' : 'error'), 'broker'],
  txn_timed_out: ['txn', 'error', null],
  txn_aborted_by_coordinator: ['txn', 'error', null],
  polled: ['consumers', 'info', 'consumer'],
  offset_out_of_range: ['consumers', 'warn', 'consumer'],
  member_joined: ['consumers', 'ok', 'consumer'],
  member_removed: ['consumers', 'warn', 'consumer'],
  static_member_rejoined: ['consumers', 'ok', 'consumer'],
  rebalance_started: ['consumers', 'warn', 'broker'],
  group_joined: ['consumers', 'info', 'broker'],
  group_stable: ['consumers', 'ok', 'broker'],
  target_assignment: ['consumers', 'info', 'broker'],
  partitions_assigned: ['consumers', 'ok', 'consumer'],
  partitions_revoked: ['consumers', 'warn', 'consumer'],
  partitions_lost: ['consumers', 'error', 'consumer'],
  position_set: ['consumers', 'info', 'consumer'],
  records_returned: ['consumers', 'info', 'consumer'],
  offsets_committed: ['consumers', 'ok', 'consumer'],
  offset_commit_failed: ['consumers', 'error', 'consumer'],
  poll_timeout: ['consumers', 'error', 'consumer'],
  consumer_crashed: ['faults', 'crash', 'consumer'],
  consumer_restarted: ['faults', 'restart', 'consumer'],
  consumer_closed: ['consumers', 'info', 'consumer'],
  task_migrated: ['consumers', 'error', 'consumer'],
  txn_offsets_pending: ['txn', 'txn', 'broker'],
  txn_offsets_completed: ['txn', (e) => (e.commit ? 'txn' : 'error'), 'broker'],
};

export function buildItems(model) {
  const builder = itemBuilder(model);
  builder.step(Infinity);
  return builder.items();
}

/**
 * buildItems a slice at a time, for long traces: `step(deadline)` handles trace events
 * until performance.now() passes `deadline` (ms) and returns true once every event is
 * handled; `items()` then gives what buildItems gives.
 */
export function itemBuilder(model) {
  const { trace, laneIndex } = model;
  const ow = model.oneWayUs;
  const ctrl = laneIndex.get('controller');
  const lane = (name) => laneIndex.get(name) ?? ctrl;
  const items = [];
  const reqs = new Map(); // "from|to|corr" -> request arrow
  const resps = new Map(); // "from|to|corr" -> response arrow
  const byBatch = new Map(); // "broker|batch" -> Produce request arrow
  const apiReqs = new Map(); // "producer|api" -> request arrow (InitProducerId, ...)
  const metaReqs = new Map(); // producer -> lane of the broker asked
  const leaders = new Map(); // tp -> leader lane
  const coordinators = new Map(); // group -> its coordinator's lane
  const groupOf = new Map(); // consumer -> its group

  const mark = (g, t, l, cls, ev) => {
    items.push({ k: 'mark', g, t0: t, l0: l, t1: t, l1: l, at: 'start', cls, ev, n: 1, end: null });
  };
  const arrow = (g, t0, l0, t1, l1, at, cls, ev) => {
    const it = { k: 'arrow', g, t0, l0, t1, l1, at, cls, ev, n: 1, end: 'head' };
    items.push(it);
    return it;
  };

  /** Trace event i: its item(s). */
  function handle(i) {
    const e = trace[i];
    const t = e.at_us;
    switch (e.type) {
      case 'action':
        items.push({ k: 'band', g: 'actions', t0: t, l0: -1, t1: t, l1: -1, at: 'start', cls: 'action', ev: i, n: 1, end: null });
        return;
      case 'request_sent': {
        const key = `${e.from}|${e.to}|${e.corr}`;
        if (e.api === 'Produce') {
          const a = arrow('produce', t, lane(e.from), null, lane(e.to), 'start', 'produce', i);
          reqs.set(key, a);
          for (const b of e.batches) byBatch.set(`${e.to}|${b}`, a);
        } else {
          const g = e.api === 'Metadata' ? 'metadata' : 'txn';
          const a = arrow(g, t, lane(e.from), t + ow, lane(e.to), 'start', 'api', i);
          a.est = true;
          reqs.set(key, a);
          apiReqs.set(`${e.from}|${e.api}`, a);
        }
        return;
      }
      case 'appended':
      case 'produce_rejected':
      case 'duplicate_batch': {
        const k = `${e.broker}|${e.batch}`;
        const r = byBatch.get(k);
        if (r && r.t1 == null) r.t1 = t;
        byBatch.delete(k);
        break; // and a mark (below)
      }
      case 'produce_answered': {
        const r = reqs.get(`${e.to}|${e.broker}|${e.corr}`);
        if (r && r.t1 == null) r.t1 = t;
        const bad = e.results.some((x) => x[1] !== 'NONE');
        resps.set(`${e.broker}|${e.to}|${e.corr}`, arrow('produce', t, lane(e.broker), null, lane(e.to), 'start', bad ? 'error' : 'response', i));
        return;
      }
      case 'response_received': {
        const a = resps.get(`${e.from}|${e.at}|${e.corr}`);
        if (a && a.t1 == null) a.t1 = t;
        else if (!a) arrow('produce', t - ow, lane(e.from), t, lane(e.at), 'end', 'response', i);
        return;
      }
      case 'message_dropped':
      case 'message_held': {
        const key = `${e.from}|${e.to}|${e.corr}`;
        let a = e.corr != null ? (reqs.get(key) ?? resps.get(key)) : null;
        if (a && a.t0 !== t) a = null;
        if (!a) {
          const heartbeat = e.api === 'BrokerHeartbeat';
          a = arrow(heartbeat ? 'cluster' : 'faults', t, lane(e.from), null, lane(e.to), 'start', heartbeat ? 'heartbeat' : 'api', i);
        }
        if (a.cls !== 'heartbeat') a.g = 'faults';
        a.fault = i;
        if (e.type === 'message_held') a.end = 'cut';
        else {
          a.end = 'cross';
          a.t1 = t + ow / 2; // it never arrives: the arrow ends half way
        }
        return;
      }
      case 'connection_reset':
        arrow('connections', t - ow, lane(e.from), t, lane(e.to), 'end', 'reset', i);
        return;
      case 'replicated': {
        const from = leaders.get(e.tp) ?? lane(e.broker);
        arrow('replication', t - ow, from, t, lane(e.broker), 'end', 'fetch', i);
        return;
      }
      case 'metadata_requested':
        arrow('metadata', t, lane(e.producer), t + ow, lane(e.to), 'start', 'api', i).est = true;
        metaReqs.set(e.producer, lane(e.to));
        return;
      case 'metadata_updated': {
        const from = metaReqs.get(e.producer);
        if (from !== undefined) arrow('metadata', t - ow, from, t, lane(e.producer), 'end', 'response', i);
        else mark('metadata', t, lane(e.producer), 'info', i);
        return;
      }
      case 'producer_id_assigned':
      case 'epoch_bumped':
      case 'partitions_added_to_txn':
      case 'txn_ended': {
        const k = `${e.producer}|${ANSWERS[e.type]}`;
        const req = apiReqs.get(k);
        apiReqs.delete(k);
        const cls = e.error ? 'error' : 'response';
        if (req && req.t0 <= t) arrow('txn', Math.max(req.t0, t - ow), req.l1, t, lane(e.producer), 'end', cls, i);
        else mark('txn', t, lane(e.producer), e.error ? 'error' : 'txn', i);
        return;
      }
      case 'became_leader':
        leaders.set(e.tp, lane(e.broker));
        break;
      case 'leader_elected':
        leaders.set(e.tp, lane(`broker-${e.leader}`));
        break;
      case 'partition_offline':
        leaders.delete(e.tp);
        break;
      case 'member_joined':
        groupOf.set(e.consumer, e.group);
        break;
      case 'rebalance_started':
      case 'group_joined':
      case 'group_stable':
      case 'target_assignment':
        coordinators.set(e.group, lane(e.broker));
        break;
      case 'group_empty':
        mark('consumers', t, coordinators.get(e.group) ?? ctrl, 'info', i);
        return;
      case 'partitions_assigned': {
        // The SyncGroup response that carried the assignment, from the coordinator.
        const from = coordinators.get(groupOf.get(e.consumer));
        if (from === undefined) break;
        arrow('consumers', Math.max(0, t - ow), from, t, lane(e.consumer), 'end', 'response', i);
        return;
      }
      default:
        break;
    }
    const spec = MARKS[e.type];
    if (spec) {
      const [g, cls, field] = spec;
      mark(g, t, field ? lane(e[field]) : ctrl, typeof cls === 'function' ? cls(e) : cls, i);
    } else {
      mark('client', t, ctrl, 'info', i); // an event type this view does not know yet
    }
  }

  let next = 0;
  let out = null;
  return {
    step(deadline) {
      for (; next < trace.length; next++) {
        // The clock is read every 512 events (reading it costs more than an event).
        if ((next & 511) === 511 && performance.now() > deadline) return false;
        handle(next);
      }
      if (!out) {
        finish(items, ow);
        out = mergeIdentical(items, trace);
      }
      return true;
    },
    items: () => out,
  };
}

/** Arrows whose far end never showed up stop half way ("never arrived"). */
function finish(items, ow) {
  for (const it of items) {
    if (it.k !== 'arrow' || it.t1 != null) continue;
    it.t1 = it.t0 + ow / 2;
    if (it.end === 'head') it.end = 'lost';
    else if (it.end === 'cut') it.stalled = true; // held and never delivered
  }
}

/** Event types frequent enough to fold: several alike at one moment become one item. */
const FOLDABLE = new Set([
  'request_sent', 'produce_answered', 'response_received', 'replicated', 'high_watermark', 'appended',
  'duplicate_batch', 'produce_rejected', 'batch_created', 'batch_drained', 'batch_acked', 'batch_retried',
  'batch_failed', 'batch_expired', 'send_failed', 'connection_reset', 'connecting', 'connected',
  'disconnected', 'message_dropped', 'message_held', 'flushed', 'writeback', 'became_follower',
]);

/** Same kind, lanes, times and event type: one item with a count (four retries at once). */
function mergeIdentical(items, trace) {
  const out = [];
  // Only items anchored at the same time can be identical: compare within such runs.
  for (let i = 0; i < items.length; ) {
    const anchor = anchorOf(items[i]);
    let j = i + 1;
    while (j < items.length && anchorOf(items[j]) === anchor) j++;
    if (j - i === 1) out.push(items[i]);
    else {
      const seen = new Map();
      for (let k = i; k < j; k++) {
        const it = items[k];
        if (!FOLDABLE.has(trace[it.ev].type)) {
          out.push(it);
          continue;
        }
        const key = `${it.k}|${it.g}|${it.cls}|${it.l0}|${it.l1}|${it.t0}|${it.t1}|${it.end}|${trace[it.ev].type}`;
        const prev = seen.get(key);
        if (!prev) {
          seen.set(key, it);
          out.push(it);
        } else {
          prev.n += 1;
          if (prev.n <= 8) (prev.more ??= []).push(it.ev);
        }
      }
    }
    i = j;
  }
  return out;
}

function anchorOf(it) {
  return it.at === 'end' ? it.t1 : it.t0;
}

/**
 * Pipelined Produce traffic as bundles: requests a producer sends to one broker while the
 * earlier ones are still on the wire (up to max.in.flight.requests.per.connection), and
 * the responses that come back the same way, each become one item instead of arrows that
 * cross every response of the batch before them. A bundle is an arrow from its first
 * member's send to its last member's arrival with `bundle: {t0b, t1a, evs, corrs}`: the
 * last member's send, the first member's arrival (the band between them is drawn), the
 * members' trace indexes and correlation ids. Dropped, held and lost messages stay single.
 * @param {any[]} items buildItems' output (sorted by anchor time)
 * @param {any[]} trace
 */
export function bundleInFlight(items, trace) {
  const open = new Map(); // "type|cls|from|to" -> the group being filled
  const groupOf = new Array(items.length).fill(null);
  items.forEach((it, i) => {
    if (it.k !== 'arrow' || it.g !== 'produce' || it.at !== 'start' || it.end !== 'head' || it.fault != null || it.est) return;
    const type = trace[it.ev].type;
    if (type !== 'request_sent' && type !== 'produce_answered') return;
    const key = `${type}|${it.cls}|${it.l0}|${it.l1}`;
    let g = open.get(key);
    // Sent while the group's last member was still on the wire: it joins.
    if (!g || it.t0 >= g.t1) {
      g = { members: [], t1: it.t1 };
      open.set(key, g);
    }
    g.members.push(i);
    g.t1 = Math.max(g.t1, it.t1);
    groupOf[i] = g;
  });
  const out = [];
  items.forEach((it, i) => {
    const g = groupOf[i];
    if (!g || g.members.length < 2) return out.push(it);
    if (g.members[0] !== i) return; // drawn as part of its bundle
    const members = g.members.map((k) => items[k]);
    const last = members[members.length - 1];
    const evs = members.flatMap((m) => [m.ev, ...(m.more ?? [])]);
    out.push({
      ...it,
      n: members.reduce((sum, m) => sum + m.n, 0),
      more: undefined,
      text: undefined,
      t1: g.t1,
      bundle: { t0b: last.t0, t1a: Math.min(...members.map((m) => m.t1)), evs, corrs: [trace[it.ev].corr, trace[last.ev].corr] },
    });
  });
  return out;
}
