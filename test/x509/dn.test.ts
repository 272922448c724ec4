// formatName / decodeDistinguishedName on Names built byte by byte here, with the RFC 4514 §4
// examples as the oracle, plus garbage input (only our Malformed may come out).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Malformed } from '../../src/bytes/errors.js';
import { decodeDistinguishedName, escapeValue } from '../../src/x509/dn.js';

// --- a tiny DER encoder (X.690 §8.1) ---------------------------------------------------------

function tlv(tag: number, body: Uint8Array | number[]): Uint8Array {
  const b = Uint8Array.from(body);
  const len = b.length < 0x80 ? [b.length] : b.length < 0x100 ? [0x81, b.length] : [0x82, b.length >> 8, b.length & 0xff];
  return Uint8Array.from([tag, ...len, ...b]);
}
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(BigInt);
  const out: number[] = [];
  const push = (v: bigint) => {
    const bytes = [Number(v & 0x7fn)];
    while ((v >>= 7n) > 0n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, out);
}
const utf8 = (s: string) => tlv(0x0c, [...new TextEncoder().encode(s)]);
const printable = (s: string) => tlv(0x13, [...Buffer.from(s, 'latin1')]);
const ia5 = (s: string) => tlv(0x16, [...Buffer.from(s, 'latin1')]);
const atv = (type: string, value: Uint8Array) => tlv(0x30, cat(oid(type), value));
const rdn = (...atvs: Uint8Array[]) => tlv(0x31, cat(...atvs));
const name = (...rdns: Uint8Array[]) => tlv(0x30, cat(...rdns));

const CN = '2.5.4.3';
const OU = '2.5.4.11';
const DC = '0.9.2342.19200300.100.1.25';
const UID = '0.9.2342.19200300.100.1.1';

// ---------------------------------------------------------------------------------------------

describe('decodeDistinguishedName: RFC 4514 §4 examples', () => {
  it('UID=jsmith,DC=example,DC=net', () => {
    const der = name(rdn(atv(DC, ia5('net'))), rdn(atv(DC, ia5('example'))), rdn(atv(UID, utf8('jsmith'))));
    assert.equal(decodeDistinguishedName(der), 'UID=jsmith,DC=example,DC=net');
  });

  it('OU=Sales+CN=J.  Smith,DC=example,DC=net (multi-valued RDN, encoded order kept)', () => {
    const der = name(rdn(atv(DC, ia5('net'))), rdn(atv(DC, ia5('example'))), rdn(atv(OU, utf8('Sales')), atv(CN, utf8('J.  Smith'))));
    assert.equal(decodeDistinguishedName(der), 'OU=Sales+CN=J.  Smith,DC=example,DC=net');
  });

  it('CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net', () => {
    const der = name(rdn(atv(DC, ia5('net'))), rdn(atv(DC, ia5('example'))), rdn(atv(CN, utf8('James "Jim" Smith, III'))));
    assert.equal(decodeDistinguishedName(der), 'CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net');
  });

  it('CN=Before\\0dAfter,DC=example,DC=net (a control character hex-escaped)', () => {
    const der = name(rdn(atv(DC, ia5('net'))), rdn(atv(DC, ia5('example'))), rdn(atv(CN, utf8('Before\rAfter'))));
    assert.equal(decodeDistinguishedName(der), 'CN=Before\\0dAfter,DC=example,DC=net');
  });

  it('1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com (unknown type: dotted OID and #hex of the BER)', () => {
    const der = name(rdn(atv(DC, ia5('com'))), rdn(atv(DC, ia5('example'))), rdn(atv('1.3.6.1.4.1.1466.0', tlv(0x04, [0x48, 0x69]))));
    assert.equal(decodeDistinguishedName(der), '1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com');
  });

  it('CN=Lučić (RFC 4514 writes CN=Lu\\C4\\8Di\\C4\\87; §2.4 allows the UTF-8 unescaped)', () => {
    assert.equal(decodeDistinguishedName(name(rdn(atv(CN, utf8('Lučić'))))), 'CN=Lučić');
  });
});

