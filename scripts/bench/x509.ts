// Micro-benchmark of the X.509 decoder: certificates per second, uncached and cached, over every
// certificate in captures/*.pcap* and ../shared/corpus/captures (cut out of the plaintext
// Certificate messages by our own TLS session, through its observer tap).
//
//   uncached  the distinct certificates, the cache emptied before each pass: the whole decode
//             (SHA-256, asn1js's fromBER of the certificate and of each extension value and RSA
//             key read, the walk over its blocks, the self-signed check) once per certificate
//   cached    every certificate in the order the captures carry it (a chain repeats on every
//             connection), each from a buffer of its own as a TLS record would hand it over:
//             the lookup by the hash of the DER and the byte-for-byte confirmation
//
// Each figure is the median of ROUNDS timed passes after WARMUP untimed ones, as wall-clock time
// and as this process's CPU time (process.cpuUsage): on a shared, busy host the CPU figure moves
// less, the wall-clock one is what a user waits.
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
        endpoints: [{ ip: 'a', port: 1 }, { ip: 'b', port: 2 }],
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

  /** Wall-clock and CPU milliseconds of one call of `f`. */
  const timed = (f: () => void): { wall: number; cpu: number } => {
    const c = process.cpuUsage();
    const t = performance.now();
    f();
    const wall = performance.now() - t;
    const u = process.cpuUsage(c);
    return { wall, cpu: (u.user + u.system) / 1000 };
  };
  const uncachedPass = () => {
    clearCertificateCache();
    return timed(() => {
      for (const d of distinct) decodeCertificate(d);
    });
  };
  const cachedPass = () =>
    timed(() => {
      for (let rep = 0; rep < 20; rep++) for (const d of occurrences) decodeCertificate(d);
    });
  const WARMUP = 5;
  for (let i = 0; i < WARMUP; i++) uncachedPass();
  const uncached: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < rounds; i++) uncached.push(uncachedPass());
  clearCertificateCache();
  for (const d of distinct) decodeCertificate(d);
  for (let i = 0; i < WARMUP; i++) cachedPass();
  const cached: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < rounds; i++) cached.push(cachedPass());

  const rate = (n: number, ms: number[]) => Math.round(n / (median(ms) / 1000));
  const result = {
    files: files.length,
    certificates: all.length,
    distinct: distinct.length,
    uncachedPerSecond: rate(distinct.length, uncached.map((x) => x.wall)),
    cachedPerSecond: rate(20 * occurrences.length, cached.map((x) => x.wall)),
    uncachedPerCpuSecond: rate(distinct.length, uncached.map((x) => x.cpu)),
    cachedPerCpuSecond: rate(20 * occurrences.length, cached.map((x) => x.cpu)),
    rounds,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`${result.certificates} certificates (${result.distinct} distinct) in ${result.files} captures, median of ${rounds} passes`);
    console.log(`uncached: ${result.uncachedPerSecond.toLocaleString('en')} certificates/s (${result.uncachedPerCpuSecond.toLocaleString('en')} per CPU second)`);
    console.log(`cached:   ${result.cachedPerSecond.toLocaleString('en')} certificates/s (${result.cachedPerCpuSecond.toLocaleString('en')} per CPU second)`);
  }
}

await main();
