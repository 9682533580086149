/** `vigil incidents [--check ID]`: every recorded outage, newest first. */
import type { Config } from '../config/parse.js';
import { UserError } from '../core/errors.js';
import { humanDuration } from '../core/format.js';
import type { NotificationEntry } from '../core/ports.js';
import type { CheckResult } from '../core/types.js';
import { statusNow } from '../core/watch.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { openStore } from './store.js';
import { renderTable } from './table.js';

export interface IncidentsOptions {
  readonly checkId: string | undefined;
  readonly json: boolean;
  readonly dataDir: string;
  readonly table: string | undefined;
}

export async function incidentsCommand(
  config: Config,
  options: IncidentsOptions,
  io: CliIo,
  now = new Date(),
): Promise<ExitCode> {
  if (options.checkId && !config.checks.some((c) => c.id === options.checkId))
    throw new UserError(`unknown check "${options.checkId}"`);
  const ids = options.checkId ? [options.checkId] : config.checks.map((c) => c.id);
  const { store, close } = await openStore({ ...options, config, mustHoldData: true });
  const incidents = await Promise.all(
    ids.map(async (id) => {
      const [list, state] = await Promise.all([store.listIncidents(id), store.getState(id)]);
      const check = config.checks.find((c) => c.id === id) as Config['checks'][number];
      const { status, lastCheckedAt } = statusNow(state, check.intervalMs, now);
      // Open, but nothing has looked at the check for two intervals: whether it goes on is not known.
      return list.map((i) =>
        i.endedAt
          ? { ...i, status: 'ended' as const }
          : status === 'unknown'
            ? { ...i, status: 'unknown' as const, lastCheckedAt }
            : { ...i, status: 'ongoing' as const },
      );
    }),
  ).finally(close);
  const all = incidents.flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  if (options.json) {
    io.stdout(JSON.stringify({ incidents: all }, null, 2));
    return EXIT.ok;
  }
  if (all.length === 0) {
    io.stdout('no incidents recorded');
    return EXIT.ok;
  }
  const rows = all.map((i) => [
    i.checkId,
    i.startedAt,
    i.status === 'unknown' ? `unknown: not watched since ${i.lastCheckedAt ?? 'it started'}` : (i.endedAt ?? 'ongoing'),
    i.status === 'unknown'
      ? `${humanDuration((i.lastCheckedAt ? Date.parse(i.lastCheckedAt) : Date.parse(i.startedAt)) - Date.parse(i.startedAt))}+`
      : humanDuration(i.durationMs ?? now.getTime() - Date.parse(i.startedAt)),
    i.cause ? `${i.cause.kind}: ${i.cause.message}${seenFrom(i.firstFailure)}` : '',
    i.notifications.map(describeNotification).join(', ') || '-',
  ]);
  io.stdout(renderTable([['CHECK', 'STARTED', 'ENDED', 'DURATION', 'CAUSE', 'NOTIFICATIONS'], ...rows]));
  return EXIT.ok;
}

/** " (seen from eu, us of 3)" for an outage several locations agreed on; "" otherwise. */
function seenFrom(result: CheckResult | null): string {
  const agreed = result?.locations?.filter((l) => l.agreed).map((l) => l.location) ?? [];
  return agreed.length > 0 ? ` (seen from ${agreed.join(', ')} of ${result?.locations?.length})` : '';
}

/** "down", "down (held)", "child down (held)" (a dependent's), "down (group edge)". */
function describeNotification(n: NotificationEntry): string {
  const notes = [
    ...(n.heldBy ? ['held'] : []),
    ...(n.group ? [`group ${n.group}`] : []),
    ...(n.undeliveredTo ? [`not delivered to ${n.undeliveredTo}`] : []),
  ];
  return `${n.checkId ? `${n.checkId} ` : ''}${n.kind}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}
