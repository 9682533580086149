import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../lambdas/config/file.js';
import { start, vigil, waitFor } from '../support/cli.js';
import { type Receiver, type Running, startHttp, startReceiver } from '../support/servers.js';
import { simMonitor } from '../support/sim-monitor.js';

let target: Running;
let slack: Receiver;
let pagerduty: Receiver;
let dir: string;
let configPath: string;

beforeAll(async () => {
  target = await startHttp((_req, res) => res.writeHead(503).end());
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
  dir = mkdtempSync(join(tmpdir(), 'vigil-alerting-'));
  configPath = join(dir, 'vigil.yaml');
  writeFileSync(
    configPath,
    `
defaults: { interval: 1s, timeout: 500ms, failureThreshold: 2 }
channels:
  chat: { type: slack, webhookUrl: "${slack.url}/hook" }
  pager: { type: pagerduty, routingKey: key, eventsUrl: "${pagerduty.url}/v2/enqueue" }
checks:
  - { id: api, name: Test API, type: http, url: "${target.url}/" }
`,
  );
});
afterAll(() => Promise.all([target.close(), slack.close(), pagerduty.close()]));

describe('vigil preview', () => {
  it('prints the payload each routed channel would get, and sends nothing', async () => {
    const down = await vigil(['preview', '--check', 'api', '--kind', 'down', '--config', configPath]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('── chat (slack)');
    expect(down.stdout).toContain('── pager (pagerduty)');
    expect(down.stdout).toContain('"event_action": "trigger"');
    const degraded = await vigil(['preview', '--check', 'api', '--kind', 'degraded', '--config', configPath]);
    expect(degraded.stdout).toContain('── chat (slack)');
    expect(degraded.stdout).not.toContain('pager');
    expect(slack.received).toEqual([]);
    expect((await vigil(['preview', '--check', 'api', '--kind', 'exploded', '--config', configPath])).stderr).toContain(
      '--kind: expected one of down, degraded, recovered, reminder, flapping, test, burn, got "exploded"',
    );
  });

  it.each([
    ['db', 'connection refused by 127.0.0.1 (example)'],
    ['cert', 'certificate expires in 6 days'],
    ['name', 'response NXDOMAIN, expected NOERROR (example)'],
  ])('previews the %s check with an error its own type would give', async (id, error) => {
    const typed = join(dir, 'typed.yaml');
    writeFileSync(
      typed,
      `channels: { chat: { type: slack, webhookUrl: "${slack.url}/hook" } }
checks:
  - { id: db, type: tcp, host: 127.0.0.1, port: 5432 }
  - { id: cert, type: tls, host: 127.0.0.1 }
  - { id: name, type: dns, name: example.com }
`,
    );
    const preview = await vigil(['preview', '--check', id, '--kind', 'down', '--config', typed]);
    expect(preview).toMatchObject({ code: 0, stderr: '' });
    expect(preview.stdout).toContain(error);
    expect(preview.stdout).not.toContain('expected status 2xx');
  });
});

describe('vigil silence and vigil incidents', () => {
  it('holds a silenced outage, records it on the incident, and lists it', async () => {
    const data = join(dir, 'data');
    const silenced = await vigil([
      'silence',
      '--check',
      'api',
      '--for',
      '1h',
      '--reason',
      'planned failover',
      '--config',
      configPath,
      '--data',
      data,
    ]);
    // Whole result compared, so a failure shows stderr too.
    expect(silenced).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^api: alerts held for 1h, until \S+ \(planned failover\)\n$/),
      stderr: '',
    });

    // The monitor in-process on simulated time; what it records is read back by the real executable.
    const monitor = await simMonitor(loadConfigFile(configPath).config, { dataDir: data });
    await monitor.run(3_500);
    await monitor.close();
    expect(monitor.out.filter((line) => / api down 503 /.test(line))).toHaveLength(4);
    // The monitor says what it held, and why, once.
    expect(monitor.out.filter((line) => line.startsWith('HELD '))).toEqual([
      expect.stringMatching(/^HELD down of api: silenced until \S+: planned failover$/),
    ]);
    expect(slack.received).toEqual([]);
    expect(pagerduty.received).toEqual([]);

    const listed = await vigil(['incidents', '--config', configPath, '--data', data, '--json']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const [incident] = JSON.parse(listed.stdout).incidents;
    expect(incident).toMatchObject({
      checkId: 'api',
      endedAt: null,
      cause: { kind: 'http_status', message: 'expected status 2xx, got 503' },
      notifications: [{ kind: 'down', heldBy: expect.stringMatching(/^silenced until .+: planned failover$/) }],
    });
    // The silence can be seen, and lifted.
    const listed2 = await vigil(['silence', '--list', '--config', configPath, '--data', data]);
    expect(listed2.stdout).toMatch(/^CHECK\s+UNTIL\s+SINCE\s+REASON\napi\s+\S+\s+\S+\s+planned failover\n$/);
    expect((await vigil(['silence', '--lift', 'api', '--config', configPath, '--data', data])).stdout).toBe(
      'api: 1 silence lifted; alerts flow again\n',
    );
    expect((await vigil(['silence', '--list', '--config', configPath, '--data', data])).stdout).toBe('no silences in force\n');
    // Ongoing while the last look is under two intervals old (simulated time runs ahead of the clock),
    // unknown after: test/cli/pages.test.ts pins down which when.
    const table = await vigil(['incidents', '--config', configPath, '--data', data]);
    expect(table.stdout).toMatch(
      /^CHECK\s+STARTED\s+ENDED\s+DURATION\s+CAUSE\s+NOTIFICATIONS\napi\s+\S+\s+(ongoing\s+\d+s|unknown: not watched since \S+\s+\d+s\+)\s+http_status: expected status 2xx, got 503\s+down \(held\)\n$/,
    );
  });

  it('reads and silences through a monitor that holds the data folder; a second monitor is refused', async () => {
    const data = join(dir, 'busy');
    const monitor = start(['monitor', '--config', configPath, '--data', data]);
    try {
      await waitFor('two failing results', () => (monitor.stdout().match(/ api down 503 /g) ?? []).length >= 2);
      const silenced = await vigil([
        'silence',
        '--check',
        'api',
        '--for',
        '1h',
        '--reason',
        'r',
        '--config',
        configPath,
        '--data',
        data,
      ]);
      expect(silenced).toMatchObject({ code: 0, stderr: '' });
      const report = await vigil(['report', '--config', configPath, '--data', data, '--json']);
      expect(report).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(report.stdout).checks[0].runs).toBeGreaterThanOrEqual(2);
      const second = await vigil(['monitor', '--config', configPath, '--data', data]);
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(
        `data folder ${join(data, 'dynamodb')} is in use by another vigil process (a running vigil monitor?)`,
      );
    } finally {
      monitor.child.kill('SIGTERM');
      await monitor.finished;
    }
    // The silence went into the monitor's own store: it is there after the monitor stopped.
    const listed = await vigil(['incidents', '--config', configPath, '--data', data, '--json']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
  });
});

