import type { ByteReader } from '../../bytes/reader.js';
import type { CodePoint, HelloExtensionValues, KeyShareEntry } from '../model.js';

/** Where an extension block sits: the same code point decodes differently per message (RFC 8446 §4.2). */
export type HelloKind = 'client_hello' | 'server_hello' | 'hello_retry_request';

/** What extension decoders may fill in: the shared values plus the hello-specific ones. */
export interface ExtensionTarget extends HelloExtensionValues {
  supportedVersions?: readonly CodePoint[];
  selectedVersion?: CodePoint;
  keyShares?: KeyShareEntry[];
  keyShare?: KeyShareEntry;
  selectedGroup?: CodePoint;
  preSharedKey?: { identities: number };
  selectedIdentity?: number;
}

/** Decodes one extension_data (the reader holds exactly its bytes) into the hello. */
export type ExtensionDecoder = (r: ByteReader, kind: HelloKind, out: ExtensionTarget) => void;
