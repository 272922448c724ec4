// Record protection of one direction: plaintext until that side's ChangeCipherSpec (TLS 1.0–1.2)
// or the ServerHello (TLS 1.3, RFC 8446 §2), protected after. A side joined mid-stream is
// undecided until its records show which (see the session's joined-record check).
//
// This is where decryption plugs in: the keys of a connection come from the `secrets` lookup by
// ClientHello random (an NSS key log, RFC 9850), and with them the session hands each protected
// record whole to `opener` (one record at a time, never more). Without keys protected bodies are
// only counted and never kept; application data is never kept either way.
import type { DirectionStats } from '../model.js';
import type { Direction as Opener } from '../crypto/direction.js';

/** The traffic secrets of one connection, by key-log label (CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, …). */
export interface ConnectionSecrets {
  readonly secrets: ReadonlyMap<string, Uint8Array>;
}

/** Looks up a connection's secrets by its ClientHello random (hex); undefined when none are known. */
export type SecretsLookup = (clientRandom: string) => ConnectionSecrets | undefined;

/** No key log: every connection is undecryptable. */
export const NO_SECRETS: SecretsLookup = () => undefined;

export type ProtectionState = 'plaintext' | 'undecided' | 'protected';

export class Protection {
  /** The counters of this direction in the reported connection (encrypted, encryptedRecords, encryptedBytes). */
  readonly stats: DirectionStats;
  private undecidedJoin = false;
  /**
   * Opens this direction's protected records when the key log had the connection's secrets
   * (src/tls/crypto): set at the ServerHello, dropped at the first record it cannot open.
   */
  opener: Opener | undefined;
  /** TLS 1.0–1.2 renegotiation: the new keys, in force from this side's next ChangeCipherSpec. */
  pendingOpener: Opener | undefined;

  constructor(stats: DirectionStats) {
    this.stats = stats;
  }

  get state(): ProtectionState {
    return this.stats.encrypted ? 'protected' : this.undecidedJoin ? 'undecided' : 'plaintext';
  }

  get on(): boolean {
    return this.stats.encrypted;
  }

  /** Joined mid-stream before anything showed whether this side is protected yet. */
  get undecided(): boolean {
    return this.undecidedJoin;
  }

  /** A capture that joined the connection after its first bytes: not known yet. */
  joinedMidstream(): void {
    this.undecidedJoin = true;
  }

  /** The side's records showed it: protected from here on (true) or plaintext (false). */
  decide(isProtected: boolean): void {
    this.undecidedJoin = false;
    if (isProtected) this.stats.encrypted = true;
  }

  /** Keys changed: ChangeCipherSpec in TLS 1.0–1.2, ServerHello in TLS 1.3. */
  begin(): void {
    this.stats.encrypted = true;
  }

  /** A whole protected record went by. */
  record(): void {
    this.stats.encryptedRecords++;
  }

  /** `n` bytes of protected record body (chunk[start, end), or a gap when chunk is undefined). */
  body(n: number): void {
    this.stats.encryptedBytes += n;
  }
}
