/** `vigil silence --check ID --for 2h --reason …`: hold a check's alerts for a while, recorded in the table. */
import type { Config } from '../core/config.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import type { CliIo } from './io.js';
import { EXIT, type ExitCode } from './io.js';
import { openStore } from './store.js';

export interface SilenceOptions {
  readonly checkId: string | undefined;
  readonly duration: string | undefined;
  readonly reason: string | undefined;
  readonly dataDir: string;
  readonly table: string | undefined;
}

export async function silenceCommand(config: Config, options: SilenceOptions, io: CliIo, now = new Date()): Promise<ExitCode> {
  const { checkId, duration, reason } = options;
  if (!checkId || !duration || !reason) throw new UserError('silence needs --check ID --for DURATION --reason TEXT');
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
