/**
 * `vigil monitor --metrics HOST:PORT`: the real executable against loopback targets, scraped as
 * Prometheus would, read by a strict reader of the format, its numbers held against what the monitor
 * printed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Started, start, vigil, waitFor } from '../support/cli.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { type Receiver, type Running, refusedPort, startHttp, startReceiver } from '../support/servers.js';

let target: Running;
let slack: Receiver;
let monitor: Started | undefined;
let dir: string;

beforeEach(async () => {
  target = await startHttp((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end('hello'));
  slack = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-'));
});
afterEach(async () => {
  monitor?.child.kill('SIGINT');
  await monitor?.finished;
  monitor = undefined;
  await Promise.all([target.close(), slack.close()]);
});

/** A check's name is the config's: quotes, a backslash and a newline must come out escaped. */
const NAME = 'Shop "EU" \\ front\nend';

function writeConfig(): string {
  const file = join(dir, 'vigil.json');
  writeFileSync(
    file,
    JSON.stringify({
      defaults: { interval: '2s', timeout: '1s', failureThreshold: 1 },
      channels: { chat: { type: 'slack', webhookUrl: `${slack.url}/hook` } },
      checks: [
        { id: 'shop', name: NAME, type: 'http', url: `${target.url}/ok` },
        { id: 'broken', type: 'http', url: `${target.url}/broken` },
      ],
    }),
  );
  return file;
}

/** Result lines of a check printed so far, and alert lines. */
const printed = (out: string, pattern: RegExp) => out.split('\n').filter((l) => pattern.test(l)).length;

describe('vigil monitor --metrics', () => {
  it('serves Prometheus text whose numbers agree with what the monitor did', async () => {
    const port = await refusedPort();
    monitor = start(['monitor', '--config', writeConfig(), '--data', join(dir, 'data'), '--metrics', `127.0.0.1:${port}`]);
    await waitFor('the metrics address', () => monitor?.stdout().includes('Prometheus metrics on') ?? false);
    expect(monitor.stdout()).toContain(`Prometheus metrics on http://127.0.0.1:${port}/metrics`);
    await waitFor('two results of each check and the alert', () => {
      const out = monitor?.stdout() ?? '';
      return printed(out, / shop up 200 /) >= 2 && printed(out, / broken down 503 /) >= 2 && slack.received.length > 0;
    });

    // Results are printed as they come and counted once decided: read until a scrape and the output agree.
    let agreed = false;
    let last = '';
    for (let attempt = 0; attempt < 40 && !agreed; attempt++) {
      const before = monitor.stdout();
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      last = await response.text();
      const families = parsePrometheusText(last);
      const ups = printed(before, / shop up 200 /);
      const downs = printed(before, / broken down 503 /);
      // A run timed under Vigil's own loop lag (the first, while the process warms up, often is) has no durations.
      const timed = printed(before, / shop up 200 (?!.*event-loop lag)/);
      agreed =
        before === monitor.stdout() &&
        sampleValue(families, 'vigil_check_results_total', { check: 'shop', status: 'up' }) === ups &&
        sampleValue(families, 'vigil_check_results_total', { check: 'broken', status: 'down' }) === downs &&
        sampleValue(families, 'vigil_check_duration_seconds_count', { check: 'shop', phase: 'total' }) === timed;
      if (!agreed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(agreed, last).toBe(true);

    const families = parsePrometheusText(last);
    expect(sampleValue(families, 'vigil_check_up', { check: 'shop', name: NAME })).toBe(1);
    expect(sampleValue(families, 'vigil_check_up', { check: 'broken', name: 'broken' })).toBe(0);
    expect(last).toContain('name="Shop \\"EU\\" \\\\ front\\nend"');
    // A down run's time is how fast it failed: no durations for the broken check.
    expect(sampleValue(families, 'vigil_check_duration_seconds_count', { check: 'broken', phase: 'total' })).toBeUndefined();
    for (const phase of ['connect', 'ttfb', 'transfer', 'total']) {
      expect(sampleValue(families, 'vigil_check_duration_seconds_count', { check: 'shop', phase })).toBeGreaterThan(0);
    }
    const ran = sampleValue(families, 'vigil_check_last_run_timestamp_seconds', { check: 'shop' }) ?? 0;
    expect(Math.abs(Date.now() / 1000 - ran)).toBeLessThan(10);
    expect(sampleValue(families, 'vigil_alerts_total', { kind: 'down', channel: 'chat' })).toBe(
      printed(monitor.stdout(), /^ALERT CRITICAL DOWN: broken/),
    );
    expect(sampleValue(families, 'vigil_alerts_total', { kind: 'down', channel: 'chat' })).toBe(1);

    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    monitor.child.kill('SIGINT');
    expect((await monitor.finished).code).toBe(0);
  }, 60_000);

  it('refuses a bad address or a port in use in one line, exit 2', async () => {
    const config = writeConfig();
    const bad = await vigil(['monitor', '--config', config, '--data', join(dir, 'a'), '--metrics', 'localhost']);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'vigil: --metrics: expected HOST:PORT like 127.0.0.1:9464, got "localhost"\n',
    });
    const taken = await startHttp((_req, res) => res.end());
    try {
      const busy = await vigil(['monitor', '--config', config, '--data', join(dir, 'b'), '--metrics', `127.0.0.1:${taken.port}`]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(
        `vigil: --metrics 127.0.0.1:${taken.port}: the address is in use (another vigil monitor?) (EADDRINUSE)\n`,
      );
    } finally {
      await taken.close();
    }
  }, 30_000);
});
