// The connection's protocol state as far as the wire shows it, as an explicit state and one pure
// transition function (the shape of rusticata's tls_states): the session feeds it events and asks
// it whether the handshake is decided. The negotiated version is an enum, not a set of booleans.
//
//   idle ──ClientHello──▶ hello ──ServerHello (1.0–1.2)──▶ negotiated ──a side protected──▶ keyed
//   hello ──ServerHello (1.3: both sides protected from here)──▶ keyed
//   keyed ──both sides protected (1.0–1.2)──▶ established
//   keyed ──the client's protected second flight (1.3)──▶ flight ──the server sends on──▶ established
//   any state ──fatal alert──▶ alerted          SSLv2 CLIENT-MASTER-KEY ──▶ established
// Events that do not apply in a state leave it as it is: a passive decoder reports what it saw,
// it does not enforce the protocol (errors in the messages themselves are reported where decoded).

/** The version the final ServerHello selected. */
export type Version = 'none' | 'sslv2' | 'ssl3' | 'tls1.0' | 'tls1.1' | 'tls1.2' | 'tls1.3' | 'other';

/** TLS 1.3 and its drafts: 0x0304, 0x7fNN (draft NN), and Facebook's 0xfb17 / 0xfb1a experiments. */
export function isTls13Version(code: number): boolean {
  return code === 0x0304 || code >> 8 === 0x7f || code === 0xfb17 || code === 0xfb1a;
}

export function versionOf(code: number): Version {
  if (isTls13Version(code)) return 'tls1.3';
  switch (code) {
    case 0x0002:
      return 'sslv2';
    case 0x0300:
      return 'ssl3';
    case 0x0301:
      return 'tls1.0';
    case 0x0302:
      return 'tls1.1';
    case 0x0303:
      return 'tls1.2';
    default:
      return 'other';
  }
}

/** Signature algorithms are explicit in the messages of TLS 1.2 and 1.3 (RFC 5246 §7.4.1.4.1). */
export function hasSignatureAlgorithms(v: Version): boolean | undefined {
  return v === 'none' ? undefined : v === 'tls1.2' || v === 'tls1.3';
}

export type Phase = 'idle' | 'hello' | 'negotiated' | 'keyed' | 'flight' | 'established' | 'alerted';

export type StateEvent =
  | { kind: 'client-hello' }
  | { kind: 'server-hello'; version: Version }
  /** A side now protects its records (its ChangeCipherSpec, or a mid-stream join that showed it); `both`: the other side already does. */
  | { kind: 'protected'; both: boolean }
  /** TLS 1.3: the client sent a protected record after the ServerHello (its second flight). */
  | { kind: 'client-flight' }
  /**
   * TLS 1.3: the server sent on after the client's second flight, more than one record of an
   * alert's size (it accepted the flight; see outcome.ts).
   */
  | { kind: 'server-answer' }
  | { kind: 'fatal-alert' }
  /** SSLv2 CLIENT-MASTER-KEY: both sides encrypted from here on. */
  | { kind: 'sslv2-keys' };

export function transition(phase: Phase, e: StateEvent): Phase {
  if (phase === 'alerted' || (phase === 'established' && e.kind !== 'fatal-alert')) return phase;
  switch (e.kind) {
    case 'fatal-alert':
      return 'alerted';
    case 'sslv2-keys':
      return 'established';
    case 'client-hello':
      return phase === 'idle' ? 'hello' : phase;
    case 'server-hello':
      if (e.version === 'tls1.3') return 'keyed';
      return phase === 'idle' || phase === 'hello' ? 'negotiated' : phase;
    case 'protected':
      return e.both ? 'established' : 'keyed';
    case 'client-flight':
      return phase === 'keyed' || phase === 'negotiated' ? 'flight' : phase;
    case 'server-answer':
      return phase === 'flight' ? 'established' : phase;
  }
}

/** The handshake is decided: it ran to the end, or a fatal alert ended it. */
export function isDecided(phase: Phase): boolean {
  return phase === 'established' || phase === 'alerted';
}
