// The per-connection TLS decoder, fed incrementally from both directions: replay feeds it
// reassembled TCP payload, the proxy the bytes it forwards. It composes the layers in session/,
// each with one job, per direction:
//   locate (where TLS starts) → record (framing) → protection (plaintext or protected)
//     → defrag (handshake messages across records) → handshake (a decoder per message type)
// plus SSLv2 framing, the connection's state (state.ts) and the builder of the reported
// Connection (builder.ts). ChangeCipherSpec, alerts and heartbeats are read here, where the
// record layer hands them over. It never needs a whole record before forwarding can go on, it
// buffers only what it decodes, and feeding one byte at a time gives the same result as one chunk
// (checked by property tests).
import { ByteReader } from '../bytes/reader.js';
import { intern } from '../util/intern.js';
import { LimitExceeded, describeError } from '../bytes/errors.js';
import { MAX_CIPHERTEXT_RECORD, MAX_ERRORS, MAX_EXTENSIONS, MAX_HANDSHAKE_MESSAGE, MAX_HELD_RECORD_BYTES, MAX_HELLOS, MAX_LADDER_ENTRIES, MAX_PLAINTEXT_RECORD } from '../limits.js';
import { copyBytes } from '../bytes/queue.js';
import type { Alert, ClientHello, CodePoint, Connection, ConnectionError, DirectionStats, LadderEntry, Role, ServerHello } from './model.js';
import { codePoint, nameOf } from './registry/registry.js';
import { CONTENT_TYPES } from './registry/content-types.js';
import { HANDSHAKE_TYPES, SSLV2_MESSAGE_TYPES } from './registry/handshake-types.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS } from './registry/alerts.js';
import { CIPHER_SUITE_INFO } from './registry/cipher-suites.js';
import { decodeSslv2ClientHello, decodeSslv2ServerHello, sslv2CipherSpec } from './messages/hello.js';
import * as summary from './summary.js';
import { RENEGOTIATION } from './summary.js';
import { decodeCertificate } from '../x509/certificate.js';
import { extensionsDropped } from './extensions/index.js';
import { isoTime } from '../util/time.js';
import { Locator } from './session/locate.js';
import { CT_ALERT, CT_APPDATA, CT_CCS, CT_HANDSHAKE, CT_HEARTBEAT, RecordFramer, Route, plausibleHeader, tlsHeader, type RecordOwner } from './session/record.js';
import { NO_SECRETS, Protection, type SecretsLookup } from './session/protection.js';
import { connectionDecryption } from './crypto/connection.js';
import { DecryptError } from './crypto/decryptor.js';
import { Defragmenter } from './session/defrag.js';
import { messageDecoder, type HandshakeRecord, type MessageContext, type Side } from './session/handshake.js';
import { Sslv2Framer, type Sslv2Owner } from './session/sslv2.js';
import { isDecided, isTls13Version, transition, versionOf, type Phase, type StateEvent, type Version } from './session/state.js';
import { buildConnection, type Exchange, type Pending } from './session/builder.js';
import { formatEndpoint, type Endpoint } from '../util/endpoint.js';
import { aeadTagLength, alertSized, judgeOutcome, type AfterHandshake, type Tls13Flight } from './session/outcome.js';

export type { Side } from './session/handshake.js';
export type { SecretsLookup } from './session/protection.js';

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
  /** Side 0 and side 1. */
  endpoints: readonly [Endpoint, Endpoint];
  /** The side that opened the TCP connection, when known (SYN sender, or the proxy's accepted client). */
  initiator?: Side;
  /** The capture started after the connection did: look for the first record boundary. */
  midstream?: boolean;
  observer?: SessionObserver;
  /** Keys by ClientHello random, for the protection layer (session/protection.ts). */
  secrets?: SecretsLookup;
  /**
   * The key log is being written while the connection runs (the proxy follows it): when the
   * ServerHello finds no keys yet, protected records are held (MAX_HELD_RECORD_BYTES) and the
   * lookup tried again with each record, until keys come, the connection ends, or the proxy's
   * wait is over (keysOverdue).
   */
  liveKeys?: boolean;
}

/** A protected record kept while the live key log has no line for its connection yet. */
interface HeldRecord {
  side: Side;
  type: number;
  version: number;
  headerOffset: number;
  length: number;
  body: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How a direction's bytes are read now. */
type Mode = 'locate' | 'records' | 'sslv2' | 'dead';

function emptyStats(): DirectionStats {
  return { bytes: 0, preambleBytes: 0, records: {}, encryptedRecords: 0, encryptedBytes: 0, encrypted: false };
}

/**
 * What a Direction hands back to its session: the record layer's calls, with the side they came
 * from. TlsSession implements it; nothing else calls these.
 */
interface RecordHandlers {
  recordStart(side: Side, d: Direction, f: RecordFramer): boolean;
  recordEnd(side: Side, d: Direction, f: RecordFramer, type: number, body: Uint8Array | undefined): void;
  sslv2Record(side: Side, d: Direction, f: Sslv2Framer, body: Uint8Array | undefined): boolean;
}

/**
 * One direction of the TCP stream: its layers and counters, and the record layer's owner for this
 * side (one object with methods: an owner of closures cost six objects per direction).
 */
class Direction implements RecordOwner, Sslv2Owner {
  mode: Mode = 'locate';
  /** Stream offset of the next byte while locating or dead (the framers keep their own while framing). */
  private base = 0;
  readonly stats = emptyStats();
  readonly framer = new RecordFramer();
  readonly protection = new Protection(this.stats);
  readonly defrag = new Defragmenter();
  /** Made when a stream does not start with a whole record header in its first chunk (few do). */
  private loc: Locator | undefined;
  private v2: Sslv2Framer | undefined;
  encryptedRecordLogged = false;
  appDataLogged = false;
  /** The record being read goes whole to the protection layer's opener (keys from a key log). */
  opening = false;
  /** Given up as not TLS while looking for a hello: everything after is preamble too. */
  deadInPreamble = false;
  /** The first bytes of the stream, to say what a non-TLS stream is. */
  head = '';
  ended = false;
  gaps = 0;
  lastMeta: ChunkMeta = {};

