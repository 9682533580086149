import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp } from '../../lambdas/checks/warm-up.js';
import { config } from '../support/checks.js';
import { type Running, startHttp, startTcp } from '../support/servers.js';

let http: Running;
let tcp: Running;
let requests = 0;
let connections = 0;

beforeAll(async () => {
  http = await startHttp((_req, res) => {
    requests++;
    res.end('{"status":"healthy"}');
  });
  tcp = await startTcp((socket) => {
    connections++;
    socket.end();
  });
});
afterAll(async () => {
  await http.close();
  await tcp.close();
});

describe('warmUp', () => {
  it('runs each type that can be aimed at its loopback target, never at the configured ones, secrets unresolved', async () => {
    const checks = config({
      checks: [
        { id: 'api', type: 'http', url: `${http.url}/health`, headers: { authorization: { secret: 'not-in-this-test' } } },
        { id: 'db', type: 'tcp', host: '127.0.0.1', port: tcp.port },
        { id: 'zone', type: 'dns', name: 'example.invalid', recordType: 'A', resolver: `127.0.0.1:${tcp.port}` },
      ],
    }).checks;
    const results = await warmUp(checks, () => new Date(), { rounds: 2, width: 3 });
    expect([requests, connections]).toEqual([0, 0]);
    // Two rounds of three for http and tcp each, all against the loopback target, which answers healthy.
    expect(results.map((r) => `${r.checkId} ${r.status}`).sort()).toEqual([
      ...Array.from({ length: 6 }, () => 'api up'),
      ...Array.from({ length: 6 }, () => 'db up'),
    ]);
  });
});
