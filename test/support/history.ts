/**
 * A data folder filled with a history the test states, through the real store (dynalite on disk), as a
 * monitor would have left it: results, incidents with their notifications, and each check's state.
 */

import { join } from 'node:path';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { markDataFolder } from '../../lambdas/cli/store.js';
import type { Config } from '../../lambdas/config/parse.js';
import { type CheckState, initialState } from '../../lambdas/core/check-state.js';
import { DAY_MS } from '../../lambdas/core/duration.js';
import type { IncidentRecord, NotificationEntry } from '../../lambdas/core/ports.js';
import type { CheckResult, ErrorKind } from '../../lambdas/core/types.js';

export interface SeededIncident {
  readonly checkId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly cause: { readonly kind: ErrorKind; readonly message: string } | null;
  readonly notifications: readonly NotificationEntry[];
}

export interface History {
  readonly results: readonly CheckResult[];
  readonly incidents: readonly SeededIncident[];
  /** Per check: its state as the last result left it. */
  readonly states: readonly Partial<CheckState>[];
}

/** A result as a probe would have judged it; `totalMs` split into phases the way an https request spends it. */
export function result(
  checkId: string,
  startedAt: number,
  status: CheckResult['status'],
  totalMs: number,
  error: { readonly kind: ErrorKind; readonly message: string } | null = null,
): CheckResult {
  const share = (f: number) => Math.round(totalMs * f * 10) / 10;
  return {
    checkId,
    status,
    error: status === 'down' ? (error ?? { kind: 'timeout', message: 'timed out' }) : null,
    httpStatus: status === 'down' ? 503 : 200,
    timings: {
      dnsMs: share(0.1),
      connectMs: share(0.15),
      tlsMs: share(0.25),
      ttfbMs: share(0.4),
      transferMs: share(0.1),
      totalMs,
    },
    startedAt: new Date(startedAt).toISOString(),
    detail: status === 'degraded' ? 'slow' : null,
  };
}

export async function seedHistory(dataDir: string, config: Config, history: History): Promise<void> {
  markDataFolder(dataDir, config);
  const db = await startEmbeddedDynamoDB({ dataDir: join(dataDir, 'dynamodb') });
  // Kept for a year: the status page reads 90 days back.
  const store = new DynamoResultStore(db.client, { tableName: db.tableName, retentionMs: 365 * DAY_MS });
  try {
    await store.putResults(history.results);
    for (const i of history.incidents) {
      const record: IncidentRecord = {
        id: `${i.checkId}@${i.startedAt}`,
        checkId: i.checkId,
        startedAt: i.startedAt,
        endedAt: null,
        durationMs: null,
        cause: i.cause,
        firstFailure: null,
        notifications: [],
      };
      await store.openIncident(record);
      for (const n of i.notifications) await store.recordNotification(i.checkId, i.startedAt, n);
      if (i.endedAt) await store.closeIncident(i.checkId, record, i.endedAt);
    }
    for (const state of history.states) {
      await store.putState({ ...initialState(state.checkId as string), ...state, version: 1 });
    }
  } finally {
    await db.close();
  }
}
