/**
 * Times a connection's phases from socket events, for every probe alike: lookup → connect →
 * secureConnect → first byte → end. Phases that did not happen stay null.
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Timings } from '../../core/types.js';
import type { Phase } from './classify.js';
import { since } from './probe.js';

type Mark = 'dns' | 'connect' | 'tls' | 'firstByte' | 'end';

export class PhaseClock {
  readonly started = performance.now();
  /** How far the connection got: what a deadline or an error means depends on it. */
  phase: Phase;
  private readonly marks: Partial<Record<Mark, number>> = {};

  constructor(host: string) {
    this.phase = isIP(host) ? 'connect' : 'dns';
  }

  /** Follows lookup and connect on `socket`; after connecting the phase becomes `next`. */
  watch(socket: Socket, next: Phase): void {
    socket.once('lookup', (error) => {
      if (error) return;
      this.mark('dns', 'connect');
    });
    socket.once('connect', () => this.mark('connect', next));
  }

  mark(mark: Mark, phase: Phase = this.phase): void {
    this.marks[mark] ??= performance.now();
    this.phase = phase;
  }

  timings(): Timings {
    const { dns, connect, tls, firstByte, end } = this.marks;
    const between = (from: number | undefined, to: number | undefined) =>
      from === undefined || to === undefined ? null : since(from, to);
    return {
      dnsMs: between(this.started, dns),
      connectMs: between(dns ?? this.started, connect),
      tlsMs: between(connect, tls),
      ttfbMs: between(tls ?? connect ?? this.started, firstByte),
      transferMs: between(firstByte, end),
      totalMs: since(this.started),
    };
  }
}
