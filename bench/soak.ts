/**
 * `npm run bench -- soak`: `vigil monitor` (the real executable) with 200 checks every second against
 * healthy, slow, hanging, hostile and flaky targets, for SOAK_MINUTES (default 10). Reports whether each
 * outage paged exactly once and resolved once, how well every check kept its interval, and the monitor's
 * memory over time. Targets and receivers run in their own process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gapsPerCheck, readMetric } from './metrics-file.js';
import { OUTAGE_FOR_MS, outageStarts } from './outage.js';
import { percentile, round } from './stats.js';

const MIX = { ok: 110, slow: 30, hang: 20, outage: 30, hostile: 10 } as const;
const HOSTILE = ['/huge-header', '/huge-json', '/loop', '/ansi'];
const INTERVAL_MS = 1_000;

interface Received {
  readonly path: string;
  readonly body: { event_action?: string; dedup_key?: string; text?: string } | null;
  readonly at: number;
}

export async function benchSoak(): Promise<void> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-'));
  const targets = spawn(process.execPath, ['--import', 'tsx', 'bench/soak-targets.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = (await firstLine(targets)) as { targets: number[]; receivers: number; started: number };
  const url = (i: number, path: string) => `http://127.0.0.1:${ports.targets[i % ports.targets.length]}${path}`;
  const checks: string[] = [];
  let n = 0;
  for (const [kind, count] of Object.entries(MIX)) {
    for (let i = 0; i < count; i++, n++) {
      const path = kind === 'outage' ? `/outage/${i}` : kind === 'hostile' ? (HOSTILE[i % HOSTILE.length] as string) : `/${kind}`;
      // Hostile targets answer with health documents that must read as down, whatever they hold.
      const health = kind === 'hostile' ? ', healthJson: true' : '';
      checks.push(`  - { id: ${kind}-${i}, type: http, url: "${url(n, path)}"${health} }`);
    }
  }
  const config = join(dir, 'vigil.yaml');
  writeFileSync(
    config,
    [
      'defaults: { interval: 1s, timeout: 800ms, failureThreshold: 2, successThreshold: 2 }',
      'channels:',
      `  chat: { type: slack, webhookUrl: "http://127.0.0.1:${ports.receivers}/slack" }`,
      `  pager: { type: pagerduty, routingKey: soak, eventsUrl: "http://127.0.0.1:${ports.receivers}/pd" }`,
      'checks:',
      ...checks,
      '',
    ].join('\n'),
  );
  const data = join(dir, 'data');
  const monitor = spawn(process.execPath, ['bin/vigil.mjs', 'monitor', '--config', config, '--data', data], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  monitor.stderr?.on('data', (c: Buffer) => {
    stderr = `${stderr}${c.toString()}`.slice(-20_000);
  });
  const startedAt = Date.now();
  const rss: { minute: number; monitorMb: number; storeMb: number }[] = [];
  process.stdout.write(`soak: 200 checks at 1s for ${minutes} min (data in ${data})\n`);
  while (Date.now() - startedAt < minutes * 60_000) {
    await sleep(10_000);
    rss.push({ minute: round((Date.now() - startedAt) / 60_000, 1), monitorMb: rssMb(monitor.pid), storeMb: storeRssMb(data) });
  }
  const stoppedAt = Date.now();
  monitor.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => monitor.once('exit', resolve));
  const stats = (await (await fetch(`http://127.0.0.1:${ports.receivers}/stats`)).json()) as { received: Received[] };
  targets.stdin?.end();

  const perCheck = gapsPerCheck(readMetric(data, 'Availability'));
  const gaps = perCheck.flat();
  const steady = perCheck.filter((g) => g.every((gap) => Math.abs(gap - INTERVAL_MS) <= INTERVAL_MS * 0.1)).length;
  const within = gaps.filter((g) => Math.abs(g - INTERVAL_MS) <= INTERVAL_MS * 0.1).length;
  const pages = pagesPerKey(stats.received.filter((r) => r.path.startsWith('/pd')));
  const expected = expectedOutages(ports.started, startedAt + 5_000, stoppedAt - 10_000);
  const outageKeys = Object.keys(expected);
  const missed = outageKeys.filter((key) => (pages[key]?.triggers ?? 0) < (expected[key] ?? 0));
  const extra = outageKeys.filter((key) => (pages[key]?.triggers ?? 0) > (expected[key] ?? 0) + 1);
  const duplicates = Object.entries(pages)
    .filter(([, p]) => p.repeated > 0)
    .map(([key]) => key);
  const alwaysDown = [
    ...Array.from({ length: MIX.hang }, (_, i) => `vigil/local/hang-${i}`),
    ...Array.from({ length: MIX.hostile }, (_, i) => `vigil/local/hostile-${i}`),
  ];
  const result = {
    minutes,
    exitCode: code,
    interval: {
      withinTenPercent: round((within / gaps.length) * 100, 2),
      checksAlwaysWithinTenPercent: steady,
      p50Ms: percentile(gaps, 50),
      p99Ms: percentile(gaps, 99),
      maxMs: Math.max(...gaps),
    },
    alerts: {
      pagerdutyRequests: stats.received.filter((r) => r.path.startsWith('/pd')).length,
      slackMessages: stats.received.filter((r) => r.path.startsWith('/slack')).length,
      outageWindowsExpected: Object.values(expected).reduce((a, b) => a + b, 0),
      outageTriggers: outageKeys.reduce((a, key) => a + (pages[key]?.triggers ?? 0), 0),
      outageResolves: outageKeys.reduce((a, key) => a + (pages[key]?.resolves ?? 0), 0),
      alwaysDownPaged: alwaysDown.filter((k) => pages[k]?.triggers === 1).length,
      missed,
      extra,
      repeatedActions: duplicates,
    },
    rss,
    stderrTail: stderr.split('\n').slice(-5),
  };
  writeFileSync('bench/results/soak.json', `${JSON.stringify(result, null, 2)}\n`);
  const first = rss[0];
  const last = rss.at(-1);
  const md = [
    `# Soak: 200 checks at 1 s for ${minutes} min`,
    '',
    `- interval kept within 10%: ${result.interval.withinTenPercent}% of ${gaps.length} gaps (p50 ${result.interval.p50Ms} ms, p99 ${result.interval.p99Ms} ms, max ${result.interval.maxMs} ms); every run of ${steady} of ${perCheck.length} checks`,
    `- outages: ${result.alerts.outageWindowsExpected} expected, ${result.alerts.outageTriggers} triggers, ${result.alerts.outageResolves} resolves; missed ${missed.length}, extra ${extra.length}, repeated actions ${duplicates.length}`,
    `- always-down checks (hanging, hostile) paged once: ${result.alerts.alwaysDownPaged} of ${MIX.hang + MIX.hostile}`,
    `- RSS monitor / store: ${first?.monitorMb}/${first?.storeMb} MB at ${first?.minute} min → ${last?.monitorMb}/${last?.storeMb} MB at ${last?.minute} min`,
    `- monitor exit code after SIGTERM: ${code}`,
    '',
  ].join('\n');
  writeFileSync('bench/results/soak.md', md);
  process.stdout.write(md);
}

async function firstLine(child: ChildProcess): Promise<unknown> {
  let text = '';
  for await (const chunk of child.stdout ?? []) {
    text += (chunk as Buffer).toString();
    if (text.includes('\n')) return JSON.parse(text.split('\n')[0] as string);
  }
  throw new Error('soak targets did not start');
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return round(kb / 1024, 1);
  } catch {
    return 0;
  }
}

/** The RSS of the monitor's store process for `data` (lambdas/adapters/local/dynalite-server.mjs). */
function storeRssMb(data: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (command.includes('dynalite-server.mjs') && command.includes(data)) return rssMb(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return 0;
}

/** Gaps between consecutive results, per check, from the metrics the monitor wrote. */
/** Per dedup key: triggers, resolves, and how often the same action came twice in a row. */
function pagesPerKey(events: readonly Received[]) {
  const byKey: Record<string, { triggers: number; resolves: number; repeated: number; last: string | null }> = {};
  for (const { body } of events) {
    const key = body?.dedup_key ?? '?';
    const entry = byKey[key] ?? { triggers: 0, resolves: 0, repeated: 0, last: null };
    byKey[key] = entry;
    if (body?.event_action === entry.last) entry.repeated++;
    if (body?.event_action === 'trigger') entry.triggers++;
    if (body?.event_action === 'resolve') entry.resolves++;
    entry.last = body?.event_action ?? null;
  }
  return byKey;
}

/** Outage windows each flaky check had wholly inside the run: each should page once and resolve once. */
function expectedOutages(t0: number, from: number, to: number): Record<string, number> {
  const expected: Record<string, number> = {};
  for (let i = 0; i < MIX.outage; i++) {
    expected[`vigil/local/outage-${i}`] = outageStarts(i, t0, from, to - OUTAGE_FOR_MS).length;
  }
  return expected;
}
