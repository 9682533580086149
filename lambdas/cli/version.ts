import { createRequire } from 'node:module';

/** The package's version, as `vigil --version` prints it. */
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
