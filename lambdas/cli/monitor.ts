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
import { privateFolder } from '../adapters/local/private-files.js';
import { localSecretResolver, missingLocalSecrets } from '../adapters/secrets.js';
import { systemClock } from '../adapters/system-clock.js';
import { channelsFor, notify } from '../channels/notify.js';
import { createPacer } from '../channels/pacer.js';
import { receivePing } from '../checks/heartbeat/receive-ping.js';
import { runCheck } from '../checks/run.js';
import { CHECK_RUNTIMES } from '../checks/runtimes.js';
import { controlProbe } from '../config/control-probe.js';
import type { Config } from '../config/parse.js';
import { allSecretRefs, heartbeatTokenRefs } from '../config/secret-refs.js';
import { reportedStatus } from '../core/check-state.js';
import { DAY_MS, HOUR_MS } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { headline, plural } from '../core/format.js';
import { isMultiLocation } from '../core/locations.js';
import type { StateWithOrigins } from '../core/pipeline/combine.js';
import type { IngestOutcome } from '../core/pipeline/ingest.js';
import type { CheckSnapshot, Clock, Log, MetricsSink, ResultStore } from '../core/ports.js';
import type { AlertEvent, CheckResult } from '../core/types.js';
import { forTerminal } from '../core/untrusted.js';
import { CheckBoard } from '../local/check-board.js';
import type { Chore } from '../local/chore.js';
import { DeliveryQueue } from '../local/delivery-queue.js';
import { HeldResults, heldPerCheck } from '../local/held-results.js';
import { LocationWatch } from '../local/location-watch.js';
import { startMetricsServer } from '../local/monitor-metrics.js';
import { startPingServer } from '../local/ping-server.js';
import { ProbeThread } from '../local/probe-thread.js';
import { rollupChore } from '../local/rollup-chore.js';
import { LocalRunner } from '../local/runner.js';
import { SelfWatch } from '../local/self-watch.js';
import { consoleLog } from './console-log.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { LiveView, viewRows } from './monitor-view.js';
import { markDataFolder } from './store.js';
import { formatMs, reasonOf } from './table.js';

export interface MonitorOptions {
  readonly dataDir: string;
  /** Wait before a delivery that failed all its retries is tried again. @default 30s */
  readonly redeliverAfterMs?: number;
  /** Called when an alert event is published, before its deliveries (the demo watches this). */
  readonly onAlert?: (event: AlertEvent) => void;
  /** @default the system clock */
  readonly clock?: Clock;
  /** How long results are kept in the data folder (the AWS table's TTL does this there). @default 30 days */
  readonly retentionMs?: number;
  /** How long stopping waits for channels still delivering; the rest stays queued. @default 5s */
  readonly deliveryGraceMs?: number;
  /** Waits between delivery retries. @default real time */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Also serve the heartbeat API here (port 0: any free one). */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Also serve Prometheus metrics at `/metrics` here (port 0: any free one). */
  readonly serveMetrics?: { readonly host: string; readonly port: number };
  /** Print a line per result. @default true (the live view shows results in its table instead) */
  readonly printResults?: boolean;
  /** Fault injection for tests: while this file exists the store's writes fail as on a full disk. */
  readonly diskFullWhile?: string;
  /**
   * Which of the config's locations this monitor probes from (each check once per location, on this
   * machine). @default every location the check names
   */
  readonly locations?: readonly string[];
}

export interface Monitor {
  readonly runner: LocalRunner;
  /** What the monitor records into. */
  readonly store: ResultStore;
  /** Where the heartbeat API listens, when asked to. */
  readonly pingUrl: string | null;
  /** Where the Prometheus metrics are served (`…/metrics`), when asked to. */
  readonly metricsUrl: string | null;
  /** What it has seen of each check since it started: the live view and the metrics read it. */
  readonly board: CheckBoard;
  /** Alerts that could not be delivered yet and wait for another try. */
  pendingDeliveries(): number;
  /** Cuts deliveries in flight short; they stay queued for the next start. */
  stopDeliveries(): void;
  close(): Promise<void>;
}

