import { describe, expect, it } from 'vitest';
import { headline, humanDuration, timingLine } from '../../lambdas/core/format.js';
import type { AlertEvent } from '../../lambdas/core/types.js';

const failed = {
  checkId: 'api',
  status: 'down',
  error: { kind: 'timeout', message: 'no response headers within 5000 ms' },
  httpStatus: null,
  timings: { dnsMs: 1.2, connectMs: 0.4, tlsMs: null, ttfbMs: null, transferMs: null, totalMs: 5000.3 },
  startedAt: '2026-11-22T10:03:00.000Z',
  detail: null,
} as const;

const base: AlertEvent = {
  version: 1,
  eventId: 'api@2026-11-22T10:00:00.000Z#3.0',
  kind: 'down',
  checkId: 'api',
  checkName: 'Public API',
  severity: 'critical',
  dedupKey: 'vigil/prod/api',
  incidentId: 'api/2026-11-22T10:00:00.000Z',
  incidentStartedAt: '2026-11-22T10:00:00.000Z',
  from: null,
  note: null,
  at: '2026-11-22T10:03:00.000Z',
  result: failed,
  dashboardUrl: null,
  runbookUrl: null,
};

describe('format', () => {
  it.each([
    [0, '0s'],
    [999, '1s'],
    [252_000, '4m 12s'],
    [3_600_000, '1h'],
    [90_061_000, '1d 1h'],
  ])('humanDuration(%i) = %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('lists only the phases that applied', () => {
    expect(timingLine(failed.timings)).toBe('dns 1.2 ms · connect 0.4 ms · total 5000.3 ms');
  });

  it.each([
    [base, 'DOWN: Public API: no response headers within 5000 ms'],
    [
      {
        ...base,
        kind: 'recovered',
        from: 'down',
        at: '2026-11-22T10:04:12.000Z',
        result: { ...failed, status: 'up', error: null },
      },
      'RECOVERED: Public API: back up after 4m 12s',
    ],
    [{ ...base, kind: 'test', result: null }, 'TEST: Public API: test notification from Vigil; routing works'],
  ] as [AlertEvent, string][])('headline %#', (event, text) => {
    expect(headline(event)).toBe(text);
  });
});