  constructor(
    private readonly side: Side,
    private readonly handlers: RecordHandlers,
    /** A capture joined mid-stream: TLS starts at the next record boundary, not at the first byte. */
    private readonly midstream: boolean,
  ) {}

  get locator(): Locator {
    return (this.loc ??= new Locator(this.midstream ? 'resync' : 'start'));
  }

  /** Still at the stream's first bytes with nothing held: a whole record header there starts TLS. */
  get atStart(): boolean {
    return this.loc === undefined ? !this.midstream : this.loc.phase === 'start' && this.loc.held.length === 0;
  }

  get sslv2(): Sslv2Framer {
    return (this.v2 ??= new Sslv2Framer(this.protection));
  }

  /** Stream offset of the next byte to be consumed. */
  get offset(): number {
    return this.mode === 'records' ? this.framer.offset : this.mode === 'sslv2' ? this.sslv2.offset : this.base;
  }

  set offset(at: number) {
    if (this.mode === 'records') this.framer.offset = at;
    else if (this.mode === 'sslv2') this.sslv2.offset = at;
    else this.base = at;
  }

  /** Switches how bytes are read, carrying the stream offset over. */
  setMode(mode: Mode): void {
    const at = this.offset;
    this.mode = mode;
    this.offset = at;
  }

  own(): void {
    this.defrag.own();
    this.loc?.held.own();
    this.framer.own();
    this.v2?.own();
  }

  /** The direction ended: what waits for more bytes never gets them. */
  clear(): void {
    this.defrag.clear();
    this.loc?.held.clear();
  }

  // ---- RecordOwner and Sslv2Owner ----

  recordStart(f: RecordFramer): boolean {
    return this.handlers.recordStart(this.side, this, f);
  }

  handshakeBytes(bytes: Uint8Array, offset: number): void {
    this.defrag.push(bytes, offset);
  }

  protectedBytes(n: number): void {
    this.protection.body(n);
  }

  recordEnd(f: RecordFramer, type: number, body: Uint8Array | undefined): void {
    this.handlers.recordEnd(this.side, this, f, type, body);
  }

  sslv2Record(f: Sslv2Framer, body: Uint8Array | undefined): boolean {
    return this.handlers.sslv2Record(this.side, this, f, body);
  }
}

export class TlsSession implements RecordHandlers {
  readonly options: SessionOptions;
  private readonly dirs: [Direction, Direction];
  private readonly secrets: SecretsLookup;

  private phase: Phase = 'idle';
  private clientSide: Side | undefined;
  private serverHelloSide: Side | undefined;
  /** TLS 1.3 is in use: a HelloRetryRequest or a TLS 1.3 ServerHello was seen. */
  private tls13 = false;
  /** A renegotiation's first encrypted handshake record is on the ladder. */
  private renegotiationLogged = false;
  /** TLS 1.3: the client has sent protected records after the ServerHello (its second flight). */
  private clientFlight = false;
  private version: Version = 'none';
  /** AEAD tag length of the negotiated TLS 1.3 suite: the size of a protected alert depends on it. */
  private tagLength = 16;
  private kx: string | undefined;
  private auth: string | undefined;
  private lastHandshake: string | undefined;

  private clientHellos: Pending<ClientHello>[] = [];
  private serverHellos: Pending<ServerHello>[] = [];
  /** Which of ClientHello/ServerHello hit MAX_HELLOS (made when one does: most sessions never). */
  private hellosCapped: Set<string> | undefined;
  private readonly record: HandshakeRecord = newRecord();
  /** What the message decoders see (messageContext()); made at the first handshake message. */
  private context: Mutable<MessageContext> | undefined;
  /** Renegotiations and post-handshake authentications, in order (decrypted only; MAX_HELLOS at most). */
  private readonly exchanges: Exchange[] = [];
  /** Some record was opened with keys from the key log. */
  private decrypted = false;
  /** Why the key log did not open this connection, when one was given. */
  private decryption: string | undefined;
  /** Ladder entries and alerts made now come from decrypted records. */
  private inDecrypted = false;
  /** Live key log: the ServerHello that found no keys yet, and the protected records held since. */
  private awaiting: { serverSide: Side; hello: ServerHello; held: HeldRecord[]; bytes: number } | undefined;
  /** The endpoints as the model writes them, formatted once. */
  private readonly endpointText: [string, string];
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
  /** The first plaintext fatal alert. */
  private fatal: { side: Side; description: string; afterPeerClose: boolean } | undefined;
  /** Each side's FIN or RST (the first), in order. */
  private closes: { side: Side; how: 'fin' | 'rst'; afterMessages: number; packet?: number }[] = [];
  /** TLS 1.3: the client's second flight and the server's answer (outcome.ts). */
  private flight: Tls13Flight | undefined;
  /** TLS 1.0–1.2: the first record after the handshake (outcome.ts). */
  private after: (AfterHandshake & { side: Side }) | undefined;

  constructor(options: SessionOptions) {
    this.options = options;
    this.endpointText = [formatEndpoint(options.endpoints[0].ip, options.endpoints[0].port), formatEndpoint(options.endpoints[1].ip, options.endpoints[1].port)];
    this.secrets = options.secrets ?? NO_SECRETS;
    const midstream = options.midstream ?? false;
    this.dirs = [new Direction(0, this, midstream), new Direction(1, this, midstream)];
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
      d.setMode('dead');
    }
    // Whole records are decoded straight from the caller's chunk; only what waits for more
    // bytes is copied, so the caller may reuse its buffers after feed() returns.
    d.own();
  }

