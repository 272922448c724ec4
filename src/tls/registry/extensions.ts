// IANA TLS ExtensionType Values registry, plus the non-IANA extensions common in captures.
// Source: https://www.iana.org/assignments/tls-extensiontype-values/tls-extensiontype-values.xhtml#tls-extensiontype-values-1
//   (RFC 8446 §4.2, RFC 6066, RFC 8422, RFC 7301, RFC 6962, RFC 7627, RFC 8879, RFC 8449, RFC 5746,
//   RFC 9146, RFC 9001, RFC 9149, RFC 9345, RFC 9849 (ECH), RFC 8447). Taken 2026-11-26, offline: IANA
//   entries from the registry text, checked against Wireshark 4.0.17 (`tshark -G values`,
//   tls.handshake.extension.type).
// Names are IANA's except: 40 and 46, which IANA lists as "Reserved", carry the draft names they had
//   (key_share before TLS 1.3 draft 23, ticket_early_data_info); and the entries marked "not IANA".
// GREASE (RFC 8701) is handled by the registry lookup.

import type { Registry } from './registry.js';

const EXTENSIONS = {
  0: 'server_name',
  1: 'max_fragment_length',
  2: 'client_certificate_url',
  3: 'trusted_ca_keys',
  4: 'truncated_hmac',
  5: 'status_request',
  6: 'user_mapping',
  7: 'client_authz',
  8: 'server_authz',
  9: 'cert_type',
  10: 'supported_groups',
  11: 'ec_point_formats',
  12: 'srp',
  13: 'signature_algorithms',
  14: 'use_srtp',
  15: 'heartbeat',
  16: 'application_layer_protocol_negotiation',
  17: 'status_request_v2',
  18: 'signed_certificate_timestamp',
  19: 'client_certificate_type',
  20: 'server_certificate_type',
  21: 'padding',
  22: 'encrypt_then_mac',
  23: 'extended_master_secret',
  24: 'token_binding',
  25: 'cached_info',
  26: 'tls_lts',
  27: 'compress_certificate',
  28: 'record_size_limit',
  29: 'pwd_protect',
  30: 'pwd_clear',
  31: 'password_salt',
  32: 'ticket_pinning',
  33: 'tls_cert_with_extern_psk',
  34: 'delegated_credential',
  35: 'session_ticket',
  36: 'TLMSP',
  37: 'TLMSP_proxying',
  38: 'TLMSP_delegate',
  39: 'supported_ekt_ciphers',
  40: 'key_share_old', // IANA: Reserved (key_share in TLS 1.3 drafts before 23)
  41: 'pre_shared_key',
  42: 'early_data',
  43: 'supported_versions',
  44: 'cookie',
  45: 'psk_key_exchange_modes',
  46: 'ticket_early_data_info', // IANA: Reserved (TLS 1.3 drafts)
  47: 'certificate_authorities',
  48: 'oid_filters',
  49: 'post_handshake_auth',
  50: 'signature_algorithms_cert',
  51: 'key_share',
  52: 'transparency_info',
  53: 'connection_id_deprecated',
  54: 'connection_id',
  55: 'external_id_hash',
  56: 'external_session_id',
  57: 'quic_transport_parameters',
  58: 'ticket_request',
  59: 'dnssec_chain',
  60: 'sequence_number_encryption_algorithms',
  61: 'rrc',
  62: 'tls_flags',
  13172: 'next_protocol_negotiation', // 0x3374, not IANA (NPN)
  17513: 'application_settings', // 0x4469, not IANA (ALPS, BoringSSL's application_settings_old)
  17613: 'application_settings_new', // 0x44cd, not IANA (ALPS new code point, BoringSSL's application_settings)
  30031: 'channel_id_old', // 0x754f, not IANA
  30032: 'channel_id', // 0x7550, not IANA
  0xfd00: 'ech_outer_extensions',
  0xfe0d: 'encrypted_client_hello',
  0xff01: 'renegotiation_info',
  0xffa5: 'quic_transport_parameters_draft', // not IANA (QUIC drafts)
  0xffce: 'encrypted_server_name', // not IANA (ESNI drafts)
} as const;

export const EXTENSION_TYPES: Registry = { title: 'extension type', names: EXTENSIONS, grease: 'u16', width: 4 };
