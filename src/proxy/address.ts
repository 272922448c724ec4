// `[HOST:]PORT` and `HOST:PORT` as the proxy's command line takes them, IPv6 in brackets
// (RFC 3986 §3.2.2 style: `[::1]:8443`), and what counts as loopback.
import { isIP } from 'node:net';
import { formatEndpoint } from '../util/endpoint.js';

export interface HostPort {
  host: string;
  port: number;
}

export class AddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}

function parsePort(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new AddressError(`${what}: port must be a number 0-65535, got '${text}'`);
  const port = Number(text);
  if (port > 65535) throw new AddressError(`${what}: port must be a number 0-65535, got '${text}'`);
  return port;
}

/**
 * Parses `PORT`, `HOST:PORT`, `[V6]:PORT` (and a bare `V6` address is refused: it cannot be
 * told from a port). `defaultHost` applies when only a port is given; without one a host is required.
 */
export function parseHostPort(text: string, what: string, defaultHost?: string): HostPort {
  const s = text.trim();
  if (s === '') throw new AddressError(`${what}: empty address`);
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') throw new AddressError(`${what}: want [IPV6]:PORT, got '${text}'`);
    const host = s.slice(1, close);
    if (isIP(host) !== 6) throw new AddressError(`${what}: '${host}' is not an IPv6 address`);
    return { host, port: parsePort(s.slice(close + 2), what) };
  }
  const colon = s.lastIndexOf(':');
  if (colon < 0) {
    if (defaultHost === undefined) throw new AddressError(`${what}: want HOST:PORT, got '${text}'`);
    return { host: defaultHost, port: parsePort(s, what) };
  }
  if (s.indexOf(':') !== colon) throw new AddressError(`${what}: write IPv6 addresses in brackets, e.g. [::1]:8443 (got '${text}')`);
  const host = s.slice(0, colon);
  if (host === '') throw new AddressError(`${what}: empty host in '${text}'`);
  return { host, port: parsePort(s.slice(colon + 1), what) };
}

/** "ip:port", IPv6 in brackets: the form the Connection model uses. */
export function formatHostPort(host: string, port: number): string {
  return formatEndpoint(host, port);
}

/** 127.0.0.0/8, ::1, IPv4-mapped loopback, and the name localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
