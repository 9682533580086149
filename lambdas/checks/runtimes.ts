/**
 * Every check type's probe and judge, for what probes (the probe Lambda, `vigil check`, `vigil monitor`).
 * Apart from registry.ts so the config, the notifier and the dispatcher carry no probe code. A type
 * missing here is a compile error.
 */
import type { SomeCheckRuntime } from './check-type.js';
import { dnsRuntime } from './dns/runtime.js';
import { heartbeatRuntime } from './heartbeat/runtime.js';
import { httpRuntime } from './http/runtime.js';
import type { CheckType } from './registry.js';
import { tcpRuntime } from './tcp/runtime.js';
import { tlsRuntime } from './tls/runtime.js';

export const CHECK_RUNTIMES: Readonly<Record<CheckType, SomeCheckRuntime>> = {
  http: httpRuntime,
  tcp: tcpRuntime,
  tls: tlsRuntime,
  dns: dnsRuntime,
  heartbeat: heartbeatRuntime,
};
