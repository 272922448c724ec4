// The flow table: packets -> TCP connections -> per-direction reassembly -> FlowHandler calls.
// Memory stays bounded on any capture size: a cap on live flows (LRU eviction), an idle timeout
// in capture time, finished flows dropped right after close(), and only a small tombstone
// kept per closed 4-tuple so its trailing ACKs/retransmissions do not open phantom flows.
import { NO_IP, ipOffset, ipVersion, packedNetworkLayer } from './link.js';
import { IPPROTO_TCP, IP_FRAGMENT, IP_MALFORMED, ipv4String, ipv6String, newIpInfo, parseIp } from './ip.js';
import { DEFAULT_MAX_BUFFERED_PER_DIRECTION, DirectionReassembler, type ReassemblyCounters, type SegmentMeta, type StreamOutput } from './reassembly.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, newTcpInfo, parseTcp } from './tcp.js';
import type { CapturedPacket } from './types.js';
import { FifoMap } from '../util/fifo-map.js';
import type { Endpoint } from '../util/endpoint.js';

export type { SegmentMeta } from './reassembly.js';

/**
 * Default cap on concurrently tracked connections. A live flow costs about 8 KiB of heap (its
 * decoded hellos, certificates, ladder and stream state), 33–41 KiB of peak RSS with the garbage
 * the GC collects late: 10,000 flows that never close measured 330–410 MiB. Beyond the cap the
 * least recently active flow is reported early ('evicted'). `replay --max-flows` raises it.
 */
export const DEFAULT_MAX_FLOWS = 10_000;
/** Default idle timeout, in seconds of capture time. */
export const DEFAULT_IDLE_SECONDS = 300;
/** Most "malformed packet" warnings emitted per table; later ones are only counted. */
export const MAX_MALFORMED_WARNINGS = 20;
/** Most remembered fragmented datagrams (for "report once"); the set is cleared when full. */
export const MAX_FRAGMENT_KEYS = 4096;

export type { Endpoint };

export interface FlowInfo {
  /** 1-based, in order of each flow's first packet. */
  id: number;
  /** The SYN sender when the first packet was a SYN without ACK, else the sender of the first packet. */
  a: Endpoint;
  b: Endpoint;
  sawSyn: boolean;
  firstSec: number;
  firstNsec: number;
}

/** 'reused': a SYN with a new ISN opened another connection on the same 4-tuple. */
export type CloseReason = 'fin' | 'rst' | 'eof' | 'idle' | 'evicted' | 'reused';

export interface FlowHandler {
  /** In-order stream bytes; side 0 = a→b, 1 = b→a. Only valid during the call unless copied. */
  data(side: 0 | 1, bytes: Uint8Array, meta: SegmentMeta): void;
  /** Bytes missing from the capture at this point of the stream. */
  gap(side: 0 | 1, length: number, meta: SegmentMeta): void;
  /**
   * One side sent a FIN (after its data so far) or a RST, in capture order: who closed first,
   * and after what, is part of how a handshake ended. Optional; close() still follows.
   */
  ended?(side: 0 | 1, how: 'fin' | 'rst', meta: SegmentMeta): void;
  /** The flow is finished: no more calls. */
  close(reason: CloseReason): void;
}

export interface FlowSink {
  open(flow: FlowInfo): FlowHandler;
  /** Recoverable problems below TLS (IP fragments, snaplen-truncated segments, malformed headers). */
  warning?(message: string): void;
}

export interface FlowTableOptions {
  maxFlows?: number;
  maxBufferedPerDirection?: number;
  idleSeconds?: number;
}

