import type { Argv, CommandModule } from 'yargs';
import { runReportCommand, type ReportCommandOptions } from '../../app/report.js';
import type { Io } from '../../app/io.js';
import { inputList, keylogFiles, keylogOption, numberOption } from '../options.js';

interface ReportArgs {
  files: string[];
  output: string;
  host?: string;
  port?: number;
  title?: string;
  keylog?: string | string[];
}

export function reportCommand(io: Io, setExit: (code: number) => void): CommandModule<object, ReportArgs> {
  return {
    command: 'report <files..>',
    describe: 'Write a self-contained HTML report (connection list, sequence diagrams, certificates, findings)',
    builder: (y) =>
      (y as Argv<object>)
        .positional('files', inputList('pcap or pcapng files'))
        .option('output', { alias: 'o', type: 'string', demandOption: true, requiresArg: true, describe: 'the HTML file to write (not written when no input can be read)' })
        .option('host', { type: 'string', describe: 'only connections with this address (either end) or SNI' })
        .option('port', numberOption('port', { max: 65535, describe: 'only connections with this port (either end)' }))
        .option('title', { type: 'string', describe: 'report title' })
        .option('keylog', keylogOption)
        .example('$0 report failing.pcap -o report.html', 'open report.html in any browser; it needs no network') as unknown as Argv<ReportArgs>,
    handler: async (argv) => {
      const opts: ReportCommandOptions = { files: argv.files, output: argv.output, filter: {} };
      if (argv.host !== undefined) opts.filter.host = argv.host;
      if (argv.port !== undefined) opts.filter.port = argv.port;
      if (argv.title !== undefined) opts.title = argv.title;
      const keylog = keylogFiles(argv.keylog);
      if (keylog) opts.keylog = keylog;
      setExit(await runReportCommand(opts, io));
    },
  };
}
