/**
 * The stack's status page publisher (lambdas/status-page) against real parts: its history from the table
 * (dynalite), its files into a bucket on moto's S3, as the page's hosting would read them back.
 */
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { PAGE_CACHE_CONTROL, s3PagePutter } from '../../lambdas/adapters/s3-pages.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { createStatusPageApp } from '../../lambdas/status-page/app.js';
import { type Moto, startMoto } from '../e2e-aws/moto.js';
import { config } from '../support/checks.js';
import { recordingLog } from '../support/log.js';

let moto: Moto;
let db: EmbeddedDynamoDB;
let s3: S3Client;
const BUCKET = 'vigil-status-pages';
const NOW = new Date('2026-11-22T12:00:00.000Z');

beforeAll(async () => {
  [moto, db] = await Promise.all([startMoto(), startEmbeddedDynamoDB()]);
  s3 = new S3Client({
    endpoint: moto.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);
afterAll(async () => {
  await Promise.all([moto?.close(), db?.close()]);
});

const cfg = config({
  statusPage: { title: 'Acme status', show: ['errors'] },
  checks: [
    { id: 'api', name: 'Public API', type: 'http', url: 'https://internal.acme.example/health', public: true },
    { id: 'db', name: 'Orders database', type: 'tcp', host: '10.0.0.5', port: 5432 },
  ],
});

const result = (checkId: string, minutesAgo: number, down = false): CheckResult => ({
  checkId,
  status: down ? 'down' : 'up',
  error: down ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
  httpStatus: down ? 503 : 200,
  timings: { dnsMs: 1, connectMs: 1, tlsMs: 2, ttfbMs: 20, transferMs: 1, totalMs: 25 },
  startedAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
  detail: null,
});

async function text(key: string) {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: await object.Body?.transformToString(), contentType: object.ContentType, cacheControl: object.CacheControl };
}

describe('the status page publisher', () => {
  it('puts the page of the public checks, drawn from the table, where its hosting serves it from', async () => {
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    await store.putResults([result('api', 3), result('api', 2, true), result('api', 1), result('db', 1, true)]);
    const log = recordingLog();
    const publish = createStatusPageApp({ config: cfg, store, put: s3PagePutter(s3, BUCKET), now: () => NOW, log });
    await publish();

    const feed = await text('status.json');
    expect(feed).toMatchObject({ contentType: 'application/json', cacheControl: PAGE_CACHE_CONTROL });
    const page = JSON.parse(feed.body ?? '{}');
    const checks = page.groups.flatMap((g: { checks: { name: string }[] }) => g.checks);
    expect(checks.map((c: { name: string }) => c.name)).toEqual(['Public API']);
    const html = await text('index.html');
    expect(html).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL });
    expect(html.body).toContain('<title>Acme status</title>');
    expect(html.body).toContain('Public API');
    // Never what is not public, nor where a check points.
    for (const secret of ['Orders database', 'internal.acme.example', '10.0.0.5']) {
      expect(`${html.body}${feed.body}`).not.toContain(secret);
    }
    expect(log.lines.map((l) => l.message)).toEqual(['status page published']);
  });
});
