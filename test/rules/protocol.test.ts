// Rules of src/rules/protocol/ on hand-built connections: versions, suites, alerts, plain text
// where TLS was expected. The capture tests (captures.test.ts) are the primary evidence; these
// pin down the corners no capture shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRule } from '../../src/rules/index.js';
import { finishedRecordLength } from '../../src/rules/protocol/tls13-client-auth-hidden.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import type { Connection } from '../../src/tls/model.js';
import { ids, has, stats, clientHello, serverHello, conn } from './helpers.js';

describe('one answer per question (tls/queries.ts)', () => {
  it('a draft TLS 1.3 version (Facebook\'s 0xfb17) is TLS 1.3 for the rules too: no EMS or renegotiation_info demanded', () => {
    // Before, the session treated 0xfb17 as TLS 1.3 and the rules did not, so both fired.
    for (const code of [0x0304, 0x7f17, 0xfb17, 0xfb1a]) {
      const v = codePoint(VERSIONS, code);
      const c = conn({ version: v, serverHello: serverHello({ selectedVersion: v, cipherSuite: codePoint(CIPHER_SUITES, 0x1301), extensions: [] }) });
      const got = ids(c);
      assert.ok(!got.some((x) => x.startsWith('no-extended-master-secret') || x.startsWith('no-secure-renegotiation')), `${code.toString(16)}: ${got.join(',')}`);
    }
  });
});

describe('protocol', () => {
  it('a clean TLS 1.2 handshake raises nothing', () => {
    assert.deepEqual(ids(conn()), []);
  });

  it('legacy-version without a ServerHello: a supported_versions list of only GREASE, or empty, falls back to the legacy version', () => {
    // Found by the flows fuzz target (seed 416579589): the rule threw "Reduce of empty array".
    for (const listed of [[0x0a0a], []]) {
      const old = conn({ serverHello: undefined, clientHello: clientHello({ version: codePoint(VERSIONS, 0x0301), supportedVersions: codePoints(VERSIONS, listed) }) });
      const found = has(old, 'legacy-version');
      assert.equal(found.length, 1, JSON.stringify(listed));
      assert.match(found[0]!.detail, /offered at most TLS 1\.0/);
      assert.equal(found[0]!.severity, 'warning');
      const current = conn({ serverHello: undefined, clientHello: clientHello({ version: codePoint(VERSIONS, 0x0303), supportedVersions: codePoints(VERSIONS, listed) }) });
      assert.deepEqual(has(current, 'legacy-version'), []);
    }
  });

  it('TLS 1.3 Finished record lengths per suite', () => {
    assert.equal(finishedRecordLength(0x1301), 53);
    assert.equal(finishedRecordLength(0x1302), 69);
    assert.equal(finishedRecordLength(0x1303), 53);
    assert.equal(finishedRecordLength(0x1305), 45);
  });

  it('weak-cipher: anonymous and NULL suites', () => {
    assert.match(has(conn({ serverHello: serverHello({ cipherSuite: codePoint(CIPHER_SUITES, 0xc018) }) }), 'weak-cipher')[0]?.detail ?? '', /anonymous/);
    assert.match(has(conn({ serverHello: serverHello({ cipherSuite: codePoint(CIPHER_SUITES, 0x0002) }) }), 'weak-cipher')[0]?.detail ?? '', /NULL/);
  });

  it('dhe-weak-group is an error below 1024 bits', () => {
    const ske = { kind: 'dhe', length: 300, dhPrimeBits: 512, dhGenerator: '02' };
    assert.equal(has(conn({ serverKeyExchange: ske }), 'dhe-weak-group')[0]?.severity, 'error');
  });

  it('not-tls: a TLS client answered in plain text', () => {
    const c = conn({ serverHello: undefined, certificates: undefined, stats: { client: stats(), server: { ...stats(), records: {}, bytes: 120 } }, complete: false });
    assert.match(has(c, 'not-tls')[0]?.detail ?? '', /TLS was sent to a plain-text port/);
  });
});

