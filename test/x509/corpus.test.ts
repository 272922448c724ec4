// Oracle: tshark's X.509 dissection of the public capture corpus (../shared/corpus, next to the repository).
// The certificate DERs are pulled out with tshark itself (we have no TLS decoder in this
// test), decoded with decodeCertificate, and compared with what the *.tshark.json oracle
// lists per connection: serial, signature OID, SPKI OID, subject and issuer.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeCertificate } from '../../src/x509/certificate.js';
import { hasTool, run, splitRfc4514 } from './helpers.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/captures', import.meta.url));
const skip = !existsSync(CORPUS) || !hasTool('tshark', ['--version']) ? 'corpus or tshark not available' : false;

interface OracleCert {
  from: string;
  subject: string;
  issuer: string;
  serial: string;
  sig_alg_oid: string;
  spki_alg_oid: string;
}
interface Oracle {
  tshark_options: string[];
  decode_as_tcp_ports: number[];
  connections: { tcp_stream: number; certificates: OracleCert[] | null }[];
}

/** tshark's attribute names (its x509sat/pkcs-9 field abbreviations) → RFC 4514 / OpenSSL short names. */
const TSHARK_ATTRS: Record<string, string> = {
  'id-at-commonName': 'CN',
  'id-at-organizationName': 'O',
  'id-at-organizationalUnitName': 'OU',
  'id-at-countryName': 'C',
  'id-at-localityName': 'L',
  'id-at-stateOrProvinceName': 'ST',
  'id-at-streetAddress': 'STREET',
  'id-at-postalCode': 'postalCode',
  'id-at-serialNumber': 'serialNumber',
  'id-at-businessCategory': 'businessCategory',
  'id-at-surname': 'SN',
  'id-at-givenName': 'GN',
  'id-at-title': 'title',
  'pkcs-9-at-emailAddress': 'emailAddress',
  jurisdictionOfIncorporationCountryName: 'jurisdictionC',
  jurisdictionOfIncorporationStateOrProvinceName: 'jurisdictionST',
  jurisdictionOfIncorporationLocalityName: 'jurisdictionL',
};

/** Our RFC 4514 string in tshark's form: tshark names, no escaping, every separator ",". */
function asTshark(dn: string): string {
  const byShort = Object.fromEntries(Object.entries(TSHARK_ATTRS).map(([k, v]) => [v, k]));
  return splitRfc4514(dn)
    .map((a) => `${byShort[a.type] ?? a.type}=${a.value}`)
    .join(',');
}

const execFileP = promisify(execFile);

/** The tshark command line the oracle was made with, asking for the certificate DERs per tcp.stream. */
function tsharkArgs(file: string, oracle: Pick<Oracle, 'tshark_options' | 'decode_as_tcp_ports'>): string[] {
  const args = ['-r', file, '-n', ...oracle.tshark_options];
  for (const p of oracle.decode_as_tcp_ports) args.push('-d', `tcp.port==${p},tls`);
  args.push('-Y', 'tls.handshake.certificate', '-T', 'fields', '-E', 'separator=/t', '-e', 'tcp.stream', '-e', 'tls.handshake.certificate');
  return args;
}

/** Per tcp.stream, the DERs of every certificate in every plaintext Certificate message, in order. */
function parseTsharkFields(out: string): Map<number, Buffer[]> {
  const byStream = new Map<number, Buffer[]>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const [stream, hexes] = line.split('\t');
    const list = byStream.get(Number(stream)) ?? [];
    for (const h of (hexes ?? '').split(',')) if (h) list.push(Buffer.from(h, 'hex'));
    byStream.set(Number(stream), list);
  }
  return byStream;
}

function loadOracle(capture: string): Oracle {
  return JSON.parse(readFileSync(join(CORPUS, `${capture}.tshark.json`), 'utf8')) as Oracle;
}

function extractCertificates(capture: string): Map<number, Buffer[]> {
  return parseTsharkFields(run('tshark', tsharkArgs(join(CORPUS, capture), loadOracle(capture))));
}

const captures = skip
  ? []
  : readdirSync(CORPUS)
      .filter((f) => f.endsWith('.tshark.json'))
      .map((f) => f.replace(/\.tshark\.json$/, ''))
      .filter((c) => loadOracle(c).connections.some((conn) => (conn.certificates ?? []).length > 0));

/** Runs tshark over every capture, a few at a time (each run takes about a second). */
async function extractAll(): Promise<Map<string, Map<number, Buffer[]>>> {
  const result = new Map<string, Map<number, Buffer[]>>();
  const queue = [...captures];
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const { stdout } = await execFileP('tshark', tsharkArgs(join(CORPUS, c), loadOracle(c)), { maxBuffer: 64 << 20 });
      result.set(c, parseTsharkFields(stdout));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return result;
}

