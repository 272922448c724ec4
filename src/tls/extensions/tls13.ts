// TLS 1.3 key agreement and resumption extensions (RFC 8446 §4.2).
import { codePoint } from '../registry/registry.js';
import { SUPPORTED_GROUPS } from '../registry/groups.js';
import type { KeyShareEntry } from '../model.js';
import type { ByteReader } from '../../bytes/reader.js';
import type { ExtensionDecoder } from './types.js';

function keyShareEntry(r: ByteReader): KeyShareEntry {
  const group = codePoint(SUPPORTED_GROUPS, r.u16('group'));
  const keyLength = r.vec16('key_exchange').remaining;
  return { group, keyLength };
}

/** §4.2.8: client_shares in ClientHello, one server_share in ServerHello, selected_group in HelloRetryRequest. */
export const keyShare: ExtensionDecoder = (r, kind, out) => {
  if (kind === 'client_hello') {
    const list = r.vec16('client_shares');
    const shares: KeyShareEntry[] = [];
    while (!list.done) shares.push(keyShareEntry(list));
    out.keyShares = shares;
  } else if (kind === 'hello_retry_request') {
    out.selectedGroup = codePoint(SUPPORTED_GROUPS, r.u16('selected_group'));
  } else {
    out.keyShare = keyShareEntry(r);
  }
};

/** §4.2.11: identities and binders in ClientHello; selected_identity in ServerHello. */
export const preSharedKey: ExtensionDecoder = (r, kind, out) => {
  if (kind !== 'client_hello') {
    out.selectedIdentity = r.u16('selected_identity');
    return;
  }
  const identities = r.vec16('identities');
  let count = 0;
  while (!identities.done) {
    identities.vec16('identity');
    identities.u32('obfuscated_ticket_age');
    count++;
  }
  const binders = r.vec16('binders');
  while (!binders.done) binders.vec8('PskBinderEntry');
  out.preSharedKey = { identities: count };
};

/** §4.2.2: opaque cookie<1..2^16-1>. */
export const cookie: ExtensionDecoder = (r, _kind, out) => {
  out.cookie = { length: r.vec16('cookie').remaining };
};

/** §4.2.10: empty in ClientHello (max_early_data_size only appears in NewSessionTicket). */
export const earlyData: ExtensionDecoder = (_r, _kind, out) => {
  out.earlyData = true;
};

/** §4.2.6: empty. */
export const postHandshakeAuth: ExtensionDecoder = (_r, _kind, out) => {
  out.postHandshakeAuth = true;
};