describe('not-tls: plain text is a finding only where TLS was expected', () => {
  const HTTP = 'HTTP request (plain HTTP sent to a TLS port?)';
  const bytes = (up: number, down: number) => ({ client: { ...stats(), records: {}, bytes: up }, server: { ...stats(), records: {}, bytes: down } });
  /** A connection that never spoke TLS, `up`/`down` bytes each way. */
  const plain = (server: string, o: { source?: 'replay' | 'proxy'; notTls?: string; up?: number; down?: number } = {}) =>
    conn({
      source: o.source ?? 'replay',
      server,
      tls: false,
      notTls: o.notTls ?? HTTP,
      version: undefined,
      clientHello: undefined,
      serverHello: undefined,
      certificates: undefined,
      messages: [],
      complete: false,
      stats: bytes(o.up ?? 78, o.down ?? 0),
    });
  const sev = (c: Connection) => has(c, 'not-tls').map((f) => f.severity);

  it('replay, plain HTTP on port 80 answered by the server: an ordinary HTTP exchange, no finding', () => {
    assert.deepEqual(sev(plain('93.184.216.34:80', { down: 1256 })), []);
    assert.deepEqual(sev(plain('[2001:db8::1]:8080', { down: 500 })), []);
    assert.deepEqual(sev(plain('10.0.0.5:25', { notTls: 'SMTP/FTP-style text protocol', down: 300 })), []);
  });

  it('replay, plain HTTP to a port that is not TLS, no answer: info, worded as a possibility', () => {
    const [f] = has(plain('127.0.0.1:40707'), 'not-tls');
    assert.equal(f?.severity, 'info');
    assert.match(f!.detail, /Port 40707 is not a conventional TLS port, so this may be an ordinary plain-text connection/);
    assert.match(f!.detail, /If the server on port 40707 expects TLS, the client used http:\/\/ where https:\/\/ was needed/);
  });

  it('replay, plain text on a port that is TLS from the first byte (RFC 8314, RFC 7858, IANA https): a warning naming the port', () => {
    for (const [server, name] of [['127.0.0.1:443', 'https'], ['[::1]:465', 'submissions'], ['10.0.0.1:853', 'domain-s'], ['10.0.0.1:993', 'imaps']] as const) {
      const [f] = has(plain(server, { down: 120 }), 'not-tls');
      assert.equal(f?.severity, 'warning', server);
      assert.match(f!.detail, new RegExp(`plain HTTP sent to a TLS port, port ${server.slice(server.lastIndexOf(':') + 1)} \\(${name}`));
    }
    const [ssh] = has(plain('10.0.0.1:443', { notTls: 'SSH', down: 40 }), 'not-tls');
    assert.match(ssh!.detail, /TLS is expected from the first byte on port 443 \(https\): the client speaks another protocol/);
  });

  it('STARTTLS ports (25, 143, 587) are not TLS ports: plain text there is the normal start', () => {
    for (const p of [25, 143, 587]) assert.deepEqual(sev(plain(`10.0.0.1:${p}`, { notTls: 'SMTP/FTP-style text protocol', down: 50 })), [], String(p));
  });

  it('proxy: the backend is a TLS server, so plain HTTP from the client is a warning whatever the port, with the client fix', () => {
    for (const server of ['127.0.0.1:40707', '127.0.0.1:80', '127.0.0.1:443']) {
      const [f] = has(plain(server, { source: 'proxy', down: 0 }), 'not-tls');
      assert.equal(f?.severity, 'warning', server);
      assert.match(f!.detail, /The client speaks plain HTTP to a TLS port: the proxy relays to the TLS server/);
      assert.match(f!.fix ?? '', /^client: use https:\/\/, not http:\/\/: the client speaks HTTP to a TLS port/);
    }
    const [other] = has(plain('127.0.0.1:8443', { source: 'proxy', notTls: 'unknown protocol', down: 14 }), 'not-tls');
    assert.equal(other?.severity, 'warning');
    const [banner] = has(plain('127.0.0.1:2525', { source: 'proxy', notTls: 'no data', up: 0, down: 30 }), 'not-tls');
    assert.match(banner!.detail, /--backend points at a plain-text service/);
  });

  it('no bytes either way (a port probe, a health check) gives no finding anywhere', () => {
    assert.deepEqual(sev(plain('127.0.0.1:443', { notTls: 'no data', up: 0, down: 0 })), []);
    assert.deepEqual(sev(plain('127.0.0.1:443', { source: 'proxy', notTls: 'no data', up: 0, down: 0 })), []);
  });

  it('a ClientHello answered in plain text stays a warning on any port, in both modes', () => {
    const answered = (server: string, source: 'replay' | 'proxy') =>
      conn({ source, server, serverHello: undefined, certificates: undefined, stats: { client: stats(), server: { ...stats(), records: {}, bytes: 120 } }, complete: false });
    assert.equal(has(answered('127.0.0.1:80', 'replay'), 'not-tls')[0]?.severity, 'warning');
    const [p] = has(answered('127.0.0.1:8080', 'proxy'), 'not-tls');
    assert.equal(p?.severity, 'warning');
    assert.match(p!.detail, /the backend 127\.0\.0\.1:8080 is not a TLS server/);
  });

  it('the catalogue lists both severities and the ports it treats as TLS', () => {
    const r = findRule('not-tls')!;
    assert.deepEqual(r.severities, ['warning', 'info']);
    assert.match(r.explain, /443, 465, 563, 636, 853, 989, 990, 992, 993, 995/);
  });
});
