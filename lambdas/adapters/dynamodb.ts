/**
 * ResultStore and HeartbeatStore on one DynamoDB table (docs/architecture.md, "The table"): results, the
 * state item, incidents, silences and a heartbeat's runs share the partition `CHECK#<id>`. Only
 * single-item conditional writes, so dynalite behaves like AWS.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CheckState, Incident } from '../core/check-state.js';
import { Coalescer } from '../core/coalescer.js';
import { checkPartitionKey, ROLLUP_KEEP_MS, ROLLUP_SORT_PREFIX, resultSortKey, TABLE_KEYS } from '../core/contracts.js';
import { DAY_MS } from '../core/duration.js';
import { type HeartbeatState, initialHeartbeat, type Run } from '../core/heartbeat.js';
import { storedDigest } from '../core/latency-digest.js';
import type { Silence } from '../core/maintenance.js';
import { ResultBatcher } from '../core/pipeline/result-batcher.js';
import type {
  CheckSnapshot,
  HeartbeatStore,
  IncidentRecord,
  NotificationEntry,
  ResultStore,
  RollupStore,
  RollupUnit,
} from '../core/ports.js';
import type { Rollup } from '../core/rollup.js';
import type { CheckResult } from '../core/types.js';

export interface DynamoResultStoreOptions {
  readonly tableName: string;
  /** How long results are kept (TTL attribute `expiresAt`). @default 30 days */
  readonly retentionMs?: number;
  /**
   * Results written, and states and silences read, within this long of each other go as one request
   * (the local monitor: a result and a decision's reads for every check, hundreds a second, on one
   * store process). @default 0: each its own request
   */
  readonly coalesceMs?: number;
}

/** CreateTable for the local table; the deployed one comes from the CDK construct. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
  };
}

/** BatchWriteItem's limit on requests per call. */
const BATCH_WRITE_LIMIT = 25;
/** BatchGetItem's limit on keys per call. */
const BATCH_GET_LIMIT = 100;
const pk = checkPartitionKey;
/** The sort key of a check's silences item. */
const SILENCES = 'SILENCES';
/** The sort key of a heartbeat check's reported runs so far (lambdas/core/heartbeat.ts). */
const HEARTBEAT = 'HEARTBEAT';
const toItem = (value: object) => marshall(value, { removeUndefinedValues: true });

/** Silences in force at `now`, the longest-lasting first. */
const inForce = (silences: readonly Silence[], now: Date) =>
  silences.filter((s) => Date.parse(s.until) > now.getTime()).sort((a, b) => Date.parse(b.until) - Date.parse(a.until));

type ItemKey = { readonly pk: string; readonly sk: string };

