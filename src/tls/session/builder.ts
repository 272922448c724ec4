// Makes the reported Connection from what the session layers gathered: roles resolved (which side
// is the client), hellos split into first and additional, the handshake record's messages put
// under their names, the output caps applied (clip.ts). Plain data in, plain data out.
import type { Alert, ClientHello, Connection, ConnectionError, DirectionStats, LadderEntry, PostHandshakeAuth, Renegotiation, Role, ServerHello, StreamEnd } from '../model.js';
import { clipConnection } from '../clip.js';
import { isoTime } from '../../util/time.js';
import type { HandshakeRecord, Side } from './handshake.js';
import { describePlaintext } from './locate.js';
import type { Judged, Tls13Flight } from './outcome.js';

export interface Pending<T> {
  side: Side;
  value: T;
}

/** A later exchange on the connection, decrypted: its messages, by side as decoded. */
export interface Exchange {
  kind: 'renegotiation' | 'post-handshake-auth';
  record: HandshakeRecord;
  clientHello?: ClientHello;
  serverHello?: ServerHello;
}

export interface ChunkTime {
  sec?: number;
  nsec?: number;
}

/** Everything the session gathered about one connection. */
export interface Gathered {
  source: 'replay' | 'proxy';
  id: number;
  file: string | undefined;
  endpoints: [string, string];
  midstream: boolean;
  client: Side;
  tls: boolean;
  outcome: Judged;
  /** Some protected record was opened with keys from a key log. */
  decrypted: boolean;
  /** Why a key log given was not used for this connection ("no keys for this connection", "keys do not match …"). */
  decryption: string | undefined;
  /** Each side's first FIN or RST, in order. */
  closes: readonly { side: Side; how: 'fin' | 'rst'; afterMessages: number; packet?: number }[];
  flight: Tls13Flight | undefined;
  stats: [DirectionStats, DirectionStats];
  /** The first bytes of each direction, to say what a non-TLS stream is. */
  heads: [string, string];
  gaps: [number, number];
  clientHellos: readonly Pending<ClientHello>[];
  serverHellos: readonly Pending<ServerHello>[];
  record: HandshakeRecord;
  exchanges: readonly Exchange[];
  alerts: readonly Alert[];
  alertSides: readonly Side[];
  ladder: readonly LadderEntry[];
  ladderSides: readonly Side[];
  ladderDropped: number;
  errors: readonly Pending<Omit<ConnectionError, 'from'>>[];
  errorsDropped: number;
  firstTime: ChunkTime | undefined;
  lastTime: ChunkTime | undefined;
}

