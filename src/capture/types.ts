// Shared shapes of the capture layer. reader.ts re-exports them; they live here so that the
// format readers can use them without importing reader.ts (which imports them).

/**
 * One packet as a reader hands it to PacketSink.packet(). The readers reuse one object for every
 * packet, and `data` is a view of their read buffer: a sink copies what it keeps during its call.
 */
export interface CapturedPacket {
  /** 1-based frame number, counted as tshark counts (every packet record, IP or not). */
  index: number;
  sec: number;
  nsec: number;
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html). */
  linkType: number;
  caplen: number;
  origLen: number;
  /** A subarray of the read buffer: valid only during the sink.packet() call unless copied. */
  data: Uint8Array;
}

export interface PacketSink {
  packet(p: CapturedPacket): void;
  warning(message: string): void;
  /**
   * A TLS key log found in the capture (a pcapng Decryption Secrets Block of secrets type "TLSK",
   * capture/dsb.ts), in file order — editcap puts DSBs before the packets. `source` names it for
   * key-log warnings ("x.pcapng DSB at offset 96"). Optional: without it, DSBs are skipped.
   */
  secrets?(keyLogText: string, source: string): void;
}

export interface CaptureSummary {
  format: 'pcap' | 'pcap-ns' | 'pcapng';
  /** Frames as tshark numbers them (the last CapturedPacket.index, or more when trailing pcapng Custom Blocks were counted, as tshark does). */
  packets: number;
  /** Bytes of the file consumed (equals the file size unless reading stopped early). */
  bytes: number;
  /** Distinct link types seen, in order of first appearance. */
  linkTypes: number[];
  warnings: number;
}

/** The capture file as a whole cannot be read: missing, not a capture, unreadable header. */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}

/** What reader.ts hands a format reader: the sink plus bookkeeping hooks. */
export interface FormatContext {
  /** The input as messages name it ("captures/x.pcap", "standard input"). */
  path: string;
  /** Size of a regular file; Infinity for a pipe, whose end is known only when it comes. */
  fileSize: number;
  highWaterMark: number;
  sink: PacketSink;
  /**
   * Calls `chunk` with each piece of the input, in order, from its first byte, until the end or
   * until it returns false; resolves with the bytes read. A chunk may be a view of a buffer that
   * is read into again once the call returns: the callee copies what it keeps.
   */
  read(chunk: (bytes: Buffer) => boolean): Promise<number>;
  /** Called for each chunk read from the file with the running byte count. */
  onBytes(bytesRead: number): void;
  /** Called once per IDB / global header with its link type. */
  onLinkType(linkType: number): void;
  /** After each chunk: a promise means "stop reading until it resolves" (the consumer's output is full). */
  backpressure(): Promise<void> | undefined;
}

/** What a format reader resolves with. */
export interface FormatResult {
  packets: number;
  bytes: number;
}
