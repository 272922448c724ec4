// Seeds for the fuzz targets, cut from the real captures in captures/ and
// ../shared/corpus/captures (read in place): whole TCP streams, handshake messages, extension
// blocks, certificates, distinguished names, capture files and their packets.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture, type CapturedPacket } from '../../src/capture/reader.js';
import { TlsSession } from '../../src/tls/session.js';
import { ByteReader } from '../../src/bytes/reader.js';
import { Der } from '../../src/x509/asn1.js';
import { captureStreams } from '../helpers/streams.js';

export const CAPTURE_DIRS = [
  fileURLToPath(new URL('../../captures/', import.meta.url)),
  fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url)),
];

export function captureFiles(): string[] {
  return CAPTURE_DIRS.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => d + f) : []));
}

export interface StreamSeed {
  name: string;
  /** Delivery order: which side sent how many bytes. */
  events: { side: 0 | 1; bytes: Uint8Array }[];
  sides: [Uint8Array, Uint8Array];
}

export interface MessageSeed {
  name: string;
  /** Handshake type (1 ClientHello, 2 ServerHello, ...), or -1 for an SSLv2 message. */
  type: number;
  /** The message body (after the 4-byte handshake header; for SSLv2, the whole record body). */
  body: Uint8Array;
}

export interface Corpus {
  streams: StreamSeed[];
  messages: MessageSeed[];
  /** `Extension extensions<0..2^16-1>` blocks, length prefix included, with the hello kind. */
  extensions: { kind: 'client_hello' | 'server_hello'; block: Uint8Array }[];
  certificates: Uint8Array[];
  /** DER Names (issuer and subject of every certificate). */
  names: Uint8Array[];
  /** Whole capture files by format. */
  pcap: { name: string; bytes: Uint8Array }[];
  pcapng: { name: string; bytes: Uint8Array }[];
  /** The packets of each capture (copied), for feeding the flow table directly. */
  packets: { name: string; packets: CapturedPacket[] }[];
}

function key(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}

/** Extension block of a ClientHello / ServerHello body, or undefined (SSL 3.0 hellos may have none). */
function extensionBlock(type: number, body: Uint8Array): Uint8Array | undefined {
  try {
    const r = new ByteReader(body);
    r.skip(2 + 32);
    r.vec8();
    if (type === 1) {
      r.vec16();
      r.vec8();
    } else {
      r.skip(3);
    }
    if (r.done) return undefined;
    return r.rest();
  } catch {
    return undefined;
  }
}

/** TLS 1.2-style certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function certificatesOf(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  try {
    const r = new ByteReader(body);
    const list = r.vec24();
    while (!list.done) out.push(list.vec24().rest());
  } catch {
    // TLS 1.3 Certificate messages are encrypted; whatever else does not parse is no seed.
  }
  return out;
}

/** issuer and subject Name TLVs of a certificate (RFC 5280 §4.1). */
function namesOf(der: Uint8Array): Uint8Array[] {
  try {
    const d = new Der(der);
    const tbs = d.items(d.items(d.top('').next(''), '').next(''), '');
    if (tbs.peekTag('') === 0xa0) tbs.next(''); // version
    tbs.next(''); // serialNumber
    tbs.next(''); // signature
    const issuer = tbs.next('');
    tbs.next(''); // validity
    const subject = tbs.next('');
    return [new Uint8Array(d.raw(issuer)), new Uint8Array(d.raw(subject))];
  } catch {
    return [];
  }
}

let cached: Promise<Corpus> | undefined;

export function loadCorpus(): Promise<Corpus> {
  cached ??= build();
  return cached;
}

async function build(): Promise<Corpus> {
  const c: Corpus = { streams: [], messages: [], extensions: [], certificates: [], names: [], pcap: [], pcapng: [], packets: [] };
  const seen = new Set<string>();
  const once = (b: Uint8Array): boolean => {
    const k = key(b);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  for (const file of captureFiles()) {
    const name = file.split('/').pop()!;
    const bytes = new Uint8Array(readFileSync(file));
    (name.endsWith('.pcapng') ? c.pcapng : c.pcap).push({ name, bytes });
    const packets: CapturedPacket[] = [];
    await readCapture(file, { packet: (p) => packets.push({ ...p, data: new Uint8Array(p.data) }), warning: () => {} });
    c.packets.push({ name, packets });

    const streams = await captureStreams(file);
    streams.forEach((s, i) => {
      if (s.events.length === 0) return;
      c.streams.push({ name: `${name}#${i + 1}`, events: s.events, sides: s.sides });
      // Whole messages as the session sees them, through its observer tap.
      const session = new TlsSession({
        source: 'replay',
        id: 1,
        endpoints: [{ ip: 'a', port: 1 }, { ip: 'b', port: 2 }],
        initiator: 0,
        observer: {
          message(e) {
            const type = e.record === 'sslv2' ? -1 : e.type.code;
            const body = new Uint8Array(e.record === 'sslv2' ? e.bytes : e.bytes.subarray(4));
            if (!once(body)) return;
            c.messages.push({ name: `${name}#${i + 1}@${e.offset}`, type, body });
            if (type === 1 || type === 2) {
              const block = extensionBlock(type, body);
              if (block && once(block)) c.extensions.push({ kind: type === 1 ? 'client_hello' : 'server_hello', block: new Uint8Array(block) });
            }
            if (type === 11) {
              for (const der of certificatesOf(body)) {
                if (!once(der)) continue;
                c.certificates.push(new Uint8Array(der));
                for (const n of namesOf(der)) if (once(n)) c.names.push(n);
              }
            }
          },
        },
      });
      for (const e of s.events) session.feed(e.side, e.bytes);
    });
  }
  return c;
}
