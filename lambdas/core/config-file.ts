/** The file edge of config: reads YAML or JSON, inlines the files checks name, and hands the document to parseConfig. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { CheckTypeDefinition } from '../checks/check-type.js';
import { CHECK_TYPES } from '../checks/registry.js';
import { type Check, type CheckType, type Config, parseConfig } from './config.js';
import { ConfigError } from './errors.js';

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

/** YAML is a superset of JSON, so one parser reads both; syntax errors carry line and column. */
export function parseText(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map(
        // The parser's first line repeats the position (" at line 3, column 1:"); it is said once, in front.
        (e) =>
          `line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'}: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      ),
      source,
    );
  }
  try {
    return doc.toJS();
  } catch (error) {
    // The yaml library refuses documents whose aliases expand without bound (a "billion laughs").
    throw new ConfigError([(error as Error).message], source);
  }
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
