// The pcap of a connection kept in memory, for the live page's download (`--ui`): the same
// synthetic frames as --write-pcap (pcap-writer.ts draws them), per connection, bounded. A
// handshake is a few KiB; what comes after the bound (application data, mostly) is cut, and the
// cut is visible in the file as a gap in the TCP sequence numbers (Wireshark: "previous segment
// not captured"). The FIN or RST that ends the connection is always kept.
import type { Side } from '../tls/session.js';
import type { HostPort } from './address.js';
import { frameHeader, pcapHeader, PcapFlow, type PacketSink } from './pcap-writer.js';

interface Frame {
  atMs: number;
  bytes: Buffer;
}

/** One connection's frames. */
export class PcapRecording implements PacketSink {
  private readonly frames: Frame[] = [];
  private ipId = 1;
  /** Bytes kept (record headers, packet headers and payloads). */
  size = 0;
  /** Payload bytes not kept because of the bound. */
  cutBytes = 0;

  constructor(private readonly maxBytes: number) {}

  packet(f: PcapFlow, from: Side, flags: number, seq: number, ack: number, payload: Uint8Array | undefined, atMs: number): void {
    const len = payload?.length ?? 0;
    // Segments with data past the bound are dropped; control segments (SYN, FIN, RST) never are.
    if (len > 0 && this.size + len > this.maxBytes) {
      this.cutBytes += len;
      return;
    }
    const hdr = frameHeader(f, from, flags, seq, ack, payload, atMs, this.ipId);
    if (!f.v6) this.ipId = (this.ipId + 1) & 0xffff;
    // The relay's chunk is not ours to keep: copied, once, with its header.
    const bytes = len > 0 ? Buffer.concat([hdr, payload!], hdr.length + len) : hdr;
    this.frames.push({ atMs, bytes });
    this.size += bytes.length;
  }

  /** @internal for pcapOf(). */
  get frameList(): readonly Frame[] {
    return this.frames;
  }
}

/** Makes a PcapRecording per connection as the listener opens its flow; the app takes it by id. */
export class PcapRecorder {
  private readonly open = new Map<number, PcapRecording>();

  constructor(readonly maxBytesPerConnection: number) {}

  flow(client: HostPort, server: HostPort, id: number): PcapFlow {
    const rec = new PcapRecording(this.maxBytesPerConnection);
    this.open.set(id, rec);
    return new PcapFlow(rec, client, server, id);
  }

  /** The recording of a connection (while it is open, or until taken). */
  get(id: number): PcapRecording | undefined {
    return this.open.get(id);
  }

  /** Hands the recording over (at close); the recorder forgets it. */
  take(id: number): PcapRecording | undefined {
    const rec = this.open.get(id);
    this.open.delete(id);
    return rec;
  }
}

/** A pcap file of the given connections, their frames merged in time order as a capture has them. */
export function pcapOf(recordings: readonly PcapRecording[]): Buffer {
  const frames = recordings.flatMap((r) => r.frameList);
  // Stable: frames of one connection at the same millisecond keep their order.
  frames.sort((a, b) => a.atMs - b.atMs);
  return Buffer.concat([pcapHeader(), ...frames.map((f) => f.bytes)]);
}
