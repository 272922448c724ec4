// One direction of a protected connection: which keys are in force and the record sequence
// number (RFC 5246 §6.1, RFC 8446 §5.3: it starts at 0 with each set of keys and counts every
// record, opened or not). The protection layer hands it each record the direction sends once its
// protection is on; it opens them in order.
//
// TLS 1.3 (RFC 8446 §7.3) walks through its keys itself, from the handshake messages it decrypts:
// early (client, 0-RTT) → handshake → application after the side's Finished → the next
// application secret after each of its KeyUpdates ("traffic upd", §7.2). RFC 8446 §5.1 puts a
// record boundary before every key change, so a change is seen at the end of the record whose
// last message is EndOfEarlyData (5), Finished (20) or KeyUpdate (24).
import { DecryptError, KEYS_DO_NOT_MATCH, Tls13Decryptor, type Decrypted, type RecordDecryptor } from './decryptor.js';
import { nextTrafficSecret, tls13TrafficKeys } from './tls13-keys.js';
import type { Tls13Suite } from './suite.js';
import {
  CLIENT_EARLY_TRAFFIC_SECRET,
  CLIENT_HANDSHAKE_TRAFFIC_SECRET,
  CLIENT_TRAFFIC_SECRET_0,
  SERVER_HANDSHAKE_TRAFFIC_SECRET,
  SERVER_TRAFFIC_SECRET_0,
} from './secret-labels.js';

/** RFC 8446 §5.1: only records of outer type application_data are protected in TLS 1.3. */
const CT_APPLICATION_DATA = 23;
const CT_HANDSHAKE = 22;
const HT_END_OF_EARLY_DATA = 5;
const HT_FINISHED = 20;
const HT_KEY_UPDATE = 24;

export interface Direction {
  /**
   * Opens the next record of this direction. null: the record is not protected (TLS 1.3: a dummy
   * change_cipher_spec, RFC 8446 §5.1 / Appendix D.4, or another record of an outer type other
   * than application_data) and passes as it is, without counting.
   */
  open(type: number, version: number, body: Uint8Array, offset?: number): Decrypted | DecryptError | null;
  /** Sequence number of the next record. */
  readonly seq: number;
  /** Where the keys are: for messages ("handshake", "application 2", "tls1.2"). */
  readonly epoch: string;
}

/** TLS 1.0–1.2: one set of keys from the ChangeCipherSpec on. */
export class Tls12Direction implements Direction {
  private next = 0;
  constructor(private readonly decryptor: RecordDecryptor) {}
  get seq(): number {
    return this.next;
  }
  get epoch(): string {
    return 'tls1.2';
  }
  open(type: number, version: number, body: Uint8Array, offset = 0): Decrypted | DecryptError {
    return this.decryptor.decrypt(type, version, body, this.next++, offset);
  }
}

export type Tls13Epoch = 'early' | 'handshake' | 'application';

/** The secrets a TLS 1.3 direction may use, from the key log (absent ones are undefined). */
export interface Tls13Secrets {
  /** CLIENT_EARLY_TRAFFIC_SECRET (client only). */
  readonly early?: Uint8Array;
  /** CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET. */
  readonly handshake?: Uint8Array;
  /** CLIENT_/SERVER_TRAFFIC_SECRET_0. */
  readonly application?: Uint8Array;
}

/**
 * Follows the handshake message boundaries of decrypted records without keeping their bodies:
 * the type of the last message, and whether the record ended exactly where a message ended.
 */
class MessageBoundaries {
  private header = 0;
  private headerHave = 0;
  private remaining = 0;
  lastType = -1;

  /** Feeds one record's handshake plaintext; true when it ends on a message boundary. */
  feed(p: Uint8Array): boolean {
    let i = 0;
    while (i < p.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, p.length - i);
        this.remaining -= take;
        i += take;
        continue;
      }
      // RFC 8446 §4: msg_type (1 byte) and a 24-bit length.
      this.header = this.header * 256 + p[i++]!;
      if (++this.headerHave < 4) continue;
      this.lastType = Math.floor(this.header / 0x1000000);
      this.remaining = this.header % 0x1000000;
      this.header = 0;
      this.headerHave = 0;
    }
    return this.remaining === 0 && this.headerHave === 0;
  }

  reset(): void {
    this.header = this.headerHave = this.remaining = 0;
    this.lastType = -1;
  }
}

export class Tls13Direction implements Direction {
  private current: RecordDecryptor | undefined;
  private earlyDecryptor: RecordDecryptor | undefined;
  private next = 0;
  private phase: Tls13Epoch;
  /** KeyUpdates seen (application_traffic_secret_N). */
  private generation = 0;
  private applicationSecret: Uint8Array | undefined;
  private readonly boundaries = new MessageBoundaries();

