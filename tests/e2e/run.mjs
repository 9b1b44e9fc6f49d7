#!/usr/bin/env node
// End-to-end runner (layer 3 of scripts/test.sh): opens the served site in Debian's
// Chromium through playwright-core and runs every `tests/e2e/*.test.mjs`.
//
//   node tests/e2e/run.mjs http://localhost:8080/      (or KPLAY_URL=...; a server must be up)
//   node tests/e2e/run.mjs URL smoke                   only test files whose name contains "smoke"
//   KPLAY_E2E_TIMEOUT_MS=120000 node tests/e2e/run.mjs URL   a longer limit per test (default 30 s)
//
// A test file exports `tests`: an array of `{ name, run }`, where `run({ page, url })` is
// async and throws on failure. Each test gets a fresh browser context; it fails if it
// throws, or if the page logs a console error (other than those the test lists in
// `expectConsole`), throws an uncaught error, gets an HTTP
// error, or asks for anything outside the served origin (no CDN, no network). Every test
// leaves a screenshot in test-results/e2e/. Exit code: 0 when all pass, 1 otherwise.
import { mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = join(here, '..', '..', 'test-results', 'e2e');
const given = process.argv[2] ?? process.env.KPLAY_URL;
// Always a folder URL, so tests can resolve paths against it.
const url = given && (given.endsWith('/') ? given : given + '/');
const filter = process.argv[3] ?? '';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling home, which on a
// closed network means a flood of failing connections.
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TEST_TIMEOUT_MS = Number(process.env.KPLAY_E2E_TIMEOUT_MS ?? 30_000);

if (!given) {
  console.error('e2e: usage: node tests/e2e/run.mjs URL [FILTER]   (or set KPLAY_URL)');
  process.exit(2);
}

const files = (await readdir(here)).filter((f) => f.endsWith('.test.mjs') && f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`e2e: no tests/e2e/*.test.mjs match '${filter}'`);
  process.exit(2);
}

await mkdir(resultsDir, { recursive: true });
let browser;
try {
  browser = await chromium.launch({ executablePath, args: ARGS, headless: true });
} catch (err) {
  console.error(`e2e: cannot start Chromium at ${executablePath} (set CHROMIUM to another path): ${err.message}`);
  process.exit(1);
}

const origin = new URL(url).origin;
const results = [];
try {
  for (const file of files) {
    const { tests } = await import(pathToFileURL(join(here, file)).href);
    for (const test of tests) {
      const name = `${basename(file, '.test.mjs')}: ${test.name}`;
      const started = Date.now();
      const error = await runOne(test, name).catch((err) => err);
      const ms = Date.now() - started;
      results.push({ name, error, ms });
      console.log(`${error ? 'FAIL' : 'ok  '} ${name} (${ms} ms)`);
      if (error) console.log(indent(String(error?.stack ?? error)));
    }
  }
} finally {
  await browser.close();
}

const failed = results.filter((r) => r.error);
console.log(
  `\ne2e: ${results.length - failed.length} passed, ${failed.length} failed` +
    ` (screenshots in ${join('test-results', 'e2e')}/)`,
);
for (const r of failed) console.log(`  failed: ${r.name}`);
process.exit(failed.length ? 1 : 0);

/** Runs one test in a fresh context; resolves to undefined on success or an Error. */
async function runOne(test, name) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('console', (msg) => {
    // A test may name console errors it provokes on purpose (`expectConsole: [RegExp]`).
    if (msg.type() === 'error' && !(test.expectConsole ?? []).some((re) => re.test(msg.text()))) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith(origin + '/') || target.startsWith('data:') || target.startsWith('blob:')) {
      return route.continue();
    }
    problems.push(`request outside the site: ${target}`);
    return route.abort();
  });
  try {
    await withTimeout(test.run({ page, url }), TEST_TIMEOUT_MS, name);
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    if (problems.length && !String(err.message).includes(problems[0])) {
      err.message += `\nalso seen in the page:\n${problems.join('\n')}`;
    }
    throw err;
  } finally {
    const file = join(resultsDir, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase() + '.png');
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    await context.close();
  }
}

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `     ${line}`)
    .join('\n');
}
