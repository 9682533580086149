/**
 * The local runner: the probe schedule and the dispatcher of the pipeline, in one process, on an
 * injected clock. `startDue()` starts whatever is due (probe batches, a dispatch, chores) without
 * waiting for it; `idle()` waits for everything started; `msUntilDue()` says when to call again.
 * `vigil monitor` drives it with real sleeps; the tests drive it on simulated time. Probes share one
 * bound sized from the open-file limit (probe-slots.ts); while the store does not answer, results are
 * kept (held-results.ts) and dispatches wait, and both go on once it answers again.
 */

import type { Check, Config } from '../config/parse.js';
import type { AlertContext } from '../core/alert-state.js';
import { dispatch } from '../core/pipeline/dispatch.js';
import { type IngestOutcome, ingest } from '../core/pipeline/ingest.js';
import { probeBatch } from '../core/pipeline/probe-batch.js';
import type { AlertPublisher, Clock, DispatchQueue, Log, MetricsSink, ResultStore } from '../core/ports.js';
import { DueQueue, phases } from '../core/schedule.js';
import type { CheckResult } from '../core/types.js';
import type { Chore } from './chore.js';
import type { HeldResults } from './held-results.js';
import { openFileLimit, ProbeSlots, probeSlotsFor } from './probe-slots.js';
import type { SelfWatch } from './self-watch.js';

export interface RunnerDeps {
  readonly config: Config;
  readonly store: ResultStore;
  /**
   * The store probe batches and dispatches go through (the monitor's gathers requests close together);
   * kept results, drained one after another, go through `store`. @default store
   */
  readonly batchStore?: ResultStore;
  readonly metrics: MetricsSink;
  readonly publisher: AlertPublisher;
  /** Probes a check, from `location` when given. */
  readonly runCheck: (check: Check, location?: string) => Promise<CheckResult>;
  /** Where each check is probed from: every one of its locations, on this machine. @default once, unnamed */
  readonly originsOf?: (check: Check) => readonly (string | undefined)[];
  /** Why a location's control probe fails, once per batch for each location it probes from. @default none */
  readonly locationFault?: (location: string) => Promise<string | null>;
  readonly log: Log;
  readonly clock: Clock;
  readonly alertContext: AlertContext;
  readonly chores?: readonly Chore[];
  /** Told of each decided result: what it held back and how the status people see changed. */
  readonly onDecided?: (outcome: IngestOutcome) => void;
  /**
   * Told of the results a drain of kept results stored (with the windows they judged), after they were
   * decided on: they may be late for what was summed up meanwhile.
   */
  readonly onDrained?: (checkId: string, startedAts: readonly string[]) => void;
  /** Called when work became due before the time `msUntilDue` last gave: the driver should stop waiting. */
  readonly onDue?: () => void;
  /** Vigil watching itself: whether its store answers, where faults go. Without it they are only logged. */
  readonly watch?: Pick<SelfWatch, 'storeAnswers' | 'fault'>;
  /** Where results go that the store could not take, to be ingested once it answers. */
  readonly held?: HeldResults;
  /** Probes in flight across all batches. @default sized from the open-file limit */
  readonly probeSlots?: number;
}

export class LocalRunner {
  private readonly checks: ReadonlyMap<string, Check>;
  /** Check id → the batch running it. */
  private readonly running = new Map<string, string>();
  /** Check id → monotonic time the dispatcher should look at it. */
  private readonly dispatchAt = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Chores in flight, apart: stopping waits for probes and dispatches, and only a while for chores. */
  private readonly choresInFlight = new Set<Promise<void>>();
  private dispatching = false;
  private draining = false;
  private readonly slots: ProbeSlots;
  private readonly choring = new Set<Chore>();
  private batches = 0;
  /** The checks waiting for their next run: each one's first is its phase after the runner's start. */
  private readonly due: DueQueue<Check>;
  readonly queue: DispatchQueue;

  constructor(private readonly deps: RunnerDeps) {
    // A whole millisecond: with whole phases and intervals, a start exactly on time is never read as a late one.
    const start = { at: Math.floor(deps.clock.monotonicMs()), phases: phases(deps.config.checks) };
    this.due = new DueQueue(deps.config.checks, start);
    this.checks = new Map(deps.config.checks.map((c) => [c.id, c]));
    this.slots = new ProbeSlots(deps.probeSlots ?? probeSlotsFor(openFileLimit()));
    this.queue = {
      request: async (checkIds, at) => {
        const due = this.toMonotonic(at);
        for (const id of checkIds) this.dispatchAt.set(id, Math.min(due, this.dispatchAt.get(id) ?? Number.POSITIVE_INFINITY));
        if (due <= this.deps.clock.monotonicMs()) this.deps.onDue?.();
      },
    };
  }

  /** Starts every check that is due (lambdas/core/schedule.ts) unless still running, a due dispatch, and due chores. */
  startDue(options: { probes: boolean } = { probes: true }): void {
    const now = this.deps.clock.monotonicMs();
    if (options.probes) {
      const due = this.due.takeDue(now);
      if (due.length > 0) this.startBatch(due);
    }
    this.startDispatch(now);
    this.startDrain();
    for (const chore of this.deps.chores ?? []) {
      const at = chore.dueAt();
      if (at === null || at > now || this.choring.has(chore)) continue;
      this.choring.add(chore);
      const run = chore
        .run()
        .catch((error) => this.deps.log.error('background task failed', { error: String(error) }))
        .finally(() => {
          this.choring.delete(chore);
          // It may have left itself due again at once (a channel's next alert): the driver should not sleep past it.
          this.deps.onDue?.();
        });
      this.track(run, this.choresInFlight);
    }
  }

