// How a handshake ended, judged from what the wire shows and no more. Cleartext (a fatal alert,
// both ChangeCipherSpecs and Finished records) is "seen"; what only record sizes and the order of
// records and FIN/RST show is "inferred"; where neither says, the outcome is "unknown", and a
// capture that lacks part of the connection (its start, a gap, its end) is "incomplete".
//
// TLS 1.3 without keys (RFC 8446 §2): after the ServerHello every record is an opaque
// application_data record. The client's second flight (Certificate, CertificateVerify, Finished)
// is its first protected records; the server accepted it when it sends on (NewSessionTickets,
// the response), and refused it when all it sends is one record of an alert's size (2 bytes +
// inner content type + AEAD tag: 19 bytes, 11 with AES-CCM-8) and the connection closes.
import type { Outcome, OutcomeBasis, Role } from '../model.js';
import type { Phase } from './state.js';

/** TLS 1.3: the client's second flight and what the server sent after it. */
export interface Tls13Flight {
  clientRecords: number;
  clientBytes: number;
  /** Length of the client's first protected record after the ServerHello. */
  clientFirstLength: number;
  serverRecords: number;
  serverFirstLength?: number;
  /** The client had closed (FIN/RST) before the server's first record after its flight. */
  clientClosedFirst: boolean;
}

/** TLS 1.0–1.2: the first record after both sides' ChangeCipherSpec and Finished, other than handshake records. */
export interface AfterHandshake {
  from: Role;
  /** Content type: 21 alert, 23 application data, … */
  type: number;
  /** Records of any side after it. */
  more: number;
}

export interface StreamClose {
  from: Role;
  how: 'fin' | 'rst';
}

export interface OutcomeFacts {
  tls: boolean;
  phase: Phase;
  /** The first plaintext fatal alert: who sent which, and whether the other side had closed before it. */
  fatal: { from: Role; description: string; afterPeerClose: boolean } | undefined;
  tls13: boolean;
  midstream: boolean;
  /** Bytes missing from the capture, both directions. */
  gapBytes: number;
  closes: readonly StreamClose[];
  /** The AEAD tag length of the negotiated suite (16; 8 for the CCM_8 suites). */
  tagLength: number;
  flight: Tls13Flight | undefined;
  after: AfterHandshake | undefined;
  /** Both sides' Finished were read (decrypted with a key log). */
  finishedBoth: boolean;
}

export interface Judged {
  outcome: Outcome;
  basis: OutcomeBasis;
  /** What the outcome rests on, in a sentence fragment. */
  detail: string;
}

const side = (r: Role): string => (r === 'client' ? 'the client' : 'the server');

function closeText(c: StreamClose): string {
  return `${side(c.from)} closed (${c.how === 'fin' ? 'FIN' : 'RST'})`;
}

/** RFC 8446 §B.4: TLS_AES_128_CCM_8_SHA256 (0x1305) has an 8-byte tag; the other TLS 1.3 suites 16. */
export function aeadTagLength(suite: number): number {
  return suite === 0x1305 ? 8 : 16;
}

/** A TLS 1.3 record of exactly an alert's size: 2 bytes, the inner content type and the tag. */
export function alertSized(length: number, tagLength: number): boolean {
  return length === 2 + 1 + tagLength;
}

// The common answers, shared (frozen): judged once per reported connection.
const NOT_TLS: Judged = Object.freeze({ outcome: 'not-tls', basis: 'seen', detail: 'no TLS record in either direction' });
const COMPLETE_SEEN: Judged = Object.freeze({ outcome: 'complete', basis: 'seen', detail: 'both sides sent ChangeCipherSpec and Finished' });

export function judgeOutcome(f: OutcomeFacts): Judged {
  if (!f.tls) return NOT_TLS;
  const closed = f.closes[0];
  if (f.fatal?.afterPeerClose && closed && closed.from !== f.fatal.from) {
    // The alert only answers the close: the side that closed gave up first.
    return { outcome: 'aborted', basis: 'seen', detail: `${closeText(closed)} mid-handshake; ${f.fatal.from}'s fatal ${f.fatal.description} only answered that` };
  }
  if (f.fatal) return { outcome: 'failed', basis: 'seen', detail: `${f.fatal.from} sent fatal ${f.fatal.description}` };
  if (f.midstream) return { outcome: 'incomplete', basis: 'seen', detail: 'the capture joined the connection mid-stream (no SYN): its handshake is not all there' };

  if (f.tls13 && f.finishedBoth) {
    return { outcome: 'complete', basis: 'seen', detail: "both sides' Finished, decrypted with the key log" };
  }
  if (f.tls13) {
    const fl = f.flight;
    if (fl && fl.serverRecords === 0 && fl.clientRecords === 1 && alertSized(fl.clientFirstLength, f.tagLength) && closed) {
      return {
        outcome: 'failed',
        basis: 'inferred',
        detail: `encrypted alert (likely fatal): instead of its second flight the client sent one ${fl.clientFirstLength}-byte record, an alert's size, and ${closeText(closed)}`,
      };
    }
    if (f.phase === 'established') {
      return { outcome: 'complete', basis: 'inferred', detail: `the server sent ${fl?.serverRecords ?? 0} encrypted record(s) after the client's second flight` };
    }
    if (fl && fl.serverRecords === 1 && alertSized(fl.serverFirstLength ?? -1, f.tagLength) && !fl.clientClosedFirst && closed) {
      return {
        outcome: 'failed',
        basis: 'inferred',
        detail: `encrypted alert (likely fatal): the server answered the client's second flight (${fl.clientBytes} bytes in ${fl.clientRecords} record(s)) with one ${fl.serverFirstLength}-byte record, an alert's size, and the connection closed`,
      };
    }
    if (fl) {
      const why = fl.clientClosedFirst
        ? "the client closed right after its second flight, before the server's answer"
        : fl.serverRecords === 0
          ? closed
            ? `${closeText(closed)} before the server answered the client's second flight`
            : "the server has not answered the client's second flight"
          : "the server's answer to the client's second flight is one alert-sized record and the connection is still open";
      return { outcome: 'unknown', basis: 'inferred', detail: `TLS 1.3 without keys: ${why}` };
    }
  } else if (f.phase === 'established') {
    const a = f.after;
    if (a && a.type === 21 && a.from === 'server' && a.more === 0 && closed) {
      return { outcome: 'failed', basis: 'inferred', detail: `encrypted alert (likely fatal) from the server right after the handshake, and ${closeText(closed)}` };
    }
    return COMPLETE_SEEN;
  }

  if (f.gapBytes > 0) return { outcome: 'incomplete', basis: 'seen', detail: `${f.gapBytes} byte(s) of the connection are missing from the capture` };
  if (closed) return { outcome: 'aborted', basis: 'seen', detail: `${closeText(closed)} mid-handshake without an alert` };
  return { outcome: 'incomplete', basis: 'seen', detail: 'the handshake had not finished when the capture (or connection) ended' };
}
