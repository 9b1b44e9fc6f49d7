// A record's journey through a run, read from the report (records + trace): its send(),
// its batch and every attempt to deliver it (drain, Produce request, what the broker did,
// the response or its loss, retries), what happened to its copies on the brokers
// (replication, truncation, crashes, elections), the callback's result, the copies
// left in the final log, and the consumers that read it (each poll that returned it, the
// first commit past it per group, a reader's crash). Pure: `recordJourney(report, id)` returns data the journey
// panel renders. Event names and fields: EVENT_SCHEMA in crate/src/sim/trace.rs.

import { fmtUs } from './format.js';

/**
 * @typedef {{at_us: number, actor: string, kind: string, text: string}} Step
 * @typedef {{record: object, tp: string|null, steps: Step[], explanations: object[],
 *            batchRecords: number[]}} Journey
 */

const BATCH_EVENTS = new Set([
  'batch_created', 'batch_drained', 'batch_retried', 'batch_acked', 'batch_failed', 'batch_expired',
  'late_response_ignored', 'appended', 'produce_rejected', 'duplicate_batch',
]);

/** @returns {Journey|null} */
export function recordJourney(report, id) {
  const record = report.records?.find((r) => r.id === id);
  if (!record) return null;
  const trace = report.trace ?? [];
  const producer = record.producer;
  const batch = record.batch;
  const batchRecords = batch === null ? [id] : report.records.filter((r) => r.batch === batch).map((r) => r.id);
  const indexInBatch = batchRecords.indexOf(id);
  let tp = null;
  const corrs = new Set();
  const offsets = []; // [{broker, offset, at_us}] where this record was appended
  const steps = [];
  const partitionState = { electedAt: 0 }; // time of the partition's last leader election
  const readers = new Set(); // consumers a poll returned it to
  const committed = new Set(); // groups that committed past it
  const add = (e, actor, kind, text) => steps.push({ at_us: e.at_us, actor, kind, text });

  add({ at_us: record.sent_us }, producer, 'send', `send()${record.key !== null ? ` key=${record.key}` : ''}`);
  for (const e of trace) {
    const mine = BATCH_EVENTS.has(e.type) && batch !== null && e.batch === batch;
    if (mine && e.tp) tp ??= e.tp;
    if ((e.type === 'send_blocked' || e.type === 'send_failed') && e.record === id) {
      if (e.type === 'send_blocked') add(e, producer, 'wait', `send() blocked waiting for ${e.reason === 'buffer_memory' ? 'buffer.memory' : e.reason}`);
      else add(e, producer, 'error', `send() failed at once: ${e.error}`);
    } else if (mine) {
      describeBatchEvent(e, producer, indexInBatch, offsets, add);
    } else if (e.type === 'request_sent' && e.api === 'Produce' && e.from === producer && batch !== null && e.batches.includes(batch)) {
      corrs.add(e.corr);
      add(e, producer, 'network', `Produce request corr=${e.corr} to ${e.to} (${e.batches.length} batch${e.batches.length === 1 ? '' : 'es'})`);
    } else if (corrs.size && e.corr !== undefined && corrs.has(e.corr)) {
      describeRequestEvent(e, producer, tp, add);
    } else if (tp && e.tp === tp && e.type === 'records_returned') {
      // Consumers: each poll that returned it (by its offset in the final log).
      const at = record.copies.find((o) => o >= e.from_offset && o <= e.to_offset);
      if (at !== undefined) {
        readers.add(e.consumer);
        add(e, e.consumer, 'consumer', `${e.consumer}'s poll() returned it (offset ${at})`);
      }
    } else if (tp && e.tp === tp && e.type === 'position_set') {
      if (e.from !== 'committed' && record.copies.some((o) => o < e.offset)) add(e, e.consumer, 'wait', `${e.consumer} starts ${tp} at offset ${e.offset} (auto.offset.reset=${e.from}): past this record`);
    } else if (tp && e.tp === tp) {
      describePartitionEvent(e, id, offsets, add, partitionState);
    } else if (e.type === 'offsets_committed' && !committed.has(e.group)) {
      const past = e.offsets.find(([p, o]) => p === tp && record.copies.some((c) => c < o));
      if (past) {
        committed.add(e.group);
        add(e, e.consumer, 'ok', `${e.consumer} committed ${e.group}'s offset ${past[1]} for ${tp}: past this record`);
      }
    } else if (e.type === 'consumer_crashed' && readers.has(e.consumer)) {
      add(e, e.consumer, 'fault', `${e.consumer} crashed (it had read this record)`);
    } else if (e.type === 'crashed' && (e.lost?.includes?.(id) || offsets.some((o) => o.broker === e.broker && o.at_us <= e.at_us))) {
      add(e, e.broker, 'fault', `${e.broker} crashed (mode=${e.mode})`);
    } else if (e.type === 'restarted' && offsets.some((o) => o.broker === e.broker && o.at_us <= e.at_us)) {
      add(e, e.broker, 'broker', `${e.broker} restarted`);
    } else if (e.type === 'app_restarted' && e.producer === producer && e.at_us >= record.sent_us) {
      add(e, producer, 'fault', `the application restarted (new producer id; resent ${e.resent} record(s))`);
    }
  }
  if (record.result_us !== null) {
    const text =
      record.result === 'acked'
        ? `callback: success, offset ${record.offset}${record.offset === -1 ? ' (acks=0: no offset)' : ''}`
        : `callback: ${record.error}`;
    add({ at_us: record.result_us }, producer, record.result === 'acked' ? 'ok' : 'error', text);
  }
  steps.sort((a, b) => a.at_us - b.at_us);
  const explanations = (report.explanations ?? []).filter((x) => x.records.includes(id));
  return { record, tp, steps, explanations, batchRecords };
}

