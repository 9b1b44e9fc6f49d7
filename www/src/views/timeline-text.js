// The words of the sequence diagram: a short label (drawn beside a mark or along an
// arrow) and a longer tooltip for each item, in Kafka's vocabulary, made from the item's
// trace event(s) only when the item is drawn, then cached on the item.
import { fmtBytes, fmtList, fmtTime } from './format.js';
import { sealReason } from './model.js';

const ROLL_REASON = {
  size: 'segment.bytes reached',
  time: 'segment.ms passed',
  index_full: 'index full',
  offset_overflow: 'offset overflow',
  retention: 'retention deletes every segment',
};
const DELETE_REASON = {
  retention_ms: 'retention.ms',
  retention_bytes: 'retention.bytes',
  log_start_offset: "the leader's log start offset",
};

export function itemText(it, model) {
  if (it.text) return it.text;
  if (it.bundle) {
    it.text = bundleText(it, model);
    return it.text;
  }
  const e = model.trace[it.ev];
  let [label, title] = describe(e, it, model);
  title ??= label;
  if (it.fault != null) {
    const f = model.trace[it.fault];
    if (f.type === 'message_held') {
      label += ' · held';
      title += '\nheld: the link is down; TCP retransmits once it is back';
    } else {
      label += ` · ✕ ${f.cause}`;
      title += `\ndropped on the wire (${f.cause.replace('_', ' ')})`;
    }
  } else if (it.end === 'lost') {
    title += '\nnever arrived (the connection closed or the node went down)';
  }
  title = `${fmtTime(e.at_us)} · ${title}`;
  if (it.more) {
    for (const k of it.more) {
      const [l, t] = describe(model.trace[k], it, model);
      title += `\n${fmtTime(model.trace[k].at_us)} · ${t ?? l}`;
    }
    if (it.n > it.more.length + 1) title += `\n… ${it.n - it.more.length - 1} more`;
    label += ` ×${it.n}`;
  }
  it.text = { label, title };
  return it.text;
}

/** A bundle of pipelined Produce requests or responses (bundleInFlight). */
function bundleText(it, model) {
  const { evs, corrs } = it.bundle;
  const first = model.trace[it.ev];
  const from = model.lanes[it.l0]?.name;
  const to = model.lanes[it.l1]?.name;
  const k = evs.length;
  let label;
  let head;
  if (first.type === 'request_sent') {
    label = `Produce ×${k} · corr=${corrs[0]}–${corrs[1]}`;
    head = `${k} Produce requests ${from} → ${to} in flight together: each sent before the ones ahead of it arrived (up to max.in.flight.requests.per.connection on one connection)`;
  } else {
    const errs = [...new Set(evs.flatMap((i) => model.trace[i].results.filter((x) => x[1] !== 'NONE').map((x) => x[1])))];
    label = `resp ×${k} · corr=${corrs[0]}–${corrs[1]}${errs.length ? ` · ${errs.join(', ')}` : ''}`;
    head = `${k} Produce responses ${from} → ${to} on the wire together`;
  }
  const SHOWN = 12;
  const lines = evs.slice(0, SHOWN).map((i) => {
    const [l, t] = describe(model.trace[i], it, model);
    return `${fmtTime(model.trace[i].at_us)} · ${t ?? l}`;
  });
  if (k > SHOWN) lines.push(`… ${k - SHOWN} more`);
  lines.push('(Events ▸ untick "In-flight requests as bundles" for one arrow each)');
  return { label, title: `${head}\n${lines.join('\n')}` };
}

