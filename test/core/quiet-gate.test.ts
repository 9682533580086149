import { describe, expect, it } from 'vitest';
import { QuietGate } from '../../lambdas/core/pipeline/quiet-gate.js';

/** A clock whose sleeps end only when the test moves time on. */
function manualClock() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    monotonicMs: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    async advance(ms: number) {
      const end = now + ms;
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        now = next.at;
        next.resolve();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

/** A task that records when it ran and takes `ms` of the clock. */
function task(clock: ReturnType<typeof manualClock>, ran: number[], ms = 0) {
  return async () => {
    ran.push(clock.monotonicMs());
    if (ms > 0) await clock.sleep(ms);
  };
}

describe('QuietGate', () => {
  it('holds work while a probe is answering and runs it the moment that probe ends', async () => {
    const clock = manualClock();
    const gate = new QuietGate(clock, () => null);
    const ran: number[] = [];
    const done = gate.probeStarted();
    const work = gate.run(task(clock, ran));
    await clock.advance(30);
    expect(ran).toEqual([]);
    done();
    await clock.advance(0);
    await work;
    expect(ran).toEqual([30]);
  });

  it('stops waiting for a probe in flight several times the usual probe’s time: it is hanging, not answering', async () => {
    const clock = manualClock();
    const gate = new QuietGate(clock, () => null);
    for (let i = 0; i < 5; i++) {
      const done = gate.probeStarted();
      await clock.advance(50);
      done();
    }
    const hanging = gate.probeStarted();
    const ran: number[] = [];
    const work = gate.run(task(clock, ran));
    // Probes take 50 ms: one still in flight after 200 ms is past answering.
    await clock.advance(199);
    expect(ran).toEqual([]);
    await clock.advance(1);
    await work;
    expect(ran).toEqual([450]);
    hanging();
  });

  it('leaves room before the next planned start for a task as long as tasks have taken', async () => {
    const clock = manualClock();
    let nextStart: number | null = 40;
    const gate = new QuietGate(clock, () => nextStart);
    const ran: number[] = [];
    // A first task takes 30 ms: it needs 50 ms of room, and the start 40 ms away leaves too little.
    const work = gate.run(task(clock, ran, 30));
    await clock.advance(39);
    expect(ran).toEqual([]);
    await clock.advance(1);
    const done = gate.probeStarted();
    nextStart = 1_000;
    await clock.advance(20);
    done();
    await clock.advance(30);
    await work;
    expect(ran).toEqual([60]);
  });

  it('waits for a start that is due but late (a throttled timer), and goes once it has started and ended', async () => {
    const clock = manualClock();
    let nextStart: number | null = 0;
    const gate = new QuietGate(clock, () => nextStart);
    await clock.advance(100);
    const ran: number[] = [];
    const work = gate.run(task(clock, ran));
    await clock.advance(3);
    expect(ran).toEqual([]);
    // The late start happens: the gate sees that probe answering, then its end.
    nextStart = null;
    const done = gate.probeStarted();
    await clock.advance(40);
    expect(ran).toEqual([]);
    done();
    await clock.advance(0);
    await work;
    expect(ran).toEqual([143]);
  });

  it('runs tasks one at a time in the order asked, and one that fails does not stop the next', async () => {
    const clock = manualClock();
    const gate = new QuietGate(clock, () => null);
    const ran: number[] = [];
    const first = gate.run(task(clock, ran, 10));
    const failing = gate
      .run(async () => {
        throw new Error('store refused');
      })
      .catch((error: Error) => error.message);
    const third = gate.run(task(clock, ran, 10));
    await clock.advance(20);
    await first;
    expect(await failing).toBe('store refused');
    await third;
    expect(ran).toEqual([0, 10]);
  });
});
