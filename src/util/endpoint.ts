// An endpoint of a connection: address and port. Kept structured while a connection is decoded
// (capture flows, proxied sockets, the session); formatted once, as the Connection model (= the
// JSON) writes it: "192.0.2.1:443", IPv6 in brackets, "[2001:db8::1]:443" (RFC 3986 §3.2.2 style).
export interface Endpoint {
  /** "192.0.2.1" or "2001:db8::1" (RFC 5952); the proxy's command line may give a host name. */
  ip: string;
  port: number;
}

export function formatEndpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The model's text back as address and port (for what reads a Connection: filters, rules). */
export function parseEndpoint(text: string): Endpoint {
  const at = text.lastIndexOf(':');
  return { ip: text.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(text.slice(at + 1)) };
}
