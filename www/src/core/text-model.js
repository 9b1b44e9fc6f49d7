// The scenario text as the controls see it: which lines declare what, which `name=value`
// pairs they carry, and the smallest text edit that sets or removes one. The text stays
// the only state: the controls read it through `readModel` and write it through the
// edits returned here (`{from, to, insert}` in document offsets, ready for CodeMirror),
// which touch one word (or add one) and keep every other character, comments included.
//
// Words follow the kplay lexer (SCENARIO_LANGUAGE.md): separated by spaces or tabs, `#`
// outside quotes starts a comment, `"..."` quotes (with \" and \\ escapes), and a word
// holding `=` outside quotes is `key=value`.

/**
 * @typedef {{raw: string, start: number, end: number, key?: string, value?: string,
 *            valueStart?: number}} Word   start/end: offsets in the line
 * @typedef {{index: number, from: number, text: string, words: Word[], codeEnd: number}} Line
 *           index: 0-based line number; from: offset of the line in the text;
 *           codeEnd: offset in the line just past the last word (before any comment)
 * @typedef {{line: Line, keyword: string, name: string|null}} Decl
 */

/** Splits one line into words. */
export function lexLine(text) {
  const words = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n || text[i] === '#') break;
    const start = i;
    let eq = -1;
    while (i < n && text[i] !== ' ' && text[i] !== '\t' && text[i] !== '#') {
      if (text[i] === '"') {
        i++;
        while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        i = Math.min(i + 1, n);
        continue;
      }
      if (text[i] === '=' && eq < 0) eq = i;
      i++;
    }
    const raw = text.slice(start, i);
    const word = { raw, start, end: i };
    if (eq > start) {
      word.key = text.slice(start, eq);
      word.value = unquote(text.slice(eq + 1, i));
      word.valueStart = eq + 1;
    }
    words.push(word);
  }
  const last = words[words.length - 1];
  return { words, codeEnd: last ? last.end : 0 };
}

function unquote(s) {
  if (!s.includes('"')) return s;
  return s.replace(/"((?:[^"\\]|\\.)*)"?/g, (_, inner) => inner.replace(/\\(.)/g, '$1'));
}

/** Every line of the text with its words and offsets. */
export function lexText(text) {
  const lines = [];
  let from = 0;
  text.split('\n').forEach((lineText, index) => {
    const { words, codeEnd } = lexLine(lineText);
    lines.push({ index, from, text: lineText, words, codeEnd });
    from += lineText.length + 1;
  });
  return lines;
}

const DECLARATIONS = new Set(['seed', 'kafka', 'brokers', 'topic', 'producer', 'consumer', 'pipeline', 'network', 'features', 'run']);

/**
 * The declarations of a scenario: the lines the controls can edit.
 * A `pipeline NAME` line declares a consumer NAME and a producer NAME-producer, which
 * its own loop drives: it is listed in `pipelines` only.
 * @returns {{lines: Line[], seed: Decl|null, brokers: Decl|null, topics: Decl[],
 *            producers: Decl[], consumers: Decl[], pipelines: Decl[], network: Decl|null,
 *            lastDecl: Line|null, firstCode: Line|null}}
 */
export function readModel(text) {
  const lines = lexText(text);
  const model = { lines, seed: null, brokers: null, topics: [], producers: [], consumers: [], pipelines: [], network: null, lastDecl: null, firstCode: null };
  for (const line of lines) {
    const first = line.words[0];
    if (!first) continue;
    model.firstCode ??= line;
    if (!DECLARATIONS.has(first.raw)) continue;
    model.lastDecl = line;
    const second = line.words[1];
    const name = second && second.key === undefined ? second.raw : null;
    const decl = { line, keyword: first.raw, name };
    if (first.raw === 'topic') model.topics.push(decl);
    else if (first.raw === 'producer') model.producers.push(decl);
    else if (first.raw === 'consumer') model.consumers.push(decl);
    else if (first.raw === 'pipeline') model.pipelines.push(decl);
    else if (first.raw === 'seed') model.seed ??= decl;
    else if (first.raw === 'brokers') model.brokers ??= decl;
    // `network link A -> B ...` overrides one link; the controls edit the `network` line.
    else if (first.raw === 'network' && line.words[1]?.raw !== 'link') model.network ??= decl;
  }
  return model;
}

