// Typings of the <kplay-scenario> element that `import 'kplay/widget'` defines (see
// README.md). The report types come from the engine's typings (crate/src/report.d.ts).
import type { Report } from '../engine/kplay.js';

export interface KplayScenarioElement extends HTMLElement {
  /** The scenario text (setting it runs it, as an edit would); null before the element
   * has read its text. */
  text: string | null;
  /** The last run's report, or null before the first run. */
  readonly report: Report | null;
  /** Runs the scenario now. */
  run(): Promise<unknown>;
}

export interface KplayScenarioEventMap {
  'kplay-run': CustomEvent<{ report: Report }>;
  'kplay-change': CustomEvent<{ text: string }>;
  'kplay-error': CustomEvent<{ message: string }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'kplay-scenario': KplayScenarioElement;
  }
  interface HTMLElementEventMap extends KplayScenarioEventMap {}
}

export {};
