/** `vigil status-page --out DIR`: a static page of the public checks (index.html) and its JSON feed (status.json). */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/parse.js';
import { UserError } from '../core/errors.js';
import { STATUS_PAGE_SHOWABLE } from '../core/schema-parts.js';
import { publicChecks, statusPageHistories } from '../core/status-page-history.js';
import { pageShows, pageTitle, type StatusPageShow } from '../core/status-page-model.js';
import { statusPageFiles } from '../report/status-page-files.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { openStore } from './store.js';

export interface StatusPageOptions {
  readonly outDir: string | undefined;
  readonly title: string | undefined;
  /** `errors,latency`: what the page may show beyond names and states. */
  readonly show: string | undefined;
  readonly dataDir: string;
  readonly table: string | undefined;
}

export function showOption(text: string | undefined): StatusPageShow {
  const asked = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.find((s) => !(STATUS_PAGE_SHOWABLE as readonly string[]).includes(s));
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
  // The flags win over the config's `statusPage`, which says what the published page shows.
  const show = options.show === undefined ? pageShows(config) : showOption(options.show);
  if (publicChecks(config.checks).length === 0) {
    throw new UserError('no check is public: mark the checks to show with public: true (or defaults: { public: true })');
  }
  const dir = outFolder(options.outDir);
  const { store, close } = await openStore({ ...options, config, mustHoldData: true });
  const histories = await statusPageHistories(store, config.checks, now).finally(close);
  const { page, files } = statusPageFiles(histories, now, show, options.title ?? pageTitle(config));
  for (const file of files) {
    try {
      writeFileSync(join(dir, file.name), file.body);
    } catch (error) {
      throw new UserError(
        `--out: cannot write ${join(dir, file.name)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  io.stdout(`status page written to ${join(dir, 'index.html')} and ${join(dir, 'status.json')}: ${page.headline}`);
  return EXIT.ok;
}
