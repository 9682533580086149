import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { describe, expect, it } from 'vitest';
import { createTableInput, DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';

const silence = { checkId: 'api', until: '2026-11-23T12:00:00.000Z', reason: 'failover', createdAt: '2026-11-23T10:00:00.000Z' };
const during = new Date('2026-11-23T11:00:00.000Z');

/** What a process killed right after CreateTable leaves behind: the table on disk, still CREATING. */
async function strandTableInCreating(dataDir: string, tableName: string): Promise<void> {
  const server = dynalite({ path: dataDir, createTableMs: 3_600_000 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  expect((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus).toBe('CREATING');
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('startEmbeddedDynamoDB', () => {
  it('takes a write the moment it has started on a fresh folder, and keeps it across a restart', async () => {
    // dynalite answers CreateTable while the table is still CREATING and refuses writes until it is ACTIVE.
    for (let round = 0; round < 10; round++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'));
      const first = await startEmbeddedDynamoDB({ dataDir });
      await new DynamoResultStore(first.client, { tableName: first.tableName }).putSilence(silence);
      await first.close();

      const again = await startEmbeddedDynamoDB({ dataDir });
      const kept = await new DynamoResultStore(again.client, { tableName: again.tableName }).activeSilence('api', during);
      await again.close();
      expect(kept).toEqual(silence);
    }
  });

  it('recovers a folder whose table an interrupted start left half-created', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'));
    await strandTableInCreating(dataDir, 'vigil');

    const db = await startEmbeddedDynamoDB({ dataDir });
    try {
      const store = new DynamoResultStore(db.client, { tableName: db.tableName });
      await store.putSilence(silence);
      expect(await store.activeSilence('api', during)).toEqual(silence);
    } finally {
      await db.close();
    }
  });
});
