// Records the benchmark capture: several `openssl s_server -WWW` processes (one per
// configuration, each on its own loopback port), tcpdump on `lo` filtered to those ports,
// and Node `tls.connect` clients in this process with bounded concurrency. Each connection:
// handshake, `GET /r.txt HTTP/1.0`, read the small response, close.
//
// Every client's key-log lines (Node's TLSSocket 'keylog' event: one NSS line per secret, TLS 1.2
// and 1.3) are appended as they come to SCRATCH/bench.keys, the key log of the keyed runs.
//
// The result (SCRATCH/bench.pcap + SCRATCH/bench.keys + SCRATCH/manifest.json) is reused while the
// manifest says it is complete and both files still have the sizes it recorded; a capture
// recorded before the key log existed (no `keys` in its manifest) is recorded again.
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import tls from 'node:tls';
import { collect, die, freePort, log, run, sleep, start, stop, waitListen } from './proc.js';

export interface ServerConfig {
  name: string;
  /** What it exercises, for the manifest and the README. */
  about: string;
  args: string[];
  client: {
    maxVersion: tls.SecureVersion;
    minVersion: tls.SecureVersion;
    ciphers?: string;
    /** PKI names (NAME.key / NAME.crt) of the client certificate, for mutual TLS. */
    clientCert?: string;
    alpn?: string[];
    /** Every Nth connection offers the last session it got (0: never). */
    resumeEvery: number;
  };
  /** Share of the connections (weights are normalised). */
  weight: number;
}

