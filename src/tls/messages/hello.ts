// ClientHello and ServerHello (RFC 5246 §7.4.1.2-3, RFC 8446 §4.1.2-4) and the
// SSLv2-compatible ClientHello (RFC 5246 appendix E.2).
import type { ByteReader } from '../../bytes/reader.js';
import type { ClientHello, CodePoint, ServerHello } from '../model.js';
import { codePoint, codePoints } from '../registry/registry.js';
import { CIPHER_SUITES } from '../registry/cipher-suites.js';
import { COMPRESSION_METHODS } from '../registry/compression.js';
import { VERSIONS } from '../registry/versions.js';
import { SSLV2_CIPHER_SPECS } from '../registry/sslv2.js';
import { decodeExtensions } from '../extensions/index.js';
import { toHex } from '../text.js';

/** RFC 8446 §4.1.3: the ServerHello.random that marks a HelloRetryRequest, SHA-256("HelloRetryRequest"). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export function decodeClientHello(r: ByteReader): ClientHello {
  const version = codePoint(VERSIONS, r.u16('legacy_version'));
  const random = toHex(r.bytes(32, 'random'));
  const sessionIdLength = r.vec8('legacy_session_id').remaining;
  const cipherSuites = codePoints(CIPHER_SUITES, r.vec16('cipher_suites').u16s());
  const compressionMethods = codePoints(COMPRESSION_METHODS, r.vec8('legacy_compression_methods').u8s());
  const hello: ClientHello = { version, random, sessionIdLength, cipherSuites, compressionMethods, extensions: [] };
  // SSL 3.0 and early TLS 1.0 clients may end the hello here (RFC 5246 §7.4.1.2).
  if (!r.done) hello.extensions = decodeExtensions(r, 'client_hello', hello);
  r.expectEnd('ClientHello');
  return hello;
}

export function decodeServerHello(r: ByteReader, handshakeType = 2): ServerHello {
  const version = codePoint(VERSIONS, r.u16('legacy_version'));
  // Drafts before TLS 1.3 draft-22 sent a distinct hello_retry_request message (type 6)
  // holding only a version and extensions.
  if (handshakeType === 6) {
    const hello = bareServerHello(version, true);
    if (!r.done) hello.extensions = decodeExtensions(r, 'hello_retry_request', hello);
    return hello;
  }
  const random = toHex(r.bytes(32, 'random'));
  const helloRetryRequest = random === HRR_RANDOM;
  const sessionIdLength = r.vec8('legacy_session_id_echo').remaining;
  const cipherSuite = codePoint(CIPHER_SUITES, r.u16('cipher_suite'));
  const compressionMethod = codePoint(COMPRESSION_METHODS, r.u8('legacy_compression_method'));
  const hello: ServerHello = {
    version,
    selectedVersion: version,
    random,
    sessionIdLength,
    cipherSuite,
    compressionMethod,
    extensions: [],
    helloRetryRequest,
  };
  if (!r.done) {
    hello.extensions = decodeExtensions(r, helloRetryRequest ? 'hello_retry_request' : 'server_hello', hello);
  }
  r.expectEnd('ServerHello');
  return hello;
}

/**
 * A ServerHello-shaped value for messages that carry no random, session id or suite of their
 * own (a draft HelloRetryRequest, an SSL 2.0 SERVER-HELLO); the suite reads as 0x0000 until known.
 */
function bareServerHello(version: CodePoint, helloRetryRequest: boolean): ServerHello {
  return {
    version,
    selectedVersion: version,
    random: '',
    sessionIdLength: 0,
    cipherSuite: codePoint(CIPHER_SUITES, 0),
    compressionMethod: codePoint(COMPRESSION_METHODS, 0),
    extensions: [],
    helloRetryRequest,
  };
}

/** A 24-bit SSLv2 cipher spec 0x00XXXX is the TLS suite 0xXXXX (RFC 5246 appendix E.2). */
export function sslv2CipherSpec(spec: number): CodePoint {
  return codePoint(spec <= 0xffff ? CIPHER_SUITES : SSLV2_CIPHER_SPECS, spec);
}

function readSpecs(r: ByteReader, length: number): number[] {
  if (length % 3 !== 0) r.fail(`cipher_specs length ${length} is not a multiple of 3`, 'cipher_specs');
  const specs: number[] = [];
  for (let i = 0; i < length; i += 3) specs.push(r.u24('cipher_spec'));
  return specs;
}

/**
 * RFC 5246 appendix E.2 / SSL 2.0 §2.5 CLIENT-HELLO, after the 2-byte record header and msg_type.
 * A version of 0x0002 is a real SSLv2 hello; 0x0300 and up is the "SSLv2-compatible" form.
 */
export function decodeSslv2ClientHello(r: ByteReader): ClientHello {
  const version = codePoint(VERSIONS, r.u16('version'));
  const specLength = r.u16('cipher_spec_length');
  const sessionIdLength = r.u16('session_id_length');
  const challengeLength = r.u16('challenge_length');
  const specs = readSpecs(r, specLength);
  r.skip(sessionIdLength, 'session_id');
  const challenge = r.bytes(challengeLength, 'challenge');
  r.expectEnd('SSLv2 ClientHello');
  // The challenge becomes the right-aligned ClientHello.random (appendix E.2).
  const random = toHex(challenge).padStart(64, '0');
  return {
    version,
    random,
    sessionIdLength,
    cipherSuites: codePoints(CIPHER_SUITES, specs.filter((s) => s <= 0xffff)),
    compressionMethods: [],
    extensions: [],
    sslv2: true,
    cipherSpecs: specs.map(sslv2CipherSpec),
  };
}

/** SSL 2.0 SERVER-HELLO after msg_type: returns the hello and the certificate DER. */
export function decodeSslv2ServerHello(r: ByteReader): { hello: ServerHello; certificate: Uint8Array } {
  r.u8('session_id_hit');
  r.u8('certificate_type');
  const version = codePoint(VERSIONS, r.u16('server_version'));
  const certLength = r.u16('certificate_length');
  const specLength = r.u16('cipher_specs_length');
  const connIdLength = r.u16('connection_id_length');
  const certificate = r.bytes(certLength, 'certificate');
  const specs = readSpecs(r, specLength);
  r.skip(connIdLength, 'connection_id');
  r.expectEnd('SSLv2 ServerHello');
  return { hello: { ...bareServerHello(version, false), sslv2: true, cipherSpecs: specs.map(sslv2CipherSpec) }, certificate };
}
