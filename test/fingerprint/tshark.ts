// tshark as an independent oracle for JA3/JA3S: tshark 4.0 prints tls.handshake.ja3(_full) and
// tls.handshake.ja3s(_full) per hello. Rows are keyed by the hello's sender and receiver so they
// can be matched with tlspeek's connections (client → server).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';

/** The options the corpus oracles were made with (corpus README, "Oracle format"). */
export const BASE_OPTS = [
  '-o', 'tls.desegment_ssl_records:TRUE',
  '-o', 'tls.desegment_ssl_application_data:FALSE',
  '-o', 'tcp.desegment_tcp_streams:TRUE',
  '-o', 'tcp.reassemble_out_of_order:TRUE',
];

export function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TsharkHello {
  stream: number;
  frame: number;
  /** "ip:port" of the sender and receiver. */
  from: string;
  to: string;
  ja3Full?: string;
  ja3?: string;
  ja3sFull?: string;
  ja3s?: string;
}

const ep = (ip: string, port: string): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Decode-as ports from the capture's corpus oracle file, when there is one. */
export function decodeAs(file: string): string[] {
  const oracle = `${file}.tshark.json`;
  if (!existsSync(oracle)) return [];
  const ports = (JSON.parse(readFileSync(oracle, 'utf8')) as { decode_as_tcp_ports?: number[] }).decode_as_tcp_ports ?? [];
  return ports.flatMap((p) => ['-d', `tcp.port==${p},tls`]);
}

export async function tsharkHellos(file: string, extra: string[] = []): Promise<TsharkHello[]> {
  const fields = ['frame.number', 'tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tls.handshake.type', 'tls.handshake.ja3_full', 'tls.handshake.ja3', 'tls.handshake.ja3s_full', 'tls.handshake.ja3s'];
  const { stdout: out } = await promisify(execFile)(
    'tshark',
    ['-n', '-r', file, ...BASE_OPTS, ...decodeAs(file), ...extra, '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 2', '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=|', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const rows: TsharkHello[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [frame, stream, ip4s, ip6s, sport, ip4d, ip6d, dport, , j3f, j3, j3sf, j3s] = line.split('\t');
    // A frame can carry several hellos (rare); tshark aggregates each field with "|".
    const split = (v: string | undefined) => (v ? v.split('|') : []);
    const base = { stream: Number(stream), frame: Number(frame), from: ep((ip4s || ip6s)!.split('|')[0]!, sport!.split('|')[0]!), to: ep((ip4d || ip6d)!.split('|')[0]!, dport!.split('|')[0]!) };
    const a = split(j3f), b = split(j3), c = split(j3sf), d = split(j3s);
    for (let i = 0; i < a.length; i++) rows.push({ ...base, ja3Full: a[i]!, ja3: b[i]! });
    for (let i = 0; i < c.length; i++) rows.push({ ...base, ja3sFull: c[i]!, ja3s: d[i]! });
  }
  return rows;
}
