/** Assertions as data, judged by pure functions: each returns null when it holds, or why it failed. */
import { JSONPath } from 'jsonpath-plus';
import { safeTest } from '../../core/safe-regex.js';
import { type HeaderAssertion, type JsonAssertion, parseStatusPattern, type StatusPattern } from './schema.js';

const DEFAULT_STATUS: readonly StatusPattern[] = ['2xx'];

export function statusFailure(
  status: number,
  accepted: readonly StatusPattern[] = DEFAULT_STATUS,
  retryAfter?: string,
): string | null {
  const matches = accepted.some((pattern) => {
    const range = parseStatusPattern(pattern);
    return range !== null && status >= range[0] && status <= range[1];
  });
  if (matches) return null;
  const hint = retryAfter ? ` (Retry-After: ${retryAfter})` : '';
  return `expected status ${accepted.join(', ')}, got ${status}${hint}`;
}

type Operator = Omit<JsonAssertion, 'path'>;

/** Judges one comparison against a value that was found (`present`) or not. */
export function operatorFailure(subject: string, operator: Operator, present: boolean, actual: unknown): string | null {
  const shown = JSON.stringify(actual);
  if (operator.exists !== undefined) {
    if (operator.exists === present) return null;
    return operator.exists ? `${subject} not found` : `${subject} present (${shown}), expected it absent`;
  }
  if (!present) return `${subject} not found`;
  if (operator.equals !== undefined) {
    return actual === operator.equals ? null : `${subject} expected ${JSON.stringify(operator.equals)}, got ${shown}`;
  }
  if (operator.notEquals !== undefined) {
    return actual !== operator.notEquals ? null : `${subject} must not be ${shown}`;
  }
  if (operator.lt !== undefined || operator.gt !== undefined) {
    const number = typeof actual === 'number' ? actual : Number.NaN;
    if (Number.isNaN(number)) return `${subject} expected a number, got ${shown}`;
    if (operator.lt !== undefined && !(number < operator.lt)) return `${subject} expected < ${operator.lt}, got ${number}`;
    if (operator.gt !== undefined && !(number > operator.gt)) return `${subject} expected > ${operator.gt}, got ${number}`;
    return null;
  }
  if (operator.contains !== undefined) {
    const holds = Array.isArray(actual) ? actual.includes(operator.contains) : String(actual).includes(operator.contains);
    return holds ? null : `${subject} expected to contain ${JSON.stringify(operator.contains)}, got ${shown}`;
  }
  if (operator.matches !== undefined) {
    return safeTest(operator.matches, String(actual)) ? null : `${subject} expected to match /${operator.matches}/, got ${shown}`;
  }
  return null;
}

export function jsonFailure(body: string, assertions: readonly JsonAssertion[]): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.length === 0 ? 'body is empty, expected JSON' : 'body is not valid JSON';
  }
  for (const { path, ...operator } of assertions) {
    const found: unknown[] = JSONPath({ path, json: json as object, wrap: true }) ?? [];
    const failure = operatorFailure(path, operator, found.length > 0, found[0]);
    if (failure) return failure;
  }
  return null;
}

export function headerFailure(headers: Readonly<Record<string, string>>, assertions: readonly HeaderAssertion[]): string | null {
  for (const { name, ...operator } of assertions) {
    const value = headers[name.toLowerCase()];
    const failure = operatorFailure(`header ${name}`, operator, value !== undefined, value);
    if (failure) return failure;
  }
  return null;
}

export interface BodyExpectations {
  readonly bodyContains?: string;
  readonly bodyNotContains?: string;
  readonly bodyMatches?: string;
}

export function bodyFailure(body: string, expect: BodyExpectations): string | null {
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    return body.length === 0
      ? `body is empty, expected it to contain "${expect.bodyContains}"`
      : `body does not contain "${expect.bodyContains}"`;
  }
  if (expect.bodyNotContains !== undefined && body.includes(expect.bodyNotContains))
    return `body contains "${expect.bodyNotContains}"`;
  if (expect.bodyMatches !== undefined && !safeTest(expect.bodyMatches, body))
    return `body does not match /${expect.bodyMatches}/`;
  return null;
}
