// Oracle: certificates made here with the openssl CLI, each field of decodeCertificate checked
// against what `openssl x509` prints for it and, as a second source, node:crypto's
// X509Certificate. Expectations that only the construction knows (self-signed or not, which
// EKU was asked for) come from the command line that made the certificate.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CertInfo } from '../../src/x509/model.js';
import { decodeCertificate } from '../../src/x509/certificate.js';
import { hasTool, run, splitRfc4514 } from './helpers.js';

const skip = hasTool('openssl') ? false : 'openssl not available';

const REQ_CNF = `
[req]
distinguished_name = dn
[dn]
[dir_sect]
C = UK
CN = Dir Name
[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = p
unique_subject = no
copy_extensions = copy
[p]
commonName = supplied
`;

interface Made {
  pem: string;
  der: Buffer;
  info: CertInfo;
  node: X509Certificate;
  /** `openssl x509 -noout -subject -nameopt RFC2253,-esc_msb -issuer -serial -dates -fingerprint -sha256 -ext …` */
  summary: string;
  /** `openssl x509 -noout -text` */
  text: string;
}

let dir = '';
const made = new Map<string, Made>();

function openssl(args: string[]): string {
  return run('openssl', args);
}

/** openssl req -x509 with a fresh key; returns the PEM path. */
function selfSigned(name: string, keyArgs: string[], subj: string, extra: string[] = []): string {
  const out = join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-nodes', '-config', join(dir, 'req.cnf'), ...keyArgs, '-keyout', join(dir, `${name}.key`), '-out', out, '-days', '30', '-utf8', '-subj', subj, ...extra]);
  return out;
}

