/** `vigil check`: probe every check once, print a table or the ★ JSON document. */
import { localSecretResolver } from '../adapters/secrets.js';
import { runCheck } from '../checks/run.js';
import { mapLimit } from '../core/concurrency.js';
import type { Config } from '../core/config.js';
import { exitCodeFor, summarize } from '../core/summary.js';
import { consoleLog } from './console-log.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { renderCheckReport } from './table.js';

export interface CheckOptions {
  readonly json: boolean;
  readonly only: readonly string[];
}

export async function checkCommand(config: Config, options: CheckOptions, io: CliIo): Promise<ExitCode> {
  const unknown = options.only.filter((id) => !config.checks.some((c) => c.id === id));
  if (unknown.length > 0) {
    io.stderr(`vigil: --only names unknown check ${unknown.map((id) => `"${id}"`).join(', ')}`);
    return EXIT.usage;
  }
  const checks = options.only.length > 0 ? config.checks.filter((c) => options.only.includes(c.id)) : config.checks;
  const context = { resolveSecret: localSecretResolver(io.env), now: () => new Date() };
  const log = consoleLog(io.stderr);
  const results = await mapLimit(checks, 50, (check) => runCheck(check, context, { log }));
  const report = summarize(results);
  io.stdout(options.json ? JSON.stringify(report, null, 2) : renderCheckReport(report));
  return exitCodeFor(report) === 0 ? EXIT.ok : EXIT.failed;
}
