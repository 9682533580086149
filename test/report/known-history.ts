/**
 * The history the browser test draws and checks, stated hour by hour (24 h to NOW, results every 10
 * minutes), and the config it belongs to:
 * - `api` (Public API, group Web, public): up; degraded once in hour 3; down in hours 8 and 9 (an
 *   incident, paged and resolved, a reminder held by a silence); its response time grows 10 ms an hour.
 *   Before that, one run a day for 88 days, down on the 30th of them.
 * - `web` (a name with markup in it, group Web, public): watched for 18 hours, down in its last two runs,
 *   then the monitor stopped: its incident was never closed, its state is `unknown`.
 * - `db` (Database, no group, not public): up all day.
 */
import { config } from '../support/checks.js';
import { type History, result } from '../support/history.js';

export const NOW = Date.parse('2026-11-22T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const SINCE = NOW - DAY;

export const HOSTILE_NAME = 'Website <b>&amp;</b> "shop"';
export const HOSTILE_ERROR = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';

/** The config as a user writes it. */
export const KNOWN_DOCUMENT = {
  defaults: { interval: '10m', timeout: '5s' },
  checks: [
    {
      id: 'api',
      name: 'Public API',
      type: 'http',
      url: 'https://api.example.com/health',
      group: 'Web',
      public: true,
      objectives: [{ availability: 99 }],
    },
    { id: 'web', name: HOSTILE_NAME, type: 'http', url: 'https://secret-origin.example.com/', group: 'Web', public: true },
    { id: 'db', name: 'Database', type: 'tcp', host: '10.0.0.5', port: 5432 },
  ],
};
export const knownConfig = config(KNOWN_DOCUMENT);

/** The api's response time in hour `h` of the day: what its latency points must say. */
export const apiMs = (h: number) => 100 + 10 * h;

const at = (k: number) => SINCE + k * 10 * MINUTE;
const hourOf = (k: number) => Math.floor(k / 6);

export function knownHistory(): History {
  const api = Array.from({ length: 144 }, (_, k) => {
    const h = hourOf(k);
    if (h === 8 || h === 9)
      return result('api', at(k), 'down', 5000, { kind: 'http_status', message: 'expected status 2xx, got 503' });
    return result('api', at(k), k === 18 ? 'degraded' : 'up', k === 18 ? 900 : apiMs(h));
  });
  const earlier = Array.from({ length: 88 }, (_, d) =>
    result('api', Math.floor(SINCE / DAY) * DAY - (88 - d) * DAY, d === 30 ? 'down' : 'up', 120),
  );
  const web = Array.from({ length: 108 }, (_, k) =>
    result('web', at(k), k >= 106 ? 'down' : 'up', 200, { kind: 'protocol', message: HOSTILE_ERROR }),
  );
  const db = Array.from({ length: 144 }, (_, k) => result('db', at(k), 'up', 3));
  const apiDown = new Date(at(48)).toISOString();
  const apiBack = new Date(at(60)).toISOString();
  const webDown = new Date(at(106)).toISOString();
  return {
    results: [...earlier, ...api, ...web, ...db],
    incidents: [
      {
        checkId: 'api',
        startedAt: apiDown,
        endedAt: apiBack,
        cause: { kind: 'http_status', message: 'expected status 2xx, got 503' },
        notifications: [
          { kind: 'down', at: apiDown },
          { kind: 'reminder', at: new Date(at(54)).toISOString(), heldBy: 'silence: deploy' },
          { kind: 'recovered', at: apiBack },
        ],
      },
      {
        checkId: 'web',
        startedAt: webDown,
        endedAt: null,
        cause: { kind: 'protocol', message: HOSTILE_ERROR },
        notifications: [{ kind: 'down', at: webDown }],
      },
    ],
    states: [
      { checkId: 'api', confirmed: 'up', notified: 'up', lastResultAt: new Date(at(143)).toISOString() },
      { checkId: 'web', confirmed: 'down', notified: 'down', failures: 2, lastResultAt: new Date(at(107)).toISOString() },
      { checkId: 'db', confirmed: 'up', notified: 'up', lastResultAt: new Date(at(143)).toISOString() },
    ],
  };
}
