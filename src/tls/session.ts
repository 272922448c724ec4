// The per-connection TLS decoder, fed incrementally from both directions.
// Replay feeds it reassembled TCP payload; the proxy feeds it the bytes it forwards.
// It never needs to see a whole record before forwarding can go on, it buffers only
// what it will decode (plaintext handshake, alerts), and skips encrypted records by
// length without copying them. Feeding one byte at a time gives the same result as
// one chunk (checked by property tests).
import { ByteReader } from '../bytes/reader.js';
import { intern } from '../util/intern.js';
import { ByteQueue, copyBytes } from '../bytes/queue.js';
import { LimitExceeded, describeError } from '../bytes/errors.js';
import {
  MAX_CIPHERTEXT_RECORD,
  MAX_ERRORS,
  MAX_EXTENSIONS,
  MAX_HANDSHAKE_MESSAGE,
  MAX_HELLOS,
  MAX_LADDER_ENTRIES,
  MAX_PLAINTEXT_RECORD,
  MAX_PLAINTEXT_SCAN,
} from '../limits.js';
import type {
  Alert,
  CertInfo,
  CertificateRequest,
  CertificateStatus,
  CertificateVerify,
  ClientHello,
  ClientKeyExchange,
  CodePoint,
  Connection,
  ConnectionError,
  DirectionStats,
  LadderEntry,
  NewSessionTicket,
  Role,
  ServerHello,
  ServerKeyExchange,
} from './model.js';
import { codePoint, nameOf } from './registry/registry.js';
import { CONTENT_TYPES } from './registry/content-types.js';
import { HANDSHAKE_TYPES, SSLV2_MESSAGE_TYPES } from './registry/handshake-types.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS } from './registry/alerts.js';
import { CIPHER_SUITE_INFO } from './registry/cipher-suites.js';
import {
  decodeClientHello,
  decodeServerHello,
  decodeSslv2ClientHello,
  decodeSslv2ServerHello,
  sslv2CipherSpec,
} from './messages/hello.js';
import { decodeCertificateMessage } from './messages/certificate.js';
import { decodeClientKeyExchange, decodeServerKeyExchange } from './messages/key-exchange.js';
import { decodeCertificateRequest, decodeCertificateVerify } from './messages/client-auth.js';
import { decodeCertificateStatus, decodeNewSessionTicket } from './messages/session-messages.js';
import * as summary from './summary.js';
import { decodeCertificate } from '../x509/decode.js';
import { extensionsDropped } from './extensions/index.js';
import { clipConnection } from './clip.js';
import { isoTime } from '../util/time.js';

export type Side = 0 | 1;

/** Where a chunk came from: the capture packet, or nothing for the proxy. */
export interface ChunkMeta {
  packet?: number;
  sec?: number;
  nsec?: number;
}

/** A whole record as it passed, for `--trace`: header fields and, when decoded, its plaintext body. */
export interface RecordEvent {
  side: Side;
  /** Stream offset of the record header. */
  offset: number;
  /** TLS content type, or -1 for an SSLv2 record. */
  contentType: number;
  version: number;
  length: number;
  encrypted: boolean;
  /** The body of a plaintext alert, ChangeCipherSpec or heartbeat record. */
  body?: Uint8Array;
}

/** A whole plaintext handshake (or SSLv2) message, header included, for `--trace --hex`. */
export interface MessageEvent {
  side: Side;
  offset: number;
  record: 'handshake' | 'sslv2';
  type: CodePoint;
  bytes: Uint8Array;
  /** The ladder entry it produced (its summary is filled in once decoded). */
  entry: Omit<LadderEntry, 'from'>;
}

/** Optional taps for tracing; the session works the same without them. */
export interface SessionObserver {
  record?(e: RecordEvent): void;
  message?(e: MessageEvent): void;
}

export interface SessionOptions {
  source: 'replay' | 'proxy';
  id: number;
  file?: string;
  /** "ip:port" of side 0 and side 1. */
  endpoints: [string, string];
  /** The side that opened the TCP connection, when known (SYN sender, or the proxy's accepted client). */
  initiator?: Side;
  /** The capture started after the connection did: look for the first record boundary. */
  midstream?: boolean;
  observer?: SessionObserver;
}

type Mode = 'start' | 'preamble' | 'resync' | 'records' | 'sslv2' | 'dead';

/** Scan queue length at which every candidate below MAX_PLAINTEXT_SCAN has had its 9 bytes (a hello: record + handshake header). */
const PREAMBLE_GIVE_UP = MAX_PLAINTEXT_SCAN + 8;
/** Chunks the plaintext/resync scan queue may hold before it is copied into one. */
const SCAN_COALESCE = 16;

const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPDATA = 23;
const CT_HEARTBEAT = 24;

/** A record header we would accept at a stream boundary (RFC 5246 §6.2.1). */
function plausibleHeader(type: number, major: number, minor: number, length: number): boolean {
  return type >= 20 && type <= 24 && major === 3 && minor <= 4 && length > 0 && length <= MAX_CIPHERTEXT_RECORD;
}

/** TLS 1.3 and its drafts, by the ServerHello's selected version. */
function isTls13(version: number): boolean {
  return version === 0x0304 || (version >> 8) === 0x7f || version === 0xfb17 || version === 0xfb1a;
}

function emptyStats(): DirectionStats {
  return { bytes: 0, preambleBytes: 0, records: {}, encryptedRecords: 0, encryptedBytes: 0, encrypted: false };
}

/** One direction of the TCP stream. */
class Direction {
  mode: Mode = 'start';
  /** Stream offset of the next byte to be consumed. */
  offset = 0;
  stats = emptyStats();
  /** Bytes held while deciding where TLS starts (start/preamble/resync modes). */
  scan = new ByteQueue();
  scanned = 0;
  /** Chunks pushed to scan since it was last made contiguous. */
  scanChunks = 0;

