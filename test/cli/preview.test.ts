/**
 * `vigil preview` shows what this check would say: each type's examples (lambdas/checks/<type>/example.ts)
 * judged by its own judge, so the thresholds and error kinds are the check's, not a made-up check's.
 */
import { describe, expect, it } from 'vitest';
import { previewCommand } from '../../lambdas/cli/preview.js';
import type { AlertEvent } from '../../lambdas/core/types.js';
import { config } from '../support/checks.js';

const TOKEN = 'test-token-0123456789';
const CHECKS = [
  {
    id: 'slow-api',
    type: 'http',
    url: 'https://api.example.com/',
    expect: { degradedResponseTimeMs: 250, maxResponseTimeMs: 1_000 },
  },
  { id: 'health', type: 'http', url: 'http://10.0.0.7/health', healthJson: true },
  { id: 'body', type: 'http', url: 'http://api.example.com/', expect: { status: ['2xx', 503], bodyContains: 'welcome' } },
  { id: 'json', type: 'http', url: 'http://api.example.com/', expect: { json: [{ path: '$.ok', equals: true }] } },
  { id: 'plain', type: 'http', url: 'http://api.example.com/', expect: { status: [503] } },
  { id: 'certs', type: 'http', url: 'https://api.example.com/', expect: { certMinDaysRemaining: 30 } },
  { id: 'port', type: 'tcp', host: 'db.internal', port: 5432 },
  { id: 'banner', type: 'tcp', host: 'mail.internal', port: 25, expectBanner: 'ESMTP' },
  { id: 'cert', type: 'tls', host: 'example.com', expect: { certMinDaysRemaining: 10, certWarnDaysRemaining: 30 } },
  { id: 'expiry', type: 'tls', host: 'example.com', expect: { certMinDaysRemaining: 0, certWarnDaysRemaining: 0 } },
  { id: 'name', type: 'dns', name: 'example.com' },
  { id: 'answers', type: 'dns', name: 'example.com', recordType: 'MX', expect: { answers: ['10 mx.example.com'] } },
  { id: 'nightly', type: 'heartbeat', cron: '0 2 * * *', grace: '30m', token: TOKEN },
  { id: 'flaky-job', type: 'heartbeat', every: '1h', token: TOKEN, successRate: { window: 10, min: 90 } },
];
const cfg = config({ channels: { hook: { type: 'webhook', url: 'https://hooks.example.com/x' } }, checks: CHECKS });

/** The event the webhook would get, and any note printed before it. */
function preview(checkId: string, kind: string): { event: AlertEvent; notes: string[] } {
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: () => {}, env: {}, signal: new AbortController().signal, fetch };
  expect(previewCommand(cfg, checkId, kind, io)).toBe(0);
  const payload = out.find((l) => l.startsWith('── hook (webhook)')) ?? '';
  const [event] = JSON.parse(payload.slice(payload.indexOf('\n') + 1)) as AlertEvent[];
  return { event: event as AlertEvent, notes: out.filter((l) => l.startsWith('note: ')) };
}

describe('vigil preview, from the check’s own config', () => {
  it.each([
    ['slow-api', 'assertion', /^response time 1500 ms exceeded 1000 ms \(example\)$/],
    ['health', 'unhealthy', /^health says unhealthy \(db\) \(HTTP 503\) \(example\)$/],
    ['body', 'assertion', /welcome/],
    ['json', 'assertion', /\$\.ok/],
    ['plain', 'http_status', /^expected status 503, got 200 \(example\)$/],
    ['certs', 'assertion', /^certificate expires in 29 days \(.*\), below 30 \(example\)$/],
    ['port', 'connect_refused', /^connection refused by db\.internal \(example\)$/],
    ['banner', 'assertion', /^banner does not contain "ESMTP"/],
    ['cert', 'assertion', /^certificate expires in 9 days \(.*\), below 10 \(example\)$/],
    ['expiry', 'cert_expired', /^certificate expired \d{4}-\d\d-\d\d \(example\)$/],
    ['name', 'assertion', /^A example\.com: response NXDOMAIN, expected NOERROR \(example\)$/],
    ['answers', 'assertion', /^MX example\.com: missing 10 mx\.example\.com \(got 10 mail\.example\.net\) \(example\)$/],
    ['nightly', 'late', /^no success since .*; a run was expected by .*T02:00:00\.000Z \(grace 30m\) \(example\)$/],
  ])('a down %s says %s, as its judge would', (checkId, kind, message) => {
    const { event, notes } = preview(checkId, 'down');
    expect(notes).toEqual([]);
    expect(event.result?.status).toBe('down');
    expect(event.result?.error?.kind).toBe(kind);
    expect(event.result?.error?.message).toMatch(message);
  });

  it.each([
    ['slow-api', /^response time 625 ms above 250 ms \(example\)$/],
    ['cert', /below the warning threshold of 30 days \(example\)$/],
    ['flaky-job', /^10% of the last 10 runs succeeded, under the minimum 90% \(example\)$/],
  ])('a degraded %s names its own threshold', (checkId, detail) => {
    const { event, notes } = preview(checkId, 'degraded');
    expect(notes).toEqual([]);
    expect(event.result).toMatchObject({ status: 'degraded', error: null });
    expect(event.result?.detail).toMatch(detail);
  });

  it('says so when a check is never degraded as configured, and still shows the payload', () => {
    for (const checkId of ['plain', 'port', 'name']) {
      const { event, notes } = preview(checkId, 'degraded');
      expect(notes).toEqual([`note: ${checkId} is never degraded as configured: the payload is how such an alert would look`]);
      expect(event.result).toMatchObject({ status: 'degraded', detail: 'degraded (example)' });
    }
  });

  it('recovers to an up result of the check’s own kind', () => {
    expect(preview('slow-api', 'recovered').event.result).toMatchObject({ status: 'up', error: null, httpStatus: 200 });
    expect(preview('plain', 'recovered').event.result).toMatchObject({ status: 'up', httpStatus: 503 });
    expect(preview('port', 'recovered').event.result).toMatchObject({ status: 'up', httpStatus: null });
    expect(preview('nightly', 'recovered').event.result?.heartbeat?.lastRun).toMatchObject({ ok: true });
  });
});
