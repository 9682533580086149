import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseText } from '../../lambdas/config/file.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { ConfigError } from '../../lambdas/core/errors.js';
import { httpEntry, problemsOf } from '../support/checks.js';

const http = httpEntry;

describe('parseConfig: defaults', () => {
  it('fills every check field from the documented defaults', () => {
    const [check] = parseConfig({ checks: [http()] }).checks;
    expect(check).toMatchObject({
      id: 'api',
      name: 'api',
      method: 'GET',
      intervalMs: 60_000,
      timeoutMs: 10_000,
      failureThreshold: 3,
      successThreshold: 2,
      severity: 'critical',
      healthJson: false,
      maxBodyBytes: 1024 * 1024,
      channels: [],
      runbookUrl: null,
      groupWaitMs: 30_000,
      group: null,
      dependsOn: [],
    });
  });

  it('takes defaults from the config, and the check over the defaults', () => {
    const config = parseConfig({
      defaults: { interval: '30s', failureThreshold: 5, severity: 'warning' },
      channels: {
        a: { type: 'slack', webhookUrl: 'https://hooks.example/x' },
        b: { type: 'slack', webhookUrl: 'https://hooks.example/y' },
      },
      checks: [http(), http({ id: 'two', interval: '5m', failureThreshold: 1, channels: ['b'] })],
    });
    expect(config.checks[0]).toMatchObject({
      intervalMs: 30_000,
      timeoutMs: 10_000,
      failureThreshold: 5,
      severity: 'warning',
      channels: ['a', 'b'],
    });
    expect(config.checks[1]).toMatchObject({ intervalMs: 300_000, failureThreshold: 1, channels: ['b'] });
  });

  it('shortens the default timeout to a shorter interval, but not an explicit one', () => {
    expect(parseConfig({ checks: [http({ interval: '2s' })] }).checks[0]?.timeoutMs).toBe(2_000);
    expect(problemsOf({ checks: [http({ interval: '2s', timeout: '5s' })] })).toEqual([
      'checks[0].timeout: 5s is longer than the interval 2s',
    ]);
  });

  it('defaults the PagerDuty events URL and accepts every secret reference form', () => {
    const config = parseConfig({
      channels: {
        pd: { type: 'pagerduty', routingKey: { secret: 'vigil/pd' } },
        chat: { type: 'slack', webhookUrl: { env: 'SLACK_URL' } },
      },
      checks: [http({ headers: { authorization: { secret: 'vigil/token' }, 'x-plain': 'yes' } })],
    });
    expect(config.channels.pd).toEqual({
      type: 'pagerduty',
      routingKey: { secret: 'vigil/pd' },
      eventsUrl: 'https://events.pagerduty.com/v2/enqueue',
      minSeverity: 'critical',
    });
    expect(config.checks[0]).toMatchObject({ headers: { authorization: { secret: 'vigil/token' }, 'x-plain': 'yes' } });
  });
});

describe('parseConfig: check types', () => {
  it('fills tls, dns, redirect and retry defaults', () => {
    const config = parseConfig({
      checks: [
        http(),
        { id: 'cert', type: 'tls', host: 'api.example.com' },
        { id: 'name', type: 'dns', name: 'api.example.com', resolver: '127.0.0.1:5353', retries: 2, retryDelay: '200ms' },
      ],
    });
    expect(config.checks[0]).toMatchObject({
      followRedirects: true,
      maxRedirects: 5,
      crossHostRedirects: true,
      retries: 0,
      retryDelayMs: 1000,
    });
    expect(config.checks[1]).toMatchObject({ port: 443, expect: { certMinDaysRemaining: 7, certWarnDaysRemaining: 21 } });
    expect(config.checks[2]).toMatchObject({ recordType: 'A', expect: { rcode: 'NOERROR' }, retries: 2, retryDelayMs: 200 });
  });

  it('accepts status classes, ranges and every assertion operator', () => {
    const [check] = parseConfig({
      checks: [
        http({
          auth: { bearer: { env: 'API_TOKEN' } },
          expect: {
            status: [200, '3xx', '401-403'],
            bodyNotContains: 'error',
            bodyMatches: '^\\{',
            headers: [{ name: 'content-type', contains: 'json' }],
            json: [
              { path: '$.a', notEquals: 'down' },
              { path: '$.b', lt: 5 },
              { path: '$.c', gt: 1 },
              { path: '$.d', matches: '^v' },
              { path: '$.e', exists: false },
            ],
          },
        }),
      ],
    }).checks;
    expect(check).toMatchObject({ auth: { bearer: { env: 'API_TOKEN' } }, expect: { status: [200, '3xx', '401-403'] } });
  });
});

