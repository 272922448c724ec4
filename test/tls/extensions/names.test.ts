// src/tls/extensions/names.ts: server_name, application_layer_protocol_negotiation and
// certificate_authorities. Hand-built extension_data; host names and protocol ids are the bytes
// of the strings written, CA names DER built here from RFC 5280's Name structure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Malformed, Truncated } from '../../../src/bytes/errors.js';
import * as names from '../../../src/tls/extensions/names.js';
import * as b from '../../helpers/tls-bytes.js';
import { decode } from './helpers.js';

/** RFC 6066 §3: ServerName { NameType name_type; HostName host_name<1..2^16-1> }. */
const serverName = (type: number, host: number[]) => [type, ...b.vec16(host)];

test('server_name (RFC 6066 §3): the host_name of a ServerNameList', () => {
  const out = decode(names.serverName, b.vec16(serverName(0, b.ascii('www.example.com'))));
  assert.equal(out.serverName, 'www.example.com');
  assert.deepEqual(Object.keys(out), ['serverName']);
});

test('server_name: the first host_name (type 0) is kept; an entry of another type is walked over', () => {
  const list = [...serverName(1, b.ascii('not a host')), ...serverName(0, b.ascii('a.example')), ...serverName(0, b.ascii('b.example'))];
  assert.equal(decode(names.serverName, b.vec16(list)).serverName, 'a.example');
  assert.equal(decode(names.serverName, b.vec16(serverName(1, b.ascii('x')))).serverName, undefined);
});

test('server_name: bytes beyond ASCII are read as UTF-8, a byte that is not UTF-8 as U+FFFD', () => {
  // "é" is C3 A9 in UTF-8; 0xFF never occurs in UTF-8.
  assert.equal(decode(names.serverName, b.vec16(serverName(0, [0x63, 0x61, 0x66, 0xc3, 0xa9, 0x2e, 0x65, 0x78]))).serverName, 'café.ex');
  assert.equal(decode(names.serverName, b.vec16(serverName(0, [0x61, 0xff]))).serverName, 'a\ufffd');
});

test('server_name: the server\'s acknowledgement is empty (RFC 6066 §3), a client\'s may not be', () => {
  for (const kind of ['server_hello', 'hello_retry_request'] as const) assert.deepEqual(decode(names.serverName, [], kind), {});
  assert.throws(() => decode(names.serverName, []), (e: unknown) => e instanceof Truncated && /server_name_list/.test(e.message));
});

test('server_name: a host_name longer than its list is truncated', () => {
  const cut = [...b.u16(14), 0, ...b.u16(20), ...b.ascii('example.com')];
  assert.throws(() => decode(names.serverName, cut), (e: unknown) => e instanceof Truncated && /host_name/.test(e.message));
});

test('application_layer_protocol_negotiation (RFC 7301 §3.1): protocol ids in the client\'s order', () => {
  // IANA ALPN Protocol IDs: "h2" = 0x68 0x32 (RFC 9113), "http/1.1" = 0x68 0x74 0x74 0x70 0x2f 0x31 0x2e 0x31.
  const h2 = [0x68, 0x32];
  const http11 = [0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31];
  assert.deepEqual(decode(names.alpn, b.vec16([...b.vec8(h2), ...b.vec8(http11)])).alpn, ['h2', 'http/1.1']);
  // The server's answer: a list of exactly one.
  assert.deepEqual(decode(names.alpn, b.vec16(b.vec8(h2)), 'server_hello').alpn, ['h2']);
});

test('application_layer_protocol_negotiation: an empty ProtocolName is malformed (ProtocolName<1..2^8-1>), a cut one truncated', () => {
  assert.throws(() => decode(names.alpn, b.vec16([...b.vec8(b.ascii('h2')), 0])), (e: unknown) => e instanceof Malformed && /empty ProtocolName/.test(e.message));
  assert.throws(() => decode(names.alpn, b.vec16([8, ...b.ascii('http')])), (e: unknown) => e instanceof Truncated && /protocol_name/.test(e.message));
  assert.throws(() => decode(names.alpn, [0, 9, 2, ...b.ascii('h2')]), (e: unknown) => e instanceof Truncated && /protocol_name_list/.test(e.message));
});

// DER (X.690 §8.1: tag, short-form length, contents) of an X.501 Name (RFC 5280 §4.1.2.4).
const tlv = (tag: number, body: number[]) => [tag, body.length, ...body];
const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;
const PRINTABLE = 0x13;
const UTF8 = 0x0c;
/** AttributeTypeAndValue with an id-at attribute (2.5.4.n, encoded 55 04 n). */
const atv = (n: number, tag: number, value: string) => tlv(SEQUENCE, [...tlv(OID, [0x55, 0x04, n]), ...tlv(tag, b.ascii(value))]);
const name = (...rdns: number[][]) => tlv(SEQUENCE, rdns.flatMap((attrs) => tlv(SET, attrs)));

test('certificate_authorities (RFC 8446 §4.2.4): each DistinguishedName as an RFC 4514 string, last RDN first', () => {
  // C=US (2.5.4.6, PrintableString), O=Example (2.5.4.10), CN=Example Root (2.5.4.3); then CN=Test CA alone.
  const root = name(atv(6, PRINTABLE, 'US'), atv(10, UTF8, 'Example'), atv(3, UTF8, 'Example Root'));
  const ca = name(atv(3, UTF8, 'Test CA'));
  const out = decode(names.certificateAuthorities, b.vec16([...b.vec16(root), ...b.vec16(ca)]));
  assert.deepEqual(out.certificateAuthorities, ['CN=Example Root,O=Example,C=US', 'CN=Test CA']);
  // A multi-valued RDN (RFC 4514 §2.2: joined with "+") and a value that needs escaping (§2.4).
  const multi = name([...atv(10, UTF8, 'A, B'), ...atv(11, UTF8, 'Ops')]);
  assert.deepEqual(decode(names.certificateAuthorities, b.vec16(b.vec16(multi))).certificateAuthorities, ['O=A\\, B+OU=Ops']);
});

test('certificate_authorities: a name that is not DER of a Name is malformed, a cut list truncated', () => {
  assert.throws(() => decode(names.certificateAuthorities, b.vec16(b.vec16([0x31, 0x00]))), Malformed);
  const ca = name(atv(3, UTF8, 'Test CA'));
  assert.throws(() => decode(names.certificateAuthorities, b.vec16([...b.u16(ca.length + 1), ...ca])), (e: unknown) => e instanceof Truncated && /DistinguishedName/.test(e.message));
});
