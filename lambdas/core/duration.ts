export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS = { ms: 1, s: 1_000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
/** Whole amounts of units from the largest down, each at most once, as Go and Prometheus write them: "1h30m", "2m30s500ms". */
const COMPOUND = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const COMPOUND_UNITS = [DAY_MS, HOUR_MS, MINUTE_MS, UNIT_MS.s, UNIT_MS.ms];

/**
 * Parses "500ms", "1.5s", "5m", "1h", "30d", or whole units from the largest down ("1m30s", "1h30m") into
 * milliseconds; `null` when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (match) {
    const [, amount, unit] = match;
    return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  }
  const parts = trimmed === '' ? null : COMPOUND.exec(trimmed);
  if (!parts) return null;
  return COMPOUND_UNITS.reduce((ms, unitMs, i) => ms + Number(parts[i + 1] ?? 0) * unitMs, 0);
}

/** The shortest exact spelling of a duration, for messages: 90000 → "90s", 3600000 → "1h". */
export function formatDuration(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
