/** MetricsSink on CloudWatch: namespace `Vigil`, dimension `CheckId` only (each value is a billed metric). */
import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../core/contracts.js';
import type { MetricsSink } from '../core/ports.js';
import type { CheckResult } from '../core/types.js';

/** PutMetricData's limit on datums per call. */
const MAX_DATUMS_PER_CALL = 1000;

export function toMetricData(results: readonly CheckResult[]): MetricDatum[] {
  return results.flatMap((result) => {
    const dimensions = [{ Name: METRIC_DIMENSION, Value: result.checkId }];
    const timestamp = new Date(result.startedAt);
    return [
      {
        MetricName: METRICS.availability,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Unit: 'None',
        Value: result.status === 'down' ? 0 : 1,
      },
      {
        MetricName: METRICS.latency,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Unit: 'Milliseconds',
        Value: result.timings.totalMs,
      },
    ] satisfies MetricDatum[];
  });
}

export class CloudWatchMetricsSink implements MetricsSink {
  constructor(private readonly client: CloudWatchClient) {}

  async put(results: readonly CheckResult[]): Promise<void> {
    const data = toMetricData(results);
    for (let i = 0; i < data.length; i += MAX_DATUMS_PER_CALL) {
      await this.client.send(
        new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data.slice(i, i + MAX_DATUMS_PER_CALL) }),
      );
    }
  }
}
