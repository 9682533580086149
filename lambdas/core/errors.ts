/** A problem the user can fix (bad config, bad usage): reported without a stack, exit code 2. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** Every problem found in a config, each as "path: what was expected". */
export class ConfigError extends UserError {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    readonly source = 'config',
  ) {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A secret reference that could not be turned into a value. Never carries the value. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** A notification that could not be delivered after its retries. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** HTTP requests made before giving up. */
    readonly attempts = 0,
    /** How long the provider asked to be left alone (Retry-After), if it did. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/**
 * Vigil itself could not do its work (too many open files, a full disk, its store not answering): never
 * the target's failure, so it is not judged as a result; it is told as a "Vigil itself" alert instead.
 */
export class VigilFault extends Error {
  override readonly name = 'VigilFault';
  constructor(
    message: string,
    /** What failed: the store Vigil keeps state in, or the machine it runs on (files, disk, memory). */
    readonly source: 'store' | 'host' = 'host',
  ) {
    super(message);
  }
}