function load(name: string, pem: string): void {
  const derPath = join(dir, `${name}.der`);
  openssl(['x509', '-in', pem, '-outform', 'DER', '-out', derPath]);
  const bytes = readFileSync(derPath);
  const summary = openssl(['x509', '-in', pem, '-noout', '-nameopt', 'RFC2253,-esc_msb', '-subject', '-issuer', '-serial', '-dates', '-fingerprint', '-sha256', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints']);
  const text = openssl(['x509', '-in', pem, '-noout', '-text']);
  made.set(name, { pem, der: bytes, info: decodeCertificate(bytes), node: new X509Certificate(bytes), summary, text });
}

const SAN = 'subjectAltName=DNS:www.example.com,DNS:*.example.org,IP:192.0.2.7,IP:2001:db8:0:0:1:0:0:1,IP:::1,IP:fe80::,email:ops@example.com,URI:https://example.com/path';

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'tlspeek-x509-'));
  writeFileSync(join(dir, 'req.cnf'), REQ_CNF);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial.txt'), '80\n');
  const ext = (...e: string[]) => e.flatMap((x) => ['-addext', x]);

  load('rsa2048', selfSigned('rsa2048', ['-newkey', 'rsa:2048'], '/C=US/ST=California/L=San Francisco/O=Example, Inc./OU=Ops/CN=www.example.com',
    ext(SAN, 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth,clientAuth', 'basicConstraints=critical,CA:FALSE')));
  load('rsa1024-client', selfSigned('rsa1024-client', ['-newkey', 'rsa:1024', '-sha1'], '/CN=client/emailAddress=client@example.com',
    ext('extendedKeyUsage=clientAuth', 'keyUsage=digitalSignature,nonRepudiation')));
  load('ec-p256', selfSigned('ec-p256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=p256'));
  load('ec-p384', selfSigned('ec-p384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384'], '/CN=p384'));
  load('ec-p521', selfSigned('ec-p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-sha512'], '/CN=p521'));
  load('ec-secp256k1', selfSigned('ec-secp256k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'], '/CN=k1'));
  load('ec-brainpool', selfSigned('ec-brainpool', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1'], '/CN=bp'));
  load('ed25519', selfSigned('ed25519', ['-newkey', 'ed25519'], '/CN=ed25519'));
  load('ed448', selfSigned('ed448', ['-newkey', 'ed448'], '/CN=ed448'));
  load('rsa-pss-key', selfSigned('rsa-pss-key', ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_pss_keygen_md:sha256', '-pkeyopt', 'rsa_pss_keygen_mgf1_md:sha256', '-pkeyopt', 'rsa_pss_keygen_saltlen:32'], '/CN=pss-key'));
  load('rsa-pss-noparams', selfSigned('rsa-pss-noparams', ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'], '/CN=pss-noparams'));
  load('rsa-pss-sig', selfSigned('rsa-pss-sig', ['-newkey', 'rsa:2048', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'], '/CN=pss-sig'));
  openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', join(dir, 'dsa.params')]);
  load('dsa', selfSigned('dsa', ['-newkey', `dsa:${join(dir, 'dsa.params')}`, '-sha256'], '/CN=dsa'));
  load('ca-pathlen', selfSigned('ca-pathlen', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/O=Example/CN=Example Root CA',
    ext('basicConstraints=critical,CA:TRUE,pathlen:3', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash')));
  load('multi-rdn', selfSigned('multi-rdn', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/DC=org/DC=example/O=Example/CN=alice+UID=jsmith'));
  load('escapes', selfSigned('escapes', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    '/CN=Smith\\, John "JS" <js>;x\\+y\\\\z/O= leading space/OU=#hash/L=trailing space /ST=a=b',
    ext('subjectAltName=otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com,dirName:dir_sect', 'extendedKeyUsage=msSmartcardLogin,1.2.3.4.5')));
  load('utf8', selfSigned('utf8', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/C=DE/O=Café Ünïcödé/CN=日本語.example'));
  load('long-validity', selfSigned('long-validity', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=long', ['-days', '36500']));

  // Issued by ca-pathlen: not self-signed. "same-subject" has the CA's subject (issuer == subject
  // byte for byte) but its own key, so it is self-issued and not self-signed (RFC 5280 §3.2).
  const caKey = join(dir, 'ca-pathlen.key');
  const caPem = join(dir, 'ca-pathlen.pem');
  for (const [name, subj] of [['leaf', '/CN=leaf.example.com'], ['same-subject', '/O=Example/CN=Example Root CA']] as const) {
    openssl(['req', '-new', '-nodes', '-config', join(dir, 'req.cnf'), '-newkey', 'rsa:2048', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', subj]);
    openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', caPem, '-CAkey', caKey, '-set_serial', '0x00ff', '-days', '10', '-out', join(dir, `${name}.pem`)]);
    load(name, join(dir, `${name}.pem`));
  }

  // openssl 3.0 x509/req cannot set arbitrary dates; `openssl ca -startdate/-enddate` can.
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  openssl(['req', '-new', '-nodes', '-config', join(dir, 'req.cnf'), '-newkey', 'rsa:2048', '-keyout', join(dir, 'ca-self.key'), '-out', join(dir, 'ca-self.csr'), '-subj', '/CN=dates']);
  for (const [name, start, end] of [['expired', '19991231235959Z', '20010101000000Z'], ['gentime', '20491231235959Z', '20500101000000Z']] as const) {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      openssl(['ca', '-batch', '-config', 'req.cnf', '-selfsign', '-keyfile', 'ca-self.key', '-in', 'ca-self.csr', '-out', `${name}.pem`, '-startdate', start, '-enddate', end, '-notext']);
    } finally {
      process.chdir(cwd);
    }
    load(name, join(dir, `${name}.pem`));
  }
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Reading openssl's output

function line(summary: string, key: string): string {
  const m = new RegExp(`^${key}=(.*)$`, 'm').exec(summary);
  assert.ok(m, `openssl printed no ${key}`);
  return m[1]!;
}

/** The value lines under an `-ext` header such as "X509v3 Key Usage: critical". */
function extBlock(summary: string, header: string): string | undefined {
  const lines = summary.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${header}:`));
  if (i < 0) return undefined;
  const body: string[] = [];
  for (let j = i + 1; j < lines.length && lines[j]!.startsWith(' '); j++) body.push(lines[j]!.trim());
  return body.join(' ');
}

const OPENSSL_KU: Record<string, string> = {
  'Digital Signature': 'digitalSignature',
  'Non Repudiation': 'nonRepudiation',
  'Key Encipherment': 'keyEncipherment',
  'Data Encipherment': 'dataEncipherment',
  'Key Agreement': 'keyAgreement',
  'Certificate Sign': 'keyCertSign',
  'CRL Sign': 'cRLSign',
  'Encipher Only': 'encipherOnly',
  'Decipher Only': 'decipherOnly',
};
const OPENSSL_EKU: Record<string, string> = {
  'TLS Web Server Authentication': 'serverAuth',
  'TLS Web Client Authentication': 'clientAuth',
  'Code Signing': 'codeSigning',
  'E-mail Protection': 'emailProtection',
  'Time Stamping': 'timeStamping',
  'OCSP Signing': 'OCSPSigning',
  'Microsoft Smartcard Login': 'msSmartcardLogin',
  'Any Extended Key Usage': 'anyExtendedKeyUsage',
};

/** IPv6 in RFC 5952 form, by way of the WHATWG URL serializer (an independent implementation). */
function rfc5952(addr: string): string {
  return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
}

/**
 * RFC 4514 §2.2: the attributes of a multi-valued RDN may be written "in any order"; OpenSSL's
 * DN_REV reverses them too, so compare RDNs as sorted lists. Hex (`#…`) values: RFC 4514 §3
 * allows either case.
 */
function canonicalDn(dn: string): string[] {
  const rdns: string[][] = [];
  for (const a of splitRfc4514(dn)) {
    const pair = `${a.type}=${a.value.startsWith('#') ? a.value.toLowerCase() : a.value}`;
    if (a.sep === '+') rdns[rdns.length - 1]!.push(pair);
    else rdns.push([pair]);
  }
  return rdns.map((r) => r.sort().join('+'));
}

// ---------------------------------------------------------------------------------------------

describe('x509 decode vs openssl and node:crypto', { skip }, () => {
  const names = [
    'rsa2048', 'rsa1024-client', 'ec-p256', 'ec-p384', 'ec-p521', 'ec-secp256k1', 'ec-brainpool', 'ed25519', 'ed448',
    'rsa-pss-key', 'rsa-pss-noparams', 'rsa-pss-sig', 'dsa', 'ca-pathlen', 'multi-rdn', 'escapes', 'utf8', 'long-validity',
    'leaf', 'same-subject', 'expired', 'gentime',
  ];

  for (const name of names) {
    it(`${name}: every field agrees with openssl x509 and node:crypto`, () => {
      const m = made.get(name)!;
      const c = m.info;
      assert.equal(c.error, undefined);

      // Names: openssl -nameopt RFC2253 (escaping per RFC 2253 §2.4, the same set as RFC 4514 §2.4).
      assert.deepEqual(canonicalDn(c.subject), canonicalDn(line(m.summary, 'subject')), 'subject');
      assert.deepEqual(canonicalDn(c.issuer), canonicalDn(line(m.summary, 'issuer')), 'issuer');
      // node:crypto prints the RDNs first-to-last, one per line, multi-valued joined with " + ".
      const nodeForm = (dn: string) =>
        dn.split('\n').map((rdn) => rdn.split(' + ').sort().join('+')).reverse().join(',');
      assert.deepEqual(canonicalDn(c.subject), canonicalDn(nodeForm(m.node.subject)), 'subject (node)');
      assert.deepEqual(canonicalDn(c.issuer), canonicalDn(nodeForm(m.node.issuer)), 'issuer (node)');

      // Serial: openssl and node print the number; the DER content adds 00 when the top bit is set.
      let serial = line(m.summary, 'serial').toLowerCase();
      if (serial.length % 2) serial = `0${serial}`;
      if (parseInt(serial.slice(0, 2), 16) >= 0x80) serial = `00${serial}`;
      assert.equal(c.serial, serial, 'serial');
      assert.equal(c.serial.replace(/^00(?=[89a-f])/, ''), m.node.serialNumber.toLowerCase().padStart(c.serial.replace(/^00(?=[89a-f])/, '').length, '0'));

      // Validity.
      assert.match(c.notBefore, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(Date.parse(c.notBefore), Date.parse(line(m.summary, 'notBefore')), 'notBefore');
      assert.equal(Date.parse(c.notAfter), Date.parse(line(m.summary, 'notAfter')), 'notAfter');
      assert.equal(Date.parse(c.notBefore), Date.parse(m.node.validFrom));
      assert.equal(Date.parse(c.notAfter), Date.parse(m.node.validTo));

      // Fingerprint and length.
      const fp = line(m.summary, 'sha256 Fingerprint').replace(/:/g, '').toLowerCase();
      assert.equal(c.sha256, fp);
      assert.equal(c.sha256, m.node.fingerprint256.replace(/:/g, '').toLowerCase());
      assert.equal(c.length, m.der.length);

      // Signature algorithm: the name openssl prints (ours are the same names, some lower-cased).
      const sig = /Signature Algorithm: (\S+)/.exec(m.text)![1]!;
      assert.equal(c.signatureAlgorithm.name.toLowerCase(), sig.toLowerCase().replace(/_/g, '-'), 'signature algorithm');

      // Public key: node's asymmetricKeyType, openssl's "Public-Key: (N bit)" and "ASN1 OID:".
      const pub = m.node.publicKey;
      assert.equal(c.publicKey.algorithm, pub.asymmetricKeyType, 'key type');
      const bits = /Public-Key: \((\d+) bit\)/.exec(m.text);
      if (bits) assert.equal(c.publicKey.bits, Number(bits[1]), 'key bits');
      const details = pub.asymmetricKeyDetails ?? {};
      if (details.modulusLength !== undefined) assert.equal(c.publicKey.bits, details.modulusLength);
      const curve = /ASN1 OID: (\S+)/.exec(m.text);
      assert.equal(c.publicKey.curve, curve?.[1], 'curve');
      if (details.namedCurve !== undefined) assert.equal(c.publicKey.curve, details.namedCurve);
      if (details.hashAlgorithm !== undefined) {
        assert.deepEqual(c.publicKey.pss, {
          hash: details.hashAlgorithm,
          mgf1Hash: details.mgf1HashAlgorithm,
          saltLength: details.saltLength,
        });
      } else {
        assert.equal(c.publicKey.pss, undefined);
      }

      // Extensions.
      const san = extBlock(m.summary, 'X509v3 Subject Alternative Name');
      if (san === undefined) assert.equal(c.san, undefined);
      else {
        const want = san.split(', ').map((g) => {
          if (g.startsWith('IP Address:')) return `IP:${g.includes(':', 11) ? rfc5952(g.slice(11)) : g.slice(11)}`;
          if (g.startsWith('othername: UPN::')) return `othername:1.3.6.1.4.1.311.20.2.3:${g.slice(16)}`;
          if (g.startsWith('DirName:')) return `DirName:${g.slice(9).split('/').reverse().join(',')}`;
          return g;
        });
        assert.deepEqual(c.san, want, 'subjectAltName');
        assert.deepEqual(
          c.san.filter((s) => s.startsWith('IP:')),
          (m.node.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('IP Address:')).map((s) => `IP:${s.includes(':', 11) ? rfc5952(s.slice(11)) : s.slice(11)}`),
        );
      }
      const ku = extBlock(m.summary, 'X509v3 Key Usage');
      assert.deepEqual(c.keyUsage, ku?.split(', ').map((k) => OPENSSL_KU[k] ?? `?${k}`), 'keyUsage');
      const eku = extBlock(m.summary, 'X509v3 Extended Key Usage');
      assert.deepEqual(c.extKeyUsage, eku?.split(', ').map((k) => OPENSSL_EKU[k] ?? k), 'extKeyUsage');
      // node:crypto's keyUsage is the EKU OID list (an OpenSSL quirk, see LIBRARIES.md §3).
      assert.equal(c.extKeyUsage?.length, m.node.keyUsage?.length);
      const bc = extBlock(m.summary, 'X509v3 Basic Constraints');
      if (bc === undefined) assert.equal(c.basicConstraints, undefined);
      else {
        const mm = /CA:(TRUE|FALSE)(?:, pathlen:(\d+))?/.exec(bc)!;
        const want: { ca: boolean; pathLength?: number } = { ca: mm[1] === 'TRUE' };
        if (mm[2] !== undefined) want.pathLength = Number(mm[2]);
        assert.deepEqual(c.basicConstraints, want, 'basicConstraints');
        assert.equal(c.basicConstraints?.ca, m.node.ca);
      }
    });
  }

  it('selfSigned follows how each certificate was made', () => {
    for (const name of names) {
      const want = !['leaf', 'same-subject'].includes(name);
      assert.equal(made.get(name)!.info.selfSigned, want, name);
    }
    // self-issued (subject == issuer) but signed by another key
    const s = made.get('same-subject')!.info;
    assert.equal(s.subject, s.issuer);
  });

  it('spot values', () => {
    const g = (n: string) => made.get(n)!.info;
    assert.equal(g('rsa2048').subject, 'CN=www.example.com,OU=Ops,O=Example\\, Inc.,L=San Francisco,ST=California,C=US');
    assert.deepEqual(g('rsa2048').san, [
      'DNS:www.example.com', 'DNS:*.example.org', 'IP:192.0.2.7', 'IP:2001:db8::1:0:0:1', 'IP:::1', 'IP:fe80::',
      'email:ops@example.com', 'URI:https://example.com/path',
    ]);
    assert.deepEqual(g('rsa1024-client').extKeyUsage, ['clientAuth']);
    assert.equal(g('rsa1024-client').signatureAlgorithm.name, 'sha1WithRSAEncryption');
    assert.equal(g('rsa1024-client').publicKey.bits, 1024);
    assert.equal(g('ec-p256').extKeyUsage, undefined);
    assert.deepEqual(g('ec-p521').publicKey, { algorithm: 'ec', oid: '1.2.840.10045.2.1', curve: 'secp521r1', bits: 521 });
    assert.deepEqual(g('ed25519').publicKey, { algorithm: 'ed25519', oid: '1.3.101.112', bits: 256 });
    assert.deepEqual(g('ed448').signatureAlgorithm, { oid: '1.3.101.113', name: 'ed448' });
    assert.deepEqual(g('rsa-pss-key').publicKey.pss, { hash: 'sha256', mgf1Hash: 'sha256', saltLength: 32 });
    assert.equal(g('rsa-pss-key').publicKey.algorithm, 'rsa-pss');
    assert.equal(g('rsa-pss-noparams').publicKey.pss, undefined);
    assert.equal(g('rsa-pss-sig').signatureAlgorithm.name, 'rsassaPss');
    assert.equal(g('rsa-pss-sig').publicKey.algorithm, 'rsa');
    assert.equal(g('dsa').publicKey.bits, 2048);
    assert.equal(g('dsa').signatureAlgorithm.name, 'dsa-with-sha256');
    assert.deepEqual(g('ca-pathlen').basicConstraints, { ca: true, pathLength: 3 });
    assert.deepEqual(g('ca-pathlen').keyUsage, ['keyCertSign', 'cRLSign']);
    // Multi-valued RDN in encoded (DER SET) order, joined with "+" (RFC 4514 §2.2).
    assert.match(g('multi-rdn').subject, /^(CN=alice\+UID=jsmith|UID=jsmith\+CN=alice),O=Example,DC=example,DC=org$/);
    // RFC 4514 §2.4: `"+,;<>\` escaped, leading space and "#", trailing space; "=" needs no escape.
    assert.equal(g('escapes').subject, 'ST=a=b,L=trailing space\\ ,OU=\\#hash,O=\\ leading space,CN=Smith\\, John \\"JS\\" \\<js\\>\\;x\\+y\\\\z');
    assert.deepEqual(g('escapes').extKeyUsage, ['msSmartcardLogin', '1.2.3.4.5']);
    assert.deepEqual(g('escapes').san, ['othername:1.3.6.1.4.1.311.20.2.3:user@example.com', 'DirName:CN=Dir Name,C=UK']);
    assert.equal(g('utf8').subject, 'CN=日本語.example,O=Café Ünïcödé,C=DE');
    assert.equal(g('leaf').serial, '00ff'); // -set_serial 0x00ff: DER INTEGER 00 ff
    assert.equal(g('expired').serial, '0080'); // serial file "80": DER INTEGER 00 80
    assert.equal(g('expired').notBefore, '1999-12-31T23:59:59Z'); // UTCTime 99 → 1999 (RFC 5280 §4.1.2.5.1)
    assert.equal(g('expired').notAfter, '2001-01-01T00:00:00Z');
    assert.equal(g('gentime').notBefore, '2049-12-31T23:59:59Z'); // UTCTime 49 → 2049
    assert.equal(g('gentime').notAfter, '2050-01-01T00:00:00Z'); // GeneralizedTime
    assert.ok(Date.parse(g('long-validity').notAfter) > Date.parse('2100-01-01T00:00:00Z'));
  });

  it('cache: a second decode returns the same deep-frozen object, which nobody can change', () => {
    const m = made.get('rsa2048')!;
    const a = decodeCertificate(m.der);
    const b = decodeCertificate(m.der);
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.publicKey) && Object.isFrozen(a.san));
    assert.throws(() => a.san!.push('DNS:changed'), TypeError);
    assert.throws(() => {
      (a.publicKey as { bits?: number }).bits = 1;
    }, TypeError);
    assert.deepEqual(decodeCertificate(m.der), m.info);
  });
});
