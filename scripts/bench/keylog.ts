// The key-logged run (issue 17): the same capture with the key log the clients wrote while it was
// recorded (SCRATCH/bench.keys, generate.ts), so that every connection's protected handshake
// messages can be decrypted. Timed in the same rounds as the other tools:
//   tlspeek replay --json --keylog KEYS F   against   tshark -o tls.keylog_file:KEYS -T fields -e tls.handshake.type
// (tshark with a key log is what users would otherwise run), then tshark -T json with the key log
// once (tools.ts timeTsharkJson). The checks: tlspeek decrypted every connection (its counting
// run, stdout into a pipe, JSON.parse per line: `decrypted`, the decrypted Finished messages and
// TLS 1.3 CertificateRequests), and tshark saw the decrypted messages too (its Finished and
// CertificateRequest counts with the same key log).
import type { Manifest } from './generate.js';
import { measure, type Timing } from './measure.js';
import { REPO } from './options.js';
import { log, run } from './proc.js';
import { fmt, hsPerSec, type Row } from './figures.js';
import { lineSplitter } from './counts.js';
import { TLSPEEK, type Job, type Subject } from './tools.js';

export const KEYED_TLSPEEK_TOOL = 'tlspeek replay --json --keylog';
export const KEYED_TSHARK_FIELDS_TOOL = 'tshark keylog fields';
export const KEYED_TSHARK_JSON_TOOL = 'tshark keylog -T json';

/** The target of issue 17: tlspeek with the key log at least this many times tshark's speed with it. */
export const KEYED_SPEED_TARGET = 5;
export const RSS_BOUND_MIB = 200;

/** tlspeek's command line with the key log, without the capture file. */
export const keyedTlspeek = (keys: string): string[] => [...TLSPEEK, '--keylog', keys];

/** tshark's arguments for the key log (after -r F and the decode-as ones). */
export const tsharkKeylog = (keys: string): string[] => ['-o', `tls.keylog_file:${keys}`];

const HT_CERTIFICATE_REQUEST = 13;
const HT_FINISHED = 20;

/** The two keyed commands timed in the rounds (after ssldump). */
export function keyedJobs(s: Subject, keys: string): Job[] {
  return [
    { tool: KEYED_TLSPEEK_TOOL, cmd: 'node', args: [...keyedTlspeek(keys), s.F], cap: 900, note: 'full JSON, handshakes decrypted' },
    {
      tool: KEYED_TSHARK_FIELDS_TOOL,
      cmd: 'tshark',
      args: ['-r', s.F, ...s.DA, ...tsharkKeylog(keys), '-T', 'fields', '-e', 'tls.handshake.type'],
      cap: 900,
      note: 'handshake types, decrypted with the key log',
    },
  ];
}

export interface KeylogCounts {
  keys: string;
  /** Key-log lines and connections that wrote some (from the manifest). */
  keyLines: number;
  keyLoggedConnections: number;
  /** Completed connections of the TLS 1.3 mutual-TLS configuration (each has one encrypted CertificateRequest). */
  mtls13Connections: number;
  /** Completed TLS 1.3 connections (each has one encrypted EncryptedExtensions). */
  tls13Connections: number;
  tlspeek: {
    lines: number;
    /** Connections with `decrypted: true`. */
    decrypted: number;
    /** Connections without, by `decryption` (why not). */
    notDecrypted: Record<string, number>;
    finishedDecrypted: number;
    /** CertificateRequests with `decrypted: true` (TLS 1.3: encrypted in the handshake). */
    certificateRequestsDecrypted: number;
    /** The counting run: stdout into a pipe. */
    pipe: Timing;
  };
  tshark: { finished: number; certificateRequests: number; encryptedExtensions: number };
}

/** tlspeek's counting run with the key log (into a pipe) and tshark's message counts with it. */
export async function countKeyed(s: Subject, m: Manifest): Promise<KeylogCounts> {
  const keys = m.keys.file;
  log('counting tlspeek --keylog output (stdout into a pipe)');
  const t = { lines: 0, decrypted: 0, notDecrypted: {} as Record<string, number>, finishedDecrypted: 0, certificateRequestsDecrypted: 0 };
  const onLine = (line: string) => {
    t.lines++;
    const c = JSON.parse(line) as { decrypted?: boolean; decryption?: unknown; messages?: { type?: { code?: number } | null; decrypted?: boolean }[] };
    if (c.decrypted === true) t.decrypted++;
    else {
      const why = typeof c.decryption === 'string' ? c.decryption : JSON.stringify(c.decryption ?? 'no reason given');
      t.notDecrypted[why] = (t.notDecrypted[why] ?? 0) + 1;
    }
    for (const msg of c.messages ?? []) {
      if (!msg.decrypted) continue;
      if (msg.type?.code === HT_FINISHED) t.finishedDecrypted++;
      else if (msg.type?.code === HT_CERTIFICATE_REQUEST) t.certificateRequestsDecrypted++;
    }
  };
  const pipe = await measure('node', [...keyedTlspeek(keys), s.F], { cap: 900, cwd: REPO, onStdout: lineSplitter(onLine) });
  if (pipe.status !== 0) log(`WARNING: tlspeek --keylog exited with ${pipe.status}: ${pipe.stderr.slice(-1000)}`);
  log(`  into a pipe: ${fmt(pipe.wall, 2)} s wall, ${fmt(pipe.cpu, 2)} s CPU, ${fmt(pipe.rssMiB)} MiB peak RSS; ${t.decrypted} of ${t.lines} connections decrypted`);

  log('counting the handshake messages tshark decrypts with the key log');
  const out = run('tshark', ['-r', s.F, ...s.DA, ...tsharkKeylog(keys), '-Y', 'tls.handshake', '-T', 'fields', '-e', 'tls.handshake.type'], 900);
  const ts = { finished: 0, certificateRequests: 0, encryptedExtensions: 0 };
  for (const line of out.split('\n')) {
    if (!line) continue;
    for (const type of line.split(',')) {
      if (type === '20') ts.finished++;
      else if (type === '13') ts.certificateRequests++;
      else if (type === '8') ts.encryptedExtensions++;
    }
  }
  log(`  tshark: ${ts.finished} Finished, ${ts.certificateRequests} CertificateRequests, ${ts.encryptedExtensions} EncryptedExtensions`);
  return {
    keys,
    keyLines: m.keys.lines,
    keyLoggedConnections: m.keys.connections,
    mtls13Connections: m.configs.filter((c) => c.name.startsWith('mtls13')).reduce((a, c) => a + c.ok, 0),
    tls13Connections: m.configs.reduce((a, c) => a + (c.protocols['TLSv1.3'] ?? 0), 0),
    tlspeek: { ...t, pipe },
    tshark: ts,
  };
}

