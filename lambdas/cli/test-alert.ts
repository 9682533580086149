/** `vigil test-alert --channel NAME`: a clearly marked test through the real delivery path. */
import { setTimeout as sleep } from 'node:timers/promises';
import { localSecretResolver } from '../adapters/secrets.js';
import { notify } from '../channels/notify.js';
import type { Config } from '../config/parse.js';
import { UserError } from '../core/errors.js';
import { testEvent } from '../core/test-event.js';
import { consoleLog } from './console-log.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';

export async function testAlertCommand(config: Config, channel: string, io: CliIo): Promise<ExitCode> {
  if (!config.channels[channel]) {
    const known = Object.keys(config.channels).join(', ') || 'none defined';
    throw new UserError(`unknown channel "${channel}" (channels: ${known})`);
  }
  const deps = {
    fetch: io.fetch,
    resolveSecret: localSecretResolver(io.env),
    sleep: (ms: number) => sleep(ms),
    log: consoleLog(io.stderr),
  };
  const [outcome] = await notify(testEvent('local', new Date()), config, deps, [channel]);
  if (outcome?.delivered) {
    io.stdout(`test notification delivered to ${channel}`);
    return EXIT.ok;
  }
  io.stderr(`vigil: test notification to ${channel} not delivered: ${outcome?.error}`);
  return EXIT.failed;
}
