// The controls panel: the producer, topic and network settings people tune most, bound
// to the scenario text. A control shows what the text says (or Kafka's default, from
// the last run's effective configuration when there is one); changing it edits the text
// (core/text-model.js: replace the value in place, add `name=value` to the right line,
// or remove it for "default"), and the text change runs the scenario. The text is the
// only state: controls hold nothing the text does not.
//
// Test hooks: data-testid="control-<property>" on each input or select.
import { getProp, readModel, setNetworkEdit, setPropEdit } from '../core/text-model.js';
import { PROPERTIES } from '../editor/properties.js';
import { h } from './dom.js';

const doc = (role, name) => PROPERTIES[role]?.find((p) => p.name === name);

const PRODUCER = [
  { key: 'acks', values: ['all', '1', '0'] },
  { key: 'enable.idempotence', values: ['true', 'false'] },
  { key: 'linger.ms', placeholder: 'ms' },
  { key: 'batch.size', placeholder: 'bytes or 16KiB' },
  { key: 'buffer.memory', placeholder: 'bytes or 32MiB' },
  { key: 'max.in.flight.requests.per.connection', type: 'number' },
  { key: 'retries' },
  { key: 'delivery.timeout.ms' },
  { key: 'request.timeout.ms' },
  { key: 'compression.type', values: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] },
].map((c) => ({ ...c, role: 'producer', doc: doc('producer', c.key) }));

const TOPIC = [
  { key: 'partitions', type: 'number', fallback: '1', doc: { doc: 'Number of partitions of the topic.' } },
  { key: 'replication.factor', type: 'number', fallback: '1', doc: { doc: 'Replicas per partition (default.replication.factor when absent).' } },
  { key: 'min.insync.replicas', type: 'number', brokers: true },
  { key: 'unclean.leader.election.enable', values: ['true', 'false'], brokers: true },
  { key: 'flush.messages' },
].map((c) => ({ doc: doc('topic', c.key), ...c, role: 'topic' }));

const NETWORK = [
  { key: 'latency', fallback: '1ms', doc: { doc: 'One-way delay of every message (network latency=...).' } },
  { key: 'jitter', fallback: '0ms', doc: { doc: 'Random extra delay up to this much, drawn from the seed.' } },
  { key: 'loss', fallback: '0.0', doc: { doc: 'Probability a message is lost on the wire: 0.01 or 1%.' } },
].map((c) => ({ ...c, role: 'network' }));

let uid = 0;

/**
 * @param {HTMLElement} root
 * @param {{getText: () => string, applyEdits: (edits: object[]) => void, readOnly?: boolean}} io
 */