/** Everything `vigil monitor` runs, without the loop that drives it: tests drive it on simulated time. */
export async function createMonitor(
  config: Config,
  options: MonitorOptions & { readonly onDue?: () => void },
  io: CliIo,
): Promise<Monitor> {
  const log = consoleLog(io.stderr);
  // Made private before anything is written to it, and tightened if an older Vigil made it.
  privateFolder(options.dataDir);
  // The store tells of its stops; the watch that hears them pings the store, so it is made after it.
  let watch: SelfWatch | undefined;
  const db = await startEmbeddedDynamoDB({
    dataDir: join(options.dataDir, 'dynamodb'),
    isolate: {
      onFault: ({ message, down }) => {
        log.error(message, { dataDir: options.dataDir });
        if (down) watch?.fault('store', message);
      },
      ...(options.diskFullWhile ? { diskFullWhile: options.diskFullWhile } : {}),
    },
  });
  markDataFolder(options.dataDir, config);
  const clock = options.clock ?? systemClock;
  const resolveSecret = localSecretResolver(io.env);
  // Stopping cuts waits and deliveries short; what was not delivered stays queued on disk.
  const stopping = new AbortController();
  const pause = options.sleep ?? ((ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => {}));
  const deliveryDeps = {
    fetch: io.fetch,
    resolveSecret,
    signal: stopping.signal,
    sleep: pause,
    log,
    pacer: createPacer(() => clock.monotonicMs(), pause),
  };

  const store = new DynamoResultStore(db.client, { tableName: db.tableName });
  // Probed results, hundreds a second, are each a write and a decision's reads, and each state change a
  // dispatch's read: sent together, the store's process and this one's thread spend their CPU on the
  // results, not on a request's overhead apiece. Kept results drained one after another and reports go
  // at once. A simulated clock (tests) has no real moments to gather them over.
  const coalesceMs = options.clock ? 0 : COALESCE_MS;
  const batchStore = coalesceMs > 0 ? new DynamoResultStore(db.client, { tableName: db.tableName, coalesceMs }) : store;
  const deliveries = new DeliveryQueue({
    file: join(options.dataDir, 'deliveries.json'),
    log,
    ...(options.redeliverAfterMs === undefined ? {} : { retryAfterMs: options.redeliverAfterMs }),
  });
  const wallNow = () => clock.now().getTime();
  // One worker per channel: each drains its own queue, so a slow or rate-limited channel delays only itself.
  const channelWorker = (channel: string): Chore => ({
    dueAt: () => {
      const at = deliveries.dueAt(channel);
      return at === null ? null : clock.monotonicMs() + (at - wallNow());
    },
    run: async () => {
      const item = deliveries.next(channel, wallNow());
      if (!item) return;
      if (item.tries > 0) io.stdout(`RETRY ${forTerminal(headline(item.event))} → ${channel}`);
      const [outcome] = await notify(item.event, config, deliveryDeps, [channel]);
      const what = `${item.event.kind} of ${item.event.checkId}`;
      if (outcome?.delivered) {
        io.stdout(`  → ${channel}: ${what} delivered (${plural(outcome.attempts, 'request')})`);
        deliveries.delivered(item.id);
        return;
      }
      io.stdout(`  → ${channel}: ${what} NOT delivered: ${outcome?.error ?? 'unknown channel'}; will try again`);
      const lost = deliveries.failed(item.id, wallNow(), outcome?.retryAfterMs ?? null);
      if (!lost) return;
      log.error('gave up delivering an alert', { channel, checkId: lost.event.checkId, kind: lost.event.kind });
      const startedAt = lost.event.incidentStartedAt;
      if (startedAt) {
        await store
          .recordNotification(lost.event.checkId, startedAt, { kind: lost.event.kind, at: lost.event.at, undeliveredTo: channel })
          .catch((error) => log.error('incident not updated', { checkId: lost.event.checkId, error: String(error) }));
      }
    },
  });
  const board = new CheckBoard(config.checks);
  // Each result's lines are a file append: gathered like the store's requests, for the same reason.
  const file = new FileMetricsSink(join(options.dataDir, 'metrics.jsonl'), { coalesceMs });
  // Every result passes here, probed or reported: the board sees them before the file does.
  const metrics: MetricsSink = {
    put: async (results) => {
      for (const result of results) board.result(result);
      await file.put(results);
    },
    putRun: (checkId, run) => file.putRun(checkId, run),
  };
  // Publishing hands the event to each routed channel's queue, as SNS hands it to each notifier.
  const publish = (event: AlertEvent) => {
    io.stdout(`ALERT ${event.severity.toUpperCase()} ${forTerminal(headline(event))}`);
    const channels = channelsFor(event, config);
    board.alerted(event, channels);
    deliveries.add(event, channels, wallNow());
    options.onAlert?.(event);
  };
  const locationWatch = new LocationWatch({ clock, publish, stackName: LOCAL_CONTEXT.stackName });
  // Locations told out of quorum before this start stay told: their return is what comes next. Read before
  // the first probe, in one batch: a decision must not tell a return the watch has not resumed.
  const located = config.checks.filter(isMultiLocation).map((c) => c.id);
  const before: ReadonlyMap<string, CheckSnapshot> =
    located.length > 0 ? await store.readSnapshots(located, clock.now()).catch(() => new Map()) : new Map();
  for (const [checkId, { state }] of before) {
    const origins = (state as StateWithOrigins | null)?.origins;
    for (const location of origins?.unavailable ?? []) {
      locationWatch.resume(checkId, location, new Date(origins?.seen[location]?.startedAt ?? clock.now()));
    }
  }
  // What people see change (pending and maintenance included), what was held back and why, and locations
  // that stopped counting (Vigil's own trouble).
  const onDecided = (outcome: IngestOutcome) => {
    board.decided(outcome);
    const { checkId, change, held, locations } = outcome;
    if (change) io.stdout(`STATE ${checkId}: ${change.from} → ${change.to}`);
    for (const { event, reason } of held) io.stdout(`HELD ${event.kind} of ${event.checkId}: ${forTerminal(reason)}`);
    if (locations) locationWatch.told(locations);
  };
  const probedFrom = options.locations;
  // While the store does not answer, results wait here and Vigil itself is told as an alert of its own.
  const held = new HeldResults({
    storeAnswers: () => watch?.storeAnswers() ?? true,
    onStoreFailure: (error) => watch?.fault('store', String(error)),
    perCheck: heldPerCheck(config.checks.length),
  });
  watch = new SelfWatch({
    clock,
    log,
    publish,
    pingStore: () => db.ping(),
    backlog: () => ({ kept: held.kept, dropped: held.dropped, waiting: held.size }),
    stackName: LOCAL_CONTEXT.stackName,
  });
  // A simulated clock (tests) cannot be shared with another thread: probes then run on this one.
  const probes = options.clock ? null : ProbeThread.start({ checks: config.checks, env: io.env }, log);
  const sealing = rollupChore(config, store, clock, log, options.retentionMs);
  const runner = new LocalRunner({
    config,
    store,
    batchStore,
    metrics,
    publisher: { publish: async (event) => publish(event) },
    watch,
    held,
    runCheck: async (check, location) => {
      // A look that times nothing (a heartbeat's) gains nothing on the probe thread, and reads the store, which is here.
      const result =
        probes && !CHECK_RUNTIMES[check.type].untimed
          ? await probes.run(check, location)
          : await runCheck(
              check,
              { resolveSecret, now: () => clock.now(), heartbeats: store, ...(location ? { location } : {}) },
              { log, sleep: pause },
            );
      if (options.printResults !== false) io.stdout(resultLine(result));
      return result;
    },
    locationFault: controlProbe(config.locations, { resolveSecret, now: () => clock.now() }),
    // Each of the check's locations, from this machine: quorum works end to end with real parts.
    originsOf: (check) => {
      const from = probedFrom ? check.locations.filter((name) => probedFrom.includes(name)) : check.locations;
      return check.locations.length === 0 ? [undefined] : from;
    },
    log,
    clock,
    alertContext: LOCAL_CONTEXT,
    onDecided,
    onDrained: (checkId, startedAts) => sealing.stored(checkId, startedAts),
    chores: [
      ...Object.keys(config.channels).map(channelWorker),
      retention(config, store, clock, log, options.retentionMs),
      sealing.chore,
      watch.chore,
    ],
    ...(options.onDue ? { onDue: options.onDue } : {}),
  });
  // What a heartbeat report goes through: the same store, dispatcher and clock as the probes.
  const pingDeps = {
    store,
    heartbeats: store,
    metrics,
    log,
    alertContext: LOCAL_CONTEXT,
    dispatch: runner.queue,
    maintenance: config.maintenance,
    checks: config.checks,
    resolveSecret,
    now: () => clock.now(),
    onDecided,
  };
  const pings = options.listen
    ? await startPingServer(
        options.listen.host,
        options.listen.port,
        async (request) => {
          const answer = await receivePing(request, pingDeps);
          io.stdout(`REPORT ${request.method} ${forTerminal(request.path.slice(0, 100))} → ${answer.status}`);
          return answer;
        },
        log,
      ).catch(async (error) => {
        await db.close();
        throw listenError('--listen', options.listen, error);
      })
    : null;
  const scrapes = options.serveMetrics
    ? await startMetricsServer(options.serveMetrics.host, options.serveMetrics.port, board).catch(async (error) => {
        await pings?.close();
        await db.close();
        throw listenError('--metrics', options.serveMetrics, error);
      })
    : null;
  // The states a person saw before this start: a check stays as it was until a decision changes it.
  void store
    .readSnapshots(
      config.checks.map((c) => c.id),
      clock.now(),
    )
    .then(
      (snapshots) => {
        for (const [checkId, { state }] of snapshots) if (state) board.known(checkId, reportedStatus(state));
      },
      (error) => log.warn('states not read at start', { error: String(error) }),
    );
  return {
    runner,
    store,
    board,
    pingUrl: pings?.url ?? null,
    metricsUrl: scrapes ? `${scrapes.url}/metrics` : null,
    pendingDeliveries: () => deliveries.size,
    stopDeliveries: () => stopping.abort(),
    close: async () => {
      await scrapes?.close();
      await pings?.close();
      await probes?.close();
      // Hours that results kept through a store outage reached after they were sealed: a restart would not know them.
      await sealing.flush();
      await db.close();
    },
  };
}

