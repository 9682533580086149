/**
 * What a status page is drawn from, read from the store: each public check's 90 days (daily rollups, hourly
 * ones for today, results for this hour: lambdas/core/pipeline/rollups.ts), its incidents and state.
 * `vigil status-page` and the stack's publisher (lambdas/status-page) read the same, so the page they make
 * is the same.
 */
import { mapLimit } from './concurrency.js';
import { DAY_MS } from './duration.js';
import { HISTORIES_READ_AT_ONCE, readHistory } from './pipeline/rollups.js';
import type { ResultStore, RollupStore } from './ports.js';
import type { CheckHistory } from './report-model.js';
import type { CheckBase } from './schema-parts.js';
import { STATUS_PAGE_DAYS } from './status-page-model.js';

export function publicChecks<C extends CheckBase>(checks: readonly C[]): C[] {
  return checks.filter((c) => c.public);
}

export function statusPageHistories(
  store: ResultStore & RollupStore,
  checks: readonly CheckBase[],
  now: Date,
): Promise<CheckHistory[]> {
  return mapLimit(publicChecks(checks), HISTORIES_READ_AT_ONCE, async (check) => {
    const start = now.getTime() - STATUS_PAGE_DAYS * DAY_MS - 2 * check.intervalMs;
    const [history, incidents, state] = await Promise.all([
      readHistory(store, check, { start, now: now.getTime(), edges: [], looksBefore: [], hoursFrom: now.getTime() }),
      store.listIncidents(check.id),
      store.getState(check.id),
    ]);
    return { check, results: [], history, incidents, state };
  });
}
