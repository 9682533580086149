import type { AlertEvent, CheckResult } from '../../lambdas/core/types.js';

export const failingResult: CheckResult = {
  checkId: 'api',
  status: 'down',
  error: { kind: 'http_status', message: 'expected status 200, got 503' },
  httpStatus: 503,
  timings: { dnsMs: 1.2, connectMs: 0.4, tlsMs: 3.1, ttfbMs: 20.5, transferMs: 0.3, totalMs: 25 },
  startedAt: '2026-11-22T10:00:00.000Z',
  detail: null,
};

/** An alert event as the state machine makes it; override what a test is about. */
export function alertEvent(fields: Partial<AlertEvent> = {}): AlertEvent {
  return {
    version: 1,
    eventId: 'api@2026-11-22T10:00:00.500Z#4.0',
    kind: 'down',
    checkId: 'api',
    checkName: 'Public API health',
    severity: 'critical',
    dedupKey: 'vigil/prod/api',
    incidentId: 'api/2026-11-22T09:58:00.000Z',
    incidentStartedAt: '2026-11-22T09:58:00.000Z',
    from: null,
    note: null,
    at: '2026-11-22T10:00:00.500Z',
    result: failingResult,
    dashboardUrl: 'https://dash.example/vigil',
    runbookUrl: 'https://runbooks.example/api',
    ...fields,
  };
}
