// Consume-transform-produce pipelines in the playground, on the preset
// pipeline-alos-vs-eos (an at_least_once and an exactly_once_v2 pipeline crash and restart):
// the verdict names the at_least_once pipeline's duplicated inputs (pipeline_duplicated)
// while the exactly_once_v2 one's reprocessing after its abort is not called a flaw; the
// pipelines panel shows both with every figure of report.pipelines; the records grid marks
// the duplicated inputs; editing processing.guarantee=at_least_once to exactly_once_v2 makes
// pipeline_duplicated 0 and the run clean. Also: compare mode varies a pipeline's
// processing.guarantee, the editor completes the pipeline line, its guarantees and its
// expectation names, and the timeline words a zombie pipeline's failed commit
// (task_migrated) and its transactional offsets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeScenario } from '../../www/src/core/share.js';
import { editorText, expectations, openPlayground, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const PRESET = 'pipeline-alos-vs-eos';
const TEXT = readFileSync(new URL(`../../www/presets/${PRESET}.kplay`, import.meta.url), 'utf8');
const FIGURES = ['inputs', 'outputs', 'processed', 'pending', 'lost', 'duplicated', 'commits', 'aborted'];

/** The report of the run the playground shows. */
function shownReport(page) {
  return page.evaluate(() => document.querySelector('.kp-app').kplayApp.report);
}

/** Input record ids the report's explanations of `kind` name. */
function explained(report, kind) {
  return new Set((report.explanations ?? []).filter((x) => x.kind === kind).flatMap((x) => x.records));
}

/** Each pipeline of the panel: {name: {guarantee, verdict, from, to, figures: {inputs, ...}}}. */
async function panelPipelines(page) {
  const panel = page.getByTestId('pipeline-panel');
  await panel.waitFor();
  return panel.locator('[data-testid="pipeline"]').evaluateAll((articles) => Object.fromEntries(articles.map((a) => [a.dataset.pipeline, {
    guarantee: a.dataset.guarantee,
    verdict: a.dataset.verdict,
    from: a.querySelector('[data-testid="pipeline-from"]').textContent,
    to: a.querySelector('[data-testid="pipeline-to"]').textContent,
    figures: Object.fromEntries([...a.querySelectorAll('[data-figure]')].map((f) => [f.dataset.figure, Number(f.dataset.value)])),
  }])));
}

/** Types `text` on a new last line, asks for completion (Ctrl+Space) and returns the labels offered. */
async function completionsAfter(page, text) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(`\n${text}`);
  await page.keyboard.press('Control+Space');
  const list = page.locator('.cm-tooltip-autocomplete');
  await list.waitFor();
  return list.locator('.cm-completionLabel').allTextContents();
}

