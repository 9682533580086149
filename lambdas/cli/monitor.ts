/**
 * `vigil monitor`: the local runner. Each check runs on its own interval through the same
 * runCycle as the probe Lambda, against dynalite persisted under the data folder. Alerts go
 * to the configured channels and always to the console. Returns once the signal is aborted
 * and in-flight cycles and redeliveries have finished.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../adapters/local/embedded-dynamodb.js';
import { FileMetricsSink } from '../adapters/local/file-metrics.js';
import { localSecretResolver } from '../adapters/secrets.js';
import { notify } from '../channels/notify.js';
import { createPacer } from '../channels/pacer.js';
import { Redelivery } from '../channels/redelivery.js';
import type { Config } from '../core/config.js';
import { type CycleDeps, runCycle } from '../core/cycle.js';
import { headline } from '../core/format.js';
import { dueChecks, msUntilNextDue } from '../core/schedule.js';
import type { AlertEvent, CheckResult } from '../core/types.js';
import { runCheck } from '../probes/index.js';
import { consoleLog } from './console-log.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { formatMs, reasonOf } from './table.js';

export interface MonitorOptions {
  readonly dataDir: string;
  /** Wait before a delivery that failed all its retries is tried again. @default 30s */
  readonly redeliverAfterMs?: number;
  /** Called after each alert event has gone to its channels (the demo and tests watch this). */
  readonly onAlert?: (event: AlertEvent) => void;
}

export async function monitorCommand(config: Config, options: MonitorOptions, io: CliIo): Promise<ExitCode> {
  const db = await startEmbeddedDynamoDB({ dataDir: join(options.dataDir, 'dynamodb') });
  const log = consoleLog(io.stderr);
  const resolveSecret = localSecretResolver(io.env);
  const pause = (ms: number) => sleep(ms);
  const deliveryDeps = { fetch: io.fetch, resolveSecret, sleep: pause, log, pacer: createPacer(Date.now, pause) };

  const redelivery = new Redelivery(options.redeliverAfterMs ?? 30_000, 3_600_000);
  const send = async (event: AlertEvent, only?: readonly string[], firstFailedAt?: number) => {
    for (const outcome of await notify(event, config, deliveryDeps, only)) {
      const requests = `${outcome.attempts} request${outcome.attempts === 1 ? '' : 's'}`;
      if (outcome.delivered) {
        io.stdout(`  → ${outcome.channel}: delivered (${requests})`);
        continue;
      }
      io.stdout(`  → ${outcome.channel}: NOT delivered: ${outcome.error}; will try again`);
      redelivery.add(event, outcome.channel, Date.now(), firstFailedAt);
    }
  };
  const publish = async (event: AlertEvent) => {
    io.stdout(`ALERT ${event.severity.toUpperCase()} ${headline(event)}`);
    await send(event);
    options.onAlert?.(event);
  };
  const redeliver = async () => {
    const { due, expired } = redelivery.take(Date.now());
    for (const lost of expired)
      log.error('gave up delivering an alert', { channel: lost.channel, checkId: lost.event.checkId, kind: lost.event.kind });
    for (const retry of due) {
      io.stdout(`RETRY ${headline(retry.event)}`);
      await send(retry.event, [retry.channel], retry.firstFailedAt);
    }
  };
  const deps: CycleDeps = {
    store: new DynamoResultStore(db.client, { tableName: db.tableName }),
    metrics: new FileMetricsSink(join(options.dataDir, 'metrics.jsonl')),
    publisher: { publish },
    runCheck: async (check) => {
      const result = await runCheck(check, { resolveSecret, now: () => new Date() }, { log });
      io.stdout(resultLine(result));
      return result;
    },
    log,
    alertContext: { stackName: 'local', dashboardUrl: null },
    maintenance: config.maintenance,
  };

  io.stdout(`vigil monitor: ${config.checks.length} check(s), data in ${options.dataDir}; Ctrl-C to stop`);
  const lastStarted = new Map<string, number>();
  const running = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let cycleNumber = 0;
  let redelivering: Promise<void> | null = null;
  while (!io.signal.aborted) {
    const now = Date.now();
    const due = dueChecks(config.checks, lastStarted, running, now);
    if (due.length > 0) {
      for (const check of due) {
        lastStarted.set(check.id, now);
        running.add(check.id);
      }
      const cycle: Promise<void> = runCycle(due, deps, new Date(now), `local-${++cycleNumber}`)
        .then(
          () => {},
          (error) => log.error('cycle failed', { error: String(error) }),
        )
        .finally(() => {
          for (const check of due) running.delete(check.id);
          inFlight.delete(cycle);
        });
      inFlight.add(cycle);
    }
    // In the background, like a cycle, so slow channels do not delay the next checks.
    if (!redelivering && (redelivery.nextAt() ?? Number.POSITIVE_INFINITY) <= Date.now()) {
      const task: Promise<void> = redeliver().finally(() => {
        redelivering = null;
        inFlight.delete(task);
      });
      redelivering = task;
      inFlight.add(task);
    }
    const retryIn = (redelivery.nextAt() ?? Number.POSITIVE_INFINITY) - Date.now();
    const wake = Math.min(msUntilNextDue(config.checks, lastStarted, Date.now()), Math.max(25, retryIn));
    await sleep(wake, undefined, { signal: io.signal }).catch(() => {});
  }
  await Promise.all(inFlight);
  if (redelivery.size > 0) log.error('stopping with alerts still undelivered', { count: redelivery.size });
  await db.close();
  io.stdout('vigil monitor: stopped');
  return EXIT.ok;
}

function resultLine(result: CheckResult): string {
  const time = result.startedAt.slice(11, 19);
  const http = result.httpStatus === null ? '' : ` ${result.httpStatus}`;
  const reason = reasonOf(result);
  return `${time} ${result.checkId} ${result.status}${http} ${formatMs(result.timings.totalMs)}${reason ? ` (${reason})` : ''}`;
}
