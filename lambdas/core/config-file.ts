/** The file edge of config: reads YAML or JSON, inlines CA files, and hands the document to parseConfig. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { type Config, parseConfig } from './config.js';
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
  const document = inlineCaFiles(parseText(text, path), dirname(absolute), path);
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
  return doc.toJS();
}

function inlineCaFiles(document: unknown, baseDir: string, source: string): unknown {
  const checks = (document as { checks?: unknown })?.checks;
  if (!Array.isArray(checks)) return document;
  const problems: string[] = [];
  const read = (caFile: string, path: string): string | undefined => {
    try {
      return readFileSync(resolve(baseDir, caFile), 'utf8');
    } catch {
      problems.push(`${path}: cannot read "${caFile}"`);
      return undefined;
    }
  };
  // http checks keep TLS options under `tls`; tls checks have them at the top.
  const inlined = checks.map((check, i) => {
    const { tls, caFile } = (check ?? {}) as { tls?: { caFile?: unknown }; caFile?: unknown };
    if (typeof caFile === 'string') {
      const { caFile: _file, ...rest } = check as Record<string, unknown>;
      return { ...rest, ca: read(caFile, `checks[${i}].caFile`) };
    }
    if (typeof tls?.caFile !== 'string') return check;
    const { caFile: file, ...rest } = tls;
    return { ...check, tls: { ...rest, ca: read(file as string, `checks[${i}].tls.caFile`) } };
  });
  if (problems.length > 0) throw new ConfigError(problems, source);
  return { ...(document as object), checks: inlined };
}
