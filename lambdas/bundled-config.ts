/**
 * The Lambdas' config: the validated vigil.yaml document (each function's own part), put beside the
 * bundle at synth as vigil-config.json (lib/vigil-function.ts), so it never sits in the template, is
 * not bound by the 4 KB environment limit, and is not bound by a command line either (a few thousand
 * checks outgrow both). Validated again at cold start by the same schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, parseConfig } from './config/parse.js';

/** The file's name beside the bundle; the stack writes it there. */
export const BUNDLED_CONFIG_FILE = 'vigil-config.json';

/** The bundle's own folder (the Lambda bundle is CommonJS, so `__dirname` is where it lies). */
function besideBundle(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  try {
    return readFileSync(join(__dirname, BUNDLED_CONFIG_FILE), 'utf8');
  } catch {
    return undefined;
  }
}

export function bundledConfig(text: string | undefined = besideBundle()): Config {
  if (!text) throw new Error(`${BUNDLED_CONFIG_FILE} is not beside the bundle: deploy through the Vigil stack`);
  return parseConfig(JSON.parse(text), 'bundled config');
}
