#!/usr/bin/env node
// Checks a generated kplay.d.ts (wasm-bindgen's typings of crate/src/wasm.rs): every
// exported function, class member and constructor of the API is typed without `any`
// (the report types come from crate/src/report.d.ts through typescript_custom_section),
// and the camelCase names the playground calls are there. The raw `InitOutput` table of
// wasm exports that wasm-bindgen appends is not the API and is not checked.
//
//   node scripts/check-dts.mjs target/js-types/pkg-search/kplay.d.ts
//   node scripts/check-dts.mjs --engine pkg/engine/kplay.d.ts   (a package without search)
import { readFileSync } from 'node:fs';

const engineOnly = process.argv.includes('--engine');
const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!file) {
  console.error('check-dts: usage: node scripts/check-dts.mjs KPLAY.D.TS');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const end = text.indexOf('export type InitInput');
const api = (end < 0 ? text : text.slice(0, end))
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\/\/.*$/gm, '');
const problems = [];
api.split("\n").forEach((line) => {
  if (/\bany\b/.test(line)) problems.push(`untyped (any): ${line.trim()}`);
});
const wanted = [
  /export function check\(text: string\): Diagnostic\[\];/,
  /export function run\(text: string, options: RunOptions \| undefined\): RunOutcome;/,
  /export function randomSeed\(\): number;/,
  /runUntil\(tUs: number, maxEvents: number\): boolean \| null;/,
  /nowUs\(\): number;/,
  /report\(\): Report;/,
  /snapshot\(\): Snapshot;/,
  /export type Report = \{/,
  ...(engineOnly ? [] : [/report\(\): SearchReport;/, /report\(\): SurvivalCard;/, /report\(\): SweepReport;/]),
];
for (const re of wanted) if (!re.test(api)) problems.push(`missing: ${re.source}`);
const gone = ['benchRun', 'benchScenario', 'random_seed', 'run_until', 'now_us', ...(engineOnly ? ['class Search', 'class Card', 'class Sweep'] : [])];
for (const name of gone)
  if (new RegExp(`\\b${name}\\b`).test(api)) problems.push(`not expected in this package: ${name}`);
if (problems.length) {
  console.error(`check-dts: ${file}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-dts: ${file}: the API is typed (no any), camelCase, no bench exports`);
