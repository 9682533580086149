/**
 * What a status page is drawn from, read from the store: each public check's results over the page's 90
 * days, its incidents and state. `vigil status-page` and the stack's publisher (lambdas/status-page) read
 * the same, so the page they make is the same.
 */

import { DAY_MS } from './duration.js';
import type { ResultStore } from './ports.js';
import { judgedResults } from './report.js';
import type { CheckHistory } from './report-model.js';
import type { CheckBase } from './schema-parts.js';
import { STATUS_PAGE_DAYS } from './status-page-model.js';

export function publicChecks<C extends CheckBase>(checks: readonly C[]): C[] {
  return checks.filter((c) => c.public);
}

export function statusPageHistories(store: ResultStore, checks: readonly CheckBase[], now: Date): Promise<CheckHistory[]> {
  return Promise.all(
    publicChecks(checks).map(async (check) => {
      const since = new Date(now.getTime() - STATUS_PAGE_DAYS * DAY_MS - 2 * check.intervalMs);
      const [results, incidents, state] = await Promise.all([
        store.listResults(check.id, since, now),
        store.listIncidents(check.id),
        store.getState(check.id),
      ]);
      // Probed from several locations: what the check was is each window's judgement, not each location's result.
      return { check, results: judgedResults(check, results), incidents, state };
    }),
  );
}
