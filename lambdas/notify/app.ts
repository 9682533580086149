/** The notifier Lambda's one job: each SNS record is an alert event; deliver it to its channels. */
import type { SNSEvent } from 'aws-lambda';
import type { SecretResolver } from '../adapters/secrets.js';
import type { DeliveryDeps, DeliveryOutcome } from '../channels/deliver.js';
import { notify } from '../channels/notify.js';
import { parseAlertEvent } from '../core/alert-event.js';
import type { Config } from '../core/config.js';
import { DeliveryError } from '../core/errors.js';

export interface NotifierDeps extends Omit<DeliveryDeps, 'resolveSecret'> {
  readonly config: Config;
  readonly secretResolver: () => SecretResolver;
}

/**
 * Throws when a channel could not be reached after its retries, so Lambda retries the record and
 * finally sends it to the DLQ: an alert is never dropped silently (a retry may repeat a message to
 * a channel that did get it; PagerDuty folds those by dedup_key).
 */
export function createNotifierApp(deps: NotifierDeps) {
  return async (event: SNSEvent): Promise<DeliveryOutcome[]> => {
    const deliveryDeps = { ...deps, resolveSecret: deps.secretResolver() };
    const outcomes: DeliveryOutcome[] = [];
    for (const record of event.Records) {
      const alert = parseAlertEvent(record.Sns.Message);
      deps.log.info('delivering alert', { checkId: alert.checkId, kind: alert.kind, incidentId: alert.incidentId });
      outcomes.push(...(await notify(alert, deps.config, deliveryDeps)));
    }
    const failed = outcomes.filter((o) => !o.delivered);
    if (failed.length > 0) {
      throw new DeliveryError(`not delivered to ${failed.map((o) => `${o.channel} (${o.error})`).join(', ')}`);
    }
    return outcomes;
  };
}
