// `npm run build` (and `prepack`): what the package ships in dist/ (docs/architecture.md, "The package").
//   dist/lib/, dist/lambdas/  the construct and what it imports, compiled by tsc with type declarations
//   dist/lambda/<name>/       each Lambda handler prebuilt as NodejsFunction would bundle it, so a
//                             consumer's `cdk synth` needs neither esbuild nor Docker (lib/handler-code.ts)
//   dist/cli/                 the `vigil` CLI as one bundle (bin/cli-bundle.mjs), run by bin/vigil.mjs
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleCli } from './cli-bundle.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// Read from the compiled construct, so the shipped bundles and synth-time bundling cannot drift apart.
const { BUNDLE_OPTIONS, HANDLERS } = await import(join(dist, 'lib', 'handler-code.js'));
await Promise.all([
  ...HANDLERS.map((name) =>
    esbuild.build({
      entryPoints: [join(root, 'lambdas', name, 'handler.ts')],
      outfile: join(dist, 'lambda', name, 'index.js'),
      bundle: true,
      platform: 'node',
      // CommonJS, as NodejsFunction bundles by default: lambdas/bundled-config.ts reads __dirname.
      format: 'cjs',
      target: BUNDLE_OPTIONS.target,
      external: [...BUNDLE_OPTIONS.external],
      minify: true,
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
  bundleCli(esbuild, root, join(dist, 'cli')),
]);
