import { describe, expect, it } from 'vitest';
import { PING_MS, RAISE_AFTER_MS, SelfWatch } from '../../lambdas/local/self-watch.js';
import { recordingLog } from '../support/log.js';
import { simClock } from '../support/sim-clock.js';

describe('Vigil watching itself', () => {
  it('is due to say it recovered once what was kept is decided, and not over and over before', async () => {
    const clock = simClock();
    const published: string[] = [];
    let answers = false;
    let waiting = 0;
    const watch = new SelfWatch({
      clock,
      log: recordingLog(),
      publish: (event) => published.push(event.kind),
      pingStore: async () => {
        if (!answers) throw new Error('ETIMEDOUT');
      },
      backlog: () => ({ kept: 40, dropped: 0, waiting }),
      stackName: 'local',
    });
    watch.fault('store', 'the store did not answer');
    waiting = 40;
    clock.advance(RAISE_AFTER_MS);
    await watch.chore.run();
    expect(published).toEqual(['down']);
    // The store answers again; 40 results are still being decided: nothing to say until the next ping.
    answers = true;
    clock.advance((watch.chore.dueAt() as number) - clock.monotonicMs());
    await watch.chore.run();
    expect(watch.storeAnswers()).toBe(true);
    expect(watch.chore.dueAt()).toBe(clock.monotonicMs() + PING_MS);
    // Decided: due at once, and told once.
    waiting = 0;
    expect(watch.chore.dueAt()).toBe(0);
    await watch.chore.run();
    expect(published).toEqual(['down', 'recovered']);
    expect(watch.chore.dueAt()).toBe(clock.monotonicMs() + PING_MS);
  });
});
