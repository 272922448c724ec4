import type { Argv, CommandModule } from 'yargs';
import { runReplayCommand, type ReplayCommandOptions } from '../../app/replay-command.js';
import type { ColorChoice } from '../../report/style.js';
import type { Io } from '../../app/io.js';
import { checkNumber } from '../errors.js';
import { DEFAULT_MAX_FLOWS } from '../../capture/flows.js';
import { colorOption, inputList, keylogFiles, keylogOption, numberOption } from '../options.js';
import { STDIN } from '../../capture/reader.js';

/**
 * yargs loses a lone `-` given to a variadic positional: it parses `replay -` again as
 * `--files -` and takes the `-` for an option, leaving no file at all. main() passes its
 * arguments through this first; the handler turns the stand-in back into STDIN.
 */
const STDIN_STANDIN = '\u0000stdin';
export function protectStdinArgument(args: string[]): string[] {
  if (args.find((a) => !a.startsWith('-')) !== 'replay') return args;
  const end = args.indexOf('--');
  return args.map((a, i) => (a === STDIN && (end < 0 || i < end) ? STDIN_STANDIN : a));
}

interface ReplayArgs {
  files: string[];
  json: boolean;
  host?: string;
  port?: number;
  connection?: number;
  color: ColorChoice;
  verbose: boolean;
  progress: boolean;
  failOn?: 'error' | 'warning' | 'info';
  trace: boolean;
  hex: boolean;
  ja4Raw: boolean;
  maxFlows: number;
  keylog?: string | string[];
}

export function replayCommand(io: Io, setExit: (code: number) => void): CommandModule<object, ReplayArgs> {
  return {
    command: 'replay <files..>',
    describe: 'Decode every TLS handshake in pcap/pcapng capture files',
    builder: (y) =>
      (y as Argv<object>)
        .positional('files', inputList('pcap or pcapng files (tcpdump -w, Wireshark, dumpcap); - is standard input, and a pipe is read as it is written'))
        .option('json', { type: 'boolean', default: false, describe: 'JSON Lines: one object per connection (schema/connection.schema.json)' })
        .option('host', { type: 'string', describe: 'only connections with this address (either end) or SNI' })
        .option('port', numberOption('port', { max: 65535, describe: 'only connections with this port (either end)' }))
        .option('connection', numberOption('connection', { min: 1, alias: 'n', describe: 'only connection number N of each file' }))
        .option('color', colorOption)
        .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'show every list in full' })
        .option('progress', { type: 'boolean', default: true, describe: 'progress bar on stderr for large files (terminal only)' })
        .option('fail-on', { choices: ['error', 'warning', 'info'] as const, describe: 'exit 3 when a finding of this severity or worse is raised (for scripts and CI)' })
        .option('trace', { type: 'boolean', default: false, describe: 'before each connection, every record and handshake message as `openssl s_server -msg` shows them (text output)' })
        .option('hex', { type: 'boolean', default: false, describe: 'with --trace: hex dumps of record headers and plaintext messages' })
        .option('ja4-raw', { type: 'boolean', default: false, describe: 'also print the raw (unhashed) JA4 fingerprint' })
        .option('keylog', keylogOption)
        .option('max-flows', numberOption('max-flows', {
          min: 1,
          default: DEFAULT_MAX_FLOWS,
          describe: 'most TCP connections tracked at once (about 8 KiB of heap each; 10,000 measured 330–410 MiB peak RSS); beyond it the least recently active is reported early, with one warning',
        }))
        .example('$0 replay captures/apache-mtls-pss-default.pcap', 'the handshake ladder, CertificateRequest and certificates')
        .example('$0 replay --json dump.pcapng > handshakes.jsonl', 'JSON Lines for scripts (jq, diff)')
        .example("$0 replay --host 10.0.0.5 --port 443 big.pcap", 'only the connections to one server')
        .example("tcpdump -i any -U -w - 'tcp port 443' | $0 replay -", 'live: each connection as soon as its handshake is decided or it ends; Ctrl-C ends both')
        .example('$0 replay --fail-on error nightly.pcap', 'exit 3 if any handshake has an error-level finding')
        .example('$0 replay --keylog keys.log tls13.pcapng', 'TLS 1.3 with the client\'s key log: the CertificateRequest, certificates and alerts in the clear')
        .example('$0 replay --trace --hex -n 1 failing.pcap', 'records and messages with their bytes, to paste into a bug report') as unknown as Argv<ReplayArgs>,
    handler: async (argv) => {
      const opts: ReplayCommandOptions = {
        files: argv.files.map((f) => (f === STDIN_STANDIN ? STDIN : f)),
        json: argv.json,
        filter: {},
        color: argv.color,
        verbose: argv.verbose,
        progress: argv.progress,
        trace: argv.trace,
        hex: argv.hex,
        ja4Raw: argv.ja4Raw,
        maxFlows: checkNumber(argv.maxFlows, 'max-flows', { min: 1 }),
      };
      if (argv.host !== undefined) opts.filter.host = argv.host;
      if (argv.port !== undefined) opts.filter.port = checkNumber(argv.port, 'port', { max: 65535 });
      if (argv.connection !== undefined) opts.filter.connection = checkNumber(argv.connection, 'connection', { min: 1 });
      if (argv.failOn !== undefined) opts.failOn = argv.failOn;
      const keylog = keylogFiles(argv.keylog);
      if (keylog) opts.keylog = keylog;
      setExit(await runReplayCommand(opts, io));
    },
  };
}
