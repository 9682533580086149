/** MetricsSink on CloudWatch: namespace `Vigil`, dimension `CheckId` only (each value is a billed metric). */
import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LOCATION_DIMENSION, METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../core/contracts.js';
import type { Run } from '../core/heartbeat.js';
import type { MetricsSink } from '../core/ports.js';
import { countedLatencyMs } from '../core/trusted-latency.js';
import type { CheckResult } from '../core/types.js';

/** PutMetricData's limit on datums per call. */
const MAX_DATUMS_PER_CALL = 1000;

/** One value of one check's metric at a time. */
function datum(checkId: string, metricName: string, at: string, unit: 'None' | 'Milliseconds', value: number): MetricDatum {
  return {
    MetricName: metricName,
    Dimensions: [{ Name: METRIC_DIMENSION, Value: checkId }],
    Timestamp: new Date(at),
    Unit: unit,
    Value: value,
  };
}

export function toMetricData(results: readonly CheckResult[]): MetricDatum[] {
  return results.flatMap((result) => {
    const availability = datum(result.checkId, METRICS.availability, result.startedAt, 'None', result.status === 'down' ? 0 : 1);
    // No latency for a heartbeat (its runs' durations are their own metric, toRunMetricData), a down run
    // or one timed under Vigil's own event-loop lag: availability still counts them (trusted-latency.ts).
    const latency = countedLatencyMs(result);
    if (latency === null) return [availability];
    return [availability, datum(result.checkId, METRICS.latency, result.startedAt, 'Milliseconds', latency)];
  });
}

/** A heartbeat's finished run: success as 1 or 0, and its duration when its start was reported. */
export function toRunMetricData(checkId: string, run: Run): MetricDatum[] {
  const success = datum(checkId, METRICS.runSuccess, run.endedAt, 'None', run.ok ? 1 : 0);
  if (run.durationMs === null) return [success];
  return [success, datum(checkId, METRICS.runDuration, run.endedAt, 'Milliseconds', run.durationMs)];
}

export class CloudWatchMetricsSink implements MetricsSink {
  constructor(private readonly client: CloudWatchClient) {}

  async put(results: readonly CheckResult[]): Promise<void> {
    await this.send(toMetricData(results));
  }

  async putRun(checkId: string, run: Run): Promise<void> {
    await this.send(toRunMetricData(checkId, run));
  }

  async putLocation(location: string, up: boolean, at: Date): Promise<void> {
    await this.send([
      {
        MetricName: METRICS.locationUp,
        Dimensions: [{ Name: LOCATION_DIMENSION, Value: location }],
        Timestamp: at,
        Unit: 'None',
        Value: up ? 1 : 0,
      },
    ]);
  }

  private async send(data: readonly MetricDatum[]): Promise<void> {
    for (let i = 0; i < data.length; i += MAX_DATUMS_PER_CALL) {
      await this.client.send(
        new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data.slice(i, i + MAX_DATUMS_PER_CALL) }),
      );
    }
  }
}