export const tests = [
  {
    name: 'at_least_once vs exactly_once_v2: the verdict names the duplication, the panel shows both pipelines, the grid marks the inputs',
    async run({ page, url }) {
      await openPlayground(page, url, `#preset=${PRESET}`);
      const report = await shownReport(page);
      const { alos, eos } = report.pipelines;
      const dup = report.summary.pipeline_duplicated;
      assert.ok(dup > 0 && alos.duplicated === dup && eos.duplicated === 0, 'the preset duplicates with at_least_once only');
      assert.ok(eos.aborted + eos.commits > 0 && report.groups.eos.reprocessed > 0, 'exactly_once_v2 reprocesses after its abort');
      assert.deepEqual((await expectations(page)).filter((e) => !e.held), [], 'every expect line of the preset holds');

      // The verdict: the cards, the banner naming pipeline alos, the explanations.
      const counts = await verdictCounts(page);
      assert.equal(counts.pipeline_duplicated, dup);
      assert.equal(counts.pipeline_lost, 0, 'shown, with 0, because the run has pipelines');
      assert.equal(await page.getByTestId('verdict-pipeline_duplicated').getAttribute('data-zero'), 'false');
      assert.match(await page.getByTestId('verdict-pipeline_duplicated').getAttribute('title'), /more than one readable output/);
      const semantics = page.getByTestId('semantics');
      assert.equal(await semantics.getAttribute('data-kind'), 'pipeline_duplicated');
      const said = await semantics.textContent();
      assert.match(said, /duplicated by a pipeline/);
      assert.match(said, new RegExp(`pipelines: ${dup} inputs of alos with more than one output \\(pipeline_duplicated\\)`));
      assert.doesNotMatch(said, /inputs of eos/, 'the exactly_once_v2 pipeline is not blamed');
      assert.match(said, new RegExp(`${report.groups.eos.reprocessed} inputs? processed again by exactly_once_v2 after an abort`));
      const items = page.locator('[data-testid="explanations"] li[data-kind="pipeline_duplicated"]');
      assert.equal(await items.count(), report.explanations.filter((x) => x.kind === 'pipeline_duplicated').length);
      assert.equal(await items.first().locator('.kp-tag').textContent(), 'PIPELINE DUPLICATED');

      // The pipelines panel: both pipelines, every figure as the report has it.
      const shown = await panelPipelines(page);
      assert.deepEqual(Object.keys(shown).sort(), ['alos', 'eos']);
      for (const [name, p] of Object.entries(report.pipelines)) {
        assert.equal(shown[name].guarantee, p.guarantee, name);
        assert.equal(shown[name].from, p.from, name);
        assert.equal(shown[name].to, p.to, name);
        assert.deepEqual(shown[name].figures, Object.fromEntries(FIGURES.map((f) => [f, p[f]])), name);
      }
      assert.equal(shown.alos.verdict, 'duplicated');
      assert.equal(shown.eos.verdict, 'clean');
      assert.match(await page.getByTestId('group-panel').locator('h3').textContent(), /Pipelines and consumer groups/);
      assert.match(await page.locator('[data-testid="pipeline"][data-pipeline="eos"]').textContent(), /transactional\.id eos/);
      // Each pipeline's promise (report.guarantee.by_pipeline): its level, what the run
      // showed against it, and its reasons, held or failed.
      for (const [name, g] of Object.entries(report.guarantee.by_pipeline)) {
        const promise = page.locator(`[data-testid="pipeline"][data-pipeline="${name}"] [data-testid="pipeline-promise"]`);
        assert.equal(await promise.getAttribute('data-level'), g.promised, name);
        assert.equal(await promise.getAttribute('data-breaks'), String(g.observed.breaks_promise), name);
        assert.equal(await promise.getByTestId('pipeline-observed').textContent(), g.observed.text, name);
        assert.deepEqual(
          await promise.locator('[data-testid="pipeline-reasons"] li').evaluateAll((ls) => ls.map((l) => [l.dataset.property, l.dataset.holds === 'true'])),
          g.reasons.map((r) => [r.property, r.holds]),
          name,
        );
      }
      assert.equal(report.guarantee.by_pipeline.eos.promised, 'exactly-once-transactional');
      assert.equal(await page.locator('[data-pipeline="eos"] [data-testid="pipeline-level"]').textContent(), 'exactly-once (transactions)');
      const alosNoDup = page.locator('[data-pipeline="alos"] [data-testid="pipeline-reasons"] li[data-property="no-duplicates"]');
      assert.equal(await alosNoDup.getAttribute('data-holds'), 'false', 'at_least_once may give an input two outputs');
      assert.match(await alosNoDup.textContent(), /✗ no input with two outputs processing\.guarantee=at_least_once/);
      assert.match(await page.locator('[data-pipeline="alos"] [data-testid="pipeline-observed"]').textContent(), new RegExp(`^${dup} input\\(s\\) with two outputs`));

      // The records grid: the duplicated inputs have their own colour and legend entry.
      const ids = explained(report, 'pipeline_duplicated');
      const marked = report.records.filter((r) => r.outcome === 'delivered' && ids.has(r.id)).length;
      assert.equal(marked, dup, 'one cell per duplicated input');
      assert.equal(await page.getByTestId('legend-pipeline_duplicated').textContent(), `pipeline duplicated ${dup}`);
      assert.equal(await page.getByTestId('legend-pipeline_lost').count(), 0);
      const first = Math.min(...ids);
      await page.getByTestId('record-go').fill(String(first));
      await page.getByTestId('record-go').press('Enter');
      assert.match(await page.getByTestId('record-status').textContent(), new RegExp(`record ${first} · delivered, more than one output from a pipeline \\(pipeline duplicated\\)`));
      await page.getByTestId('verdict').screenshot({ path: 'test-results/e2e/pipelines-verdict.png' });
      await page.getByTestId('pipeline-panel').screenshot({ path: 'test-results/e2e/pipelines-panel.png' });
    },
  },
  {
    name: 'editing the at_least_once pipeline to exactly_once_v2 makes pipeline_duplicated 0 and the run clean',
    async run({ page, url }) {
      await openPlayground(page, url, `#preset=${PRESET}`);
      const before = (await shownReport(page)).summary.pipeline_duplicated;
      const run = await runNumber(page);
      const text = await editorText(page);
      const line = 'pipeline alos from=orders to=invoices_alos group.id=alos processing.guarantee=at_least_once';
      assert.ok(text.includes(line));
      await typeScenario(page, text.replace(line, line.replace('at_least_once', 'exactly_once_v2')));
      await waitForVerdict(page, { afterRun: run });
      const report = await shownReport(page);
      assert.equal(report.pipelines.alos.guarantee, 'exactly_once_v2');
      assert.equal(report.summary.pipeline_duplicated, 0);
      assert.equal(report.summary.pipeline_lost, 0);
      const card = page.getByTestId('verdict-pipeline_duplicated');
      assert.equal(await card.getAttribute('data-value'), '0');
      assert.equal(await card.getAttribute('data-was'), String(before), 'the card says what it was before the edit');
      // Both pipelines reprocess after their abort, and that is no flaw: a clean run.
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'clean');
      assert.match(await page.getByTestId('semantics').textContent(), /pipelines: no input lost or duplicated by any of 2/);
      if (report.summary.reprocessed > 0) assert.equal(await page.getByTestId('verdict-reprocessed').getAttribute('data-benign'), 'true');
      const shown = await panelPipelines(page);
      assert.equal(shown.alos.guarantee, 'exactly_once_v2');
      assert.equal(shown.alos.figures.duplicated, 0);
      assert.equal(shown.alos.verdict, 'clean');
      assert.equal(await page.getByTestId('legend-pipeline_duplicated').count(), 0);
      // The preset's `expect pipelines.alos.duplicated>0` no longer holds, and says what it is
      // now: the preset's lesson, moved by the edit (↺), not a failure of the user's.
      const failed = (await expectations(page)).filter((e) => !e.held);
      assert.equal(failed.length, 1);
      assert.match(failed[0].text, /^↺expect pipelines\.alos\.duplicated>0.*now pipelines\.alos\.duplicated=0/);
      assert.equal(await page.getByTestId('expectations').getAttribute('data-failed'), '0');
    },
  },
  {
    name: 'compare mode varies a pipeline\'s processing.guarantee on its pipeline line',
    async run({ page, url }) {
      await openPlayground(page, url, `#preset=${PRESET}`);
      const compare = page.getByTestId('view-compare');
      await compare.getByTestId('compare-setting').selectOption('pipeline:alos:processing.guarantee');
      assert.equal(await compare.getByTestId('compare-value').inputValue(), 'exactly_once_v2', 'the other guarantee pre-filled');
      await compare.getByTestId('compare-run').click();
      const row = compare.locator('[data-testid="compare-summary"] tr', { hasText: /^pipeline_duplicated/ });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-dir'), 'better');
      assert.match(await compare.getByTestId('compare-verdict-a').textContent(), /pipeline inputs duplicated \(more than one output\)/);
      assert.match(await compare.getByTestId('compare-verdict-b').textContent(), /no pipeline input lost or duplicated/);
      assert.match(await compare.getByTestId('compare-verdict-a').getAttribute('class'), /kv-verdict-bad/);
      // Kafka Streams' exactly-once overrides come with it.
      const implied = await compare.getByTestId('compare-implied').textContent();
      assert.match(implied, /producer alos-producer: transactional\.id null → alos \(derived\)/);
      assert.match(implied, /consumer alos: isolation\.level read_uncommitted → read_committed \(derived\)/);
      // The pipeline's producer settings are changed on the pipeline line too.
      await compare.getByTestId('compare-setting').selectOption('producer:alos-producer:linger.ms');
      await compare.getByTestId('compare-value').fill('5');
      await compare.getByTestId('compare-run').click();
      await page.waitForFunction(() => /producer alos-producer: linger\.ms 100 → 5/.test(document.querySelector('[data-testid="compare-implied"]')?.textContent));
    },
  },
  {
    name: 'completion knows pipelines: the line\'s options and guarantees, their targets on the timeline, their expectations and trace events',
    async run({ page, url }) {
      await openPlayground(page, url, `#s=${await encodeScenario(TEXT.replace('count=400', 'count=20'))}`);
      await page.locator('.cm-content').click();
      const has = (labels, want) => assert.deepEqual(want.filter((w) => !labels.includes(w)), [], `missing from ${labels.join(' ')}`);
      has(await completionsAfter(page, ''), ['pipeline']);
      has(await completionsAfter(page, 'pipeline etl from=orders '), ['to', 'group.id', 'processing.guarantee', 'transactional.id', 'commit.interval.ms', 'process', 'poll.ms', 'max.poll.records', 'linger.ms']);
      has(await completionsAfter(page, 'pipeline etl processing.guarantee='), ['at_least_once', 'exactly_once_v2']);
      has(await completionsAfter(page, 'pipeline etl to='), ['orders', 'invoices_alos', 'invoices_eos']);
      has(await completionsAfter(page, 'at 20s crash '), ['broker-1', 'alos', 'eos']);
      has(await completionsAfter(page, 'at 20s restart '), ['alos', 'eos']);
      has(await completionsAfter(page, 'at 20s alos '), ['pause']);
      has(await completionsAfter(page, 'at 20s cut eos-producer -> '), ['broker-1']);
      has(await completionsAfter(page, 'expect '), ['pipeline_lost', 'pipeline_duplicated', 'pipelines.alos.outputs', 'pipelines.alos.duplicated', 'pipelines.eos.aborted',
        'pipelines.eos.commits', 'pipelines.eos.pending', 'groups.eos.reprocessed']);
      has(await completionsAfter(page, 'expect trace '), ['task_migrated', 'txn_offsets_pending', 'txn_offsets_completed']);
    },
  },
  {
    name: 'the timeline words a zombie pipeline\'s failed commit and its transactional offsets',
    async run({ page, url }) {
      await page.goto(new URL('views-test.html?scenario=pipeline_zombie_fenced_by_group_generation&panels=timeline,cluster', url).href);
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 25_000 });
      const report = await page.evaluate(() => window.kplayViewsTest.report);
      const migrated = report.trace.find((e) => e.type === 'task_migrated');
      assert.ok(migrated, 'the fixture has a TaskMigratedException');
      await page.evaluate((t) => window.kplayViewsTest.views.setTime(t), migrated.at_us);
      const mark = page.locator('[data-testid="view-timeline"] .kv-mark', { hasText: /TaskMigratedException/ });
      await mark.first().waitFor();
      assert.match(await mark.first().locator('text').textContent(), /^✕ etl1 task/, 'labelled on its lane (shortened to fit)');
      const done = report.trace.find((e) => e.type === 'txn_offsets_completed' && e.commit);
      await page.evaluate((t) => window.kplayViewsTest.views.setTime(t), done.at_us);
      await page.locator('[data-testid="view-timeline"] .kv-mark', { hasText: /COMMIT marker of producer id \d+ to __consumer_offsets/ }).first().waitFor();
      await page.getByTestId('view-timeline').screenshot({ path: 'test-results/e2e/pipelines-timeline.png' });
      // The pipelines panel of a run whose verdicts are clean.
      const pipe = page.locator('[data-testid="pipeline"][data-pipeline="etl1"]');
      await pipe.waitFor();
      assert.equal(await pipe.getAttribute('data-verdict'), 'clean');
      assert.equal(await pipe.locator('[data-figure="aborted"]').getAttribute('data-value'), String(report.pipelines.etl1.aborted));
    },
  },
];
