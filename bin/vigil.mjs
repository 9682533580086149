#!/usr/bin/env node
// The package's `bin`. Installed, it runs the CLI bundle the package ships (dist/cli/, built by
// bin/build-package.mjs), with nothing but the package's dependencies. In the repository, starting the
// TypeScript CLI through tsx would cost about half a second on every run, so the CLI is bundled once with
// esbuild (a dev dependency) into node_modules/.cache/vigil-cli/<key>, the key a hash of every source
// file's path, size and modification time: an edit makes a new build on the next run, and nothing stale
// ever runs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

/**
 * Names this checkout's builds: worktrees that share one node_modules (a link) share the cache, and each
 * clears only its own older builds, never another's while it runs.
 */
const checkoutKey = createHash('sha256').update(root).digest('hex').slice(0, 8);

async function built() {
  const cache = join(root, 'node_modules', '.cache', 'vigil-cli');
  const dir = join(cache, `${checkoutKey}-${sourceKey()}`);
  const entry = join(dir, 'vigil.mjs');
  if (existsSync(entry)) return entry;
  const esbuild = await import('esbuild');
  // Built beside the final place and renamed into it: runs that start together never see half a build.
  const staging = `${dir}.${process.pid}`;
  const { bundleCli } = await import('./cli-bundle.mjs');
  await bundleCli(esbuild, root, staging);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another run got there first
  }
  // This checkout's builds of older sources (and what its crashed builds left) go; another run's build
  // of these stays.
  const key = dir.slice(cache.length + 1);
  for (const old of readdirSync(cache)) {
    if (old.startsWith(`${checkoutKey}-`) && !old.startsWith(key)) rmSync(join(cache, old), { recursive: true, force: true });
  }
  return entry;
}

// The sources are in the repository only; the package ships the bundle instead.
const fromSources = existsSync(join(root, 'bin', 'vigil.ts'));
await import(pathToFileURL(fromSources ? await built() : join(root, 'dist', 'cli', 'vigil.mjs')).href);
