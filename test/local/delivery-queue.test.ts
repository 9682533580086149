import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../lambdas/local/delivery-queue.js';
import { alertEvent } from '../support/events.js';
import { recordingLog } from '../support/log.js';

describe('DeliveryQueue', () => {
  it('keeps an alert per routed channel in its file, across a restart, and leaves the file alone for one routed nowhere', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-deliveries-')), 'deliveries.json');
    const queue = new DeliveryQueue({ file, log: recordingLog() });
    queue.add(alertEvent(), [], 1_000);
    expect(queue.size).toBe(0);
    expect(existsSync(file)).toBe(false);

    queue.add(alertEvent({ checkId: 'db' }), ['chat', 'pager'], 2_000);
    expect(JSON.parse(readFileSync(file, 'utf8')).map((i: { channel: string }) => i.channel)).toEqual(['chat', 'pager']);
    const restarted = new DeliveryQueue({ file, log: recordingLog() });
    expect(restarted.size).toBe(2);
    expect(restarted.next('pager', 2_000)?.event.checkId).toBe('db');
  });
});
