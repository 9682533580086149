import { describe, expect, it } from 'vitest';
import { bodyFailure, headerFailure, jsonFailure, operatorFailure, statusFailure } from '../../lambdas/checks/http/assertions.js';

describe('statusFailure', () => {
  it.each([
    [200, undefined, null],
    [299, undefined, null],
    [301, undefined, 'expected status 2xx, got 301'],
    [404, [200, 404], null],
    [503, ['2xx', '300-399'], 'expected status 2xx, 300-399, got 503'],
    [302, ['300-399'], null],
    [199, ['1xx'], null],
  ] as const)('%i against %j', (status, accepted, failure) => {
    expect(statusFailure(status, accepted as never)).toBe(failure);
  });

  it('mentions Retry-After when the server sent one', () => {
    expect(statusFailure(429, undefined, '30')).toBe('expected status 2xx, got 429 (Retry-After: 30)');
  });
});

describe('operatorFailure', () => {
  it.each([
    [{ equals: 'ok' }, true, 'ok', null],
    [{ equals: 1 }, true, '1', '$.x expected 1, got "1"'],
    [{ notEquals: 'down' }, true, 'up', null],
    [{ notEquals: 'down' }, true, 'down', '$.x must not be "down"'],
    [{ lt: 100 }, true, 42, null],
    [{ lt: 100 }, true, 100, '$.x expected < 100, got 100'],
    [{ gt: 0 }, true, 'many', '$.x expected a number, got "many"'],
    [{ gt: 0 }, true, 3, null],
    [{ contains: 'db' }, true, ['cache', 'db'], null],
    [{ contains: 'db' }, true, 'postgres-db-1', null],
    [{ contains: 'db' }, true, 'cache', '$.x expected to contain "db", got "cache"'],
    [{ matches: '^v\\d+\\.' }, true, 'v2.1', null],
    [{ matches: '^v\\d+\\.' }, true, 'dev', '$.x expected to match /^v\\d+\\./, got "dev"'],
    [{ exists: true }, false, undefined, '$.x not found'],
    [{ exists: false }, false, undefined, null],
    [{ exists: false }, true, 'x', '$.x present ("x"), expected it absent'],
    [{ equals: 'ok' }, false, undefined, '$.x not found'],
  ])('%j on %j/%j', (operator, present, actual, failure) => {
    expect(operatorFailure('$.x', operator, present, actual)).toBe(failure);
  });
});

describe('jsonFailure, headerFailure, bodyFailure', () => {
  it('walks JSONPath into arrays and objects', () => {
    const body = '{"checks":[{"name":"db","latencyMs":12},{"name":"cache","latencyMs":950}]}';
    expect(jsonFailure(body, [{ path: '$.checks[0].latencyMs', lt: 100 }])).toBeNull();
    expect(jsonFailure(body, [{ path: '$.checks[1].latencyMs', lt: 100 }])).toBe('$.checks[1].latencyMs expected < 100, got 950');
    expect(jsonFailure('', [{ path: '$.a', exists: true }])).toBe('body is empty, expected JSON');
    expect(jsonFailure('\u00ff\u00fe<', [{ path: '$.a', exists: true }])).toBe('body is not valid JSON');
  });

  it('reads headers case-insensitively', () => {
    const headers = { 'content-type': 'application/json; charset=utf-8', 'x-version': '2.4.1' };
    expect(headerFailure(headers, [{ name: 'Content-Type', contains: 'json' }])).toBeNull();
    expect(headerFailure(headers, [{ name: 'X-Version', matches: '^3\\.' }])).toBe(
      'header X-Version expected to match /^3\\./, got "2.4.1"',
    );
    expect(headerFailure(headers, [{ name: 'strict-transport-security', exists: true }])).toBe(
      'header strict-transport-security not found',
    );
  });

  it.each([
    ['all good', { bodyContains: 'good' }, null],
    ['', { bodyContains: 'good' }, 'body is empty, expected it to contain "good"'],
    ['Error: stack overflow', { bodyNotContains: 'Error' }, 'body contains "Error"'],
    ['version 2.4.1', { bodyMatches: 'version \\d+\\.\\d+' }, null],
    ['version two', { bodyMatches: 'version \\d+' }, 'body does not match /version \\d+/'],
  ])('body %j with %j', (body, expectation, failure) => {
    expect(bodyFailure(body, expectation)).toBe(failure);
  });
});
