// The CLI as one esbuild bundle: what bin/vigil.mjs builds into its cache from the repository's sources,
// and what bin/build-package.mjs builds into dist/cli/ for the package. One set of options, so a
// user's installed CLI runs the same code as the repository's.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bundles bin/vigil.ts under `root` into `outdir`/vigil.mjs (plus its chunks, the probe thread and the store's scripts). */
export async function bundleCli(esbuild, root, outdir) {
  await esbuild.build({
    // The monitor's probe thread is a file of its own (lambdas/local/probe-thread.ts looks for it beside itself).
    entryPoints: { vigil: join(root, 'bin', 'vigil.ts'), 'probe-worker': join(root, 'lambdas', 'local', 'probe-worker.ts') },
    outdir,
    bundle: true,
    // Chunks per command: `vigil check` does not load what `vigil monitor` needs (dynalite, the AWS SDK).
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Pure-JS libraries go into the bundle (zod alone takes 80 ms to load as its many files); what has
    // native parts, files of its own or is large and rarely used stays in node_modules (the package's
    // `dependencies`).
    external: ['dynalite', 'level', '@aws-sdk/*', '@smithy/*', 'aws-cdk-lib', 'constructs'],
    outExtension: { '.js': '.mjs' },
    // CommonJS libraries in an ES module bundle still call require() for Node's own modules.
    banner: { js: "import { createRequire as vigilRequire } from 'node:module'; const require = vigilRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // Read beside the code that spawns it (lambdas/adapters/local/embedded-dynamodb.ts), with what it imports.
  for (const file of ['dynalite-server.mjs', 'store-guard.mjs']) {
    copyFileSync(join(root, 'lambdas', 'adapters', 'local', file), join(outdir, file));
  }
}