describe('x509 corpus (tshark oracle)', { skip }, () => {
  let total = 0;
  let extracted: Map<string, Map<number, Buffer[]>>;
  before(async () => {
    extracted = await extractAll();
  });
  for (const capture of captures) {
    const oracle = loadOracle(capture);
    const expected = oracle.connections.filter((c) => (c.certificates ?? []).length > 0);
    it(capture, () => {
      const ders = extracted.get(capture)!;
      for (const conn of expected) {
        const got = ders.get(conn.tcp_stream) ?? [];
        const want = conn.certificates!;
        assert.equal(got.length, want.length, `tcp.stream ${conn.tcp_stream}: certificate count`);
        want.forEach((w, i) => {
          const der = got[i]!;
          const c = decodeCertificate(der);
          const where = `tcp.stream ${conn.tcp_stream} cert ${i} (${w.subject})`;
          total++;
          assert.equal(c.error, undefined, `${where}: ${c.error}`);
          assert.equal(c.serial, w.serial, `${where}: serial`);
          assert.equal(c.signatureAlgorithm.oid, w.sig_alg_oid, `${where}: signature OID`);
          assert.equal(c.publicKey.oid, w.spki_alg_oid, `${where}: SPKI OID`);
          assert.equal(asTshark(c.subject), w.subject, `${where}: subject`);
          assert.equal(asTshark(c.issuer), w.issuer, `${where}: issuer`);
          assert.equal(c.length, der.length);
          // Second source: node:crypto (OpenSSL) for the fingerprint, where it accepts the certificate.
          let x: X509Certificate | undefined;
          try {
            x = new X509Certificate(der);
          } catch {
            x = undefined;
          }
          if (x) assert.equal(c.sha256, x.fingerprint256.replace(/:/g, '').toLowerCase(), `${where}: sha256`);
        });
      }
    });
  }

  it('decoded a meaningful number of corpus certificates', () => {
    assert.ok(total >= 100, `only ${total} certificates checked`);
  });
});

/** Certificates that are odd on purpose: the fields that make them odd. */
describe('x509 corpus: odd certificates', { skip }, () => {
  const first = (capture: string): ReturnType<typeof decodeCertificate>[] => {
    const ders = extractCertificates(capture);
    return [...ders.values()].flat().map((d) => decodeCertificate(d));
  };

  it('CVE-2015-3194.pcap: RSA-PSS signature with malformed parameters decodes without crashing', () => {
    const [c] = first('CVE-2015-3194.pcap');
    assert.ok(c);
    assert.equal(c.signatureAlgorithm.name, 'rsassaPss');
    assert.equal(c.publicKey.algorithm, 'rsa');
    assert.equal(c.selfSigned, false);
  });

  it('ml-dsa-44-cert.pcap: ML-DSA-44 key and signature', () => {
    const [c] = first('ml-dsa-44-cert.pcap');
    assert.ok(c);
    assert.equal(c.publicKey.algorithm, 'ml-dsa-44');
    assert.equal(c.signatureAlgorithm.name, 'ml-dsa-44');
    // OpenSSL 3.0 cannot verify ML-DSA: self-signed falls back to subject == issuer plus key ids.
    assert.equal(c.subject, c.issuer);
    assert.equal(c.selfSigned, true);
  });

  it('badcurveball.pcap: the CA key has explicit EC parameters (CVE-2020-0601 style)', () => {
    const [leaf, ca] = first('badcurveball.pcap');
    assert.ok(leaf && ca);
    assert.equal(leaf.publicKey.curve, 'secp384r1');
    assert.equal(ca.subject, 'CN=INFIGO,O=INFIGO IS,ST=Zagreb,C=HR');
    assert.equal(ca.publicKey.algorithm, 'ec');
    assert.equal(ca.publicKey.curve, 'explicit');
    assert.equal(ca.publicKey.bits, 384);
    assert.equal(ca.error, undefined);
  });

  it('x509-generalizedtime.pcap: GeneralizedTime validity', () => {
    const [c] = first('x509-generalizedtime.pcap');
    assert.ok(c);
    const der = extractCertificates('x509-generalizedtime.pcap').values().next().value![0]!;
    const x = new X509Certificate(der);
    assert.equal(new Date(c.notBefore).getTime(), new Date(x.validFrom).getTime());
    assert.equal(new Date(c.notAfter).getTime(), new Date(x.validTo).getTime());
  });

  it('cert-no-cn.pcap: subject without commonName', () => {
    const [c] = first('cert-no-cn.pcap');
    assert.ok(c);
    assert.equal(c.subject, 'O=TestCorp');
    assert.equal(c.serial, '00fa17a614059b1ef3');
  });
});
