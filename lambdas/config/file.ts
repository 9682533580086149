/** The file edge of config: reads YAML or JSON, inlines the files checks name, and hands the document to parseConfig. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import type { CheckTypeDefinition } from '../checks/check-type.js';
import { CHECK_TYPES } from '../checks/registry.js';
import { ConfigError } from '../core/errors.js';
import { type Check, type CheckType, type Config, parseConfig } from './parse.js';

export interface LoadedConfig {
  readonly path: string;
  readonly config: Config;
  /** The document with CA files inlined: self-contained, so it can be bundled into a Lambda. */
  readonly document: unknown;
}

export function loadConfigFile(path: string): LoadedConfig {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([`${path}: ${READ_FAILURES[code ?? ''] ?? `cannot read it (${code ?? String(error)})`}`], path);
  }
  const document = inlineFiles(parseText(text, path), dirname(absolute), path);
  return { path: absolute, config: parseConfig(document, path), document };
}

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
};

/**
 * YAML is a superset of JSON, so one parser reads both; syntax errors carry line and column. js-yaml, on
 * YAML 1.2's core schema (an unquoted time stays a string, as the config expects): six times faster
 * than `yaml` on a config of a few thousand checks, which every `vigil check` reads.
 */
export function parseText(text: string, source: string): unknown {
  let document: unknown;
  try {
    document = load(text, { schema: CORE_SCHEMA, filename: source });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const at = error.mark ? `line ${error.mark.line + 1}, column ${error.mark.column + 1}: ` : '';
    throw new ConfigError([`${at}${error.reason}`], source);
  }
  const expanded = expandedSize(document, MAX_VALUES);
  if (expanded > MAX_VALUES) {
    throw new ConfigError(
      [`its aliases expand to more than ${MAX_VALUES.toLocaleString('en-US')} values: refused as a resource exhaustion attack`],
      source,
    );
  }
  return document;
}

/** Far beyond any real config (10,000 checks are about 200,000 values). */
const MAX_VALUES = 1_000_000;

/**
 * How many values the document holds once its aliases are expanded, counting no further than `limit`.
 * An alias is a shared reference after loading: validation would walk it once per use, so a "billion
 * laughs" document is refused here, in bounded time, before anything walks it.
 */
function expandedSize(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const next = stack.pop();
    count++;
    if (next !== null && typeof next === 'object') stack.push(...Object.values(next));
  }
  return count;
}

/** Each check type inlines the files its checks name (CA bundles), so the document can be bundled. */
function inlineFiles(document: unknown, baseDir: string, source: string): unknown {
  const checks = (document as { checks?: unknown })?.checks;
  if (!Array.isArray(checks)) return document;
  const problems: string[] = [];
  const inlined = checks.map((check, i) => {
    const definition = CHECK_TYPES[(check as { type?: unknown })?.type as CheckType] as CheckTypeDefinition<Check> | undefined;
    if (!definition?.inlineFiles || typeof check !== 'object' || check === null) return check;
    return definition.inlineFiles(check as Record<string, unknown>, (file, field) => {
      const problem = (why: string) => problems.push(`checks[${i}].${field}: ${why}`);
      let text: string;
      try {
        text = readFileSync(resolve(baseDir, file), 'utf8');
      } catch {
        problem(`cannot read "${file}"`);
        return undefined;
      }
      // Only certificates: whatever else the path names (a key, a secret) must not end up in a bundle.
      if (!PEM_CERTIFICATE.test(text)) {
        problem(`"${file}" is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)`);
        return undefined;
      }
      return text;
    });
  });
  if (problems.length > 0) throw new ConfigError(problems, source);
  return { ...(document as object), checks: inlined };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
