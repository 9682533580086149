/** The `vigil` command line: parse arguments, load config, run one command, return its exit code. */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../core/config-file.js';
import { parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';

const USAGE = `usage: vigil <command> [options]

commands:
  check       probe every check once         [--config F] [--json] [--only ID ...]
  monitor     run continuously, alerting     [--config F] [--data DIR] [--retention 30d]
  validate    validate the config only       [--config F]
  test-alert  send a test notification       --channel NAME [--config F]
  preview     print each channel's payload   --check ID --kind KIND [--config F]
  incidents   list recorded outages          [--check ID] [--json] [--data DIR | --table NAME]
  silence     hold a check's alerts          --check ID --for DURATION --reason TEXT [--data DIR | --table NAME]
  report      uptime, latency, incidents     [--period 24h|7d|30d] [--json | --markdown | --html FILE] [--data DIR | --table NAME]

exit codes: 0 ok · 1 a check is down / not delivered · 2 bad config or usage`;

const OPTIONS = {
  config: { type: 'string', short: 'c', default: 'vigil.yaml' },
  json: { type: 'boolean', default: false },
  only: { type: 'string', multiple: true, default: [] as string[] },
  data: { type: 'string', default: '.vigil' },
  retention: { type: 'string' },
  channel: { type: 'string' },
  check: { type: 'string' },
  kind: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
  table: { type: 'string' },
  period: { type: 'string', default: '24h' },
  markdown: { type: 'boolean', default: false },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UserError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`vigil: ${(error as Error).message}`);
      return EXIT.usage;
    }
    // AWS said no (credentials, permissions, a missing table): the user's to fix, not a Vigil bug.
    if ((error as { $metadata?: unknown }).$metadata || (error as Error).name === 'CredentialsProviderError') {
      io.stderr(`vigil: AWS request failed: ${(error as Error).name}: ${(error as Error).message}`);
      return EXIT.failed;
    }
    io.stderr(`vigil: internal error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.failed;
  }
}

/** `--retention 30d`: how long the monitor keeps results, from an hour to ten years. */
function retentionOption(text: string | undefined): { retentionMs?: number } {
  if (text === undefined) return {};
  const ms = parseDuration(text);
  if (ms === null || ms < 3_600_000 || ms > 3650 * 86_400_000) {
    throw new UserError(`--retention: expected a duration from 1h to 3650d, like "30d", got "${text}"`);
  }
  return { retentionMs: ms };
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const only = [...values.only, ...(command === 'check' ? extra : [])];
  if (!command || (command !== 'check' && extra.length > 0)) {
    io.stderr(command ? `vigil: unexpected argument "${extra[0]}"\n\n${USAGE}` : USAGE);
    return EXIT.usage;
  }
  const load = () => loadConfigFile(values.config).config;
  switch (command) {
    // Commands load their modules on demand: `vigil check` should not pay for dynalite and the SDK.
    case 'check': {
      const { checkCommand } = await import('./check.js');
      return checkCommand(load(), { json: values.json, only }, io);
    }
    case 'monitor': {
      const { monitorCommand } = await import('./monitor.js');
      return monitorCommand(load(), { dataDir: values.data, ...retentionOption(values.retention) }, io);
    }
    case 'validate': {
      const config = load();
      io.stdout(`${values.config}: valid (${config.checks.length} checks, ${Object.keys(config.channels).length} channels)`);
      return EXIT.ok;
    }
    case 'test-alert':
      if (!values.channel) throw new UserError('test-alert needs --channel NAME');
      return (await import('./test-alert.js')).testAlertCommand(load(), values.channel, io);
    case 'preview':
      return (await import('./preview.js')).previewCommand(load(), values.check, values.kind, io);
    case 'incidents': {
      const { incidentsCommand } = await import('./incidents.js');
      return incidentsCommand(
        load(),
        { checkId: values.check, json: values.json, dataDir: values.data, table: values.table },
        io,
      );
    }
    case 'silence': {
      const { silenceCommand } = await import('./silence.js');
      const options = {
        checkId: values.check,
        duration: values.for,
        reason: values.reason,
        dataDir: values.data,
        table: values.table,
      };
      return silenceCommand(load(), options, io);
    }
    case 'report': {
      const formats = [values.json && 'json', values.markdown && 'markdown', values.html !== undefined && 'html'].filter(Boolean);
      if (formats.length > 1) throw new UserError('report takes one of --json, --markdown, --html FILE');
      const format = (formats[0] || 'table') as 'table' | 'json' | 'markdown' | 'html';
      const { reportCommand } = await import('./report.js');
      const options = { period: values.period, format, htmlFile: values.html, dataDir: values.data, table: values.table };
      return reportCommand(load(), options, io);
    }
    default:
      io.stderr(`vigil: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}
