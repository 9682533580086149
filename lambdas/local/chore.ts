/** Work besides probing and dispatching that runs on the runner's clock (each channel's deliveries, retention, the self-watch). */
export interface Chore {
  /** Monotonic time it is next due at, or null when it has nothing to do. */
  dueAt(): number | null;
  run(): Promise<void>;
}
