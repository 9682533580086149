/** The `vigil` CLI entry: real process I/O around runCli. */
import { runCli } from '../lambdas/cli/main.js';

// Locally the SDK only talks to the embedded dynalite; its Node 20 end-of-support notice is noise
// here (the Lambdas run on nodejs24.x).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `vigil … | head` closes the pipe early; that ends the output, not in a crash. `vigil run` goes on
// without its echo: the job and its report matter more.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  if (process.argv[2] !== 'run') process.exit(process.exitCode ?? 0);
});

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort());
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  signal: controller.signal,
  fetch: globalThis.fetch,
  // A person watching (not a pipe, a file or a dumb terminal): `vigil monitor` draws its live view.
  ...(process.stdout.isTTY && process.env.TERM !== 'dumb'
    ? {
        terminal: {
          columns: () => process.stdout.columns,
          rows: () => process.stdout.rows,
          write: (raw: string) => process.stdout.write(raw),
          color: process.env.NO_COLOR === undefined && process.stdout.hasColors(),
        },
      }
    : {}),
});
