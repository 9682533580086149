/**
 * The HTML report and the status page, rendered from a known history (test/report/known-history.ts)
 * through the real commands and store, opened in headless Chromium: the charts are drawn, and their
 * bars, colours and points say what the history says. Times show in the reader's zone, nothing is
 * fetched, hostile names and error texts stay text, and the pages fit a phone.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lambdas/cli/io.js';
import { reportCommand } from '../../lambdas/cli/report.js';
import { statusPageCommand } from '../../lambdas/cli/status-page.js';
import { BANNER_COLOURS, STATE_COLOURS } from '../../lambdas/report/theme.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { seedHistory } from '../support/history.js';
import { apiMs, HOSTILE_NAME, knownConfig, knownHistory, NOW } from './known-history.js';

// What the functions run in the page use of it (this project compiles without the DOM's types).
declare const document: { readonly documentElement: { readonly scrollWidth: number } };
declare const window: { readonly pwned?: number };
declare function getComputedStyle(element: unknown): {
  readonly fill: string;
  readonly color: string;
  readonly backgroundColor: string;
};

const io: CliIo = {
  stdout: () => {},
  stderr: () => {},
  env: {},
  signal: new AbortController().signal,
  fetch: globalThis.fetch,
};

/** "#22c55e" → "rgb(34, 197, 94)", as the browser computes a fill. */
const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

