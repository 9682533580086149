/**
 * An alert event read from the topic is only as trustworthy as whoever could publish it. What routes
 * or links (dedup keys, names, runbook and dashboard links) is rebuilt from the notifier's own config,
 * so a forged message cannot resolve another key or carry a `javascript:` link. Pure.
 */
import { burnDedupKey, dedupKey } from './alert-state.js';
import { objectiveLabel } from './objectives.js';
import type { CheckBase } from './schema-parts.js';
import { TEST_CHECK_ID } from './test-event.js';
import type { AlertEvent } from './types.js';

export interface TrustedContext {
  readonly stackName: string;
  readonly dashboardUrl: string | null;
}

/** The event with its config-derived fields rebuilt, or null when it names no configured check. */
export function trustedEvent(
  event: AlertEvent,
  config: { readonly checks: readonly CheckBase[] },
  context: TrustedContext,
): AlertEvent | null {
  const key = (checkId: string) => dedupKey(context.stackName, checkId);
  if (event.checkId === TEST_CHECK_ID) {
    return { ...event, dedupKey: key(TEST_CHECK_ID), dashboardUrl: null, runbookUrl: null, group: null };
  }
  const byId = new Map(config.checks.map((c) => [c.id, c]));
  const check = byId.get(event.checkId);
  if (!check) return null;
  const members = event.group?.members.flatMap((m) => {
    const member = byId.get(m.checkId);
    return member ? [{ ...m, checkName: member.name, dedupKey: key(member.id) }] : [];
  });
  let own = { dedupKey: key(check.id), burn: event.burn };
  if (event.burn) {
    // A burn names one of the check's own objectives, or it is not one this notifier knows.
    const objective = check.objectives[event.burn.objective];
    if (!objective) return null;
    // An older version paged a burn under a key of its own: its end still comes under that key.
    const separate = burnDedupKey(context.stackName, check.id, event.burn.objective, event.burn.window);
    own = {
      dedupKey: event.dedupKey === separate ? separate : key(check.id),
      burn: { ...event.burn, label: objectiveLabel(objective) },
    };
  }
  return {
    ...event,
    ...own,
    checkName: check.name,
    dashboardUrl: context.dashboardUrl,
    runbookUrl: check.runbookUrl,
    group: event.group && members ? { name: event.group.name, members } : null,
  };
}
