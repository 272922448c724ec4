import type { Argv, CommandModule } from 'yargs';
import { runProxy, type ProxyOptions } from '../../app/proxy.js';
import { AddressError, parseHostPort } from '../../proxy/address.js';
import type { ColorChoice } from '../../report/style.js';
import { outputPathProblem } from '../../app/output-path.js';
import { UsageError } from '../errors.js';
import type { Io } from '../../app/io.js';
import { colorOption, keylogFiles, keylogOption, numberOption } from '../options.js';
import { UI_DEFAULT_KEEP } from '../../limits.js';

interface ProxyArgs {
  keylog?: string | string[];
  listen: string;
  backend: string;
  'connect-timeout': number;
  'idle-timeout': number;
  'max-connections': number;
  'write-pcap'?: string;
  html?: string;
  ui?: string;
  'ui-keep': number;
  json: boolean;
  color: ColorChoice;
  verbose: boolean;
}

/**
 * `elsewhere`: runs the proxy somewhere else once the arguments are known to be good (bin/tlspeek
 * re-executes itself with malloc tunables); help, version and usage errors never get that far.
 */
export function proxyCommand(io: Io, setExit: (code: number) => void, elsewhere?: () => Promise<number>): CommandModule<object, ProxyArgs> {
  return {
    command: 'proxy',
    describe: 'Relay TCP to a TLS server byte for byte and decode every handshake that passes (no keys needed)',
    builder: (y) =>
      (y as Argv<object>)
        .option('listen', { alias: 'l', type: 'string', default: '127.0.0.1:8443', describe: '[HOST:]PORT to listen on (IPv6 as [::1]:8443); host defaults to 127.0.0.1' })
        .option('backend', { alias: 'b', type: 'string', demandOption: true, describe: 'HOST:PORT of the real TLS server' })
        .option('connect-timeout', numberOption('connect-timeout', { default: 5000, describe: 'ms to wait for the backend to accept' }))
        .option('idle-timeout', numberOption('idle-timeout', { integer: false, default: 300, describe: 's without traffic before a connection is closed (0 = never)' }))
        .option('max-connections', numberOption('max-connections', { default: 1024, describe: 'open connections at most; more are closed at once' }))
        .option('write-pcap', { type: 'string', describe: 'also write the relayed streams to this pcap file (synthetic TCP/IP headers)' })
        .option('keylog', { ...keylogOption, describe: 'key log to follow while the proxy runs (SSLKEYLOGFILE of the client under test; a browser appends as it connects); repeatable: those handshakes are decrypted (never application data)' })
        .option('html', { type: 'string', describe: 'on exit, write a self-contained HTML report of every connection to this file' })
        .option('ui', { type: 'string', describe: '[HOST:]PORT for a live page of the handshakes (host defaults to 127.0.0.1; any other address needs the access token printed at start-up)' })
        .option('ui-keep', numberOption('ui-keep', { min: 1, max: 1_000_000, default: UI_DEFAULT_KEEP, describe: 'connections the live page keeps (the oldest go first)' }))
        .option('json', { type: 'boolean', default: false, describe: 'JSON Lines: one object per connection (schema/connection.schema.json)' })
        .option('color', colorOption)
        .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'a stderr line per connection open/close; every list in full' })
        .example('$0 proxy --listen 8443 --backend 10.0.0.5:443', 'point the failing client at localhost:8443')
        .example('$0 proxy -l 8443 -b 10.0.0.5:443 --ui 8081', 'and watch the handshakes live at http://127.0.0.1:8081/')
        .example('$0 proxy -l [::1]:8443 -b [::1]:443 --json --write-pcap mtls.pcap', 'JSON Lines on stdout and a pcap for Wireshark') as unknown as Argv<ProxyArgs>,
    handler: async (argv) => {
      let opts: ProxyOptions;
      try {
        opts = {
          listen: parseHostPort(argv.listen, '--listen', '127.0.0.1'),
          backend: parseHostPort(argv.backend, '--backend'),
          connectTimeoutMs: argv['connect-timeout'],
          idleTimeoutMs: argv['idle-timeout'] * 1000,
          maxConnections: argv['max-connections'],
          json: argv.json,
          color: argv.color,
          verbose: argv.verbose,
        };
      } catch (e) {
        if (e instanceof AddressError) throw new UsageError(e.message);
        throw e;
      }
      if (opts.backend.port === 0) throw new UsageError('--backend: port 0 is not a server port');
      if (argv['write-pcap'] !== undefined) opts.writePcap = argv['write-pcap'];
      if (argv.html !== undefined) opts.html = argv.html;
      if (argv.ui !== undefined) {
        try {
          opts.ui = { listen: parseHostPort(argv.ui, '--ui', '127.0.0.1'), keep: argv['ui-keep'] };
        } catch (e) {
          if (e instanceof AddressError) throw new UsageError(e.message);
          throw e;
        }
      }
      const keylog = keylogFiles(argv.keylog);
      if (keylog) opts.keylog = keylog;
      // Checked before listening: a mistyped folder is one line now, not a lost report at Ctrl-C.
      for (const [option, path] of [['--write-pcap', opts.writePcap], ['--html', opts.html]] as const) {
        const problem = path === undefined ? undefined : outputPathProblem(path);
        if (problem) throw new Error(`${option}: ${problem}`);
      }
      setExit(elsewhere ? await elsewhere() : await runProxy(opts, io));
    },
  };
}
