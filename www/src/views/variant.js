// Compare mode's logic, without DOM: the settings a run can vary (from the report's
// effective config, plus the seed and each pipeline's processing.guarantee), the scenario
// text with one setting changed (the declaration line edited in place, comments kept; a
// pipeline's consumer and producer settings on its `pipeline` line), a suggested
// alternative value (acks=1 <-> acks=all, booleans flipped, at_least_once <->
// exactly_once_v2), and the first trace event where two runs differ.

const GUARANTEES = ['at_least_once', 'exactly_once_v2'];

/** Every setting of the run: {key, role, name, prop, value, source}. */
export function settingsOf(report) {
  const out = [{ key: 'seed', role: 'seed', name: '', prop: 'seed', value: String(report.seed), source: 'set' }];
  for (const [name, p] of Object.entries(report.pipelines ?? {})) {
    out.push({ key: `pipeline:${name}:processing.guarantee`, role: 'pipeline', name, prop: 'processing.guarantee', value: p.guarantee, source: 'set' });
  }
  for (const r of report.config?.roles ?? []) {
    for (const s of r.settings) {
      out.push({ key: `${r.role}:${r.name}:${s.name}`, role: r.role, name: r.name, prop: s.name, value: s.value, source: s.source });
    }
  }
  return out;
}

/** The setting compare mode starts with: the first producer's acks, else the seed. */
export function defaultSetting(settings) {
  return settings.find((s) => s.role === 'producer' && s.prop === 'acks') ?? settings[0];
}

/** The seed after `v`, exact for any u64 (seeds above 2^53 - 1 arrive as strings). */
export function nextSeed(v) {
  try {
    return String((BigInt(v) + 1n) % (1n << 64n));
  } catch {
    return '1';
  }
}

/** A value worth comparing against: acks=1 <-> all, true <-> false, another seed. */
export function alternativeValue(setting) {
  const v = setting.value;
  if (setting.prop === 'acks') return v === '1' ? 'all' : v === '0' ? '1' : '1';
  if (setting.prop === 'processing.guarantee') return GUARANTEES.find((g) => g !== v) ?? GUARANTEES[1];
  if (v === 'true') return 'false';
  if (v === 'false') return 'true';
  if (setting.prop === 'seed') return nextSeed(v);
  return '';
}

/** Values to suggest for a property (datalist). */
export function suggestions(setting) {
  if (setting.prop === 'acks') return ['0', '1', 'all'];
  if (setting.prop === 'processing.guarantee') return GUARANTEES;
  if (setting.value === 'true' || setting.value === 'false') return ['true', 'false'];
  if (setting.prop === 'compression.type') return ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  if (setting.prop === 'isolation.level') return ['read_committed', 'read_uncommitted'];
  return [];
}

const DECL = { producer: 'producer', consumer: 'consumer', topic: 'topic', broker: 'brokers', pipeline: 'pipeline' };

/**
 * The scenario text with one setting changed: {text} or {error}. The setting's declaration
 * line gets `prop=value` (replacing an existing `prop=...`), before any comment. A
 * pipeline's consumer NAME and producer NAME-producer are declared by `pipeline NAME`:
 * their settings go on that line.
 */
export function withSetting(text, setting, value) {
  const v = /[\s#"]/.test(value) ? `"${value.replaceAll('"', '')}"` : value;
  const lines = text.split('\n');
  if (setting.role === 'seed') {
    const i = lines.findIndex((l) => /^\s*seed\s/.test(l));
    if (i < 0) return { text: `seed ${v}\n${text}` };
    const [code, comment] = splitComment(lines[i]);
    lines[i] = code.replace(/^(\s*seed\s+)\S+/, `$1${v}`) + comment;
    return { text: lines.join('\n') };
  }
  const word = DECL[setting.role];
  if (!word) return { error: `cannot change ${setting.role} settings` };
  const head = setting.role === 'broker' ? new RegExp(`^\\s*${word}\\s`) : new RegExp(`^\\s*${word}\\s+${escapeRe(setting.name)}(\\s|$)`);
  let i = lines.findIndex((l) => head.test(splitComment(l)[0]));
  if (i < 0 && (setting.role === 'consumer' || setting.role === 'producer')) {
    const pipe = setting.role === 'producer' ? setting.name.replace(/-producer$/, '') : setting.name;
    const line = new RegExp(`^\\s*pipeline\\s+${escapeRe(pipe)}(\\s|$)`);
    if (setting.role === 'consumer' || pipe !== setting.name) i = lines.findIndex((l) => line.test(splitComment(l)[0]));
  }
  if (i < 0) return { error: `no '${word}${setting.role === 'broker' ? '' : ` ${setting.name}`}' line in the scenario` };
  const [code, comment] = splitComment(lines[i]);
  const prop = new RegExp(`(^|\\s)${escapeRe(setting.prop)}=("[^"]*"|\\S*)`);
  const body = code.replace(/\s+$/, '');
  const changed = prop.test(body) ? body.replace(prop, `$1${setting.prop}=${v}`) : `${body} ${setting.prop}=${v}`;
  lines[i] = comment ? `${changed} ${comment.trimStart()}` : changed;
  return { text: lines.join('\n') };
}

/** [code, comment]: the comment starts at the first # outside double quotes. */
function splitComment(line) {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === '#' && !quoted) return [line.slice(0, i), line.slice(i)];
  }
  return [line, ''];
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The first index at which two traces differ: {index, a, b} (a or b undefined when one
 * trace is a prefix of the other), or null when they are identical.
 */
