import type { Argv, CommandModule } from 'yargs';
import { runDiff, type DiffOptions } from '../../app/diff.js';
import type { ColorChoice } from '../../report/style.js';
import { UsageError } from '../errors.js';
import type { Io } from '../../app/io.js';
import { colorOption, inputList, keylogFiles, keylogOption } from '../options.js';

interface DiffArgs {
  inputs: string[];
  label?: string | string[];
  all: boolean;
  json: boolean;
  color: ColorChoice | boolean;
  keylog?: string | string[];
}

/** The one message for too few inputs, none or one: yargs' count check and ours say the same. */
export function tooFewInputs(got: number): string {
  return `diff needs at least two inputs (FILE, FILE#N or FILE#sni=NAME), got ${got}`;
}

export function diffCommand(io: Io, setExit: (code: number) => void): CommandModule<object, DiffArgs> {
  return {
    command: 'diff <inputs..>',
    describe: 'Compare two or more handshakes side by side (working vs failing client, before vs after a fix)',
    builder: (y) =>
      (y as Argv<object>)
        .positional('inputs', inputList('FILE (its first TLS connection), FILE#N (connection N, as replay numbers it), FILE#sni=NAME; FILE is a pcap/pcapng or JSON Lines saved from --json'))
        .option('label', { type: 'string', describe: 'column label, once per input in order (repeat the option)' })
        .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'show equal fields too, not only the differences' })
        .option('json', { type: 'boolean', default: false, describe: 'the differences as one JSON object' })
        .option('color', colorOption)
        .option('keylog', keylogOption)
        .example('$0 diff captures/apache-mtls-pss-default.pcap captures/apache-mtls-pss-fixed.pcap', 'what the ClientSignatureAlgorithms fix changed')
        .example('$0 diff --label works --label fails good.pcap bad.pcap#sni=api.example.com', 'a working and a failing client')
        .example('$0 diff saved.jsonl#3 saved.jsonl#4', 'two connections from a saved replay --json') as unknown as Argv<DiffArgs>,
    handler: async (argv) => {
      if (argv.inputs.length < 2) throw new UsageError(tooFewInputs(argv.inputs.length));
      const labels = argv.label === undefined ? [] : Array.isArray(argv.label) ? argv.label : [argv.label];
      if (labels.length > argv.inputs.length) {
        throw new UsageError(`${labels.length} labels for ${argv.inputs.length} inputs`);
      }
      const opts: DiffOptions = {
        inputs: argv.inputs,
        labels,
        all: argv.all,
        json: argv.json,
        color: argv.color as ColorChoice,
      };
      const keylog = keylogFiles(argv.keylog);
      if (keylog) opts.keylog = keylog;
      setExit(await runDiff(opts, io));
    },
  };
}
