// Wire strings (SNI, ALPN) are bytes; malformed UTF-8 becomes U+FFFD, as Wireshark shows it.
const utf8 = new TextDecoder('utf-8');

export function wireString(bytes: Uint8Array): string {
  // ASCII fast path: hostnames and protocol ids almost always are.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return utf8.decode(bytes);
  // apply, not a spread (no iterator); long names (SNI may be 64 KB) natively, as latin1 = ASCII here.
  if (bytes.length <= 256) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
