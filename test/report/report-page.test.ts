import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../lambdas/core/report-model.js';
import { renderReport } from '../../lambdas/report/report-page.js';
import { heartbeatCheck } from '../support/checks.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

describe('renderReport', () => {
  it('shows a heartbeat check its runs instead of response-time charts', () => {
    const check = heartbeatCheck({ name: 'Nightly <backup>', every: '1d', grace: '1h' });
    const heartbeat = {
      runs: 7,
      failed: 1,
      successPercent: 85.7,
      durationMs: { p50: 240_000, p95: 300_000, max: 320_000 },
      lastRun: {
        rid: 'r7',
        startedAt: '2026-11-22T02:00:00.000Z',
        endedAt: '2026-11-22T02:04:00.000Z',
        ok: false,
        exitCode: 3,
        durationMs: 240_000,
      },
      running: null,
      nextExpectedAt: '2026-11-23T03:00:00.000Z',
    };
    const model = buildReportModel([{ check, results: [], incidents: [], state: null, heartbeat }], {}, '7d', NOW);
    const page = renderReport(model);
    expect(page).toContain('<h3>Nightly &lt;backup&gt;</h3>');
    expect(page).toContain('runs <strong>7</strong>');
    expect(page).toContain('(1 failed)');
    expect(page).toContain('4m / 5m / 5m 20s');
    expect(page).toContain('failed (exit 3)');
    expect(page).not.toContain('data-chart="latency"');
    // Nothing ran in the period it covers: grey bars a UTC day each (seven days from noon: six whole, two
    // halves), the check unknown.
    expect(page.match(/<rect class="bar"[^>]*data-state="unknown"/g)).toHaveLength(8);
    expect(page).toContain('data-check="nightly" data-state="unknown"');
  });
});
