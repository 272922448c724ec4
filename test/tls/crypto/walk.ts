// Test helper: decrypts one recorded TLS connection with a key log, the way the protection layer
// will — records framed per direction, the hellos decoded by our own decoders to learn the
// version, suite, randoms and encrypt_then_mac, protection on from each side's ChangeCipherSpec
// (TLS 1.0–1.2) or for application_data records (TLS 1.3) — and reports what came out.
import { ByteReader } from '../../../src/bytes/reader.js';
import { decodeClientHello, decodeServerHello } from '../../../src/tls/messages/hello.js';
import type { ClientHello, ServerHello } from '../../../src/tls/model.js';
import { connectionDecryption, type ConnectionDecryption } from '../../../src/tls/crypto/connection.js';
import { DecryptError } from '../../../src/tls/crypto/decryptor.js';
import type { Direction } from '../../../src/tls/crypto/direction.js';
import type { KeyLogSecrets } from '../../../src/keylog/parse.js';
import type { CapturedStream } from '../../helpers/streams.js';
import { MessageStream, type Message } from './handshake.js';

export interface Record {
  type: number;
  version: number;
  body: Uint8Array;
  offset: number;
}

/** The records of one direction's stream (a cut last record is dropped). */
export function records(stream: Uint8Array): Record[] {
  const out: Record[] = [];
  for (let at = 0; at + 5 <= stream.length; ) {
    const length = (stream[at + 3]! << 8) | stream[at + 4]!;
    if (at + 5 + length > stream.length) break;
    out.push({ type: stream[at]!, version: (stream[at + 1]! << 8) | stream[at + 2]!, body: stream.subarray(at + 5, at + 5 + length), offset: at + 5 });
    at += 5 + length;
  }
  return out;
}

export interface SideResult {
  /** Every handshake message of this side in order, plaintext and decrypted. */
  messages: Message[];
  /** Types of the handshake messages that came out of protected records. */
  decryptedTypes: number[];
  protectedRecords: number;
  /** Protected records whose content was application data (counted, not looked at). */
  applicationRecords: number;
  alerts: number;
  errors: DecryptError[];
  epoch: string;
}

export interface WalkResult {
  clientHello: ClientHello;
  serverHello: ServerHello;
  decryption: ConnectionDecryption;
  sides: [SideResult, SideResult];
}

const HANDSHAKE = 22;
const CCS = 20;
const ALERT = 21;
const APPLICATION_DATA = 23;
const ENCRYPT_THEN_MAC = 22;

/**
 * The first ClientHello, and the ServerHello (after a HelloRetryRequest, the real one): the
 * plaintext handshake messages of each side up to them, skipping ChangeCipherSpec records.
 */
function hellos(stream: CapturedStream): { ch: ClientHello; sh: ServerHello } {
  const first = (side: 0 | 1, done: (m: Message) => boolean): Message | undefined => {
    const m = new MessageStream();
    for (const r of records(stream.sides[side])) {
      if (r.type === CCS) continue;
      if (r.type !== HANDSHAKE) return undefined;
      m.push(r.body);
      const hit = m.messages.find(done);
      if (hit) return hit;
    }
    return undefined;
  };
  const ch = first(0, (m) => m.type === 1);
  const sh = first(1, (m) => m.type === 2 && !decodeServerHello(new ByteReader(m.body)).helloRetryRequest);
  if (!ch || !sh) throw new Error('no ClientHello or ServerHello in the plaintext');
  return { ch: decodeClientHello(new ByteReader(ch.body)), sh: decodeServerHello(new ByteReader(sh.body)) };
}

export function walk(stream: CapturedStream, lookup: (random: string) => KeyLogSecrets | undefined): WalkResult {
  const { ch, sh } = hellos(stream);
  const secrets = lookup(ch.random);
  if (!secrets) throw new Error(`no secrets for client random ${ch.random}`);
  const version = sh.selectedVersion.code;
  const etm = ch.extensions.some((e) => e.code === ENCRYPT_THEN_MAC) && sh.extensions.some((e) => e.code === ENCRYPT_THEN_MAC);
  const decryption = connectionDecryption(
    { version, cipherSuite: sh.cipherSuite.code, clientRandom: Buffer.from(ch.random, 'hex'), serverRandom: Buffer.from(sh.random, 'hex'), encryptThenMac: etm },
    secrets.secrets,
  );
  if (!decryption.ok) throw new Error(`cannot decrypt: ${decryption.why}`);
  const side = (s: 0 | 1, dir: Direction): SideResult => {
    const m = new MessageStream();
    const result: SideResult = { messages: m.messages, decryptedTypes: [], protectedRecords: 0, applicationRecords: 0, alerts: 0, errors: [], epoch: '' };
    let on = false; // TLS 1.0–1.2: after this side's ChangeCipherSpec
    for (const r of records(stream.sides[s])) {
      const isProtected = version === 0x0304 ? r.type === APPLICATION_DATA : on;
      if (!isProtected) {
        if (r.type === CCS) on = true;
        else if (r.type === HANDSHAKE) m.push(r.body);
        continue;
      }
      const out = dir.open(r.type, r.version, r.body, r.offset);
      if (out === null) continue;
      result.protectedRecords++;
      if (out instanceof DecryptError) {
        result.errors.push(out);
        continue;
      }
      if (out.type === HANDSHAKE) {
        const before = m.messages.length;
        m.push(out.plaintext);
        for (const x of m.messages.slice(before)) result.decryptedTypes.push(x.type);
      } else if (out.type === APPLICATION_DATA) result.applicationRecords++;
      else if (out.type === ALERT) result.alerts++;
    }
    result.epoch = dir.epoch;
    return result;
  };
  return { clientHello: ch, serverHello: sh, decryption, sides: [side(0, decryption.client), side(1, decryption.server)] };
}
