import { describe, expect, it } from 'vitest';
import { PACE, type PacerClock, StartPacer, startGap } from '../../lambdas/checks/shared/start-pacer.js';

/** A clock that moves only when a turn's sleep ends; `wakes` logs when each sleep was to end. */
function fakeClock() {
  const clock = {
    t: 0,
    busy: 0,
    wakes: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      const until = clock.t + ms;
      clock.wakes.push(until);
      return Promise.resolve().then(() => {
        clock.t = Math.max(clock.t, until);
      });
    },
    busyMs: () => clock.busy,
  };
  return clock satisfies PacerClock;
}

describe('startGap', () => {
  it('keeps the initial gap until enough probes have finished to measure', () => {
    expect(startGap(500, 100, PACE.sample - 1, PACE)).toBe(PACE.initialGapMs);
  });

  it('is the main thread’s busy time per probe, a started probe counting half and a finished one the other half', () => {
    // 100 started and 20 finished are (100 + 20) / 2 = 60 probes' work: 60 ms of it is 1 ms a probe.
    expect(startGap(60, 100, 20, PACE)).toBe(1);
    expect(startGap(30, 100, 20, PACE)).toBe(0.5);
    expect(startGap(600, 200, 200, PACE)).toBe(3);
  });

  it('never waits longer than the cap, whatever a few expensive probes cost', () => {
    expect(startGap(10_000, 30, 20, PACE)).toBe(PACE.maxGapMs);
  });
});

describe('StartPacer', () => {
  it('gives turns in the order asked, the initial gap apart, and runs each task in its turn', async () => {
    const clock = fakeClock();
    const pacer = new StartPacer(clock);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => pacer.run(async () => i)));
    expect(results).toEqual([0, 1, 2, 3, 4]);
    // The first starts at once; each next one a millisecond after the one before.
    expect(clock.wakes).toEqual([1, 2, 3, 4]);
  });

  it('sleeps again when a timer fires before its turn (a timer counts from the loop’s cached time)', async () => {
    const clock = fakeClock();
    const sleeps: number[] = [];
    // A timer ends 0.4 ms early, as one set late in a long turn of the loop can; as in Node, one of
    // under a millisecond waits a millisecond.
    clock.sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.t += ms < 1 ? 1 : ms - 0.4;
    };
    const pacer = new StartPacer(clock);
    await Promise.all([0, 1].map(() => pacer.run(async () => {})));
    expect(sleeps.map((ms) => Math.round(ms * 10) / 10)).toEqual([1, 0.4]);
    expect(clock.t).toBeGreaterThanOrEqual(1);
  });

  it('spaces the starts that fell due during a stall again, instead of letting them all go at once', async () => {
    const clock = fakeClock();
    const realSleep = clock.sleep;
    // The first timer fires 20 ms late, as on a loop that was busy or a process that was not scheduled.
    clock.sleep = (ms: number) => {
      clock.sleep = realSleep;
      return realSleep(ms + 20);
    };
    const pacer = new StartPacer(clock);
    const startedAt: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => pacer.run(async () => startedAt.push(clock.t))));
    const together = Math.max(...startedAt.map((t) => startedAt.filter((other) => other === t).length));
    // Two milliseconds' worth at most (PACE.burstMs), where 20 starts had fallen due.
    expect(together).toBe(2);
    expect(startedAt.at(-1)).toBeGreaterThanOrEqual(21 + 7);
  });

  it('does not make a turn wait that is asked for after its slot has passed', async () => {
    const clock = fakeClock();
    const pacer = new StartPacer(clock);
    await pacer.run(async () => {});
    clock.t = 50;
    await pacer.run(async () => {});
    expect(clock.wakes).toEqual([]);
  });

  it('paces by the measured cost once enough probes have finished', async () => {
    const clock = fakeClock();
    const pacer = new StartPacer(clock);
    for (let i = 0; i < PACE.sample; i++) await pacer.run(async () => {});
    expect(clock.t).toBe(PACE.sample - 1);
    // 20 started and 20 finished cost the thread 80 ms: 4 ms a probe.
    clock.busy = 80;
    await Promise.all([0, 1, 2].map(() => pacer.run(async () => {})));
    const [first, second, third] = clock.wakes.slice(-3) as [number, number, number];
    // 4 ms after the last start, at 19; then about 4 ms apart (each start counts half a probe more).
    expect(first).toBe(23);
    expect(second - first).toBeCloseTo(4, 0);
    expect(third - second).toBeCloseTo(4, 0);
  });

  it('counts a task that throws as finished, and passes its error on', async () => {
    const clock = fakeClock();
    const pacer = new StartPacer(clock);
    for (let i = 0; i < PACE.sample - 1; i++) await pacer.run(async () => {});
    await expect(pacer.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    clock.busy = 2 * PACE.sample;
    clock.t = 1_000;
    await Promise.all([0, 1].map(() => pacer.run(async () => {})));
    // The failed task counted: the measured 2 ms a probe sets the gap, not the initial 1 ms.
    expect(clock.wakes.at(-1)).toBe(1_002);
  });
});
