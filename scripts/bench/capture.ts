// The bench capture: recorded once into the scratch folder by generate.ts, reused while its
// manifest says it is complete.
import { decodeAs, ensureCapture, type Manifest } from './generate.js';
import type { BenchOptions } from './options.js';
import { REPO } from './options.js';

/** Records the capture into `dir`, or reuses the one there (--regen records it again). */
export function benchCapture(dir: string, o: BenchOptions): Promise<Manifest> {
  return ensureCapture({
    dir,
    connections: o.connections,
    concurrency: o.concurrency,
    regen: o.regen,
    limitSeconds: 170,
    repo: REPO,
  });
}

/** tshark's `-d tcp.port==P,tls` for every server port of the capture (see generate.ts). */
export function tsharkDecodeAs(m: Manifest): string[] {
  return decodeAs(m.configs.map((c) => c.port));
}
