import { describe, expect, it } from 'vitest';
import { deliver } from '../../lambdas/channels/deliver.js';
import { createPacer } from '../../lambdas/channels/pacer.js';
import { alertEvent } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { startReceiver } from '../support/servers.js';

/** A clock that only moves when someone sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('createPacer', () => {
  it('spaces calls for one key and lets other keys through', async () => {
    const time = fakeTime();
    const pacer = createPacer(time.now, time.sleep);
    const started: [string, number][] = [];
    await Promise.all([
      pacer.wait('slack', 1000).then(() => started.push(['slack', time.now()])),
      pacer.wait('slack', 1000).then(() => started.push(['slack', time.now()])),
      pacer.wait('pager', 500).then(() => started.push(['pager', time.now()])),
      pacer.wait('slack', 1000).then(() => started.push(['slack', time.now()])),
    ]);
    const slack = started.filter(([key]) => key === 'slack').map(([, at]) => at);
    expect(slack).toEqual([0, 1000, 2000]);
    expect(started).toContainEqual(['pager', expect.any(Number)]);
  });
});

describe('deliver with a pacer', () => {
  it('keeps Slack messages a second apart, retries included', async () => {
    const receiver = await startReceiver();
    try {
      receiver.respondWith({ status: 500 });
      const time = fakeTime();
      const deps = {
        fetch: globalThis.fetch,
        resolveSecret: async (ref: unknown) => String(ref),
        sleep: time.sleep,
        log: recordingLog(),
        random: () => 0.5,
        retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, requestTimeoutMs: 1000 },
        pacer: createPacer(time.now, time.sleep),
      };
      const slack = { type: 'slack' as const, webhookUrl: `${receiver.url}/hook`, minSeverity: 'info' as const };
      await deliver(alertEvent(), 'chat', slack, deps);
      await deliver(alertEvent({ kind: 'recovered', from: 'down' }), 'chat', slack, deps);
      expect(receiver.received).toHaveLength(3);
      // 500 → backoff 100 ms, then the pacer tops it up to a full second; the next message waits its second too.
      expect(time.sleeps).toEqual([100, 900, 1000]);
    } finally {
      await receiver.close();
    }
  });
});
