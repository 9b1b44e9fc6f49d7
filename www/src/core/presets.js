// The presets (www/presets/*.kplay and www/presets/index.json), bundled into the page so
// they work offline and from any sub-path: one scenario per produce-path concept, each
// with a title, a group and a one-line summary. tests/presets.rs keeps them true.
import index from '../../presets/index.json';

const texts = import.meta.glob('../../presets/*.kplay', { query: '?raw', import: 'default', eager: true });

/** @type {{name: string, title: string, group: string, summary: string, see?: string[], error?: object, text: string}[]} */
export const PRESETS = index.presets.map((p) => ({ ...p, text: /** @type {string} */ (texts[`../../presets/${p.name}.kplay`]) }));
export const GROUPS = index.groups;
export const DEFAULT_PRESET = index.default;

/** The preset called `name`, or null. */
export function presetByName(name) {
  return PRESETS.find((p) => p.name === name) ?? null;
}

/** The preset whose text is exactly `text`, or null. */
export function presetOfText(text) {
  return PRESETS.find((p) => p.text === text) ?? null;
}
