// `--trace --hex` against the capture bytes, as tshark reads them: per direction, the record
// lengths and content types tshark dissects (tls.record.length / tls.record.content_type), and
// the bytes of every record header and handshake message in our rendered hex dumps against the
// TCP payload bytes tshark prints (tcp.payload), placed by TCP sequence number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import { TraceCollector } from '../../src/tls/trace.js';
import { renderTrace } from '../../src/report/trace.js';
import { makeStyle } from '../../src/report/style.js';
import type { Connection } from '../../src/tls/model.js';
import { BASE_OPTS, decodeAs, tsharkAvailable } from '../fingerprint/tshark.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url));
const REPO = fileURLToPath(new URL('../../captures/', import.meta.url));
const haveTshark = tsharkAvailable();

const CAPTURES = [
  REPO + 'apache-mtls-pss-default.pcap', // TLS 1.2 mTLS, several messages per flight
  REPO + 'fragmented-512.pcap', // messages split over 512-byte records
  REPO + 'tls13-hrr.pcap', // HelloRetryRequest, ChangeCipherSpec camouflage, encrypted records
  REPO + 'fatal-alert.pcap', // plaintext fatal alert
  REPO + 'ipv6.pcap',
  CORPUS + 'client-certificate.pcap',
  CORPUS + 'tls-split-client-hello.pcap',
  CORPUS + 'tls-store-02-client-auth.pcap',
];

interface TraceLine {
  dir: 'C' | 'S';
  kind: 'record' | 'handshake';
  offset: number;
  type: number;
  length: number;
  bytes: number[];
}

/** Reads the rendered trace back: record and message lines, their header and hex dump lines. */
function parseTrace(text: string): TraceLine[] {
  const out: TraceLine[] = [];
  for (const line of text.split('\n')) {
    const head = /^ {4}C ([→←]) S {2}@(\d+)\s+(record|handshake) \S+ \((\d+)\), (?:.*?, )?length (\d+)/.exec(line);
    if (head) {
      out.push({ dir: head[1] === '→' ? 'C' : 'S', kind: head[3] as 'record' | 'handshake', offset: Number(head[2]), type: Number(head[4]), length: Number(head[5]), bytes: [] });
      continue;
    }
    const header = /^\s+header ((?:[0-9a-f]{2} ?)+)$/.exec(line);
    const dump = /^\s+[0-9a-f]{4} {2}((?:[0-9a-f]{2} )*[0-9a-f]{2})/.exec(line);
    const m = header ?? dump;
    if (m && out.length) out.at(-1)!.bytes.push(...m[1]!.trim().split(' ').map((h) => parseInt(h, 16)));
  }
  return out;
}

interface Wire {
  /** Per direction ("ip:port" of the sender): the TCP stream bytes and tshark's records. */
  stream: Map<string, Buffer>;
  records: Map<string, { type: number; length: number }[]>;
}

const ep = (ip: string, port: string) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

function tsharkWire(file: string): Wire {
  const out = execFileSync(
    'tshark',
    ['-n', '-r', file, ...BASE_OPTS, ...decodeAs(file), '-Y', 'tcp.len > 0', '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=,', '-E', 'occurrence=a',
      ...['ip.src', 'ipv6.src', 'tcp.srcport', 'tcp.seq', 'tcp.payload', 'tls.record.content_type', 'tls.record.opaque_type', 'tls.record.length'].flatMap((f) => ['-e', f])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 },
  );
  const segments = new Map<string, { seq: number; data: Buffer }[]>();
  const records = new Map<string, { type: number; length: number }[]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [ip4, ip6, port, seq, payload, plainTypes, opaqueTypes, lengths] = line.split('\t');
    // TLS 1.3 protected records carry tls.record.opaque_type instead of content_type; within one
    // segment the plaintext records come before the protected ones (RFC 8446 §5.2), so the two
    // lists concatenate in wire order.
    const types = [plainTypes, opaqueTypes].filter(Boolean).join(',');
    const from = ep((ip4 || ip6)!, port!);
    if (!segments.has(from)) segments.set(from, []);
    segments.get(from)!.push({ seq: Number(seq), data: Buffer.from(payload!.replace(/:/g, ''), 'hex') });
    if (types) {
      const t = types.split(',').map(Number);
      const l = lengths!.split(',').map(Number);
      if (!records.has(from)) records.set(from, []);
      t.forEach((type, i) => records.get(from)!.push({ type, length: l[i]! }));
    }
  }
  const stream = new Map<string, Buffer>();
  for (const [from, segs] of segments) {
    const base = Math.min(...segs.map((s) => s.seq));
    const end = Math.max(...segs.map((s) => s.seq - base + s.data.length));
    const buf = Buffer.alloc(end);
    for (const s of segs) s.data.copy(buf, s.seq - base);
    stream.set(from, buf);
  }
  return { stream, records };
}

