// Where a record is on disk, from the report and from the engine's segment dumps (pure:
// the journey's "On disk" section, ui/disk.js, renders what these return).

/**
 * Where a record's copies in the final log are on disk at the end of the run, from the
 * report's segment files: for each copy (its offset in the final log) and each replica of
 * its partition whose log reaches that offset, the segment file holding it. `final` marks
 * the replica the final log is read from (the leader, else the first in the ISR); another
 * replica holds what its own log has at that offset (the same record unless it diverged).
 * @returns {{broker: number, role: string, down: boolean, final: boolean, offset: number,
 *            base: number, file: string, active: boolean}[]}
 */
export function diskCopies(report, tp, record) {
  const p = tp == null ? null : (report.partitions ?? []).find((x) => `${x.topic}-${x.partition}` === tp);
  if (!p) return [];
  const finalBroker = p.leader ?? p.isr?.[0] ?? null;
  const out = [];
  for (const offset of record.copies ?? []) {
    for (const r of p.replica_states ?? []) {
      if (offset < r.log_start_offset || offset >= r.log_end_offset) continue;
      const seg = (r.segments ?? []).find((s) => s.base_offset <= offset && offset < s.end_offset);
      if (!seg) continue;
      out.push({
        broker: r.broker,
        role: r.role,
        down: !!r.down,
        final: r.broker === finalBroker,
        offset,
        base: seg.base_offset,
        file: `${String(seg.base_offset).padStart(20, '0')}.log`,
        active: !!seg.active,
      });
    }
  }
  return out;
}

/**
 * The batch holding `offset` in a kafka-dump-log --deep-iteration text (the engine's dump
 * of one segment): the segment's path, the batch's position in it, its lines (the batch
 * line, then its record lines, verbatim) and the index among them of `offset`'s record
 * line (-1 if none). null when no batch of the dump holds the offset.
 * @returns {{path: string|null, position: number, baseOffset: number, lastOffset: number,
 *            lines: string[], hit: number}|null}
 */
export function batchInDump(text, offset) {
  const lines = text.split('\n');
  let path = null;
  for (let i = 0; i < lines.length; i++) {
    const dumping = /^Dumping (.+\.log)$/.exec(lines[i]);
    if (dumping) {
      path = dumping[1];
      continue;
    }
    const m = /^baseOffset: (\d+) lastOffset: (\d+) .* position: (\d+) /.exec(lines[i]);
    if (!m || offset < Number(m[1]) || offset > Number(m[2])) continue;
    const out = [lines[i]];
    let hit = -1;
    for (let k = i + 1; k < lines.length && lines[k].startsWith('| '); k++) {
      if (lines[k].startsWith(`| offset: ${offset} `)) hit = out.length;
      out.push(lines[k]);
    }
    return { path, position: Number(m[3]), baseOffset: Number(m[1]), lastOffset: Number(m[2]), lines: out, hit };
  }
  return null;
}

/**
 * Whether a record line of a dump (`| offset: … CreateTime: … keySize: …`) can be `record`:
 * false when its key size, or its CreateTime on a CreateTime topic, differs from the
 * record's (another record at that offset: a replica whose log diverged). true means
 * only that nothing tells them apart.
 */
export function recordLineFits(line, record) {
  const m = /^\| offset: \d+ (CreateTime|LogAppendTime): (-?\d+) keySize: (-?\d+) /.exec(line);
  if (!m) return false;
  const keySize = record.key === null ? -1 : new TextEncoder().encode(record.key).length;
  if (Number(m[3]) !== keySize) return false;
  if (m[1] === 'CreateTime' && record.timestamp_type === 'CreateTime' && Number(m[2]) !== record.timestamp) return false;
  return true;
}