  constructor(
    private readonly suite: Tls13Suite,
    readonly side: 'client' | 'server',
    private readonly secrets: Tls13Secrets,
  ) {
    if (side === 'client' && secrets.early) {
      this.phase = 'early';
      this.earlyDecryptor = this.decryptorFor(secrets.early);
      this.current = this.earlyDecryptor;
    } else {
      this.phase = 'handshake';
      this.current = secrets.handshake ? this.decryptorFor(secrets.handshake) : undefined;
    }
  }

  get seq(): number {
    return this.next;
  }

  get epoch(): string {
    return this.phase === 'application' ? `application ${this.generation}` : this.phase;
  }

  private decryptorFor(secret: Uint8Array): RecordDecryptor {
    const { key, iv } = tls13TrafficKeys(this.suite, secret);
    return new Tls13Decryptor(this.suite.bulk, key, iv);
  }

  private label(phase: Tls13Epoch): string {
    const client = this.side === 'client';
    if (phase === 'early') return CLIENT_EARLY_TRAFFIC_SECRET;
    if (phase === 'handshake') return client ? CLIENT_HANDSHAKE_TRAFFIC_SECRET : SERVER_HANDSHAKE_TRAFFIC_SECRET;
    return client ? CLIENT_TRAFFIC_SECRET_0 : SERVER_TRAFFIC_SECRET_0;
  }

  /** Moves to the keys of `phase` (RFC 8446 §7.3), sequence number 0. */
  private enter(phase: Tls13Epoch): void {
    this.phase = phase;
    this.next = 0;
    this.boundaries.reset();
    if (phase === 'handshake') {
      this.current = this.secrets.handshake ? this.decryptorFor(this.secrets.handshake) : undefined;
    } else if (phase === 'application') {
      this.applicationSecret = this.secrets.application;
      this.generation = 0;
      this.current = this.applicationSecret ? this.decryptorFor(this.applicationSecret) : undefined;
    }
  }

  /** RFC 8446 §4.6.3, §7.2: after a KeyUpdate this side writes with application_traffic_secret_N+1. */
  private keyUpdate(): void {
    this.next = 0;
    this.boundaries.reset();
    this.generation++;
    if (!this.applicationSecret) return;
    this.applicationSecret = nextTrafficSecret(this.suite.hash, this.applicationSecret);
    this.current = this.decryptorFor(this.applicationSecret);
  }

  open(type: number, version: number, body: Uint8Array, offset = 0): Decrypted | DecryptError | null {
    if (type !== CT_APPLICATION_DATA) return null;
    if (this.phase === 'early') return this.openEarly(type, version, body, offset);
    this.current ??= this.lateKeys();
    if (!this.current) {
      this.next++;
      return new DecryptError('nokeys', `no ${this.label(this.phase)} in the key log for this connection`, offset);
    }
    const r = this.current.decrypt(type, version, body, this.next++, offset);
    if (!(r instanceof DecryptError)) this.afterRecord(r);
    return r;
  }

  /**
   * 0-RTT (RFC 8446 §2.3, §4.2.10): the client's first protected records may be early data under
   * the early secret, or — no early data sent, or the client moved on — handshake records. A record
   * the early keys do not open is tried with the handshake keys at sequence number 0; if it opens,
   * the early phase is over.
   */
  private openEarly(type: number, version: number, body: Uint8Array, offset: number): Decrypted | DecryptError {
    const early = this.earlyDecryptor!.decrypt(type, version, body, this.next, offset);
    if (!(early instanceof DecryptError)) {
      this.next++;
      if (early.type === CT_HANDSHAKE && this.boundaries.feed(early.plaintext) && this.boundaries.lastType === HT_END_OF_EARLY_DATA) {
        this.enter('handshake');
      }
      return early;
    }
    if (!this.secrets.handshake) {
      this.next++;
      return early;
    }
    const handshake = this.decryptorFor(this.secrets.handshake);
    const r = handshake.decrypt(type, version, body, 0, offset);
    if (r instanceof DecryptError) {
      this.next++;
      return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: the record opens under neither the early nor the handshake traffic secret`, offset);
    }
    this.phase = 'handshake';
    this.current = handshake;
    this.next = 1;
    this.boundaries.reset();
    this.afterRecord(r);
    return r;
  }

  /** The current epoch's keys from a secret that was not known when the epoch began (a key log followed live). */
  private lateKeys(): RecordDecryptor | undefined {
    if (this.phase === 'handshake') {
      const s = this.secrets.handshake;
      return s && this.decryptorFor(s);
    }
    let s = this.secrets.application;
    if (!s) return undefined;
    for (let n = 0; n < this.generation; n++) s = nextTrafficSecret(this.suite.hash, s);
    this.applicationSecret = s;
    return this.decryptorFor(s);
  }

  private afterRecord(r: Decrypted): void {
    if (r.type !== CT_HANDSHAKE) return;
    if (!this.boundaries.feed(r.plaintext)) return;
    const last = this.boundaries.lastType;
    if (this.phase === 'handshake' && last === HT_FINISHED) this.enter('application');
    else if (this.phase === 'application' && last === HT_KEY_UPDATE) this.keyUpdate();
  }
}
