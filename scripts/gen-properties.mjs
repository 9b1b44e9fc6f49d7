#!/usr/bin/env node
// Regenerates www/src/editor/properties.js (the editor's completion and the controls'
// defaults) from the simulator itself: it is what `kplay props --module` prints
// (crate/src/bin/cli_props.rs, over crate/src/script/props_tables.rs), so the page offers
// exactly the Kafka properties kplay knows, with Kafka's defaults. A native test
// (`cargo test --bin kplay`, in the native layer) fails while the file is out of date.
//
//   node scripts/gen-properties.mjs           rewrite www/src/editor/properties.js
//   node scripts/gen-properties.mjs --check   exit 1 if it is out of date
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET = `${root}www/src/editor/properties.js`;

/** The generated module's text, from the kplay CLI (built by cargo when needed). */
export function generate() {
  return execFileSync('cargo', ['run', '--quiet', '--bin', 'kplay', '--', 'props', '--module'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generate();
  if (process.argv.includes('--check')) {
    if (readFileSync(TARGET, 'utf8') !== text) {
      console.error('gen-properties: www/src/editor/properties.js is out of date; run node scripts/gen-properties.mjs');
      process.exit(1);
    }
    console.log('gen-properties: up to date');
  } else {
    writeFileSync(TARGET, text);
    console.log(`gen-properties: wrote ${TARGET}`);
  }
}
