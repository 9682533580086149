/** The `vigil` command line: parse arguments, load config, run one command, return its exit code. */
import { parseArgs } from 'node:util';
import { missingLocalSecrets } from '../adapters/secrets.js';
import { loadConfigFile } from '../config/file.js';
import type { Config } from '../config/parse.js';
import { allSecretRefs } from '../config/secret-refs.js';
import { didYouMean } from '../core/did-you-mean.js';
import { DAY_MS, HOUR_MS, parseDuration } from '../core/duration.js';
import { ConfigError, UserError } from '../core/errors.js';
import { plural } from '../core/format.js';
import { heartbeatWarnings } from '../core/heartbeat.js';
import { burnThresholds, objectiveWarnings } from '../core/objectives.js';
import { URL_CREDENTIALS_MESSAGE, urlProblem } from '../core/schema-parts.js';
import { VERSION } from '../core/version.js';
import { checkDataDir } from './data-dir.js';
import { type CliIo, EXIT } from './io.js';

/** Every command, what it does and the flags it takes: the usage, `--help` and flag checks all read this. */
const COMMANDS = {
  check: {
    does: 'probe every check once',
    flags: '[--config F] [--json] [--only ID[,ID…]] [--location NAME[,NAME…]] [--data DIR | --table NAME]',
  },
  monitor: {
    does: 'run continuously, alerting',
    flags:
      '[--config F] [--data DIR] [--retention 30d] [--listen HOST:PORT] [--metrics HOST:PORT] [--location NAME[,NAME…]] [--allow-missing-secrets]',
  },
  run: { does: 'run a job and report it', flags: '--check ID [--config F] [--url BASE] [--retry-for 5m] -- CMD…' },
  validate: { does: 'validate the config (--target aws: as the AWS stack)', flags: '[--config F] [--target aws] [--memory MB]' },
  'test-alert': { does: 'send a test notification', flags: '--channel NAME [--config F]' },
  preview: { does: "print each channel's payload", flags: '--check ID --kind KIND [--config F]' },
  incidents: { does: 'list recorded outages', flags: '[--config F] [--check ID] [--json] [--data DIR | --table NAME]' },
  silence: {
    does: "hold a check's alerts; --list those in force; --lift ends a check's",
    flags: '--check ID --for DURATION --reason TEXT | --list [--check ID] | --lift ID [--config F] [--data DIR | --table NAME]',
  },
  report: {
    does: 'uptime, latency, incidents',
    flags: '[--config F] [--period 24h|7d|30d] [--json | --markdown | --html FILE] [--data DIR | --table NAME]',
  },
  'status-page': {
    does: 'static page of public checks',
    flags: '--out DIR [--config F] [--title TEXT] [--show errors,latency] [--data DIR | --table NAME]',
  },
  cost: { does: 'monthly AWS bill of the config', flags: '[--config F] [--memory MB] [--json]' },
} as const;
type Command = keyof typeof COMMANDS;

const USAGE = `usage: vigil <command> [options]      (vigil <command> --help, vigil --version)

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.does.padEnd(30)} ${c.flags}`)
  .join('\n')}

