/** The notifier's one call: deliver an alert event to every channel its check routes to. */
import type { CheckBase } from '../core/schema-parts.js';
import { type AlertEvent, SEVERITIES } from '../core/types.js';
import { type DeliveryDeps, type DeliveryOutcome, deliver } from './deliver.js';
import type { ChannelConfig } from './registry.js';

/** What routing reads of a config: its channels and which each check names. */
interface Routes {
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  readonly checks: readonly Pick<CheckBase, 'id' | 'channels'>[];
}

const rank = (severity: AlertEvent['severity']) => SEVERITIES.indexOf(severity);

/** Whether a channel takes an event: severity at least its minimum, kind among its kinds. Tests always pass. */
export function accepts(channel: ChannelConfig, event: AlertEvent): boolean {
  if (event.kind === 'test') return true;
  return rank(event.severity) >= rank(channel.minSeverity) && (channel.kinds?.includes(event.kind) ?? true);
}

/** The channels an event goes to: the check's list (every channel for an unknown check), filtered by routing. */
export function channelsFor(event: AlertEvent, config: Routes): string[] {
  const check = config.checks.find((c) => c.id === event.checkId);
  const names = check?.channels ?? Object.keys(config.channels);
  return names.filter((name) => {
    const channel = config.channels[name];
    return channel !== undefined && accepts(channel, event);
  });
}

export async function notify(
  event: AlertEvent,
  config: Routes,
  deps: DeliveryDeps,
  only?: readonly string[],
): Promise<DeliveryOutcome[]> {
  const names = only ?? channelsFor(event, config);
  return Promise.all(
    names.map((name) => {
      const channel = config.channels[name];
      if (!channel) return { channel: name, delivered: false, attempts: 0, error: `unknown channel "${name}"` };
      return deliver(event, name, channel, deps);
    }),
  );
}
