/**
 * MetricsSink for the local runner: the same datums CloudWatch would get, one JSON line each. The file
 * is bounded: past `maxBytes` it becomes `<file>.1` (replacing the one before) and a new one starts.
 */
import { appendFile, rename, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { Coalescer } from '../../core/coalescer.js';
import { METRIC_NAMESPACE } from '../../core/contracts.js';
import type { Run } from '../../core/heartbeat.js';
import type { MetricsSink } from '../../core/ports.js';
import type { CheckResult } from '../../core/types.js';
import { toMetricData, toRunMetricData } from '../cloudwatch.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

export interface FileMetricsSinkOptions {
  /** @default 10 MiB */
  readonly maxBytes?: number;
  /**
   * Lines that arrive within this many ms are appended as one write. A monitor puts hundreds of results a
   * second, and each append is a stat, an open, a write and a close on its thread. @default 0 (each at once)
   */
  readonly coalesceMs?: number;
}

/** Lines per append at most, however fast they come. */
const LINES_PER_APPEND = 1_000;

export class FileMetricsSink implements MetricsSink {
  private readonly maxBytes: number;
  private readonly appends: Coalescer<string, void> | null;
  /** The last write, settled either way. */
  private previous: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    options: FileMetricsSinkOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    const windowMs = options.coalesceMs ?? 0;
    this.appends =
      windowMs > 0
        ? new Coalescer(
            async (lines) => {
              await this.inTurn(() => this.write(lines));
              return [];
            },
            { windowMs, max: LINES_PER_APPEND, sleep },
          )
        : null;
  }

  /** After the write before it: a batch that fills while one is written waits, so lines and rotations keep their order. */
  private inTurn(write: () => Promise<void>): Promise<void> {
    const turn = this.previous.then(write);
    this.previous = turn.catch(() => {});
    return turn;
  }

  async put(results: readonly CheckResult[]): Promise<void> {
    await this.append(toMetricData(results));
  }

  async putRun(checkId: string, run: Run): Promise<void> {
    await this.append(toRunMetricData(checkId, run));
  }

  private async append(data: readonly MetricDatum[]): Promise<void> {
    const lines = data.map((datum) =>
      JSON.stringify({
        namespace: METRIC_NAMESPACE,
        metric: datum.MetricName,
        checkId: datum.Dimensions?.[0]?.Value,
        value: datum.Value,
        unit: datum.Unit,
        at: datum.Timestamp,
      }),
    );
    if (lines.length === 0) return;
    const { appends } = this;
    if (appends) await Promise.all(lines.map((line) => appends.add(line)));
    else await this.inTurn(() => this.write(lines));
  }

  private async write(lines: readonly string[]): Promise<void> {
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= this.maxBytes) await rename(this.path, `${this.path}.1`);
    await appendFile(this.path, `${lines.join('\n')}\n`, { mode: PRIVATE_FILE_MODE });
  }
}
