import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigil } from '../support/cli.js';
import { type Running, refusedPort, startHttp } from '../support/servers.js';

let target: Running;
let dir: string;
let refused: number;

beforeAll(async () => {
  target = await startHttp((req, res) => {
    if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    else if (req.url === '/failing') res.writeHead(503).end('{"status":"unhealthy"}');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('{"status":"healthy"}'), 400);
    else if (req.url === '/wrong-body') res.writeHead(200).end('{"status":"maintenance"}');
    else res.writeHead(404).end();
  });
  refused = await refusedPort();
  dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
});
afterAll(() => target.close());

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('vigil check --json', () => {
  it('classifies healthy, failing, slow, wrong-body and refused targets per the contract', async () => {
    const path = writeConfig(
      'mixed.yaml',
      `
defaults: { timeout: 2s }
checks:
  - { id: healthy, type: http, url: "${target.url}/health", healthJson: true }
  - { id: failing, type: http, url: "${target.url}/failing", expect: { status: [200] } }
  - { id: slow, type: http, url: "${target.url}/slow", expect: { maxResponseTimeMs: 1500, degradedResponseTimeMs: 200 } }
  - { id: wrong-body, type: http, url: "${target.url}/wrong-body", expect: { json: [{ path: $.status, equals: healthy }] } }
  - { id: refused, type: http, url: "http://127.0.0.1:${refused}/" }
  - { id: refused-tcp, type: tcp, host: 127.0.0.1, port: ${refused} }
`,
    );
    const { code, stdout } = await vigil(['check', '--config', path, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const byId = Object.fromEntries(report.results.map((r: { checkId: string }) => [r.checkId, r]));
    expect(Object.keys(byId)).toEqual(['healthy', 'failing', 'slow', 'wrong-body', 'refused', 'refused-tcp']);
    expect(byId.healthy).toMatchObject({ status: 'up', error: null, httpStatus: 200 });
    expect(byId.failing).toMatchObject({
      status: 'down',
      error: { kind: 'http_status', message: 'expected status 200, got 503' },
      httpStatus: 503,
    });
    expect(byId.slow).toMatchObject({ status: 'degraded', error: null, httpStatus: 200 });
    expect(byId['wrong-body']).toMatchObject({
      status: 'down',
      error: { kind: 'assertion', message: '$.status expected "healthy", got "maintenance"' },
    });
    expect(byId.refused).toMatchObject({ status: 'down', error: { kind: 'connect_refused' }, httpStatus: null });
    expect(byId['refused-tcp']).toMatchObject({ status: 'down', error: { kind: 'connect_refused' } });
    expect(report.summary).toEqual({ up: 1, degraded: 1, down: 4 });

    const timings = byId.healthy.timings;
    expect(Object.keys(timings)).toEqual(['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs', 'totalMs']);
    expect(timings).toMatchObject({ dnsMs: null, tlsMs: null });
    expect(timings.totalMs).toBeGreaterThan(0);
    expect(byId.slow.timings.totalMs).toBeGreaterThanOrEqual(400);
    expect(new Date(byId.healthy.startedAt).toISOString()).toBe(byId.healthy.startedAt);
  });

  it('exits 0 when everything is up or degraded, and --only picks checks', async () => {
    const path = writeConfig(
      'ok.yaml',
      `checks:\n  - { id: a, type: http, url: "${target.url}/health" }\n  - { id: b, type: http, url: "${target.url}/failing" }\n`,
    );
    const { code, stdout } = await vigil(['check', '--config', path, '--json', '--only', 'a']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).results.map((r: { checkId: string }) => r.checkId)).toEqual(['a']);
    const both = await vigil(['check', '--config', path, '--json', '--only', 'a,b']);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.stdout).results.map((r: { checkId: string }) => r.checkId)).toEqual(['a', 'b']);
  });

  it('prints a readable table by default', async () => {
    const path = writeConfig('table.yaml', `checks:\n  - { id: api, type: http, url: "${target.url}/failing" }\n`);
    const { code, stdout } = await vigil(['check', '--config', path]);
    expect(code).toBe(1);
    // A machine busy with other tests may make the probe's own event loop late: the table then says so.
    expect(stdout).toMatch(
      /^CHECK\s+STATUS\s+HTTP\s+TOTAL\s+DETAIL\napi\s+down\s+503\s+[\d.]+ ms\s+http_status: expected status 2xx, got 503( · timed under [\d.]+ ms of event-loop lag)?\n\n0 up, 0 degraded, 1 down\n$/,
    );
  });
});

