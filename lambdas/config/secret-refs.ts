/** Every secret reference a config makes, with its path: what the stack grants and what a laptop must supply. Pure. */
import type { Channel } from '../channels/channel.js';
import { CHANNEL_TYPES } from '../channels/registry.js';
import type { CheckTypeDefinition } from '../checks/check-type.js';
import { CHECK_TYPES } from '../checks/registry.js';
import type { SecretRef } from '../core/schema-parts.js';
import type { ChannelConfig, Check, Config } from './parse.js';

export type SecretField = readonly [path: string, ref: SecretRef];

/** A channel's secret references (what its notifier resolves), each with its config path. */
export function channelSecretRefs(channel: ChannelConfig, at: string): SecretField[] {
  const provider = CHANNEL_TYPES[channel.type] as Channel<ChannelConfig>;
  return provider.secretRefs(channel).map(([field, ref]) => [`${at}.${field}`, ref] as const);
}

/** A check's secret references (what its probe resolves), each with its config path. */
export function checkSecretRefs(check: Check, at: string): SecretField[] {
  const definition = CHECK_TYPES[check.type] as CheckTypeDefinition<Check>;
  return (definition.secretRefs?.(check) ?? []).map(([field, ref]) => [`${at}.${field}`, ref] as const);
}

/** The heartbeat checks' tokens: what the heartbeat endpoint (not the probe) resolves. */
export function heartbeatTokenRefs(config: Config): SecretField[] {
  return config.checks.flatMap((check, i) => (check.type === 'heartbeat' ? [[`checks[${i}].token`, check.token] as const] : []));
}

/** Every reference in the config: the checks', the heartbeat tokens, then the channels'. */
export function allSecretRefs(config: Config): SecretField[] {
  return [
    ...config.checks.flatMap((check, i) => checkSecretRefs(check, `checks[${i}]`)),
    ...heartbeatTokenRefs(config),
    ...Object.entries(config.channels).flatMap(([name, channel]) => channelSecretRefs(channel, `channels.${name}`)),
  ];
}
