// The reassembled TCP byte streams of a capture, per connection and direction, for tests that
// want real bytes: replaying them through a TlsSession in other chunkings, or cutting messages out.
import { readCapture } from '../../src/capture/reader.js';
import { FlowTable, type FlowInfo } from '../../src/capture/flows.js';

export interface CapturedStream {
  flow: FlowInfo;
  /** Stream bytes per side (0 = a→b, 1 = b→a), in delivery order, with gaps omitted. */
  events: { side: 0 | 1; bytes: Uint8Array }[];
  sides: [Uint8Array, Uint8Array];
}

export async function captureStreams(path: string): Promise<CapturedStream[]> {
  const out: CapturedStream[] = [];
  const flows = new FlowTable({
    open(flow) {
      const s: CapturedStream = { flow, events: [], sides: [new Uint8Array(0), new Uint8Array(0)] };
      const parts: [Uint8Array[], Uint8Array[]] = [[], []];
      out.push(s);
      return {
        data(side, bytes) {
          const copy = new Uint8Array(bytes);
          s.events.push({ side, bytes: copy });
          parts[side].push(copy);
        },
        gap() {},
        close() {
          s.sides = [Buffer.concat(parts[0]), Buffer.concat(parts[1])];
        },
      };
    },
  });
  await readCapture(path, { packet: (p) => flows.packet(p), warning: () => {} });
  flows.end();
  return out;
}