function describe(e, it, model) {
  const lanes = model.lanes;
  switch (e.type) {
    case 'action':
      return [`L${e.line}  ${e.text}`, `scenario line ${e.line}: ${e.text}`];
    case 'request_sent': {
      if (e.api !== 'Produce') return [`${e.api} corr=${e.corr}`, `${e.api} request corr=${e.corr} ${e.from} → ${e.to}`];
      const what = e.batches.map((b) => {
        const d = sealReason(model, e.from, b, e.at_us);
        return `batch ${b}${d ? ` (${d.tp}, ${d.records} records, ${fmtBytes(d.bytes)})` : ''}`;
      });
      const one = e.batches.length === 1 ? `batch ${e.batches[0]}` : `${e.batches.length} batches`;
      return [`Produce corr=${e.corr} · ${one}`, `Produce request corr=${e.corr} ${e.from} → ${e.to}\n${what.join('\n')}`];
    }
    case 'produce_answered': {
      const errs = [...new Set(e.results.filter((x) => x[1] !== 'NONE').map((x) => x[1]))];
      const label = errs.length ? `resp corr=${e.corr} · ${errs.join(', ')}` : `resp corr=${e.corr} · ${e.results.map((x) => `${x[0]}@${x[2]}`).join(' ')}`;
      return [label, `Produce response corr=${e.corr} ${e.broker} → ${e.to}\n${e.results.map((x) => `${x[0]}: ${x[1]}, base offset ${x[2]}`).join('\n')}`];
    }
    case 'response_received':
      return [`resp corr=${e.corr}`, `Produce response corr=${e.corr} received by ${e.at}`];
    case 'message_dropped':
    case 'message_held':
      return [`${e.api}${e.corr != null ? ` corr=${e.corr}` : ''}`, `${e.api} ${e.from} → ${e.to}`];
    case 'connection_reset':
      return ['RST', `TCP reset ${e.from} → ${e.to} (connection refused or closed)`];
    case 'replicated': {
      const r = range(e.from_offset, e.to_offset - 1);
      return [`Fetch ${e.tp} ${r}`, `${e.broker} replicated ${e.tp} offsets ${r} from ${lanes[it.l0]?.name ?? 'the leader'} (its LEO is now ${e.to_offset})`];
    }
    case 'metadata_requested':
      return ['Metadata', `Metadata request ${e.producer} → ${e.to}`];
    case 'metadata_updated': {
      const txt = e.leaders.map(([tp, l, ep]) => `${tp}: ${l == null ? 'no leader' : `broker-${l}`} e${ep}`).join(', ');
      return [`Metadata · ${txt}`, `Metadata response: ${txt}`];
    }
    case 'producer_id_assigned':
      return [`InitProducerId · producer id ${e.producer_id} epoch ${e.producer_epoch}`, null];
    case 'epoch_bumped':
      return [`epoch bump → ${e.producer_epoch}`, `producer id ${e.producer_id} epoch bumped to ${e.producer_epoch}: ${e.reason}`];
    case 'partitions_added_to_txn':
      return [`AddPartitionsToTxn · ${e.partitions.join(', ')}`, null];
    case 'txn_ended':
      return [`EndTxn · ${e.commit ? 'committed' : 'aborted'}${e.error ? `: ${e.error}` : ''}`, null];
    case 'appended': {
      const r = range(e.base_offset, e.last_offset);
      return [`append ${e.tp} ${r} e${e.leader_epoch}`,
        `${e.broker} appended batch ${e.batch} to ${e.tp} at offsets ${r} (leader epoch ${e.leader_epoch}${e.producer_id >= 0 ? `, producer id ${e.producer_id}, base sequence ${e.base_sequence}` : ''})`];
    }
    case 'produce_rejected':
      return [`reject ${e.tp} batch ${e.batch}: ${e.error}`, `${e.broker} refused batch ${e.batch} for ${e.tp}: ${e.error} (nothing written)`];
    case 'duplicate_batch':
      return [`duplicate ${e.tp} seq ${e.base_sequence} → offset ${e.base_offset}`,
        `${e.broker} found batch ${e.batch} (producer id ${e.producer_id}, base sequence ${e.base_sequence}) in its producer-state cache: nothing written, original offset ${e.base_offset} answered`];
    case 'request_timed_out':
      return [`request.timeout.ms: corr=${e.corr} → ${e.to}`, `request.timeout.ms passed for corr=${e.corr} to ${e.to}: the connection is closed and its requests fail`];
    case 'high_watermark':
      return [`HW ${e.tp} → ${e.high_watermark}`, `${e.broker}: the high watermark of ${e.tp} is now ${e.high_watermark}`];
    case 'crashed': {
      const lost = e.lost.map(([tp, a, b]) => `${tp} ${range(a, b - 1)}`).join(', ');
      return e.mode === 'power'
        ? [`⚡ power loss${lost ? ` · lost ${lost}` : ''}`, `${e.broker} lost power: only flushed (fsynced or written back) data survives${lost ? `; lost ${lost}` : ''}`]
        : ['✖ process crash', `${e.broker} process crashed: its page cache survives`];
    }
    case 'restarted':
      return ['↻ restart', `${e.broker} restarted`];
    case 'app_restarted':
      return [`↻ app restart (resent ${e.resent})`, `${e.producer} restarted as a new producer instance; resent ${e.resent} records`];
    case 'recovered':
      return [`recovered ${e.tp} LEO ${e.log_end_offset}${e.torn_bytes ? ` (torn ${fmtBytes(e.torn_bytes)})` : ''}`, `${e.broker} recovered ${e.tp}: log end offset ${e.log_end_offset}, torn tail ${fmtBytes(e.torn_bytes)}`];
    case 'truncated': {
      const r = range(e.from_offset, e.to_offset - 1);
      return [`✂ truncate ${e.tp} ${r}`, `${e.broker} truncated ${e.tp} offsets ${r} (${e.records.length} records: ${e.records.slice(0, 12).join(', ')}${e.records.length > 12 ? ', …' : ''})`];
    }
    case 'flushed':
      return [`fsync ${e.tp} → ${e.to_offset} (${e.reason.replace('_', ' ')})`, `${e.broker} fsynced ${e.tp} up to offset ${e.to_offset} (${e.reason.replace('_', ' ')})`];
    case 'writeback':
      return [`writeback ${e.tp} → ${e.durable_offset}`, `the OS wrote back dirty pages of ${e.tp} on ${e.broker}: data below ${e.durable_offset} survives power loss`];
    case 'segment_rolled':
      return [`roll ${e.tp} @${e.base_offset} (${ROLL_REASON[e.reason] || e.reason})`, `${e.broker} rolled a new segment of ${e.tp} at base offset ${e.base_offset}: ${ROLL_REASON[e.reason] || e.reason} (the old one is fsynced)`];
    case 'segments_deleted':
      return [`🗑 ${e.tp} −${e.segments} segment${e.segments === 1 ? '' : 's'} → start ${e.log_start_offset}`, `${e.broker} deleted ${e.segments} segment${e.segments === 1 ? '' : 's'} of ${e.tp} (offsets ${e.from_offset}–${e.log_start_offset - 1}, ${fmtBytes(e.bytes)}, ${e.records} records) by ${DELETE_REASON[e.reason] || e.reason}; the log start offset is now ${e.log_start_offset}`];
    case 'log_start_offset_incremented':
      return [`${e.tp} log start → ${e.log_start_offset}`, `${e.broker} moved the log start offset of ${e.tp} to ${e.log_start_offset}, following its leader`];
    case 'log_cleaned':
      return [`🧹 clean ${e.tp} ${e.first_dirty_offset}–${e.end_offset - 1} −${e.records_removed}`, `the log cleaner on ${e.broker} compacted ${e.tp} up to offset ${e.end_offset} (dirty ratio ${e.dirty_ratio_pct}%): ${e.records_removed} records removed (${e.tombstones_removed} tombstones), ${fmtBytes(e.bytes_before)} → ${fmtBytes(e.bytes_after)}`];
    case 'became_leader':
      return [`leader ${e.tp} e${e.leader_epoch}`, `${e.broker} became leader of ${e.tp} (leader epoch ${e.leader_epoch}, LEO ${e.log_end_offset})`];
    case 'became_follower':
      return [`follower ${e.tp} of broker-${e.leader} e${e.leader_epoch}`, null];
    case 'isr_shrink':
      return [`ISR shrink ${e.tp} −${fmtList(e.removed)} → [${fmtList(e.isr)}]`, `${e.broker} removed ${fmtList(e.removed)} from the ISR of ${e.tp}: ISR [${fmtList(e.isr)}]`];
    case 'isr_expand':
      return [`ISR expand ${e.tp} +${fmtList(e.added)} → [${fmtList(e.isr)}]`, null];
    case 'leader_elected':
      return [`⚑ ${e.tp}: broker-${e.leader} elected leader (${e.kind}) · epoch ${e.leader_epoch} · ISR [${fmtList(e.isr)}]`,
        `the controller elected broker-${e.leader} leader of ${e.tp}: ${e.kind} election, leader epoch ${e.leader_epoch}, ISR [${fmtList(e.isr)}]`];
    case 'partition_offline':
      return [`${e.tp} OFFLINE: no eligible leader · epoch ${e.leader_epoch} · ISR [${fmtList(e.isr)}]`, null];
    case 'isr_changed':
      return [`${e.tp} ISR → [${fmtList(e.isr)}] (partition epoch ${e.partition_epoch})`, null];
    case 'broker_fenced':
      return [`broker-${e.broker} fenced: ${e.reason}`, null];
    case 'broker_unfenced':
      return [`broker-${e.broker} unfenced`, null];
    case 'batch_created':
      return [`batch ${e.batch} created ${e.tp}`, null];
    case 'batch_drained':
      return [`drain batch ${e.batch} ${e.tp} (${e.reason.replaceAll('_', ' ')}) ${e.records} rec ${fmtBytes(e.bytes)}`,
        `batch ${e.batch} for ${e.tp} left the accumulator: ${e.reason.replaceAll('_', ' ')}; ${e.records} records, ${fmtBytes(e.bytes)}, attempt ${e.attempt}${e.producer_id >= 0 ? `, producer id ${e.producer_id} epoch ${e.producer_epoch} base sequence ${e.base_sequence}` : ''}`];
    case 'batch_acked':
      return [`ack batch ${e.batch} ${e.tp}@${e.base_offset} (${e.records})`, null];
    case 'batch_retried':
      return [`retry batch ${e.batch} ${e.tp}: ${e.error}`, `batch ${e.batch} (${e.tp}) will be retried after ${e.error}: attempt ${e.attempt}, backoff ${fmtTime(e.backoff_us)}`];
    case 'batch_failed':
      return [`batch ${e.batch} failed: ${e.error}`, `batch ${e.batch} (${e.tp}, ${e.records} records) failed: ${e.error}`];
    case 'batch_expired':
      return [`delivery.timeout.ms: batch ${e.batch} expired`, `delivery.timeout.ms passed for batch ${e.batch} (${e.tp}, ${e.records} records) while ${e.in === 'accumulator' ? 'in the accumulator' : 'in flight'}`];
    case 'late_response_ignored':
      return [`late response ignored: batch ${e.batch} ${e.error}`, null];
    case 'send_blocked': {
      const on = e.reason === 'buffer_memory' ? 'buffer.memory' : e.reason;
      return [`send() blocked on ${on}`, `send() of record ${e.record} blocks waiting for ${on}`];
    }
    case 'send_failed':
      return [`send() failed record ${e.record}: ${e.error}`, null];
    case 'flush_started':
      return ['flush()', null];
    case 'flush_completed':
      return ['flush() returned', null];
    case 'connecting':
      return [`connecting → ${e.to}`, null];
    case 'connected':
      return [`connected → ${e.to}`, null];
    case 'disconnected':
      return [`disconnected ${e.to}${e.cancelled_requests ? ` (${e.cancelled_requests} requests failed)` : ''}`, null];
    case 'txn_begun':
      return ['beginTransaction()', null];
    case 'txn_ending':
      return [e.commit ? 'commitTransaction()' : 'abortTransaction()', null];
    case 'marker_written':
      return [`${e.marker} marker ${e.tp}@${e.offset}`, `${e.broker} wrote a ${e.marker} control batch to ${e.tp} at offset ${e.offset} (producer id ${e.producer_id})`];
    case 'txn_timed_out':
      return [`transaction.timeout.ms: ${e.transactional_id} timed out`, null];
    case 'txn_aborted_by_coordinator':
      return [`coordinator aborted ${e.transactional_id}: ${e.reason}`, null];
    case 'offset_out_of_range':
      return [`OFFSET_OUT_OF_RANGE ${e.tp} @${e.position}`, `${e.consumer}'s position ${e.position} in ${e.tp} is outside the log (log start offset ${e.log_start_offset}): auto.offset.reset ${e.reset_to === null ? 'is none, the poll fails' : `moves it to ${e.reset_to}`}`];
    case 'polled':
      return [`${e.consumer} poll ${e.topic} → ${e.records} records`, null];
    // ---- consumer groups: the coordinator, then the members ----
    case 'member_joined':
      return [`+ ${e.consumer} joins ${e.group}`, `${e.consumer} joined group ${e.group} as member ${e.member_id} (JoinGroup)`];
    case 'member_removed':
      return [`− ${e.group} removes ${e.consumer}`, `the coordinator removed ${e.consumer} (member ${e.member_id}) from group ${e.group}: ${e.reason}`];
    case 'static_member_rejoined':
      return [`↩ ${e.consumer} rejoins ${e.group} (static)`, `${e.consumer} rejoined group ${e.group} with its group.instance.id and kept its assignment: no rebalance (generation ${e.generation})`];
    case 'rebalance_started':
      return [`⟳ rebalance ${e.group}`, `${e.broker}, coordinator of ${e.group}, started a rebalance after generation ${e.generation} (PreparingRebalance): ${e.reason}`];
    case 'group_joined':
      return [`${e.group} gen ${e.generation} · leader ${e.leader}`, `every member of ${e.group} joined: generation ${e.generation}, assignor ${e.protocol}, leader ${e.leader}, members ${e.members.join(', ')} (CompletingRebalance: the leader computes the assignment)`];
    case 'group_stable':
      return [`✓ ${e.group} stable · gen ${e.generation}`, `${e.group} is Stable at generation ${e.generation} (the leader's SyncGroup): ${e.assignment.map(([m, tps]) => `${m} ← ${tps.join(', ') || 'nothing'}`).join('; ')}`];
    case 'target_assignment':
      return [`◎ ${e.group} target · epoch ${e.group_epoch}`, `${e.broker}, coordinator of ${e.group}, computed a new target assignment for group epoch ${e.group_epoch} (server-side assignor ${e.assignor}, KIP-848): ${e.assignment.map(([m, tps]) => `${m} ← ${tps.join(', ') || 'nothing'}`).join('; ')}; members reconcile toward it on their heartbeats`];
    case 'group_empty':
      return [`${e.group} empty`, `the last member left ${e.group} (Empty after generation ${e.generation}); its committed offsets stay`];
    case 'partitions_assigned':
      return [`assigned ${tps(e.partitions)}`, `${e.consumer} got its assignment of generation ${e.generation}: ${tps(e.partitions)} (onPartitionsAssigned)`];
    case 'partitions_revoked':
      return [`revoke ${tps(e.partitions)}`, `${e.consumer} gave up ${tps(e.partitions)} (onPartitionsRevoked): it stops fetching them, after committing with enable.auto.commit`];
    case 'partitions_lost':
      return [`✕ lost ${tps(e.partitions)}`, `${e.consumer} lost ${tps(e.partitions)} without committing (onPartitionsLost): ${e.reason}`];
    case 'position_set':
      return [`${e.tp} from ${e.offset} (${e.from})`, `${e.consumer} starts ${e.tp} at offset ${e.offset}: ${e.from === 'committed' ? "its group's committed offset (OffsetFetch)" : `no committed offset, auto.offset.reset=${e.from}`}`];
    case 'records_returned':
      return [`poll ${e.tp} ${range(e.from_offset, e.to_offset)} (${e.records})`, `poll() returned ${e.records} record${e.records === 1 ? '' : 's'} of ${e.tp} to ${e.consumer}: offsets ${range(e.from_offset, e.to_offset)}`];
    case 'offsets_committed': {
      const o = offsets(e.offsets);
      if (e.kind === 'transaction') {
        return [`commit ${o} (txn)`, `${e.group}'s offsets ${o || 'none'} became committed: the COMMIT marker of ${e.consumer}'s transaction reached __consumer_offsets (sendOffsetsToTransaction)`];
      }
      return [`commit ${o}`, `${e.consumer} committed ${e.group}'s offsets (${e.kind === 'auto' ? 'auto-commit' : `commit${e.kind === 'sync' ? 'Sync' : 'Async'}()`}): ${o || 'none'}`];
    }
    case 'offset_commit_failed':
      return [`commit failed: ${e.error}`, `${e.consumer}'s ${e.kind} commit failed: ${e.error}`];
    // ---- pipelines: offsets sent to a transaction, and a commit that failed ----
    case 'task_migrated':
      return [`✕ ${e.consumer} task migrated`, `${e.consumer}'s commit failed (TaskMigratedException): ${e.reason}. It aborts its open transaction, drops its partitions (onPartitionsLost) and rejoins its group`];
    case 'txn_offsets_pending':
      return [`TxnOffsetCommit ${e.group} ${offsets(e.offsets)}`, `${e.broker}, coordinator of ${e.group}, holds offsets ${offsets(e.offsets) || 'none'} for producer id ${e.producer_id}'s transaction (TxnOffsetCommit): they become the group's committed offsets only with its COMMIT marker`];
    case 'txn_offsets_completed':
      return e.commit
        ? [`✓ ${e.group} offsets committed (txn)`, `${e.broker} wrote the COMMIT marker of producer id ${e.producer_id} to __consumer_offsets: ${e.group}'s offsets ${offsets(e.offsets) || 'none'} are committed, with the transaction's outputs`]
        : [`✕ ${e.group} offsets dropped (abort)`, `${e.broker} wrote the ABORT marker of producer id ${e.producer_id} to __consumer_offsets: ${e.group}'s pending offsets ${offsets(e.offsets) || 'none'} are dropped, its committed offsets stay where they were`];
    case 'poll_timeout':
      return ['⏱ max.poll.interval.ms passed', `${e.consumer} did not call poll() within max.poll.interval.ms=${e.max_poll_interval_ms}: it leaves its group (a static member stops heartbeating), which rebalances`];
    case 'consumer_crashed':
      return [`✖ ${e.consumer} crashed`, `${e.consumer}'s process died${e.processing ? ` while processing ${e.processing} record${e.processing === 1 ? '' : 's'}` : ''}: no LeaveGroup, no commit; the coordinator notices when session.timeout.ms passes without a heartbeat`];
    case 'consumer_restarted':
      return ['↻ restart', `${e.consumer} restarted: a new process that rejoins its group and resumes from the committed offsets`];
    case 'consumer_closed':
      return ['close()', `${e.consumer} closed: it revoked its partitions and left its group`];
    default:
      return [e.type, null];
  }
}

function offsets(list) {
  return list.map(([tp, off]) => `${tp}@${off}`).join(' ');
}

function tps(list) {
  return list.length ? list.join(', ') : 'no partitions';
}

function range(a, b) {
  return a === b ? `${a}` : b < a ? `${a}–` : `${a}–${b}`;
}