  // Record layer.
  header = new Uint8Array(5);
  headerLength = 0;
  headerOffset = 0;
  recordType = -1;
  recordLength = 0;
  recordRemaining = 0;
  /** The direction was encrypted when this record began. */
  recordEncrypted = false;
  /** Body of a small record we decode (alert, CCS, heartbeat). */
  body: Uint8Array[] | null = null;
  /** Pieces of body[] already copied out of the caller's buffers. */
  bodyOwned = 0;
  /** Plaintext handshake bytes go straight into the handshake queue. */
  toHandshake = false;
  encryptedRecordLogged = false;
  appDataLogged = false;
  /**
   * Joined mid-connection past the hellos, and not yet known whether this side is protected: a
   * TLS 1.2 capture that starts at the ClientKeyExchange still has plaintext handshake records
   * before the ChangeCipherSpec. The first application_data, ChangeCipherSpec, alert too long for
   * plaintext or plaintext handshake record decides (see startRecord, joinedHandshakeRecord).
   */
  joined = false;

  // Handshake reassembly.
  handshake = new ByteQueue();
  /** Bytes of an over-long handshake message still to throw away. */
  handshakeSkip = 0;
  /** A gap broke the handshake stream; resume at the next record that starts a message. */
  handshakeDesync = false;

  /** Given up as not TLS while looking for a hello: everything after is preamble too. */
  deadInPreamble = false;
  /** The first bytes of the stream, to say what a non-TLS stream is. */
  head = '';
  ended = false;
  gaps = 0;
  lastMeta: ChunkMeta = {};
}

interface Pending<T> {
  side: Side;
  value: T;
}

export class TlsSession {
  readonly options: SessionOptions;
  private readonly dirs: [Direction, Direction] = [new Direction(), new Direction()];

  private clientSide: Side | undefined;
  private serverHelloSide: Side | undefined;
  private tls13 = false;
  private tls12: boolean | undefined;
  private kx: string | undefined;
  private auth: string | undefined;
  private lastHandshake: string | undefined;
  private fatalAlert = false;
  private clientEncryptedAfterServerHello = false;
  private sslv2Encrypted = false;

  private clientHellos: Pending<ClientHello>[] = [];
  private serverHellos: Pending<ServerHello>[] = [];
  /** Which of ClientHello/ServerHello hit MAX_HELLOS (made when one does: most sessions never). */
  private hellosCapped: Set<string> | undefined;
  private certificates: [CertInfo[] | undefined, CertInfo[] | undefined] = [undefined, undefined];
  private certificateStatus: CertificateStatus | undefined;
  private serverKeyExchange: ServerKeyExchange | undefined;
  private certificateRequest: CertificateRequest | undefined;
  private clientKeyExchange: ClientKeyExchange | undefined;
  private certificateVerify: CertificateVerify | undefined;
  private newSessionTicket: NewSessionTicket | undefined;
  /**
   * Alerts and ladder entries are made with `from` as it stands when they are (see role()), and
   * with each one's side alongside: result() hands out the same objects, and copies only one
   * whose role changed since (a ServerHello seen before its ClientHello).
   */
  private alerts: Alert[] = [];
  private alertSides: Side[] = [];
  private ladder: LadderEntry[] = [];
  private ladderSides: Side[] = [];
  private ladderDropped = 0;
  private errors: Pending<Omit<ConnectionError, 'from'>>[] = [];
  private errorsDropped = 0;
  private firstTime: ChunkMeta | undefined;
  private lastTime: ChunkMeta | undefined;

  constructor(options: SessionOptions) {
    this.options = options;
    if (options.midstream) {
      this.dirs[0].mode = 'resync';
      this.dirs[1].mode = 'resync';
    }
  }

  // ---- input ---------------------------------------------------------------------------------

  feed(side: Side, chunk: Uint8Array, meta: ChunkMeta = {}): void {
    if (chunk.length === 0) return;
    const d = this.dirs[side];
    // The first 16 bytes of the stream, however they were chunked.
    if (d.head.length < 16 && d.stats.bytes === d.head.length) d.head += latin1(chunk.subarray(0, 16 - d.head.length));
    d.stats.bytes += chunk.length;
    d.lastMeta = meta;
    if (meta.sec !== undefined) {
      this.firstTime ??= meta;
      this.lastTime = meta;
    }
    try {
      this.consume(side, d, chunk);
    } catch (e) {
      // Decoders report their own errors; anything reaching here is a bug. Contain it to this direction.
      this.error(side, d.offset, `internal error: ${describeError(e)}; decoding of this direction stopped`);
      d.mode = 'dead';
    }
    // Whole records are decoded straight from the caller's chunk; only what waits for more
    // bytes is copied, so the caller may reuse its buffers after feed() returns.
    d.handshake.own();
    d.scan.own();
    if (d.body) {
      for (let i = d.bodyOwned; i < d.body.length; i++) d.body[i] = copyBytes(d.body[i]!);
      d.bodyOwned = d.body.length;
    }
  }

  /** Bytes missing from the capture at this point of the stream. */
  gap(side: Side, length: number, meta: ChunkMeta = {}): void {
    const d = this.dirs[side];
    d.lastMeta = meta;
    d.gaps += length;
    if (d.mode === 'records' && d.recordType >= 0 && !d.body && !d.toHandshake) {
      // Inside a record we skip anyway: the record layer stays in step.
      const inRecord = Math.min(length, d.recordRemaining);
      this.skipRecordBytes(d, inRecord);
      length -= inRecord;
      if (d.recordRemaining === 0) d.recordType = -1;
      if (length === 0) return;
    }
    this.error(side, d.offset, `${length} byte(s) missing from the capture`);
    switch (d.mode) {
      case 'start':
      case 'preamble':
      case 'resync':
        d.offset += d.scan.length;
        d.scan.clear();
        d.scanned = 0;
        if (d.mode === 'start') d.mode = 'resync';
        break;
      case 'records':
        if (d.toHandshake || d.handshake.length > 0) {
          d.handshake.clear();
          d.handshakeDesync = true;
        }
        d.recordType = -1;
        d.headerLength = 0;
        d.body = null;
        d.toHandshake = false;
        d.mode = 'resync';
        break;
      case 'sslv2':
        d.mode = 'dead';
        break;
      default:
        break;
    }
    d.offset += length;
  }

