/** The outage schedule the soak's flaky targets follow, shared by the targets and the bench that checks the alerts. */
export const OUTAGE_EVERY_MS = 120_000;
export const OUTAGE_FOR_MS = 20_000;

/** Whether outage target `n` is down at `at`, for targets started at `t0`. */
export function outageDown(n: number, at: number, t0: number): boolean {
  const phase = (at - t0 + n * 1_000) % OUTAGE_EVERY_MS;
  return phase >= OUTAGE_EVERY_MS - OUTAGE_FOR_MS;
}

/** The start times of target `n`'s outages between `from` and `to`. */
export function outageStarts(n: number, t0: number, from: number, to: number): number[] {
  const starts: number[] = [];
  // Down from phase EVERY-FOR: at t = t0 - n s + k·EVERY + (EVERY - FOR).
  for (let k = -1; ; k++) {
    const at = t0 - n * 1_000 + k * OUTAGE_EVERY_MS + (OUTAGE_EVERY_MS - OUTAGE_FOR_MS);
    if (at > to) return starts;
    if (at >= from) starts.push(at);
  }
}