exit codes: 0 ok · 1 a check is down / not delivered · 2 bad config or usage`;

/** The flags a command takes, read from its usage line. */
function flagsOf(command: Command): Set<string> {
  return new Set([...COMMANDS[command].flags.matchAll(/--([a-z-]+)/g)].map((m) => m[1] as string));
}

const OPTIONS = {
  config: { type: 'string', short: 'c', default: 'vigil.yaml' },
  json: { type: 'boolean', default: false },
  only: { type: 'string', multiple: true, default: [] as string[] },
  location: { type: 'string', multiple: true, default: [] as string[] },
  data: { type: 'string', default: '.vigil' },
  retention: { type: 'string' },
  'allow-missing-secrets': { type: 'boolean', default: false },
  channel: { type: 'string' },
  check: { type: 'string' },
  kind: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
  list: { type: 'boolean', default: false },
  lift: { type: 'string' },
  table: { type: 'string' },
  period: { type: 'string', default: '24h' },
  markdown: { type: 'boolean', default: false },
  html: { type: 'string' },
  out: { type: 'string' },
  title: { type: 'string' },
  show: { type: 'string' },
  memory: { type: 'string' },
  target: { type: 'string' },
  listen: { type: 'string' },
  metrics: { type: 'string' },
  url: { type: 'string' },
  'retry-for': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UserError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`vigil: ${(error as Error).message}`);
      return EXIT.usage;
    }
    if ((error as Error).message === 'Region is missing') {
      io.stderr('vigil: no AWS region: set AWS_REGION (or a profile with a region) to use --table');
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
  if (ms === null || ms < HOUR_MS || ms > 3650 * DAY_MS) {
    throw new UserError(`--retention: expected a duration from 1h to 3650d, like "30d", got "${text}"`);
  }
  return { retentionMs: ms };
}

/** `--retry-for 5m`: how long `vigil run` tries each report, from 0 (once) to an hour. */
function retryForOption(text: string | undefined): { reportForMs?: number } {
  if (text === undefined) return {};
  const ms = parseDuration(text);
  if (ms === null || ms > HOUR_MS)
    throw new UserError(`--retry-for: expected a duration from 0s to 1h, like "5m", got "${text}"`);
  return { reportForMs: ms };
}

/** `--memory MB`: the probe function's memory size, as the stack takes it. */
function memoryOption(text: string | undefined): number | undefined {
  const memory = text === undefined ? undefined : Number(text);
  if (memory !== undefined && !(Number.isInteger(memory) && memory >= 128 && memory <= 10_240)) {
    throw new UserError(`--memory: expected a whole number of MB from 128 to 10240, got "${text}"`);
  }
  return memory;
}

/** How many problems the stack's rules find (0: it would deploy). */
function stackRefusal(plan: () => unknown): number {
  try {
    plan();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.length;
    throw error;
  }
}

/**
 * `--listen 127.0.0.1:8787`, `[::1]:8787` or `:8787` (loopback): where the heartbeat API (`--listen`) or
 * the Prometheus metrics (`--metrics`) are served.
 */
function listenOption(flag: 'listen' | 'metrics', text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const example = flag === 'listen' ? '127.0.0.1:8787' : '127.0.0.1:9464';
  if (!match || port > 65_535) throw new UserError(`--${flag}: expected HOST:PORT like ${example}, got "${text}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Parses the arguments, or says in plain words which one is wrong (never Node's parser text). */