describe('decodeDistinguishedName: value encodings', () => {
  it('BMPString, UniversalString, TeletexString, PrintableString', () => {
    const bmp = tlv(0x1e, [0x00, 0x4c, 0x00, 0xfc, 0x00, 0x74]); // "Lüt"
    const univ = tlv(0x1c, [0, 1, 0xf6, 0x00]); // U+1F600
    const t61 = tlv(0x14, [0x4d, 0xfc]); // "Mü" as Latin-1
    const der = name(rdn(atv(CN, bmp)), rdn(atv(CN, univ)), rdn(atv(CN, t61)), rdn(atv('2.5.4.6', printable('DE'))));
    assert.equal(decodeDistinguishedName(der), 'C=DE,CN=Mü,CN=😀,CN=Lüt');
  });

  it('a known type with a non-string value, or invalid UTF-8, is #hex of its DER', () => {
    assert.equal(decodeDistinguishedName(name(rdn(atv(CN, tlv(0x02, [0x05]))))), 'CN=#020105');
    assert.equal(decodeDistinguishedName(name(rdn(atv(CN, tlv(0x0c, [0xc3, 0x28]))))), 'CN=#0c02c328');
  });

  it('empty Name is the empty string; empty value is allowed', () => {
    assert.equal(decodeDistinguishedName(name()), '');
    assert.equal(decodeDistinguishedName(name(rdn(atv(CN, utf8(''))))), 'CN=');
  });

  it('OIDs with large arcs', () => {
    const der = name(rdn(atv('2.25.329800735698586629295641978511506172918', utf8('x'))));
    assert.equal(decodeDistinguishedName(der), '2.25.329800735698586629295641978511506172918=#0c0178');
  });
});

describe('escapeValue (RFC 4514 §2.4)', () => {
  for (const [input, want] of [
    ['a,b', 'a\\,b'],
    ['a+b', 'a\\+b'],
    ['"q"', '\\"q\\"'],
    ['a\\b', 'a\\\\b'],
    ['<a>;', '\\<a\\>\\;'],
    ['#a#', '\\#a#'], // only a leading "#"
    [' a ', '\\ a\\ '], // leading and trailing space
    [' ', '\\ '],
    ['a  b', 'a  b'], // inner spaces stay
    ['a=b', 'a=b'], // "=" needs no escape
    ['nul\0', 'nul\\00'],
    ['esc\x1b[2J', 'esc\\1b[2J'], // terminal control sequences are defused
  ] as const) {
    it(JSON.stringify(input), () => assert.equal(escapeValue(input), want));
  }
});

describe('decodeDistinguishedName: malformed input throws only Malformed, with an offset', () => {
  const good = name(rdn(atv(DC, ia5('net'))), rdn(atv(CN, utf8('x'))));

  const malformedAt = (der: Uint8Array, base = 0) => {
    try {
      decodeDistinguishedName(der, base);
    } catch (e) {
      assert.ok(e instanceof Malformed, `got ${String(e)}`);
      assert.ok(e.offset >= base && e.offset <= base + der.length, `offset ${e.offset}`);
      return e;
    }
    assert.fail('no error');
  };

  it('every truncation', () => {
    for (let n = 0; n < good.length; n++) malformedAt(good.subarray(0, n), 1000);
  });

  it('trailing bytes, an empty SET, a wrong tag, an indefinite length, an extra ATV field', () => {
    assert.match(malformedAt(cat(good, Uint8Array.of(0))).message, /trailing/);
    assert.match(malformedAt(name(tlv(0x31, []))).message, /empty RelativeDistinguishedName/);
    assert.match(malformedAt(tlv(0x31, [])).message, /want tag 0x30, got 0x31/);
    assert.match(malformedAt(Uint8Array.of(0x30, 0x80, 0, 0)).message, /indefinite/);
    malformedAt(name(rdn(tlv(0x30, cat(oid(CN), utf8('a'), utf8('b'))))));
    malformedAt(name(rdn(tlv(0x30, cat(utf8('a'), utf8('b'))))));
  });

  it('reports offsets relative to base', () => {
    const e = malformedAt(cat(good, Uint8Array.of(0)), 500);
    assert.equal(e.offset, 500 + good.length);
  });

  it('arbitrary bytes (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          assert.equal(typeof decodeDistinguishedName(bytes), 'string');
        } catch (e) {
          assert.ok(e instanceof Malformed, `got ${String(e)}`);
        }
      }),
      { seed: 3, numRuns: 5000 },
    );
    // Mutations of a valid name reach deeper.
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(255), (i, v) => {
        const der = Uint8Array.from(good);
        der[i] = v;
        try {
          decodeDistinguishedName(der);
        } catch (e) {
          assert.ok(e instanceof Malformed, `got ${String(e)}`);
        }
      }),
      { seed: 4, numRuns: 3000 },
    );
  });
});
