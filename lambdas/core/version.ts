// Read at build time: esbuild puts package.json's fields into the CLI bundle, which may lie outside the
// package (the repository's cache under a linked node_modules), so nothing is looked up at run time.
import pkg from '../../package.json' with { type: 'json' };

/** The package's version, as `vigil --version` prints it. */
export const VERSION: string = pkg.version;
