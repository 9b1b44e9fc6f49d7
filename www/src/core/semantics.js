// What a run's summary means for delivery guarantees, in the words people use about
// Kafka producers. Pure functions over report.summary (see crate/src/report.d.ts).
//
//   at-most-once    acknowledged records were lost (and none duplicated)
//   at-least-once   duplicates (or phantom writes) appeared and nothing acknowledged was lost
//   exactly-once    neither, and every record sent was delivered once (aborted
//                   transactional records count as correctly not delivered)
//   none            records were both lost and duplicated
// When nothing was sent, or sends failed/pend without loss or duplicates, no delivery
// guarantee was exercised end to end and the verdict says so.

/** The outcome counts of the banner, in display order, with Kafka-flavoured descriptions. */
export const OUTCOMES = [
  { key: 'delivered', label: 'delivered', help: 'distinct records a consumer reading the committed log at the end sees' },
  { key: 'lost', label: 'lost', help: 'acknowledged records that are not in the final log' },
  { key: 'duplicated', label: 'duplicated', help: 'extra copies in the final log' },
  { key: 'reordered', label: 'reordered', help: 'records that landed after a record the same producer sent later to the same partition' },
  { key: 'phantom', label: 'phantom', help: 'records whose send failed but which are in the final log anyway' },
  { key: 'aborted', label: 'aborted', help: 'records written inside an aborted transaction' },
  { key: 'failed', label: 'failed', help: 'sends whose callback got an exception' },
  { key: 'pending', label: 'pending', help: 'sends with no result when the run ended' },
];

/**
 * @param {import('../../../crate/src/report.d.ts').Summary} s
 * @returns {{kind: 'at-most-once'|'at-least-once'|'exactly-once'|'none'|'none-observed', label: string, detail: string}}
 */
export function deliverySemantics(s) {
  const lossy = s.lost > 0;
  const dupes = s.duplicated > 0 || s.phantom > 0;
  if (s.sent === 0) {
    return { kind: 'none-observed', label: 'none observed', detail: 'nothing was sent' };
  }
  if (lossy && dupes) {
    return {
      kind: 'none',
      label: 'no guarantee held',
      detail: `${s.lost} acknowledged record(s) lost and ${s.duplicated + s.phantom} extra or phantom cop(ies) written`,
    };
  }
  if (lossy) {
    return { kind: 'at-most-once', label: 'at-most-once', detail: `${s.lost} acknowledged record(s) lost, none duplicated` };
  }
  if (dupes) {
    const parts = [];
    if (s.duplicated) parts.push(`${s.duplicated} duplicate cop${s.duplicated === 1 ? 'y' : 'ies'}`);
    if (s.phantom) parts.push(`${s.phantom} phantom write(s) (failed sends that were written anyway)`);
    return { kind: 'at-least-once', label: 'at-least-once', detail: `${parts.join(' and ')}, nothing acknowledged lost` };
  }
  const unresolved = s.failed + s.pending;
  if (unresolved === 0 && s.delivered + s.aborted === s.sent) {
    const txn = s.aborted ? ` (${s.aborted} aborted in a transaction, correctly not delivered)` : '';
    return { kind: 'exactly-once', label: 'exactly-once', detail: `every record delivered once${txn}` };
  }
  const parts = [];
  if (s.failed) parts.push(`${s.failed} send(s) failed and the application was told`);
  if (s.pending) parts.push(`${s.pending} had no result when the run ended`);
  if (s.delivered + s.aborted + unresolved !== s.sent) parts.push(`${s.sent - s.delivered - s.aborted - unresolved} not in the final log`);
  return {
    kind: 'none-observed',
    label: 'nothing lost or duplicated',
    detail: `no acknowledged record lost, none duplicated; ${parts.join('; ')}`,
  };
}
