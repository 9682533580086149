/** What a command may touch: injected so the CLI runs in-process under test. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish their work and return. */
  readonly signal: AbortSignal;
  readonly fetch: typeof globalThis.fetch;
}

/** Exit codes (★ CLI contract). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