async function traced(file: string): Promise<{ c: Connection; text: string }[]> {
  const out: { c: Connection; text: string }[] = [];
  await replayFile(file, {}, {
    observer: (endpoints) => new TraceCollector(endpoints),
    connection: (c, observer) => out.push({ c, text: renderTrace(c, observer as TraceCollector, { style: makeStyle(false), hex: true, foldAfter: Infinity }) }),
    warning: () => {},
  });
  return out;
}

for (const file of CAPTURES) {
  const name = file.slice(file.lastIndexOf('/') + 1);
  test(`--trace --hex matches the capture bytes: ${name}`, { skip: !haveTshark && 'tshark not installed' }, async () => {
    const wire = tsharkWire(file);
    let records = 0;
    let messages = 0;
    for (const { c, text } of await traced(file)) {
      const lines = parseTrace(text);
      for (const dir of ['C', 'S'] as const) {
        const from = dir === 'C' ? c.client : c.server;
        const bytes = wire.stream.get(from) ?? Buffer.alloc(0);
        const recs = lines.filter((l) => l.dir === dir && l.kind === 'record');
        // Record types and lengths, in order, as tshark dissected them.
        assert.deepEqual(recs.map((r) => ({ type: r.type, length: r.length })), wire.records.get(from) ?? [], `${name} #${c.id} ${dir} records`);
        for (const r of recs) {
          assert.deepEqual(r.bytes.slice(0, 5), [...bytes.subarray(r.offset, r.offset + 5)], `${name} ${dir} record header @${r.offset}`);
          // A plaintext alert/CCS body follows its header in the dump.
          if (r.bytes.length > 5) assert.deepEqual(r.bytes.slice(5), [...bytes.subarray(r.offset + 5, r.offset + 5 + r.length)]);
          records++;
        }
        // Handshake messages: the stream bytes from the message offset, skipping the 5-byte
        // headers of the records the message continues into (RFC 5246 §6.2.1 fragmentation).
        const bodies = recs.filter((r) => r.type === 22).map((r) => ({ start: r.offset + 5, end: r.offset + 5 + r.length }));
        for (const m of lines.filter((l) => l.dir === dir && l.kind === 'handshake')) {
          const want: number[] = [];
          let i = bodies.findIndex((b) => m.offset >= b.start && m.offset < b.end);
          assert.ok(i >= 0, `${name} ${dir} message @${m.offset} lies in a handshake record`);
          let at = m.offset;
          while (want.length < m.length + 4) {
            const b = bodies[i]!;
            const take = Math.min(b.end - at, m.length + 4 - want.length);
            want.push(...bytes.subarray(at, at + take));
            at += take;
            if (at >= b.end && want.length < m.length + 4) at = bodies[++i]!.start;
          }
          assert.equal(m.bytes.length, m.length + 4, `${name} ${dir} message @${m.offset}: dump length`);
          assert.deepEqual(m.bytes, want, `${name} ${dir} message @${m.offset} bytes`);
          messages++;
        }
      }
    }
    assert.ok(records > 0 && messages > 0, `${name}: ${records} records, ${messages} messages compared`);
  });
}

test('trace: alerts in words, encrypted runs folded, hex only with --hex', async () => {
  const c = (await traced(REPO + 'fatal-alert.pcap'))[0]!.c;
  const out: string[] = [];
  await replayFile(REPO + 'fatal-alert.pcap', {}, {
    observer: (e) => new TraceCollector(e),
    connection: (conn, o) => out.push(renderTrace(conn, o as TraceCollector, { style: makeStyle(false) })),
    warning: () => {},
  });
  assert.match(out[0]!, /record alert \(21\), TLS 1\.2 \(0x0303\), length 2: fatal handshake_failure \(2\/40\)/);
  assert.doesNotMatch(out[0]!, /^\s+0000 /m);
  assert.ok(c.alerts.length > 0);
  const folded: string[] = [];
  await replayFile(REPO + 'tls13-hrr.pcap', {}, {
    observer: (e) => new TraceCollector(e),
    connection: (conn, o) => folded.push(renderTrace(conn, o as TraceCollector, { style: makeStyle(false) })),
    warning: () => {},
  });
  assert.match(folded[0]!, /… \d+ more encrypted application_data record\(s\), \d+ bytes/);
});