function describeBatchEvent(e, producer, indexInBatch, offsets, add) {
  switch (e.type) {
    case 'batch_created':
      add(e, producer, 'producer', `batch ${e.batch} opened for ${e.tp}`);
      break;
    case 'batch_drained': {
      const idem = e.producer_id >= 0 ? `producer_id=${e.producer_id} epoch=${e.producer_epoch} base_sequence=${e.base_sequence}` : 'no producer id (not idempotent)';
      add(e, producer, 'producer', `batch ${e.batch} drained (${e.reason}), attempt ${e.attempt}: ${e.records} record(s), ${e.bytes} B, ${idem}`);
      break;
    }
    case 'appended': {
      const offset = e.base_offset + Math.max(indexInBatch, 0);
      offsets.push({ broker: e.broker, offset, at_us: e.at_us });
      add(e, e.broker, 'broker', `${e.broker} appended the batch at offsets ${range(e.base_offset, e.last_offset)} (leader epoch ${e.leader_epoch}); this record at ${offset}`);
      break;
    }
    case 'duplicate_batch':
      add(e, e.broker, 'ok', `${e.broker} recognised a duplicate (producer_id=${e.producer_id}, base_sequence=${e.base_sequence}) and answered with the original offset ${e.base_offset}: nothing written`);
      break;
    case 'produce_rejected':
      add(e, e.broker, 'error', `${e.broker} rejected the batch: ${e.error}`);
      break;
    case 'batch_retried':
      add(e, producer, 'retry', `retry after ${e.error} (attempt ${e.attempt} failed; retry.backoff ${fmtUs(e.backoff_us)})`);
      break;
    case 'batch_acked':
      add(e, producer, 'ok', `batch acknowledged, base offset ${e.base_offset}`);
      break;
    case 'batch_failed':
      add(e, producer, 'error', `batch failed: ${e.error}`);
      break;
    case 'batch_expired':
      add(e, producer, 'error', `batch expired in the ${e.in} (delivery.timeout.ms)`);
      break;
    case 'late_response_ignored':
      add(e, producer, 'producer', `late response ignored (${e.error}, base offset ${e.base_offset})`);
      break;
  }
}

function describeRequestEvent(e, producer, tp, add) {
  switch (e.type) {
    case 'produce_answered': {
      if (e.to !== producer) return;
      const mine = e.results.filter((r) => r[0] === tp);
      const text = mine.map((r) => (r[1] === 'NONE' ? `NONE, base offset ${r[2]}` : r[1])).join('; ');
      add(e, e.broker, 'broker', `${e.broker} answered corr=${e.corr}: ${text || 'for other partitions'}`);
      break;
    }
    case 'response_received':
      if (e.at !== producer) return;
      add(e, producer, e.errors.length ? 'error' : 'network', `response to corr=${e.corr} received${e.errors.length ? `: ${e.errors.map((x) => x[1]).join(', ')}` : ''}`);
      break;
    case 'request_timed_out':
      if (e.from !== producer) return;
      add(e, producer, 'error', `corr=${e.corr} timed out (request.timeout.ms)`);
      break;
    case 'message_dropped':
      if (e.from !== producer && e.to !== producer) return;
      add(e, 'network', 'fault', `${e.api} ${e.from === producer ? 'request' : 'response'} corr=${e.corr} ${e.from} → ${e.to} lost on the wire (${e.cause.replace(/_/g, ' ')})`);
      break;
    case 'message_held':
      if (e.from !== producer && e.to !== producer) return;
      add(e, 'network', 'wait', `${e.api} corr=${e.corr} ${e.from} → ${e.to} held (link down)`);
      break;
  }
}

function describePartitionEvent(e, id, offsets, add, state) {
  const held = (broker) => offsets.find((o) => o.broker === broker);
  switch (e.type) {
    case 'replicated': {
      // Only fetches from the leader that appended it (after an election the same offset
      // may hold another record).
      for (const o of offsets) {
        if (o.at_us >= state.electedAt && e.from_offset <= o.offset && o.offset < e.to_offset && !held(e.broker)) {
          offsets.push({ broker: e.broker, offset: o.offset, at_us: e.at_us });
          add(e, e.broker, 'broker', `${e.broker} fetched it (offset ${o.offset}) from the leader`);
          break;
        }
      }
      break;
    }
    case 'truncated':
      if (e.records?.includes(id)) add(e, e.broker, 'error', `${e.broker} truncated offsets ${range(e.from_offset, e.to_offset - 1)} to match the leader: this copy is gone`);
      break;
    case 'leader_elected':
      state.electedAt = e.at_us;
      if (offsets.length && e.at_us >= offsets[0].at_us) {
        add(e, 'controller', 'controller', `broker-${e.leader} elected leader of ${e.tp} (epoch ${e.leader_epoch}, ${e.kind}, ISR [${e.isr.join(', ')}])`);
      }
      break;
    case 'partition_offline':
      if (offsets.length && e.at_us >= offsets[0].at_us) add(e, 'controller', 'fault', `${e.tp} went offline (no eligible leader)`);
      break;
  }
}

function range(a, b) {
  return a === b ? String(a) : `${a}–${b}`;
}
