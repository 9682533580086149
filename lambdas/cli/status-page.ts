/** `vigil status-page --out DIR`: a static page of the public checks (index.html) and its JSON feed (status.json). */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/parse.js';
import { mapLimit } from '../core/concurrency.js';
import { DAY_MS } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { readHistory } from '../core/pipeline/rollups.js';
import type { CheckHistory } from '../core/report-model.js';
import { buildStatusPage, STATUS_PAGE_DAYS, type StatusPageShow } from '../core/status-page-model.js';
import { renderStatusPage } from '../report/status-page.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { READ_CHECKS_AT_ONCE } from './report.js';
import { openStore } from './store.js';

export interface StatusPageOptions {
  readonly outDir: string | undefined;
  readonly title: string | undefined;
  /** `errors,latency`: what the page may show beyond names and states. */
  readonly show: string | undefined;
  readonly dataDir: string;
  readonly table: string | undefined;
}

const SHOWABLE = ['errors', 'latency'] as const;

export function showOption(text: string | undefined): StatusPageShow {
  const asked = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.find((s) => !(SHOWABLE as readonly string[]).includes(s));
  if (unknown !== undefined)
    throw new UserError(`--show: expected errors and/or latency, like --show errors,latency, got "${unknown}"`);
  return { errors: asked.includes('errors'), latency: asked.includes('latency') };
}

/** The folder the page goes to: made if missing, refused when a file stands there. */
function outFolder(dir: string | undefined): string {
  if (!dir) throw new UserError('status-page needs --out DIR: the folder to write index.html and status.json to');
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`--out ${dir}: not a folder`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (made) {
      throw new UserError(`--out ${dir}: cannot make it: ${(made as NodeJS.ErrnoException).code ?? (made as Error).message}`);
    }
  }
  return dir;
}

export async function statusPageCommand(
  config: Config,
  options: StatusPageOptions,
  io: CliIo,
  now = new Date(),
): Promise<ExitCode> {
  const show = showOption(options.show);
  const published = config.checks.filter((c) => c.public);
  if (published.length === 0) {
    throw new UserError('no check is public: mark the checks to show with public: true (or defaults: { public: true })');
  }
  const dir = outFolder(options.outDir);
  const { store, close } = await openStore({ ...options, config, mustHoldData: true });
  const histories: CheckHistory[] = await mapLimit(published, READ_CHECKS_AT_ONCE, async (check) => {
    const since = now.getTime() - STATUS_PAGE_DAYS * DAY_MS - 2 * check.intervalMs;
    // Daily rollups for the 90 days, hourly ones for today, results for this hour (lambdas/core/pipeline/rollups.ts).
    const [history, incidents, state] = await Promise.all([
      readHistory(store, check, { start: since, now: now.getTime(), edges: [], looksBefore: [], hoursFrom: now.getTime() }),
      store.listIncidents(check.id),
      store.getState(check.id),
    ]);
    return { check, results: [], history, incidents, state };
  }).finally(close);
  const status = buildStatusPage(histories, now, show);
  const write = (name: string, text: string) => {
    try {
      writeFileSync(join(dir, name), text);
    } catch (error) {
      throw new UserError(
        `--out: cannot write ${join(dir, name)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  };
  write('status.json', `${JSON.stringify(status, null, 2)}\n`);
  write('index.html', renderStatusPage(status, options.title ?? 'Service status'));
  io.stdout(`status page written to ${join(dir, 'index.html')} and ${join(dir, 'status.json')}: ${status.headline}`);
  return EXIT.ok;
}