  /** Bytes missing from the capture at this point of the stream. */
  gap(side: Side, length: number, meta: ChunkMeta = {}): void {
    const d = this.dirs[side];
    d.lastMeta = meta;
    d.gaps += length;
    const f = d.framer;
    if (d.mode === 'records' && f.skipping) {
      // Inside a record we skip anyway: the record layer stays in step.
      const inRecord = Math.min(length, f.remaining);
      f.skip(inRecord, d);
      f.endSkipped();
      length -= inRecord;
      if (length === 0) return;
    }
    this.error(side, d.offset, `${length} byte(s) missing from the capture`);
    switch (d.mode) {
      case 'locate':
        d.offset += d.locator.gap();
        break;
      case 'records':
        if ((f.type >= 0 && f.route === Route.Handshake) || d.defrag.length > 0) d.defrag.lose();
        f.reset();
        d.setMode('locate');
        d.locator.phase = 'resync';
        break;
      case 'sslv2':
        d.setMode('dead');
        break;
      default:
        break;
    }
    d.offset += length;
  }

  /**
   * The side sent a FIN or a RST, in the order of the connection's events (its data before it
   * already fed): who closed first, and after what, is part of how a handshake ended.
   */
  closed(side: Side, how: 'fin' | 'rst', meta: ChunkMeta = {}): void {
    if (this.closes.some((c) => c.side === side)) return;
    const c: (typeof this.closes)[number] = { side, how, afterMessages: this.ladder.length + this.ladderDropped };
    if (meta.packet !== undefined) c.packet = meta.packet;
    this.closes.push(c);
  }

  /** This direction ended (FIN, RST or end of capture). */
  end(side: Side): void {
    const d = this.dirs[side];
    if (d.ended) return;
    d.ended = true;
    const f = d.framer;
    if (d.mode === 'records' && f.type >= 0 && f.route !== Route.Skip) {
      this.error(side, f.headerOffset, `stream ended inside a ${nameOf(CONTENT_TYPES, f.type)} record (${f.length - f.remaining} of ${f.length} bytes)`);
    } else if (d.defrag.length > 0) {
      this.error(side, d.defrag.queue.offset ?? d.offset, `stream ended inside a handshake message (${d.defrag.length} bytes buffered)`);
    }
    d.clear();
    if (this.awaiting && this.dirs[0].ended && this.dirs[1].ended && !this.keysArrived()) {
      this.giveUpKeys('no keys for this connection in the key log by the time it ended');
    }
  }

  private consume(side: Side, d: Direction, chunk: Uint8Array): void {
    switch (d.mode) {
      case 'dead':
        d.offset += chunk.length;
        if (d.deadInPreamble) d.stats.preambleBytes += chunk.length;
        return;
      case 'records': {
        const left = d.framer.feed(chunk, d);
        if (left > 0) d.offset += left;
        return;
      }
      case 'sslv2': {
        const used = d.sslv2.feed(chunk, d);
        // An SSLv2-compatible hello: the rest of this direction is TLS records.
        if ((d.mode as Mode) === 'records') this.consume(side, d, chunk.subarray(used));
        return;
      }
      default:
        // Nearly every stream starts with a whole record header in its first chunk: straight
        // to the record layer, as the Locator would decide, without holding the chunk first.
        if (chunk.length >= 5 && d.atStart && plausibleHeader(chunk[0]!, chunk[1]!, chunk[2]!, (chunk[3]! << 8) | chunk[4]!)) {
          d.setMode('records');
          this.consume(side, d, chunk);
          return;
        }
        this.locate(side, d, chunk);
    }
  }

  // ---- where TLS starts (session/locate.ts) ------------------------------------------------

  private locate(side: Side, d: Direction, chunk: Uint8Array): void {
    const found = d.locator.push(chunk, d.offset + d.locator.held.length, d.ended);
    if (found.kind === 'wait') return;
    if (found.kind === 'give-up') {
      if (found.phase === 'resync') {
        this.error(side, d.offset, `no TLS record boundary found in ${found.bytes} bytes; decoding of this direction stopped`);
      } else {
        d.stats.preambleBytes += found.bytes;
        d.deadInPreamble = true;
      }
      d.offset += found.bytes;
      d.setMode('dead');
      return;
    }
    // A capture that joined after the hellos: whether this side is protected yet is for its records to show.
    if (found.phase === 'resync' && this.options.midstream && d.offset === 0 && !found.hello) d.protection.joinedMidstream();
    if (found.skip > 0) {
      if (found.phase === 'resync') this.error(side, d.offset, `skipped ${found.skip} byte(s) to the next record boundary`);
      else d.stats.preambleBytes += found.skip;
      d.offset += found.skip;
    }
    d.setMode(found.framing);
    if (found.rest.length > 0) this.consume(side, d, found.rest);
  }

  // ---- TLS records (session/record.ts) --------------------------------------------------------

