// Micro-benchmark of the X.509 decoder: certificates per second, uncached and cached, over every
// certificate in captures/*.pcap* and ../shared/corpus/captures (cut out of the plaintext
// Certificate messages by our own TLS session, through its observer tap).
//
//   uncached  the distinct certificates, the cache emptied before each pass: the whole decode
//             (SHA-256, the DER walk, extensions, the self-signed check) once per certificate
//   cached    every certificate in the order the captures carry it (a chain repeats on every
//             connection), each from a buffer of its own as a TLS record would hand it over:
//             the lookup by the hash of the DER and the byte-for-byte confirmation
//
// Each figure is the median of ROUNDS timed passes after WARMUP untimed ones.
//
//   npx tsx scripts/bench/x509.ts [--rounds N] [--json]
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readCapture } from '../../src/capture/reader.js';
import { FlowTable } from '../../src/capture/flows.js';
import { TlsSession } from '../../src/tls/session.js';
import { ByteReader } from '../../src/bytes/reader.js';
import { clearCertificateCache } from '../../src/x509/cache.js';
import { decodeCertificate } from '../../src/x509/certificate.js';

const DIRS = [
  fileURLToPath(new URL('../../captures/', import.meta.url)),
  fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url)),
];

/** TLS 1.2-style certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246 §7.4.2). */
function certificatesOf(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  try {
    const list = new ByteReader(body).vec24();
    while (!list.done) out.push(new Uint8Array(list.vec24().rest()));
  } catch {
    // A TLS 1.3 Certificate (context and per-entry extensions) or a damaged one: not used here.
  }
  return out;
}

/** Every certificate of every plaintext Certificate message, in capture order. */
async function certificatesIn(file: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const flows = new FlowTable({
    open() {
      const session = new TlsSession({
        source: 'replay',
        id: 1,
        endpoints: ['a:1', 'b:2'],
        initiator: 0,
        observer: {
          message(e) {
            if (e.record !== 'sslv2' && e.type.code === 11) out.push(...certificatesOf(e.bytes.subarray(4)));
          },
        },
      });
      return { data: (side, bytes) => session.feed(side, bytes), gap() {}, close() {} };
    },
  });
  await readCapture(file, { packet: (p) => flows.packet(p), warning: () => {} });
  flows.end();
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 0) || 15;
  const files = DIRS.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => d + f) : []));
  const all: Uint8Array[] = [];
  for (const f of files) all.push(...(await certificatesIn(f)));
  const seen = new Set<string>();
  const distinct = all.filter((d) => {
    const k = Buffer.from(d).toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // Each occurrence in a buffer of its own: a hit must compare bytes, not find the same object.
  const occurrences = all.map((d) => new Uint8Array(d));

  const uncachedPass = (): number => {
    clearCertificateCache();
    const t = performance.now();
    for (const d of distinct) decodeCertificate(d);
    return performance.now() - t;
  };
  const cachedPass = (): number => {
    const t = performance.now();
    for (let rep = 0; rep < 20; rep++) for (const d of occurrences) decodeCertificate(d);
    return performance.now() - t;
  };
  const WARMUP = 5;
  for (let i = 0; i < WARMUP; i++) uncachedPass();
  const uncached: number[] = [];
  for (let i = 0; i < rounds; i++) uncached.push(uncachedPass());
  clearCertificateCache();
  for (const d of distinct) decodeCertificate(d);
  for (let i = 0; i < WARMUP; i++) cachedPass();
  const cached: number[] = [];
  for (let i = 0; i < rounds; i++) cached.push(cachedPass());

  const result = {
    files: files.length,
    certificates: all.length,
    distinct: distinct.length,
    uncachedPerSecond: Math.round(distinct.length / (median(uncached) / 1000)),
    cachedPerSecond: Math.round((20 * occurrences.length) / (median(cached) / 1000)),
    rounds,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`${result.certificates} certificates (${result.distinct} distinct) in ${result.files} captures, median of ${rounds} passes`);
    console.log(`uncached: ${result.uncachedPerSecond.toLocaleString('en')} certificates/s`);
    console.log(`cached:   ${result.cachedPerSecond.toLocaleString('en')} certificates/s`);
  }
}

await main();