describe('the report and the status page in Chromium', () => {
  let browser: Browser;
  let reportFile: string;
  let statusDir: string;
  /** Every request a page made besides loading its own file. */
  const fetched: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    // .ci/run installs it; elsewhere the one line that says what is missing, not a launch's stack.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (the browser test needs it)`);
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-pages-'));
    await seedHistory(dataDir, knownConfig, knownHistory());
    reportFile = join(dataDir, 'report.html');
    statusDir = join(dataDir, 'public');
    const read = { dataDir, table: undefined };
    await reportCommand(knownConfig, { period: '24h', format: 'html', htmlFile: reportFile, ...read }, io, new Date(NOW));
    await statusPageCommand(
      knownConfig,
      { outDir: statusDir, title: 'Acme status', show: undefined, ...read },
      io,
      new Date(NOW),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string, viewport = { width: 1100, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport, timezoneId: 'Asia/Kolkata', locale: 'en-US' });
    page.on('request', (request) => {
      if (request.url() !== `file://${file}`) fetched.push(request.url());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => errors.push(`dialog: ${dialog.message()}`));
    await page.goto(`file://${file}`);
    return page;
  }

  const fills = (page: Page, selector: string) => page.$$eval(selector, (rects) => rects.map((r) => getComputedStyle(r).fill));

  it('draws an uptime bar an hour, coloured by the worst state, grey where nothing was watching', async () => {
    const page = await open(reportFile);
    const green = rgb(STATE_COLOURS.up);
    const api = await fills(page, '[data-check="api"] .uptime-bars rect.bar');
    expect(api).toHaveLength(24);
    expect(api).toEqual(
      api.map((_, h) => (h === 3 ? rgb(STATE_COLOURS.degraded) : h === 8 || h === 9 ? rgb(STATE_COLOURS.down) : green)),
    );
    const web = await fills(page, '[data-check="web"] .uptime-bars rect.bar');
    expect(web).toEqual(web.map((_, h) => (h < 17 ? green : h === 17 ? rgb(STATE_COLOURS.down) : rgb(STATE_COLOURS.unknown))));
    // The monitor stopped: web is unknown, not down, and the page says for how long nothing watched it.
    expect(await page.getAttribute('[data-check="web"]', 'data-state')).toBe('unknown');
    expect(await page.textContent('[data-check="web"] .note')).toContain('Nothing was watching for 5h 50m');
    expect(await page.textContent('[data-check="web"] tr[data-incident]')).toContain('unknown');
    await page.close();
  });

  it("plots each hour's response time where the data puts it", async () => {
    const page = await open(reportFile);
    const points = await page.$$eval('[data-check="api"] [data-chart="latency"] circle[data-series="p50"]', (circles) =>
      circles.map((c) => {
        const box = c.getBoundingClientRect();
        return {
          index: Number(c.getAttribute('data-index')),
          value: Number(c.getAttribute('data-value')),
          x: box.x + box.width / 2,
          y: box.y + box.height / 2,
        };
      }),
    );
    // No point for the two hours it was down: nothing answered to be timed.
    expect(points.map((p) => p.index)).toEqual([...Array(24).keys()].filter((h) => h !== 8 && h !== 9));
    expect(points.map((p) => p.value)).toEqual(points.map((p) => apiMs(p.index)));
    const baseline = await page.$eval(
      '[data-check="api"] [data-chart="latency"] line.baseline',
      (line) => line.getBoundingClientRect().y,
    );
    // Height above the zero line is proportional to the value; hours are evenly spaced left to right.
    const first = points[0] as (typeof points)[number];
    const last = points.at(-1) as (typeof points)[number];
    const hourWidth = (last.x - first.x) / (last.index - first.index);
    expect(hourWidth).toBeGreaterThan(10);
    for (const p of points) {
      expect((baseline - p.y) / (baseline - first.y)).toBeCloseTo(p.value / first.value, 1);
      expect(p.x - first.x).toBeCloseTo(p.index * hourWidth, 0);
    }
    // The slow run of hour 3 is p99's, not p50's.
    expect(await page.getAttribute('[data-check="api"] circle[data-series="p99"][data-index="3"]', 'data-value')).toBe('900');
    await page.close();
  });

  it('opens on an overview: availability in colour, open incidents, MTTR, slowest checks, top errors', async () => {
    const page = await open(reportFile);
    // 132 of api's 144 runs, 106 of web's 108 and all 144 of db's were up: 382 / 396.
    const availability = page.locator('[data-figure="availability"] .figure');
    expect(await availability.textContent()).toBe('96.46%');
    expect(await availability.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(220, 38, 38)');
    expect(await page.textContent('[data-figure="open-incidents"] .figure')).toBe('0');
    expect(await page.textContent('[data-figure="mttr"] .figure')).toBe('2h');
    expect(await page.locator('[data-figure="slowest"] li').allTextContents()).toEqual([
      'Public API330 ms',
      `${HOSTILE_NAME}200 ms`,
      'Database3 ms',
    ]);
    expect(await page.locator('[data-figure="errors"] li').allTextContents()).toEqual(['http_status12', 'protocol2']);
    // The incident row names its cause, who was told and what was held.
    const row = await page.textContent('[data-check="api"] tr[data-incident]');
    expect(row).toContain('expected status 2xx, got 503');
    expect(row).toMatch(/down/);
    expect(row).toContain('held: silence: deploy');
    await page.close();
  });

  it("shows times in the reader's zone, UTC on hover, and fetches nothing", async () => {
    const page = await open(reportFile);
    const since = page.locator('header time').first();
    // 12:00 UTC is 17:30 in Kolkata.
    expect(await since.textContent()).toBe('Nov 21, 05:30 PM');
    expect(await since.getAttribute('title')).toBe('2026-11-21 12:00 UTC');
    expect(fetched).toEqual([]);
    await page.close();
  });

  it('keeps hostile names and error texts as text, and fits a phone', async () => {
    const page = await open(reportFile, { width: 390, height: 800 });
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    // And were one to get through, the page's policy runs no script but its own.
    await page.addScriptTag({ content: 'window.pwned = 3' }).catch(() => {});
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    expect(await page.textContent('[data-check="web"] h3')).toBe(HOSTILE_NAME);
    expect(await page.textContent('[data-check="web"] tr[data-incident] .msg')).toContain('<script>window.pwned=1</script>');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('publishes only public checks: 90 daily bars each, their state, open and recent incidents', async () => {
    const file = join(statusDir, 'index.html');
    const page = await open(file);
    expect(await page.locator('[data-check]').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')))).toEqual([
      'api',
      'web',
    ]);
    const green = rgb(STATE_COLOURS.up);
    const red = rgb(STATE_COLOURS.down);
    const grey = rgb(STATE_COLOURS.unknown);
    // api: one run a day from the first day shown, down on the 31st; yesterday held its outage, today is up.
    const api = await fills(page, '[data-check="api"] rect.bar');
    expect(api).toHaveLength(90);
    expect(api).toEqual(api.map((_, d) => (d === 30 || d === 88 ? red : green)));
    // web: nothing before yesterday, then its last two runs down today.
    const web = await fills(page, '[data-check="web"] rect.bar');
    expect(web).toEqual(web.map((_, d) => (d < 88 ? grey : d === 88 ? green : red)));
    expect(await page.textContent('.banner')).toBe('Some checks not reporting');
    expect(await page.$eval('.banner', (el) => getComputedStyle(el).backgroundColor)).toBe(rgb(BANNER_COLOURS.unknown));
    expect(await page.getAttribute('[data-check="web"]', 'data-state')).toBe('unknown');
    expect(await page.getAttribute('.incident[data-status="unknown"]', 'data-incident')).toMatch(/^web@/);
    expect(await page.getAttribute('.incident[data-status="resolved"]', 'data-incident')).toMatch(/^api@/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1100);
    expect(fetched).toEqual([]);
    await page.close();
  });

  it('never publishes URLs, error texts, timings or private checks', () => {
    const html = readFileSync(join(statusDir, 'index.html'), 'utf8');
    const json = readFileSync(join(statusDir, 'status.json'), 'utf8');
    for (const text of [html, json]) {
      expect(text).not.toContain('example.com');
      expect(text).not.toContain('pwned');
      expect(text).not.toContain('503');
      expect(text).not.toContain('Database');
      expect(text).not.toMatch(/"(timings|totalMs|latencyMs|cause)"/);
    }
    expect(html).toContain('Website &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;shop&quot;');
    const feed = JSON.parse(json);
    expect(feed.groups.map((g: { name: string }) => g.name)).toEqual(['Web']);
    expect(feed.groups[0].checks.map((c: { id: string; days: unknown[] }) => [c.id, c.days.length])).toEqual([
      ['api', 90],
      ['web', 90],
    ]);
  });
});