/**
 * Records what `vigil monitor` would, on simulated time, for one check every second on a target that
 * fails every `failEvery`-th request; the config's path and the data folder.
 */
async function recordFlaky(id: string, failEvery: number, ms: number, extraFields: string) {
  let request = 0;
  const flaky = await startHttp((_req, res) => res.writeHead(++request % failEvery === 0 ? 503 : 200).end());
  const path = join(dir, `${id}.yaml`);
  writeFileSync(
    path,
    `checks:\n  - { id: ${id}, type: http, url: "${flaky.url}/", interval: 1s, timeout: 500ms${extraFields} }\n`,
  );
  const data = join(dir, `${id}-data`);
  try {
    const monitor = await simMonitor(loadConfigFile(path).config, { dataDir: data });
    await monitor.run(ms);
    await monitor.close();
  } finally {
    await flaky.close();
  }
  return { path, data };
}

describe('vigil report', () => {
  it('reports uptime, latency and incidents from what monitor recorded, as JSON, Markdown and HTML', async () => {
    const data = join(dir, 'report-data');
    const monitor = await simMonitor(loadConfigFile(configPath).config, { dataDir: data });
    await monitor.run(2_500);
    await monitor.close();

    const json = await vigil(['report', '--config', configPath, '--data', data, '--json', '--period', '7d']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const [row] = JSON.parse(json.stdout).checks;
    expect(row).toMatchObject({ checkId: 'api', uptimePercent: 0, incidents: 1, latencyMs: { p50: null } });
    expect(row.runs).toBeGreaterThanOrEqual(3);

    const markdown = await vigil(['report', '--config', configPath, '--data', data, '--markdown']);
    expect(markdown.stdout).toMatch(
      /^# Vigil report: 24h to .+\n\n\| check \| state \| last checked \| runs \| uptime \|.*\n\|---\|/,
    );
    // Before the monitor started nothing watched: the report says so.
    expect(markdown.stdout).toMatch(/\| api \| (down|unknown) \| \d+s ago \| \d+ \| 0% \| - \| - \| - \| 1 \| \d+s \|/);
    expect(markdown.stdout).toMatch(/\n- not watched: api \S+ to \S+ \(.+, counted neither up nor down\)/);

    const file = join(dir, 'report.html');
    expect((await vigil(['report', '--config', configPath, '--data', data, '--html', file])).stdout).toBe(
      `report written to ${file}\n`,
    );
    expect(readFileSync(file, 'utf8')).toMatch(
      /<article class="card check" id="check-api" data-check="api" data-state="(down|unknown)">/,
    );

    expect((await vigil(['report', '--config', configPath, '--data', data, '--period', '1y'])).stderr).toContain(
      '--period: expected 24h, 7d or 30d, got "1y"',
    );
    const unwritable = await vigil(['report', '--config', configPath, '--data', data, '--html', '/nonexistent/dir/report.html']);
    expect(unwritable).toMatchObject({ code: 2, stderr: 'vigil: --html: cannot write /nonexistent/dir/report.html: ENOENT\n' });
  });

  it('shows uptime cut to two decimals, not rounded', async () => {
    // Down one run in three: 66.666…% up.
    const { path: flakyConfig, data } = await recordFlaky('flaky', 3, 5_500, '');
    const table = await vigil(['report', '--config', flakyConfig, '--data', data]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/\nflaky\s+\w+\s+\d+s ago\s+6\s+66\.66%\s/);
  });

  it('reports each objective: attainment, budget left, burn rates and when the budget runs out', async () => {
    // Down one run in four, every second: a 25% failure rate against a 1% budget burns at 25×.
    const objectives = ', objectives: [{ availability: 99, window: 1h }, { latency: { percent: 90, under: 5s } }]';
    const { path, data } = await recordFlaky('slo', 4, 7_500, objectives);
    const json = await vigil(['report', '--config', path, '--data', data, '--json']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const [availability, latency] = JSON.parse(json.stdout).checks[0].objectives;
    // 8 runs, 2 down; an hour at 1 s allows 36 failures.
    expect(availability).toMatchObject({
      objective: 'availability 99% over 1h',
      runs: 8,
      failedRuns: 2,
      attainmentPercent: 75,
      failedRunsLeft: 34,
      budgetRemainingPercent: 94.4,
    });
    // Burn rates count the runs the schedule makes in each window: 8 seconds of runs are 2 failures in
    // 300 runs over 5 minutes (0.67× a 1 % budget), in 3,600 over the hour.
    expect(availability.burnRates).toMatchObject({ '5m': 0.67, '1h': 0.06 });
    expect(Date.parse(availability.exhaustedAt)).toBeGreaterThan(Date.now());
    // A down run is availability's to count: the latency objective counts the 6 answered runs, all fast
    // (fewer when this busy machine timed some under event-loop lag: those say nothing of the target).
    expect(latency).toMatchObject({ objective: '90% under 5s over 30d', failedRuns: 0, burnRates: { '5m': 0 } });
    expect(latency.runs).toBeGreaterThan(0);
    expect(latency.runs).toBeLessThanOrEqual(6);

    const table = await vigil(['report', '--config', path, '--data', data]);
    expect(table.stdout).toMatch(/\nCHECK\s+OBJECTIVE\s+ATTAINED\s+BUDGET LEFT\s+BURN 5M \/ 1H \/ 6H \/ 3D\s+RUNS OUT\n/);
    expect(table.stdout).toMatch(
      /\nslo\s+availability 99% over 1h\s+75%\s+94\.4% \(34 more failed runs\)\s+0\.67 \/ 0\.06 \/ 0\.01 \/ 0\s+20\d\d-/,
    );

    const validated = await vigil(['validate', '--config', path]);
    expect(validated).toMatchObject({ code: 0, stderr: '' });
    // What each burn alert takes, at one run a second: the workbook's windows scaled to the hour.
    expect(validated.stdout).toContain(
      '  slo: availability 99% over 1h: pages at 3 failed runs in 5s (still burning over the last 1s), pages at 3 failed runs in 30s (still burning over the last 3s), warns at 4 failed runs in 6m (still burning over the last 30s)',
    );
    const preview = await vigil(['preview', '--check', 'slo', '--kind', 'burn', '--config', path]);
    expect(preview).toMatchObject({ code: 0, stderr: '' });
    expect(preview.stdout).toMatch(/^slo: availability 99% over 1h: pages at 3 failed runs in 5s /);
    expect(preview.stdout).toContain('no channel takes a critical burn alert for slo');
    const tight = join(dir, 'tight.yaml');
    writeFileSync(
      tight,
      `checks:\n  - { id: rare, type: tcp, host: 127.0.0.1, port: 1, interval: 1h, objectives: [{ availability: 99.9 }] }\n`,
    );
    expect((await vigil(['validate', '--config', tight])).stderr).toBe(
      'warning: rare: availability 99.9% over 30d allows 0.7 failed runs at one run every 1h: a single failure spends 100% of the budget; run the check more often, lengthen the window or lower the target\n',
    );
  });

  it('refuses a data folder filled by another config, or one nothing was recorded in, instead of answering empty', async () => {
    const data = join(dir, 'report-data');
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'checks:\n  - { id: something-else, type: tcp, host: 127.0.0.1, port: 1 }\n');
    const wrong = await vigil(['report', '--config', other, '--data', data]);
    expect(wrong).toMatchObject({ code: 2, stdout: '' });
    expect(wrong.stderr).toBe(
      `vigil: ${data} holds checks api; this config has something-else: pass the --config that filled it\n`,
    );
    const empty = await vigil(['incidents', '--config', configPath, '--data', join(dir, 'nothing-here')]);
    expect(empty).toMatchObject({ code: 2, stdout: '' });
    expect(empty.stderr).toContain('nothing has been recorded there');
  });

  it('says AWS refused, without a stack, when a deployed table cannot be reached', async () => {
    // No credentials and no instance metadata: the SDK gives up before any request leaves the machine.
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
    };
    const { code, stderr } = await vigil(['incidents', '--config', configPath, '--table', 'vigil-results'], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^vigil: AWS request failed: CredentialsProviderError: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
