/** `vigil preview --check ID --kind down`: the exact payload each routed channel would get, without sending. */

import type { Channel } from '../channels/channel.js';
import { channelsFor } from '../channels/notify.js';
import { CHANNEL_TYPES } from '../channels/registry.js';
import type { CheckRuntime } from '../checks/check-type.js';
import { CHECK_RUNTIMES } from '../checks/runtimes.js';
import type { Observation } from '../checks/shared/observation.js';
import { noTimings } from '../checks/shared/probe.js';
import { judged } from '../checks/shared/verdict.js';
import type { ChannelConfig, Check, Config } from '../config/parse.js';
import { dedupKey } from '../core/alert-state.js';
import { formatDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { alertWindows, BURN_ALERTS, burnThresholds, objectiveLabel } from '../core/objectives.js';
import { ALERT_KINDS, type AlertEvent, type AlertKind, type CheckResult, type CheckStatus } from '../core/types.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';

/**
 * A result of this check as its own type would judge it: the first of the type's examples (its
 * `examples`, lambdas/checks/<type>/example.ts) whose judgement is `status`, marked as an example. Null
 * when the check cannot be that (a tcp check is never degraded).
 */
function exampleResult(check: Check, status: CheckStatus, now: Date): CheckResult | null {
  // CHECK_RUNTIMES pairs each type with its runtime: its examples are what its judge reads.
  const runtime = CHECK_RUNTIMES[check.type] as unknown as CheckRuntime<Check, Observation>;
  for (const seen of runtime.examples(check, status, now)) {
    const result = judged(check, seen, runtime.judge, now);
    if (result.status !== status) continue;
    return {
      ...result,
      error: result.error && { ...result.error, message: `${result.error.message} (example)` },
      detail: result.detail === null ? null : `${result.detail} (example)`,
    };
  }
  return null;
}

/** A fast burn of the check's first objective, as the state machine would send it. */
function burnPreview(check: Check, now: Date, result: CheckResult): AlertEvent {
  const [objective] = check.objectives;
  if (!objective) throw new UserError(`check "${check.id}" has no objectives: a burn alert needs one`);
  const label = objectiveLabel(objective);
  const [alert] = BURN_ALERTS;
  const longWindow = formatDuration(alertWindows(objective, check.intervalMs, alert).longMs);
  const incidentId = `${check.id}/${now.toISOString()}`;
  return {
    version: 1,
    eventId: `${check.id}@${now.toISOString()}#preview`,
    kind: 'burn',
    checkId: check.id,
    checkName: check.name,
    severity: alert.severity,
    dedupKey: dedupKey('preview', check.id),
    incidentId,
    incidentStartedAt: now.toISOString(),
    from: null,
    burn: { objective: 0, window: alert.name, longWindow, label, rate: 20, threshold: alert.rate },
    note: `${label}: budget burning 20× over ${longWindow} (alerts at ${alert.rate}×; example)`,
    at: now.toISOString(),
    result,
    dashboardUrl: null,
    runbookUrl: check.runbookUrl,
  };
}

/** An event as the state machine would make it, around an example result; `note` when the check cannot be so. */
function previewEvent(check: Check, kind: AlertKind, now: Date): { event: AlertEvent; note: string | null } {
  const checkId = check.id;
  const failing = kind === 'down' || kind === 'reminder' || kind === 'flapping';
  const startedAt = new Date(now.getTime() - 5 * 60_000).toISOString();
  const status: CheckStatus = failing ? 'down' : kind === 'degraded' ? 'degraded' : 'up';
  const example = exampleResult(check, status, now);
  // A check its type cannot make up a passing answer for (a JSON assertion) still previews, plainly.
  const up = exampleResult(check, 'up', now) ?? {
    checkId,
    status: 'up',
    error: null,
    httpStatus: null,
    timings: noTimings(0),
    startedAt: now.toISOString(),
    detail: null,
  };
  const result = example ?? (status === 'up' ? up : { ...up, status, detail: `${status} (example)` });
  const note =
    example || status === 'up'
      ? null
      : `${checkId} is never ${status} as configured: the payload is how such an alert would look`;
  if (kind === 'burn') return { event: burnPreview(check, now, result), note };
  const severity = kind === 'degraded' || kind === 'flapping' ? check.degradedSeverity : check.severity;
  const event: AlertEvent = {
    version: 1,
    eventId: `${checkId}@${now.toISOString()}#preview`,
    kind,
    checkId,
    checkName: check.name,
    severity: kind === 'flapping' ? 'warning' : severity,
    dedupKey: dedupKey('preview', checkId),
    incidentId: failing || kind === 'recovered' ? `${checkId}/${startedAt}` : null,
    incidentStartedAt: failing || kind === 'recovered' ? startedAt : null,
    from: kind === 'recovered' ? 'down' : null,
    note:
      kind === 'flapping' ? 'flapping: changed state 8 times in the last 20 checks (42%); alerts held until it settles' : null,
    at: now.toISOString(),
    result,
    dashboardUrl: null,
    runbookUrl: check.runbookUrl,
  };
  return { event, note };
}

export function previewCommand(config: Config, checkId: string | undefined, kind: string | undefined, io: CliIo): ExitCode {
  if (!checkId || !kind) throw new UserError('preview needs --check ID --kind KIND');
  if (!(ALERT_KINDS as readonly string[]).includes(kind))
    throw new UserError(`--kind: expected one of ${ALERT_KINDS.join(', ')}, got "${kind}"`);
  const check = config.checks.find((c) => c.id === checkId);
  if (!check) throw new UserError(`unknown check "${checkId}"`);
  const { event, note } = previewEvent(check, kind as AlertKind, new Date());
  if (note) io.stdout(`note: ${note}`);
  // What it takes, at this check's interval, before such an alert goes out.
  if (kind === 'burn') for (const line of burnThresholds(check)) io.stdout(line);
  const routed = channelsFor(event, config);
  if (routed.length === 0) io.stdout(`no channel takes a ${event.severity} ${kind} alert for ${checkId}`);
  for (const name of routed) {
    const channel = config.channels[name] as ChannelConfig;
    const payloads = (CHANNEL_TYPES[channel.type] as Channel<ChannelConfig>).buildPayloads(event, channel);
    const shown =
      payloads.length === 0
        ? '(nothing: this provider ignores this kind, or e-mail is sent by SNS)'
        : JSON.stringify(payloads, null, 2);
    io.stdout(`── ${name} (${channel.type})\n${shown}`);
  }
  return EXIT.ok;
}
