// Share and export: the URL carries the scenario, a share link reproduces the same run
// (same trace_hash), and the report and the trace download as JSON.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { editorText, openPlayground, runNumber, verdictCounts, waitForVerdict } from './helpers.mjs';

export const tests = [
  {
    name: 'a share link reproduces the same scenario and the same report',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=retries-duplicate');
      const before = await runNumber(page);
      await page.getByTestId('control-request.timeout.ms').fill('1500');
      await page.getByTestId('control-request.timeout.ms').press('Enter');
      await waitForVerdict(page, { afterRun: before });
      const hash = await page.getByTestId('trace-hash').textContent();
      const text = await editorText(page);
      const counts = await verdictCounts(page);
      await page.getByTestId('share').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="share-url"]').value !== '');
      const link = await page.getByTestId('share-url').inputValue();
      assert.match(link, /#s=[A-Za-z0-9_-]+$/);
      // The address bar follows the text too (replaceState after edits).
      await page.waitForFunction(() => location.hash.startsWith('#s='));
      const other = await page.context().newPage();
      await other.goto(link);
      await waitForVerdict(other);
      assert.equal(await editorText(other), text);
      assert.equal(await other.getByTestId('trace-hash').textContent(), hash);
      assert.deepEqual(await verdictCounts(other), counts);
      assert.equal(await other.getByTestId('preset-select').inputValue(), '', 'an edited preset is the user\'s own scenario');
      await other.reload();
      await waitForVerdict(other);
      assert.equal(await other.getByTestId('trace-hash').textContent(), hash);
      await other.close();
    },
  },
  {
    name: 'the report and the trace download as JSON',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=idempotence-dedup');
      const hash = await page.getByTestId('trace-hash').textContent();
      const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
      assert.match(report.suggestedFilename(), /^kplay-seed3-[0-9a-f]{16}-report\.json$/);
      const json = JSON.parse(await readFile(await report.path(), 'utf8'));
      assert.equal(json.trace_hash, hash);
      assert.equal(json.records.length, json.summary.sent);
      assert.ok(json.trace.length > 0);
      const [trace] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-trace').click()]);
      const events = JSON.parse(await readFile(await trace.path(), 'utf8'));
      assert.deepEqual(events, json.trace);
      assert.ok(events.some((e) => e.type === 'duplicate_batch'));
    },
  },
];