  /** RecordHandlers (through a Direction): returns false when the header is not TLS and the direction was given up. */
  recordStart(side: Side, d: Direction, f: RecordFramer): boolean {
    const h = f.header;
    const type = f.type;
    const length = f.length;
    if (!tlsHeader(type, h[1]!, h[2]!)) {
      this.error(
        side,
        f.headerOffset,
        `not a TLS record header: ${Buffer.from(h).toString('hex')} (content type ${type}, version 0x${h[1]!.toString(16).padStart(2, '0')}${h[2]!.toString(16).padStart(2, '0')}); decoding of this direction stopped`,
      );
      d.setMode('dead');
      return false;
    }
    const p = d.protection;
    if (p.undecided && (type === CT_APPDATA || type === CT_CCS || (type === CT_ALERT && length > 8))) {
      // Application data or an alert too long for plaintext (see below): the handshake is behind
      // us. A ChangeCipherSpec switches this side itself.
      p.decide(type !== CT_CCS);
      if (type !== CT_CCS) this.sideProtected();
    }
    f.protected = p.on;
    if (f.protected) this.watchProtected(side, type, length);
    // With keys: the whole record goes to the opener (TLS 1.3 protects only application_data
    // records; its dummy ChangeCipherSpec passes as before), and is handled when it is whole.
    if (f.protected && p.opener === undefined && this.awaiting && (!this.tls13 || type === CT_APPDATA)) this.keysArrived();
    if (f.protected && (p.opener !== undefined || this.awaiting) && (!this.tls13 || type === CT_APPDATA)) {
      if (p.opener === undefined && this.awaiting!.bytes + length > MAX_HELD_RECORD_BYTES) {
        this.giveUpKeys(`no keys: ${this.awaiting!.bytes} bytes of protected records held without a key-log line for this connection`);
      } else {
        d.opening = true;
        f.route = Route.Collect;
        if (type === CT_APPDATA) this.clientFlightRecord(side);
        return true;
      }
    }

    // TLS 1.3 protects everything after the ServerHello in type 23 records; plaintext
    // alerts (type 21) can still come before a side has keys (RFC 8446 §5).
    const encrypted = f.protected && !(this.tls13 && type === CT_ALERT);
    if (length > (encrypted ? MAX_CIPHERTEXT_RECORD : MAX_PLAINTEXT_RECORD) && type !== CT_APPDATA) {
      this.error(side, f.headerOffset, `${nameOf(CONTENT_TYPES, type)} record length ${length} exceeds ${encrypted ? '2^14+2048 (RFC 5246 §6.2.3)' : '2^14 (RFC 5246 §6.2.1)'}`);
    } else if (length > MAX_CIPHERTEXT_RECORD) {
      this.error(side, f.headerOffset, `${nameOf(CONTENT_TYPES, type)} record length ${length} exceeds 2^14+2048 (RFC 5246 §6.2.3)`);
    }

    switch (type) {
      case CT_HANDSHAKE:
        if (encrypted) {
          this.encryptedHandshakeRecord(side, d, f.headerOffset, length);
        } else if (p.undecided) {
          f.route = Route.Collect; // decided when it is whole: joinedHandshakeRecord
        } else {
          f.route = Route.Handshake;
          d.defrag.recordStart();
        }
        break;
      case CT_APPDATA:
        this.clientFlightRecord(side);
        if (!d.appDataLogged) {
          d.appDataLogged = true;
          this.addLadder(side, d, {
            from: this.role(side),
            record: 'application_data',
            length,
            offset: f.headerOffset,
            encrypted: true,
            summary: this.tls13 && !this.clientFlight ? 'encrypted handshake and data' : 'encrypted data (not decoded)',
          });
        }
        break;
      case CT_CCS:
      case CT_ALERT:
      case CT_HEARTBEAT:
        // A plaintext alert is 2 bytes (RFC 8446 §5.1 forbids coalescing them); the smallest
        // protected one (ChaCha20-Poly1305) is 18. Longer ones are encrypted whatever we thought.
        if (encrypted || (type === CT_ALERT && length > 8)) {
          if (type === CT_ALERT) this.addAlert(side, d, f.headerOffset, length, null, null);
          else if (type === CT_HEARTBEAT) this.addLadder(side, d, { from: this.role(side), record: 'heartbeat', length, offset: f.headerOffset, encrypted: true });
        } else {
          f.route = Route.Collect;
        }
        break;
      default:
        break;
    }
    return true;
  }

  /** TLS 1.3: a protected record from the client after the ServerHello is its second flight. */
  private clientFlightRecord(side: Side): void {
    if (this.tls13 && this.clientSide === side && this.serverHelloSide !== undefined) {
      this.clientFlight = true;
      this.event({ kind: 'client-flight' });
    }
  }

  /** RecordHandlers (through a Direction). Records are counted once whole, as a TLS stack (and tshark) sees them. */
  recordEnd(side: Side, d: Direction, f: RecordFramer, type: number, body: Uint8Array | undefined): void {
    const stats = d.stats;
    const typeName = nameOf(CONTENT_TYPES, type);
    stats.records[typeName] = (stats.records[typeName] ?? 0) + 1;
    if (f.protected) d.protection.record();
    if (this.options.observer?.record) {
      const e: RecordEvent = { side, offset: f.headerOffset, contentType: type, version: f.version, length: f.length, encrypted: f.protected };
      if (body && !d.opening) e.body = body;
      this.options.observer.record(e);
    }
    if (d.opening) {
      d.opening = false;
      if (!body) return;
      if (d.protection.opener) this.openRecord(side, d, f, type, body);
      else if (this.awaiting) {
        this.awaiting.held.push({ side, type, version: f.version, headerOffset: f.headerOffset, length: f.length, body: copyBytes(body) });
        this.awaiting.bytes += body.length;
      } else this.protectedUnread(side, d, f.headerOffset, type, f.length);
      return;
    }
    if (f.route === Route.Handshake) {
      if (f.length === 0) this.error(side, f.headerOffset, 'empty handshake record (RFC 5246 §6.2.1 forbids it)');
      // A record is the unit a TLS stack acts on: messages complete when their record does.
      if (!d.defrag.desync) this.handshakeMessages(side, d);
      return;
    }
    if (!body) return;
    // Only a side joined mid-stream collects a handshake record's body (the rest is reassembled as it comes).
    if (type === CT_HANDSHAKE) this.joinedHandshakeRecord(side, d, f, body);
    else if (type === CT_CCS) this.changeCipherSpec(side, d, f, body);
    else if (type === CT_ALERT) this.plaintextAlerts(side, d, f, body);
    else if (type === CT_HEARTBEAT) this.heartbeat(side, d, f, body);
  }

  // ---- later exchanges: renegotiation, post-handshake authentication ----------------------------

  /**
   * A decrypted handshake message after the handshake: where it belongs. TLS 1.0–1.2: a
   * HelloRequest, or a ClientHello not announced by one, starts a renegotiation (RFC 5246 §7.4.1);
   * TLS 1.3: a CertificateRequest after the client's Finished starts a post-handshake
   * authentication (RFC 8446 §4.6.2), which the client's Finished ends. Messages of an exchange go
   * to its own record, not the handshake's.
   */
  private exchangeAt(side: Side, type: number): void {
    const client = this.resolveClient();
    const last = this.exchanges.at(-1);
    if (!this.tls13 && this.record.finished[0] && this.record.finished[1]) {
      const open = last?.kind === 'renegotiation' && !(last.record.finished[0] && last.record.finished[1]);
      // A HelloRequest starts one; so does a ClientHello, unless it answers the HelloRequest that just did.
      if ((type === 0 || (type === 1 && !(open && last.clientHello === undefined))) && this.exchanges.length < MAX_HELLOS) {
        this.exchanges.push({ kind: 'renegotiation', record: newRecord() });
      }
    } else if (this.tls13 && type === 13 && side !== client && this.record.finished[client]) {
      if (this.exchanges.length < MAX_HELLOS) this.exchanges.push({ kind: 'post-handshake-auth', record: newRecord() });
    }
  }

