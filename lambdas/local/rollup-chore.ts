/** The monitor's share of rollups (docs/scaling.md, "Rollups"): sealing, sealing again, pruning. */
import type { Config } from '../config/parse.js';
import { DAY_MS, HOUR_MS } from '../core/duration.js';
import { resealHour, sealDue, sealedHourOf } from '../core/pipeline/rollups.js';
import type { Clock, Log, RollupStore } from '../core/ports.js';
import type { Chore } from './chore.js';

/**
 * Seals each check's hours and days into rollups as they end (lambdas/core/pipeline/rollups.ts): at start,
 * back over the retention (what an older version stored), then every few minutes. Results stored after
 * their hour was sealed (kept through a long store outage, replayed) have it sealed again at once. Rollups
 * past their keeping go too: dynalite has no TTL.
 */
export function rollupChore(config: Config, store: RollupStore, clock: Clock, log: Log, retentionMs = 30 * DAY_MS) {
  let nextAt = clock.monotonicMs();
  const sealed = new Map<string, number>();
  /** Check id → hours to seal again, from `lateAt` on (monotonic; null while there are none). */
  const late = new Map<string, Set<number>>();
  let lateAt: number | null = null;
  const markLate = (checkId: string, hour: number, at: number) => {
    late.set(checkId, (late.get(checkId) ?? new Set()).add(hour));
    lateAt = Math.min(lateAt ?? at, at);
  };
  const resealLate = async (now: Date) => {
    const due = [...late];
    late.clear();
    lateAt = null;
    const checks = new Map(config.checks.map((c) => [c.id, c]));
    for (const [checkId, hours] of due) {
      const check = checks.get(checkId);
      if (!check) continue;
      for (const hour of [...hours].sort((a, b) => a - b)) {
        const hourAt = new Date(hour).toISOString();
        await resealHour(store, check, hour, now, now.getTime() - retentionMs).then(
          (resealed) => {
            if (resealed) log.info('rolled up an hour again for results stored late', { checkId, hour: hourAt });
            else log.warn('results stored late for an hour already pruned: its rollup stands', { checkId, hour: hourAt });
          },
          (error) => {
            // Tried again with the next pass: the store may be failing again.
            markLate(checkId, hour, clock.monotonicMs() + ROLLUP_PASS_MS);
            log.error('rollups not written', { checkId, error: String(error) });
          },
        );
      }
    }
  };
  let pruneAt = nextAt;
  const chore: Chore = {
    dueAt: () => Math.min(nextAt, lateAt ?? Number.POSITIVE_INFINITY),
    run: async () => {
      const now = clock.now();
      if (lateAt !== null && lateAt <= clock.monotonicMs()) await resealLate(now);
      if (clock.monotonicMs() < nextAt) return;
      nextAt = clock.monotonicMs() + ROLLUP_PASS_MS;
      let hours = 0;
      for (const check of config.checks) {
        hours += await sealDue(store, check, now, now.getTime() - retentionMs, sealed).catch((error) => {
          log.error('rollups not written', { checkId: check.id, error: String(error) });
          return 0;
        });
      }
      if (hours > 0) log.info('rolled up hours', { hours });
      if (clock.monotonicMs() < pruneAt) return;
      pruneAt = clock.monotonicMs() + HOUR_MS;
      for (const check of config.checks) {
        await store.pruneRollups(check.id, now).catch((error) => {
          log.error('old rollups not pruned', { checkId: check.id, error: String(error) });
        });
      }
    },
  };
  return {
    chore,
    /** Results just stored for the check: any whose hour was already sealed has it sealed again. */
    stored(checkId: string, startedAts: readonly string[]): void {
      const now = clock.now();
      for (const startedAt of startedAts) {
        const hour = sealedHourOf(startedAt, now);
        if (hour !== null) markLate(checkId, hour, clock.monotonicMs());
      }
    },
  };
}

/** How often the monitor looks for hours to seal: an hour is sealed within this of its grace ending. */
const ROLLUP_PASS_MS = 5 * 60_000;
