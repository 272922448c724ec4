// What the X.509 decoders make of an element's content octets once asn1js (asn1.ts) has framed
// it: hex, character strings, small INTEGERs, BOOLEANs. asn1js decodes these values too, but not
// the way our output needs: it replaces invalid UTF-8, UTF-16 and UCS-4 (raw bytes, U+FFFD) where
// RFC 4514 §2.4 wants the value's "#hex" form, and reads a BOOLEAN by its first octet only.
import { Malformed } from '../bytes/errors.js';
import { TAG } from './asn1.js';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true });

/** Octets as code points 0-255 (IA5String and friends, and the GeneralName strings). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/**
 * The text of an X.520 DirectoryString-like value (identifier octet `tag`, content octets `b`),
 * or undefined when the value is not a character string or its encoding is invalid, in which
 * case callers show it as hex (RFC 4514 §2.4).
 */
export function decodeString(tag: number, b: Uint8Array): string | undefined {
  try {
    switch (tag) {
      case TAG.UTF8_STRING:
        return utf8.decode(b);
      case TAG.PRINTABLE_STRING:
      case TAG.IA5_STRING:
      case TAG.VISIBLE_STRING:
      case TAG.NUMERIC_STRING:
      // T.61 is close enough to Latin-1 for display; OpenSSL treats it the same way.
      case TAG.TELETEX_STRING:
        return latin1(b);
      case TAG.BMP_STRING:
        if (b.length % 2 !== 0) return undefined;
        return utf16be.decode(b);
      case TAG.UNIVERSAL_STRING: {
        if (b.length % 4 !== 0) return undefined;
        let s = '';
        for (let i = 0; i < b.length; i += 4) {
          const cp = ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
          s += String.fromCodePoint(cp);
        }
        return s;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined; // invalid UTF-8 / UTF-16
  }
}

/**
 * A small INTEGER's value from its content octets (X.690 §8.3: two's complement, at least one
 * octet). Longer than `maxOctets` is Malformed with `tooLarge` as the message; `at` is the
 * element's offset for errors.
 */
export function smallInteger(v: Uint8Array, at: number, what: string, maxOctets: number, tooLarge: string): number {
  if (v.length === 0) throw new Malformed('empty INTEGER (X.690 §8.3.1)', at, what);
  if (v.length > maxOctets) throw new Malformed(tooLarge, at, what);
  let n = (v[0]! & 0x80) !== 0 ? -1 : 0;
  for (let i = 0; i < v.length; i++) n = n * 256 + v[i]!;
  return n;
}

/** BOOLEAN: any non-zero content octet is TRUE (X.690 §8.2.2; DER's single 0xff octet is not required). */
export function readBoolean(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return true;
  return false;
}
