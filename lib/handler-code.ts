/**
 * Where each Vigil Lambda's code is, found from this module's own location, never the current
 * directory, so the construct works in any app and folder (docs/architecture.md, "The package").
 * From the repository (run through tsx) the handlers' TypeScript is there and NodejsFunction bundles
 * it with the local esbuild; from the installed package (this file compiled into dist/lib/) the
 * handlers ship prebuilt into dist/lambda/<name>/ by bin/build-package.mjs, so a consumer's app needs
 * neither esbuild nor Docker.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions, each `lambdas/<name>/handler.ts`. */
export const HANDLERS = ['probe', 'dispatch', 'notify', 'heartbeat', 'status-page'] as const;
export type HandlerName = (typeof HANDLERS)[number];

/** The repository root, or dist/ in the installed package: the folder above lib/. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How NodejsFunction and the prebuilt bundles both build a handler; bin/build-package.mjs reads these too. */
export const BUNDLE_OPTIONS = {
  target: 'node24',
  // Lambda's Node.js runtimes carry the AWS SDK v3 (NodejsFunction's default for them).
  external: ['@aws-sdk/*'],
} as const;

export type HandlerCode =
  | { readonly kind: 'source'; readonly entry: string; readonly projectRoot: string; readonly depsLockFilePath: string }
  | { readonly kind: 'prebuilt'; readonly dir: string };

/** The handler's source to bundle at synth when there is one, else its prebuilt bundle. */
export function handlerCode(name: HandlerName): HandlerCode {
  const entry = join(ROOT, 'lambdas', name, 'handler.ts');
  if (existsSync(entry)) {
    // Given, not looked for upwards from the current directory, which may be any app's.
    return { kind: 'source', entry, projectRoot: ROOT, depsLockFilePath: join(ROOT, 'package-lock.json') };
  }
  const dir = join(ROOT, 'lambda', name);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(`Vigil: neither ${entry} nor a prebuilt ${join(dir, 'index.js')}: reinstall the package`);
  }
  return { kind: 'prebuilt', dir };
}
