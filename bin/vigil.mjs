#!/usr/bin/env node
// The package's `bin`. Starting the TypeScript CLI through tsx costs about half a second on every run,
// so the CLI is bundled once with esbuild into node_modules/.cache/vigil-cli/<key>, the key a hash of
// every source file's path, size and modification time: an edit makes a new build on the next run, and
// nothing stale ever runs. Without esbuild (a production-only install) it runs through tsx as before.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SOURCES = ['bin', 'lambdas', 'lib', 'package.json'];

function sourceKey() {
  const hash = createHash('sha256');
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name));
    else hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  for (const source of SOURCES) visit(join(root, source));
  return hash.digest('hex').slice(0, 16);
}

async function built() {
  const cache = join(root, 'node_modules', '.cache', 'vigil-cli');
  const dir = join(cache, sourceKey());
  const entry = join(dir, 'vigil.mjs');
  if (existsSync(entry)) return entry;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  // Built beside the final place and renamed into it: runs that start together never see half a build.
  const staging = `${dir}.${process.pid}`;
  await esbuild.build({
    entryPoints: { vigil: join(root, 'bin', 'vigil.ts') },
    outdir: staging,
    bundle: true,
    // Chunks per command: `vigil check` does not load what `vigil monitor` needs (dynalite, the AWS SDK).
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Pure-JS libraries go into the bundle (zod alone takes 80 ms to load as its many files); what has
    // native parts, files of its own or is large and rarely used stays in node_modules.
    external: ['dynalite', 'level', '@aws-sdk/*', '@smithy/*', 'aws-cdk-lib', 'constructs'],
    outExtension: { '.js': '.mjs' },
    // CommonJS libraries in an ES module bundle still call require() for Node's own modules.
    banner: { js: "import { createRequire as vigilRequire } from 'node:module'; const require = vigilRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // Read beside the code that spawns it (lambdas/adapters/local/embedded-dynamodb.ts), with what it imports.
  for (const file of ['dynalite-server.mjs', 'store-guard.mjs']) {
    copyFileSync(join(root, 'lambdas', 'adapters', 'local', file), join(staging, file));
  }
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another run got there first
  }
  // Builds of older sources (and what crashed builds left) go; another run's build of these stays.
  const key = dir.slice(cache.length + 1);
  for (const old of readdirSync(cache)) {
    if (!old.startsWith(key)) rmSync(join(cache, old), { recursive: true, force: true });
  }
  return entry;
}

const entry = await built();
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./vigil.ts');
}
