// Layout and themes: screenshots of the main states in light and dark, on a laptop and
// at a phone's width (test-results/e2e/layout-*.png), each checked by its pixels (a light
// page mostly light, a dark one mostly dark, neither blank), with the checks a
// screenshot cannot make: no sideways scrolling on a phone, the theme toggle
// switches the colours, every control has a label, focus is visible.
import assert from 'node:assert/strict';
import { checkShot, openPlayground, waitForVerdict } from './helpers.mjs';

const SHOTS = 'test-results/e2e';

async function noSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `page is ${scroll}px wide in a ${width}px window`);
}

async function pickRecord(page, index) {
  const grid = page.getByTestId('record-grid');
  const { columns, pitch } = await grid.evaluate((c) => ({ columns: Number(c.dataset.columns), pitch: Number(c.dataset.pitch) }));
  await grid.click({ position: { x: (index % columns) * pitch + 2, y: Math.floor(index / columns) * pitch + 2 } });
}

export const tests = [
  {
    name: 'laptop, light then dark through the theme toggle',
    async run({ page, url }) {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.emulateMedia({ colorScheme: 'light' });
      await openPlayground(page, url, '#preset=reorder-without-idempotence');
      await pickRecord(page, 224);
      await checkShot(page, await page.screenshot({ path: `${SHOTS}/layout-laptop-light.png`, fullPage: true }), 'light', 'laptop light');
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await bg();
      // The run views take the toggle's theme too (their palette is separate from the shell's).
      const viewsBg = () => page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="views"]')).getPropertyValue('--kv-bg').trim());
      const viewsLight = await viewsBg();
      const toggle = page.getByTestId('theme-toggle');
      assert.equal(await toggle.getAttribute('data-mode'), 'auto');
      await toggle.click(); // light
      await toggle.click(); // dark
      assert.equal(await toggle.getAttribute('data-mode'), 'dark');
      assert.notEqual(await bg(), light);
      assert.notEqual(await viewsBg(), viewsLight, 'the run views stayed light under the dark toggle');
      await checkShot(page, await page.screenshot({ path: `${SHOTS}/layout-laptop-dark.png`, fullPage: true }), 'dark', 'laptop dark');
      // The choice survives a reload.
      await page.reload();
      await waitForVerdict(page);
      assert.equal(await page.getByTestId('theme-toggle').getAttribute('data-mode'), 'dark');
      await noSidewaysScroll(page);
    },
  },
  {
    name: 'phone width, light and dark (prefers-color-scheme)',
    async run({ page, url }) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: 'light' });
      await openPlayground(page, url, '#preset=not-enough-replicas');
      await noSidewaysScroll(page);
      await pickRecord(page, 0);
      await checkShot(page, await page.screenshot({ path: `${SHOTS}/layout-phone-light.png`, fullPage: true }), 'light', 'phone light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await checkShot(page, await page.screenshot({ path: `${SHOTS}/layout-phone-dark.png`, fullPage: true }), 'dark', 'phone dark');
      await page.goto(url + 'embed.html');
      await page.locator('#demo-acks1').scrollIntoViewIfNeeded();
      await waitForVerdict(page, { scope: '#demo-acks1' });
      await noSidewaysScroll(page);
      await page.screenshot({ path: `${SHOTS}/layout-phone-embed-dark.png`, fullPage: true });
    },
  },
  {
    name: 'every control has a label and keyboard focus is visible',
    async run({ page, url }) {
      await openPlayground(page, url);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, button, canvas[tabindex]')]
          .filter((el) => !el.closest('[hidden]'))
          .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim() || el.getAttribute('aria-labelledby')))
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unlabelled, []);
      await page.getByTestId('control-linger.ms').focus();
      await page.keyboard.press('Tab');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'focused control shows an outline');
      await page.getByTestId('record-grid').focus();
      assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'solid');
    },
  },
];
