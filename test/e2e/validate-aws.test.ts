/**
 * `vigil validate --target aws` gives synth's verdict from synth's code (lib/stack-config.ts), plain `validate`
 * notes that the stack would refuse, and a `--data` that cannot be a data folder is one line, exit 2.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseText } from '../../lambdas/config/file.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { VigilStack } from '../../lib/vigil-stack.js';
import { vigil } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-validate-aws-'));
});

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const LOCAL_ONLY = [
  'channels:',
  '  ops: { type: slack, webhookUrl: { env: OPS_SLACK_URL } }',
  '  pd: { type: pagerduty, routingKey: inline-routing-key }',
  'checks:',
  '  - { id: fast, type: tcp, host: 127.0.0.1, port: 1, interval: 5s }',
  '  - { id: odd, type: tcp, host: 127.0.0.1, port: 1, interval: 1m30s }',
  '  - { id: slow, type: tcp, host: 127.0.0.1, port: 1, interval: 5m, timeout: 5m, retries: 2 }',
  '',
].join('\n');

/** What synth says of the same file: bin/app.ts prints the error's message after "vigil: ". */
function synthVerdict(path: string, text: string): string {
  const document = parseText(text, path);
  try {
    new VigilStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Vigil', {
      config: parseConfig(document, path),
      configDocument: document,
      configSource: path,
    });
    return '';
  } catch (error) {
    return `vigil: ${(error as Error).message}\n`;
  }
}

describe('vigil validate --target aws', () => {
  it('refuses, exit 2, with every rule the deployed stack adds, word for word as synth', async () => {
    const path = writeConfig('local-only.yaml', LOCAL_ONLY);
    const result = await vigil(['validate', '--config', path, '--target', 'aws'], { OPS_SLACK_URL: 'http://x' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        `vigil: invalid ${path}:`,
        '  - checks[0].interval: the AWS stack runs checks at most every 10s, got 5s',
        '  - checks[1].interval: from a minute up the interval must be whole minutes, got 90s',
        '  - channels.ops.webhookUrl: { env: OPS_SLACK_URL } is for local runs; in the AWS stack use { secret: NAME } (Secrets Manager)',
        '  - channels.pd.routingKey: an inline value would be bundled into Lambda code; use { secret: NAME } (Secrets Manager), or allow it with -c vigil:allowPlainSecrets=true',
        "  - checks every 5m: 1 checks whose targets hang until their timeouts (retries included) need up to 902078ms in one invocation at 50 at a time, over Lambda's 15 minutes; shorten their timeouts or retries",
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(synthVerdict(path, LOCAL_ONLY));
  });

  it('refuses what CloudFormation would, with the arithmetic, as synth does', async () => {
    // 60-character ids every minute: about 128 to a shard's event, 100 shards, a template over 1 MB.
    const ids = Array.from(
      { length: 13_000 },
      (_, i) => `  - { id: ${'x'.repeat(54)}-${String(i).padStart(5, '0')}, type: tcp, host: h, port: 1 }`,
    );
    const text = ['checks:', ...ids, ''].join('\n');
    const path = writeConfig('huge.yaml', text);
    const result = await vigil(['validate', '--config', path, '--target', 'aws']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /the stack's template would be about 1,\d{3} KB \(\d+ schedule shards list their check ids\), over CloudFormation's 1,000 KB/,
    );
    expect(result.stderr).toBe(synthVerdict(path, text));
  }, 60_000);

  it('passes a config the stack deploys, and its probe memory changes the arithmetic as -c vigil:probeMemoryMb does', async () => {
    const path = writeConfig('deployable.yaml', 'checks:\n  - { id: a, type: tcp, host: 127.0.0.1, port: 1, interval: 1m }\n');
    expect(await vigil(['validate', '--config', path, '--target', 'aws'])).toEqual({
      code: 0,
      stdout: `${path}: valid (1 check, 0 channels)\n`,
      stderr: '',
    });
    const refused = await vigil(['validate', '--config', path, '--target', 'aws', '--memory', '64']);
    expect(refused).toMatchObject({
      code: 2,
      stderr: 'vigil: --memory: expected a whole number of MB from 128 to 10240, got "64"\n',
    });
    expect(await vigil(['validate', '--config', path, '--target', 'gcp'])).toMatchObject({
      code: 2,
      stderr: 'vigil: --target: the one target is aws (the stack cdk synth makes), got "gcp"\n',
    });
  });

  it('plain validate accepts a local-only config and notes that the stack would not', async () => {
    const path = writeConfig('local-only-plain.yaml', LOCAL_ONLY);
    const result = await vigil(['validate', '--config', path], { OPS_SLACK_URL: 'http://x' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${path}: valid (3 checks, 2 channels)\n` +
        '  note: the AWS stack adds rules this config breaks (5 problems); vigil validate --target aws lists them\n',
    );
  });
});

describe('--data that cannot be a data folder', () => {
  it.each([
    [
      'a file',
      (d: string) => writeFileThere(join(d, 'file')),
      (p: string) => `vigil: --data ${p}: not a folder; give the folder Vigil keeps its data in\n`,
    ],
    [
      'under a missing folder',
      (d: string) => join(d, 'missing', 'data'),
      (p: string) => `vigil: --data ${p}: its parent folder ${join(p, '..')} does not exist\n`,
    ],
    [
      'under a file',
      (d: string) => join(writeFileThere(join(d, 'plain')), 'data'),
      (p: string) => `vigil: --data ${p}: ${join(p, '..')} is not a folder\n`,
    ],
  ])(
    '%s: one line, exit 2, for every command that takes --data',
    async (_, pathIn, message) => {
      const base = mkdtempSync(join(dir, 'data-'));
      const config = writeConfig('data.yaml', 'checks:\n  - { id: a, type: tcp, host: 127.0.0.1, port: 1 }\n');
      const data = pathIn(base);
      for (const command of [
        ['monitor'],
        ['incidents'],
        ['report'],
        ['silence', '--check', 'a', '--for', '1h', '--reason', 'deploy'],
        ['check', '--json'],
      ]) {
        expect(await vigil([...command, '--config', config, '--data', data])).toEqual({
          code: 2,
          stdout: '',
          stderr: message(data),
        });
      }
    },
    60_000,
  );

  it('makes a missing data folder inside one that exists, as before', async () => {
    const base = mkdtempSync(join(dir, 'fresh-'));
    mkdirSync(join(base, 'parent'));
    const config = writeConfig('fresh.yaml', 'checks:\n  - { id: a, type: tcp, host: 127.0.0.1, port: 1 }\n');
    const result = await vigil([
      'silence',
      '--check',
      'a',
      '--for',
      '1h',
      '--reason',
      'deploy',
      '--config',
      config,
      '--data',
      join(base, 'parent', 'data'),
    ]);
    expect(result.code).toBe(0);
  });
});

function writeFileThere(path: string): string {
  writeFileSync(path, 'not a folder');
  return path;
}
