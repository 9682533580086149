/**
 * The package's main export (package.json `exports`): the construct, the config loader it takes its
 * props from, and the types a CDK app names. README "Install it in your CDK app" shows them in use.
 */

export { type LoadedConfig, loadConfigFile } from '../lambdas/config/file.js';
export type { ChannelConfig, Check, CheckType, Config, SecretRef } from '../lambdas/config/parse.js';
export { parseConfig } from '../lambdas/config/parse.js';
export { ConfigError, UserError } from '../lambdas/core/errors.js';
export { acknowledgeNagFindings } from './nag-suppressions.js';
export { Vigil, type VigilProps } from './vigil.js';
export { VigilStack, type VigilStackProps } from './vigil-stack.js';