function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node names a flag as '--x', or as '-c, --config <value>': the long name is what users type.
    const quoted = /'(-{1,2}[^']*)'/.exec((error as Error).message)?.[1] ?? '';
    const flag = /--[\w-]+/.exec(quoted)?.[0] ?? (quoted || undefined);
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const guess = didYouMean(flag.replace(/^-+/, ''), Object.keys(OPTIONS));
      throw new UserError(`unknown option ${flag}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) throw new UserError(`option ${flag} needs a value`);
    throw new UserError((error as Error).message.split('.')[0] ?? 'bad arguments');
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  // `vigil run … -- CMD…`: what follows `--` is the job's, flags included.
  const cut = argv.indexOf('--');
  const own = cut === -1 ? argv : argv.slice(0, cut);
  const job = cut === -1 ? [] : argv.slice(cut + 1);
  const { values, positionals } = parse(own);
  const [command, ...extra] = positionals;
  if (values.version) {
    io.stdout(`vigil ${VERSION}`);
    return EXIT.ok;
  }
  if (command === 'help' || (values.help && !command)) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (!command) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  if (!(command in COMMANDS)) {
    const guess = didYouMean(command, Object.keys(COMMANDS));
    throw new UserError(`unknown command "${command}"${guess ? ` (did you mean ${guess}?)` : ''}; vigil --help lists them`);
  }
  const known = command as Command;
  if (values.help) {
    io.stdout(`usage: vigil ${known} ${COMMANDS[known].flags}\n\n${COMMANDS[known].does}`);
    return EXIT.ok;
  }
  const given = own.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0] as string);
  const foreign = given.find((flag) => flag !== 'help' && flag !== 'version' && !flagsOf(known).has(flag));
  if (foreign) throw new UserError(`${known} does not take --${foreign}; it takes ${COMMANDS[known].flags}`);
  const only = [...values.only, ...(known === 'check' ? extra : [])].flatMap((ids) => ids.split(',')).filter(Boolean);
  if (known !== 'check' && extra.length > 0) throw new UserError(`unexpected argument "${extra[0]}" for ${known}`);
  if (known !== 'run' && job.length > 0) throw new UserError(`unexpected argument "${job[0]}" for ${known}`);
  const load = () => loadConfigFile(values.config).config;
  const locations = values.location.flatMap((names) => names.split(',')).filter(Boolean);
  /** The config, with every --location one of its own. */
  const loadWithLocations = () => {
    const config = load();
    const unknown = locations.filter((name) => !config.locations.some((l) => l.name === name));
    if (unknown.length > 0) {
      const known = config.locations.map((l) => l.name).join(', ') || 'none configured';
      throw new UserError(`--location: unknown location ${unknown.map((n) => `"${n}"`).join(', ')} (locations: ${known})`);
    }
    return config;
  };
  if (flagsOf(known).has('data') && !values.table) checkDataDir(values.data);
  switch (known) {
    // Commands load their modules on demand: `vigil check` should not pay for dynalite and the SDK.
    case 'check': {
      const { checkCommand } = await import('./check.js');
      return checkCommand(
        loadWithLocations(),
        { json: values.json, only, dataDir: values.data, table: values.table, ...(locations.length > 0 ? { locations } : {}) },
        io,
      );
    }
    case 'monitor': {
      const { monitorCommand } = await import('./monitor.js');
      const options = {
        dataDir: values.data,
        allowMissingSecrets: values['allow-missing-secrets'],
        ...retentionOption(values.retention),
        ...(values.listen === undefined ? {} : { listen: listenOption('listen', values.listen) }),
        ...(values.metrics === undefined ? {} : { serveMetrics: listenOption('metrics', values.metrics) }),
        ...(locations.length > 0 ? { locations } : {}),
      };
      return monitorCommand(loadWithLocations(), options, io);
    }
    case 'run': {
      if (!values.check) throw new UserError('run needs --check ID');
      if (job.length === 0) throw new UserError('run needs the job after --: vigil run --check ID -- ./job.sh');
      const badUrl = values.url === undefined ? null : urlProblem(values.url);
      if (badUrl === 'credentials') throw new UserError(`--url: ${URL_CREDENTIALS_MESSAGE}`);
      if (badUrl) {
        throw new UserError(`--url: expected an http(s) URL like http://127.0.0.1:8787, got "${values.url}"`);
      }
      let config: Config | Error;
      try {
        config = load();
      } catch (error) {
        // The job still runs: a broken config must not stop last night's backup.
        config = error as Error;
      }
      const { runCommand } = await import('./run.js');
      return runCommand(
        config,
        { checkId: values.check, url: values.url, command: job, ...retryForOption(values['retry-for']) },
        io,
      );
    }
    case 'validate': {
      if (values.target !== undefined && values.target !== 'aws') {
        throw new UserError(`--target: the one target is aws (the stack cdk synth makes), got "${values.target}"`);
      }
      const config = load();
      const memoryMb = memoryOption(values.memory);
      // The stack's own rules, from the code synth runs: as the verdict with --target aws, else a note.
      const { planStack } = await import('../../lib/stack-config.js');
      if (values.target === 'aws') planStack(config, values.config, { probeMemoryMb: memoryMb });
      // Locally at least: in AWS they come from Secrets Manager, so this is a warning, not a failure.
      for (const missing of missingLocalSecrets(allSecretRefs(config), io.env)) io.stderr(`warning: ${missing}`);
      for (const tight of objectiveWarnings(config.checks)) io.stderr(`warning: ${tight}`);
      for (const slow of heartbeatWarnings(config.checks)) io.stderr(`warning: ${slow}`);
      io.stdout(
        `${values.config}: valid (${plural(config.checks.length, 'check')}, ${plural(Object.keys(config.channels).length, 'channel')})`,
      );
      for (const note of config.notes ?? []) io.stdout(`  note: ${note}`);
      if (values.target === undefined) {
        const refused = stackRefusal(() => planStack(config, values.config, { probeMemoryMb: memoryMb }));
        if (refused > 0) {
          io.stdout(
            `  note: the AWS stack adds rules this config breaks (${plural(refused, 'problem')}); vigil validate --target aws lists them`,
          );
        }
      }
      // What it takes to fire each burn alert: synthetic checks run rarely, so never one failed run.
      for (const line of config.checks.flatMap(burnThresholds)) io.stdout(`  ${line}`);
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
        list: values.list,
        lift: values.lift,
      };
      return silenceCommand(load(), options, io);
    }
    case 'cost': {
      const memory = memoryOption(values.memory);
      const { costCommand } = await import('./cost.js');
      return costCommand(load(), { source: values.config, memoryMb: memory, json: values.json }, io);
    }
    case 'status-page': {
      const { statusPageCommand } = await import('./status-page.js');
      const options = { outDir: values.out, title: values.title, show: values.show, dataDir: values.data, table: values.table };
      return statusPageCommand(load(), options, io);
    }
    case 'report': {
      const formats = [values.json && 'json', values.markdown && 'markdown', values.html !== undefined && 'html'].filter(Boolean);
      if (formats.length > 1) throw new UserError('report takes one of --json, --markdown, --html FILE');
      const format = (formats[0] || 'table') as 'table' | 'json' | 'markdown' | 'html';
      const { reportCommand } = await import('./report.js');
      const options = { period: values.period, format, htmlFile: values.html, dataDir: values.data, table: values.table };
      return reportCommand(load(), options, io);
    }
  }
}
