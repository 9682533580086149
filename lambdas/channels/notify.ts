/** The notifier's one call: deliver an alert event to every channel its check routes to. */
import type { Config } from '../core/config.js';
import type { AlertEvent } from '../core/types.js';
import { type DeliveryDeps, type DeliveryOutcome, deliver } from './deliver.js';

/** The channel names an event goes to: the check's list, or every channel when the check is unknown. */
export function channelsFor(event: AlertEvent, config: Config): string[] {
  const check = config.checks.find((c) => c.id === event.checkId);
  return [...(check?.channels ?? Object.keys(config.channels))];
}

export async function notify(
  event: AlertEvent,
  config: Config,
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
