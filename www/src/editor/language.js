// Syntax highlighting of the kplay scenario language (SCENARIO_LANGUAGE.md) for
// CodeMirror 6: a line-oriented StreamLanguage tokenizer, and a highlight style whose
// colours are CSS variables (styles/theme.css), so light and dark themes need no
// reconfiguration.
//
// Token kinds: statement keywords (seed, brokers, topic, producer, consumer, pipeline,
// at, expect, ...),
// actions (send, crash, cut, ...), Kafka property names, numbers with units (250us,
// 16KiB, 0.01), node names (broker-N, controller), declared names, strings, comments,
// operators (= != <= >= < > ->), atoms (all, true, power, read_committed, ...), error
// names (NOT_ENOUGH_REPLICAS, TimeoutException) and trace event names.

import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

export const STATEMENTS = ['seed', 'kafka', 'brokers', 'topic', 'producer', 'consumer', 'pipeline', 'network', 'features', 'hardware', 'at', 'run', 'expect'];
export const PRODUCER_ACTIONS = ['send', 'flush', 'close', 'init', 'begin', 'commit', 'abort', 'restart'];
export const FAULT_ACTIONS = ['crash', 'restart', 'shutdown', 'pause', 'drop', 'delay', 'cut', 'isolate', 'heal'];
const ACTIONS = new Set([...PRODUCER_ACTIONS, ...FAULT_ACTIONS, 'poll', 'subscribe']);
const KEYWORDS = new Set(['until', 'idle', 'for', 'sync', 'async', 'trace', 'leader', 'link']);
const ATOMS = new Set(['all', 'true', 'false', 'none', 'null', 'process', 'power', 'unacked', 'read_committed', 'read_uncommitted', 'at_least_once', 'exactly_once_v2', 'gzip', 'snappy', 'lz4', 'zstd']);
const NUMBER = /^-?\d+(?:\.\d+)?(?:us|µs|ms|s|m|h|B|KiB|MiB|GiB|KB|MB|GB|%)?(?![\w.])/;
const OPERATOR = /^(?:<=|>=|!=|->|=|<|>)/;
const KEY = /^[A-Za-z_][\w.-]*(?=(?:<=|>=|!=|=|<|>))/;

const parser = {
  name: 'kplay',
  startState: () => ({ word: 0, first: '', prev: '' }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (stream.sol()) {
      state.word = 0;
      state.first = '';
      state.prev = '';
    }
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    const style = word(stream, state);
    return style;
  },
  languageData: { commentTokens: { line: '#' } },
  tokenTable: {
    keyword: t.keyword,
    action: t.controlKeyword,
    property: t.propertyName,
    number: t.number,
    string: t.string,
    comment: t.lineComment,
    operator: t.operator,
    node: t.special(t.variableName),
    def: t.definition(t.variableName),
    variable: t.variableName,
    atom: t.atom,
    errorName: t.constant(t.name),
    event: t.function(t.variableName),
  },
};

function word(stream, state) {
  if (stream.peek() === '"') {
    stream.next();
    let escaped = false;
    for (let c = stream.next(); c !== undefined && c !== null; c = stream.next()) {
      if (c === '"' && !escaped) break;
      escaped = !escaped && c === '\\';
    }
    return 'string';
  }
  if (stream.match(OPERATOR)) return 'operator';
  if (state.word > 0 && stream.match(KEY)) {
    state.prev = 'key';
    return 'property';
  }
  const m = stream.match(/^[^\s#"=<>!]+/);
  if (!m) {
    stream.next();
    return null;
  }
  const w = m[0];
  const index = state.word++;
  const prev = state.prev;
  state.prev = w;
  if (index === 0) {
    state.first = w;
    return STATEMENTS.includes(w) ? 'keyword' : null;
  }
  if (prev === 'key' || stream.string[stream.start - 1] === '=' || /[<>]$/.test(stream.string.slice(0, stream.start))) {
    return valueStyle(w);
  }
  if (NUMBER.test(w)) return 'number';
  if (/^broker-\d+$/.test(w) || w === 'controller') return 'node';
  if (state.first === 'expect' && prev === 'trace') return 'event';
  if (KEYWORDS.has(w)) return 'keyword';
  if (index === 1 && ['topic', 'producer', 'consumer', 'pipeline'].includes(state.first)) return 'def';
  if (state.first === 'at' && ACTIONS.has(w)) return 'action';
  return valueStyle(w, 'variable');
}

function valueStyle(w, fallback = 'atom') {
  if (NUMBER.test(w)) return 'number';
  if (/^[A-Z][A-Z0-9_]{3,}$/.test(w) || /^[A-Z]\w*(Exception|Error)$/.test(w)) return 'errorName';
  if (/^broker-\d+$/.test(w)) return 'node';
  if (ATOMS.has(w)) return 'atom';
  return fallback;
}

export const kplayLanguage = StreamLanguage.define(parser);

const style = HighlightStyle.define([
  { tag: t.keyword, color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: t.controlKeyword, color: 'var(--hl-action)', fontWeight: '600' },
  { tag: t.propertyName, color: 'var(--hl-property)' },
  { tag: t.number, color: 'var(--hl-number)' },
  { tag: t.string, color: 'var(--hl-string)' },
  { tag: t.lineComment, color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: t.operator, color: 'var(--hl-operator)' },
  { tag: t.special(t.variableName), color: 'var(--hl-node)', fontWeight: '600' },
  { tag: t.definition(t.variableName), color: 'var(--hl-def)', fontWeight: '600' },
  { tag: t.variableName, color: 'var(--hl-variable)' },
  { tag: t.atom, color: 'var(--hl-atom)' },
  { tag: t.constant(t.name), color: 'var(--hl-error-name)' },
  { tag: t.function(t.variableName), color: 'var(--hl-event)' },
]);

/** The language plus its highlighting, as one extension. */
export function kplay() {
  return [kplayLanguage, syntaxHighlighting(style)];
}