export function firstDivergence(ta, tb) {
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    if (!sameEvent(ta[i], tb[i])) return { index: i, a: ta[i], b: tb[i] };
  }
  if (ta.length === tb.length) return null;
  return { index: n, a: ta[n], b: tb[n] };
}

function sameEvent(x, y) {
  if (x === y) return true;
  if (x.at_us !== y.at_us || x.type !== y.type) return false;
  return JSON.stringify(x) === JSON.stringify(y);
}

/** Field names whose values differ between two events (all fields if the types differ). */
export function differingFields(a, b) {
  if (!a || !b || a.type !== b.type) return null;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** The summary fields compare mode shows, in order. */
export const SUMMARY_FIELDS = ['sent', 'acked', 'failed', 'pending', 'delivered', 'lost', 'duplicated', 'reordered', 'phantom', 'aborted', 'deleted', 'compacted', 'reprocessed', 'skipped', 'pipeline_lost', 'pipeline_duplicated', 'produce_requests', 'batches'];

/** Every effective setting that differs between two runs' configurations (the one the
 * user changed and those Kafka's rules changed with it, like enable.idempotence following
 * acks): [{role, name, setting, from, to, derived}] in the reports' order. */
export function impliedChanges(a, b) {
  const index = (report) => {
    const m = new Map();
    for (const r of report?.config?.roles ?? []) for (const s of r.settings) m.set(`${r.role}\u0000${r.name}\u0000${s.name}`, { role: r.role, name: r.name, s });
    return m;
  };
  const ia = index(a);
  const ib = index(b);
  const out = [];
  for (const [k, x] of ib) {
    const before = ia.get(k)?.s.value ?? '(unset)';
    if (before !== x.s.value) out.push({ role: x.role, name: x.name, setting: x.s.name, from: before, to: x.s.value, derived: x.s.source === 'derived' });
  }
  for (const [k, x] of ia) {
    if (!ib.has(k)) out.push({ role: x.role, name: x.name, setting: x.s.name, from: x.s.value, to: '(unset)', derived: false });
  }
  return out;
}

/** How many of a run's reprocessed records the groups of exactly_once_v2 pipelines
 * processed again, after an abort: their recovery, not a flaw. The rule of
 * core/semantics.js's exactlyOnceReprocessed, kept here too so that the views' chunk
 * does not split that module out of the page's first load. */
export function exactlyOnceReprocessed(report) {
  const groups = new Set(Object.values(report?.pipelines ?? {}).filter((p) => p.guarantee === 'exactly_once_v2').map((p) => p.group));
  let n = 0;
  for (const g of groups) n += report.groups?.[g]?.reprocessed ?? 0;
  return Math.min(n, report?.summary?.reprocessed ?? n);
}

/** Which way a change of a summary figure goes: fewer losses, duplicates, reorderings,
 * phantoms, failures, undecided records, records a consumer group reprocessed or
 * skipped, or pipeline inputs lost or duplicated is better; more delivered is better. */
export const SUMMARY_SENSE = { delivered: 1, acked: 1, lost: -1, duplicated: -1, reordered: -1, phantom: -1, failed: -1, pending: -1, reprocessed: -1, skipped: -1, pipeline_lost: -1, pipeline_duplicated: -1 };

