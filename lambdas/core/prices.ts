/**
 * The prices `vigil cost` estimates with: AWS list prices in US East (N. Virginia), on-demand, without
 * the free tier (shown separately) or savings plans. One place to update; each price says where it
 * comes from and when it was read. Other regions differ by a few percent.
 */
export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  readonly asOf: string;
}

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const ROUTE53 = 'https://aws.amazon.com/route53/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const TRANSFER = 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer_within_the_same_AWS_Region';

export const PRICES = {
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'GB-second (arm64, first 7.5 billion)', source: LAMBDA, asOf: '2026-11' },
  lambdaRequest: { usd: 0.2 / 1e6, per: 'request', source: LAMBDA, asOf: '2026-11' },
  dynamoWriteUnit: { usd: 0.625 / 1e6, per: 'write request unit (on-demand)', source: DYNAMODB, asOf: '2026-11' },
  dynamoReadUnit: { usd: 0.125 / 1e6, per: 'read request unit (on-demand)', source: DYNAMODB, asOf: '2026-11' },
  dynamoStorageGbMonth: { usd: 0.25, per: 'GB-month of table storage', source: DYNAMODB, asOf: '2026-11' },
  customMetricMonth: { usd: 0.3, per: 'custom metric-month (first 10,000)', source: CLOUDWATCH, asOf: '2026-11' },
  putMetricDataRequest: { usd: 0.01 / 1000, per: 'PutMetricData request', source: CLOUDWATCH, asOf: '2026-11' },
  logIngestGb: { usd: 0.5, per: 'GB of logs ingested (standard)', source: CLOUDWATCH, asOf: '2026-11' },
  logStorageGbMonth: { usd: 0.03, per: 'GB-month of logs stored', source: CLOUDWATCH, asOf: '2026-11' },
  alarmMonth: { usd: 0.1, per: 'standard-resolution alarm-month', source: CLOUDWATCH, asOf: '2026-11' },
  dashboardMonth: { usd: 3, per: 'dashboard-month', source: CLOUDWATCH, asOf: '2026-11' },
  sqsRequest: { usd: 0.4 / 1e6, per: 'SQS request (standard)', source: SQS, asOf: '2026-11' },
  kmsKeyMonth: {
    usd: 1,
    per: 'customer managed KMS key-month (each of its first two yearly rotations adds $1)',
    source: KMS,
    asOf: '2026-11',
  },
  interRegionGb: { usd: 0.02, per: 'GB sent to another AWS region', source: TRANSFER, asOf: '2026-11' },
  syntheticsCanaryRun: { usd: 0.0012, per: 'CloudWatch Synthetics canary run', source: CLOUDWATCH, asOf: '2026-11' },
  route53HealthCheckMonth: {
    usd: 0.75,
    per: 'Route 53 health check-month, endpoint outside AWS',
    source: ROUTE53,
    asOf: '2026-11',
  },
  route53OptionMonth: {
    usd: 2,
    per: 'Route 53 optional feature-month (HTTPS, string matching, fast interval), endpoint outside AWS',
    source: ROUTE53,
    asOf: '2026-11',
  },
} as const satisfies Record<string, Price>;

/** AWS's always-free allowances that apply to what Vigil uses (per account, shared with everything else in it). */
export const FREE_TIER = {
  lambdaGbSeconds: 400_000,
  lambdaRequests: 1_000_000,
  customMetrics: 10,
  alarms: 10,
  /** Dashboards of up to 50 metrics each. */
  dashboards: 3,
  logIngestGb: 5,
} as const;
