// What the live page shows: the last `keep` connections, each in its latest state (as reported
// when its handshake was decided, then as it closed), and a sequence number per change so that
// a page that reconnects asks for exactly what it missed (Server-Sent Events' Last-Event-ID).
//
// Bounded: `keep` connections (--ui-keep), each with its pcap recording (itself bounded per
// connection, limits.ts UI_PCAP_BYTES). Past `keep` the connection first reported goes first.
// The store is no memo (FifoMap's sharing rule does not apply): it owns its entries and
// changes them in place.
import { randomBytes } from 'node:crypto';
import type { Connection } from '../tls/model.js';
import type { PcapRecording } from '../proxy/pcap-memory.js';
import { liveRow } from '../report/live.js';
import { FifoMap } from '../util/fifo-map.js';

export interface LiveEntry {
  readonly id: number;
  /** The change this state is. */
  seq: number;
  connection: Connection;
  closed: boolean;
  /** The list row as the page shows it, rendered once per change. */
  row: string;
  pcap: PcapRecording | undefined;
}

export class LiveStore {
  private readonly entries: FifoMap<number, LiveEntry>;
  private readonly listeners = new Set<(e: LiveEntry) => void>();
  private seq = 0;
  /** Connections no longer kept. */
  dropped = 0;
  /** Tells one proxy run from the next: a page from an earlier run must reload, not resume. */
  readonly run = randomBytes(6).toString('hex');

  constructor(readonly keep: number) {
    this.entries = new FifoMap(keep);
  }

  /** The last change so far. */
  get lastSeq(): number {
    return this.seq;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A connection reported or closed: its new state, shown to every page. */
  put(c: Connection, closed: boolean, pcap?: PcapRecording): LiveEntry {
    let e = this.entries.get(c.id);
    if (e) {
      e.seq = ++this.seq;
      e.connection = c;
      e.closed = closed;
      e.row = liveRow(c);
      if (pcap) e.pcap = pcap;
    } else {
      e = { id: c.id, seq: ++this.seq, connection: c, closed, row: liveRow(c), pcap };
      // At the bound the connection first put goes.
      if (this.entries.size === this.keep) this.dropped++;
      this.entries.set(c.id, e);
    }
    for (const l of this.listeners) l(e);
    return e;
  }

  get(id: number): LiveEntry | undefined {
    return this.entries.get(id);
  }

  /** Changes after `seq`, in order. */
  since(seq: number): LiveEntry[] {
    const out: LiveEntry[] = [];
    for (const e of this.entries.allValues()) if (e.seq > seq) out.push(e);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Every connection kept, newest first (by connection number: the order clients connected). */
  newestFirst(): LiveEntry[] {
    return [...this.entries.allValues()].sort((a, b) => b.id - a.id);
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (e: LiveEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
