/**
 * MetricsSink for the local runner: the same datums CloudWatch would get, one JSON line each. The file
 * is bounded: past `maxBytes` it becomes `<file>.1` (replacing the one before) and a new one starts.
 */
import { appendFile, rename, stat } from 'node:fs/promises';
import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { METRIC_NAMESPACE } from '../../core/contracts.js';
import type { Run } from '../../core/heartbeat.js';
import type { MetricsSink } from '../../core/ports.js';
import type { CheckResult } from '../../core/types.js';
import { toMetricData, toRunMetricData } from '../cloudwatch.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

export class FileMetricsSink implements MetricsSink {
  constructor(
    private readonly path: string,
    /** @default 10 MiB */
    private readonly maxBytes = 10 * 1024 * 1024,
  ) {}

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
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= this.maxBytes) await rename(this.path, `${this.path}.1`);
    await appendFile(this.path, `${lines.join('\n')}\n`, { mode: PRIVATE_FILE_MODE });
  }
}