  /** This direction ended (FIN, RST or end of capture). */
  end(side: Side): void {
    const d = this.dirs[side];
    if (d.ended) return;
    d.ended = true;
    if (d.mode === 'records' && d.recordType >= 0 && (d.body || d.toHandshake)) {
      this.error(
        side,
        d.headerOffset,
        `stream ended inside a ${nameOf(CONTENT_TYPES, d.recordType)} record (${d.recordLength - d.recordRemaining} of ${d.recordLength} bytes)`,
      );
    } else if (d.handshake.length > 0) {
      this.error(side, d.handshake.offset ?? d.offset, `stream ended inside a handshake message (${d.handshake.length} bytes buffered)`);
    }
    d.handshake.clear();
    d.scan.clear();
  }

  private consume(side: Side, d: Direction, chunk: Uint8Array): void {
    switch (d.mode) {
      case 'dead':
        d.offset += chunk.length;
        if (d.deadInPreamble) d.stats.preambleBytes += chunk.length;
        return;
      case 'records':
        this.records(side, d, chunk);
        return;
      case 'sslv2':
        this.sslv2(side, d, chunk);
        return;
      case 'start':
        // Nearly every stream starts with a whole record header in its first chunk: straight
        // to the record layer, as locate() would decide, without queueing the chunk first.
        if (chunk.length >= 5 && d.scan.length === 0 && plausibleHeader(chunk[0]!, chunk[1]!, chunk[2]!, (chunk[3]! << 8) | chunk[4]!)) {
          d.mode = 'records';
          this.records(side, d, chunk);
          return;
        }
        this.locate(side, d, chunk);
        return;
      default:
        this.locate(side, d, chunk);
    }
  }

  // ---- finding where TLS starts -----------------------------------------------------------

  /**
   * Start of stream, a plaintext preamble (STARTTLS, HTTP CONNECT, SOCKS) or a resync after a
   * gap or a mid-stream capture: hold bytes until we know where the first record begins.
   */
  private locate(side: Side, d: Direction, chunk: Uint8Array): void {
    d.scan.push(chunk, d.offset + d.scan.length);
    const q = d.scan;
    // A peer dribbling one byte per segment would leave thousands of 1-byte chunks, and every
    // q.at() walks them from the front: quadratic (seconds of CPU for a 64 KiB preamble). Keep the
    // queue to a few chunks by making it contiguous now and then (bounded by MAX_PLAINTEXT_SCAN).
    if (++d.scanChunks >= SCAN_COALESCE && q.length > 0) {
      const at = q.offset!;
      const all = q.take(q.length);
      q.clear();
      q.push(all, at);
      d.scanChunks = 1;
    }
    const found = d.mode === 'start' ? this.startKind(q) : d.mode === 'preamble' ? this.findHello(q, d) : this.findBoundary(q, d);
    if (found === 'wait') {
      // A preamble is given up only once every candidate position below MAX_PLAINTEXT_SCAN has had
      // the bytes it needs, so the outcome is the same however the stream was chunked.
      if (d.mode === 'resync' ? q.length > MAX_PLAINTEXT_SCAN : q.length >= PREAMBLE_GIVE_UP) {
        if (d.mode === 'resync') {
          this.error(side, d.offset, `no TLS record boundary found in ${q.length} bytes; decoding of this direction stopped`);
        } else {
          d.stats.preambleBytes += q.length;
          d.deadInPreamble = true;
        }
        d.offset += q.length;
        q.clear();
        d.mode = 'dead';
      }
      return;
    }
    if (found === 'preamble') {
      d.mode = 'preamble';
      this.locate(side, d, new Uint8Array(0));
      return;
    }
    const [kind, skip] = found;
    if (d.mode === 'resync' && this.options.midstream && d.offset === 0 && !this.startsWithHello(q, skip)) d.joined = true;
    if (skip > 0) {
      if (d.mode === 'preamble' || d.mode === 'start') d.stats.preambleBytes += skip;
      else this.error(side, d.offset, `skipped ${skip} byte(s) to the next record boundary`);
      q.drop(skip);
      d.offset += skip;
    }
    const rest = q.length > 0 ? q.take(q.length) : new Uint8Array(0);
    q.clear();
    d.scanned = 0;
    d.scanChunks = 0;
    d.mode = kind;
    if (rest.length > 0) this.consume(side, d, rest);
  }

  private startsWithHello(q: ByteQueue, at: number): boolean {
    if (q.length < at + 6 || q.at(at) !== CT_HANDSHAKE) return false;
    const msg = q.at(at + 5);
    return msg === 1 || msg === 2;
  }

  /** First bytes of a stream: a TLS record, an SSLv2 hello, or something else. */
  private startKind(q: ByteQueue): 'wait' | 'preamble' | [Mode, number] {
    if (q.length < 5) return 'wait';
    const b0 = q.at(0);
    const b1 = q.at(1);
    const b2 = q.at(2);
    if (plausibleHeader(b0, b1, b2, (q.at(3) << 8) | q.at(4))) return ['records', 0];
    // SSLv2 two-byte header (high bit set) with CLIENT-HELLO (1) or SERVER-HELLO (4), appendix E.2.
    if (b0 & 0x80 && (b2 === 1 || b2 === 4)) {
      const length = ((b0 & 0x7f) << 8) | b1;
      if (length >= 9) return ['sslv2', 0];
    }
    return 'preamble';
  }

  /**
   * A plaintext preamble ends where a ClientHello or ServerHello record begins, at one of the
   * first MAX_PLAINTEXT_SCAN positions (each needs 9 bytes: record and handshake header).
   */
  private findHello(q: ByteQueue, d: Direction): 'wait' | [Mode, number] {
    let i = d.scanned;
    for (; i < MAX_PLAINTEXT_SCAN && i + 9 <= q.length; i++) {
      if (q.at(i) !== CT_HANDSHAKE || q.at(i + 1) !== 3 || q.at(i + 2) > 4) continue;
      const length = (q.at(i + 3) << 8) | q.at(i + 4);
      const msg = q.at(i + 5);
      if (length < 4 || length > MAX_CIPHERTEXT_RECORD || (msg !== 1 && msg !== 2)) continue;
      return ['records', i];
    }
    d.scanned = i;
    return 'wait';
  }

