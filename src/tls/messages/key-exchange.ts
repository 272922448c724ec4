// ServerKeyExchange and ClientKeyExchange (RFC 5246 §7.4.3, §7.4.7; RFC 8422 §5.4, §5.7;
// RFC 4279 for PSK; RFC 5054 for SRP). Their shape depends on the suite's key exchange,
// which the ServerHello fixed; `kx` is CipherSuiteInfo.kx or undefined when no ServerHello was seen.
import type { ByteReader } from '../../bytes/reader.js';
import type { ClientKeyExchange, ServerKeyExchange } from '../model.js';
import { codePoint } from '../registry/registry.js';
import { SUPPORTED_GROUPS } from '../registry/groups.js';
import { EC_CURVE_TYPES } from '../registry/ec.js';
import { SIGNATURE_SCHEMES } from '../registry/signature-schemes.js';
import { toHex } from '../text.js';

/** Bit length of an unsigned big-endian integer (leading zero bytes do not count). */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

function ecParams(r: ByteReader, ske: ServerKeyExchange): void {
  const curveType = r.u8('curve_type');
  ske.curveType = codePoint(EC_CURVE_TYPES, curveType);
  if (curveType === 3) {
    ske.group = codePoint(SUPPORTED_GROUPS, r.u16('namedcurve'));
  } else if (curveType === 1) {
    // explicit_prime: prime_p, curve {a, b}, base, order, cofactor (RFC 4492 §5.4).
    ske.group = codePoint(SUPPORTED_GROUPS, 0xff01);
    for (const f of ['prime_p', 'a', 'b', 'base', 'order', 'cofactor']) r.vec8(f);
  } else if (curveType === 2) {
    ske.group = codePoint(SUPPORTED_GROUPS, 0xff02);
    r.u16('m');
    const basis = r.u8('basis');
    if (basis === 1) r.vec8('k');
    else if (basis === 2) {
      r.vec8('k1');
      r.vec8('k2');
      r.vec8('k3');
    }
    for (const f of ['a', 'b', 'base', 'order', 'cofactor']) r.vec8(f);
  } else {
    r.fail(`unknown ECCurveType ${curveType}`, 'curve_type');
  }
  ske.publicKeyLength = r.vec8('public').remaining;
}

function dhParams(r: ByteReader, ske: ServerKeyExchange): void {
  ske.dhPrimeBits = bitLength(r.vec16('dh_p').rest());
  ske.dhGenerator = toHex(r.vec16('dh_g').rest()).replace(/^0+(?=.)/, '');
  ske.dhPublicKeyLength = r.vec16('dh_Ys').remaining;
}

/**
 * digitally-signed (RFC 5246 §4.7): TLS 1.2 prefixes a SignatureAndHashAlgorithm;
 * earlier versions sign with a scheme the suite implies.
 */
function signature(r: ByteReader, ske: ServerKeyExchange, tls12: boolean): void {
  if (tls12) ske.signatureAlgorithm = codePoint(SIGNATURE_SCHEMES, r.u16('algorithm'));
  ske.signatureLength = r.vec16('signature').remaining;
}

const UNSIGNED_AUTH = new Set(['anon', 'PSK', 'NULL']);

/**
 * `tls12` says whether the negotiated version has SignatureAndHashAlgorithm fields;
 * undefined means unknown (no ServerHello seen), and we take whichever reading fits exactly.
 */
export function decodeServerKeyExchange(
  r: ByteReader,
  kx: string | undefined,
  auth: string | undefined,
  tls12: boolean | undefined,
): ServerKeyExchange {
  const start = r.offset;
  const length = r.remaining;
  const ske: ServerKeyExchange = { kind: kx ? kx.toLowerCase() : 'unknown', length };
  const signed = auth === undefined || !UNSIGNED_AUTH.has(auth);
  const params = (p: ByteReader): void => {
    switch (kx) {
      case 'ECDHE':
      case 'ECDH':
        ecParams(p, ske);
        break;
      case 'DHE':
      case 'DH':
        dhParams(p, ske);
        break;
      case 'RSA':
        // RSA export (RFC 2246 §7.4.3): a temporary RSA key.
        ske.rsaModulusBits = bitLength(p.vec16('rsa_modulus').rest());
        ske.rsaExponent = toHex(p.vec16('rsa_exponent').rest());
        break;
      case 'PSK':
      case 'RSA_PSK':
        ske.pskIdentityHintLength = p.vec16('psk_identity_hint').remaining;
        break;
      case 'DHE_PSK':
        ske.pskIdentityHintLength = p.vec16('psk_identity_hint').remaining;
        dhParams(p, ske);
        break;
      case 'ECDHE_PSK':
        ske.pskIdentityHintLength = p.vec16('psk_identity_hint').remaining;
        ecParams(p, ske);
        break;
      case 'SRP':
        p.vec16('srp_N');
        p.vec16('srp_g');
        p.vec8('srp_s');
        p.vec16('srp_B');
        break;
      default:
        // No ServerHello: guess by shape; named_curve (3) is by far the commonest.
        if (p.peek() === 3) {
          ske.kind = 'ecdhe';
          ecParams(p, ske);
        } else {
          ske.kind = 'dhe';
          dhParams(p, ske);
        }
    }
  };
  params(r);
  const unsignedPsk = kx === 'PSK' || kx === 'DHE_PSK' || kx === 'ECDHE_PSK';
  if (signed && !unsignedPsk && !r.done) {
    const is12 = tls12 ?? (r.remaining >= 4 && ((r.peek(2)! << 8) | r.peek(3)!) === r.remaining - 4);
    signature(r, ske, is12);
  }
  r.expectEnd(`ServerKeyExchange(${ske.kind}) from @${start}`);
  return ske;
}

/** ClientKeyExchange (RFC 5246 §7.4.7): we report the kind and size, never the key. */
export function decodeClientKeyExchange(r: ByteReader, kx: string | undefined): ClientKeyExchange {
  const length = r.remaining;
  const kind = kx ? kx.toLowerCase() : 'unknown';
  r.rest();
  return { kind, length };
}
