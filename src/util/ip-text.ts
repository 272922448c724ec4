// Text forms of IP addresses, shared by the capture layer (endpoints) and X.509 (IP SANs).

/** Dotted quad. */
export function ipv4String(d: Uint8Array, at: number): string {
  return `${d[at]}.${d[at + 1]}.${d[at + 2]}.${d[at + 3]}`;
}

/** RFC 5952 text form: lower case, no leading zeros, the longest run (>= 2) of zero groups as "::" (the first on a tie). */
export function ipv6String(d: Uint8Array, at: number): string {
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (d[at + 2 * i]! << 8) | d[at + 2 * i + 1]!;
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${ipv4String(d, at + 12)}`;
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number): string => g.slice(a, b).map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}