  /**
   * After a gap or mid-stream: a plausible header whose successor is plausible too (or is the end
   * of the data so far). Only replay resynchronises (the proxy has neither gaps nor mid-stream
   * joins), and there the data arrives as the capture's segments.
   */
  private findBoundary(q: ByteQueue, d: Direction): 'wait' | [Mode, number] {
    for (let i = d.scanned; i + 5 <= q.length; i++) {
      const length = (q.at(i + 3) << 8) | q.at(i + 4);
      if (!plausibleHeader(q.at(i), q.at(i + 1), q.at(i + 2), length)) continue;
      const next = i + 5 + length;
      if (next + 5 > q.length) {
        // Cannot confirm yet; a record that ends where the data ends is taken as it is.
        if (d.ended || next === q.length) return ['records', i];
        d.scanned = i;
        return 'wait';
      }
      if (plausibleHeader(q.at(next), q.at(next + 1), q.at(next + 2), (q.at(next + 3) << 8) | q.at(next + 4))) {
        return ['records', i];
      }
    }
    d.scanned = Math.max(0, q.length - 4);
    return 'wait';
  }

  // ---- TLS record layer ----------------------------------------------------------------------

  private records(side: Side, d: Direction, chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (d.recordType < 0) {
        // Record header (RFC 5246 §6.2.1): type(1) version(2) length(2), possibly split across chunks.
        if (d.headerLength === 0) d.headerOffset = d.offset;
        // Byte by byte, not subarray + set: on a bulk transfer this runs for every record.
        const part = Math.min(5 - d.headerLength, n - i);
        const h = d.header;
        for (let k = 0; k < part; k++) h[d.headerLength + k] = chunk[i + k]!;
        d.headerLength += part;
        i += part;
        d.offset += part;
        if (d.headerLength < 5) return;
        d.headerLength = 0;
        if (!this.startRecord(side, d)) {
          d.offset += n - i;
          return;
        }
        if (d.recordRemaining === 0) this.finishRecord(side, d);
        continue;
      }
      const take = Math.min(d.recordRemaining, n - i);
      // Only the bytes we decode get a view; encrypted bodies are only counted.
      if (d.toHandshake) {
        if (!d.handshakeDesync) d.handshake.push(chunk.subarray(i, i + take), d.offset);
      } else if (d.body) {
        d.body.push(chunk.subarray(i, i + take));
      }
      i += take;
      this.skipRecordBytes(d, take);
      if (d.recordRemaining === 0) this.finishRecord(side, d);
    }
  }

  private skipRecordBytes(d: Direction, n: number): void {
    d.recordRemaining -= n;
    d.offset += n;
    if (d.recordEncrypted) d.stats.encryptedBytes += n;
  }

  /** Returns false when the header is not TLS and the direction was given up. */
  private startRecord(side: Side, d: Direction): boolean {
    const h = d.header;
    const type = h[0]!;
    const length = (h[3]! << 8) | h[4]!;
    if (!(type >= 20 && type <= 26) || h[1] !== 3 || h[2]! > 4) {
      this.error(
        side,
        d.headerOffset,
        `not a TLS record header: ${Buffer.from(h).toString('hex')} (content type ${type}, version 0x${h[1]!.toString(16).padStart(2, '0')}${h[2]!.toString(16).padStart(2, '0')}); decoding of this direction stopped`,
      );
      d.mode = 'dead';
      return false;
    }
    const stats = d.stats;
    d.recordEncrypted = stats.encrypted;
    d.recordType = type;
    d.recordLength = length;
    d.recordRemaining = length;
    d.body = null;
    d.bodyOwned = 0;
    d.toHandshake = false;
    if (d.joined && (type === CT_APPDATA || type === CT_CCS || (type === CT_ALERT && length > 8))) {
      // Application data or an alert too long for plaintext (see below): the handshake is behind
      // us. A ChangeCipherSpec switches this side itself.
      d.joined = false;
      if (type !== CT_CCS) stats.encrypted = d.recordEncrypted = true;
    }

    // TLS 1.3 protects everything after the ServerHello in type 23 records; plaintext
    // alerts (type 21) can still come before a side has keys (RFC 8446 §5).
    const encrypted = stats.encrypted && !(this.tls13 && type === CT_ALERT);
    if (length > (encrypted ? MAX_CIPHERTEXT_RECORD : MAX_PLAINTEXT_RECORD) && type !== CT_APPDATA) {
      this.error(side, d.headerOffset, `${nameOf(CONTENT_TYPES, type)} record length ${length} exceeds ${encrypted ? '2^14+2048 (RFC 5246 §6.2.3)' : '2^14 (RFC 5246 §6.2.1)'}`);
    } else if (length > MAX_CIPHERTEXT_RECORD) {
      this.error(side, d.headerOffset, `${nameOf(CONTENT_TYPES, type)} record length ${length} exceeds 2^14+2048 (RFC 5246 §6.2.3)`);
    }

    switch (type) {
      case CT_HANDSHAKE:
        if (encrypted) {
          this.encryptedHandshakeRecord(side, d, length);
        } else if (d.joined) {
          d.body = []; // decided when it is whole: joinedHandshakeRecord
        } else {
          d.toHandshake = true;
          if (d.handshakeDesync && d.handshake.length === 0) d.handshakeDesync = false;
        }
        break;
      case CT_APPDATA:
        if (this.tls13 && this.clientSide === side && this.serverHelloSide !== undefined) this.clientEncryptedAfterServerHello = true;
        if (!d.appDataLogged) {
          d.appDataLogged = true;
          this.addLadder(side, d, {
            from: this.role(side),
            record: 'application_data',
            length,
            offset: d.headerOffset,
            encrypted: true,
            summary: this.tls13 && !this.clientEncryptedAfterServerHello ? 'encrypted handshake and data' : 'encrypted data (not decoded)',
          });
        }
        break;
      case CT_CCS:
      case CT_ALERT:
      case CT_HEARTBEAT:
        // A plaintext alert is 2 bytes (RFC 8446 §5.1 forbids coalescing them); the smallest
        // protected one (ChaCha20-Poly1305) is 18. Longer ones are encrypted whatever we thought.
        if (encrypted || (type === CT_ALERT && length > 8)) {
          if (type === CT_ALERT) this.addAlert(side, d, null, null);
          else if (type === CT_HEARTBEAT) this.addLadder(side, d, { from: this.role(side), record: 'heartbeat', length, offset: d.headerOffset, encrypted: true });
        } else {
          d.body = [];
        }
        break;
      default:
        break;
    }
    return true;
  }

  /** Records are counted once whole, as a TLS stack (and tshark) sees them. */
  private countRecord(d: Direction, typeName: string): void {
    const stats = d.stats;
    stats.records[typeName] = (stats.records[typeName] ?? 0) + 1;
    if (d.recordEncrypted) stats.encryptedRecords++;
  }

  private finishRecord(side: Side, d: Direction): void {
    const type = d.recordType;
    this.countRecord(d, nameOf(CONTENT_TYPES, type));
    const body = d.body;
    d.recordType = -1;
    d.body = null;
    const bytes = body ? (body.length === 1 ? body[0]! : Buffer.concat(body)) : undefined;
    if (this.options.observer?.record) {
      const h = d.header;
      const e: RecordEvent = { side, offset: d.headerOffset, contentType: type, version: (h[1]! << 8) | h[2]!, length: d.recordLength, encrypted: d.recordEncrypted };
      if (bytes) e.body = bytes;
      this.options.observer.record(e);
    }
    if (d.toHandshake) {
      d.toHandshake = false;
      if (d.recordLength === 0) this.error(side, d.headerOffset, 'empty handshake record (RFC 5246 §6.2.1 forbids it)');
      // A record is the unit a TLS stack acts on: messages complete when their record does.
      if (!d.handshakeDesync) this.handshakeMessages(side, d);
      return;
    }
    if (!bytes) return;
    // Only a side joined mid-stream collects a handshake record's body (the rest is queued above).
    if (type === CT_HANDSHAKE) this.joinedHandshakeRecord(side, d, bytes);
    else if (type === CT_CCS) this.changeCipherSpec(side, d, bytes);
    else if (type === CT_ALERT) this.plaintextAlerts(side, d, bytes);
    else if (type === CT_HEARTBEAT) this.heartbeat(side, d, bytes);
  }

  /** An encrypted handshake record: the first one per side goes on the ladder, the rest are counted. */
  private encryptedHandshakeRecord(side: Side, d: Direction, length: number): void {
    if (d.encryptedRecordLogged) return;
    d.encryptedRecordLogged = true;
    this.addLadder(side, d, { from: this.role(side), record: 'handshake', length, offset: d.headerOffset, encrypted: true, summary: this.tls13 ? 'encrypted handshake' : 'Finished (encrypted)' });
    if (!this.tls13) this.lastHandshake = 'finished';
  }

  /**
   * A handshake record of a side joined mid-stream, before anything decided. Plaintext if it is
   * whole handshake messages end to end (a registered type, then a 24-bit length that lands
   * exactly on the next one or the record's end: ciphertext passes by chance far less than once
   * in 2^24); otherwise it is counted as protected (we joined after this side's ChangeCipherSpec)
   * and the next one is tried the same way, since the join may also have cut a plaintext message
   * that spans records.
   */
  private joinedHandshakeRecord(side: Side, d: Direction, bytes: Uint8Array): void {
    let at = 0;
    while (at + 4 <= bytes.length && HANDSHAKE_TYPES.names[bytes[at]!] !== undefined) at += 4 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (bytes.length > 0 && at === bytes.length) {
      d.joined = false;
      d.handshake.push(bytes, d.headerOffset + 5);
      this.handshakeMessages(side, d);
      return;
    }
    d.stats.encryptedRecords++;
    d.stats.encryptedBytes += bytes.length;
    this.encryptedHandshakeRecord(side, d, bytes.length);
  }

  private changeCipherSpec(side: Side, d: Direction, bytes: Uint8Array): void {
    this.addLadder(side, d, { from: this.role(side), record: 'change_cipher_spec', length: bytes.length, offset: d.headerOffset });
    if (bytes.length !== 1 || bytes[0] !== 1) {
      this.error(side, d.headerOffset, `ChangeCipherSpec body ${Buffer.from(bytes).toString('hex')} (want 01)`);
    }
    // RFC 8446 appendix D.4: in TLS 1.3 a ChangeCipherSpec is only middlebox camouflage,
    // also before any ServerHello (0-RTT) or after a HelloRetryRequest.
    if (this.tls13 || (this.serverHelloSide === undefined && this.offeredTls13())) return;
    if (!d.stats.encrypted) {
      d.stats.encrypted = true;
      if (d.handshake.length > 0) {
        this.error(side, d.handshake.offset ?? d.offset, `ChangeCipherSpec with ${d.handshake.length} byte(s) of an unfinished handshake message`);
        d.handshake.clear();
      }
    }
  }

  private plaintextAlerts(side: Side, d: Direction, bytes: Uint8Array): void {
    if (bytes.length === 0 || bytes.length % 2 !== 0) {
      this.error(side, d.headerOffset, `alert record of ${bytes.length} byte(s) (want 2 per alert)`);
    }
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      this.addAlert(side, d, codePoint(ALERT_LEVELS, bytes[i]!), codePoint(ALERT_DESCRIPTIONS, bytes[i + 1]!));
    }
  }

  /** RFC 6520 §4: payload_length must fit the record; a larger one is the Heartbleed probe. */
  private heartbeat(side: Side, d: Direction, bytes: Uint8Array): void {
    const r = new ByteReader(bytes, d.headerOffset + 5, 'HeartbeatMessage');
    let summaryText = `${bytes.length} bytes`;
    try {
      const type = r.u8('type');
      const payloadLength = r.u16('payload_length');
      summaryText = `${type === 1 ? 'request' : type === 2 ? 'response' : `type ${type}`}, payload_length ${payloadLength}`;
      if (payloadLength + 3 + 16 > bytes.length) {
        this.error(side, d.headerOffset, `heartbeat payload_length ${payloadLength} exceeds the ${bytes.length}-byte record (RFC 6520 §4; the Heartbleed pattern, CVE-2014-0160)`);
      }
    } catch (e) {
      this.error(side, d.headerOffset, describeError(e));
    }
    this.addLadder(side, d, { from: this.role(side), record: 'heartbeat', length: bytes.length, offset: d.headerOffset, summary: summaryText });
  }

  // ---- handshake layer -------------------------------------------------------------------------

  private handshakeMessages(side: Side, d: Direction): void {
    const q = d.handshake;
    for (;;) {
      if (d.handshakeSkip > 0) {
        const n = Math.min(d.handshakeSkip, q.length);
        q.drop(n);
        d.handshakeSkip -= n;
        if (d.handshakeSkip > 0) return;
      }
      if (q.length < 4) return;
      const type = q.at(0);
      const length = (q.at(1) << 16) | (q.at(2) << 8) | q.at(3);
      const offset = q.offset!;
      if (length > MAX_HANDSHAKE_MESSAGE) {
        const err = new LimitExceeded(
          `${nameOf(HANDSHAKE_TYPES, type)} message of ${length} bytes exceeds the ${MAX_HANDSHAKE_MESSAGE}-byte cap; skipped`,
          offset,
          'Handshake',
        );
        this.error(side, offset, err.message);
        this.addLadder(side, d, { from: this.role(side), record: 'handshake', type: codePoint(HANDSHAKE_TYPES, type), length, offset, summary: 'too large, not decoded' });
        d.handshakeSkip = length + 4;
        continue;
      }
      if (q.length < length + 4) return;
      const observe = this.options.observer?.message;
      const header = observe ? q.take(4) : (q.drop(4), undefined);
      const body = length === 0 ? new Uint8Array(0) : q.take(length);
      const entry = this.handshakeMessage(side, d, type, body, offset);
      if (observe) observe({ side, offset, record: 'handshake', type: entry.type!, bytes: Buffer.concat([header!, body]), entry });
    }
  }

  private handshakeMessage(side: Side, d: Direction, type: number, body: Uint8Array, offset: number): Omit<LadderEntry, 'from'> {
    const r = new ByteReader(body, offset + 4, nameOf(HANDSHAKE_TYPES, type));
    const entry: LadderEntry = { from: this.role(side), record: 'handshake', type: codePoint(HANDSHAKE_TYPES, type), length: body.length, offset };
    this.addLadder(side, d, entry);
    this.lastHandshake = entry.type!.name;
    try {
      switch (type) {
        case 1: {
          const hello = decodeClientHello(r);
          this.clientSide ??= side;
          this.keepHello(this.clientHellos, side, hello, offset, 'ClientHello');
          entry.summary = summary.summarizeClientHello(hello);
          break;
        }
        case 2:
        case 6: {
          const hello = decodeServerHello(r, type);
          this.serverHello(side, hello, offset);
          entry.summary = summary.summarizeServerHello(hello);
          break;
        }
        case 11: {
          const msg = decodeCertificateMessage(r);
          this.certificates[side] = msg.certificates;
          entry.summary = summary.summarizeCertificates(msg.certificates);
          if (msg.skipped > 0) this.error(side, offset, `${msg.skipped} certificate(s) beyond the chain cap not decoded`);
          break;
        }
        case 12:
          this.serverKeyExchange = decodeServerKeyExchange(r, this.kx, this.auth, this.tls12);
          entry.summary = summary.summarizeServerKeyExchange(this.serverKeyExchange);
          break;
        case 13:
          this.certificateRequest = decodeCertificateRequest(r, this.tls12);
          entry.summary = summary.summarizeCertificateRequest(this.certificateRequest);
          break;
        case 14:
          r.expectEnd('ServerHelloDone');
          break;
        case 15:
          this.certificateVerify = decodeCertificateVerify(r, this.tls12);
          entry.summary = summary.summarizeCertificateVerify(this.certificateVerify);
          break;
        case 16:
          this.clientKeyExchange = decodeClientKeyExchange(r, this.kx);
          entry.summary = summary.summarizeClientKeyExchange(this.clientKeyExchange);
          break;
        case 4:
          if (!this.tls13) {
            this.newSessionTicket = decodeNewSessionTicket(r);
            entry.summary = `lifetime ${this.newSessionTicket.lifetime}s, ${this.newSessionTicket.ticketLength}-byte ticket`;
          }
          break;
        case 22:
          this.certificateStatus = decodeCertificateStatus(r);
          entry.summary = `OCSP ${this.certificateStatus.responseStatus ?? `type ${this.certificateStatus.type}`}, ${this.certificateStatus.length} bytes`;
          break;
        case 0:
          r.expectEnd('HelloRequest');
          break;
        default:
          break;
      }
    } catch (e) {
      entry.summary = 'malformed';
      this.error(side, offset, describeError(e));
    }
    if (entry.summary !== undefined) entry.summary = intern(entry.summary);
    return entry;
  }

  private offeredTls13(): boolean {
    return this.clientHellos.some((h) => h.value.supportedVersions?.some((v) => isTls13(v.code)));
  }

  /** Keeps a hello (up to MAX_HELLOS of each kind) and reports the caps it hit. */
  private keepHello<T extends ClientHello | ServerHello>(list: Pending<T>[], side: Side, hello: T, offset: number, what: string): void {
    const dropped = extensionsDropped.get(hello.extensions);
    if (dropped !== undefined) {
      this.error(side, offset, `LimitExceeded: ${what} has ${MAX_EXTENSIONS + dropped} extensions; the first ${MAX_EXTENSIONS} are listed (MAX_EXTENSIONS)`);
    }
    if (list.length < MAX_HELLOS) list.push({ side, value: hello });
    else if (!this.hellosCapped?.has(what)) {
      // Reported once: the error stands for every later one.
      (this.hellosCapped ??= new Set()).add(what);
      this.error(side, offset, `LimitExceeded: more than ${MAX_HELLOS} ${what}s on one connection; later ones are not kept (MAX_HELLOS)`);
    }
  }

  private serverHello(side: Side, hello: ServerHello, offset = 0): void {
    this.keepHello(this.serverHellos, side, hello, offset, 'ServerHello');
    if (hello.helloRetryRequest) {
      // Only TLS 1.3 has HelloRetryRequest: the version is settled, nothing is encrypted yet.
      this.tls13 = true;
      return;
    }
    this.serverHelloSide ??= side;
    const version = hello.selectedVersion.code;
    this.tls12 = version === 0x0303 || isTls13(version);
    const info = CIPHER_SUITE_INFO[hello.cipherSuite.code];
    this.kx = info?.kx;
    this.auth = info?.auth;
    if (isTls13(version)) {
      this.tls13 = true;
      // Everything after the ServerHello is protected in both directions (RFC 8446 §2).
      for (const d of this.dirs) d.stats.encrypted = true;
      this.dirs[side].encryptedRecordLogged = true;
      this.dirs[(side ^ 1) as Side].encryptedRecordLogged = true;
    }
  }

  // ---- SSLv2 (RFC 5246 appendix E.2, SSL 2.0 draft §2) -----------------------------------

  private sslv2(side: Side, d: Direction, chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (d.recordType < 0) {
        // Header: 2 bytes when the high bit is set, else 3 (the third is a padding count).
        if (d.headerLength === 0) d.headerOffset = d.offset;
        d.header[d.headerLength++] = chunk[i++]!;
        d.offset++;
        const two = (d.header[0]! & 0x80) !== 0;
        if (d.headerLength < (two ? 2 : 3)) continue;
        d.headerLength = 0;
        d.recordType = 0;
        d.recordLength = ((d.header[0]! & (two ? 0x7f : 0x3f)) << 8) | d.header[1]!;
        d.recordRemaining = d.recordLength;
        d.recordEncrypted = d.stats.encrypted;
        d.body = d.stats.encrypted ? null : [];
        d.bodyOwned = 0;
        if (d.recordLength === 0) {
          d.recordType = -1;
          this.countRecord(d, 'sslv2');
        }
        continue;
      }
      const take = Math.min(d.recordRemaining, chunk.length - i);
      if (d.body) d.body.push(chunk.subarray(i, i + take));
      i += take;
      this.skipRecordBytes(d, take);
      if (d.recordRemaining > 0) continue;
      d.recordType = -1;
      this.countRecord(d, 'sslv2');
      const body = d.body ? (d.body.length === 1 ? d.body[0]! : Buffer.concat(d.body)) : undefined;
      d.body = null;
      this.options.observer?.record?.({ side, offset: d.headerOffset, contentType: -1, version: 2, length: d.recordLength, encrypted: d.recordEncrypted });
      if (body && this.sslv2Message(side, d, body)) {
        // An SSLv2-compatible hello: the rest of this direction is TLS records.
        d.mode = 'records';
        this.consume(side, d, chunk.subarray(i));
        return;
      }
    }
  }

  /** Returns true when this direction continues with TLS records. */
  private sslv2Message(side: Side, d: Direction, body: Uint8Array): boolean {
    const offset = d.headerOffset;
    const r = new ByteReader(body, offset + 2, 'SSLv2');
    const type = body[0] ?? -1;
    const entry: LadderEntry = { from: this.role(side), record: 'sslv2', type: codePoint(SSLV2_MESSAGE_TYPES, type), length: body.length, offset };
    this.addLadder(side, d, entry);
    this.options.observer?.message?.({ side, offset, record: 'sslv2', type: entry.type!, bytes: body, entry });
    try {
      r.u8('msg_type');
      if (type === 1) {
        const hello = decodeSslv2ClientHello(r);
        this.clientSide ??= side;
        this.keepHello(this.clientHellos, side, hello, offset, 'ClientHello');
        entry.summary = summary.summarizeClientHello(hello);
        this.lastHandshake = 'client_hello';
        return hello.version.code >= 0x0300;
      }
      if (type === 4) {
        const { hello, certificate } = decodeSslv2ServerHello(r);
        this.keepHello(this.serverHellos, side, hello, offset, 'ServerHello');
        this.serverHelloSide ??= side;
        this.certificates[side] = certificate.length > 0 ? [decodeCertificate(certificate)] : [];
        entry.summary = `SSL 2.0, ${hello.cipherSpecs?.length ?? 0} cipher specs`;
        this.lastHandshake = 'server_hello';
      } else if (type === 2) {
        // CLIENT-MASTER-KEY: the chosen cipher; both directions are encrypted from here on.
        const spec = sslv2CipherSpec(r.u24('cipher_kind'));
        const sh = this.serverHellos.at(-1)?.value;
        if (sh?.sslv2) sh.cipherSuite = spec;
        entry.summary = spec.name;
        this.sslv2Encrypted = true;
        for (const dir of this.dirs) if (dir.mode === 'sslv2') dir.stats.encrypted = true;
      }
    } catch (e) {
      entry.summary = 'malformed';
      this.error(side, offset, describeError(e));
    }
    return false;
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  /** The side's role as far as known now (the final say is resolveClient() in result()). */
  private role(side: Side): Role {
    return side === this.resolveClient() ? 'client' : 'server';
  }

  private addLadder(side: Side, d: Direction, entry: LadderEntry): void {
    if (this.ladder.length >= MAX_LADDER_ENTRIES) {
      this.ladderDropped++;
      return;
    }
    if (d.lastMeta.packet !== undefined) entry.packet = d.lastMeta.packet;
    this.ladder.push(entry);
    this.ladderSides.push(side);
  }

  private addAlert(side: Side, d: Direction, level: CodePoint | null, description: CodePoint | null): void {
    const alert: Alert = { from: this.role(side), level, description, encrypted: level === null, offset: d.headerOffset };
    if (this.lastHandshake !== undefined) alert.after = this.lastHandshake;
    const meta = d.lastMeta;
    if (meta.packet !== undefined) alert.packet = meta.packet;
    if (meta.sec !== undefined) alert.time = isoTime(meta.sec, meta.nsec ?? 0);
    if (level?.code === 2) this.fatalAlert = true;
    if (this.alerts.length < MAX_LADDER_ENTRIES) {
      this.alerts.push(alert);
      this.alertSides.push(side);
    }
    this.addLadder(side, d, {
      from: alert.from,
      record: 'alert',
      length: level === null ? d.recordLength : 2,
      offset: d.headerOffset,
      encrypted: level === null,
      summary: level === null ? 'encrypted alert' : `${level.name} ${description!.name}`,
    });
  }

  private error(side: Side | undefined, offset: number, message: string): void {
    if (this.errors.length >= MAX_ERRORS) {
      this.errorsDropped++;
      return;
    }
    const err: Omit<ConnectionError, 'from'> = { offset, message };
    const packet = side === undefined ? undefined : this.dirs[side].lastMeta.packet;
    if (packet !== undefined) err.packet = packet;
    this.errors.push({ side: side ?? 0, value: err });
  }

  // ---- output --------------------------------------------------------------------------------

  /** True once both sides are encrypted or a fatal alert came: the handshake is decided. */
  get decided(): boolean {
    return this.fatalAlert || this.handshakeComplete;
  }

  private get handshakeComplete(): boolean {
    if (this.sslv2Encrypted) return true;
    if (this.tls13) return this.clientEncryptedAfterServerHello;
    return this.dirs[0].stats.encrypted && this.dirs[1].stats.encrypted;
  }

  /** Which side is the client: the ClientHello's sender, else the TCP initiator, else the ServerHello's peer, else the higher port. */
  private resolveClient(): Side {
    if (this.clientSide !== undefined) return this.clientSide;
    if (this.options.initiator !== undefined && !this.options.midstream) return this.options.initiator;
    if (this.serverHelloSide !== undefined) return (this.serverHelloSide ^ 1) as Side;
    // Mid-stream with no hello: clients use the ephemeral (higher) port.
    const port = (ep: string) => Number(ep.slice(ep.lastIndexOf(':') + 1));
    return port(this.options.endpoints[0]) >= port(this.options.endpoints[1]) ? 0 : 1;
  }

  /** A snapshot of everything decoded so far, as plain data. */
  result(): Connection {
    const client = this.resolveClient();
    const server = (client ^ 1) as Side;
    const role = (side: Side): Role => (side === client ? 'client' : 'server');
    const o = this.options;
    const tls = this.dirs.some((d) => d.mode === 'records' || d.mode === 'sslv2' || Object.keys(d.stats.records).length > 0);
    const conn: Connection = {
      source: o.source,
      id: o.id,
      client: o.endpoints[client],
      server: o.endpoints[server],
      tls,
      alerts: withRoles(this.alerts, this.alertSides, client),
      messages: withRoles(this.ladder, this.ladderSides, client),
      stats: { client: this.dirs[client].stats, server: this.dirs[server].stats },
      complete: this.handshakeComplete && !this.fatalAlert,
      errors: this.errors.map((e) => ({ from: role(e.side), ...e.value })),
    };
    if (o.file !== undefined) conn.file = o.file;
    if (this.firstTime?.sec !== undefined) conn.startTime = isoTime(this.firstTime.sec, this.firstTime.nsec ?? 0);
    if (this.lastTime?.sec !== undefined) conn.endTime = isoTime(this.lastTime.sec, this.lastTime.nsec ?? 0);
    if (!tls) conn.notTls = describePlaintext(this.dirs[client].head, this.dirs[client].stats.bytes);

    const clientHellos = this.clientHellos.map((h) => h.value);
    const serverHellos = this.serverHellos.map((h) => h.value);
    if (clientHellos[0]) conn.clientHello = clientHellos[0];
    if (clientHellos.length > 1) conn.additionalClientHellos = clientHellos.slice(1);
    if (serverHellos[0]) conn.serverHello = serverHellos[0];
    if (serverHellos.length > 1) conn.additionalServerHellos = serverHellos.slice(1);
    const finalHello = serverHellos.filter((h) => !h.helloRetryRequest).at(-1) ?? serverHellos.at(-1);
    if (finalHello) conn.version = finalHello.selectedVersion;

    const serverCerts = this.certificates[server];
    const clientCerts = this.certificates[client];
    if (serverCerts) conn.certificates = serverCerts;
    if (this.certificateStatus) conn.certificateStatus = this.certificateStatus;
    if (this.serverKeyExchange) conn.serverKeyExchange = this.serverKeyExchange;
    if (this.certificateRequest) conn.certificateRequest = this.certificateRequest;
    if (clientCerts) conn.clientCertificates = clientCerts;
    if (this.clientKeyExchange) conn.clientKeyExchange = this.clientKeyExchange;
    if (this.certificateVerify) conn.certificateVerify = this.certificateVerify;
    if (this.newSessionTicket) conn.newSessionTicket = this.newSessionTicket;
    if (this.ladderDropped > 0) conn.messagesDropped = this.ladderDropped;
    const gaps = { client: this.dirs[client].gaps, server: this.dirs[server].gaps };
    if (gaps.client > 0 || gaps.server > 0) conn.gaps = gaps;
    if (o.midstream) conn.midstream = true;
    if (this.errorsDropped > 0) conn.errors.push({ message: `${this.errorsDropped} further error(s) not shown` });
    return clipConnection(conn);
  }
}

/** The entries with `from` as the final client side makes it: the same objects, or copies where it differs. */
function withRoles<T extends { from: Role }>(entries: readonly T[], sides: readonly Side[], client: Side): T[] {
  const out: T[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const from: Role = sides[i] === client ? 'client' : 'server';
    // `from` is each entry's first key, so the copy keeps the key order (and the JSON) the same.
    out[i] = e.from === from ? e : { ...e, from };
  }
  return out;
}

/** What a non-TLS stream looks like, from its first bytes. */
function describePlaintext(head: string, total: number): string {
  if (total === 0) return 'no data';
  if (/^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) /.test(head)) return 'HTTP request (plain HTTP sent to a TLS port?)';
  if (head.startsWith('HTTP/')) return 'HTTP response';
  if (head.startsWith('SSH-')) return 'SSH';
  if (/^(EHLO|HELO) /i.test(head) || /^220[ -]/.test(head)) return 'SMTP/FTP-style text protocol';
  if (head.startsWith('PRI * HTTP/2')) return 'HTTP/2 cleartext';
  return 'unknown protocol';
}

function latin1(bytes: Uint8Array): string {
  // apply, not spread: no iterator for the 16 bytes every direction keeps.
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
