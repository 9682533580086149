/**
 * Deliveries that failed after their retries, kept for another try later: what the DLQ and
 * Lambda's retries do in AWS, for the local runner. In memory; the monitor's lifetime is its scope.
 */
import type { AlertEvent } from '../core/types.js';

export interface PendingDelivery {
  readonly event: AlertEvent;
  readonly channel: string;
  readonly firstFailedAt: number;
  readonly nextAt: number;
}

export class Redelivery {
  private pending: PendingDelivery[] = [];

  constructor(
    /** Wait before trying a failed delivery again. */
    private readonly retryAfterMs: number,
    /** Stop trying this long after the first failure. */
    private readonly giveUpAfterMs: number,
  ) {}

  add(event: AlertEvent, channel: string, now: number, firstFailedAt = now): void {
    this.pending.push({ event, channel, firstFailedAt, nextAt: now + this.retryAfterMs });
  }

  /** Removes and returns what is due now, and separately what has waited too long to try again. */
  take(now: number): { due: PendingDelivery[]; expired: PendingDelivery[] } {
    const due = this.pending.filter((p) => p.nextAt <= now);
    this.pending = this.pending.filter((p) => p.nextAt > now);
    return {
      due: due.filter((p) => now - p.firstFailedAt < this.giveUpAfterMs),
      expired: due.filter((p) => now - p.firstFailedAt >= this.giveUpAfterMs),
    };
  }

  get size(): number {
    return this.pending.length;
  }

  /** When the next retry is due, or null with nothing pending. */
  nextAt(): number | null {
    return this.pending.length === 0 ? null : Math.min(...this.pending.map((p) => p.nextAt));
  }
}
