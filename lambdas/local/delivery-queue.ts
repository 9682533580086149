/**
 * The local monitor's stand-in for SNS and the notifier's retries: every alert waits here, per channel,
 * until that channel takes it. It is kept in a file under the data folder, so alerts not yet delivered
 * survive a restart; each channel drains on its own, so one that hangs or asks (Retry-After) to be left
 * alone for an hour delays nobody else.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writePrivateFile } from '../adapters/local/private-files.js';
import { HOUR_MS } from '../core/duration.js';
import type { Log } from '../core/ports.js';
import { type AlertEvent, alertEventSchema } from '../core/types.js';

export interface QueuedDelivery {
  readonly id: string;
  readonly channel: string;
  readonly event: AlertEvent;
  /** Wall-clock milliseconds: a restart keeps its meaning. */
  readonly firstAt: number;
  readonly nextAt: number;
  /** Tries so far (each may be several requests). */
  readonly tries: number;
}

export interface DeliveryQueueOptions {
  readonly file: string;
  readonly log: Log;
  /** Wait before a failed delivery is tried again, unless the provider asks for longer. @default 30 s */
  readonly retryAfterMs?: number;
  /** Stop trying this long after the first try. @default 1 h */
  readonly giveUpAfterMs?: number;
}

export class DeliveryQueue {
  private items: QueuedDelivery[];
  private readonly retryAfterMs: number;
  private readonly giveUpAfterMs: number;

  constructor(private readonly options: DeliveryQueueOptions) {
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? HOUR_MS;
    this.items = this.load();
  }

  add(event: AlertEvent, channels: readonly string[], now: number): void {
    // Routed nowhere, it changes nothing to save (an outage's every state change would rewrite the file).
    if (channels.length === 0) return;
    for (const channel of channels) {
      this.items.push({ id: randomUUID(), channel, event, firstAt: now, nextAt: now, tries: 0 });
    }
    this.save();
  }

  /** When the channel's next delivery is due (wall ms), or null when it has none. */
  dueAt(channel: string): number | null {
    const mine = this.items.filter((i) => i.channel === channel);
    return mine.length === 0 ? null : Math.min(...mine.map((i) => i.nextAt));
  }

  /** The channel's oldest delivery that is due, in order of arrival. */
  next(channel: string, now: number): QueuedDelivery | null {
    return this.items.find((i) => i.channel === channel && i.nextAt <= now) ?? null;
  }

  delivered(id: string): void {
    this.remove(id);
  }

  /** Books another try, or gives the delivery up (returned) when it has been failing too long. */
  failed(id: string, now: number, retryAfterMs: number | null): QueuedDelivery | null {
    const item = this.items.find((i) => i.id === id);
    if (!item) return null;
    const nextAt = now + Math.max(this.retryAfterMs, retryAfterMs ?? 0);
    if (nextAt - item.firstAt > this.giveUpAfterMs) {
      this.remove(id);
      return item;
    }
    this.items = this.items.map((i) => (i.id === id ? { ...i, nextAt, tries: i.tries + 1 } : i));
    this.save();
    return null;
  }

  get size(): number {
    return this.items.length;
  }

  private remove(id: string): void {
    this.items = this.items.filter((i) => i.id !== id);
    this.save();
  }

  private load(): QueuedDelivery[] {
    let text: string;
    try {
      text = readFileSync(this.options.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as unknown[];
      return parsed.flatMap((raw) => {
        const item = raw as QueuedDelivery;
        const event = alertEventSchema.safeParse(item?.event);
        const valid = event.success && typeof item.channel === 'string' && Number.isFinite(item.nextAt);
        return valid ? [{ ...item, event: event.data }] : [];
      });
    } catch (error) {
      this.options.log.error('undelivered alerts file unreadable; starting without it', {
        file: this.options.file,
        error: String(error),
      });
      return [];
    }
  }

  private save(): void {
    try {
      writePrivateFile(this.options.file, JSON.stringify(this.items));
    } catch (error) {
      // A full disk must not stop alerting: the queue carries on in memory and says it is not saved.
      this.options.log.error('undelivered alerts could not be saved; kept in memory only', {
        count: this.items.length,
        error: String(error),
      });
    }
  }
}