  // ---- decryption (session/protection.ts, tls/crypto) -------------------------------------------

  /**
   * The final ServerHello settled version, suite and randoms: with the key log's secrets for this
   * ClientHello random, both directions get an opener. Nothing is kept when there are none.
   */
  private startDecryption(serverSide: Side, hello: ServerHello): void {
    if (this.secrets === NO_SECRETS || hello.sslv2) return;
    // The ClientHello this ServerHello answers: the latest (a renegotiation's is not the first).
    let ch: ClientHello | undefined;
    for (const h of this.clientHellos) if (h.side !== serverSide || ch === undefined) ch = h.value;
    if (!ch || ch.sslv2) return;
    const found = this.secrets(ch.random);
    if (!found) {
      if (this.options.liveKeys) this.awaiting ??= { serverSide, hello, held: [], bytes: 0 };
      else this.decryption = 'no keys for this connection in the key log (no line with its ClientHello random)';
      return;
    }
    this.awaiting = undefined;
    const made = connectionDecryption(
      {
        version: this.version === 'tls1.3' ? 0x0304 : hello.selectedVersion.code,
        cipherSuite: hello.cipherSuite.code,
        clientRandom: Buffer.from(ch.random, 'hex'),
        serverRandom: Buffer.from(hello.random, 'hex'),
        encryptThenMac: ch.encryptThenMac === true && hello.encryptThenMac === true,
      },
      found.secrets,
    );
    if (!made.ok) {
      this.decryption = made.why;
      return;
    }
    // A renegotiation (TLS 1.0–1.2) agrees on keys under the old ones: each side switches at its ChangeCipherSpec.
    const set = (p: Protection, o: NonNullable<Protection['opener']>) => {
      if (p.on && !this.tls13) p.pendingOpener = o;
      else p.opener = o;
    };
    set(this.dirs[serverSide].protection, made.server);
    set(this.dirs[(serverSide ^ 1) as Side].protection, made.client);
  }

  /** A whole protected record with an opener: decrypted and handled as the plaintext it holds. */
  /**
   * Live key log: looks again for this connection's keys; with them, the held records are
   * decrypted in the order they came. Returns true when keys were found.
   */
  keysArrived(): boolean {
    const w = this.awaiting;
    if (!w) return false;
    this.startDecryption(w.serverSide, w.hello);
    if (this.awaiting) return false;
    for (const h of w.held) this.openRecord(h.side, this.dirs[h.side], h, h.type, h.body);
    return true;
  }

  /**
   * Live key log: true while this connection waits for its key-log line (the ServerHello found
   * none), holding its protected records. The proxy times the wait (KEY_LOG_WAIT_MS) and calls
   * keysOverdue when it is over: the decoder keeps no clock.
   */
  get awaitingKeys(): boolean {
    return this.awaiting !== undefined;
  }

  /**
   * Live key log: the wait for this connection's line is over (`waitedMs` after its ServerHello).
   * One last look; without keys the held records are given up, unreadable, and `decryption` says
   * how long the line was waited for. Returns true when the keys came after all.
   */
  keysOverdue(waitedMs: number): boolean {
    if (!this.awaiting) return false;
    if (this.keysArrived()) return true;
    this.giveUpKeys(`no keys: no key-log line for this connection within ${secondsText(waitedMs)} s`);
    return false;
  }

  /** Live key log: no keys came; the held records are what they would have been without keys. */
  private giveUpKeys(why: string): void {
    const w = this.awaiting;
    if (!w) return;
    this.awaiting = undefined;
    this.decryption ??= why;
    for (const h of w.held) this.protectedUnread(h.side, this.dirs[h.side], h.headerOffset, h.type, h.length);
  }

  private openRecord(side: Side, d: Direction, f: { version: number; headerOffset: number; length: number }, type: number, body: Uint8Array): void {
    const opened = d.protection.opener!.open(type, f.version, body, f.headerOffset + 5);
    if (opened === null) return;
    if (opened instanceof DecryptError) {
      // One error per direction: the records after it would fail the same way.
      this.error(side, f.headerOffset, `${opened.message}; decryption of this direction stopped`);
      this.decryption ??= opened.message;
      d.protection.opener = undefined;
      this.protectedUnread(side, d, f.headerOffset, type, f.length);
      return;
    }
    this.decrypted = true;
    this.inDecrypted = true;
    try {
      switch (opened.type) {
        case CT_HANDSHAKE:
          d.defrag.recordStart();
          d.defrag.push(opened.plaintext, f.headerOffset + 5);
          this.handshakeMessages(side, d);
          break;
        case CT_ALERT:
          this.plaintextAlerts(side, d, f, opened.plaintext);
          break;
        case CT_APPDATA:
          // Counted, never decoded, printed or kept.
          if (!d.appDataLogged) {
            d.appDataLogged = true;
            this.addLadder(side, d, { from: this.role(side), record: 'application_data', length: f.length, offset: f.headerOffset, encrypted: true, summary: 'application data (not shown)' });
          }
          break;
        case CT_HEARTBEAT:
          this.heartbeat(side, d, f, opened.plaintext);
          break;
        case CT_CCS:
          // A renegotiation's ChangeCipherSpec, under the old keys: the new ones start after it.
          this.addLadder(side, d, { from: this.role(side), record: 'change_cipher_spec', length: opened.plaintext.length, offset: f.headerOffset, encrypted: true });
          if (d.protection.pendingOpener) {
            d.protection.opener = d.protection.pendingOpener;
            d.protection.pendingOpener = undefined;
          }
          break;
        default:
          break;
      }
    } finally {
      this.inDecrypted = false;
    }
  }