export function createControls(root, { getText, applyEdits, readOnly = false }) {
  root.classList.add('kp-controls');
  root.dataset.testid = 'controls';
  const prefix = `kp-c${++uid}`;
  const inputs = new Map(); // key -> {def, el, note}
  let producerName = null;
  let topicName = null;
  let effective = null; // report.config

  const producerPick = h('select', { id: `${prefix}-producer`, 'data-testid': 'control-producer', onchange: () => ((producerName = producerPick.value), sync()) });
  const topicPick = h('select', { id: `${prefix}-topic`, 'data-testid': 'control-topic', onchange: () => ((topicName = topicPick.value), sync()) });
  const notes = h('ul', { class: 'kp-notes', 'data-testid': 'config-notes', 'aria-label': 'Configuration notes' });

  function row(def) {
    const id = `${prefix}-${def.key.replace(/\W/g, '-')}`;
    const noteId = `${id}-note`;
    const common = { id, 'data-testid': `control-${def.key}`, 'aria-describedby': noteId, disabled: readOnly, title: def.doc?.doc ?? '' };
    const el = def.values
      ? h('select', { ...common, onchange: () => commit(def, el.value) }, h('option', { value: '' }, 'default'), def.values.map((v) => h('option', { value: v }, v)))
      : h('input', {
          ...common,
          type: def.type === 'number' ? 'number' : 'text',
          min: def.type === 'number' ? 1 : null,
          inputmode: def.type === 'number' ? 'numeric' : null,
          autocomplete: 'off',
          spellcheck: 'false',
          placeholder: def.placeholder ?? '',
          onchange: () => commit(def, el.value.trim()),
        });
    const note = h('span', { class: 'kp-control-note', id: noteId });
    inputs.set(def.key, { def, el, note });
    return h('div', { class: 'kp-control' }, h('label', { for: id }, def.key), el, note);
  }

  function fieldset(legend, defs, picker) {
    return h(
      'fieldset',
      { 'data-role': defs[0].role },
      h('legend', {}, legend, picker ? [' ', h('label', { class: 'kp-sr', for: picker.id }, `which ${defs[0].role}`), picker] : null),
      defs.map(row),
    );
  }

  root.replaceChildren(
    fieldset('Producer', PRODUCER, producerPick),
    fieldset('Topic', TOPIC, topicPick),
    fieldset('Network', NETWORK),
    notes,
  );

  function decls(model) {
    const producer = model.producers.find((d) => d.name === producerName) ?? model.producers[0] ?? null;
    const topic = model.topics.find((d) => d.name === topicName) ?? model.topics[0] ?? null;
    return { producer, topic };
  }

  /** The declaration line a control edits, and the one its value comes from. */
  function target(def, model) {
    const { producer, topic } = decls(model);
    if (def.role === 'producer') return { edit: producer, from: producer };
    if (def.role === 'network') return { edit: model.network, from: model.network };
    if (def.brokers && topic && getProp(topic, def.key) === null && model.brokers && getProp(model.brokers, def.key) !== null) {
      return { edit: model.brokers, from: model.brokers };
    }
    return { edit: topic, from: topic };
  }

  function commit(def, value) {
    const model = readModel(getText());
    const edit = def.role === 'network' ? setNetworkEdit(model, def.key, value || null) : setPropEdit(target(def, model).edit, def.key, value || null);
    if (edit) applyEdits([edit]);
  }

  function defaultLabel(def, model) {
    const { producer, topic } = decls(model);
    const name = def.role === 'producer' ? producer?.name : def.role === 'topic' ? topic?.name : null;
    const role = effective?.roles.find((r) => r.role === def.role && r.name === name);
    const setting = role?.settings.find((s) => s.name === def.key);
    if (setting && setting.source !== 'set') return setting.source === 'derived' ? `${readable(setting.value)} (derived)` : readable(setting.value);
    if (def.brokers && model.brokers && getProp(model.brokers, def.key) !== null) return `${getProp(model.brokers, def.key)} (brokers line)`;
    return readable(def.fallback ?? def.doc?.default ?? '');
  }

  function readable(value) {
    return value === '9223372036854775807' ? 'never' : value;
  }

  function fillPicker(select, list, current) {
    const names = list.map((d) => d.name).filter(Boolean);
    const same = select.options.length === names.length && names.every((n, i) => select.options[i].value === n);
    if (!same) select.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
    select.value = current ?? names[0] ?? '';
    select.hidden = names.length < 2;
    select.previousElementSibling.hidden = names.length < 2;
  }

  function sync() {
    const model = readModel(getText());
    const { producer, topic } = decls(model);
    producerName = producer?.name ?? null;
    topicName = topic?.name ?? null;
    fillPicker(producerPick, model.producers, producerName);
    fillPicker(topicPick, model.topics, topicName);
    for (const { def, el, note } of inputs.values()) {
      const { from } = target(def, model);
      const missing = def.role !== 'network' && !from;
      el.disabled = readOnly || missing;
      const value = from ? getProp(from, def.key) : null;
      const dflt = defaultLabel(def, model);
      note.textContent = missing ? `no ${def.role} line` : value === null ? '' : from === model.brokers && def.role === 'topic' ? 'brokers line' : '';
      if (el.tagName === 'SELECT') {
        if (value !== null && ![...el.options].some((o) => o.value === value)) el.append(h('option', { value }, value));
        el.options[0].textContent = `default${dflt ? ` (${dflt})` : ''}`;
        el.value = value ?? '';
      } else {
        el.placeholder = dflt ? `default ${dflt}` : (def.placeholder ?? '');
        if (/** @type {Document | ShadowRoot} */ (el.getRootNode()).activeElement !== el || el.dataset.synced !== value) el.value = value ?? '';
        el.dataset.synced = value ?? '';
      }
    }
  }

  return {
    /** Re-reads the text (call on every text change). */
    sync,
    /** The effective configuration of the last run (placeholders show Kafka's defaults and derived values). */
    setEffective(config) {
      effective = config;
      notes.replaceChildren(...(config?.notes ?? []).map((n) => h('li', {}, n)));
      sync();
    },
  };
}
