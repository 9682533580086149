/**
 * One bound on the probes the local monitor has in flight, across all its batches, sized from the
 * process's open-file limit: every probe holds a socket, and the store's connections, the channels'
 * deliveries and the files Vigil writes need theirs too, so a large fleet on a hanging target waits for
 * slots instead of failing with EMFILE. A free slot goes to the probe whose check falls due again
 * soonest (earliest deadline first), so a 2 s check is not queued behind hundreds of 1-minute checks.
 */
import { readFileSync } from 'node:fs';

/** Sockets a probe may hold at once (a DNS check's resolver can use a UDP and a TCP one). */
const FILES_PER_PROBE = 2;
/** Left for the store's client (its agent keeps up to 50 sockets), deliveries, the files Vigil writes, stdio. */
const RESERVED_FILES = 100;
/** Beyond this a probe's timings suffer from the process's own load before files run short (as `vigil check`). */
export const MAX_PROBE_SLOTS = 200;
/** When the limit cannot be read (not Linux): what the usual 1024 allows. */
const UNKNOWN_LIMIT_SLOTS = 200;

/** The soft limit on open files (`ulimit -n`), from /proc/self/limits; null where that cannot be read. */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | null {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(read())?.[1];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return null;
  }
}

/** Probes in flight that a limit of `limit` open files leaves room for; at least one. */
export function probeSlotsFor(limit: number | null): number {
  if (limit === null) return UNKNOWN_LIMIT_SLOTS;
  return Math.max(1, Math.min(MAX_PROBE_SLOTS, Math.floor((limit - RESERVED_FILES) / FILES_PER_PROBE)));
}

export class ProbeSlots {
  private free: number;
  /** Waiting probes, the earliest deadline first. */
  private readonly waiting: { readonly deadline: number; readonly start: () => void }[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Runs `task` once a slot is free; `deadline` (monotonic ms) orders who gets one first. */
  async run<T>(deadline: number, task: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      const at = this.waiting.findIndex((w) => w.deadline > deadline);
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { deadline, start });
      // After the caller's turn: a batch asks for all its slots at once, and they go by deadline, not by who asked first.
      queueMicrotask(() => this.grant());
    });
    try {
      return await task();
    } finally {
      this.free++;
      this.grant();
    }
  }

  private grant(): void {
    while (this.free > 0 && this.waiting.length > 0) {
      this.free--;
      this.waiting.shift()?.start();
    }
  }
}