export interface FlowStats extends ReassemblyCounters {
  packets: number;
  /** Frames whose link layer carries no IPv4/IPv6 (ARP, LLDP, unsupported link types). */
  nonIp: number;
  /** IP packets that are not TCP. */
  nonTcp: number;
  /** Packets with an unusable IP or TCP header. */
  malformed: number;
  /** IP fragments skipped (each datagram is warned about once). */
  ipFragments: number;
  /** TCP segments whose payload the snaplen cut short. */
  truncatedSegments: number;
  /** Packets of an already closed connection (final ACKs, retransmissions), ignored. */
  late: number;
  flowsOpened: number;
  closed: Record<CloseReason, number>;
  activeFlows: number;
  maxActiveFlows: number;
}

interface Flow {
  id: number;
  key: string;
  /** Side a is the lower endpoint of `key` (the order the key is written in). */
  aLow: boolean;
  /** Both replaced by the CLOSED_ ones once the flow is closed (see close()). */
  handler: FlowHandler;
  dirs: [DirectionReassembler, DirectionReassembler];
  last: number;
  rst: boolean;
  finAcked: [boolean, boolean];
  truncWarned: boolean;
  prev: Flow | null;
  next: Flow | null;
}

/** What a closed flow points to instead of its handler and reassemblers; frozen, so any use after close throws. */
const CLOSED_HANDLER: FlowHandler = Object.freeze({ data() {}, gap() {}, close() {} });
const CLOSED_DIRECTIONS = Object.freeze([0, 1].map(() => {
  const none = { data() {}, gap() {} };
  return Object.freeze(new DirectionReassembler(none, 0, { gaps: 0, gapBytes: 0, bufferedBytes: 0 }));
})) as unknown as [DirectionReassembler, DirectionReassembler];

interface Tombstone {
  at: number;
  /** ISN of each side's SYN (-1 if none): a retransmitted SYN of the closed connection is not a new one. */
  syn0: number;
  syn1: number;
}

export class FlowTable {
  readonly stats: FlowStats = {
    packets: 0, nonIp: 0, nonTcp: 0, malformed: 0, ipFragments: 0, truncatedSegments: 0, late: 0,
    flowsOpened: 0, closed: { fin: 0, rst: 0, eof: 0, idle: 0, evicted: 0, reused: 0 }, activeFlows: 0, maxActiveFlows: 0,
    gaps: 0, gapBytes: 0, bufferedBytes: 0,
  };
  private readonly flows = new Map<string, Flow>();
  private readonly tombs: FifoMap<string, Tombstone>;
  private readonly fragKeys = new Set<string>();
  private lruHead: Flow | null = null;
  private lruTail: Flow | null = null;
  private nextId = 1;
  /** Capture clock: the latest timestamp seen (captures are not always monotonic). */
  private clock = -Infinity;
  private readonly maxFlows: number;
  private readonly maxBuffered: number;
  private readonly idle: number;
  private readonly ip = newIpInfo();
  private readonly tcp = newTcpInfo();