describe('bad config and usage exit 2 with a message, never a stack trace', () => {
  it.each([
    [['validate', '--config', 'BAD'], 'checks[0].expect.status[0]: expected an HTTP status 100-599, got 700'],
    [['check', '--config', 'BAD'], 'checks[0].expect.status[0]: expected an HTTP status 100-599, got 700'],
    [['check', '--config', '/nonexistent/vigil.yaml'], '/nonexistent/vigil.yaml: file not found'],
    [['check', '--frobnicate'], 'vigil: unknown option --frobnicate\n'],
    [['check', '--jsn'], 'vigil: unknown option --jsn (did you mean --json?)'],
    [['check', '--config'], 'vigil: option --config needs a value'],
    [
      ['monitor', '--json'],
      'vigil: monitor does not take --json; it takes [--config F] [--data DIR] [--retention 30d] [--listen HOST:PORT] [--metrics HOST:PORT] [--location NAME[,NAME…]] [--allow-missing-secrets]',
    ],
    [['launch'], 'unknown command "launch"'],
    [['repot'], 'vigil: unknown command "repot" (did you mean report?)'],
    [['test-alert', '--config', 'OK'], 'test-alert needs --channel NAME'],
    [['check', '--config', 'OK', '--only', 'nope'], '--only names unknown check "nope"'],
    [['cost', '--config', 'OK', '--memory', '100'], '--memory: expected a whole number of MB from 128 to 10240, got "100"'],
  ])('vigil %j', async (args, message) => {
    const bad = writeConfig('bad.yaml', 'checks:\n  - { id: a, type: http, url: "http://x", expect: { status: [700] } }\n');
    const ok = writeConfig('valid.yaml', 'checks:\n  - { id: a, type: tcp, host: 127.0.0.1, port: 1 }\n');
    const { code, stderr } = await vigil(args.map((a) => (a === 'BAD' ? bad : a === 'OK' ? ok : a)));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('validate lists every problem at once: typos with a suggestion, field errors and the rules across fields', async () => {
    const path = writeConfig(
      'many.yaml',
      `checks:
  - { id: a, type: http, url: "http://x", timout: 5s, expect: { status: [700] } }
  - { id: a, type: tcp, host: 127.0.0.1, port: 1, interval: 5s, timeout: 10s }
`,
    );
    const { code, stdout, stderr } = await vigil(['validate', '--config', path]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      `vigil: invalid ${path}:
  - checks[0].expect.status[0]: expected an HTTP status 100-599, got 700
  - checks[0].timout: unknown field (did you mean timeout?)
  - checks[1].id: duplicate id "a" (also checks[0])
  - checks[1].timeout: 10s is longer than the interval 5s
`,
    );
  });

  it('cost prices the config’s stack, beside CloudWatch Synthetics and Route 53', async () => {
    const path = writeConfig(
      'priced.yaml',
      `checks:\n${Array.from({ length: 100 }, (_, i) => `  - { id: c${i}, type: http, url: "https://a${i}.example.com/" }`).join('\n')}\n`,
    );
    const table = await vigil(['cost', '--config', path]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toContain(`Estimated AWS bill of ${path}: 100 checks, 4,380,000 runs a month`);
    expect(table.stdout).toMatch(/CloudWatch metrics\s+200 custom metrics\s+\$60\.00/);
    expect(table.stdout).toMatch(/per check-month: \$0\.(6\d|7[0-2])\n/);
    expect(table.stdout).toMatch(/KMS keys\s+2 keys .*\$2\.00/);
    expect(table.stdout).toContain('CloudWatch Synthetics (one canary run per check run): $5,256 a month ($52.56 per check)');
    // What drives it, and what another choice would cost.
    expect(table.stdout).toMatch(/what drives it:\n {2}metrics: \$60\.\d\d of \$\d+\.\d\d \(\d+%\)\n/);
    expect(table.stdout).toMatch(/stored results: \$\d+\.\d\d of \$\d+\.\d\d \(\d+%; 1m intervals make 100% of the runs\)/);
    expect(table.stdout).toMatch(/every check at most every 5 minutes: \$\d+\.\d\d a month \(\$0\.\d\d per check-month\)/);
    expect(table.stdout).not.toContain('checks faster than a minute');
    const json = await vigil(['cost', '--config', path, '--json', '--memory', '512']);
    const estimate = JSON.parse(json.stdout);
    expect(estimate.checks).toBe(100);
    expect(estimate.lines.find((l: { item: string }) => l.item === 'Lambda compute').usage).toContain('at 512 MB');
    expect(estimate.drivers[0]).toMatchObject({ driver: 'metrics' });
    expect(estimate.alternatives.map((a: { change: string }) => a.change)).toEqual([
      'every check at most every 5 minutes',
      'probe memory 256 MB (--memory 256)',
      'probe memory 1024 MB (--memory 1024)',
    ]);
  });

  it('validate says what it found in a good config', async () => {
    const path = writeConfig('good.yaml', 'checks:\n  - { id: a, type: tcp, host: 127.0.0.1, port: 1 }\n');
    const { code, stdout } = await vigil(['validate', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${path}: valid (1 check, 0 channels)\n`);
  });

  it('names secrets the config needs and the environment lacks: a warning at validate, a refusal at monitor', async () => {
    const path = writeConfig(
      'secrets.yaml',
      [
        'channels:',
        '  ops: { type: slack, webhookUrl: { env: OPS_SLACK_URL } }',
        '  pd: { type: pagerduty, routingKey: { secret: vigil/pd } }',
        'checks:',
        '  - { id: a, type: tcp, host: 127.0.0.1, port: 1 }',
        '',
      ].join('\n'),
    );
    const validated = await vigil(['validate', '--config', path], { OPS_SLACK_URL: '' });
    expect(validated.code).toBe(0);
    expect(validated.stderr).toBe(
      'warning: channels.ops.webhookUrl: environment variable OPS_SLACK_URL is not set\n' +
        'warning: channels.pd.routingKey: secret vigil/pd is not available locally: set VIGIL_SECRET_VIGIL_PD\n',
    );
    const refused = await vigil(['monitor', '--config', path, '--data', join(dir, 'never')], { OPS_SLACK_URL: 'http://x' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'channels.pd.routingKey: secret vigil/pd is not available locally: set VIGIL_SECRET_VIGIL_PD',
    );
    expect(refused.stderr).not.toContain('OPS_SLACK_URL');
  });

  it('prints its version, and each command its own usage', async () => {
    expect(await vigil(['--version'])).toEqual({ code: 0, stdout: 'vigil 0.1.0\n', stderr: '' });
    const help = await vigil(['silence', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toBe(
      "usage: vigil silence --check ID --for DURATION --reason TEXT | --list [--check ID] | --lift ID [--config F] [--data DIR | --table NAME]\n\nhold a check's alerts; --list those in force; --lift ends a check's\n",
    );
  });
});