export async function monitorCommand(
  config: Config,
  options: MonitorOptions & { readonly allowMissingSecrets?: boolean },
  io: CliIo,
): Promise<ExitCode> {
  // A secret found missing only at the first outage is a page that never came: refuse to start instead.
  // Heartbeat tokens are only read to answer reports: without --listen they are not needed.
  const tokens = new Set(heartbeatTokenRefs(config).map(([path]) => path));
  const needed = allSecretRefs(config).filter(([path]) => options.listen !== undefined || !tokens.has(path));
  const missing = missingLocalSecrets(needed, io.env);
  if (missing.length > 0 && !options.allowMissingSecrets) {
    throw new UserError(
      `secrets the config needs are not set:\n${missing.map((m) => `  - ${m}`).join('\n')}\n(--allow-missing-secrets starts anyway)`,
    );
  }
  let wake: () => void = () => {};
  // On a terminal, lines go above the live view; elsewhere (a pipe, a file) they are all there is.
  let view: LiveView | null = null;
  const out: CliIo = io.terminal
    ? {
        ...io,
        stdout: (text) => (view ? view.above(() => io.stdout(text)) : io.stdout(text)),
        stderr: (text) => (view ? view.above(() => io.stderr(text)) : io.stderr(text)),
      }
    : io;
  const monitor = await createMonitor(config, { ...options, printResults: !io.terminal, onDue: () => wake() }, out);
  const log = consoleLog(out.stderr);
  io.stdout(`vigil monitor: ${plural(config.checks.length, 'check')}, data in ${options.dataDir}; Ctrl-C to stop`);
  if (monitor.pingUrl) io.stdout(`heartbeat API on ${monitor.pingUrl} (POST /ping/<check-id>[/start|/fail|/<exit code>])`);
  if (monitor.metricsUrl) io.stdout(`Prometheus metrics on ${monitor.metricsUrl}`);
  const { runner } = monitor;
  if (io.terminal) {
    const { board } = monitor;
    const clock = options.clock ?? systemClock;
    view = new LiveView(
      io.terminal,
      () => viewRows(board.entries(), (id) => runner.nextRunAt(id), clock.monotonicMs()),
      () => clock.now(),
    );
    view.redraw();
  }
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
  // Stopping: no new probes; what was probed is recorded, what it decided is dispatched, and channels get
  // a moment to take it. A channel that hangs keeps its alert queued on disk for the next start.
  await runner.idle({ chores: false });
  runner.startDue({ probes: false });
  await runner.idle({ chores: false });
  // Unreferenced: once everything is done, the grace timer must not keep the process alive.
  await Promise.race([runner.idle(), sleep(options.deliveryGraceMs ?? DELIVERY_GRACE_MS, undefined, { ref: false })]);
  monitor.stopDeliveries();
  await runner.idle();
  if (monitor.pendingDeliveries() > 0) {
    log.error('stopping with alerts still undelivered; they are kept and tried again at the next start', {
      count: monitor.pendingDeliveries(),
    });
  }
  await monitor.close();
  view?.stop();
  view = null;
  io.stdout('vigil monitor: stopped');
  return EXIT.ok;
}

