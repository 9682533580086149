/**
 * How the dashboard is cut to fit CloudWatch's and CloudFormation's limits, whatever the fleet's size
 * (docs/scaling.md, "Dashboards"). Pure arithmetic on the checks, so `vigil validate --target aws` and
 * synth share it; lib/dashboard.ts draws what it decides.
 */
import type { Check } from '../lambdas/config/parse.js';

/**
 * CloudWatch's limits on one dashboard: 500 widgets (Dashboard Body Structure), 2,500 metrics across its
 * widgets counting those metric math reads, 500 in one widget (CloudWatch service quotas). AWS does not
 * publish a body size: third-party references give 256 KB as the lowest, so a body is kept under 200 KB.
 */
export const DASHBOARD_LIMITS = { widgets: 500, metrics: 2_500, metricsPerWidget: 500, bodyBytes: 200_000 } as const;

/** What one check adds to a dashboard: widgets, metrics (metric math's inputs and expressions too) and body bytes. */
export interface Footprint {
  readonly widgets: number;
  readonly metrics: number;
  readonly bytes: number;
}

/**
 * Body bytes of a check's widgets, measured on synthesized dashboards (test/infra/dashboard-limits.test.ts holds
 * the estimate to at least the real size): each widget's frame, each metric line, and every time the id or
 * name is written.
 */
const BYTES = { widget: 190, metric: 70, objective: 200, heartbeat: 150, idUses: 1, nameUses: 2 } as const;

const percentilesOf = (check: Check) =>
  new Set(['p50', 'p95', 'p99', ...check.objectives.flatMap((o) => ('latency' in o ? [`p${o.latency.percent}`] : []))]).size;

export function checkFootprint(check: Check): Footprint {
  // Availability; latency percentiles, or a heartbeat's run time (average, longest) and success (a metric and its math).
  const series = 1 + (check.type === 'heartbeat' ? 4 : percentilesOf(check));
  const objectives = check.objectives.length;
  const widgets = 2 + (objectives > 0 ? 1 : 0);
  // Each objective: attained, budget left, burn (three expressions) on two reads of its metric.
  const metrics = series + objectives * 5;
  const idBytes = JSON.stringify(check.id).length;
  const nameBytes = JSON.stringify(check.name).length;
  const bytes =
    widgets * BYTES.widget +
    metrics * (BYTES.metric + idBytes * BYTES.idUses) +
    objectives * BYTES.objective +
    (check.type === 'heartbeat' ? BYTES.heartbeat : 0) +
    widgets * nameBytes * BYTES.nameUses;
  return { widgets, metrics, bytes };
}

/** The dashboard's own widgets besides the checks': a heading and the timing phases table (no metrics). */
const FRAME: Footprint = { widgets: 2, metrics: 0, bytes: 2_000 };

/**
 * A nested stack's template holds detail dashboards up to this many body bytes: CloudFormation takes a template
 * of at most 1 MB, and each dashboard's body is escaped into it (quotes double up) with room to spare.
 */
export const NESTED_TEMPLATE_BODY_BYTES = 600_000;

export interface DashboardLayout {
  /**
   * Every check on the one dashboard (as a small fleet always had it), or, when they do not fit, a fleet
   * overview plus detail pages of checks, each under CloudWatch's limits.
   */
  readonly single: boolean;
  /** Detail dashboards' checks, in config order; none when `single`. */
  readonly pages: readonly (readonly Check[])[];
  /** Which pages each nested stack holds (its template under 1 MB); none when `single`. */
  readonly stacks: readonly (readonly number[])[];
}

const add = (a: Footprint, b: Footprint): Footprint => ({
  widgets: a.widgets + b.widgets,
  metrics: a.metrics + b.metrics,
  bytes: a.bytes + b.bytes,
});
const fits = (f: Footprint) =>
  f.widgets <= DASHBOARD_LIMITS.widgets && f.metrics <= DASHBOARD_LIMITS.metrics && f.bytes <= DASHBOARD_LIMITS.bodyBytes;

export function dashboardLayout(checks: readonly Check[]): DashboardLayout {
  const footprints = checks.map(checkFootprint);
  if (fits(footprints.reduce(add, FRAME))) return { single: true, pages: [], stacks: [] };
  const pages: Check[][] = [];
  const pageBytes: number[] = [];
  let used = FRAME;
  checks.forEach((check, i) => {
    const next = add(used, footprints[i] as Footprint);
    if (pages.length === 0 || !fits(next)) {
      pages.push([check]);
      pageBytes.push(0);
      used = add(FRAME, footprints[i] as Footprint);
    } else {
      (pages.at(-1) as Check[]).push(check);
      used = next;
    }
    pageBytes[pages.length - 1] = used.bytes;
  });
  const stacks: number[][] = [];
  let stackBytes = Number.POSITIVE_INFINITY;
  pageBytes.forEach((bytes, page) => {
    if (stackBytes + bytes > NESTED_TEMPLATE_BODY_BYTES) {
      stacks.push([]);
      stackBytes = 0;
    }
    (stacks.at(-1) as number[]).push(page);
    stackBytes += bytes;
  });
  return { single: false, pages, stacks };
}
