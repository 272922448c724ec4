// Checks the committed captures in captures/ against captures/manifest.json, using tshark as
// an independent decoder. The manifest holds the values known from how each capture was made
// (scripts/make-captures.sh); tlspeek's own decoder tests assert against the same manifest.
//
//   node --import tsx --test test/captures/manifest.test.ts
//   DUMP=1 node --import tsx test/captures/manifest.test.ts   # print what tshark sees, no asserts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CAPTURES = join(ROOT, 'captures');

interface ManifestAlert {
  from: 'client' | 'server';
  encrypted?: boolean;
  level?: 'warning' | 'fatal';
  levelCode?: number;
  description?: string;
  code?: number;
}
interface ManifestCapture {
  file: string;
  shows: string;
  format: 'pcap' | 'pcap-nsec' | 'pcapng';
  linktype: 'EN10MB' | 'LINUX_SLL' | 'LINUX_SLL2';
  ipVersion: 4 | 6;
  connections: number;
  tsharkOptions?: string[];
  sni: string | null;
  version: string | null;
  versionCode: number | null;
  cipherSuite: string | null;
  cipherSuiteCode: number | null;
  helloRetryRequest?: boolean;
  helloRetryGroup?: number;
  serverKey: { type: string; bits: number; curve?: string } | null;
  serverChain: string[] | null;
  serverKeyExchangeSigalg: number | null;
  keyExchangeGroup?: number;
  dhPrimeBits?: number;
  certificateRequest: 'none' | 'plaintext' | 'encrypted';
  certificateRequestSigalgsConfigured?: string;
  certificateRequestSigalgs: number[] | null;
  certificateRequestCAs?: string[];
  clientCertificate: 'none' | 'empty' | 'sent' | 'encrypted';
  clientCertSubject: string | null;
  clientCertChain?: string[];
  certificateVerifySigalg: number | null;
  alerts: ManifestAlert[];
  handshakeComplete: boolean;
  applicationData: boolean;
  maxRecordPayload?: number;
}
interface Manifest {
  tools: Record<string, string>;
  captures: ManifestCapture[];
}

const manifest = JSON.parse(readFileSync(join(CAPTURES, 'manifest.json'), 'utf8')) as Manifest;

// ------------------------------------------------------------------ tshark JSON helpers
type J = unknown;
const asArray = (v: J): J[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const isObj = (v: J): v is Record<string, J> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every value stored under `key` anywhere below `node` (arrays flattened), in document order. */
function findAll(node: J, key: string, out: J[] = []): J[] {
  if (Array.isArray(node)) {
    for (const x of node) findAll(x, key, out);
  } else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(...asArray(v));
      findAll(v, key, out);
    }
  }
  return out;
}
const first = (node: J, key: string): string | undefined => {
  const v = findAll(node, key)[0];
  return typeof v === 'string' ? v : undefined;
};
const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

/** CN values of a name subtree (x509af.subject_tree / issuer_tree / tls.handshake.dname). */
function commonNames(node: J): string[] {
  const out: string[] = [];
  for (const el of findAll(node, 'x509if.RelativeDistinguishedName_item_element')) {
    if (!isObj(el) || el['x509if.oid'] !== '2.5.4.3') continue;
    const s = Object.values(isObj(el['x509sat.DirectoryString_tree']) ? el['x509sat.DirectoryString_tree'] : {})[0];
    if (typeof s === 'string') out.push(s);
  }
  return out;
}

const HRR_RANDOM = 'cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:9c';

interface Seen {
  connections: number;
  ipVersion: number | undefined;
  sni: string | null;
  serverHellos: { version: number; supportedVersion?: number; cipherSuite: number }[];
  hrr: { group?: number }[];
  serverChain: string[] | null;
  serverKeyExchangeSigalg: number | null;
  keyExchangeGroup?: number;
  dhPrimeBits?: number;
  certificateRequest: { sigalgs: number[]; cas: string[] } | null;
  clientCertificate: 'none' | 'empty' | 'sent';
  clientChain: string[];
  certificateVerifySigalg: number | null;
  alerts: ManifestAlert[];
  changeCipherSpec: { client: boolean; server: boolean };
  appData: { client: number; server: number };
  maxRecordLength: { client: number; server: number };
  linktype: string;
  format: string;
}