export const CONFIGS: ServerConfig[] = [
  {
    name: 'tls13-rsa',
    about: 'TLS 1.3, RSA server certificate, PSK resumption (tickets)',
    args: ['-cert', 'server-rsa.crt', '-key', 'server-rsa.key', '-cert_chain', 'server-chain.pem', '-tls1_3'],
    client: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', alpn: ['http/1.1'], resumeEvery: 3 },
    weight: 2,
  },
  {
    name: 'tls13-ecdsa',
    about: 'TLS 1.3, ECDSA P-256 server certificate, PSK resumption',
    args: ['-cert', 'server-ec.crt', '-key', 'server-ec.key', '-cert_chain', 'server-chain.pem', '-tls1_3'],
    client: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', resumeEvery: 4 },
    weight: 2,
  },
  {
    name: 'tls12-ecdhe-rsa',
    about: 'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256, session-ticket resumption',
    args: ['-cert', 'server-rsa.crt', '-key', 'server-rsa.key', '-cert_chain', 'server-chain.pem', '-tls1_2',
      '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'],
    client: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', alpn: ['http/1.1'], resumeEvery: 3 },
    weight: 2,
  },
  {
    name: 'tls12-ecdhe-ecdsa',
    about: 'TLS 1.2 ECDHE-ECDSA, no tickets: session-id resumption',
    args: ['-cert', 'server-ec.crt', '-key', 'server-ec.key', '-cert_chain', 'server-chain.pem', '-tls1_2',
      '-no_ticket', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384'],
    client: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', resumeEvery: 3 },
    weight: 2,
  },
  {
    name: 'tls12-rsa-kx',
    about: 'TLS 1.2 static RSA key exchange (AES128-GCM-SHA256)',
    args: ['-cert', 'server-rsa.crt', '-key', 'server-rsa.key', '-cert_chain', 'server-chain.pem', '-tls1_2',
      '-cipher', 'AES128-GCM-SHA256'],
    client: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256', resumeEvery: 0 },
    weight: 1,
  },
  {
    name: 'tls12-dhe',
    about: 'TLS 1.2 DHE-RSA-AES128-GCM-SHA256 (ffdhe2048 parameters)',
    args: ['-cert', 'server-rsa.crt', '-key', 'server-rsa.key', '-cert_chain', 'server-chain.pem', '-tls1_2',
      '-cipher', 'DHE-RSA-AES128-GCM-SHA256', '-dhparam', 'dhparam-2048.pem'],
    client: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256', resumeEvery: 0 },
    weight: 1,
  },
  {
    name: 'mtls12-rsa',
    about: 'TLS 1.2 mutual TLS: CertificateRequest with CA names, RSA client certificate',
    args: ['-cert', 'server-rsa.crt', '-key', 'server-rsa.key', '-cert_chain', 'server-chain.pem', '-tls1_2',
      '-Verify', '2', '-CAfile', 'ca-chain.pem'],
    client: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', clientCert: 'client-rsa', resumeEvery: 0 },
    weight: 1,
  },
  {
    name: 'mtls13-ecdsa',
    about: 'TLS 1.3 mutual TLS: ECDSA server and ECDSA client certificates',
    args: ['-cert', 'server-ec.crt', '-key', 'server-ec.key', '-cert_chain', 'server-chain.pem', '-tls1_3',
      '-Verify', '2', '-CAfile', 'ca-chain.pem'],
    client: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', clientCert: 'client-ec', resumeEvery: 0 },
    weight: 1,
  },
];

export interface ConfigStats {
  name: string;
  about: string;
  port: number;
  attempted: number;
  ok: number;
  failed: number;
  resumed: number;
  /** Connections whose socket emitted at least one key-log line. */
  keyLogged: number;
  protocols: Record<string, number>;
  ciphers: Record<string, number>;
  firstError?: string;
}

export interface Manifest {
  format: 1;
  created: string;
  pcap: string;
  bytes: number;
  connections: number;
  concurrency: number;
  generationSeconds: number;
  tcpdump: { command: string; captured: number; receivedByFilter: number; droppedByKernel: number };
  /** capinfos -c */
  packets: number;
  /** tshark: frames with a ClientHello (tls.handshake.type == 1), ClientHellos in total, SYNs. */
  tshark: { clientHelloFrames: number; clientHellos: number; syns: number };
  /** The key log: every client's lines (Node's 'keylog' event), in the order they came. */
  keys: { file: string; bytes: number; lines: number; connections: number };
  configs: ConfigStats[];
}

export interface GenerateOptions {
  dir: string;
  connections: number;
  concurrency: number;
  regen: boolean;
  /** Hard limit on the client phase, in seconds. */
  limitSeconds: number;
  repo: string;
}

const REQUEST = 'GET /r.txt HTTP/1.0\r\nHost: localhost\r\n\r\n';

export function loadManifest(dir: string): Manifest | undefined {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (m.format !== 1 || !existsSync(m.pcap) || statSync(m.pcap).size !== m.bytes) return undefined;
    // Recorded before the key log (or the file is gone or changed): record both again.
    if (!m.keys || !existsSync(m.keys.file) || statSync(m.keys.file).size !== m.keys.bytes) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

export async function ensureCapture(o: GenerateOptions): Promise<Manifest> {
  if (!o.regen) {
    const m = loadManifest(o.dir);
    if (m) {
      log(`reusing ${m.pcap} (${m.tshark.clientHellos} ClientHellos, ${(m.bytes / 2 ** 20).toFixed(1)} MiB) and ${m.keys.file} (${m.keys.lines} key-log lines); --regen to record them again`);
      return m;
    }
  }
  mkdirSync(o.dir, { recursive: true });
  if (!o.regen && existsSync(join(o.dir, 'manifest.json')) && !loadManifest(o.dir)) log('the capture there is incomplete, changed or has no key log: recording it again');
  rmSync(join(o.dir, 'manifest.json'), { force: true });
  return generate(o);
}

/** One TLS connection: handshake, request, response, close. Resolves, never rejects. */
function oneConnection(
  port: number,
  c: ServerConfig['client'],
  secureContext: tls.SecureContext,
  session: Buffer | undefined,
  onSession: (s: Buffer) => void,
  onKeylog: (line: Buffer) => void,
): Promise<{ ok: boolean; resumed: boolean; keyLines: number; protocol: string; cipher: string; error?: string }> {
  return new Promise((resolve) => {
    let done = false;
    let body = 0;
    let keyLines = 0;
    let resumed = false;
    let protocol = '';
    let cipher = '';
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      secureContext,
      ...(c.alpn ? { ALPNProtocols: c.alpn } : {}),
      ...(session ? { session } : {}),
    });
    const finish = (ok: boolean, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, resumed, keyLines, protocol, cipher, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(false, 'timeout (15 s)'), 15000);
    socket.on('session', onSession);
    // One NSS key-log line per secret (ends with '\n'), emitted before the handshake needs it.
    socket.on('keylog', (line: Buffer) => {
      keyLines++;
      onKeylog(line);
    });
    socket.once('secureConnect', () => {
      resumed = socket.isSessionReused();
      protocol = socket.getProtocol() ?? '?';
      cipher = socket.getCipher()?.name ?? '?';
      socket.write(REQUEST);
    });
    socket.on('data', (d: Buffer) => {
      body += d.length;
    });
    socket.once('end', () => {
      socket.end();
      finish(body > 0, body > 0 ? undefined : 'no response');
    });
    socket.once('close', () => finish(body > 0, body > 0 ? undefined : 'closed without response'));
    socket.once('error', (e) => finish(false, e.message));
  });
}

