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
  return ascii ? String.fromCharCode(...bytes) : utf8.decode(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
