/** The monitor's share of rollups (docs/scaling.md, "Rollups"): sealing, sealing again, pruning. */
import type { Config } from '../config/parse.js';
import { DAY_MS, HOUR_MS } from '../core/duration.js';
import { resealHours, sealDue, sealedHourOf } from '../core/pipeline/rollups.js';
import type { Clock, Log, RollupStore } from '../core/ports.js';
import type { Chore } from './chore.js';

/**
 * Seals each check's hours and days into rollups as they end (lambdas/core/pipeline/rollups.ts): at start,
 * back over the retention (what an older version stored), then every few minutes. Results stored after
 * their hour was sealed (kept through a long store outage, replayed) have it sealed again once they stop
 * coming, and at the latest when the monitor stops (`flush`). Rollups past their keeping go too: dynalite
 * has no TTL.
 */
export function rollupChore(config: Config, store: RollupStore, clock: Clock, log: Log, retentionMs = 30 * DAY_MS) {
  let nextAt = clock.monotonicMs();
  const sealed = new Map<string, number>();
  /** Check id → hours to seal again, from `lateAt` on (monotonic; null while there are none). */
  const late = new Map<string, Set<number>>();
  let lateAt: number | null = null;
  const markLate = (checkId: string, hour: number, at: number) => {
    late.set(checkId, (late.get(checkId) ?? new Set()).add(hour));
    lateAt = at;
  };
  const resealLate = async () => {
    const due = [...late];
    late.clear();
    lateAt = null;
    const now = clock.now();
    const checks = new Map(config.checks.map((c) => [c.id, c]));
    for (const [checkId, hours] of due) {
      const check = checks.get(checkId);
      if (!check) continue;
      await resealHours(store, check, hours, now).then(
        ({ resealed, kept }) => {
          const at = (list: readonly number[]) => list.map((hour) => new Date(hour).toISOString());
          if (resealed.length > 0) log.info('rolled up hours again for results stored late', { checkId, hours: at(resealed) });
          if (kept.length > 0)
            log.warn('results stored late for hours partly pruned: their rollups stand', { checkId, hours: at(kept) });
        },
        (error) => {
          // Tried again with the next pass: the store may be failing again.
          for (const hour of hours) markLate(checkId, hour, clock.monotonicMs() + ROLLUP_PASS_MS);
          log.error('rollups not written', { checkId, error: String(error) });
        },
      );
    }
  };
  let pruneAt = nextAt;
  const chore: Chore = {
    dueAt: () => Math.min(nextAt, lateAt ?? Number.POSITIVE_INFINITY),
    run: async () => {
      if (lateAt !== null && lateAt <= clock.monotonicMs()) await resealLate();
      if (clock.monotonicMs() < nextAt) return;
      nextAt = clock.monotonicMs() + ROLLUP_PASS_MS;
      const now = clock.now();
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
        // A drain stores hundreds a second: the hours are sealed again once it has gone quiet.
        if (hour !== null) markLate(checkId, hour, clock.monotonicMs() + RESEAL_SETTLE_MS);
      }
    },
    /** Seals again what results stored late reached, now: the monitor is stopping. */
    flush: async (): Promise<void> => {
      if (late.size > 0) await resealLate();
    },
  };
}

/** How often the monitor looks for hours to seal: an hour is sealed within this of its grace ending. */
const ROLLUP_PASS_MS = 5 * 60_000;

/** How long after the last result stored late its hours are sealed again. */
const RESEAL_SETTLE_MS = 30_000;