/** The plain tlspeek row (without the key log). */
export const plainTlspeek = (rows: Row[]): Row | undefined => rows.find((r) => r.tool.startsWith('tlspeek') && r.tool !== KEYED_TLSPEEK_TOOL);
export const keyedRow = (rows: Row[], tool: string): Row | undefined => rows.find((r) => r.tool === tool || r.tool === `${tool} *`);

/** The checks and targets of the key-logged run, as report lines (text and Markdown alike). */
export function keylogLines(rows: Row[], k: KeylogCounts, hellos: number): string[] {
  const mine = keyedRow(rows, KEYED_TLSPEEK_TOOL);
  const fields = keyedRow(rows, KEYED_TSHARK_FIELDS_TOOL);
  const L: string[] = [];
  const t = k.tlspeek;
  // Every connection of the bench completes its handshake: two Finished each, both encrypted.
  const finished = 2 * hellos;
  const why = Object.entries(t.notDecrypted).map(([w, n]) => `${n} ${w}`).join('; ');
  const ok = (good: boolean) => (good ? 'every connection' : 'NOT every connection');
  L.push(`key log: ${k.keyLines} lines from ${k.keyLoggedConnections} connections (${k.keys})`);
  L.push(`  tlspeek --keylog: ${t.decrypted} of ${t.lines} connections decrypted, ${t.finishedDecrypted} Finished decrypted (of ${finished}), ` +
    `${t.certificateRequestsDecrypted} TLS 1.3 CertificateRequests (of ${k.mtls13Connections}) → ` +
    `${ok(t.decrypted === hellos && t.lines === hellos && t.finishedDecrypted === finished && t.certificateRequestsDecrypted === k.mtls13Connections)}${why ? ` (not decrypted: ${why})` : ''}`);
  L.push(`  tshark with the key log: ${k.tshark.finished} Finished (of ${finished}), ${k.tshark.encryptedExtensions} EncryptedExtensions (of ${k.tls13Connections} TLS 1.3 connections), ` +
    `${k.tshark.certificateRequests} CertificateRequests (TLS 1.2 and 1.3) → ${ok(k.tshark.finished === finished && k.tshark.encryptedExtensions === k.tls13Connections)}`);
  L.push(`  the counting run (stdout into a pipe): ${fmt(t.pipe.wall, 2)} s wall, ${fmt(t.pipe.cpu, 2)} s CPU, peak RSS ${fmt(t.pipe.rssMiB)} MiB`);
  if (mine && fields) {
    const speed = hsPerSec(mine) / hsPerSec(fields);
    L.push(`target "≥ ${KEYED_SPEED_TARGET}× tshark with the key log": ${speed >= KEYED_SPEED_TARGET ? 'met' : 'NOT met'} (${fmt(speed, 2)}×: ${fmt(hsPerSec(mine), 0)} vs ${fmt(hsPerSec(fields), 0)} handshakes/s)`);
  }
  if (mine) {
    const peak = Math.max(mine.t.rssMiB, t.pipe.rssMiB);
    L.push(`target "peak RSS under ${RSS_BOUND_MIB} MiB with --keylog": ${peak < RSS_BOUND_MIB ? 'met' : 'NOT met'} (${fmt(mine.t.rssMiB)} MiB stdout /dev/null, ${fmt(t.pipe.rssMiB)} MiB stdout a pipe)`);
  }
  return L;
}

/** The ratio pairs of the key-logged run: [label, tlspeek's row, the other tool's row]. */
export function keyedPairs(rows: Row[]): [string, Row, Row][] {
  const mine = keyedRow(rows, KEYED_TLSPEEK_TOOL);
  if (!mine) return [];
  const out: [string, Row, Row][] = [];
  for (const [label, tool] of [
    ['tlspeek --keylog / tshark keylog fields', KEYED_TSHARK_FIELDS_TOOL],
    ['tlspeek --keylog / tshark keylog -T json', KEYED_TSHARK_JSON_TOOL],
  ] as const) {
    const other = keyedRow(rows, tool);
    if (other) out.push([label, mine, other]);
  }
  return out;
}
