/** Stretches of time and how long a look vouches for a check: shared by ./watch.ts and the rollups below it, pure. */

/** A check not looked at for this many intervals is `unknown`. */
export const STALE_AFTER_INTERVALS = 2;

/** A stretch of time, in epoch milliseconds, `from` inclusive and `to` exclusive. */
export interface Span {
  readonly from: number;
  readonly to: number;
}
