// Presets' runs computed when the site was built (scripts/prerender.mjs writes
// prerendered/<preset>.json next to index.html: {text, options, outcome}). A run is a pure
// function of its text and options, so for a preset's unchanged text the page can show
// the verdict from that file at once, before the engine has loaded; any other text runs
// in the engine. tests/e2e checks that each file is what the engine returns.
//
//   precomputed(text, options)   Promise of the report, or null (no file, another text,
//                                other options, or the fetch failed): run it instead

import { presetOfText } from './presets.js';

/** @type {Map<string, Promise<any>>} */
const files = new Map();

function load(name) {
  let p = files.get(name);
  if (!p) {
    const url = new URL(`prerendered/${name}.json`, document.baseURI);
    p = fetch(url)
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
    files.set(name, p);
  }
  return p;
}

/** Starts fetching the run of `text` if it is a preset's (the page calls it first thing). */
export function prefetch(text) {
  const preset = presetOfText(text);
  if (preset) load(preset.name);
}

/**
 * @param {string} text
 * @param {{records: boolean, trace: boolean}} options
 * @returns {Promise<any> | null} the report (crate/src/report.d.ts's Report)
 */
export function precomputed(text, options) {
  const preset = presetOfText(text);
  if (!preset) return null;
  return load(preset.name).then((file) =>
    file &&
    file.text === text &&
    file.options?.records === options.records &&
    file.options?.trace === options.trace &&
    file.outcome?.ok
      ? file.outcome.report
      : null,
  );
}