  /** A protected record nobody can read: what the ladder says of it without keys. */
  private protectedUnread(side: Side, d: Direction, offset: number, type: number, length: number): void {
    if (type === CT_HANDSHAKE) this.encryptedHandshakeRecord(side, d, offset, length);
    else if (type === CT_ALERT) this.addAlert(side, d, offset, length, null, null);
    else if (type === CT_APPDATA && !d.appDataLogged) {
      d.appDataLogged = true;
      this.addLadder(side, d, { from: this.role(side), record: 'application_data', length, offset, encrypted: true, summary: 'encrypted data (not decoded)' });
    }
  }

  /** An encrypted handshake record: the first one per side goes on the ladder, the rest are counted. */
  private encryptedHandshakeRecord(side: Side, d: Direction, offset: number, length: number): void {
    // TLS 1.0–1.2: handshake records after application data are a renegotiation (RFC 5746 §1),
    // e.g. Apache asking for a client certificate for one <Location>. One ladder entry says so.
    if (!this.tls13 && !this.renegotiationLogged && this.dirs.some((x) => x.appDataLogged)) {
      this.renegotiationLogged = true;
      this.addLadder(side, d, { from: this.role(side), record: 'handshake', length, offset, encrypted: true, summary: RENEGOTIATION });
      return;
    }
    if (d.encryptedRecordLogged) return;
    d.encryptedRecordLogged = true;
    this.addLadder(side, d, { from: this.role(side), record: 'handshake', length, offset, encrypted: true, summary: this.tls13 ? 'encrypted handshake' : 'Finished (encrypted)' });
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
  private joinedHandshakeRecord(side: Side, d: Direction, f: RecordFramer, bytes: Uint8Array): void {
    let at = 0;
    while (at + 4 <= bytes.length && HANDSHAKE_TYPES.names[bytes[at]!] !== undefined) at += 4 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (bytes.length > 0 && at === bytes.length) {
      d.protection.decide(false);
      d.defrag.queue.push(bytes, f.headerOffset + 5);
      this.handshakeMessages(side, d);
      return;
    }
    d.protection.record();
    d.protection.body(bytes.length);
    this.encryptedHandshakeRecord(side, d, f.headerOffset, bytes.length);
  }

  private changeCipherSpec(side: Side, d: Direction, f: RecordFramer, bytes: Uint8Array): void {
    this.addLadder(side, d, { from: this.role(side), record: 'change_cipher_spec', length: bytes.length, offset: f.headerOffset });
    if (bytes.length !== 1 || bytes[0] !== 1) {
      this.error(side, f.headerOffset, `ChangeCipherSpec body ${Buffer.from(bytes).toString('hex')} (want 01)`);
    }
    // RFC 8446 appendix D.4: in TLS 1.3 a ChangeCipherSpec is only middlebox camouflage,
    // also before any ServerHello (0-RTT) or after a HelloRetryRequest.
    if (this.tls13 || (this.serverHelloSide === undefined && this.offeredTls13())) return;
    if (!d.protection.on) {
      d.protection.begin();
      if (d.defrag.length > 0) {
        this.error(side, d.defrag.queue.offset ?? d.offset, `ChangeCipherSpec with ${d.defrag.length} byte(s) of an unfinished handshake message`);
        d.defrag.clear();
      }
      this.sideProtected();
    }
  }

  private plaintextAlerts(side: Side, d: Direction, f: { headerOffset: number; length: number }, bytes: Uint8Array): void {
    if (bytes.length === 0 || bytes.length % 2 !== 0) {
      this.error(side, f.headerOffset, `alert record of ${bytes.length} byte(s) (want 2 per alert)`);
    }
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      this.addAlert(side, d, f.headerOffset, f.length, codePoint(ALERT_LEVELS, bytes[i]!), codePoint(ALERT_DESCRIPTIONS, bytes[i + 1]!));
    }
  }

  /** RFC 6520 §4: payload_length must fit the record; a larger one is the Heartbleed probe. */
  private heartbeat(side: Side, d: Direction, f: { headerOffset: number }, bytes: Uint8Array): void {
    const r = new ByteReader(bytes, f.headerOffset + 5, 'HeartbeatMessage');
    let summaryText = `${bytes.length} bytes`;
    try {
      const type = r.u8('type');
      const payloadLength = r.u16('payload_length');
      summaryText = `${type === 1 ? 'request' : type === 2 ? 'response' : `type ${type}`}, payload_length ${payloadLength}`;
      if (payloadLength + 3 + 16 > bytes.length) {
        this.error(side, f.headerOffset, `heartbeat payload_length ${payloadLength} exceeds the ${bytes.length}-byte record (RFC 6520 §4; the Heartbleed pattern, CVE-2014-0160)`);
      }
    } catch (e) {
      this.error(side, f.headerOffset, describeError(e));
    }
    this.addLadder(side, d, { from: this.role(side), record: 'heartbeat', length: bytes.length, offset: f.headerOffset, summary: summaryText });
  }

  // ---- handshake messages (session/defrag.ts, session/handshake.ts) ----------------------------

  private handshakeMessages(side: Side, d: Direction): void {
    const observe = this.options.observer?.message;
    for (;;) {
      const m = d.defrag.next(observe !== undefined);
      if (m === undefined) return;
      if (m.kind === 'too-large') {
        const err = new LimitExceeded(`${nameOf(HANDSHAKE_TYPES, m.type)} message of ${m.length} bytes exceeds the ${MAX_HANDSHAKE_MESSAGE}-byte cap; skipped`, m.offset, 'Handshake');
        this.error(side, m.offset, err.message);
        this.addLadder(side, d, { from: this.role(side), record: 'handshake', type: codePoint(HANDSHAKE_TYPES, m.type), length: m.length, offset: m.offset, summary: 'too large, not decoded' });
        continue;
      }
      const entry = this.handshakeMessage(side, d, m.type, m.body, m.offset);
      if (observe) observe({ side, offset: m.offset, record: 'handshake', type: entry.type!, bytes: Buffer.concat([m.header!, m.body]), entry });
    }
  }