function parseTcpdumpStats(text: string): Manifest['tcpdump'] & { ok: boolean } {
  const num = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : NaN;
  };
  const captured = num(/(\d+) packets? captured/);
  const receivedByFilter = num(/(\d+) packets? received by filter/);
  const droppedByKernel = num(/(\d+) packets? dropped by kernel/);
  return { command: '', captured, receivedByFilter, droppedByKernel, ok: !Number.isNaN(droppedByKernel) };
}

async function generate(o: GenerateOptions): Promise<Manifest> {
  const t0 = Date.now();
  const pki = join(o.dir, 'pki');
  const www = join(o.dir, 'www');
  const pcap = join(o.dir, 'bench.pcap');
  const keysFile = join(o.dir, 'bench.keys');
  if (!existsSync(join(pki, 'ca-chain.pem')) || !existsSync(join(pki, 'dhparam-2048.pem'))) {
    log(`PKI: scripts/make-pki.sh ${pki}`);
    rmSync(pki, { recursive: true, force: true });
    run('bash', [join(o.repo, 'scripts/make-pki.sh'), pki], 300);
  }
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'r.txt'), 'tlspeek bench: a small response body.\n');
  rmSync(pcap, { force: true });
  rmSync(keysFile, { force: true });

  // Servers first (so that no readiness probe ends up in the capture), then tcpdump.
  const ports: number[] = [];
  for (const _ of CONFIGS) {
    let p = await freePort();
    while (ports.includes(p)) p = await freePort();
    ports.push(p);
  }
  const servers = CONFIGS.map((cfg, i) => {
    // -WWW serves files relative to the working directory; certificate paths are absolute.
    const args = cfg.args.map((a) => (/\.(crt|key|pem)$/.test(a) ? join(pki, a) : a));
    const p = start('openssl', ['s_server', '-accept', `127.0.0.1:${ports[i]}`, '-WWW', '-quiet', ...args], o.limitSeconds + 60, {
      cwd: www,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { cfg, proc: p, out: collect(p.stdout, 20000), err: collect(p.stderr, 20000) };
  });
  const tcpdumpArgs = ['-i', 'lo', '-n', '-U', '-B', '65536', '-s', '0', '-Z', 'root', '-w', pcap,
    `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`];
  let tcpdump: ReturnType<typeof start> | undefined;
  try {
    for (const [i, s] of servers.entries()) {
      try {
        await waitListen(ports[i]!);
      } catch (e) {
        die(`s_server ${s.cfg.name} did not start: ${s.err()}${s.out()}`);
      }
    }
    tcpdump = start('tcpdump', tcpdumpArgs, o.limitSeconds + 60, { stdio: ['ignore', 'ignore', 'pipe'] }, 'SIGINT');
    const tcpdumpErr = collect(tcpdump.stderr);
    for (let i = 0; !/listening on/.test(tcpdumpErr()); i++) {
      if (tcpdump.exitCode !== null || i > 100) die(`tcpdump did not start: ${tcpdumpErr()}`);
      await sleep(100);
    }
    await sleep(300);

    // Clients: a shared work queue, `concurrency` connections in flight.
    // One SecureContext per configuration (trust store, versions, suites, client certificate),
    // built once: building it per connection would cost more than the handshake.
    const ca = readFileSync(join(pki, 'root-ca.crt'));
    const contexts = CONFIGS.map((cfg) => {
      const n = cfg.client.clientCert;
      return tls.createSecureContext({
        ca,
        minVersion: cfg.client.minVersion,
        maxVersion: cfg.client.maxVersion,
        ...(cfg.client.ciphers ? { ciphers: cfg.client.ciphers } : {}),
        ...(n ? { key: readFileSync(join(pki, `${n}.key`)), cert: readFileSync(join(pki, `${n}.crt`)) } : {}),
      });
    });
    // Spread the connections over the configurations by weight, interleaved.
    const totalWeight = CONFIGS.reduce((a, c) => a + c.weight, 0);
    const plan: number[] = [];
    const credit = CONFIGS.map(() => 0);
    for (let k = 0; k < o.connections; k++) {
      for (const [i, c] of CONFIGS.entries()) credit[i]! += c.weight / totalWeight;
      let best = 0;
      for (let i = 1; i < CONFIGS.length; i++) if (credit[i]! > credit[best]!) best = i;
      credit[best]! -= 1;
      plan.push(best);
    }
    const stats: ConfigStats[] = CONFIGS.map((c, i) => ({
      name: c.name, about: c.about, port: ports[i]!, attempted: 0, ok: 0, failed: 0, resumed: 0, keyLogged: 0, protocols: {}, ciphers: {},
    }));
    // The key log: one file, every client's lines appended as they come (mode 0600: secrets).
    const keys = createWriteStream(keysFile, { flags: 'w', mode: 0o600 });
    let keyLines = 0;
    let keysFailed: Error | undefined;
    keys.on('error', (e) => (keysFailed = e));
    const onKeylog = (line: Buffer) => {
      if (keys.writableEnded) return;
      keyLines++;
      keys.write(line);
    };
    const lastSession: (Buffer | undefined)[] = CONFIGS.map(() => undefined);
    const deadline = Date.now() + o.limitSeconds * 1000;
    let next = 0;
    let finished = 0;
    const progress = setInterval(() => log(`  ${finished}/${o.connections} connections`), 10000);
    const worker = async () => {
      while (next < plan.length && Date.now() < deadline) {
        const k = next++;
        const i = plan[k]!;
        const cfg = CONFIGS[i]!;
        const st = stats[i]!;
        st.attempted++;
        const resume = cfg.client.resumeEvery > 0 && st.attempted % cfg.client.resumeEvery === 0 ? lastSession[i] : undefined;
        const r = await oneConnection(ports[i]!, cfg.client, contexts[i]!, resume, (s) => {
          lastSession[i] = s;
        }, onKeylog);
        if (r.keyLines > 0) st.keyLogged++;
        finished++;
        if (r.ok) st.ok++;
        else {
          st.failed++;
          st.firstError ??= r.error;
        }
        if (r.resumed) st.resumed++;
        if (r.protocol) st.protocols[r.protocol] = (st.protocols[r.protocol] ?? 0) + 1;
        if (r.cipher) st.ciphers[r.cipher] = (st.ciphers[r.cipher] ?? 0) + 1;
      }
    };
    log(`recording ${o.connections} connections to ${CONFIGS.length} s_server processes, ${o.concurrency} at a time`);
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    clearInterval(progress);
    const clientSeconds = (Date.now() - t0) / 1000;
    log(`clients done: ${finished} connections in ${clientSeconds.toFixed(1)} s (since start of generation)`);
    if (next < plan.length) log(`WARNING: stopped at ${next} connections: the ${o.limitSeconds} s limit was reached`);

    keys.end();
    await once(keys, 'close');
    if (keysFailed) die(`cannot write the key log ${keysFile}: ${keysFailed.message}`);
    await sleep(1000); // the last FIN/ACKs
    await stop(tcpdump, 'SIGINT', 10000);
    const td = parseTcpdumpStats(tcpdumpErr());
    if (!td.ok) die(`tcpdump gave no statistics: ${tcpdumpErr()}`);
    for (const s of stats) {
      log(`  ${s.name.padEnd(18)} port ${s.port}: ${s.ok} ok, ${s.failed} failed, ${s.resumed} resumed, ${s.keyLogged} with key-log lines ${JSON.stringify(s.protocols)} ${JSON.stringify(s.ciphers)}${s.firstError ? ` first error: ${s.firstError}` : ''}`);
    }
    log(`tcpdump: ${td.captured} captured, ${td.receivedByFilter} received by filter, ${td.droppedByKernel} dropped by kernel`);
    if (td.droppedByKernel !== 0) die(`tcpdump dropped ${td.droppedByKernel} packets: the capture is incomplete (try a bigger -B or --regen)`);

    // Independent checks of the file: capinfos for the packet count, tshark for ClientHellos and SYNs.
    const capinfos = run('capinfos', ['-M', '-c', pcap], 120);
    const packets = Number(/Number of packets:\s*(\d+)/.exec(capinfos)?.[1] ?? NaN);
    if (packets !== td.captured) die(`capinfos counts ${packets} packets, tcpdump said ${td.captured}`);
    const ts = tsharkCounts(pcap, ports);
    const ok = stats.reduce((a, s) => a + s.ok, 0);
    const attempted = stats.reduce((a, s) => a + s.attempted, 0);
    log(`capinfos: ${packets} packets; tshark: ${ts.clientHellos} ClientHellos in ${ts.clientHelloFrames} frames, ${ts.syns} SYNs; clients: ${attempted} attempted, ${ok} completed`);
    if (ts.syns < attempted) die(`tshark sees ${ts.syns} SYNs for ${attempted} client connections`);
    if (ts.syns > attempted) log(`note: ${ts.syns - attempted} SYNs were retransmitted`);
    if (ts.clientHellos < attempted - stats.reduce((a, s) => a + s.failed, 0)) die(`tshark sees only ${ts.clientHellos} ClientHellos`);
    if (ts.clientHellos < 20000) log(`WARNING: only ${ts.clientHellos} ClientHellos (the issue asks for at least 20,000)`);
    const keyLogged = stats.reduce((a, s) => a + s.keyLogged, 0);
    log(`key log: ${keyLines} lines from ${keyLogged} connections in ${keysFile}`);
    if (keyLogged < ok) die(`only ${keyLogged} of the ${ok} completed connections wrote key-log lines`);

    const manifest: Manifest = {
      format: 1,
      created: new Date().toISOString(),
      pcap,
      bytes: statSync(pcap).size,
      connections: attempted,
      concurrency: o.concurrency,
      generationSeconds: (Date.now() - t0) / 1000,
      tcpdump: { command: `tcpdump ${tcpdumpArgs.map((a) => (/[ ()]/.test(a) ? `'${a}'` : a)).join(' ')}`, captured: td.captured, receivedByFilter: td.receivedByFilter, droppedByKernel: td.droppedByKernel },
      packets,
      tshark: ts,
      keys: { file: keysFile, bytes: statSync(keysFile).size, lines: keyLines, connections: keyLogged },
      configs: stats,
    };
    writeFileSync(join(o.dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    log(`capture ready: ${pcap} (${(manifest.bytes / 2 ** 20).toFixed(1)} MiB) in ${manifest.generationSeconds.toFixed(1)} s`);
    return manifest;
  } finally {
    if (tcpdump) await stop(tcpdump, 'SIGINT', 5000);
    await Promise.all(servers.map((s) => stop(s.proc, 'SIGTERM', 3000)));
  }
}

/**
 * `-d tcp.port==P,tls` for every server port: without it tshark decodes a connection by the
 * registered meaning of its ports (a client port 44322 made one connection "PMPROXY") and
 * relies on the TLS heuristic otherwise.
 */
export function decodeAs(ports: number[]): string[] {
  return ports.flatMap((p) => ['-d', `tcp.port==${p},tls`]);
}

/** ClientHello and SYN counts by tshark (one pass). */
export function tsharkCounts(pcap: string, ports: number[]): Manifest['tshark'] {
  const out = run('tshark', ['-r', pcap, '-n', ...decodeAs(ports), '-Y', 'tls.handshake.type == 1 || (tcp.flags.syn == 1 && tcp.flags.ack == 0)',
    '-T', 'fields', '-E', 'separator=|', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack', '-e', 'tls.handshake.type'], 900);
  let clientHelloFrames = 0;
  let clientHellos = 0;
  let syns = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [syn, ack, types] = line.split('|');
    if ((syn === '1' || syn === 'True') && (ack === '0' || ack === 'False')) syns++;
    const n = (types ?? '').split(',').filter((t) => t === '1').length;
    if (n > 0) {
      clientHelloFrames++;
      clientHellos += n;
    }
  }
  return { clientHelloFrames, clientHellos, syns };
}
