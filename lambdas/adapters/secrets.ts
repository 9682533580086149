/**
 * Resolves `{ secret }`, `{ env }` and plain values; where `{ secret }` comes from is a SecretSource
 * (Secrets Manager in AWS: secrets-manager.ts; the environment on a laptop: below). Values are cached for the resolver's life
 * (one per invocation or CLI run) and never logged; errors name the reference, not the value.
 */
import { SecretError } from '../core/errors.js';
import type { SecretResolver } from '../core/ports.js';
import type { SecretRef } from '../core/schema-parts.js';

/** Where `{ secret: NAME }` comes from: Secrets Manager in AWS, the environment on a laptop. */
export type SecretSource = (name: string) => Promise<string>;

export function createSecretResolver(source: SecretSource, env: NodeJS.ProcessEnv = process.env): SecretResolver {
  const cache = new Map<string, Promise<string>>();
  return async (ref) => {
    if (typeof ref === 'string') return ref;
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined || value === '') throw new SecretError(`environment variable ${ref.env} is not set`);
      return value;
    }
    let pending = cache.get(ref.secret);
    if (!pending) {
      pending = source(ref.secret);
      cache.set(ref.secret, pending);
      pending.catch(() => cache.delete(ref.secret));
    }
    return pending;
  };
}

/** `vigil/ops-slack` → `VIGIL_SECRET_VIGIL_OPS_SLACK`: how a laptop supplies a Secrets Manager secret. */
export function localSecretVariable(name: string): string {
  return `VIGIL_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function environmentSource(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return async (name) => {
    const variable = localSecretVariable(name);
    const value = env[variable];
    if (!value) throw new SecretError(`secret ${name} is not available locally: set ${variable}`);
    return value;
  };
}

/** The CLI's resolver: `{ env }` and `{ secret }` both from the environment, as a laptop has them. */
export function localSecretResolver(env: NodeJS.ProcessEnv): SecretResolver {
  return createSecretResolver(environmentSource(env), env);
}

/**
 * What a laptop is missing to resolve the config's references, one line each naming the field and the
 * variable to set; empty when everything resolves. Values are never read out, only their presence.
 */
export function missingLocalSecrets(refs: readonly (readonly [string, SecretRef])[], env: NodeJS.ProcessEnv): string[] {
  return refs.flatMap(([path, ref]) => {
    if (typeof ref === 'string') return [];
    const variable = 'env' in ref ? ref.env : localSecretVariable(ref.secret);
    if (env[variable]) return [];
    const what =
      'env' in ref
        ? `environment variable ${variable} is not set`
        : `secret ${ref.secret} is not available locally: set ${variable}`;
    return [`${path}: ${what}`];
  });
}
