// Small formatting helpers shared by the verdict, the record grid and the journey:
// virtual times in kplay's own style (250us, 58ms, 9.002s) and counts.

/** Virtual time in microseconds as the CLI prints it: 250us, 58ms, 1.5ms, 9.002s, 2m3s. */
export function fmtUs(us) {
  if (us === null || us === undefined) return '—';
  if (us < 1000) return `${us}us`;
  if (us < 1_000_000) return `${trim(us / 1000, 3)}ms`;
  if (us < 120_000_000) return `${trim(us / 1_000_000, 3)}s`;
  const m = Math.floor(us / 60_000_000);
  return `${m}m${trim((us - m * 60_000_000) / 1_000_000, 3)}s`;
}

function trim(x, digits) {
  return String(Number(x.toFixed(digits)));
}

/** A count with thin-space thousands separators: 10 000. */
export function fmtCount(n) {
  return n >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, '\u202f') : String(n);
}

/** "record 3" / "records 3–7" / "records 1, 4 and 9" (ids sorted). */
export function fmtRecords(ids) {
  if (ids.length === 1) return `record ${ids[0]}`;
  const sorted = [...ids].sort((a, b) => a - b);
  const contiguous = sorted.every((id, i) => i === 0 || id === sorted[i - 1] + 1);
  if (contiguous) return `records ${sorted[0]}–${sorted[sorted.length - 1]}`;
  if (sorted.length <= 4) return `records ${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
  return `${sorted.length} records`;
}

/** "1 record" / "3 records". */
export function plural(n, word) {
  return `${fmtCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
