// The widget in a real documentation generator: Eleventy (@11ty/eleventy, from the npm
// registry) builds a small docs page from Markdown that embeds two <kplay-scenario>
// widgets, one by preset and one with its scenario inline (markup in it stays literal).
// The built page is served from the playground's own origin, next to www/dist, as the
// README tells authors to deploy it, and both widgets run in Chromium.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorText, verdictCounts, waitForVerdict } from './helpers.mjs';

const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<script type="module" src="../widget.js"></script>
</head>
<body>
<main>
{{ content | safe }}
</main>
</body>
</html>
`;

// Markdown as a docs author writes it: a widget is an HTML block, so its inline scenario
// has no blank line (a blank line ends an HTML block in CommonMark).
const PAGE = `---
layout: base.njk
title: What acks=1 risks
---
# What acks=1 risks

With \`acks=1\` the leader answers as soon as it has the batch. Crash it before a
follower fetches, and acknowledged records are gone:

<kplay-scenario id="doc-preset" preset="acks1-leader-failover" panels="verdict" autorun></kplay-scenario>

With \`acks=all\` and \`min.insync.replicas=2\` the same crash loses nothing:

<kplay-scenario id="doc-inline" panels="editor,verdict" autorun>
<script type="text/kplay">
# acks=all with min.insync.replicas=2 survives the leader crash
seed 5
brokers 3 min.insync.replicas=2
topic orders partitions=1 replication.factor=3
producer app acks=all
at 0ms app send orders count=100 every=1ms value="<b>kept literally</b>"
at 20ms crash leader orders/0
expect lost=0
</script>
</kplay-scenario>
`;

/** Builds the page with Eleventy; returns its HTML. */
async function buildDocs() {
  const { default: Eleventy } = await import('@11ty/eleventy');
  const dir = await mkdtemp(join(tmpdir(), 'kplay-docs-'));
  try {
    await mkdir(join(dir, 'in', '_includes'), { recursive: true });
    await writeFile(join(dir, 'in', '_includes', 'base.njk'), LAYOUT);
    await writeFile(join(dir, 'in', 'acks.md'), PAGE);
    const elev = new Eleventy(join(dir, 'in'), join(dir, 'out'), { quietMode: true });
    const pages = await elev.toJSON();
    assert.equal(pages.length, 1, 'one page built');
    return pages[0].content;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const tests = [
  {
    name: 'Eleventy builds a docs page from Markdown with two widgets, and both run in Chromium',
    async run({ page, url }) {
      const html = await buildDocs();
      assert.match(html, /<kplay-scenario id="doc-preset" preset="acks1-leader-failover"/);
      assert.match(html, /<script type="text\/kplay">[\s\S]*value="<b>kept literally<\/b>"[\s\S]*<\/script>/, 'the generator kept the inline scenario raw');
      // Served next to the playground's files (same origin: the widget starts Web Workers).
      const docsUrl = new URL('docs/acks.html', url).href;
      await page.route(docsUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
      await page.goto(docsUrl);
      for (const id of ['#doc-preset', '#doc-inline']) {
        await page.locator(id).scrollIntoViewIfNeeded();
        await waitForVerdict(page, { scope: id, timeout: 30_000 });
      }
      assert.equal((await verdictCounts(page, '#doc-preset')).lost, 3);
      assert.equal((await verdictCounts(page, '#doc-inline')).lost, 0);
      assert.equal(await page.locator('#doc-inline [data-testid="expectations"]').getAttribute('data-all-held'), 'true');
      assert.match(await editorText(page, '#doc-inline'), /value="<b>kept literally<\/b>"/);
      assert.equal(await page.locator('#doc-preset [data-testid="editor"]').count(), 0, 'panels="verdict" shows no editor');
      await page.screenshot({ path: 'test-results/e2e/docs-eleventy.png', fullPage: true });
    },
  },
];
