import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { initialState } from '../../lambdas/core/check-state.js';
import { alertEvent, failingResult } from '../support/events.js';

let db: EmbeddedDynamoDB;
let store: DynamoResultStore;

beforeAll(async () => {
  db = await startEmbeddedDynamoDB();
  store = new DynamoResultStore(db.client, { tableName: db.tableName, retentionMs: 60_000 });
});
afterAll(() => db.close());

const at = (iso: string, checkId = 'results-check') => ({ ...failingResult, checkId, startedAt: iso });

describe('DynamoResultStore on dynalite', () => {
  it('creates a heartbeat on first look exactly once, even when two look at once, and writes it conditionally', async () => {
    const first = new Date('2026-11-22T10:00:00.000Z');
    const [a, b] = await Promise.all([
      store.readHeartbeat('beat', first),
      store.readHeartbeat('beat', new Date(first.getTime() + 5)),
    ]);
    expect(a).toEqual(b);
    expect(a.version).toBe(1);
    const later = await store.readHeartbeat('beat', new Date('2026-11-23T10:00:00.000Z'));
    expect(later.since).toBe(a.since);
    expect(await store.putHeartbeat({ ...later, version: 2, lastSuccessAt: first.toISOString() })).toBe(true);
    // A writer that read version 1 too lost: it must read again.
    expect(await store.putHeartbeat({ ...later, version: 2 })).toBe(false);
    expect((await store.readHeartbeat('beat', first)).lastSuccessAt).toBe(first.toISOString());
  });

  it('keeps a heartbeat’s finished runs in time order, and prunes them with the results', async () => {
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    const run = (endedAt: string, rid: string | null) => ({
      rid,
      startedAt: null,
      endedAt,
      ok: true,
      exitCode: 0,
      durationMs: null,
      output: '',
    });
    await store.putRun('runs', run('2026-11-22T10:02:00.000Z', 'b'));
    await store.putRun('runs', run('2026-11-22T10:01:00.000Z', null));
    await store.putRun('runs', run('2026-11-22T10:03:00.000Z', 'c'));
    const now = new Date('2026-11-22T10:03:30.000Z');
    const rids = async (since: string) => (await store.listRuns('runs', new Date(since), now)).map((r) => r.rid);
    expect(await rids('2026-11-22T10:00:00.000Z')).toEqual([null, 'b', 'c']);
    expect(await rids('2026-11-22T10:02:00.000Z')).toEqual(['b', 'c']);
    expect(await store.pruneResults('runs', new Date('2026-11-22T10:02:30.000Z'))).toBe(2);
    expect(await rids('2026-11-22T10:00:00.000Z')).toEqual(['c']);
  });

  it('keeps a check’s silences in one item: the longest in force wins, ended ones fall away', async () => {
    const at = (minutes: number) => new Date(Date.parse('2026-11-22T10:00:00.000Z') + minutes * 60_000).toISOString();
    await store.putSilence({ checkId: 'quiet', createdAt: at(0), until: at(30), reason: 'short' });
    await store.putSilence({ checkId: 'quiet', createdAt: at(1), until: at(60), reason: 'long' });
    expect((await store.activeSilence('quiet', new Date(at(10))))?.reason).toBe('long');
    expect(await store.activeSilence('quiet', new Date(at(61)))).toBeNull();
    expect(await store.activeSilence('someone-else', new Date(at(10)))).toBeNull();
    // Written after the first ended: that one is dropped, the one still running kept.
    await store.putSilence({ checkId: 'quiet', createdAt: at(40), until: at(45), reason: 'again' });
    expect((await store.activeSilence('quiet', new Date(at(42))))?.reason).toBe('long');
  });

  it('reads a cycle’s states and silences in batches, and writes its results in batches', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => `batch-${i}`);
    const now = new Date('2026-11-22T10:00:00.000Z');
    // More than BatchWriteItem's 25 and BatchGetItem's 100 keys per call.
    await store.putResults(ids.map((id) => at('2026-11-22T09:59:30.000Z', id)));
    await store.putState({ ...initialState('batch-7'), version: 1, failures: 2 });
    await store.putSilence({
      checkId: 'batch-120',
      createdAt: now.toISOString(),
      until: '2026-11-22T11:00:00.000Z',
      reason: 'deploy',
    });
    await store.putSilence({
      checkId: 'batch-121',
      createdAt: '2026-11-22T08:00:00.000Z',
      until: '2026-11-22T09:00:00.000Z',
      reason: 'over',
    });
    const snapshots = await store.readSnapshots(ids, now);
    expect(snapshots.size).toBe(130);
    expect(snapshots.get('batch-7')?.state?.failures).toBe(2);
    expect(snapshots.get('batch-8')).toEqual({ state: null, silence: null });
    expect(snapshots.get('batch-120')?.silence?.reason).toBe('deploy');
    expect(snapshots.get('batch-121')?.silence).toBeNull();
    for (const id of ['batch-0', 'batch-129']) {
      expect(await store.listResults(id, new Date(0), now)).toEqual([at('2026-11-22T09:59:30.000Z', id)]);
    }
  });

  it('sends results written, and states and silences read, close together as one request each (coalesceMs)', async () => {
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: db.credentials });
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const coalescing = new DynamoResultStore(client, { tableName: db.tableName, coalesceMs: 20 });
    const ids = Array.from({ length: 30 }, (_, i) => `near-${i}`);
    const now = new Date('2026-11-22T10:00:00.000Z');
    await store.putState({ ...initialState('near-3'), version: 1, failures: 4 });
    await store.putSilence({
      checkId: 'near-5',
      createdAt: now.toISOString(),
      until: '2026-11-22T11:00:00.000Z',
      reason: 'deploy',
    });
    // near-0's result twice in the first batch: one request may not name an item twice, and it is one item.
    const written = ['near-0', ...ids].map((id) => at('2026-11-22T09:59:30.000Z', id));
    const [, states, silences, again] = await Promise.all([
      Promise.all(written.map((result) => coalescing.putResult(result))),
      Promise.all(ids.map((id) => coalescing.getState(id))),
      Promise.all(ids.map((id) => coalescing.activeSilence(id, now))),
      coalescing.getState('near-3'),
    ]);
    // 31 results: BatchWriteItem's 25, then 6; 61 reads of 60 items: one BatchGetItem.
    expect(sent.sort()).toEqual(['BatchGetItemCommand', 'BatchWriteItemCommand', 'BatchWriteItemCommand']);
    expect(states.map((s) => s?.failures ?? null)).toEqual(ids.map((id) => (id === 'near-3' ? 4 : null)));
    expect(again?.failures).toBe(4);
    expect(silences.map((s) => s?.reason ?? null)).toEqual(ids.map((id) => (id === 'near-5' ? 'deploy' : null)));
    for (const id of ['near-0', 'near-29']) {
      expect(await store.listResults(id, new Date(0), now)).toEqual([at('2026-11-22T09:59:30.000Z', id)]);
    }
    // A state written meanwhile is what the next read sees: reads are consistent, not cached.
    await store.putState({ ...initialState('near-3'), version: 2, failures: 5 });
    expect((await coalescing.getState('near-3'))?.failures).toBe(5);
    client.destroy();
  });

  it('prunes the results that started before a time, and nothing else of the check', async () => {
    const start = Date.parse('2026-11-20T00:00:00.000Z');
    for (let i = 0; i < 60; i++) await store.putResult(at(new Date(start + i * 60_000).toISOString(), 'pruned'));
    await store.putResult(at(new Date(start).toISOString(), 'kept-elsewhere'));
    await store.putState({ ...initialState('pruned'), version: 1 });
    expect(await store.pruneResults('pruned', new Date(start + 40 * 60_000))).toBe(40);
    const left = await store.listResults('pruned', new Date(0), new Date(start));
    expect(left.map((r) => r.startedAt)).toEqual(
      Array.from({ length: 20 }, (_, i) => new Date(start + (40 + i) * 60_000).toISOString()),
    );
    expect(await store.getState('pruned')).not.toBeNull();
    expect(await store.listResults('kept-elsewhere', new Date(0), new Date(start))).toHaveLength(1);
  });

  it('lists results in a window, oldest first, skipping expired ones', async () => {
    await store.putResult(at('2026-11-22T10:00:00.000Z'));
    await store.putResult(at('2026-11-22T10:00:30.000Z'));
    await store.putResult(at('2026-11-22T10:01:30.000Z'));
    await store.putResult(at('2026-11-22T10:01:00.000Z', 'another-check'));
    const now = new Date('2026-11-22T10:01:10.000Z'); // the first result expired at 10:01:00
    const listed = await store.listResults('results-check', new Date('2026-11-22T09:00:00.000Z'), now);
    expect(listed.map((r) => r.startedAt)).toEqual(['2026-11-22T10:00:30.000Z', '2026-11-22T10:01:30.000Z']);
    expect(listed[0]).toEqual(at('2026-11-22T10:00:30.000Z'));
    const since = await store.listResults('results-check', new Date('2026-11-22T10:01:00.000Z'), now);
    expect(since.map((r) => r.startedAt)).toEqual(['2026-11-22T10:01:30.000Z']);
  });

  it('writes state only over the version it read', async () => {
    const first = { ...initialState('state-check'), version: 1, failures: 1, outbox: [alertEvent()] };
    expect(await store.getState('state-check')).toBeNull();
    expect(await store.putState(first)).toBe(true);
    expect(await store.getState('state-check')).toEqual(first);
    expect(await store.putState(first)).toBe(false); // version 1 again: someone already wrote it
    expect(await store.putState({ ...first, version: 3 })).toBe(false); // skipping a version
    expect(await store.putState({ ...first, version: 2, failures: 2 })).toBe(true);
    expect((await store.getState('state-check'))?.failures).toBe(2);
  });

  it('lets exactly one of two concurrent writers of the same version win', async () => {
    const base = { ...initialState('race-check'), version: 1 };
    const outcomes = await Promise.all([store.putState(base), store.putState({ ...base, failures: 9 })]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('opens incidents, records their notifications, and closes them with a duration', async () => {
    const incident = { id: 'inc-check/2026-11-22T10:00:00.000Z', startedAt: '2026-11-22T10:00:00.000Z' };
    const opened = {
      ...incident,
      checkId: 'inc-check',
      endedAt: null,
      durationMs: null,
      cause: failingResult.error,
      firstFailure: failingResult,
      notifications: [],
    };
    await store.openIncident(opened);
    await store.recordNotification('inc-check', incident.startedAt, { kind: 'down', at: '2026-11-22T10:02:00.000Z' });
    await store.recordNotification('inc-check', incident.startedAt, {
      kind: 'reminder',
      at: '2026-11-22T10:07:00.000Z',
      heldBy: 'maintenance window "deploy"',
    });
    await store.closeIncident('inc-check', incident, '2026-11-22T10:15:30.000Z');
    expect(await store.listIncidents('inc-check')).toEqual([
      {
        ...opened,
        endedAt: '2026-11-22T10:15:30.000Z',
        durationMs: 930_000,
        notifications: [
          { kind: 'down', at: '2026-11-22T10:02:00.000Z' },
          { kind: 'reminder', at: '2026-11-22T10:07:00.000Z', heldBy: 'maintenance window "deploy"' },
        ],
      },
    ]);
  });

  it('refuses a notification for an incident that does not exist', async () => {
    await expect(store.recordNotification('inc-check', '2020-01-01T00:00:00.000Z', { kind: 'down', at: 'x' })).rejects.toThrow();
  });
});
