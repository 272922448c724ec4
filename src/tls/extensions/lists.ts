// Extensions whose body is one list of code points.
import { codePoint, codePoints } from '../registry/registry.js';
import { SUPPORTED_GROUPS } from '../registry/groups.js';
import { EC_POINT_FORMATS } from '../registry/ec.js';
import { SIGNATURE_SCHEMES } from '../registry/signature-schemes.js';
import { VERSIONS } from '../registry/versions.js';
import { PSK_KEY_EXCHANGE_MODES } from '../registry/psk-modes.js';
import { CERT_COMPRESSION_ALGORITHMS } from '../registry/compression.js';
import type { ExtensionDecoder } from './types.js';

/** RFC 8422 §5.1.1 / RFC 8446 §4.2.7: NamedGroup named_group_list<2..2^16-1>. */
export const supportedGroups: ExtensionDecoder = (r, _kind, out) => {
  out.supportedGroups = codePoints(SUPPORTED_GROUPS, r.vec16('named_group_list').u16s());
};

/** RFC 8422 §5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>. */
export const ecPointFormats: ExtensionDecoder = (r, _kind, out) => {
  out.ecPointFormats = codePoints(EC_POINT_FORMATS, r.vec8('ec_point_format_list').u8s());
};

/** RFC 8446 §4.2.3 (and RFC 5246 §7.4.1.4.1 for the TLS 1.2 pairs). */
export const signatureAlgorithms: ExtensionDecoder = (r, _kind, out) => {
  out.signatureAlgorithms = codePoints(SIGNATURE_SCHEMES, r.vec16('supported_signature_algorithms').u16s());
};

export const signatureAlgorithmsCert: ExtensionDecoder = (r, _kind, out) => {
  out.signatureAlgorithmsCert = codePoints(SIGNATURE_SCHEMES, r.vec16('supported_signature_algorithms').u16s());
};

/** RFC 8446 §4.2.1: a list in the ClientHello, one selected version in ServerHello and HelloRetryRequest. */
export const supportedVersions: ExtensionDecoder = (r, kind, out) => {
  if (kind === 'client_hello') {
    out.supportedVersions = codePoints(VERSIONS, r.vec8('versions').u16s());
  } else {
    out.selectedVersion = codePoint(VERSIONS, r.u16('selected_version'));
  }
};

/** RFC 8446 §4.2.9. */
export const pskKeyExchangeModes: ExtensionDecoder = (r, _kind, out) => {
  out.pskKeyExchangeModes = codePoints(PSK_KEY_EXCHANGE_MODES, r.vec8('ke_modes').u8s());
};

/** RFC 8879 §3. */
export const compressCertificate: ExtensionDecoder = (r, _kind, out) => {
  out.compressCertificate = codePoints(CERT_COMPRESSION_ALGORITHMS, r.vec8('algorithms').u16s());
};
