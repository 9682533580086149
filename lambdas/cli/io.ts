/** What a command may touch: injected so the CLI runs in-process under test. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish their work and return. */
  readonly signal: AbortSignal;
  readonly fetch: typeof globalThis.fetch;
  /** Set when stdout is a terminal a person watches (not a pipe or a file): a command may draw in place. */
  readonly terminal?: Terminal;
}

/** What drawing in place needs of a terminal. */
export interface Terminal {
  readonly columns: () => number;
  readonly rows: () => number;
  /** Writes as it is: no newline added. */
  readonly write: (raw: string) => void;
  /** Whether to colour (not with NO_COLOR, or a terminal without colours). */
  readonly color: boolean;
}

/** Exit codes (★ CLI contract). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