/** The `key=value` word for `key` on a declaration line, or null. */
export function findProp(decl, key) {
  if (!decl) return null;
  return decl.line.words.find((w) => w.key === key) ?? null;
}

/** The value of `key` on a declaration line, or null when it is not set there. */
export function getProp(decl, key) {
  return findProp(decl, key)?.value ?? null;
}

function quoteIfNeeded(value) {
  return /[\s#"]/.test(value) || value === '' ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
}

/**
 * The edit that sets `key=value` on a declaration line (replacing the value in place,
 * or appending the pair after the line's last word), or removes the pair when value is
 * null or ''. Returns null when nothing changes.
 */
export function setPropEdit(decl, key, value) {
  const word = findProp(decl, key);
  const { from } = decl.line;
  if (value === null || value === '') {
    if (!word) return null;
    // Remove the word and the whitespace before it.
    let start = word.start;
    while (start > 0 && /[ \t]/.test(decl.line.text[start - 1])) start--;
    return { from: from + start, to: from + word.end, insert: '' };
  }
  const text = quoteIfNeeded(String(value));
  if (word) {
    if (word.value === String(value)) return null;
    return { from: from + word.valueStart, to: from + word.end, insert: text };
  }
  const at = from + decl.line.codeEnd;
  return { from: at, to: at, insert: ` ${key}=${text}` };
}

/** The edit that sets the seed: replaces `seed N`, or inserts a seed line before the first statement. */
export function setSeedEdit(model, seed) {
  const decl = model.seed;
  if (decl) {
    const w = decl.line.words[1];
    if (w) return { from: decl.line.from + w.start, to: decl.line.from + w.end, insert: String(seed) };
    const at = decl.line.from + decl.line.codeEnd;
    return { from: at, to: at, insert: ` ${seed}` };
  }
  const at = model.firstCode ? model.firstCode.from : model.lines.reduce((n, l) => n + l.text.length + 1, 0);
  return { from: at, to: at, insert: `seed ${seed}\n` };
}

/** The seed the text declares (1, the default, when none). */
export function seedOf(model) {
  const v = model.seed?.line.words[1]?.raw;
  if (!v || !/^\d+$/.test(v)) return 1;
  // Above 2^53 - 1 a JS number would round: keep the digits (as reports do).
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

/**
 * The edit that sets a network option, adding a `network` line after the last
 * declaration when there is none.
 */
export function setNetworkEdit(model, key, value) {
  if (model.network) return setPropEdit(model.network, key, value);
  if (value === null || value === '') return null;
  const after = model.lastDecl;
  const line = `network ${key}=${quoteIfNeeded(String(value))}`;
  if (!after) return { from: 0, to: 0, insert: `${line}\n` };
  const at = after.from + after.text.length;
  return { from: at, to: at, insert: `\n${line}` };
}

/** Applies edits (non-overlapping, any order) to a string: for tests and the widget. */
export function applyEdits(text, edits) {
  const sorted = edits.filter(Boolean).sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  return out;
}

/** How many records the send lines ask for (count=N, default 1), to size a run before it starts. */
export function estimateRecords(text) {
  let total = 0;
  for (const line of lexText(text)) {
    const w = line.words;
    if (w[0]?.raw !== 'at' || !w.some((x) => x.raw === 'send' && x.key === undefined)) continue;
    const count = w.find((x) => x.key === 'count');
    total += count ? Number.parseInt(count.value, 10) || 0 : 1;
  }
  return total;
}
