// Extension decoders keyed by ExtensionType code point (IANA "TLS ExtensionType Values").
// Unknown and GREASE extensions keep their code and length; a body that does not
// parse is reported on that extension and the rest of the hello still decodes.
import type { ByteReader } from '../../bytes/reader.js';
import { describeError } from '../../bytes/errors.js';
import { MAX_EXTENSIONS } from '../../limits.js';
import type { Extension } from '../model.js';
import { EXTENSION_TYPES } from '../registry/extensions.js';
import { nameOf } from '../registry/registry.js';
import * as lists from './lists.js';
import * as names from './names.js';
import * as tls13 from './tls13.js';
import * as misc from './misc.js';
import type { ExtensionDecoder, ExtensionTarget, HelloKind } from './types.js';

export type { ExtensionTarget, HelloKind } from './types.js';

const DECODERS: ReadonlyMap<number, ExtensionDecoder> = new Map<number, ExtensionDecoder>([
  [0, names.serverName],
  [5, misc.statusRequest],
  [10, lists.supportedGroups],
  [11, lists.ecPointFormats],
  [13, lists.signatureAlgorithms],
  [15, misc.heartbeat],
  [16, names.alpn],
  [18, misc.signedCertificateTimestamp],
  [21, misc.padding],
  [22, misc.encryptThenMac],
  [23, misc.extendedMasterSecret],
  [27, lists.compressCertificate],
  [28, misc.recordSizeLimit],
  [35, misc.sessionTicket],
  [41, tls13.preSharedKey],
  [42, tls13.earlyData],
  [43, lists.supportedVersions],
  [44, tls13.cookie],
  [45, lists.pskKeyExchangeModes],
  [47, names.certificateAuthorities],
  [49, tls13.postHandshakeAuth],
  [50, lists.signatureAlgorithmsCert],
  [51, tls13.keyShare],
  [0xfe0d, misc.encryptedClientHello],
  [0xff01, misc.renegotiationInfo],
]);

/**
 * Reads `Extension extensions<0..2^16-1>` (RFC 8446 §4.2) into the hello.
 * Returns the wire-order list; decoded values land on `out`.
 */
/** Extensions beyond MAX_EXTENSIONS, per list decodeExtensions returned, for the session to report. */
export const extensionsDropped = new WeakMap<Extension[], number>();

export function decodeExtensions(r: ByteReader, kind: HelloKind, out: ExtensionTarget): Extension[] {
  const block = r.vec16('extensions');
  const list: Extension[] = [];
  let dropped = 0;
  while (!block.done) {
    const type = block.u16(`extensions[${list.length + dropped}].extension_type`);
    const body = block.vec16(`extensions[${list.length + dropped}](${nameOf(EXTENSION_TYPES, type)})`);
    if (list.length >= MAX_EXTENSIONS) {
      // Still walked (the block must frame correctly) but neither listed nor decoded.
      if (++dropped === 1) extensionsDropped.set(list, 0);
      extensionsDropped.set(list, dropped);
      continue;
    }
    const ext: Extension = { code: type, name: nameOf(EXTENSION_TYPES, type), length: body.remaining };
    list.push(ext);
    const decode = DECODERS.get(type);
    if (!decode) continue;
    try {
      decode(body, kind, out);
      body.expectEnd();
    } catch (e) {
      ext.error = describeError(e);
    }
  }
  return list;
}