describe('parseConfig: errors name the field and what was expected', () => {
  it.each([
    [
      { checks: [http({ expect: { status: [200, 700] } })] },
      'checks[0].expect.status[1]: expected an HTTP status 100-599, got 700',
    ],
    [{ checks: [http({ id: 'API' })] }, 'checks[0].id: expected an id of 1-64 characters a-z, 0-9 and -, got "API"'],
    [{ checks: [http({ url: 'ftp://x' })] }, 'checks[0].url: expected an http(s) URL, got "ftp://x"'],
    [
      { checks: [http({ interval: '10 seconds' })] },
      'checks[0].interval: expected a duration like "500ms", "10s", "5m", got "10 seconds"',
    ],
    [{ checks: [http({ interval: '500ms' })] }, 'checks[0].interval: interval must be at least 1s, got "500ms"'],
    [{ checks: [http({ expct: {} })] }, 'checks[0].expct: unknown field (did you mean expect?)'],
    [{ checks: [http({ colour: 'red' })] }, 'checks[0].colour: unknown field'],
    [{ checks: [{ id: 'x', type: 'icmp' }] }, 'checks[0].type: expected a check with type http, tcp, tls, dns or heartbeat'],
    [{ checks: [{ id: 'db', type: 'tcp', host: 'db', port: 70000 }] }, 'checks[0].port: expected a port 1-65535'],
    [{ checks: [http({ severity: 'urgent' })] }, 'checks[0].severity: expected one of critical, warning, info'],
    [{ checks: [] }, 'checks: expected at least one check'],
    [null, '(root): the config is empty; it needs at least `checks:`'],
    [
      { channels: { s: { type: 'slack', webhookUrl: 42 } }, checks: [http()] },
      'channels.s.webhookUrl: expected a string, { secret: NAME } or { env: NAME }',
    ],
    [{ checks: [http({ failureThreshold: 0 })] }, 'checks[0].failureThreshold: expected a whole number from 1 to 100'],
    [
      { checks: [http({ expect: { status: ['2xx', '6xx'] } })] },
      'checks[0].expect.status[1]: expected an HTTP status 100-599, a class like "2xx" or a range like "200-299", got "6xx"',
    ],
    [
      { checks: [http({ expect: { status: ['299-200'] } })] },
      'checks[0].expect.status[0]: expected an HTTP status 100-599, a class like "2xx" or a range like "200-299", got "299-200"',
    ],
    [
      { checks: [http({ expect: { json: [{ path: '$.a', equals: 1, lt: 2 }] } })] },
      'checks[0].expect.json[0]: expected exactly one of equals, notEquals, lt, gt, contains, matches, exists',
    ],
    [
      { checks: [http({ expect: { json: [{ path: '$.a' }] } })] },
      'checks[0].expect.json[0]: expected exactly one of equals, notEquals, lt, gt, contains, matches, exists',
    ],
    [
      { checks: [http({ expect: { bodyMatches: '(' } })] },
      'checks[0].expect.bodyMatches: expected a regular expression in RE2 syntax (no lookaround or backreferences), got "(": error parsing regexp: missing closing ): `(`',
    ],
    [
      { checks: [http({ expect: { bodyMatches: '(?=lookahead)' } })] },
      'checks[0].expect.bodyMatches: expected a regular expression in RE2 syntax (no lookaround or backreferences), got "(?=lookahead)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    ],
    [
      { checks: [http({ auth: { digest: 'x' } })] },
      'checks[0].auth: expected { basic: { username, password } } or { bearer: TOKEN }',
    ],
    [{ checks: [http({ retries: 9 })] }, 'checks[0].retries: expected 0 to 5 retries'],
    [
      { checks: [{ id: 'd', type: 'dns', name: 'example.com', recordType: 'SRV' }] },
      'checks[0].recordType: expected one of A, AAAA, CNAME, TXT, MX',
    ],
    [
      { checks: [{ id: 'd', type: 'dns', name: 'example.com', resolver: '10.0.0.2:53:1' }] },
      'checks[0].resolver: expected "host" or "host:port"',
    ],
    [
      { checks: [{ id: 't', type: 'tls', host: 'h', expect: { certMinDaysRemaining: 30, certWarnDaysRemaining: 10 } }] },
      'checks[0].expect.certWarnDaysRemaining: 10 must not be below certMinDaysRemaining 30',
    ],
    // zod's own checks, in the same plain words as the rest.
    [{ checks: [{ id: 'a', type: 'tcp', port: 1 }] }, 'checks[0].host: required'],
    [{ checks: [{ id: 'a', type: 'tcp', host: '', port: 1 }] }, 'checks[0].host: must not be empty'],
    [{ checks: [{ id: 'a', type: 'tcp', host: 5, port: 1 }] }, 'checks[0].host: expected a string, got 5'],
    [
      { checks: [http({ method: 'FETCH' })] },
      'checks[0].method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"',
    ],
    [{ checks: [http({ maxBodyBytes: -1 })] }, 'checks[0].maxBodyBytes: expected more than 0, got -1'],
    [{ checks: [http({ maxBodyBytes: 1.5 })] }, 'checks[0].maxBodyBytes: expected a whole number, got 1.5'],
    [
      { checks: [http({ expect: { maxResponseTimeMs: 'fast' } })] },
      'checks[0].expect.maxResponseTimeMs: expected a number, got "fast"',
    ],
    [{ checks: [http({ followRedirects: 'yes' })] }, 'checks[0].followRedirects: expected true or false, got "yes"'],
    [{ checks: [http({ channels: 'ops' })] }, 'checks[0].channels: expected a list, got "ops"'],
    [{ checks: [http({ headers: ['x-a: 1'] })] }, 'checks[0].headers: expected a mapping of names to values, got a list'],
    [{ checks: 'all' }, 'checks: expected a list, got "all"'],
    [{ checks: [http({ flapping: { window: 2 } })] }, 'checks[0].flapping.window: expected at least 4, got 2'],
    [{ checks: [http({ maxRedirects: 50 })] }, 'checks[0].maxRedirects: expected at most 20, got 50'],
    [
      { checks: [http({ name: 'x'.repeat(200), id: 'A' })] },
      'checks[0].id: expected an id of 1-64 characters a-z, 0-9 and -, got "A"',
    ],
    // Durations a timer can hold, and a monitor will run.
    [{ checks: [http({ interval: '99999999999h' })] }, 'checks[0].interval: interval must be at most 1d, got "99999999999h"'],
    [{ defaults: { interval: '2d' }, checks: [http()] }, 'defaults.interval: interval must be at most 1d, got "2d"'],
    [{ checks: [http({ retryDelay: '2h' })] }, 'checks[0].retryDelay: retryDelay must be at most 1m, got "2h"'],
    [{ checks: [http({ repeatInterval: '30d' })] }, 'checks[0].repeatInterval: repeatInterval must be at most 7d, got "30d"'],
    [{ checks: [http({ repeatInterval: '200h' })] }, 'checks[0].repeatInterval: repeatInterval must be at most 7d, got "200h"'],
  ])('%j', (document, problem) => {
    expect(problemsOf(document)).toContain(problem);
  });

  it.each([
    [{ checks: [http({ dependsOn: ['api'] })] }, 'checks[0].dependsOn[0]: a check cannot depend on itself'],
    [{ checks: [http({ dependsOn: ['db'] })] }, 'checks[0].dependsOn[0]: unknown check "db"'],
    [
      { checks: [http({ dependsOn: ['b'] }), http({ id: 'b', dependsOn: ['c'] }), http({ id: 'c', dependsOn: ['api'] })] },
      'checks[0].dependsOn: dependency cycle api → b → c → api',
    ],
    [
      {
        checks: [http()],
        maintenance: [{ name: 'm', checks: ['nope'], start: '2026-11-22T10:00:00Z', end: '2026-11-22T11:00:00Z' }],
      },
      'maintenance[0].checks[0]: unknown check "nope"',
    ],
    [
      {
        checks: [http()],
        maintenance: [{ name: 'm', groups: ['edge'], start: '2026-11-22T10:00:00Z', end: '2026-11-22T11:00:00Z' }],
      },
      'maintenance[0].groups[0]: no check is in group "edge"',
    ],
    [
      { checks: [http()], maintenance: [{ name: 'm', start: '2026-11-22T10:00:00Z', end: '2026-11-22T09:00:00Z' }] },
      'maintenance[0].end: must be after start',
    ],
    [
      { checks: [http()], maintenance: [{ name: 'm', start: 'tomorrow', end: '2026-11-22T09:00:00Z' }] },
      'maintenance[0].start: expected an ISO-8601 time like 2026-11-22T02:00:00Z',
    ],
    [
      { checks: [http()], maintenance: [{ name: 'm', cron: '0 25 * * *', duration: '1h' }] },
      'maintenance[0].cron: invalid cron "0 25 * * *": Constraint error, got value 25 expected range 0-23',
    ],
    [
      { checks: [http()], maintenance: [{ name: 'm', cron: '0 2 * * *', duration: '1h', timezone: 'Mars/Olympus' }] },
      'maintenance[0].timezone: expected an IANA time zone like Europe/Berlin, got "Mars/Olympus"',
    ],
    [{ checks: [http({ flapping: { high: 0.2, low: 0.3 } })] }, 'checks[0].flapping.low: 0.3 must be below high 0.2'],
    [{ checks: [http({ repeatInterval: '1m' })] }, 'checks[0].repeatInterval: repeatInterval must be at least 5m, got "1m"'],
    [
      { channels: { m: { type: 'email', address: 'not-an-address' } }, checks: [http()] },
      'channels.m.address: expected an e-mail address',
    ],
  ])('cross-field: %j', (document, problem) => {
    expect(problemsOf(document)).toContain(problem);
  });

  it('collects every problem before failing', () => {
    const problems = problemsOf({
      checks: [http({ expect: { status: [700] } }), http({ id: 'two', url: 'nope', method: 'FETCH' })],
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/checks\[1\]\.method/);
  });

  it('refuses credentials in every URL, naming the field and never the URL or the password', () => {
    const withPassword = 'https://ops:hunter2-secret@hooks.example/x';
    const problems = problemsOf({
      heartbeatUrl: 'https://jobs:hunter2-secret@abc.lambda-url.eu-west-1.on.aws',
      channels: {
        chat: { type: 'slack', webhookUrl: withPassword },
        hook: { type: 'webhook', url: 'http://hunter2-secret@receiver.example/alerts' },
        pager: { type: 'pagerduty', routingKey: { secret: 'vigil/pd' }, eventsUrl: withPassword },
        // Not a URL either way: still not quoted, since it may hold a password.
        broken: { type: 'webhook', url: 'ftp://ops:hunter2-secret@receiver.example/' },
      },
      checks: [
        http({ url: 'https://monitor:hunter2-secret@api.example.com/health' }),
        http({ id: 'two', runbookUrl: 'https://wiki:hunter2-secret@wiki.example/runbook' }),
        http({ id: 'three', url: 'ftp://monitor:hunter2-secret@api.example.com/' }),
      ],
    });
    const refused =
      'must not carry credentials (user:password@; an http check takes them as auth: { basic }); the URL is not shown';
    expect(problems).toEqual([
      `channels.chat.webhookUrl: ${refused}`,
      `channels.hook.url: ${refused}`,
      `channels.pager.eventsUrl: ${refused}`,
      'channels.broken.url: expected an http(s) URL (not shown: it is a secret value)',
      `checks[0].url: ${refused}`,
      `checks[1].runbookUrl: ${refused}`,
      'checks[2].url: expected an http(s) URL',
      `heartbeatUrl: ${refused}`,
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('takes channel URLs by reference as they are: a resolved one is checked when it is delivered to', () => {
    const { channels } = parseConfig({
      channels: {
        chat: { type: 'slack', webhookUrl: { env: 'SLACK_URL' } },
        hook: { type: 'webhook', url: { secret: 'vigil/hook' } },
      },
      checks: [http()],
    });
    expect(channels.chat).toMatchObject({ webhookUrl: { env: 'SLACK_URL' } });
    expect(channels.hook).toMatchObject({ url: { secret: 'vigil/hook' } });
  });

  it('rejects duplicate ids, unknown channels and inverted latency thresholds', () => {
    const problems = problemsOf({
      channels: { ops: { type: 'slack', webhookUrl: 'https://hooks.example/x' } },
      checks: [http(), http({ channels: ['ops', 'pager'], expect: { maxResponseTimeMs: 500, degradedResponseTimeMs: 800 } })],
    });
    expect(problems).toEqual([
      'checks[1].id: duplicate id "api" (also checks[0])',
      'checks[1].channels[1]: unknown channel "pager" (channels: ops)',
      'checks[1].expect.degradedResponseTimeMs: 800 must be below maxResponseTimeMs 500',
    ]);
  });

  it('suggests the field meant, from the fields valid at that place and for that check type', () => {
    const problems = problemsOf({
      defualts: {},
      defaults: { Interval: '1m' },
      channels: { s: { type: 'slack', webhookURL: 'https://hooks.example/x' } },
      checks: [
        http({ timout: '5s', expect: { staus: [200] } }),
        { id: 'db', type: 'tcp', host: 'db', prot: 5432 },
        { id: 'dns', type: 'dns', name: 'example.com', expect: { staus: [200] } },
      ],
      maintenance: [{ name: 'm', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z', chekcs: [] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'defualts: unknown field (did you mean defaults?)',
        'defaults.Interval: unknown field (did you mean interval?)',
        'channels.s.webhookURL: unknown field (did you mean webhookUrl?)',
        'checks[0].timout: unknown field (did you mean timeout?)',
        'checks[0].expect.staus: unknown field (did you mean status?)',
        'checks[1].prot: unknown field (did you mean port?)',
        'maintenance[0].chekcs: unknown field (did you mean checks?)',
      ]),
    );
    // A DNS check's expect has no status: nothing close to suggest there.
    expect(problems.find((p) => p.startsWith('checks[2].expect.staus'))).toMatch(/unknown field$/);
  });

  it('reports the rules that span fields in the same pass as the field errors', () => {
    const problems = problemsOf({
      channels: { ops: { type: 'slack', webhookUrl: 'https://hooks.example/x' } },
      checks: [
        http({ method: 'FETCH' }),
        http({ interval: '10s', timeout: '20s', channels: ['pager'] }),
        http({ id: 'web', dependsOn: ['api', 'gone'] }),
      ],
    });
    expect(problems).toEqual([
      'checks[0].method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"',
      'checks[1].id: duplicate id "api" (also checks[0])',
      'checks[1].channels[0]: unknown channel "pager" (channels: ops)',
      'checks[1].timeout: 20s is longer than the interval 10s',
      'checks[2].dependsOn[1]: unknown check "gone"',
    ]);
  });

  it('still runs the rules across a check’s shared fields when one of its own fields failed', () => {
    const problems = problemsOf({
      checks: [{ id: 'db', type: 'tcp', host: 'db', port: 99999, interval: '90m', timeout: '2h', channels: ['pager'] }],
    });
    expect(problems).toEqual([
      'checks[0].port: expected a port 1-65535',
      'checks[0].channels[0]: unknown channel "pager" (channels: none defined)',
      'checks[0].timeout: 2h is longer than the interval 90m',
    ]);
  });

  it('suggests the check or channel type meant', () => {
    const problems = problemsOf({
      channels: { ops: { type: 'slak', webhookUrl: { secret: 's' } }, other: { type: 'carrier-pigeon' } },
      checks: [{ id: 'db', type: 'tpc', host: 'db', port: 5432 }],
    });
    expect(problems).toEqual([
      'channels.ops.type: expected a channel with type slack, pagerduty, webhook or email (did you mean slack?)',
      'channels.other.type: expected a channel with type slack, pagerduty, webhook or email',
      'checks[0].type: expected a check with type http, tcp, tls, dns or heartbeat (did you mean tcp?)',
    ]);
  });

  it('reports everything in one message for the CLI and synth', () => {
    expect(() => parseConfig({ checks: [http({ expect: { status: [700] } })] }, 'vigil.yaml')).toThrow(
      'invalid vigil.yaml:\n  - checks[0].expect.status[0]: expected an HTTP status 100-599, got 700',
    );
  });
});

describe('channel names', () => {
  it('treats names like constructor as ordinary channels and never finds what is not configured', () => {
    const cfg = parseConfig({
      channels: { constructor: { type: 'webhook', url: 'https://hooks.example/c' } },
      checks: [{ id: 'a', type: 'tcp', host: 'h', port: 1, channels: ['constructor'] }],
    });
    expect(cfg.channels.constructor).toMatchObject({ type: 'webhook' });
    expect(cfg.checks[0]?.channels).toEqual(['constructor']);
    expect(() =>
      parseConfig({
        channels: { ops: { type: 'webhook', url: 'https://hooks.example/o' } },
        checks: [{ id: 'a', type: 'tcp', host: 'h', port: 1, channels: ['hasOwnProperty', 'toString'] }],
      }),
    ).toThrow(
      /checks\[0\]\.channels\[0\]: unknown channel "hasOwnProperty".*\n.*checks\[0\]\.channels\[1\]: unknown channel "toString"/,
    );
  });
});

describe('loadConfigFile', () => {
  it.each([
    ['/nonexistent/vigil.yaml', 'file not found'],
    [tmpdir(), 'is a directory, not a file'],
  ])('says why %s cannot be read', (path, reason) => {
    expect(() => loadConfigFile(path)).toThrow(`invalid ${path}:\n  - ${path}: ${reason}`);
  });

  it('inlines only PEM certificates as CA files, for each check type that names one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cafile-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----\n');
    const write = (ca: string) => {
      const path = join(dir, 'vigil.yaml');
      writeFileSync(
        path,
        `checks:\n  - { id: a, type: http, url: "https://h/", tls: { caFile: ${ca} } }\n  - { id: b, type: tls, host: h, caFile: ${ca} }\n`,
      );
      return path;
    };
    const loaded = loadConfigFile(write('ca.pem'));
    expect(loaded.config.checks.map((c) => (c.type === 'http' ? c.tls?.ca : c.type === 'tls' ? c.ca : null))).toEqual([
      expect.stringContaining('BEGIN CERTIFICATE'),
      expect.stringContaining('BEGIN CERTIFICATE'),
    ]);
    const refused = () => loadConfigFile(write('id_rsa'));
    expect(refused).toThrow('checks[0].tls.caFile: "id_rsa" is not a PEM certificate');
    expect(refused).toThrow('checks[1].caFile: "id_rsa" is not a PEM certificate');
    expect(refused).not.toThrow('secret');
  });
});

describe('parseText', () => {
  it('reads YAML and JSON alike', () => {
    expect(parseText('checks:\n  - { id: a, type: tcp, host: h, port: 1 }\n', 'f')).toEqual({
      checks: [{ id: 'a', type: 'tcp', host: 'h', port: 1 }],
    });
    expect(parseText('{"checks": []}', 'f')).toEqual({ checks: [] });
  });

  it('names the line and column of a syntax error, once', () => {
    expect(() => parseText('checks:\n  - id: a\n   type: http\n', 'vigil.yaml')).toThrow(
      /^invalid vigil\.yaml:\n {2}- line 3, column 4: bad indentation of a sequence entry$/,
    );
  });

  it('refuses a YAML alias bomb as a config error, without expanding it, and takes small honest aliases', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    // 729 values: aliases a config might really use.
    expect(() => parseText(bomb, 'vigil.yaml')).not.toThrow();
    // Nine levels of nine: 387 million values once expanded.
    const billion = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(() => parseText(billion, 'vigil.yaml')).toThrow(ConfigError);
    expect(() => parseText(billion, 'vigil.yaml')).toThrow(
      'its aliases expand to more than 1,000,000 values: refused as a resource exhaustion attack',
    );
  });

  it('rejects duplicate keys, which YAML would otherwise silently merge', () => {
    expect(() => parseText('defaults: {}\ndefaults: {}\n', 'f')).toThrow(/line 2/);
  });
});
