// The command line: yargs in, use cases out. Nothing else in src/ imports this.
import yargs from 'yargs';
import { readFileSync } from 'node:fs';
import { protectStdinArgument, replayCommand } from './commands/replay.js';
import { proxyCommand } from './commands/proxy.js';
import { diffCommand } from './commands/diff.js';
import { rulesCommand } from './commands/rules.js';
import { reportCommand } from './commands/report.js';
import { UsageError } from './errors.js';
import { processIo, type Io } from './io.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI and resolves with the exit status. */
export async function main(given: string[], io: Io = processIo): Promise<number> {
  const args = protectStdinArgument(given);
  let exitCode = 0;
  const width = Math.min(100, process.stdout.columns ?? 80);
  // yargs renders the whole help text on every command run (to keep it for errors); wrapping it
  // cost 40 ms of each run. It is wrapped only when it will be shown: --help, or a usage error.
  const wantsHelp = args.some((a) => a === '--help' || a === '-h');
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const cli = yargs(args)
    .scriptName('tlspeek')
    .usage('$0 <command> [options]\n\nA passive TLS handshake analyzer: see why mutual TLS fails, byte by byte.')
    .command(replayCommand(io, setExit))
    .command(proxyCommand(io, setExit))
    .command(diffCommand(io, setExit))
    .command(rulesCommand(io, setExit))
    .command(reportCommand(io, setExit))
    .demandCommand(1, 'Name a command: replay, proxy')
    .strict()
    .recommendCommands()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(wantsHelp ? width : null)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  // yargs also renders the help text (unwrapped) after starting every command, to keep it for
  // an error later: 30 ms of string-width per run. Our fail() renders help itself when needed.
  const usage = (cli as unknown as { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?(): void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
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
      io.err.write(`${await cli.wrap(width).getHelp()}\n\ntlspeek: ${e.message}\n`);
      return 2;
    }
    io.err.write(`tlspeek: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return exitCode;
}
