// Exact conversion of a pcapng 64-bit timestamp (two u32 words, in units of 1/unitsPerSec s)
// to seconds + nanoseconds without BigInt: ns-resolution counts since 1970 exceed 2^53, so the
// division is done in 16-bit limbs (remainder < 2^30, limb < 2^16: every step stays exact).

/** Largest unit count per second the limb division handles exactly; finer ones go through BigInt (rare). */
const MAX_LIMB_DIVISOR = 2 ** 30;

export interface TsResolution {
  /** Units per second: 10^n or 2^n (pcapng §4.2 if_tsresol). */
  unitsPerSec: number;
  /** The n of 10^n or 2^n. */
  exp: number;
  base2: boolean;
}

export const DEFAULT_TSRESOL: TsResolution = { unitsPerSec: 1e6, exp: 6, base2: false };

/** Decodes the if_tsresol byte: MSB 0 = 10^-n, MSB 1 = 2^-n (draft-ietf-opsawg-pcapng §4.2). */
export function tsResolution(byte: number): TsResolution {
  const base2 = (byte & 0x80) !== 0;
  const exp = byte & 0x7f;
  return { unitsPerSec: base2 ? 2 ** exp : 10 ** exp, exp, base2 };
}

/** Writes seconds and nanoseconds of high:low into out[0], out[1]. */
export function splitTimestamp(high: number, low: number, res: TsResolution, out: [number, number]): void {
  const d = res.unitsPerSec;
  if (d === 1e6) {
    // The common case: µs. high*2^32+low < 2^64; split through the limbs below only if needed.
    if (high < 0x200000) {
      const v = high * 4294967296 + low; // < 2^53: exact
      const sec = Math.floor(v / 1e6);
      out[0] = sec;
      out[1] = (v - sec * 1e6) * 1000;
      return;
    }
  }
  if (d > MAX_LIMB_DIVISOR || d < 1) {
    const v = (BigInt(high) << 32n) | BigInt(low);
    const bd = BigInt(res.base2 ? 2 ** res.exp : 10 ** res.exp);
    const sec = v / bd;
    const rem = v - sec * bd;
    out[0] = Number(sec);
    out[1] = Number((rem * 1000000000n) / bd);
    return;
  }
  // Long division of the four 16-bit limbs of high:low by d (no array: this runs per packet).
  let cur = high >>> 16;
  let qi = Math.floor(cur / d);
  let r = cur - qi * d;
  let q = qi;
  cur = r * 65536 + (high & 0xffff);
  qi = Math.floor(cur / d);
  r = cur - qi * d;
  q = q * 65536 + qi;
  cur = r * 65536 + (low >>> 16);
  qi = Math.floor(cur / d);
  r = cur - qi * d;
  q = q * 65536 + qi;
  cur = r * 65536 + (low & 0xffff);
  qi = Math.floor(cur / d);
  r = cur - qi * d;
  q = q * 65536 + qi;
  out[0] = q;
  out[1] = remainderToNs(r, res);
}

/** floor(r * 1e9 / unitsPerSec) exactly, with r < unitsPerSec <= 2^30. */
function remainderToNs(r: number, res: TsResolution): number {
  if (!res.base2) {
    return res.exp <= 9 ? r * 10 ** (9 - res.exp) : Math.floor(r / 10 ** (res.exp - 9));
  }
  // 1e9 = 5^9 * 2^9 and r * 5^9 < 2^30 * 2^21 = 2^51: exact.
  const m = r * 1953125;
  return res.exp >= 9 ? Math.floor(m / 2 ** (res.exp - 9)) : m * 2 ** (9 - res.exp);
}
