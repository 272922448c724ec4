// The counts that check the timed runs decoded the whole file: tlspeek's connections with a
// ClientHello (read through a pipe, JSON.parse per line) against tshark's ClientHellos,
// ssldump's own ClientHello count, and the bare walk's record count.
import { measure, type Timing } from './measure.js';
import { REPO } from './options.js';
import { log, run } from './proc.js';
import { fmt } from './figures.js';
import { BARE_WALK_JS } from './walk.js';

export interface Counts {
  lines: number;
  withClientHello: number;
  incomplete: number;
  withErrors: number;
  resumed: number;
  /** The counting run itself: tlspeek writing into a pipe (JSON.parse on the other end). */
  pipe: Timing;
}

/** tlspeek's counts (`cmd` is its command line without the file), the bare walk's records and ssldump's ClientHellos. */
export async function countAll(cmd: string[], F: string): Promise<{ counts: Counts; walkPackets: number; ssldumpHellos: number }> {
  log('counting tlspeek output');
  const counts = await countTlspeek(cmd, F);
  const walkPackets = Number(/"packets":(\d+)/.exec(readWalkOutput(F))?.[1] ?? NaN);
  // ssldump's own ClientHello count: it does decode every handshake, not skim.
  const ssldumpHellos = (run('ssldump', ['-r', F, '-n'], 900).match(/^ {6}ClientHello$/gm) ?? []).length;
  return { counts, walkPackets, ssldumpHellos };
}

function readWalkOutput(F: string): string {
  return run('node', ['-e', BARE_WALK_JS, F], 300);
}

/** Splits a piped stdout into lines for `line`; returns the chunk handler. */
export function lineSplitter(line: (text: string) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p) line(p);
  };
}

async function countTlspeek(cmd: string[], F: string): Promise<Counts> {
  const res = { lines: 0, withClientHello: 0, incomplete: 0, withErrors: 0, resumed: 0 };
  const onLine = (line: string) => {
    res.lines++;
    const c = JSON.parse(line) as {
      clientHello?: unknown;
      complete?: boolean;
      errors?: unknown[];
      serverHello?: { selectedVersion?: { code?: number }; extensions?: { code?: number }[] };
      messages?: { type?: { code?: number } | null }[];
    };
    if (c.clientHello) res.withClientHello++;
    if (c.complete === false) res.incomplete++;
    if (c.errors && c.errors.length) res.withErrors++;
    // Resumed: TLS 1.3 ServerHello with pre_shared_key (41); TLS 1.2 ServerHello without a Certificate.
    const sh = c.serverHello;
    if (sh) {
      const tls13 = sh.selectedVersion?.code === 0x0304;
      const types = (c.messages ?? []).map((x) => x.type?.code);
      if (tls13 ? (sh.extensions ?? []).some((e) => e.code === 41) : !types.includes(11)) res.resumed++;
    }
  };
  const pipe = await measure('node', [...cmd, F], { cap: 900, cwd: REPO, onStdout: lineSplitter(onLine) });
  if (pipe.status !== 0) log(`WARNING: tlspeek exited with ${pipe.status}: ${pipe.stderr.slice(-1000)}`);
  log(`  into a pipe: ${fmt(pipe.wall, 2)} s wall, ${fmt(pipe.cpu, 2)} s CPU, ${fmt(pipe.rssMiB)} MiB peak RSS`);
  return { ...res, pipe };
}
