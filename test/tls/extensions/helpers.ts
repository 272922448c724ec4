// One extension decoder run on its own, as decodeExtensions runs it (src/tls/extensions/index.ts):
// a reader over exactly the extension_data, the decoder, then the reader required to be empty.
import { ByteReader } from '../../../src/bytes/reader.js';
import type { ExtensionDecoder, ExtensionTarget, HelloKind } from '../../../src/tls/extensions/types.js';

export function decode(decoder: ExtensionDecoder, extensionData: number[], kind: HelloKind = 'client_hello'): ExtensionTarget {
  const r = new ByteReader(Uint8Array.from(extensionData), 0, 'extension_data');
  const out: ExtensionTarget = {};
  decoder(r, kind, out);
  r.expectEnd();
  return out;
}

export const names = (list?: readonly { name: string }[]) => list?.map((c) => c.name);
export const codes = (list?: readonly { code: number }[]) => list?.map((c) => c.code);
