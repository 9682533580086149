/**
 * The package as a team installs it (`npm run e2e:package`, not part of `npm test`: packing builds
 * dist/ and installing takes over a minute). `npm pack`, then a fresh app folder installs the tarball
 * and uses only what it shipped: the `vigil` bin with no dev dependencies or tsx, and the construct
 * from the main export, type-checked and synthesized with the prebuilt Lambda bundles.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startHttp } from '../support/servers.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
// Not the settings `npm test` or `npm run` hand their children (npm_config_*): the app's npm is a user's.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

let dir: string;
let app: string;
let tarball: string;
let target: Running;
const sh = (file: string, args: readonly string[], cwd = app) => run(file, args, { cwd, env: ENV, maxBuffer: 64 << 20 });

beforeAll(async () => {
  target = await startHttp((_req, res) => res.writeHead(200).end('ok'));
  dir = mkdtempSync(join(tmpdir(), 'vigil-package-'));
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', dir], REPO);
  tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]?.filename ?? '');
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'host-app', private: true, type: 'module' }));
  const install = ['install', '--no-audit', '--no-fund', tarball];
  // The npm cache holds this repository's tarballs but not always the registry's metadata for them.
  await sh('npm', ['--offline', ...install]).catch(() => sh('npm', ['--prefer-offline', ...install]));
}, 300_000);
afterAll(() => target.close());

describe('the installed package', () => {
  it('ships compiled JavaScript, type declarations and prebuilt handlers, not the sources', () => {
    const installed = join(app, 'node_modules', 'vigil-synthetics');
    for (const file of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/cli/vigil.mjs', 'bin/vigil.mjs', 'README.md']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(readdirSync(join(installed, 'dist', 'lambda')).sort()).toEqual(['dispatch', 'heartbeat', 'notify', 'probe']);
    expect(existsSync(join(installed, 'lambdas'))).toBe(false);
    // Nothing that only builds or runs TypeScript came with it.
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest'])
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
  });

  it('runs `vigil --version` and `vigil check` through npx', async () => {
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
    expect((await sh('npx', ['--no', '--', 'vigil', '--version'])).stdout.trim()).toBe(`vigil ${version}`);
    writeFileSync(join(app, 'vigil.yaml'), `checks:\n  - id: local\n    type: http\n    url: ${target.url}/\n`);
    const { stdout } = await sh('npx', ['--no', '--', 'vigil', 'check', '--json']);
    const report = JSON.parse(stdout) as { results: { checkId: string; status: string; httpStatus: number }[] };
    expect(report.results.map((r) => [r.checkId, r.status, r.httpStatus])).toEqual([['local', 'up', 200]]);
  });

  it('type-checks and synthesizes an app that imports Vigil from the main export', async () => {
    writeFileSync(
      join(app, 'vigil.yaml'),
      [
        'channels:',
        '  chat: { type: slack, webhookUrl: { secret: vigil/chat } }',
        'checks:',
        `  - { id: local, type: http, url: "${target.url}/" }`,
        '  - { id: nightly, type: heartbeat, every: 1h, token: { secret: vigil/nightly } }',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'app.ts'),
      [
        "import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';",
        "import { loadConfigFile, Vigil, type VigilProps } from 'vigil-synthetics';",
        '',
        "const app = new App({ outdir: 'cdk.out' });",
        "const stack = new Stack(app, 'Host');",
        "const { config, document } = loadConfigFile('vigil.yaml');",
        'const props: VigilProps = { config, configDocument: document, tableRemovalPolicy: RemovalPolicy.DESTROY };',
        "new Vigil(stack, 'Monitoring', props);",
        'app.synth();',
      ].join('\n'),
    );
    const strict = ['--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    await sh(process.execPath, [TSC, ...strict, 'app.ts']);
    await sh(process.execPath, ['app.js']);
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Host.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Handler?: string; Code?: { S3Key?: string } } }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler);
    expect(functions).toHaveLength(4); // probe, dispatcher, heartbeat endpoint, the Slack notifier
    for (const fn of functions) {
      const asset = join(app, 'cdk.out', `asset.${String(fn.Properties.Code?.S3Key).replace(/\.zip$/, '')}`);
      expect(readFileSync(join(asset, 'index.js'), 'utf8')).toContain('exports');
      expect(JSON.parse(readFileSync(join(asset, 'vigil-config.json'), 'utf8'))).toBeTypeOf('object');
    }
  }, 120_000);
});