  constructor(private readonly sink: FlowSink, opts: FlowTableOptions = {}) {
    this.maxFlows = Math.max(1, opts.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.tombs = new FifoMap(this.maxFlows);
    this.maxBuffered = opts.maxBufferedPerDirection ?? DEFAULT_MAX_BUFFERED_PER_DIRECTION;
    this.idle = opts.idleSeconds ?? DEFAULT_IDLE_SECONDS;
  }

  private warn(message: string): void {
    this.sink.warning?.(message);
  }

  packet(p: CapturedPacket): void {
    const st = this.stats;
    st.packets++;
    const now = p.sec + p.nsec / 1e9;
    if (now > this.clock) this.clock = now;
    this.expireIdle();

    const d = p.data;
    const len = d.length;
    const nl = packedNetworkLayer(p.linkType, d, len);
    if (nl === NO_IP) {
      st.nonIp++;
      return;
    }
    const ip = this.ip;
    const ipStatus = parseIp(d, ipOffset(nl), ipVersion(nl), len, ip);
    if (ipStatus === IP_MALFORMED) {
      this.malformed(p, ip.error);
      return;
    }
    if (ipStatus === IP_FRAGMENT) {
      st.ipFragments++;
      this.fragment(p, d);
      return;
    }
    if (ip.protocol !== IPPROTO_TCP) {
      st.nonTcp++;
      return;
    }
    const tcp = this.tcp;
    if (!parseTcp(d, ip.payload, ip.end, ip.wireEnd, tcp)) {
      this.malformed(p, tcp.error);
      return;
    }

    const srcLow = this.sourceIsLow(d);
    const key = this.flowKey(d, srcLow);
    const flags = tcp.flags;
    const synOnly = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;

    let flow = this.flows.get(key);
    if (flow !== undefined && synOnly) {
      const dir = flow.dirs[srcLow === flow.aLow ? 0 : 1];
      // A SYN with another ISN is a new connection on the same 4-tuple (port reuse), as tshark
      // decides it (new tcp.stream when a SYN's seq differs from the direction's base seq).
      const sameConn = dir.synSeq >= 0 ? dir.synSeq === tcp.seq : !dir.sawData && dir.syn(tcp.seq);
      if (!sameConn) {
        this.close(flow, flow.rst ? 'rst' : flow.dirs[0].finSeq >= 0 && flow.dirs[1].finSeq >= 0 ? 'fin' : 'reused');
        flow = undefined;
      }
    }
    if (flow === undefined) {
      const tomb = this.tombs.get(key);
      if (tomb !== undefined) {
        if (this.clock - tomb.at <= this.idle && (!synOnly || tomb.syn0 === tcp.seq || tomb.syn1 === tcp.seq)) {
          st.late++;
          return;
        }
        this.tombs.delete(key);
      }
      flow = this.open(p, d, key, srcLow, synOnly);
    } else {
      this.touch(flow);
    }
    flow.last = this.clock;

    const side: 0 | 1 = srcLow === flow.aLow ? 0 : 1;
    const dir = flow.dirs[side];
    let seq = tcp.seq;
    if (flags & TCP_SYN) {
      dir.syn(seq); // a conflicting SYN-ACK after data is a stray: its bytes still go by sequence number
      seq = (seq + 1) >>> 0; // RFC 9293 §3.4: the SYN occupies one sequence number; TFO data follows it
    }
    const payloadLen = tcp.end - tcp.payload;
    if (payloadLen > 0 || tcp.missing > 0) {
      if (tcp.missing > 0) {
        st.truncatedSegments++;
        if (!flow.truncWarned) {
          flow.truncWarned = true;
          this.warn(`packet ${p.index}: TCP payload cut by the snaplen (${tcp.missing} of ${payloadLen + tcp.missing} bytes missing) in flow ${flow.id}; reported as a gap`);
        }
      }
      const meta: SegmentMeta = { packet: p.index, sec: p.sec, nsec: p.nsec };
      dir.segment(seq, d.subarray(tcp.payload, tcp.end), tcp.missing, meta);
    }
    if (flags & TCP_FIN && dir.finSeq < 0) {
      dir.fin((seq + payloadLen + tcp.missing) >>> 0);
      flow.handler.ended?.(side, 'fin', { packet: p.index, sec: p.sec, nsec: p.nsec });
    }
    if (flags & TCP_ACK) {
      const peer = flow.dirs[side === 0 ? 1 : 0];
      if (peer.finAckedBy(tcp.ack)) flow.finAcked[side === 0 ? 1 : 0] = true;
    }
    if (flags & TCP_RST) {
      flow.rst = true;
      flow.handler.ended?.(side, 'rst', { packet: p.index, sec: p.sec, nsec: p.nsec });
      this.close(flow, 'rst', p);
    } else if (flow.finAcked[0] && flow.finAcked[1]) {
      // RFC 9293 §3.6: both FINs sent and acknowledged, the connection is over.
      this.close(flow, 'fin', p);
    }
  }

  /** End of capture: every remaining flow is closed with 'eof', in order of flow id. */
  end(): void {
    const rest = [...this.flows.values()].sort((x, y) => x.id - y.id);
    for (const f of rest) this.close(f, 'eof');
    this.tombs.clear();
  }

  /**
   * Whether the source endpoint sorts first: (address, port) compared as numbers, which is the
   * order of their endpointKey strings. Equal endpoints (a connection to itself) count as low.
   */
  private sourceIsLow(d: Uint8Array): boolean {
    const ip = this.ip;
    const n = ip.version === 4 ? 4 : 16;
    for (let i = 0; i < n; i++) {
      const s = d[ip.src + i]!;
      const t = d[ip.dst + i]!;
      if (s !== t) return s < t;
    }
    return this.tcp.srcPort <= this.tcp.dstPort;
  }

  /** The 4-tuple in one string, lower endpoint first; IPv4 in one call, as it runs per packet. */
  private flowKey(d: Uint8Array, srcLow: boolean): string {
    const ip = this.ip;
    const tcp = this.tcp;
    const lo = srcLow ? ip.src : ip.dst;
    const hi = srcLow ? ip.dst : ip.src;
    const loPort = srcLow ? tcp.srcPort : tcp.dstPort;
    const hiPort = srcLow ? tcp.dstPort : tcp.srcPort;
    if (ip.version === 4) {
      return String.fromCharCode(
        (d[lo]! << 8) | d[lo + 1]!, (d[lo + 2]! << 8) | d[lo + 3]!, loPort,
        (d[hi]! << 8) | d[hi + 1]!, (d[hi + 2]! << 8) | d[hi + 3]!, hiPort,
      );
    }
    return endpointKey(d, lo, 6, loPort) + endpointKey(d, hi, 6, hiPort);
  }

  private open(p: CapturedPacket, d: Uint8Array, key: string, srcLow: boolean, synOnly: boolean): Flow {
    if (this.flows.size >= this.maxFlows && this.lruHead) this.close(this.lruHead, 'evicted');
    const ip = this.ip;
    const tcp = this.tcp;
    const str = ip.version === 4 ? ipv4String : ipv6String;
    const info: FlowInfo = {
      id: this.nextId++,
      a: { ip: str(d, ip.src), port: tcp.srcPort },
      b: { ip: str(d, ip.dst), port: tcp.dstPort },
      sawSyn: synOnly,
      firstSec: p.sec,
      firstNsec: p.nsec,
    };
    const handler = this.sink.open(info);
    const flow: Flow = {
      id: info.id, key, aLow: srcLow, handler,
      dirs: [this.direction(handler, 0), this.direction(handler, 1)],
      last: this.clock, rst: false, finAcked: [false, false], truncWarned: false, prev: null, next: null,
    };
    this.flows.set(key, flow);
    this.append(flow);
    const st = this.stats;
    st.flowsOpened++;
    st.activeFlows = this.flows.size;
    if (st.activeFlows > st.maxActiveFlows) st.maxActiveFlows = st.activeFlows;
    return flow;
  }

  private direction(handler: FlowHandler, side: 0 | 1): DirectionReassembler {
    const out: StreamOutput = {
      data: (bytes, meta) => handler.data(side, bytes, meta),
      gap: (length, meta) => handler.gap(side, length, meta),
    };
    return new DirectionReassembler(out, this.maxBuffered, this.stats);
  }

  private close(flow: Flow, reason: CloseReason, p?: CapturedPacket): void {
    if (this.flows.get(flow.key) !== flow) return;
    this.flows.delete(flow.key);
    this.unlink(flow);
    const meta: SegmentMeta = p ? { packet: p.index, sec: p.sec, nsec: p.nsec } : { packet: 0, sec: 0, nsec: 0 };
    try {
      flow.dirs[0].flush(meta);
      flow.dirs[1].flush(meta);
    } finally {
      // Whatever happens in the handler, the buffered copies are released with the flow.
      this.stats.bufferedBytes -= flow.dirs[0].buffered + flow.dirs[1].buffered;
    }
    this.stats.closed[reason]++;
    this.stats.activeFlows = this.flows.size;
    if (reason === 'fin' || reason === 'rst') {
      this.tombs.set(flow.key, { at: this.clock, syn0: flow.dirs[0].synSeq, syn1: flow.dirs[1].synSeq });
    }
    flow.handler.close(reason);
    // A flow that lived through a young-generation GC is in the old generation, and there, once
    // dead, it would keep every young object it points to alive until the next full GC (V8 finds
    // them through its remembered set): its session, what that decoded, and so on, each copied
    // by every scavenge until then. Letting go of them here: 160 MB copied by scavenges over the
    // bench capture before, 31 MB after, and a tenth off the replay's time.
    flow.handler = CLOSED_HANDLER;
    flow.dirs = CLOSED_DIRECTIONS;
  }

  private expireIdle(): void {
    let h = this.lruHead;
    while (h !== null && this.clock - h.last > this.idle) {
      this.close(h, 'idle');
      h = this.lruHead;
    }
  }

  private malformed(p: CapturedPacket, why: string): void {
    this.stats.malformed++;
    if (this.stats.malformed <= MAX_MALFORMED_WARNINGS) {
      this.warn(`packet ${p.index}: ${why}; skipped${this.stats.malformed === MAX_MALFORMED_WARNINGS ? ' (further malformed packets are only counted)' : ''}`);
    }
  }

  private fragment(p: CapturedPacket, d: Uint8Array): void {
    const ip = this.ip;
    const str = ip.version === 4 ? ipv4String : ipv6String;
    const k = `${ip.version}|${endpointKey(d, ip.src, ip.version, 0)}|${endpointKey(d, ip.dst, ip.version, 0)}|${ip.fragId}`;
    if (this.fragKeys.has(k)) return;
    if (this.fragKeys.size >= MAX_FRAGMENT_KEYS) this.fragKeys.clear();
    this.fragKeys.add(k);
    this.warn(
      `packet ${p.index}: IPv${ip.version} fragment (id 0x${ip.fragId.toString(16)}) from ${str(d, ip.src)} to ${str(d, ip.dst)}; ` +
        'IP fragments are not reassembled, the datagram is skipped',
    );
  }

  private append(f: Flow): void {
    f.prev = this.lruTail;
    f.next = null;
    if (this.lruTail) this.lruTail.next = f;
    else this.lruHead = f;
    this.lruTail = f;
  }

  private unlink(f: Flow): void {
    if (f.prev) f.prev.next = f.next;
    else this.lruHead = f.next;
    if (f.next) f.next.prev = f.prev;
    else this.lruTail = f.prev;
    f.prev = f.next = null;
  }

  private touch(f: Flow): void {
    if (this.lruTail === f) return;
    this.unlink(f);
    this.append(f);
  }
}

/**
 * A compact, comparable key for one endpoint: the address as 16-bit code units, then the port.
 * IPv4 keys are 3 units and IPv6 keys 9, so the two families never collide.
 */
function endpointKey(d: Uint8Array, at: number, version: 4 | 6, port: number): string {
  if (version === 4) {
    return String.fromCharCode((d[at]! << 8) | d[at + 1]!, (d[at + 2]! << 8) | d[at + 3]!, port);
  }
  return String.fromCharCode(
    (d[at]! << 8) | d[at + 1]!, (d[at + 2]! << 8) | d[at + 3]!, (d[at + 4]! << 8) | d[at + 5]!, (d[at + 6]! << 8) | d[at + 7]!,
    (d[at + 8]! << 8) | d[at + 9]!, (d[at + 10]! << 8) | d[at + 11]!, (d[at + 12]! << 8) | d[at + 13]!, (d[at + 14]! << 8) | d[at + 15]!,
    port,
  );
}
