/**
 * `npm run bench -- alerts`: a simulated soak of the alert state machine (simulated clock, no
 * waiting), counting what would reach PagerDuty and Slack:
 *   (a) 10,000 runs with 2% random single-run failures → expected 0 pages;
 *   (b) 20 real outages of ≥ failureThreshold × interval → expected 20 triggers and 20 resolves;
 *   (c) a flapping target → expected 1 flapping notice, pages only before its window fills.
 */
import { writeFileSync } from 'node:fs';
import { buildPagerDutyEvents } from '../lambdas/channels/pagerduty/index.js';
import { type Check, parseConfig } from '../lambdas/config/parse.js';
import { decide } from '../lambdas/core/alert-state.js';
import { type CheckState, initialState } from '../lambdas/core/check-state.js';
import type { AlertEvent, CheckResult, CheckStatus } from '../lambdas/core/types.js';

const INTERVAL_MS = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const check = parseConfig({ checks: [{ id: 'soak', type: 'http', url: 'https://api.example.com/health' }] }).checks[0] as Check;

/** Deterministic, so every run of the bench sees the same blips. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function result(status: CheckStatus, run: number): CheckResult {
  return {
    checkId: check.id,
    status,
    error: status === 'down' ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
    httpStatus: status === 'down' ? 503 : 200,
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 20, transferMs: 1, totalMs: 22 },
    startedAt: new Date(T0 + run * INTERVAL_MS).toISOString(),
    detail: null,
  };
}

function simulate(statuses: readonly CheckStatus[]) {
  let state: CheckState = initialState(check.id);
  const events: AlertEvent[] = [];
  statuses.forEach((status, run) => {
    const decision = decide(
      state,
      result(status, run),
      check,
      { stackName: 'soak', dashboardUrl: null },
      new Date(T0 + run * INTERVAL_MS + 500),
    );
    events.push(...decision.events);
    state = { ...decision.next, outbox: [] };
  });
  const pagerduty = events.flatMap((e) => buildPagerDutyEvents(e) as { event_action: string }[]);
  return {
    runs: statuses.length,
    triggers: pagerduty.filter((e) => e.event_action === 'trigger').length,
    resolves: pagerduty.filter((e) => e.event_action === 'resolve').length,
    slackMessages: events.length,
    flappingNotices: events.filter((e) => e.kind === 'flapping').length,
  };
}

function blips(runs: number, rate: number, random: () => number): CheckStatus[] {
  const statuses: CheckStatus[] = [];
  for (let run = 0; run < runs; run++) {
    // Single-run failures: never two in a row.
    const blip = random() < rate && statuses[run - 1] !== 'down';
    statuses.push(blip ? 'down' : 'up');
  }
  return statuses;
}

function outages(count: number, random: () => number): CheckStatus[] {
  const statuses: CheckStatus[] = [];
  for (let i = 0; i < count; i++) {
    const healthy = 60 + Math.floor(random() * 120);
    const down = check.failureThreshold + Math.floor(random() * 30);
    statuses.push(...Array<CheckStatus>(healthy).fill('up'), ...Array<CheckStatus>(down).fill('down'));
  }
  statuses.push(...Array<CheckStatus>(60).fill('up'));
  return statuses;
}

export async function benchAlerts(): Promise<void> {
  const random = mulberry32(2026);
  const scenarios = [
    { name: '10,000 runs, 2% single-run failures', expected: '0 triggers', ...simulate(blips(10_000, 0.02, random)) },
    { name: '20 outages ≥ threshold × interval', expected: '20 triggers, 20 resolves', ...simulate(outages(20, random)) },
    {
      name: 'flapping target (3 down, 2 up, for 500 runs)',
      expected: '1 flapping notice; triggers only before the window fills',
      ...simulate(Array.from({ length: 500 }, (_, i) => (i % 5 < 3 ? 'down' : 'up'))),
    },
    {
      name: 'single-run flapping (alternating, 500 runs)',
      expected: '0 notices, 0 triggers (nothing confirmed to hold back)',
      ...simulate(Array.from({ length: 500 }, (_, i) => (i % 2 ? 'down' : 'up'))),
    },
  ];
  const table = [
    '| scenario | runs | PagerDuty triggers | resolves | Slack messages | flapping notices | expected |',
    '|---|---|---|---|---|---|---|',
    ...scenarios.map(
      (s) =>
        `| ${s.name} | ${s.runs} | ${s.triggers} | ${s.resolves} | ${s.slackMessages} | ${s.flappingNotices} | ${s.expected} |`,
    ),
  ].join('\n');
  const at = new Date().toISOString();
  writeFileSync(
    new URL('./results/alerts.json', import.meta.url),
    `${JSON.stringify({ at, check: { failureThreshold: check.failureThreshold, successThreshold: check.successThreshold, flapping: check.flapping }, scenarios }, null, 2)}\n`,
  );
  writeFileSync(new URL('./results/alerts.md', import.meta.url), `# Alert soak (${at}, simulated clock)\n\n${table}\n`);
  process.stdout.write(`${table}\n`);
}
