/** `vigil check`: probe every check once, print a table or the ★ JSON document. */
import { localSecretResolver } from '../adapters/secrets.js';
import { runCheck } from '../checks/run.js';
import { StartPacer } from '../checks/shared/start-pacer.js';
import { warmUp } from '../checks/warm-up.js';
import type { Check, Config } from '../config/parse.js';
import { mapLimit } from '../core/concurrency.js';
import { VigilFault } from '../core/errors.js';
import { startOrder } from '../core/spread.js';
import { summarize } from '../core/summary.js';
import type { CheckResult } from '../core/types.js';
import { consoleLog } from './console-log.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import type { OpenStore } from './store.js';
import { renderCheckReport } from './table.js';

export interface CheckOptions {
  readonly json: boolean;
  readonly only: readonly string[];
  /** Where heartbeat checks' runs are read: a monitor's data folder, or the deployed table. */
  readonly dataDir: string;
  readonly table: string | undefined;
  /** Probe only from these of the config's locations. @default every location each check names */
  readonly locations?: readonly string[];
}

/** Probes in flight at once, at most: a burst of checks waits on its targets, not on Vigil. */
const CONCURRENCY = 200;

export async function checkCommand(config: Config, options: CheckOptions, io: CliIo): Promise<ExitCode> {
  const unknown = options.only.filter((id) => !config.checks.some((c) => c.id === id));
  if (unknown.length > 0) {
    io.stderr(`vigil: --only names unknown check ${unknown.map((id) => `"${id}"`).join(', ')}`);
    return EXIT.usage;
  }
  const checks = options.only.length > 0 ? config.checks.filter((c) => options.only.includes(c.id)) : config.checks;
  const runs = await heartbeatRuns(config, checks, options);
  const context = {
    resolveSecret: localSecretResolver(io.env),
    now: () => new Date(),
    ...(runs ? { heartbeats: runs.store } : {}),
  };
  const log = consoleLog(io.stderr);
  // Fifty probes, ten at a time: enough for the JIT to compile what a burst runs before it runs. A run
  // larger than one burst warms up as it goes.
  if (checks.length <= CONCURRENCY) await warmUp(checks, context.now, { rounds: 5, width: 10 });
  // Starts a millisecond apart until the probes' own cost is known, then as fast as the thread can
  // read their responses on time.
  const pacer = new StartPacer();
  // A check Vigil itself could not probe (too many open files) has no result: it is named, not judged down.
  const notProbed: string[] = [];
  // Once per location the check names, from this machine, each result tagged with it.
  const wanted = (name: string) => !options.locations || options.locations.includes(name);
  const probes = startOrder(checks).flatMap((check): { check: Check; location: string | undefined }[] =>
    check.locations.length === 0
      ? [{ check, location: undefined }]
      : check.locations.filter(wanted).map((location) => ({ check, location })),
  );
  const probed = await mapLimit(probes, CONCURRENCY, ({ check, location }) =>
    pacer
      .run(() => runCheck(check, location ? { ...context, location } : context, { log }))
      .catch((error) => {
        if (!(error instanceof VigilFault)) throw error;
        notProbed.push(check.id);
        io.stderr(`vigil: ${check.id} not probed: ${error.message} (Vigil itself, not the target)`);
        return null;
      }),
  ).finally(() => runs?.close());
  const results = probed.filter((r): r is CheckResult => r !== null);
  if (!runs && checks.some((c) => c.type === 'heartbeat')) {
    io.stderr(
      `note: no runs in ${options.dataDir}: heartbeat checks are judged as never reported (--data DIR or --table NAME reads them)`,
    );
  }
  const byId = new Map<string, CheckResult[]>();
  for (const r of results) byId.set(r.checkId, [...(byId.get(r.checkId) ?? []), r]);
  // In the config's order (and each check's locations in its order), whatever order they ran in.
  const place = (c: Check, r: CheckResult) => c.locations.indexOf(r.location ?? '');
  const report = summarize(checks.flatMap((c) => (byId.get(c.id) ?? []).sort((a, b) => place(c, a) - place(c, b))));
  io.stdout(options.json ? JSON.stringify(report, null, 2) : renderCheckReport(report));
  return checks.some((c) => downByQuorum(c, byId.get(c.id) ?? [])) || notProbed.length > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * Whether a check is down as its deployed probes would judge it: from several locations, when at least its
 * quorum of those probed (all of them, when fewer were asked for) saw it down; else when its one result is.
 */
function downByQuorum(check: Check, results: readonly CheckResult[]): boolean {
  const down = results.filter((r) => r.status === 'down').length;
  return down > 0 && down >= Math.min(Math.max(check.quorum, 1), results.length);
}

/** The store heartbeat checks read their runs from, if there are any and there is one to read. */
async function heartbeatRuns(config: Config, checks: readonly Check[], options: CheckOptions): Promise<OpenStore | null> {
  if (!checks.some((c) => c.type === 'heartbeat')) return null;
  // Loaded only here: a config without heartbeats does not pay for the SDK and dynalite.
  const { holdsData, openStore } = await import('./store.js');
  if (!options.table && !holdsData(options.dataDir)) return null;
  return openStore({ dataDir: options.dataDir, table: options.table, config });
}
