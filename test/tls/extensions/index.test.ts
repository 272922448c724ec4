// src/tls/extensions/index.ts: the registry from ExtensionType code point to decoder, and what
// decodeExtensions does around each decoder (the hello kind passed on, a broken body reported on
// its own extension, unknown and GREASE extensions kept). Error paths: test/bytes/reader.test.ts;
// shared lists: test/tls/interning.test.ts; MAX_EXTENSIONS: test/robustness/limits.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../../src/bytes/reader.js';
import { decodeClientHello } from '../../../src/tls/messages/hello.js';
import { decodeExtensions, type ExtensionTarget, type HelloKind } from '../../../src/tls/extensions/index.js';
import * as b from '../../helpers/tls-bytes.js';

const reader = (bytes: number[]) => new ByteReader(Uint8Array.from(bytes), 0, 'test');

function extensions(block: number[], kind: HelloKind = 'client_hello'): { list: ReturnType<typeof decodeExtensions>; out: ExtensionTarget } {
  const out: ExtensionTarget = {};
  return { list: decodeExtensions(reader(b.vec16(block)), kind, out), out };
}

test('a broken extension body is reported on that extension, the hello still decodes', () => {
  const exts = [...b.ext(13, [0, 3, 4, 1, 5]), ...b.ext(0, b.vec16([0, ...b.vec16(b.ascii('a.example'))]))];
  const ch = decodeClientHello(reader(b.clientHelloBody({ extensions: exts })));
  assert.match(ch.extensions[0]!.error ?? '', /Malformed.*not a multiple of 2/);
  assert.equal(ch.signatureAlgorithms, undefined);
  assert.equal(ch.serverName, 'a.example');
});

test('the hello kind reaches the decoder: supported_versions and key_share as the ClientHello, ServerHello and HelloRetryRequest send them', () => {
  const client = extensions([...b.ext(43, b.vec8(b.u16list([0x0304, 0x0303]))), ...b.ext(51, b.vec16([...b.u16(29), ...b.vec16(new Array(32).fill(1))]))]);
  assert.deepEqual(client.out.supportedVersions?.map((v) => v.name), ['TLS 1.3', 'TLS 1.2']);
  assert.deepEqual(client.out.keyShares?.map((k) => [k.group.name, k.keyLength]), [['x25519', 32]]);
  const server = extensions([...b.ext(43, b.u16(0x0304)), ...b.ext(51, [...b.u16(29), ...b.vec16(new Array(32).fill(2))])], 'server_hello');
  assert.equal(server.out.selectedVersion?.name, 'TLS 1.3');
  assert.deepEqual(server.out.keyShare && [server.out.keyShare.group.name, server.out.keyShare.keyLength], ['x25519', 32]);
  const hrr = extensions([...b.ext(43, b.u16(0x0304)), ...b.ext(51, b.u16(0x0017))], 'hello_retry_request');
  assert.equal(hrr.out.selectedGroup?.name, 'secp256r1');
  assert.equal(hrr.out.keyShare, undefined);
  for (const x of [client, server, hrr]) assert.deepEqual(x.list.map((e) => [e.name, e.error]), [['supported_versions', undefined], ['key_share', undefined]]);
});

test('bytes a decoder leaves unread are an error on that extension (RFC 8446 §4.2: extension_data holds exactly the extension)', () => {
  // extended_master_secret (RFC 7627 §5.1) is empty; here it carries one byte.
  const { list, out } = extensions([...b.ext(23, [0]), ...b.ext(22, [])]);
  assert.equal(list[0]!.error, 'Malformed: test.extensions.extensions[0](extended_master_secret): 1 unexpected trailing byte(s) @6');
  assert.deepEqual([list[1]!.name, list[1]!.error], ['encrypt_then_mac', undefined]);
  assert.equal(out.encryptThenMac, true);
});

test('GREASE, unassigned and registered-but-undecoded extensions are listed with their code, name and length, nothing decoded', () => {
  // GREASE 0xdada (RFC 8701), 0x7777 unassigned, server_certificate_type (20, RFC 7250) and
  // status_request_v2 (17, RFC 6961) are in the IANA registry but have no decoder here.
  const { list, out } = extensions([...b.ext(0xdada, [0]), ...b.ext(0x7777, [1, 2, 3]), ...b.ext(20, b.vec8([0, 2])), ...b.ext(17, [])]);
  assert.deepEqual(list, [
    { code: 0xdada, name: 'GREASE', length: 1 },
    { code: 0x7777, name: 'unknown (0x7777)', length: 3 },
    { code: 20, name: 'server_certificate_type', length: 3 },
    { code: 17, name: 'status_request_v2', length: 0 },
  ]);
  assert.deepEqual(out, {});
});
