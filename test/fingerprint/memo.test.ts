// fingerprints() remembers JA3/JA4/JA3S per hello shape (the identities of the interned lists,
// the version, the first ALPN value). Hellos that share some lists but differ in any input must
// still get their own fingerprints, on first sight and when remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import { fingerprints } from '../../src/fingerprint/index.js';
import { ja3sString, ja3String } from '../../src/fingerprint/ja3.js';
import { ja4 } from '../../src/fingerprint/ja4.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import { SUPPORTED_GROUPS } from '../../src/tls/registry/groups.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import type { ClientHello, Connection, ServerHello } from '../../src/tls/model.js';

const CAPTURE = fileURLToPath(new URL('../../captures/apache-mtls-pss-default.pcap', import.meta.url));
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

test('remembered fingerprints follow every input of the hello', async () => {
  const conns: Connection[] = [];
  await replayFile(CAPTURE, {}, { connection: (c) => conns.push(c), warning: () => {} });
  const base = conns.find((c) => c.clientHello && c.serverHello)!;
  const ch = base.clientHello!;
  const sh = base.serverHello!;
  const variants: ClientHello[] = [
    ch,
    { ...ch, alpn: ['h2'] },
    { ...ch, alpn: ['http/1.1'] },
    { ...ch, version: codePoint(VERSIONS, 0x0301) },
    { ...ch, signatureAlgorithms: codePoints(SIGNATURE_SCHEMES, [0x0804, 0x0401]) },
    { ...ch, supportedGroups: codePoints(SUPPORTED_GROUPS, [23]) },
    { ...ch, supportedVersions: undefined },
    { ...ch, cipherSuites: ch.cipherSuites.slice(1) },
  ];
  const servers: ServerHello[] = [sh, { ...sh, version: codePoint(VERSIONS, 0x0302) }, { ...sh, extensions: Object.freeze(sh.extensions.slice(1)) as typeof sh.extensions }];
  for (let round = 0; round < 3; round++) {
    for (const [i, h] of variants.entries()) {
      const server = servers[i % servers.length]!;
      const got = fingerprints({ ...base, clientHello: h, serverHello: server } as Connection);
      const full = ja3String(h)!;
      assert.equal(got.ja3Full, full, `variant ${i}`);
      assert.equal(got.ja3, md5(full), `variant ${i}`);
      assert.equal(got.ja4, ja4(h), `variant ${i}`);
      assert.equal(got.ja3sFull, ja3sString(server), `variant ${i}`);
      assert.equal(got.ja3s, md5(ja3sString(server)!), `variant ${i}`);
    }
  }
  // The variants really differ where they should.
  const ja4s = new Set(variants.map((h) => ja4(h)));
  const ja3s = new Set(variants.map((h) => md5(ja3String(h)!)));
  assert.ok(ja4s.size >= 6 && ja3s.size >= 4, `${ja4s.size} JA4s, ${ja3s.size} JA3s`);
});
