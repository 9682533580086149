import { describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { LoopLag } from '../../lambdas/checks/shared/loop-lag.js';
import { renderCheckReport } from '../../lambdas/cli/table.js';
import { summarize } from '../../lambdas/core/summary.js';
import { httpCheck, plainContext } from '../support/checks.js';
import { startHttp } from '../support/servers.js';

/** Keeps the event loop busy for `ms`, as a burst of other probes' callbacks or the JIT would. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopLag', () => {
  it('reports how late the loop ran while something was in flight, and nothing from before it began', async () => {
    const lag = new LoopLag();
    const first = lag.begin();
    await tick(20);
    stall(150);
    await tick(20);
    const second = lag.begin();
    await tick(30);
    // The first saw the 150 ms stall; the second began after it. (Bounds leave room for a busy test machine.)
    expect(lag.end(second)).toBeLessThan(50);
    expect(lag.end(first)).toBeGreaterThanOrEqual(130);
  });

  it('flags a probe timed through a stalled loop: its timings are Vigil’s as much as the target’s', async () => {
    const target = await startHttp((_req, res) => setTimeout(() => res.writeHead(200).end('ok'), 30));
    try {
      const check = httpCheck({ url: `${target.url}/` });
      const quiet = await runCheck(check, plainContext);
      expect(quiet.loopLagMs).toBeLessThan(50);
      // The answer arrives while the loop is busy elsewhere: it is read late.
      const pending = runCheck(check, plainContext);
      await tick(10);
      stall(150);
      const slowed = await pending;
      expect(slowed.loopLagMs).toBeGreaterThanOrEqual(130);
      expect(slowed.timings.totalMs).toBeGreaterThanOrEqual(150);
      expect(renderCheckReport(summarize([slowed]))).toMatch(/timed under \d+(\.\d)? ms of event-loop lag/);
      expect(renderCheckReport(summarize([{ ...quiet, loopLagMs: 2 }]))).not.toContain('event-loop lag');
    } finally {
      await target.close();
    }
  });
});