  private handshakeMessage(side: Side, d: Direction, type: number, body: Uint8Array, offset: number): Omit<LadderEntry, 'from'> {
    const r = new ByteReader(body, offset + 4, nameOf(HANDSHAKE_TYPES, type));
    const entry: LadderEntry = { from: this.role(side), record: 'handshake', type: codePoint(HANDSHAKE_TYPES, type), length: body.length, offset };
    this.addLadder(side, d, entry);
    this.lastHandshake = entry.type!.name;
    if (this.inDecrypted) this.exchangeAt(side, type);
    const decode = messageDecoder(type);
    if (decode === undefined) return entry;
    try {
      const text = decode(r, this.messageContext(side, offset));
      if (text !== undefined) entry.summary = intern(text);
    } catch (e) {
      entry.summary = 'malformed';
      this.error(side, offset, describeError(e));
    }
    return entry;
  }

  /**
   * The decoders' view of the session for the message at `side`, `offset`: one object per session,
   * brought up to date for each message (a fresh one per message cost an object and three
   * closures). Decoders use it only while they run, and never decode another message meanwhile.
   */
  private messageContext(side: Side, offset: number): MessageContext {
    const m = (this.context ??= this.newMessageContext());
    m.side = side;
    m.offset = offset;
    m.version = this.version;
    m.tls13 = this.tls13;
    m.kx = this.kx;
    m.auth = this.auth;
    m.record = this.exchanges.at(-1)?.record ?? this.record;
    return m;
  }

  private newMessageContext(): Mutable<MessageContext> {
    const m: Mutable<MessageContext> = {
      side: 0,
      offset: 0,
      version: 'none',
      tls13: false,
      kx: undefined,
      auth: undefined,
      record: this.record,
      clientHello: (hello) => {
        this.clientSide ??= m.side;
        this.keepHello(this.clientHellos, m.side, hello, m.offset, 'ClientHello');
        this.event({ kind: 'client-hello' });
        const x = this.exchanges.at(-1);
        if (x?.kind === 'renegotiation') x.clientHello ??= hello;
      },
      serverHello: (hello) => {
        const x = this.exchanges.at(-1);
        if (x?.kind === 'renegotiation') x.serverHello ??= hello;
        this.serverHello(m.side, hello, m.offset);
      },
      error: (message) => this.error(m.side, m.offset, message),
    };
    return m;
  }

