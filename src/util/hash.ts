// The 32-bit hash tlspeek files shared things under (code-point and extension lists, decoded
// certificates): listHashStep per value, then listHashEnd with the count. Not cryptographic:
// every lookup confirms a hit by comparing the values themselves.

export function listHashStep(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x9e3779b1) >>> 0;
}

export function listHashEnd(hash: number, length: number): number {
  return Math.imul(hash ^ length, 0x85ebca6b) >>> 0;
}
