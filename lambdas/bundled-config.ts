/**
 * The Lambdas' config: the validated vigil.yaml document, inlined at bundle time by the
 * stack (esbuild `define` of process.env.VIGIL_CONFIG), so it never sits in the template and
 * is not bound by the 4 KB environment limit. Validated again at cold start by the same schema.
 */
import { type Config, parseConfig } from './core/config.js';

export function bundledConfig(text: string | undefined = process.env.VIGIL_CONFIG): Config {
  if (!text) throw new Error('VIGIL_CONFIG is not bundled: deploy through the Vigil stack');
  return parseConfig(JSON.parse(text), 'bundled config');
}