/** Deletes results older than the retention, at start and then hourly, so the data folder stays bounded. */
function retention(config: Config, store: ResultStore, clock: Clock, log: Log, retentionMs = 30 * DAY_MS): Chore {
  let nextAt = clock.monotonicMs();
  return {
    dueAt: () => nextAt,
    run: async () => {
      nextAt = clock.monotonicMs() + HOUR_MS;
      const before = new Date(clock.now().getTime() - retentionMs);
      let pruned = 0;
      for (const check of config.checks) {
        pruned += await store.pruneResults(check.id, before).catch((error) => {
          log.error('old results not pruned', { checkId: check.id, error: String(error) });
          return 0;
        });
      }
      if (pruned > 0) log.info('pruned old results', { count: pruned, before: before.toISOString() });
    },
  };
}

/** A port that could not be listened on, in one line: which flag, where, and why in words. */
function listenError(flag: string, at: { host: string; port: number } | undefined, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const why = LISTEN_ERRORS[code] ?? String(error);
  return new UserError(`${flag} ${at?.host}:${at?.port}: ${why}${code ? ` (${code})` : ''}`);
}

/** Why a port could not be listened on, in words. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is in use (another vigil monitor?)',
  EACCES: 'not allowed to listen there (ports under 1024 need privileges)',
  EADDRNOTAVAIL: 'not an address of this machine',
  ENOTFOUND: 'no such host',
};

const LOCAL_CONTEXT = { stackName: 'local', dashboardUrl: null };

/**
 * How long the probed results' store gathers writes and reads into one request, and the metrics file its
 * lines into one append. A decision waits for three requests in a row (its result written, its state read,
 * its silence and parents read): about 150 ms later.
 */
const COALESCE_MS = 50;

/** How long stopping waits for channels still delivering. */
const DELIVERY_GRACE_MS = 5_000;

/**
 * Keeps the loop from spinning should work be due that cannot start yet. Short: phases are up to 5 ms
 * apart (lambdas/core/schedule.ts), and a least wait as long as that made every wake a little later than
 * the one before, until two checks fell due together (at 5 ms, about 16% of starts shared their millisecond).
 */
const MIN_WAIT_MS = 1;
/** With everything running nothing is due; finishing work wakes the loop, this only bounds the timer. */
const MAX_WAIT_MS = 60_000;

function resultLine(result: CheckResult): string {
  const time = result.startedAt.slice(11, 19);
  const http = result.httpStatus === null ? '' : ` ${result.httpStatus}`;
  const reason = reasonOf(result);
  const took = result.heartbeat ? '' : ` ${formatMs(result.timings.totalMs)}`;
  const from = result.location ? ` @${result.location}` : '';
  return `${time} ${result.checkId}${from} ${result.status}${http}${took}${reason ? ` (${forTerminal(reason)})` : ''}`;
}
