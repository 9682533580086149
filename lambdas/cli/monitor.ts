/**
 * `vigil monitor`: the local runner (lambdas/local/runner.ts) on dynalite persisted under the data
 * folder, with real time. Probes feed the same ingest as the probe Lambda; the runner's dispatcher
 * sends alerts to the configured channels (and always the console), so a slow channel never holds up
 * probing. Returns once the signal is aborted and in-flight work has been recorded and sent.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../adapters/local/embedded-dynamodb.js';
import { FileMetricsSink } from '../adapters/local/file-metrics.js';
import { localSecretResolver } from '../adapters/secrets.js';
import { systemClock } from '../adapters/system-clock.js';
import { notify } from '../channels/notify.js';
import { createPacer } from '../channels/pacer.js';
import { Redelivery } from '../channels/redelivery.js';
import { runCheck } from '../checks/run.js';
import type { Config } from '../core/config.js';
import { headline } from '../core/format.js';
import type { Clock, ResultStore } from '../core/ports.js';
import type { AlertEvent, CheckResult } from '../core/types.js';
import { forTerminal } from '../core/untrusted.js';
import { LocalRunner } from '../local/runner.js';
import { consoleLog } from './console-log.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { formatMs, reasonOf } from './table.js';

export interface MonitorOptions {
  readonly dataDir: string;
  /** Wait before a delivery that failed all its retries is tried again. @default 30s */
  readonly redeliverAfterMs?: number;
  /** Called after each alert event has gone to its channels (the demo and tests watch this). */
  readonly onAlert?: (event: AlertEvent) => void;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Waits between delivery retries. @default real time */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Monitor {
  readonly runner: LocalRunner;
  /** What the monitor records into. */
  readonly store: ResultStore;
  /** Alerts that could not be delivered yet and wait for another try. */
  pendingDeliveries(): number;
  close(): Promise<void>;
}

/** Everything `vigil monitor` runs, without the loop that drives it: tests drive it on simulated time. */
export async function createMonitor(
  config: Config,
  options: MonitorOptions & { readonly onDue?: () => void },
  io: CliIo,
): Promise<Monitor> {
  const db = await startEmbeddedDynamoDB({ dataDir: join(options.dataDir, 'dynamodb') });
  const clock = options.clock ?? systemClock;
  const log = consoleLog(io.stderr);
  const resolveSecret = localSecretResolver(io.env);
  const pause = options.sleep ?? ((ms: number) => sleep(ms));
  const deliveryDeps = {
    fetch: io.fetch,
    resolveSecret,
    sleep: pause,
    log,
    pacer: createPacer(() => clock.monotonicMs(), pause),
  };

  const store = new DynamoResultStore(db.client, { tableName: db.tableName });
  const redelivery = new Redelivery(options.redeliverAfterMs ?? 30_000, 3_600_000);
  const send = async (event: AlertEvent, only?: readonly string[], firstFailedAt?: number) => {
    for (const outcome of await notify(event, config, deliveryDeps, only)) {
      const requests = `${outcome.attempts} request${outcome.attempts === 1 ? '' : 's'}`;
      if (outcome.delivered) {
        io.stdout(`  → ${outcome.channel}: delivered (${requests})`);
        continue;
      }
      io.stdout(`  → ${outcome.channel}: NOT delivered: ${outcome.error}; will try again`);
      redelivery.add(event, outcome.channel, clock.monotonicMs(), firstFailedAt);
    }
  };
  const runner = new LocalRunner({
    config,
    store,
    metrics: new FileMetricsSink(join(options.dataDir, 'metrics.jsonl')),
    publisher: {
      publish: async (event) => {
        io.stdout(`ALERT ${event.severity.toUpperCase()} ${forTerminal(headline(event))}`);
        await send(event);
        options.onAlert?.(event);
      },
    },
    runCheck: async (check) => {
      const result = await runCheck(check, { resolveSecret, now: () => clock.now() }, { log, sleep: pause });
      io.stdout(resultLine(result));
      return result;
    },
    log,
    clock,
    alertContext: { stackName: 'local', dashboardUrl: null },
    chores: [
      {
        dueAt: () => redelivery.nextAt(),
        run: async () => {
          const { due, expired } = redelivery.take(clock.monotonicMs());
          for (const lost of expired)
            log.error('gave up delivering an alert', {
              channel: lost.channel,
              checkId: lost.event.checkId,
              kind: lost.event.kind,
            });
          for (const retry of due) {
            io.stdout(`RETRY ${forTerminal(headline(retry.event))}`);
            await send(retry.event, [retry.channel], retry.firstFailedAt);
          }
        },
      },
    ],
    ...(options.onDue ? { onDue: options.onDue } : {}),
  });
  return { runner, store, pendingDeliveries: () => redelivery.size, close: () => db.close() };
}

export async function monitorCommand(config: Config, options: MonitorOptions, io: CliIo): Promise<ExitCode> {
  let wake: () => void = () => {};
  const monitor = await createMonitor(config, { ...options, onDue: () => wake() }, io);
  const log = consoleLog(io.stderr);
  io.stdout(`vigil monitor: ${config.checks.length} check(s), data in ${options.dataDir}; Ctrl-C to stop`);
  const { runner } = monitor;
  while (!io.signal.aborted) {
    runner.startDue();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, runner.msUntilDue())));
      function done() {
        clearTimeout(timer);
        io.signal.removeEventListener('abort', done);
        resolve();
      }
      wake = done;
      io.signal.addEventListener('abort', done);
    });
  }
  // Stopping: no new probes; what was probed is recorded, and what it decided is sent.
  await runner.idle();
  runner.startDue({ probes: false });
  await runner.idle();
  if (monitor.pendingDeliveries() > 0)
    log.error('stopping with alerts still undelivered', { count: monitor.pendingDeliveries() });
  await monitor.close();
  io.stdout('vigil monitor: stopped');
  return EXIT.ok;
}

/** Keeps the loop from spinning when work falls due while other work still runs. */
const MIN_WAIT_MS = 5;
/** With everything running nothing is due; finishing work wakes the loop, this only bounds the timer. */
const MAX_WAIT_MS = 60_000;

function resultLine(result: CheckResult): string {
  const time = result.startedAt.slice(11, 19);
  const http = result.httpStatus === null ? '' : ` ${result.httpStatus}`;
  const reason = reasonOf(result);
  return `${time} ${result.checkId} ${result.status}${http} ${formatMs(result.timings.totalMs)}${reason ? ` (${forTerminal(reason)})` : ''}`;
}