function tshark(file: string, extra: string[], args: string[]): string {
  return execFileSync('tshark', ['-r', file, ...extra, ...args], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function inspect(file: string, extra: string[] = []): Seen {
  const packets = JSON.parse(tshark(file, extra, ['-T', 'json', '--no-duplicate-keys'])) as J[];
  const seen: Seen = {
    connections: 0, ipVersion: undefined, sni: null, serverHellos: [], hrr: [], serverChain: null,
    serverKeyExchangeSigalg: null, certificateRequest: null, clientCertificate: 'none', clientChain: [],
    certificateVerifySigalg: null, alerts: [], changeCipherSpec: { client: false, server: false },
    appData: { client: 0, server: 0 }, maxRecordLength: { client: 0, server: 0 }, linktype: '', format: '',
  };
  let serverPort: number | undefined;
  for (const p of packets) {
    const layers = isObj(p) && isObj(p['_source']) && isObj(p['_source']['layers']) ? p['_source']['layers'] : {};
    const tcp = layers['tcp'];
    if (seen.ipVersion === undefined) seen.ipVersion = layers['ipv6'] ? 6 : layers['ip'] ? 4 : undefined;
    const syn = first(tcp, 'tcp.flags.syn') === '1' && first(tcp, 'tcp.flags.ack') === '0';
    const isRetransmission = findAll(tcp, 'tcp.analysis.retransmission').length > 0
      || findAll(tcp, 'tcp.analysis.spurious_retransmission').length > 0;
    if (syn) {
      seen.connections += 1;
      serverPort ??= num(first(tcp, 'tcp.dstport'));
    }
    if (isRetransmission) continue;
    const from: 'client' | 'server' = num(first(tcp, 'tcp.srcport')) === serverPort ? 'server' : 'client';
    for (const tls of asArray(layers['tls'])) {
      for (const rec of findAll(tls, 'tls.record')) {
        if (!isObj(rec)) continue;
        const ct = num(first(rec, 'tls.record.content_type')) ?? num(first(rec, 'tls.record.opaque_type'));
        const len = num(first(rec, 'tls.record.length')) ?? 0;
        seen.maxRecordLength[from] = Math.max(seen.maxRecordLength[from], len);
        if (ct === 20) seen.changeCipherSpec[from] = true;
        if (ct === 23) seen.appData[from] += 1;
        if (ct === 21) {
          const am = rec['tls.alert_message'];
          if (isObj(am)) {
            const levelCode = num(first(am, 'tls.alert_message.level'));
            const code = num(first(am, 'tls.alert_message.desc'));
            seen.alerts.push({ from, levelCode, code });
          } else {
            seen.alerts.push({ from, encrypted: true });
          }
        }
        if (ct !== 22) continue;
        for (const hs of asArray(rec['tls.handshake'])) {
          const type = num(first(hs, 'tls.handshake.type'));
          if (type === undefined || !isObj(hs)) continue; // encrypted handshake message
          switch (type) {
            case 1:
              seen.sni ??= first(hs, 'tls.handshake.extensions_server_name') ?? null;
              break;
            case 2: {
              const random = first(hs, 'tls.handshake.random');
              if (random === HRR_RANDOM) {
                const group = num(first(hs, 'tls.handshake.extensions_key_share_selected_group'));
                seen.hrr.push(group === undefined ? {} : { group });
              } else {
                const sv = num(first(hs, 'tls.handshake.extensions.supported_version'));
                seen.serverHellos.push({
                  version: num(first(hs, 'tls.handshake.version')) ?? -1,
                  ...(sv === undefined ? {} : { supportedVersion: sv }),
                  cipherSuite: num(first(hs, 'tls.handshake.ciphersuite')) ?? -1,
                });
                const g = num(first(hs, 'tls.handshake.extensions_key_share_group'));
                if (g !== undefined) seen.keyExchangeGroup = g;
              }
              break;
            }
            case 11: {
              const certs = findAll(hs, 'tls.handshake.certificate_tree');
              const names = certs.map((c) => commonNames(findAll(c, 'x509af.subject_tree')).join('/'));
              if (from === 'server') seen.serverChain ??= names;
              else {
                seen.clientCertificate = certs.length === 0 ? 'empty' : 'sent';
                seen.clientChain = names;
              }
              break;
            }
            case 12: {
              const sig = num(first(hs, 'tls.handshake.sig_hash_alg'));
              seen.serverKeyExchangeSigalg = sig ?? null;
              const g = num(first(hs, 'tls.handshake.server_named_curve'));
              if (g !== undefined) seen.keyExchangeGroup = g;
              const p = num(first(hs, 'tls.handshake.p_len'));
              if (p !== undefined) seen.dhPrimeBits = p * 8;
              break;
            }
            case 13:
              seen.certificateRequest = {
                sigalgs: findAll(hs, 'tls.handshake.sig_hash_alg').map((s) => Number(s)),
                cas: findAll(hs, 'tls.handshake.dname').map((d) => commonNames(d).join('/')),
              };
              break;
            case 15:
              seen.certificateVerifySigalg = num(first(hs, 'tls.handshake.sig_hash_alg')) ?? null;
              break;
            default:
              break;
          }
        }
      }
    }
  }
  const info = execFileSync('capinfos', ['-t', '-E', '-T', file], { encoding: 'utf8' }).trim().split('\n').pop() ?? '';
  const [, fmt = '', lt = ''] = info.split('\t');
  seen.format = fmt;
  seen.linktype = lt;
  return seen;
}

const ALERT_LEVELS: Record<string, number> = { warning: 1, fatal: 2 };
const FORMAT_NAMES: Record<string, string> = { pcap: 'pcap', 'pcap-nsec': 'nsecpcap', pcapng: 'pcapng' };
const LINKTYPE_NAMES: Record<string, string> = { EN10MB: 'ether', LINUX_SLL: 'linux-sll', LINUX_SLL2: 'linux-sll2' };

if (process.env['DUMP']) {
  for (const c of manifest.captures) {
    const f = join(CAPTURES, c.file);
    console.log(c.file, existsSync(f) ? JSON.stringify(inspect(f, c.tsharkOptions ?? [])) : 'MISSING');
  }
} else {
  test('every capture in the manifest exists, and together they stay small', () => {
    // other generators (e.g. scripts/make-rule-captures.sh) may add files to captures/ with
    // their own manifests, so files not listed here are not an error
    let total = 0;
    for (const c of manifest.captures) {
      const f = join(CAPTURES, c.file);
      assert.ok(existsSync(f), `${c.file} is missing`);
      total += statSync(f).size;
    }
    assert.equal(new Set(manifest.captures.map((c) => c.file)).size, manifest.captures.length, 'duplicate file in manifest');
    assert.ok(total < 2_000_000, `captures total ${total} bytes`);
  });

  for (const c of manifest.captures) {
    test(c.file, () => {
      const file = join(CAPTURES, c.file);
      assert.ok(existsSync(file), `${c.file} missing`);
      const s = inspect(file, c.tsharkOptions ?? []);
      assert.equal(s.format, FORMAT_NAMES[c.format], 'file format');
      assert.equal(s.linktype, LINKTYPE_NAMES[c.linktype], 'link type');
      assert.equal(s.ipVersion, c.ipVersion, 'IP version');
      assert.equal(s.connections, c.connections, 'TCP connections');
      assert.equal(s.sni, c.sni, 'SNI');
      if (c.versionCode === null) {
        assert.equal(s.serverHellos.length, 0, 'no ServerHello expected');
      } else {
        const sh = s.serverHellos[0];
        assert.ok(sh, 'ServerHello expected');
        assert.equal(sh.supportedVersion ?? sh.version, c.versionCode, 'negotiated version');
        assert.equal(sh.cipherSuite, c.cipherSuiteCode, 'cipher suite');
      }
      assert.equal(s.hrr.length > 0, c.helloRetryRequest === true, 'HelloRetryRequest');
      if (c.helloRetryGroup !== undefined) assert.equal(s.hrr[0]?.group, c.helloRetryGroup, 'HRR selected group');
      if (c.versionCode !== 0x0304) {
        // TLS 1.3 encrypts Certificate and CertificateVerify; only TLS <= 1.2 values are visible
        assert.deepEqual(s.serverChain, c.serverChain, 'server certificate chain (subject CNs)');
        assert.equal(s.serverKeyExchangeSigalg, c.serverKeyExchangeSigalg, 'ServerKeyExchange signature scheme');
      }
      if (c.keyExchangeGroup !== undefined) assert.equal(s.keyExchangeGroup, c.keyExchangeGroup, 'key exchange group');
      if (c.dhPrimeBits !== undefined) assert.equal(s.dhPrimeBits, c.dhPrimeBits, 'DH prime size');
      switch (c.certificateRequest) {
        case 'none':
        case 'encrypted':
          assert.equal(s.certificateRequest, null, 'no plaintext CertificateRequest');
          break;
        case 'plaintext':
          assert.ok(s.certificateRequest, 'CertificateRequest expected');
          assert.deepEqual(s.certificateRequest.sigalgs, c.certificateRequestSigalgs, 'CertificateRequest signature_algorithms');
          assert.deepEqual(s.certificateRequest.cas, c.certificateRequestCAs ?? [], 'CertificateRequest certificate_authorities (CNs)');
          break;
      }
      const clientCert = c.clientCertificate === 'encrypted' ? 'none' : c.clientCertificate;
      assert.equal(s.clientCertificate, clientCert, 'client Certificate message');
      if (c.clientCertificate === 'sent') {
        assert.deepEqual(s.clientChain, c.clientCertChain, 'client certificate chain (subject CNs)');
        assert.equal(`CN=${s.clientChain[0]}`, c.clientCertSubject?.split(',')[0], 'client certificate subject CN');
      }
      assert.equal(s.certificateVerifySigalg, c.certificateVerifySigalg, 'CertificateVerify signature scheme');
      // Plaintext alerts in order. Encrypted ones (close_notify at the end) race each other, so
      // only which sides sent one is compared.
      const want = c.alerts.filter((a) => !a.encrypted)
        .map((a) => ({ from: a.from, levelCode: ALERT_LEVELS[a.level ?? ''], code: a.code }));
      assert.deepEqual(s.alerts.filter((a) => !a.encrypted), want, 'plaintext alerts (direction, level, description)');
      const sides = (l: ManifestAlert[]) => l.filter((a) => a.encrypted).map((a) => a.from).sort();
      assert.deepEqual(sides(s.alerts), sides(c.alerts), 'encrypted alerts (directions)');
      if (c.versionCode !== null && c.versionCode !== 0x0304) {
        assert.equal(s.changeCipherSpec.client && s.changeCipherSpec.server, c.handshakeComplete, 'both ChangeCipherSpecs');
      }
      const sawAppData = c.versionCode === 0x0304
        ? s.appData.client > 1 && s.appData.server > 1 // TLS 1.3: every encrypted record is type 23; the Finished alone is one
        : s.appData.client > 0 && s.appData.server > 0;
      assert.equal(sawAppData, c.applicationData, 'application data in both directions');
      if (c.maxRecordPayload !== undefined) {
        assert.ok(s.maxRecordLength.server <= c.maxRecordPayload + 256, `server records <= ${c.maxRecordPayload} + overhead`);
      }
    });
  }
}