  /** Resolves once nothing started is still running, including work that work started (chores too, unless told). */
  async idle(options: { chores: boolean } = { chores: true }): Promise<void> {
    const pending = () => [...this.inFlight, ...(options.chores ? this.choresInFlight : [])];
    while (pending().length > 0) await Promise.all(pending());
  }

  /** Milliseconds until the next probe, dispatch or chore falls due (0: now). */
  msUntilDue(options: { probes: boolean } = { probes: true }): number {
    const now = this.deps.clock.monotonicMs();
    const probes = options.probes ? [this.due.nextAt()] : [];
    const dispatches = this.dispatching || !this.storeAnswers() ? [] : [...this.dispatchAt.values()];
    const drain = this.canDrain() ? [now] : [];
    const chores = (this.deps.chores ?? []).flatMap((c) => (this.choring.has(c) ? [] : [c.dueAt() ?? Number.POSITIVE_INFINITY]));
    return Math.max(0, Math.min(...probes, ...dispatches, ...drain, ...chores) - now);
  }

  /** When a check next starts (monotonic ms): null while it runs, or for a check the config does not have. */
  nextRunAt(checkId: string): number | null {
    return this.due.dueAt(checkId);
  }

  private startBatch(due: readonly Check[]): void {
    const batchId = `local-${++this.batches}`;
    for (const check of due) this.running.set(check.id, batchId);
    /** Frees a check for its next run, unless a later batch already runs it. */
    const done = (checkId: string) => {
      if (this.running.get(checkId) !== batchId) return;
      this.running.delete(checkId);
      this.due.release(this.checks.get(checkId) as Check);
    };
    const batch = probeBatch(
      due,
      {
        ...this.deps,
        store: this.batchStore,
        dispatch: this.queue,
        maintenance: this.deps.config.maintenance,
        now: () => this.deps.clock.now(),
        // Every probe waits for one of the process's slots instead; the soonest due again goes first.
        concurrency: due.length,
        runCheck: (check, location) => this.slots.run(this.due.dueAfterRun(check), () => this.deps.runCheck(check, location)),
        ...(this.deps.held ? { keeper: this.deps.held } : {}),
        onFault: (_checkId, fault) => this.deps.watch?.fault(fault.source, fault.message),
        // A check is free to run again once its own result is decided, not when the slowest of its batch is.
        onCheckDone: (checkId) => {
          done(checkId);
          this.deps.onDue?.();
        },
      },
      batchId,
    )
      .then(
        (report) => {
          for (const outcome of report.outcomes) this.deps.onDecided?.(outcome);
        },
        (error) => this.deps.log.error('probe batch failed', { error: String(error) }),
      )
      .finally(() => {
        for (const check of due) done(check.id);
        // A check that finished late is due again at once; the driver should not sleep past it.
        this.deps.onDue?.();
      });
    this.track(batch);
  }

  /** Where probe batches and dispatches go (RunnerDeps `batchStore`). */
  private get batchStore(): ResultStore {
    return this.deps.batchStore ?? this.deps.store;
  }

  private storeAnswers(): boolean {
    return this.deps.watch?.storeAnswers() ?? true;
  }

  private canDrain(): boolean {
    return !this.draining && (this.deps.held?.size ?? 0) > 0 && this.storeAnswers();
  }

  /** Ingests the results kept while the store did not answer, once it does: in order, as if on time. */
  private startDrain(): void {
    const { held } = this.deps;
    if (!held || !this.canDrain()) return;
    this.draining = true;
    const deps = { ...this.deps, dispatch: this.queue, maintenance: this.deps.config.maintenance };
    const run = held
      .drain(async (check, result) => {
        const outcome = await ingest(check, result, deps, this.deps.clock.now());
        this.deps.onDecided?.(outcome);
        this.deps.onDrained?.(check.id, [result.startedAt, ...(outcome.judged ?? []).map((r) => r.startedAt)]);
      })
      .then(
        () => {},
        (error) => this.deps.log.error('kept results not ingested', { error: String(error) }),
      )
      .finally(() => {
        this.draining = false;
        this.deps.onDue?.();
      });
    this.track(run);
  }

  /** One dispatch at a time, so two never flush the same group; none while the store does not answer. */
  private startDispatch(now: number): void {
    if (this.dispatching || !this.storeAnswers()) return;
    const ids = [...this.dispatchAt.entries()].filter(([, at]) => at <= now).map(([id]) => id);
    if (ids.length === 0) return;
    for (const id of ids) this.dispatchAt.delete(id);
    this.dispatching = true;
    const deps = { ...this.deps, store: this.batchStore, checks: this.deps.config.checks };
    const run = dispatch(ids, deps, this.deps.clock.now())
      .then(
        async (report) => {
          for (const { checkId, at } of report.revisit) await this.queue.request([checkId], at);
        },
        (error) => {
          this.deps.log.error('dispatch failed; trying again', { error: String(error) });
          for (const id of ids) this.dispatchAt.set(id, this.deps.clock.monotonicMs() + 1_000);
        },
      )
      .finally(() => {
        this.dispatching = false;
        this.deps.onDue?.();
      });
    this.track(run);
  }

  private toMonotonic(at: Date): number {
    return this.deps.clock.monotonicMs() + (at.getTime() - this.deps.clock.now().getTime());
  }

  private track(task: Promise<void>, set = this.inFlight): void {
    set.add(task);
    void task.finally(() => set.delete(task));
  }
}
