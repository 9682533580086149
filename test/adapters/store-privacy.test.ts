/** The embedded store serves only its holder's key, never a browser; a data folder is its owner's alone. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { config } from '../support/checks.js';
import { type Running, startHttp, startReceiver } from '../support/servers.js';
import { type SimMonitor, simMonitor } from '../support/sim-monitor.js';

const silence = { checkId: 'api', until: '2099-01-01T00:00:00.000Z', reason: 'failover', createdAt: '2026-11-23T10:00:00.000Z' };
const putItem = JSON.stringify({
  TableName: 'vigil',
  Item: { pk: { S: 'CHECK#api' }, sk: { S: 'SILENCES' }, silences: { L: [] }, version: { N: '1' } },
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A raw request, as a web page or another local program would send it. */
function send(endpoint: string, method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(endpoint, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const dynamoHeaders = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' };

/** Every item in the table, read with the holder's own key. */
async function items(db: EmbeddedDynamoDB): Promise<number> {
  return (await db.client.send(new ScanCommand({ TableName: db.tableName }))).Count ?? -1;
}

const opened: EmbeddedDynamoDB[] = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop()?.close();
});

/** A folder's store as the monitor holds it (in a child process), or as a short command does (in its own). */
async function holder(where: 'child' | 'in process' = 'child'): Promise<{ db: EmbeddedDynamoDB; dataDir: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'vigil-private-')), 'dynamodb');
  const db = await startEmbeddedDynamoDB({ dataDir, ...(where === 'child' ? { isolate: { onFault: () => {} } } : {}) });
  opened.push(db);
  return { db, dataDir };
}

describe('the embedded store refuses whoever does not hold its key', () => {
  it('answers a browser’s preflight and a cross-origin write with a refusal and no CORS headers, and writes nothing', async () => {
    const { db } = await holder();
    const preflight = await send(db.endpoint, 'OPTIONS', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-amz-target',
    });
    expect(preflight.status).toBe(403);
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);

    // Even signed by the holder's own client: a request that says it comes from a page is refused.
    const crossOrigin = await send(db.endpoint, 'POST', { ...dynamoHeaders, origin: 'https://evil.example' }, putItem);
    expect(crossOrigin.status).toBe(403);
    expect(JSON.parse(crossOrigin.body)).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      message: 'cross-origin requests are refused',
    });
    expect(crossOrigin.headers['access-control-allow-origin']).toBeUndefined();
    expect(await items(db)).toBe(0);
  });

  it('refuses an unsigned request, another key and a wrong secret with DynamoDB’s errors, and writes nothing', async () => {
    const { db } = await holder('in process');
    const unsigned = await send(db.endpoint, 'POST', dynamoHeaders, putItem);
    expect(unsigned.status).toBe(400);
    expect(JSON.parse(unsigned.body).__type).toBe('com.amazon.coral.service#UnrecognizedClientException');
    // dynalite's own answer to a plain GET is refused too: nothing is served unsigned.
    expect((await send(db.endpoint, 'GET', {})).status).toBe(400);

    const asClient = (accessKeyId: string, secretAccessKey: string) =>
      new DynamoResultStore(
        new DynamoDBClient({
          endpoint: db.endpoint,
          region: 'local',
          credentials: { accessKeyId, secretAccessKey },
          maxAttempts: 1,
        }),
        { tableName: db.tableName },
      );
    await expect(asClient('local', 'local').putSilence(silence)).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(asClient(db.credentials.accessKeyId, 'guessed').putSilence(silence)).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    expect(await items(db)).toBe(0);

    // The holder's key works, through the same checks.
    await new DynamoResultStore(db.client, { tableName: db.tableName }).putSilence(silence);
    expect(await items(db)).toBe(1);
  });

  it('lets a command join the holder through the key in the owner-only endpoint file', async () => {
    const { db, dataDir } = await holder();
    const file = `${dataDir}.endpoint`;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ endpoint: db.endpoint, ...db.credentials });

    const joined = await startEmbeddedDynamoDB({ dataDir, join: true });
    opened.push(joined);
    expect(joined.joined).toBe(true);
    await new DynamoResultStore(joined.client, { tableName: joined.tableName }).putSilence(silence);
    const read = await new DynamoResultStore(db.client, { tableName: db.tableName }).activeSilence(
      'api',
      new Date('2026-11-23T11:00:00Z'),
    );
    expect(read).toEqual(silence);
  });
});

describe('a data folder is private', () => {
  let sim: SimMonitor | undefined;
  let target: Running | undefined;
  afterEach(async () => {
    await sim?.close();
    await target?.close();
    sim = undefined;
  });

  /** Every path under `dir` with its permission bits, folders marked with a trailing slash. */
  function modes(dir: string, prefix = ''): Record<string, number> {
    const found: Record<string, number> = {};
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = `${prefix}${entry.name}${entry.isDirectory() ? '/' : ''}`;
      found[name] = statSync(path).mode & 0o777;
      if (entry.isDirectory()) Object.assign(found, modes(path, name));
    }
    return found;
  }

  it('has folders 0700 and files 0600, and tightens a folder an older version left open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-modes-'));
    // What an older Vigil left: world-readable files.
    mkdirSync(join(dataDir, 'dynamodb'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'metrics.jsonl'), '', { mode: 0o644 });
    chmodSync(dataDir, 0o755);
    target = await startHttp((_req, res) => res.writeHead(503).end());
    const chat = await startReceiver({ status: 500 });
    try {
      const cfg = config({
        defaults: { interval: '1s', timeout: '500ms', failureThreshold: 1 },
        channels: { chat: { type: 'slack', webhookUrl: `${chat.url}/hook` } },
        checks: [{ id: 'api', type: 'http', url: `${target.url}/` }],
      });
      sim = await simMonitor(cfg, { dataDir });
      await sim.run(2_500);
      // An alert the channel refused waits in deliveries.json.
      expect(sim.monitor.pendingDeliveries()).toBe(1);
    } finally {
      await chat.close();
    }
    const seen = modes(dataDir);
    for (const name of ['checks.json', 'deliveries.json', 'metrics.jsonl', 'dynamodb.endpoint', 'dynamodb/']) {
      expect(seen).toHaveProperty([name]);
    }
    expect(Object.keys(seen).some((name) => name.startsWith('dynamodb/') && name !== 'dynamodb/')).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const [name, mode] of Object.entries(seen)) {
      expect({ name, mode: mode.toString(8) }).toEqual({ name, mode: name.endsWith('/') ? '700' : '600' });
    }
  });
});
