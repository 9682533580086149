/** `vigil incidents [--check ID]`: every recorded outage, newest first. */
import type { Config } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { humanDuration } from '../core/format.js';
import type { NotificationEntry } from '../core/ports.js';
import type { CheckResult } from '../core/types.js';
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
  const incidents = await Promise.all(ids.map((id) => store.listIncidents(id))).finally(close);
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
    i.endedAt ?? 'ongoing',
    humanDuration(i.durationMs ?? now.getTime() - Date.parse(i.startedAt)),
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
