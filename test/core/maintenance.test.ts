import { describe, expect, it } from 'vitest';
import { cronProblem, dependencyLevels, suppressionFor } from '../../lambdas/core/maintenance.js';
import { config } from '../support/checks.js';

const cfg = config({
  checks: [
    { id: 'db', type: 'tcp', host: 'db', port: 5432, group: 'data' },
    { id: 'api', type: 'http', url: 'https://api.example.com/', dependsOn: ['db'] },
    { id: 'web', type: 'http', url: 'https://www.example.com/', dependsOn: ['api'] },
    { id: 'cdn', type: 'http', url: 'https://cdn.example.com/' },
  ],
  maintenance: [
    { name: 'db upgrade', groups: ['data'], start: '2026-11-22T10:00:00Z', end: '2026-11-22T11:00:00Z' },
    { name: 'sunday deploys', checks: ['api'], cron: '0 2 * * SUN', duration: '2h', timezone: 'Europe/Berlin' },
  ],
});
const [db, api, web, cdn] = cfg.checks;
const none = { windows: cfg.maintenance, silence: null, downParents: [] };
const at = (iso: string) => new Date(iso);

describe('suppressionFor', () => {
  it.each([
    [db, '2026-11-22T10:30:00Z', { kind: 'maintenance', reason: 'maintenance window "db upgrade"' }],
    [db, '2026-11-22T11:00:00Z', null],
    [cdn, '2026-11-22T10:30:00Z', null],
    // 02:00-04:00 in Berlin on Sunday 2026-11-22 is 01:00-03:00 UTC.
    [api, '2026-11-22T00:59:00Z', null],
    [api, '2026-11-22T01:00:00Z', { kind: 'maintenance', reason: 'maintenance window "sunday deploys"' }],
    [api, '2026-11-22T02:59:00Z', { kind: 'maintenance', reason: 'maintenance window "sunday deploys"' }],
    [api, '2026-11-22T03:00:00Z', null],
    [api, '2026-11-23T01:30:00Z', null],
  ])('%o at %s → %o', (check, when, hold) => {
    expect(suppressionFor(check as never, at(when), none)).toEqual(hold);
  });

  it('holds alerts for a silence until it ends, and for a parent that is down', () => {
    const silence = {
      checkId: 'cdn',
      until: '2026-11-22T12:00:00Z',
      reason: 'vendor incident',
      createdAt: '2026-11-22T10:00:00Z',
    };
    expect(suppressionFor(cdn as never, at('2026-11-22T11:59:00Z'), { ...none, silence })).toEqual({
      kind: 'silence',
      reason: 'silenced until 2026-11-22T12:00:00Z: vendor incident',
    });
    expect(suppressionFor(cdn as never, at('2026-11-22T12:00:00Z'), { ...none, silence })).toBeNull();
    expect(suppressionFor(web as never, at('2026-11-22T12:00:00Z'), { ...none, downParents: ['api'] })).toEqual({
      kind: 'dependency',
      reason: 'depends on api, which is down',
    });
  });
});

describe('dependencyLevels', () => {
  it('puts parents before children', () => {
    expect(dependencyLevels(cfg.checks).map((level) => level.map((c) => c.id))).toEqual([['db', 'cdn'], ['api'], ['web']]);
  });
});

describe('cronProblem', () => {
  it.each([
    ['0 2 * * SUN', null],
    ['*/15 9-17 * * 1-5', null],
    ['0 2 * *', 'expected five cron fields (minute hour day month weekday), got "0 2 * *"'],
    ['61 * * * *', 'invalid cron "61 * * * *": Constraint error, got value 61 expected range 0-59'],
  ])('%s', (expression, problem) => {
    expect(cronProblem(expression)).toBe(problem);
  });
});
