// The command line: yargs in, use cases out. Nothing else in src/ imports this.
import yargs, { type CommandModule } from 'yargs';
import { readFileSync } from 'node:fs';
import { protectStdinArgument, replayCommand } from './commands/replay.js';
import { proxyCommand } from './commands/proxy.js';
import { diffCommand, tooFewInputs } from './commands/diff.js';
import { rulesCommand } from './commands/rules.js';
import { reportCommand } from './commands/report.js';
import { UsageError } from './errors.js';
import { processIo, type Io } from '../app/io.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export interface CliHooks {
  /**
   * Runs a `proxy` command whose arguments were found good, somewhere else, and resolves with its
   * exit status: bin/tlspeek re-executes itself with glibc malloc tunables for the proxy. Called
   * only after --help, --version and every usage check, so those never start a second process.
   */
  proxyElsewhere?: () => Promise<number>;
}

/** yargs' message for missing positionals, said per command (none or too few: the same words). */
const TOO_FEW: Record<string, (got: number) => string> = {
  replay: (got) => `replay needs at least one capture file, got ${got}`,
  report: (got) => `report needs at least one capture file, got ${got}`,
  diff: tooFewInputs,
};

/** The yargs instance for `args`, with every command. */
function buildCli(args: string[], io: Io, setExit: (code: number) => void, hooks: CliHooks, wrap: number | null) {
  const commands = [replayCommand(io, setExit), proxyCommand(io, setExit, hooks.proxyElsewhere), diffCommand(io, setExit), rulesCommand(io, setExit), reportCommand(io, setExit)];
  const names = commands.map((c) => String(c.command).split(' ')[0]!);
  const command = args.find((a) => !a.startsWith('-'));
  let cli = yargs(args)
    .scriptName('tlspeek')
    .usage('$0 <command> [options]\n\nA passive TLS handshake analyzer: see why mutual TLS fails, byte by byte.')
    // Our own messages are English; yargs' must not switch language with LANG.
    .locale('en');
  for (const c of commands) cli = cli.command(c as unknown as CommandModule);
  cli = cli
    .demandCommand(1, `Name a command: ${names.join(', ')}`)
    .strict()
    .recommendCommands()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(wrap)
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs' own errors (YError: a bad value from a coerce, such as numberOption's) are usage
      // errors; anything else a handler threw is not.
      if (err && err.name !== 'YError') throw err;
      const few = /^Not enough non-option arguments: got (\d+)/.exec(msg ?? '');
      const say = few && command !== undefined ? TOO_FEW[command] : undefined;
      throw new UsageError(say ? say(Number(few![1])) : msg);
    });
  // yargs also renders the help text (unwrapped) after starting every command, to keep it for
  // an error later: 30 ms of string-width per run. Our usage errors render help themselves.
  const usage = (cli as unknown as { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?(): void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
  return { cli, command: command !== undefined && names.includes(command) ? command : undefined };
}

/** The help text `tlspeek [COMMAND] --help` prints. */
async function helpText(command: string | undefined, io: Io, hooks: CliHooks, width: number): Promise<string> {
  const args = command ? [command, '--help'] : ['--help'];
  let text = '';
  await buildCli(args, io, () => {}, hooks, width).cli.parseAsync(args, {}, (_err: unknown, _argv: unknown, out: string) => {
    text = out;
  });
  return text;
}

/** Runs the CLI and resolves with the exit status. */
export async function main(given: string[], io: Io = processIo, hooks: CliHooks = {}): Promise<number> {
  const args = protectStdinArgument(given);
  let exitCode = 0;
  const width = Math.min(100, process.stdout.columns ?? 80);
  // yargs renders the whole help text on every command run (to keep it for errors); wrapping it
  // cost 40 ms of each run. It is wrapped only when it will be shown: --help, or a usage error.
  const wantsHelp = args.some((a) => a === '--help' || a === '-h');
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const { cli, command } = buildCli(args, io, setExit, hooks, wantsHelp ? width : null);
  try {
    // With a callback, yargs hands --help/--version text back instead of printing it,
    // so it goes to our stream like everything else.
    let output = '';
    await cli.parseAsync(args, {}, (_err: unknown, _argv: unknown, out: string) => {
      output = out;
    });
    if (output) io.out.write(`${output}\n`);
  } catch (e) {
    if (e instanceof UsageError) {
      // The usage of the command the error is about, whether yargs or its handler found it.
      io.err.write(`${await helpText(command, io, hooks, width)}\n\ntlspeek: ${e.message}\n`);
      return 2;
    }
    io.err.write(`tlspeek: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return exitCode;
}
