/** Health JSON as apps serve it: `{"status":"healthy|degraded|unhealthy","checks":{…}}`. Pure. */

interface Health {
  readonly status: 'healthy' | 'degraded' | 'unhealthy' | 'invalid';
  /** Components under `checks` whose own status is not healthy. */
  readonly failing: readonly string[];
}

/** Reads `{"status":"healthy|degraded|unhealthy","checks":{name:{status}…}}`; anything else is invalid. */
export function readHealth(body: string): Health {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status: 'invalid', failing: [] };
  }
  const status = (parsed as { status?: unknown })?.status;
  if (status !== 'healthy' && status !== 'degraded' && status !== 'unhealthy') return { status: 'invalid', failing: [] };
  const checks = (parsed as { checks?: unknown }).checks;
  const failing =
    checks && typeof checks === 'object'
      ? Object.entries(checks as Record<string, unknown>)
          .filter(([, component]) => {
            const own = (component as { status?: unknown })?.status ?? component;
            return typeof own === 'string' && own !== 'healthy';
          })
          .map(([name]) => name)
      : [];
  return { status, failing };
}

export function componentsSuffix(failing: readonly string[]): string {
  return failing.length > 0 ? ` (${failing.join(', ')})` : '';
}
