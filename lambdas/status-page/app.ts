/**
 * The stack's status page publisher (lib/status-page-publisher.ts): on every alert and on a schedule it
 * draws the page of the public checks from the table, as `vigil status-page` does, and puts its files where
 * the team's hosting (CloudFront, their own) serves them from.
 */
import type { Config } from '../config/parse.js';
import type { Log, ResultStore, RollupStore } from '../core/ports.js';
import { statusPageHistories } from '../core/status-page-history.js';
import { pageShows, pageTitle } from '../core/status-page-model.js';
import { type StatusPageFile, statusPageFiles } from '../report/status-page-files.js';

export interface StatusPageAppDeps {
  readonly config: Config;
  readonly store: ResultStore & RollupStore;
  /** Writes one file of the page (an S3 object in AWS). */
  readonly put: (file: StatusPageFile) => Promise<void>;
  readonly now: () => Date;
  readonly log: Log;
}

/** Publishes the page; what triggered it (an alert, the schedule) does not matter: the page is drawn whole. */
export function createStatusPageApp(deps: StatusPageAppDeps): () => Promise<string> {
  return async () => {
    const now = deps.now();
    const histories = await statusPageHistories(deps.store, deps.config.checks, now);
    const { page, files } = statusPageFiles(histories, now, pageShows(deps.config), pageTitle(deps.config));
    // The feed first: a page never links to data older than itself.
    for (const file of files) await deps.put(file);
    deps.log.info('status page published', { headline: page.headline, checks: histories.length });
    return page.headline;
  };
}