  private offeredTls13(): boolean {
    return this.clientHellos.some((h) => h.value.supportedVersions?.some((v) => isTls13Version(v.code)));
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

  private serverHello(side: Side, hello: ServerHello, offset: number): void {
    this.keepHello(this.serverHellos, side, hello, offset, 'ServerHello');
    if (hello.helloRetryRequest) {
      // Only TLS 1.3 has HelloRetryRequest: the version is settled, nothing is encrypted yet.
      this.tls13 = true;
      return;
    }
    this.serverHelloSide ??= side;
    this.version = versionOf(hello.selectedVersion.code);
    const info = CIPHER_SUITE_INFO[hello.cipherSuite.code];
    this.kx = info?.kx;
    this.auth = info?.auth;
    this.tagLength = aeadTagLength(hello.cipherSuite.code);
    if (this.version === 'tls1.3') {
      this.tls13 = true;
      // Everything after the ServerHello is protected in both directions (RFC 8446 §2).
      for (const d of this.dirs) {
        d.protection.begin();
        d.encryptedRecordLogged = true;
      }
    }
    this.event({ kind: 'server-hello', version: this.version });
    this.startDecryption(side, hello);
  }

  // ---- SSLv2 (RFC 5246 appendix E.2, SSL 2.0 draft §2; session/sslv2.ts) --------------------

  /** RecordHandlers (through a Direction). */
  sslv2Record(side: Side, d: Direction, f: Sslv2Framer, body: Uint8Array | undefined): boolean {
    this.options.observer?.record?.({ side, offset: f.headerOffset, contentType: -1, version: 2, length: f.length, encrypted: f.protected });
    if (body && this.sslv2Message(side, d, f.headerOffset, body)) {
      // An SSLv2-compatible hello: the rest of this direction is TLS records.
      d.setMode('records');
      return true;
    }
    return false;
  }

  /** Returns true when this direction continues with TLS records. */
  private sslv2Message(side: Side, d: Direction, offset: number, body: Uint8Array): boolean {
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
        this.event({ kind: 'client-hello' });
        entry.summary = summary.summarizeClientHello(hello);
        this.lastHandshake = 'client_hello';
        return hello.version.code >= 0x0300;
      }
      if (type === 4) {
        const { hello, certificate } = decodeSslv2ServerHello(r);
        this.keepHello(this.serverHellos, side, hello, offset, 'ServerHello');
        this.serverHelloSide ??= side;
        this.record.certificates[side] = certificate.length > 0 ? [decodeCertificate(certificate)] : [];
        entry.summary = `SSL 2.0, ${hello.cipherSpecs?.length ?? 0} cipher specs`;
        this.lastHandshake = 'server_hello';
      } else if (type === 2) {
        // CLIENT-MASTER-KEY: the chosen cipher; both directions are encrypted from here on.
        const spec = sslv2CipherSpec(r.u24('cipher_kind'));
        const sh = this.serverHellos.at(-1)?.value;
        if (sh?.sslv2) sh.cipherSuite = spec;
        entry.summary = spec.name;
        for (const dir of this.dirs) if (dir.mode === 'sslv2') dir.protection.begin();
        this.event({ kind: 'sslv2-keys' });
      }
    } catch (e) {
      entry.summary = 'malformed';
      this.error(side, offset, describeError(e));
    }
    return false;
  }

  // ---- state (session/state.ts, session/outcome.ts) -------------------------------------------

  /** What protected records show about the outcome without keys: their sizes and order. */
  private watchProtected(side: Side, type: number, length: number): void {
    if (this.tls13) {
      if (type !== CT_APPDATA || this.serverHelloSide === undefined || this.clientSide === undefined) return;
      const fl = this.flight;
      if (side === this.clientSide) {
        if (!fl) this.flight = { clientRecords: 1, clientBytes: length, clientFirstLength: length, serverRecords: 0, clientClosedFirst: false };
        else if (fl.serverRecords === 0) {
          fl.clientRecords++;
          fl.clientBytes += length;
        }
      } else if (fl) {
        if (fl.serverRecords === 0) {
          fl.serverFirstLength = length;
          fl.clientClosedFirst = this.closes.some((c) => c.side === this.clientSide);
        }
        fl.serverRecords++;
        if (fl.serverRecords >= 2 || !alertSized(length, this.tagLength)) this.event({ kind: 'server-answer' });
      }
    } else if (this.phase === 'established' && type !== CT_HANDSHAKE) {
      if (this.after) this.after.more++;
      else this.after = { side, from: 'client', type, more: 0 };
    }
  }

  private event(e: StateEvent): void {
    this.phase = transition(this.phase, e);
  }

  /** A side began protecting its records (TLS 1.0–1.2): both sides doing so ends the handshake. */
  private sideProtected(): void {
    this.event({ kind: 'protected', both: !this.tls13 && this.dirs[0].protection.on && this.dirs[1].protection.on });
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
    if (this.inDecrypted) entry.decrypted = true;
    this.ladder.push(entry);
    this.ladderSides.push(side);
  }

  private addAlert(side: Side, d: Direction, offset: number, recordLength: number, level: CodePoint | null, description: CodePoint | null): void {
    const alert: Alert = this.inDecrypted
      ? { from: this.role(side), level, description, encrypted: true, decrypted: true, offset }
      : { from: this.role(side), level, description, encrypted: level === null, offset };
    if (this.lastHandshake !== undefined) alert.after = this.lastHandshake;
    const meta = d.lastMeta;
    if (meta.packet !== undefined) alert.packet = meta.packet;
    if (meta.sec !== undefined) alert.time = isoTime(meta.sec, meta.nsec ?? 0);
    if (level?.code === 2) {
      this.fatal ??= { side, description: description!.name, afterPeerClose: this.closes.some((c) => c.side !== side) };
      this.event({ kind: 'fatal-alert' });
    }
    if (this.alerts.length < MAX_LADDER_ENTRIES) {
      this.alerts.push(alert);
      this.alertSides.push(side);
    }
    this.addLadder(side, d, {
      from: alert.from,
      record: 'alert',
      length: level === null ? recordLength : 2,
      offset,
      encrypted: level === null || this.inDecrypted,
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

  // ---- output (session/builder.ts) -----------------------------------------------------------

  /** True once the handshake ran to the end or a fatal alert came: the handshake is decided. */
  get decided(): boolean {
    // Records held for a live key log are not judged yet.
    return isDecided(this.phase) && !this.awaiting?.held.length;
  }

  /** Which side is the client: the ClientHello's sender, else the TCP initiator, else the ServerHello's peer, else the higher port. */
  private resolveClient(): Side {
    if (this.clientSide !== undefined) return this.clientSide;
    if (this.options.initiator !== undefined && !this.options.midstream) return this.options.initiator;
    if (this.serverHelloSide !== undefined) return (this.serverHelloSide ^ 1) as Side;
    // Mid-stream with no hello: clients use the ephemeral (higher) port.
    const [a, b] = this.options.endpoints;
    return a.port >= b.port ? 0 : 1;
  }

  /** A snapshot of everything decoded so far, as plain data. */
  result(): Connection {
    const o = this.options;
    const [d0, d1] = this.dirs;
    const framed = (d: Direction) => d.mode === 'records' || d.mode === 'sslv2' || Object.keys(d.stats.records).length > 0;
    const tls = framed(d0) || framed(d1);
    const client = this.resolveClient();
    const role = (side: Side): Role => (side === client ? 'client' : 'server');
    // Plain assignments, no conditional spreads: this runs once per reported connection.
    const closes = this.closes.map((c) => ({ from: role(c.side), how: c.how }));
    const fatal = this.fatal;
    const after = this.after;
    const judged = judgeOutcome({
      tls,
      phase: this.phase,
      fatal: fatal ? { from: role(fatal.side), description: fatal.description, afterPeerClose: fatal.afterPeerClose } : undefined,
      tls13: this.tls13,
      midstream: o.midstream ?? false,
      gapBytes: d0.gaps + d1.gaps,
      closes,
      tagLength: this.tagLength,
      finishedBoth: this.record.finished[0] && this.record.finished[1],
      flight: this.flight,
      after: after ? { from: role(after.side), type: after.type, more: after.more } : undefined,
    });
    return buildConnection({
      outcome: judged,
      closes: this.closes,
      flight: this.flight,
      source: o.source,
      id: o.id,
      file: o.file,
      endpoints: this.endpointText,
      midstream: o.midstream ?? false,
      decrypted: this.decrypted,
      decryption: this.decryption,
      client,
      tls,
      stats: [d0.stats, d1.stats],
      heads: [d0.head, d1.head],
      gaps: [d0.gaps, d1.gaps],
      clientHellos: this.clientHellos,
      serverHellos: this.serverHellos,
      record: this.record,
      exchanges: this.exchanges,
      alerts: this.alerts,
      alertSides: this.alertSides,
      ladder: this.ladder,
      ladderSides: this.ladderSides,
      ladderDropped: this.ladderDropped,
      errors: this.errors,
      errorsDropped: this.errorsDropped,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
    });
  }
}

function newRecord(): HandshakeRecord {
  return { certificates: [undefined, undefined], certificateVerifies: [undefined, undefined], finished: [false, false] };
}

function latin1(bytes: Uint8Array): string {
  // apply, not spread: no iterator for the 16 bytes every direction keeps.
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** "5", "0.5", "1.25": seconds for a message, without trailing zeros. */
function secondsText(ms: number): string {
  return String(Math.round(ms / 10) / 100);
}
