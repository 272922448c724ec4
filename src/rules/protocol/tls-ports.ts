// TCP ports where TLS is conventionally the first thing on the wire ("implicit TLS"): plain text
// there is a mistake, not a plain-text service. Data only; not-tls.ts decides what to make of it.
//
// Sources: the IANA Service Name and Transport Protocol Port Number Registry
// (https://www.iana.org/assignments/service-names-port-numbers), service names as registered and
// as Debian's netbase /etc/services (generated from it) lists them; and, where a port is TLS by
// a product's documented default rather than by registration, that product's documentation.
// Ports where TLS begins only after a plain-text exchange (STARTTLS: 21, 25, 110, 143, 389, 587;
// RDP 3389; PostgreSQL 5432) are not listed: plain text there is the normal start.
import { parseEndpoint } from '../../util/endpoint.js';
export const TLS_PORTS: ReadonlyMap<number, string> = new Map([
  // IANA service names.
  [443, 'https'],
  [465, 'submissions (mail submission over TLS, RFC 8314)'],
  [563, 'nntps'],
  [636, 'ldaps'],
  [853, 'domain-s (DNS over TLS, RFC 7858)'],
  [989, 'ftps-data'],
  [990, 'ftps'],
  [992, 'telnets'],
  [993, 'imaps'],
  [995, 'pop3s'],
  [5061, 'SIP over TLS (sips:, RFC 3261 §19.1.2)'],
  [5671, 'amqps'],
  [6514, 'syslog-tls (RFC 5425)'],
  [6697, 'ircs-u (IRC over TLS, RFC 7194)'],
  [8883, 'MQTT over TLS (OASIS MQTT 5.0 §4.2)'],
  // By documented default.
  [2376, 'Docker daemon API over TLS (Docker: "Protect the Docker daemon socket")'],
  [4433, "openssl s_server's default port (openssl-s_server(1), -accept)"],
  [5986, 'WinRM over HTTPS (Microsoft: "Installation and configuration for Windows Remote Management")'],
  [6443, 'Kubernetes API server (kubernetes.io: "Ports and Protocols")'],
  [8443, 'the common alternative HTTPS port (Apache Tomcat\'s HTTPS connector, most appliances)'],
  [10250, 'Kubernetes kubelet API (kubernetes.io: "Ports and Protocols")'],
]);

/** The port of an "ip:port" or "[ipv6]:port" endpoint; undefined when there is none. */
export function portOf(endpoint: string): number | undefined {
  const { port } = parseEndpoint(endpoint);
  return Number.isInteger(port) && endpoint.includes(':') ? port : undefined;
}
