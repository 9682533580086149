/**
 * Health JSON in the dialects services already serve, read case-insensitively. Pure.
 * - Vigil's own and many apps': `{"status":"healthy|degraded|unhealthy","checks":{name: status | {status}}}`
 * - Spring Boot Actuator: `{"status":"UP|DOWN|OUT_OF_SERVICE|UNKNOWN","components":{name:{"status":…}}}`
 * - the IETF health-check draft (application/health+json): `{"status":"pass|warn|fail","checks":{"name:measure":[{"status":…}]}}`
 * - plain `{"status":"ok"}`.
 */

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface Health {
  readonly status: HealthStatus | 'invalid';
  /** Components whose own status is not healthy. */
  readonly failing: readonly string[];
  /** For `invalid`: what was not understood. */
  readonly problem?: string;
}

const STATUS_WORDS: Readonly<Record<string, HealthStatus>> = {
  healthy: 'healthy',
  up: 'healthy',
  ok: 'healthy',
  pass: 'healthy',
  passing: 'healthy',
  green: 'healthy',
  degraded: 'degraded',
  warn: 'degraded',
  warning: 'degraded',
  yellow: 'degraded',
  unhealthy: 'unhealthy',
  down: 'unhealthy',
  fail: 'unhealthy',
  failing: 'unhealthy',
  out_of_service: 'unhealthy',
  critical: 'unhealthy',
  error: 'unhealthy',
  red: 'unhealthy',
};

const KNOWN = 'healthy/degraded/unhealthy, UP/DOWN/OUT_OF_SERVICE, pass/warn/fail or ok';

/** A status word as Vigil reads it; null when it is none it knows. */
function healthStatus(value: unknown): HealthStatus | null {
  return typeof value === 'string' ? (STATUS_WORDS[value.trim().toLowerCase()] ?? null) : null;
}

export function readHealth(body: string): Health {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status: 'invalid', failing: [], problem: 'health body is not JSON' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { status: 'invalid', failing: [], problem: 'health body is not a JSON object' };
  }
  const raw = (parsed as { status?: unknown }).status;
  if (raw === undefined) return { status: 'invalid', failing: [], problem: 'health body has no "status" field' };
  const status = healthStatus(raw);
  if (!status) {
    const shown = JSON.stringify(raw).slice(0, 60);
    return { status: 'invalid', failing: [], problem: `health status ${shown} is not one Vigil reads (${KNOWN})` };
  }
  const document = parsed as { checks?: unknown; components?: unknown; details?: unknown };
  const components = document.checks ?? document.components ?? document.details;
  return { status, failing: failingComponents(components) };
}

/** Names of components that are not healthy: a status word, `{status}`, or a list of `{status}` (IETF). */
function failingComponents(components: unknown): string[] {
  if (!components || typeof components !== 'object' || Array.isArray(components)) return [];
  return Object.entries(components as Record<string, unknown>)
    .filter(([, component]) => {
      const statuses = (Array.isArray(component) ? component : [component]).map((c) =>
        typeof c === 'string' ? c : (c as { status?: unknown } | null)?.status,
      );
      // A component whose status Vigil cannot read is not called failing: the overall status decides.
      return statuses.some((s) => {
        const read = healthStatus(s);
        return read !== null && read !== 'healthy';
      });
    })
    .map(([name]) => name);
}

export function componentsSuffix(failing: readonly string[]): string {
  return failing.length > 0 ? ` (${failing.join(', ')})` : '';
}
