// Hand-built TLS bytes for unit tests: big-endian integers, length-prefixed vectors,
// records and handshake messages exactly as RFC 5246 §4 and §6.2 lay them out.

export function u8(n: number): number[] {
  return [n & 0xff];
}
export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
export function u24(n: number): number[] {
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
export function vec8(body: number[]): number[] {
  return [...u8(body.length), ...body];
}
export function vec16(body: number[]): number[] {
  return [...u16(body.length), ...body];
}
export function vec24(body: number[]): number[] {
  return [...u24(body.length), ...body];
}
export function ascii(s: string): number[] {
  return [...Buffer.from(s, 'latin1')];
}
export function u16list(codes: number[]): number[] {
  return codes.flatMap(u16);
}
export function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...vec16(body)];
}
export function handshake(type: number, body: number[]): number[] {
  return [type, ...u24(body.length), ...body];
}
export function record(type: number, body: number[], version = 0x0303): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}
/** Splits a handshake byte string into records of at most `size` bytes each. */
export function records(type: number, body: number[], size: number, version = 0x0303): number[] {
  const out: number[] = [];
  for (let i = 0; i < body.length; i += size) out.push(...record(type, body.slice(i, i + size), version));
  return out;
}
export const random32 = (seed: number): number[] => Array.from({ length: 32 }, (_, i) => (seed + i * 7) & 0xff);

export interface ClientHelloSpec {
  version?: number;
  suites?: number[];
  extensions?: number[];
  sessionId?: number[];
  compression?: number[];
}

export function clientHelloBody(spec: ClientHelloSpec = {}): number[] {
  const body = [
    ...u16(spec.version ?? 0x0303),
    ...random32(1),
    ...vec8(spec.sessionId ?? []),
    ...vec16(u16list(spec.suites ?? [0xc02f, 0x009c])),
    ...vec8(spec.compression ?? [0]),
  ];
  if (spec.extensions) body.push(...vec16(spec.extensions));
  return body;
}

export interface ServerHelloSpec {
  version?: number;
  suite?: number;
  extensions?: number[];
  random?: number[];
}

export function serverHelloBody(spec: ServerHelloSpec = {}): number[] {
  const body = [...u16(spec.version ?? 0x0303), ...(spec.random ?? random32(2)), ...vec8([]), ...u16(spec.suite ?? 0xc02f), 0];
  if (spec.extensions) body.push(...vec16(spec.extensions));
  return body;
}

export const HRR_RANDOM = [...Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')];
