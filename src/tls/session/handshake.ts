// Handshake messages by HandshakeType code point (IANA "TLS HandshakeType"): one decoder each,
// as extensions/index.ts has one per extension. A decoder reads the body, keeps what it found in
// the connection's HandshakeRecord (or hands a hello to the session, which the protocol state
// depends on) and returns the one-line summary for the ladder. A type without a decoder is listed
// on the ladder and otherwise skipped; a body that does not parse is the session's error to report.
import type { ByteReader } from '../../bytes/reader.js';
import type {
  CertInfo,
  CertificateRequest,
  CertificateStatus,
  CertificateVerify,
  ClientHello,
  ClientKeyExchange,
  NewSessionTicket,
  ServerHello,
  ServerKeyExchange,
} from '../model.js';
import { decodeClientHello, decodeServerHello } from '../messages/hello.js';
import { decodeCertificateMessage } from '../messages/certificate.js';
import { decodeClientKeyExchange, decodeServerKeyExchange } from '../messages/key-exchange.js';
import { decodeCertificateRequest, decodeCertificateVerify } from '../messages/client-auth.js';
import { decodeCertificateStatus, decodeNewSessionTicket } from '../messages/session-messages.js';
import {
  decodeCertificate13,
  decodeCertificateRequest13,
  decodeEncryptedExtensions,
  decodeFinished,
  decodeKeyUpdate,
  decodeNewSessionTicket13,
  type EncryptedExtensions,
} from '../messages/tls13.js';
import * as summary from '../summary.js';
import { hasSignatureAlgorithms, type Version } from './state.js';

export type Side = 0 | 1;

/** What the handshake messages of one connection said, as decoded (the builder makes the Connection from it). */
export interface HandshakeRecord {
  /** Each side's Certificate message (SSLv2: the server's certificate). */
  certificates: [CertInfo[] | undefined, CertInfo[] | undefined];
  certificateStatus?: CertificateStatus;
  serverKeyExchange?: ServerKeyExchange;
  certificateRequest?: CertificateRequest;
  clientKeyExchange?: ClientKeyExchange;
  /** Each side's CertificateVerify: the client's, and in TLS 1.3 the server's too. */
  certificateVerifies: [CertificateVerify | undefined, CertificateVerify | undefined];
  newSessionTicket?: NewSessionTicket;
  /** TLS 1.3, decrypted. */
  encryptedExtensions?: EncryptedExtensions;
  /** Each side's Finished was read (decrypted). */
  finished: [boolean, boolean];
}

/** What a decoder knows and may do besides reading its body. */
export interface MessageContext {
  readonly side: Side;
  /** Stream offset of the message header. */
  readonly offset: number;
  /** The version the final ServerHello selected so far ('none' before it). */
  readonly version: Version;
  /** TLS 1.3 is known to be in use (a HelloRetryRequest or a TLS 1.3 ServerHello). */
  readonly tls13: boolean;
  /** Key exchange and authentication of the negotiated suite (cipher-suite registry), if known. */
  readonly kx: string | undefined;
  readonly auth: string | undefined;
  readonly record: HandshakeRecord;
  clientHello(hello: ClientHello): void;
  serverHello(hello: ServerHello): void;
  error(message: string): void;
}

/** Reads one message body; returns the ladder summary, if any. */
export type MessageDecoder = (r: ByteReader, m: MessageContext) => string | undefined;

function serverHello(type: number): MessageDecoder {
  return (r, m) => {
    const hello = decodeServerHello(r, type);
    m.serverHello(hello);
    return summary.summarizeServerHello(hello);
  };
}

const DECODERS: ReadonlyMap<number, MessageDecoder> = new Map<number, MessageDecoder>([
  [0, (r) => (r.expectEnd('HelloRequest'), undefined)],
  [
    1,
    (r, m) => {
      const hello = decodeClientHello(r);
      m.clientHello(hello);
      return summary.summarizeClientHello(hello);
    },
  ],
  [2, serverHello(2)],
  [
    4,
    (r, m) => {
      // RFC 8446 §4.6.1 (protected: read only with keys) or RFC 5077 §3.3.
      const t = m.tls13 ? decodeNewSessionTicket13(r) : (m.record.newSessionTicket = decodeNewSessionTicket(r));
      return `lifetime ${t.lifetime}s, ${t.ticketLength}-byte ticket`;
    },
  ],
  [5, (r) => (r.expectEnd('EndOfEarlyData'), undefined)],
  // draft-ietf-tls-tls13 before -22: HelloRetryRequest as its own message type.
  [6, serverHello(6)],
  [
    8,
    (r, m) => {
      const ee = (m.record.encryptedExtensions = decodeEncryptedExtensions(r));
      return `${ee.extensions.length} extension${ee.extensions.length === 1 ? '' : 's'}${ee.alpn ? `, ALPN ${ee.alpn.join(',')}` : ''}`;
    },
  ],
  [
    11,
    (r, m) => {
      const msg = m.tls13 ? decodeCertificate13(r) : decodeCertificateMessage(r);
      m.record.certificates[m.side] = msg.certificates;
      if (msg.skipped > 0) m.error(`${msg.skipped} certificate(s) beyond the chain cap not decoded`);
      return summary.summarizeCertificates(msg.certificates);
    },
  ],
  [
    12,
    (r, m) => summary.summarizeServerKeyExchange((m.record.serverKeyExchange = decodeServerKeyExchange(r, m.kx, m.auth, hasSignatureAlgorithms(m.version)))),
  ],
  [
    13,
    (r, m) => {
      const cr = m.tls13 ? decodeCertificateRequest13(r) : decodeCertificateRequest(r, hasSignatureAlgorithms(m.version));
      // The handshake's own CertificateRequest; a later one (TLS 1.3 post-handshake auth) does not replace it.
      m.record.certificateRequest ??= cr;
      return summary.summarizeCertificateRequest(cr);
    },
  ],
  [14, (r) => (r.expectEnd('ServerHelloDone'), undefined)],
  [15, (r, m) => summary.summarizeCertificateVerify((m.record.certificateVerifies[m.side] = decodeCertificateVerify(r, m.tls13 || hasSignatureAlgorithms(m.version))))],
  [16, (r, m) => summary.summarizeClientKeyExchange((m.record.clientKeyExchange = decodeClientKeyExchange(r, m.kx)))],
  [
    20,
    (r, m) => {
      m.record.finished[m.side] = true;
      return `verify_data ${decodeFinished(r).length} bytes`;
    },
  ],
  [
    24,
    (r) => (decodeKeyUpdate(r).requestUpdate ? 'update_requested' : 'update_not_requested'),
  ],
  [
    22,
    (r, m) => {
      const s = (m.record.certificateStatus = decodeCertificateStatus(r));
      return `OCSP ${s.responseStatus ?? `type ${s.type}`}, ${s.length} bytes`;
    },
  ],
]);

/** The decoder for a HandshakeType, undefined when it has none. */
export function messageDecoder(type: number): MessageDecoder | undefined {
  return DECODERS.get(type);
}
