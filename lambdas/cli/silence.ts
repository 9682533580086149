/**
 * `vigil silence --check ID --for 2h --reason …`: hold a check's alerts for a while, recorded in the
 * table; `--list` shows the silences in force, `--lift CHECK` ends a check's.
 */
import type { Config } from '../config/parse.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { plural } from '../core/format.js';
import type { CliIo } from './io.js';
import { EXIT, type ExitCode } from './io.js';
import { openStore } from './store.js';
import { renderTable } from './table.js';

export interface SilenceOptions {
  readonly checkId: string | undefined;
  readonly duration: string | undefined;
  readonly reason: string | undefined;
  readonly dataDir: string;
  readonly table: string | undefined;
  readonly list?: boolean;
  readonly lift?: string | undefined;
}

export async function silenceCommand(config: Config, options: SilenceOptions, io: CliIo, now = new Date()): Promise<ExitCode> {
  if (options.list) return listSilences(config, options, io, now);
  if (options.lift !== undefined) return liftSilences(config, options.lift, options, io, now);
  const { checkId, duration, reason } = options;
  if (!checkId || !duration || !reason)
    throw new UserError('silence needs --check ID --for DURATION --reason TEXT, --list or --lift ID');
  if (!config.checks.some((c) => c.id === checkId)) throw new UserError(`unknown check "${checkId}"`);
  const ms = parseDuration(duration);
  if (ms === null || ms <= 0) throw new UserError(`--for: expected a duration like "30m" or "2h", got "${duration}"`);
  const until = new Date(now.getTime() + ms).toISOString();
  const { store, close } = await openStore({ ...options, config });
  try {
    await store.putSilence({ checkId, until, reason, createdAt: now.toISOString() });
  } finally {
    await close();
  }
  io.stdout(`${checkId}: alerts held for ${formatDuration(ms)}, until ${until} (${reason})`);
  return EXIT.ok;
}

async function listSilences(config: Config, options: SilenceOptions, io: CliIo, now: Date): Promise<ExitCode> {
  const { store, close } = await openStore({ ...options, config });
  const ids = options.checkId ? [options.checkId] : config.checks.map((c) => c.id);
  const silences = (await Promise.all(ids.map((id) => store.listSilences(id, now))).finally(close)).flat();
  if (silences.length === 0) {
    io.stdout('no silences in force');
    return EXIT.ok;
  }
  io.stdout(
    renderTable([['CHECK', 'UNTIL', 'SINCE', 'REASON'], ...silences.map((s) => [s.checkId, s.until, s.createdAt, s.reason])]),
  );
  return EXIT.ok;
}

async function liftSilences(config: Config, checkId: string, options: SilenceOptions, io: CliIo, now: Date): Promise<ExitCode> {
  if (!config.checks.some((c) => c.id === checkId)) throw new UserError(`--lift: unknown check "${checkId}"`);
  const { store, close } = await openStore({ ...options, config });
  const lifted = await store.liftSilences(checkId, now).finally(close);
  io.stdout(
    lifted === 0 ? `${checkId}: no silence in force` : `${checkId}: ${plural(lifted, 'silence')} lifted; alerts flow again`,
  );
  return EXIT.ok;
}