export function buildConnection(g: Gathered): Connection {
  const client = g.client;
  const server = (client ^ 1) as Side;
  const role = (side: Side): Role => (side === client ? 'client' : 'server');
  const conn: Connection = {
    source: g.source,
    id: g.id,
    client: g.endpoints[client],
    server: g.endpoints[server],
    tls: g.tls,
    alerts: withRoles(g.alerts, g.alertSides, client),
    messages: withRoles(g.ladder, g.ladderSides, client),
    stats: { client: g.stats[client], server: g.stats[server] },
    complete: g.outcome.outcome === 'complete',
    decrypted: g.decrypted,
    outcome: g.outcome.outcome,
    outcomeBasis: g.outcome.basis,
    outcomeDetail: g.outcome.detail,
    errors: g.errors.map((e) => ({ from: role(e.side), ...e.value })),
  };
  if (g.file !== undefined) conn.file = g.file;
  if (g.firstTime?.sec !== undefined) conn.startTime = isoTime(g.firstTime.sec, g.firstTime.nsec ?? 0);
  if (g.lastTime?.sec !== undefined) conn.endTime = isoTime(g.lastTime.sec, g.lastTime.nsec ?? 0);
  if (!g.tls) conn.notTls = describePlaintext(g.heads[client], g.stats[client].bytes);

  // Indexed, not mapped and filtered: almost every connection has one hello a side, and the
  // arrays made only to take their first element were a third of this function's garbage.
  const clientHellos = g.clientHellos;
  const serverHellos = g.serverHellos;
  if (clientHellos.length > 0) conn.clientHello = clientHellos[0]!.value;
  if (clientHellos.length > 1) conn.additionalClientHellos = clientHellos.slice(1).map((h) => h.value);
  if (serverHellos.length > 0) conn.serverHello = serverHellos[0]!.value;
  if (serverHellos.length > 1) conn.additionalServerHellos = serverHellos.slice(1).map((h) => h.value);
  const finalHello = lastServerHello(serverHellos);
  if (finalHello) conn.version = finalHello.selectedVersion;

  const r = g.record;
  const serverCerts = r.certificates[server];
  const clientCerts = r.certificates[client];
  if (serverCerts) conn.certificates = serverCerts;
  if (r.certificateStatus) conn.certificateStatus = r.certificateStatus;
  if (r.serverKeyExchange) conn.serverKeyExchange = r.serverKeyExchange;
  if (r.certificateRequest) conn.certificateRequest = r.certificateRequest;
  if (clientCerts) conn.clientCertificates = clientCerts;
  if (r.clientKeyExchange) conn.clientKeyExchange = r.clientKeyExchange;
  const clientCv = r.certificateVerifies[client];
  const serverCv = r.certificateVerifies[server];
  if (clientCv) conn.certificateVerify = clientCv;
  if (serverCv) conn.serverCertificateVerify = serverCv;
  if (r.encryptedExtensions) conn.encryptedExtensions = r.encryptedExtensions;
  if (r.newSessionTicket) conn.newSessionTicket = r.newSessionTicket;
  if (g.ladderDropped > 0) conn.messagesDropped = g.ladderDropped;
  if (g.gaps[client] > 0 || g.gaps[server] > 0) conn.gaps = { client: g.gaps[client], server: g.gaps[server] };
  if (g.exchanges.length > 0) addExchanges(conn, g.exchanges, client, server);
  if (g.midstream) conn.midstream = true;
  if (g.decryption !== undefined) conn.decryption = g.decryption;
  if (g.closes.length > 0) {
    conn.closes = g.closes.map((c) => {
      const e: StreamEnd = { from: role(c.side), how: c.how, afterMessages: c.afterMessages };
      if (c.packet !== undefined) e.packet = c.packet;
      return e;
    });
  }
  if (g.flight) {
    const f = g.flight;
    conn.tls13Flight = { clientRecords: f.clientRecords, clientBytes: f.clientBytes, serverRecords: f.serverRecords };
    if (f.serverFirstLength !== undefined) conn.tls13Flight.serverFirstLength = f.serverFirstLength;
  }
  if (g.errorsDropped > 0) conn.errors.push({ message: `${g.errorsDropped} further error(s) not shown` });
  return clipConnection(conn);
}

/** Renegotiations and post-handshake authentications (decrypted only: most connections have none). */
function addExchanges(conn: Connection, exchanges: readonly Exchange[], client: Side, server: Side): void {
  const renegotiations: Renegotiation[] = [];
  const pha: PostHandshakeAuth[] = [];
  for (const x of exchanges) {
    const e: Renegotiation = {};
    if (x.clientHello) e.clientHello = x.clientHello;
    if (x.serverHello) e.serverHello = x.serverHello;
    const rx = x.record;
    if (rx.certificates[server]) e.certificates = rx.certificates[server];
    if (rx.certificateRequest) e.certificateRequest = rx.certificateRequest;
    if (rx.certificates[client]) e.clientCertificates = rx.certificates[client];
    if (rx.certificateVerifies[client]) e.certificateVerify = rx.certificateVerifies[client];
    if (x.kind === 'renegotiation') renegotiations.push(e);
    else pha.push(e);
  }
  if (renegotiations.length) conn.renegotiations = renegotiations;
  if (pha.length) conn.postHandshakeAuth = pha;
}

/** The ServerHello that was answered: the last one that is not a HelloRetryRequest, else the last. */
function lastServerHello(hellos: readonly Pending<ServerHello>[]): ServerHello | undefined {
  for (let i = hellos.length - 1; i >= 0; i--) if (!hellos[i]!.value.helloRetryRequest) return hellos[i]!.value;
  return hellos.at(-1)?.value;
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
