/** `vigil preview --check ID --kind down`: the exact payload each routed channel would get, without sending. */

import type { Channel } from '../channels/channel.js';
import { channelsFor } from '../channels/notify.js';
import { CHANNEL_TYPES } from '../channels/registry.js';
import type { ChannelConfig, Check, CheckType, Config } from '../config/parse.js';
import { dedupKey } from '../core/alert-state.js';
import { formatDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { alertWindows, BURN_ALERTS, burnThresholds, objectiveLabel } from '../core/objectives.js';
import { ALERT_KINDS, type AlertEvent, type AlertKind, type CheckResult, type ProbeError } from '../core/types.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';

/** What a failing check of each type typically says, so a preview looks like the real thing. */
const EXAMPLE_ERRORS: Record<CheckType, ProbeError> = {
  http: { kind: 'http_status', message: 'expected status 2xx, got 503 (example)' },
  tcp: { kind: 'connect_refused', message: 'connection refused by db.internal (example)' },
  tls: { kind: 'assertion', message: 'certificate expires in 5 days (2026-11-28), below 7 (example)' },
  dns: { kind: 'assertion', message: 'A api.example.com: response NXDOMAIN, expected NOERROR (example)' },
  heartbeat: { kind: 'job_failed', message: 'run 7f3a failed with exit code 3 after 4m 12s: upload refused (example)' },
};

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

/** An event as the state machine would make it, around an example result. */
function previewEvent(check: Check, kind: AlertKind, now: Date): AlertEvent {
  const checkId = check.id;
  const failing = kind === 'down' || kind === 'reminder' || kind === 'flapping';
  const startedAt = new Date(now.getTime() - 5 * 60_000).toISOString();
  const result: CheckResult = {
    checkId,
    status: failing ? 'down' : kind === 'degraded' ? 'degraded' : 'up',
    error: failing ? EXAMPLE_ERRORS[check.type] : null,
    httpStatus: check.type === 'http' ? (failing ? 503 : 200) : null,
    timings: {
      dnsMs: 1.2,
      connectMs: 0.8,
      tlsMs: check.type === 'http' ? 4.1 : null,
      ttfbMs: 42.5,
      transferMs: 0.6,
      totalMs: 49.2,
    },
    startedAt: now.toISOString(),
    detail: kind === 'degraded' ? 'response time 950 ms above 800 ms (example)' : null,
  };
  if (kind === 'burn') return burnPreview(check, now, result);
  const severity = kind === 'degraded' || kind === 'flapping' ? check.degradedSeverity : check.severity;
  return {
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
}

export function previewCommand(config: Config, checkId: string | undefined, kind: string | undefined, io: CliIo): ExitCode {
  if (!checkId || !kind) throw new UserError('preview needs --check ID --kind KIND');
  if (!(ALERT_KINDS as readonly string[]).includes(kind))
    throw new UserError(`--kind: expected one of ${ALERT_KINDS.join(', ')}, got "${kind}"`);
  const check = config.checks.find((c) => c.id === checkId);
  if (!check) throw new UserError(`unknown check "${checkId}"`);
  const event = previewEvent(check, kind as AlertKind, new Date());
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
