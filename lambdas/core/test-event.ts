import { dedupKey } from './alert-state.js';
import type { AlertEvent } from './types.js';

/** The check id test notifications carry: no real check has it routed anywhere but by name. */
export const TEST_CHECK_ID = 'vigil-test';

/** A clearly marked test notification, for proving the routing to a channel works. */
export function testEvent(stackName: string, at: Date): AlertEvent {
  return {
    version: 1,
    eventId: `${TEST_CHECK_ID}@${at.toISOString()}`,
    kind: 'test',
    checkId: TEST_CHECK_ID,
    checkName: 'Vigil test notification',
    severity: 'info',
    dedupKey: dedupKey(stackName, TEST_CHECK_ID),
    incidentId: null,
    incidentStartedAt: null,
    from: null,
    note: null,
    at: at.toISOString(),
    result: null,
    dashboardUrl: null,
    runbookUrl: null,
  };
}