export class DynamoResultStore implements ResultStore, HeartbeatStore, RollupStore {
  private readonly retentionMs: number;
  private readonly coalesced: {
    readonly writes: ResultBatcher;
    readonly reads: Coalescer<ItemKey, Record<string, unknown> | null>;
  } | null;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoResultStoreOptions,
  ) {
    this.retentionMs = options.retentionMs ?? 30 * DAY_MS;
    const windowMs = options.coalesceMs ?? 0;
    this.coalesced =
      windowMs > 0
        ? {
            writes: new ResultBatcher(this, windowMs, sleep),
            reads: new Coalescer((keys) => this.readItems(keys, { consistent: true }), { windowMs, max: BATCH_GET_LIMIT, sleep }),
          }
        : null;
  }

  async putResult(result: CheckResult): Promise<void> {
    if (this.coalesced) return this.coalesced.writes.add(result);
    await this.client.send(new PutItemCommand({ TableName: this.options.tableName, Item: this.resultItem(result) }));
  }

  async putResults(results: readonly CheckResult[]): Promise<void> {
    // One request may not name a key twice (the whole batch would fail); a result stored again is the same item.
    const unique = new Map(results.map((result) => [`${result.checkId}\n${resultSortKey(result)}`, result]));
    await this.batchWrite([...unique.values()].map((result) => ({ PutRequest: { Item: this.resultItem(result) } })));
  }

  private resultItem(result: CheckResult) {
    const expiresAt = Math.floor((Date.parse(result.startedAt) + this.retentionMs) / 1000);
    return toItem({ pk: pk(result.checkId), sk: resultSortKey(result), expiresAt, result });
  }

  async readSnapshots(checkIds: readonly string[], now: Date): Promise<Map<string, CheckSnapshot>> {
    const keys = checkIds.flatMap((id) => [
      { pk: pk(id), sk: 'STATE' },
      { pk: pk(id), sk: SILENCES },
    ]);
    // Eventually consistent, at half the read units: a stale state only costs its conditional write a retry.
    const items = (await this.readItems(keys, { consistent: false })).filter((item) => item !== null);
    const snapshots = new Map<string, CheckSnapshot>(checkIds.map((id) => [id, { state: null, silence: null }]));
    for (const item of items) {
      const id = String(item.pk).slice('CHECK#'.length);
      const known = snapshots.get(id) ?? { state: null, silence: null };
      snapshots.set(
        id,
        item.sk === 'STATE'
          ? { ...known, state: item.state as CheckState }
          : { ...known, silence: inForce((item.silences ?? []) as Silence[], now)[0] ?? null },
      );
    }
    return snapshots;
  }

  async getState(checkId: string): Promise<CheckState | null> {
    const item = await this.readItem({ pk: pk(checkId), sk: 'STATE' });
    return item ? (item.state as CheckState) : null;
  }

  /** One item, strongly consistent: on its own, or with the reads made close to it. */
  private async readItem(key: ItemKey): Promise<Record<string, unknown> | null> {
    if (this.coalesced) return this.coalesced.reads.add(key);
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.options.tableName, Key: toItem(key), ConsistentRead: true }),
    );
    return Item ? unmarshall(Item) : null;
  }

  /** Items by key in the keys' order (null where there is none), BatchGetItem's 100 keys at a time; a key asked twice is read once. */
  private async readItems(
    keys: readonly ItemKey[],
    { consistent }: { consistent: boolean },
  ): Promise<(Record<string, unknown> | null)[]> {
    const id = (key: ItemKey) => `${key.pk}\n${key.sk}`;
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(keys.map((key) => [id(key), toItem(key)])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let pending = unique.slice(i, i + BATCH_GET_LIMIT);
      // What a batch leaves unprocessed (throttling, the 16 MB limit) is asked for again.
      while (pending.length > 0) {
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.options.tableName]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } },
          }),
        );
        for (const item of (Responses?.[this.options.tableName] ?? []).map((i) => unmarshall(i))) {
          found.set(id(item as ItemKey), item);
        }
        pending = (UnprocessedKeys?.[this.options.tableName]?.Keys ?? []) as typeof pending;
      }
    }
    return keys.map((key) => found.get(id(key)) ?? null);
  }

  async putState(next: CheckState): Promise<boolean> {
    return this.putVersioned(next.checkId, 'STATE', next.version, { state: next });
  }

  async readHeartbeat(checkId: string, now: Date): Promise<HeartbeatState> {
    // Created on first look: a job that never reports is late counted from when Vigil first looked.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { Item } = await this.client.send(
        new GetItemCommand({
          TableName: this.options.tableName,
          Key: toItem({ pk: pk(checkId), sk: HEARTBEAT }),
          ConsistentRead: true,
        }),
      );
      if (Item) return unmarshall(Item).heartbeat as HeartbeatState;
      const first = { ...initialHeartbeat(checkId, now), version: 1 };
      if (await this.putHeartbeat(first)) return first;
    }
    throw new Error(`heartbeat state of ${checkId} neither read nor created`);
  }

  async putHeartbeat(next: HeartbeatState): Promise<boolean> {
    return this.putVersioned(next.checkId, HEARTBEAT, next.version, { heartbeat: next });
  }

  async putRun(checkId: string, run: Run): Promise<void> {
    const expiresAt = Math.floor((Date.parse(run.endedAt) + this.retentionMs) / 1000);
    const sk = `RUN#${run.endedAt}#${run.rid ?? ''}`;
    await this.client.send(
      new PutItemCommand({ TableName: this.options.tableName, Item: toItem({ pk: pk(checkId), sk, expiresAt, run }) }),
    );
  }

  async listRuns(checkId: string, since: Date, now: Date): Promise<Run[]> {
    const items = await this.query(checkId, `RUN#${since.toISOString()}`, 'RUN#\uffff');
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return items.filter((item) => Number(item.expiresAt) > nowSeconds).map((item) => item.run as Run);
  }

  /** Writes an item of `version` only if the stored one is still `version - 1`; false when another writer won. */
  private async putVersioned(checkId: string, sk: string, version: number, attributes: object): Promise<boolean> {
    const expected = version - 1;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: toItem({ pk: pk(checkId), sk, version, ...attributes }),
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expected === 0 ? {} : { ExpressionAttributeValues: toItem({ ':expected': expected }) }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
        return false;
      }
      throw error;
    }
  }

  async openIncident(incident: IncidentRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: toItem({ pk: pk(incident.checkId), sk: `INCIDENT#${incident.startedAt}`, incident }),
      }),
    );
  }

  async closeIncident(checkId: string, incident: Incident, endedAt: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: toItem({ pk: pk(checkId), sk: `INCIDENT#${incident.startedAt}` }),
        UpdateExpression: 'SET incident.endedAt = :endedAt, incident.durationMs = :duration',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: toItem({
          ':endedAt': endedAt,
          ':duration': Date.parse(endedAt) - Date.parse(incident.startedAt),
        }),
      }),
    );
  }

  async recordNotification(checkId: string, incidentStartedAt: string, entry: NotificationEntry): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: toItem({ pk: pk(checkId), sk: `INCIDENT#${incidentStartedAt}` }),
        UpdateExpression: 'SET incident.notifications = list_append(incident.notifications, :entry)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: toItem({ ':entry': [entry] }),
      }),
    );
  }

  async listResults(checkId: string, since: Date, now: Date): Promise<CheckResult[]> {
    const items = await this.query(checkId, `RESULT#${since.toISOString()}`, 'RESULT#\uffff');
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return items.filter((item) => Number(item.expiresAt) > nowSeconds).map((item) => item.result as CheckResult);
  }

  async listResultsBetween(checkId: string, from: Date, to: Date, now: Date): Promise<CheckResult[]> {
    // The last millisecond before `to`, whole, is the upper bound.
    const upTo = `RESULT#${new Date(to.getTime() - 1).toISOString()}\uffff`;
    const items = await this.query(checkId, `RESULT#${from.toISOString()}`, upTo);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return items.filter((item) => Number(item.expiresAt) > nowSeconds).map((item) => item.result as CheckResult);
  }

  async putRollups(checkId: string, unit: RollupUnit, rollups: readonly Rollup[]): Promise<void> {
    await this.batchWrite(
      rollups.map((rollup) => ({
        PutRequest: {
          Item: toItem({
            pk: pk(checkId),
            sk: `${ROLLUP_SORT_PREFIX[unit]}${new Date(rollup.from).toISOString()}`,
            expiresAt: Math.floor((rollup.to + ROLLUP_KEEP_MS[unit]) / 1000),
            rollup: { ...rollup, latency: storedDigest(rollup.latency) },
          }),
        },
      })),
    );
  }

  async listRollups(checkId: string, unit: RollupUnit, from: Date, to: Date, now: Date): Promise<Rollup[]> {
    const prefix = ROLLUP_SORT_PREFIX[unit];
    const items = await this.query(
      checkId,
      `${prefix}${from.toISOString()}`,
      `${prefix}${new Date(to.getTime() - 1).toISOString()}`,
    );
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return items.filter((item) => Number(item.expiresAt) > nowSeconds).map((item) => item.rollup as Rollup);
  }

  async newestRollup(checkId: string, unit: RollupUnit): Promise<Rollup | null> {
    const item = await this.first(checkId, ROLLUP_SORT_PREFIX[unit], false);
    return item ? (item.rollup as Rollup) : null;
  }

  async oldestResultAt(checkId: string): Promise<string | null> {
    const item = await this.first(checkId, 'RESULT#', true);
    return item ? (item.result as CheckResult).startedAt : null;
  }

  /** The first item of the check whose sort key starts with `prefix`, oldest or newest. */
  private async first(checkId: string, prefix: string, oldest: boolean): Promise<Record<string, unknown> | null> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: toItem({ ':pk': pk(checkId), ':prefix': prefix }),
        ScanIndexForward: oldest,
        Limit: 1,
      }),
    );
    const item = Items?.[0];
    return item ? unmarshall(item) : null;
  }

  async pruneRollups(checkId: string, now: Date): Promise<number> {
    let pruned = 0;
    for (const unit of ['hour', 'day'] as const) {
      const prefix = ROLLUP_SORT_PREFIX[unit];
      const before = new Date(now.getTime() - ROLLUP_KEEP_MS[unit]);
      const keys = await this.query(checkId, prefix, `${prefix}${before.toISOString()}`, 'pk, sk');
      await this.batchWrite(keys.map((key) => ({ DeleteRequest: { Key: toItem(key) } })));
      pruned += keys.length;
    }
    return pruned;
  }

  async listIncidents(checkId: string): Promise<IncidentRecord[]> {
    const items = await this.query(checkId, 'INCIDENT#', 'INCIDENT#\uffff');
    return items.map((item) => item.incident as IncidentRecord);
  }

  async pruneResults(checkId: string, before: Date): Promise<number> {
    // Keys sort by time; the last millisecond before `before`, whole, is the upper bound. A heartbeat's runs go too.
    const upTo = `${new Date(before.getTime() - 1).toISOString()}\uffff`;
    const keys = [
      ...(await this.query(checkId, 'RESULT#', `RESULT#${upTo}`, 'pk, sk')),
      ...(await this.query(checkId, 'RUN#', `RUN#${upTo}`, 'pk, sk')),
    ];
    await this.batchWrite(keys.map((key) => ({ DeleteRequest: { Key: toItem(key) } })));
    return keys.length;
  }

  private async batchWrite(requests: readonly WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(i, i + BATCH_WRITE_LIMIT);
      // What a batch leaves unprocessed (throttling) goes again.
      while (pending.length > 0) {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.options.tableName]: pending } }),
        );
        pending = UnprocessedItems?.[this.options.tableName] ?? [];
      }
    }
  }

  /**
   * Silences of a check live in one item (`SILENCES`), so the hot path reads them with one GetItem
   * per result instead of a Query (dynalite's queries also leak memory, about 5 MB per thousand).
   * Written rarely, by a person: a read, then a write conditional on what was read.
   */
  async putSilence(silence: Silence): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.silenceItem(silence.checkId);
      const now = Date.parse(silence.createdAt);
      const silences = [...(stored?.silences ?? []).filter((s) => Date.parse(s.until) > now), silence];
      const expiresAt = Math.ceil(Math.max(...silences.map((s) => Date.parse(s.until))) / 1000);
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.options.tableName,
            Item: toItem({ pk: pk(silence.checkId), sk: SILENCES, version: (stored?.version ?? 0) + 1, expiresAt, silences }),
            ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(pk)',
            ...(stored ? { ExpressionAttributeValues: toItem({ ':version': stored.version }) } : {}),
          }),
        );
        return;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new Error(`silence for ${silence.checkId} not stored: the silences kept changing`);
  }

  async activeSilence(checkId: string, now: Date): Promise<Silence | null> {
    return (await this.listSilences(checkId, now))[0] ?? null;
  }

  /** In force at `now`, the longest-lasting first. */
  async listSilences(checkId: string, now: Date): Promise<Silence[]> {
    return inForce((await this.silenceItem(checkId))?.silences ?? [], now);
  }

  async liftSilences(checkId: string, now: Date): Promise<number> {
    const stored = await this.silenceItem(checkId);
    const active = (stored?.silences ?? []).filter((s) => Date.parse(s.until) > now.getTime());
    if (!stored || active.length === 0) return 0;
    await this.client.send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: toItem({
          pk: pk(checkId),
          sk: SILENCES,
          version: stored.version + 1,
          expiresAt: Math.ceil(now.getTime() / 1000),
          silences: [],
        }),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: toItem({ ':version': stored.version }),
      }),
    );
    return active.length;
  }

  private async silenceItem(checkId: string): Promise<{ silences: Silence[]; version: number } | null> {
    const item = await this.readItem({ pk: pk(checkId), sk: SILENCES });
    if (!item) return null;
    return { silences: (item.silences ?? []) as Silence[], version: Number(item.version ?? 0) };
  }

  /** Every item of the check whose sort key is from `from` to `to`, all pages; `projection` to read only some attributes. */
  private async query(checkId: string, from: string, to: string, projection?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: toItem({ ':pk': pk(checkId), ':from': from, ':to': to }),
          ...(projection ? { ProjectionExpression: projection } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey);
    return items;
  }
}
