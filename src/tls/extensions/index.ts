// Extension decoders keyed by ExtensionType code point (IANA "TLS ExtensionType Values").
// Unknown and GREASE extensions keep their code and length; a body that does not
// parse is reported on that extension and the rest of the hello still decodes.
import type { ByteReader } from '../../bytes/reader.js';
import { describeError } from '../../bytes/errors.js';
import { MAX_EXTENSIONS } from '../../limits.js';
import type { Extension } from '../model.js';
import { EXTENSION_TYPES } from '../registry/extensions.js';
import { nameOf } from '../registry/registry.js';
import { listHashEnd, listHashStep } from '../../util/hash.js';
import * as lists from './lists.js';
import * as names from './names.js';
import * as tls13 from './tls13.js';
import * as misc from './misc.js';
import type { ExtensionDecoder, ExtensionTarget, HelloKind } from './types.js';
import { FifoMap } from '../../util/fifo-map.js';

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
  let hash = 0;
  while (!block.done) {
    // The labelled read (its path names the extension) only when it is about to fail.
    const type = block.remaining >= 2 ? block.u16() : block.u16(`extensions[${list.length + dropped}].extension_type`);
    const body = block.vec16(extensionLabel(list.length + dropped, type));
    if (list.length >= MAX_EXTENSIONS) {
      // Still walked (the block must frame correctly) but neither listed nor decoded.
      if (++dropped === 1) extensionsDropped.set(list, 0);
      extensionsDropped.set(list, dropped);
      continue;
    }
    const length = body.remaining;
    const decode = DECODERS.get(type);
    let error: string | undefined;
    if (decode) {
      try {
        decode(body, kind, out);
        body.expectEnd();
      } catch (e) {
        error = describeError(e);
      }
    }
    list.push(error === undefined ? extension(type, length) : { code: type, name: nameOf(EXTENSION_TYPES, type), length, error });
    hash = listHashStep(hash, type * 0x10000 + length);
  }
  return dropped === 0 ? internList(list, listHashEnd(hash, list.length)) : list;
}

/** Most reader labels kept. */
const MAX_LABELS = 4096;
const labels = new FifoMap<number, string>(MAX_LABELS);

/** "extensions[3](supported_groups)": made once per position and type, not for every hello. */
function extensionLabel(index: number, type: number): string {
  const key = index * 0x10000 + type;
  let label = labels.get(key);
  if (label === undefined) {
    label = `extensions[${index}](${nameOf(EXTENSION_TYPES, type)})`;
    labels.set(key, label);
  }
  return label;
}

/** Most distinct (type, length) extension objects and extension lists kept for sharing. */
const MAX_INTERNED = 4096;
const extensions = new FifoMap<number, Extension>(MAX_INTERNED);
const extensionLists = new FifoMap<number, Extension[]>(MAX_INTERNED);

/**
 * One frozen object per (type, length): hellos from the same client repeat them, and a shared,
 * frozen object is encoded to JSON once.
 */
function extension(code: number, length: number): Extension {
  const key = code * 0x10000 + length;
  let ext = extensions.get(key);
  if (ext === undefined) {
    ext = Object.freeze({ code, name: nameOf(EXTENSION_TYPES, code), length });
    extensions.set(key, ext);
  }
  return ext;
}

/** The same list as an earlier hello's, frozen and shared, when it has the same extensions in the same order. */
function internList(list: Extension[], key: number): Extension[] {
  const known = extensionLists.get(key);
  if (known !== undefined && sameItems(known, list)) return known;
  for (let i = 0; i < list.length; i++) if (!Object.isFrozen(list[i])) return list;
  Object.freeze(list);
  // A hash collision replaces the older list: still correct, only not shared.
  extensionLists.set(key, list);
  return list;
}

function sameItems(a: readonly Extension[], b: readonly Extension[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
