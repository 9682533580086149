/** MetricsSink for the local runner: the same datums CloudWatch would get, one JSON line each. */
import { appendFile } from 'node:fs/promises';
import { METRIC_NAMESPACE } from '../../core/contracts.js';
import type { MetricsSink } from '../../core/ports.js';
import type { CheckResult } from '../../core/types.js';
import { toMetricData } from '../cloudwatch.js';

export class FileMetricsSink implements MetricsSink {
  constructor(private readonly path: string) {}

  async put(results: readonly CheckResult[]): Promise<void> {
    const lines = toMetricData(results).map((datum) =>
      JSON.stringify({
        namespace: METRIC_NAMESPACE,
        metric: datum.MetricName,
        checkId: datum.Dimensions?.[0]?.Value,
        value: datum.Value,
        unit: datum.Unit,
        at: datum.Timestamp,
      }),
    );
    if (lines.length > 0) await appendFile(this.path, `${lines.join('\n')}\n`);
  }
}
