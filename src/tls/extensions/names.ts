// Extensions that carry names: host names, protocol ids, distinguished names.
import { decodeDistinguishedName } from '../../x509/dn.js';
import { wireString } from '../text.js';
import type { ExtensionDecoder } from './types.js';

/**
 * RFC 6066 §3: ServerNameList. The ServerHello echoes an empty extension.
 * We report the first host_name (type 0), the only type ever defined.
 */
export const serverName: ExtensionDecoder = (r, kind, out) => {
  if (kind !== 'client_hello' && r.done) return;
  const list = r.vec16('server_name_list');
  while (!list.done) {
    const type = list.u8('name_type');
    const name = list.vec16('host_name').rest();
    if (type === 0 && out.serverName === undefined) out.serverName = wireString(name);
  }
};

/** RFC 7301 §3.1: ProtocolNameList protocol_name_list<2..2^16-1>, each ProtocolName<1..2^8-1>. */
export const alpn: ExtensionDecoder = (r, _kind, out) => {
  const list = r.vec16('protocol_name_list');
  const names: string[] = [];
  while (!list.done) {
    const name = list.vec8('protocol_name');
    if (name.remaining === 0) name.fail('empty ProtocolName');
    names.push(wireString(name.rest()));
  }
  out.alpn = names;
};

/** RFC 8446 §4.2.4: DistinguishedName authorities<3..2^16-1>. */
export const certificateAuthorities: ExtensionDecoder = (r, _kind, out) => {
  const list = r.vec16('authorities');
  const names: string[] = [];
  while (!list.done) {
    const dn = list.vec16('DistinguishedName');
    names.push(decodeDistinguishedName(dn.rest()));
  }
  out.certificateAuthorities = names;
};
