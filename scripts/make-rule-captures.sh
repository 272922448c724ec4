#!/usr/bin/env bash
# make-rule-captures.sh [NAME...] — record the extra real captures the rule tests need
# (captures/rules-*.pcap), beyond what scripts/make-captures.sh makes.
#
# Same recipe as make-captures.sh: a fresh test PKI from scripts/make-pki.sh (plus a few extra
# certificates made here with the same CA: an expired server certificate, a self-signed one),
# servers on free loopback ports, tcpdump on lo, one connection per capture. Servers and clients
# are real: openssl s_server/s_client, gnutls-serv/gnutls-cli, nmap.
#
# Some rules are about protocol violations no maintained TLS stack commits (a server choosing a
# cipher suite the client never offered, …). For those ("tampered" in the manifest) a small relay
# (tamper-proxy.mjs, written to the work dir from this script) sits between a real s_client and a real
# s_server and rewrites ONE field of ONE handshake message in flight, keeping its length; tcpdump
# records the client↔relay leg. The rewritten field is therefore synthetic; everything else —
# including how the real client or server reacts to it — is recorded from the real software.
#
# Writes captures/rules-manifest.json (name → how it was made, what it shows, which rules it must
# raise) and the "Rule captures" section of captures/RULES.md. Needs root (tcpdump on lo), openssl,
# gnutls-serv, gnutls-cli, nmap, tcpdump, tshark, node, ss.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CAP="$ROOT/captures"
mkdir -p "$CAP"

for tool in openssl gnutls-serv gnutls-cli nmap tcpdump tshark node ss; do
  command -v "$tool" >/dev/null || { echo "make-rule-captures: missing tool: $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-rule-captures: must run as root (tcpdump on lo)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tlspeek-rule-captures.XXXXXX)
chmod 755 "$WORK"
PKI="$WORK/pki"
PIDS=()
LOG="$WORK/made.tsv"   # name \t key \t value
: >"$LOG"

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "make-rule-captures: work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "make-rule-captures: FAIL: $*" >&2; exit 1; }
log() { echo "make-rule-captures: $*" >&2; }
note() { # name key value — recorded into the manifest (paths and ports replaced by placeholders)
  local v=$3
  v=${v//$PKI/\$PKI}; v=${v//$WORK/\$WORK}
  [ -n "${PORT:-}" ] && v=${v//$PORT/\$PORT}
  [ -n "${PPORT:-}" ] && v=${v//$PPORT/\$PROXYPORT}
  printf '%s\t%s\t%s\n' "$1" "$2" "$v" >>"$LOG"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_listen() { local i; for i in $(seq 1 100); do [ -n "$(ss -Hltn "sport = :$1")" ] && return 0; sleep 0.1; done; return 1; }

start_tcpdump() { # file port
  local errf="$WORK/tcpdump.$(basename "$1").err"
  rm -f "$1"
  timeout -s INT 60 tcpdump -i lo -s 0 -U --immediate-mode -n -w "$1" "tcp port $2" 2>"$errf" &
  TCPDUMP_PID=$!; PIDS+=("$TCPDUMP_PID")
  local i
  for i in $(seq 1 100); do
    grep -q "listening on" "$errf" 2>/dev/null && { sleep 0.3; return 0; }
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$errf" >&2; die "tcpdump did not start"; }
    sleep 0.1
  done
  die "tcpdump not ready"
}
stop_tcpdump() { sleep 0.5; kill -INT "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
stop_server() { local i; for i in $(seq 1 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done; kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

REQ='GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'

start_sserver() { # name args...
  local name=$1; shift
  local args=(s_server -accept "127.0.0.1:$PORT" -naccept "${NACCEPT:-1}" -www "$@")
  note "$name" server "openssl ${args[*]}"
  (cd "$WORK" && exec timeout 40 openssl "${args[@]}" </dev/null >"$WORK/$name.server.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_listen "$PORT" || { cat "$WORK/$name.server.log" >&2; die "$name: s_server did not listen"; }
}
run_sclient() { # name port args...
  local name=$1 port=$2; shift 2
  local args=(s_client -connect "127.0.0.1:$port" "$@" -ign_eof)
  note "$name" client "printf '$REQ' | openssl ${args[*]}"
  printf "$REQ" | (cd "$WORK" && timeout 15 openssl "${args[@]}") >"$WORK/$name.client.log" 2>&1 || true
}
start_tamper() { # name rewrite — relay on PPORT → PORT
  local name=$1 what=$2
  note "$name" relay "node tamper-proxy.mjs \$PROXYPORT \$PORT $what"
  timeout 40 node "$WORK/tamper-proxy.mjs" "$PPORT" "$PORT" "$what" 2>"$WORK/$name.relay.log" &
  RELAY_PID=$!; PIDS+=("$RELAY_PID")
  wait_listen "$PPORT" || { cat "$WORK/$name.relay.log" >&2; die "$name: relay did not listen"; }
}

# sserver_capture NAME "SERVER ARGS" "CLIENT ARGS" — direct s_client → s_server
sserver_capture() {
  local name=$1 sargs=$2 cargs=$3
  PORT=$(free_port)
  # shellcheck disable=SC2086
  start_sserver "$name" $sargs
  start_tcpdump "$CAP/$name.pcap" "$PORT"; local t=$TCPDUMP_PID
  # shellcheck disable=SC2086
  run_sclient "$name" "$PORT" $cargs
  stop_tcpdump "$t"; stop_server "$SERVER_PID"; PORT=
}

# tamper_capture NAME REWRITE "SERVER ARGS" "CLIENT ARGS" — s_client → relay (rewrites) → s_server.
tamper_capture() {
  local name=$1 what=$2 sargs=$3 cargs=$4
  PORT=$(free_port); PPORT=$(free_port)
  # shellcheck disable=SC2086
  start_sserver "$name" $sargs
  start_tamper "$name" "$what"
  # Record the leg that carries the rewritten message: client↔relay for server messages,
  # relay↔server for the client's (so the capture shows what the server received).
  local leg=$PPORT
  case $what in cv-*) leg=$PORT ;; esac
  start_tcpdump "$CAP/$name.pcap" "$leg"; local t=$TCPDUMP_PID
  # shellcheck disable=SC2086
  run_sclient "$name" "$PPORT" $cargs
  stop_tcpdump "$t"; stop_server "$SERVER_PID"; stop_server "$RELAY_PID"
  grep -q "rewrote" "$WORK/$name.relay.log" || { cat "$WORK/$name.relay.log" >&2; die "$name: the relay rewrote nothing"; }
  note "$name" tampered "$(grep rewrote "$WORK/$name.relay.log" | head -1 | sed 's/^tamper-proxy: //')"
  PORT=; PPORT=
}

expect_some() { # name filter
  local n; n=$(tshark -r "$CAP/$1.pcap" -Y "$2" 2>/dev/null | wc -l)
  [ "$n" -gt 0 ] || die "$1: no packet matches '$2'"
}

CA="-CAfile $PKI/ca-chain.pem"
S_RSA="-cert $PKI/server-rsa.crt -key $PKI/server-rsa.key -cert_chain $PKI/server-chain.pem"
C_RSA="-cert $PKI/client-rsa.crt -key $PKI/client-rsa.key"
SNI="-servername localhost"

# ---------------------------------------------------------------- captures
ALL=(
  rules-server-expired rules-self-signed rules-chain-order rules-weak-cipher
  rules-no-ems rules-no-reneg rules-optional-no-cert rules-client-distrusts-server rules-tls13-pha
  rules-cipher-not-offered rules-key-cipher-mismatch rules-version-not-offered rules-extension-not-offered
  rules-server-sigalg-not-offered rules-client-sigalg-not-offered rules-cert-type-not-requested rules-compression
  rules-client-aborted rules-sslv2-hello
)

cap_rules-server-expired() {
  local n=rules-server-expired
  note $n what "s_server with a server certificate valid 2020-01-01..2021-01-01 (issued by the test intermediate); s_client does not abort on verification errors, so the handshake completes"
  note $n raises "server-cert-expired"
  sserver_capture $n "-cert $PKI/server-expired.crt -key $PKI/server-expired.key -cert_chain $PKI/server-chain.pem -tls1_2" "$SNI $CA -tls1_2"
  expect_some $n 'tls.handshake.type==11'
}
cap_rules-self-signed() {
  local n=rules-self-signed
  note $n what "s_server with a self-signed RSA 2048 server certificate (CN=localhost, SAN DNS:localhost), made with openssl req -x509"
  note $n raises "server-cert-self-signed"
  sserver_capture $n "-cert $PKI/server-self.crt -key $PKI/server-self.key -tls1_2" "$SNI $CA -tls1_2"
}
cap_rules-chain-order() {
  local n=rules-chain-order
  note $n what "s_server sending leaf, root, intermediate (chain file in the wrong order)"
  note $n raises "server-chain-order"
  cat "$PKI/root-ca.crt" "$PKI/intermediate-ca.crt" >"$PKI/chain-wrong-order.pem"
  sserver_capture $n "-cert $PKI/server-rsa.crt -key $PKI/server-rsa.key -cert_chain $PKI/chain-wrong-order.pem -tls1_2" "$SNI $CA -tls1_2"
  expect_some $n 'tls.handshake.type==11'
}
cap_rules-weak-cipher() {
  local n=rules-weak-cipher
  note $n what "both sides allow only ECDHE-RSA-NULL-SHA (no encryption) at security level 0 (this OpenSSL has no 3DES/RC4 in its default provider)"
  note $n raises "weak-cipher"
  sserver_capture $n "$S_RSA -tls1_2 -cipher ECDHE-RSA-NULL-SHA:@SECLEVEL=0" "$SNI $CA -tls1_2 -cipher ECDHE-RSA-NULL-SHA:@SECLEVEL=0"
  expect_some $n 'tls.handshake.ciphersuite==0xc010'
}
gnutls_capture() { # name priority
  local n=$1 prio=$2
  PORT=$(free_port)
  local args=(--port "$PORT" --x509certfile "$PKI/server-rsa-fullchain.pem" --x509keyfile "$PKI/server-rsa.key" --priority "$prio" --disable-client-cert)
  note $n server "gnutls-serv ${args[*]}"
  (cd "$WORK" && exec timeout 30 gnutls-serv "${args[@]}" </dev/null >"$WORK/$n.server.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_listen "$PORT" || { cat "$WORK/$n.server.log" >&2; die "$n: gnutls-serv did not listen"; }
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local t=$TCPDUMP_PID
  run_sclient $n "$PORT" $SNI $CA -tls1_2 -legacy_server_connect
  stop_tcpdump "$t"; kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; PORT=
}
cap_rules-no-ems() {
  local n=rules-no-ems
  note $n what "gnutls-serv with %NO_SESSION_HASH: no extended_master_secret in its ServerHello although s_client offers it"
  note $n raises "no-extended-master-secret"
  gnutls_capture $n "NORMAL:-VERS-TLS1.3:%NO_SESSION_HASH"
  expect_some $n 'tls.handshake.type==2'
}
cap_rules-no-reneg() {
  local n=rules-no-reneg
  note $n what "gnutls-serv with %DISABLE_SAFE_RENEGOTIATION: no renegotiation_info in its ServerHello; s_client -legacy_server_connect accepts that"
  note $n raises "no-secure-renegotiation"
  gnutls_capture $n "NORMAL:-VERS-TLS1.3:%DISABLE_SAFE_RENEGOTIATION"
  expect_some $n 'tls.handshake.type==2'
}
cap_rules-optional-no-cert() {
  local n=rules-optional-no-cert
  note $n what "s_server -verify 1 (client certificate optional); s_client without a certificate answers with an empty Certificate and the handshake completes"
  note $n raises "client-cert-missing (warning)"
  sserver_capture $n "$S_RSA -verify 1 $CA -tls1_2" "$SNI $CA -tls1_2"
  expect_some $n 'tls.handshake.type==13'
}
cap_rules-client-distrusts-server() {
  local n=rules-client-distrusts-server
  note $n what "s_server requires a client certificate; s_client trusts only the unrelated other CA and has -verify_return_error, so it rejects the server chain with unknown_ca before answering the CertificateRequest"
  note $n raises "fatal-alert (client, unknown_ca, after the server's flight); NOT client-aborted-after-certreq"
  sserver_capture $n "$S_RSA -Verify 1 $CA -tls1_2" "$SNI -CAfile $PKI/other-ca.crt -verify_return_error -tls1_2 $C_RSA"
  expect_some $n 'tls.alert_message.desc==48'
}
cap_rules-tls13-pha() {
  local n=rules-tls13-pha
  note $n what "TLS 1.3, s_client -enable_pha (post_handshake_auth in the ClientHello), no client certificate requested"
  note $n raises "tls13-client-auth-hidden (post_handshake_auth only)"
  sserver_capture $n "$S_RSA -tls1_3" "$SNI $CA -tls1_3 -enable_pha"
}
cap_rules-cipher-not-offered() {
  local n=rules-cipher-not-offered
  note $n what "client offers only ECDHE-RSA-AES256-GCM-SHA384 (0xc030); the relay rewrites the ServerHello's suite to 0xc028 (ECDHE-RSA-AES256-SHA384, not offered)"
  note $n raises "cipher-not-offered, fatal-alert (client)"
  tamper_capture $n cipher-c028 "$S_RSA -tls1_2" "$SNI $CA -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384"
}
cap_rules-key-cipher-mismatch() {
  local n=rules-key-cipher-mismatch
  note $n what "client offers ECDHE-RSA- and ECDHE-ECDSA-AES256-GCM-SHA384; the RSA server picks 0xc030; the relay rewrites it to 0xc02c (ECDSA, offered) so the suite no longer fits the RSA certificate"
  note $n raises "cert-key-cipher-mismatch, fatal-alert (client)"
  tamper_capture $n cipher-c02c "$S_RSA -tls1_2" "$SNI $CA -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
}
cap_rules-version-not-offered() {
  local n=rules-version-not-offered
  note $n what "client offers at most TLS 1.1; the server answers TLS 1.1; the relay rewrites the ServerHello version to TLS 1.2"
  note $n raises "version-not-offered, fatal-alert (client)"
  tamper_capture $n version-0303 "$S_RSA -tls1_1 -cipher DEFAULT:@SECLEVEL=0" "$SNI $CA -tls1_1 -cipher DEFAULT:@SECLEVEL=0"
}
cap_rules-extension-not-offered() {
  local n=rules-extension-not-offered
  note $n what "the relay renames the ServerHello's session_ticket extension (35) to post_handshake_auth (49), which s_client never offered"
  note $n raises "extension-not-offered, fatal-alert (client)"
  tamper_capture $n ext-35-to-49 "$S_RSA -tls1_2" "$SNI $CA -tls1_2"
}
cap_rules-server-sigalg-not-offered() {
  local n=rules-server-sigalg-not-offered
  note $n what "client offers signature_algorithms RSA-PSS+SHA256:RSA+SHA256; the relay rewrites the ServerKeyExchange scheme from rsa_pss_rsae_sha256 to rsa_pss_rsae_sha384 (not offered)"
  note $n raises "server-sigalg-not-offered, fatal-alert (client)"
  tamper_capture $n ske-sigalg-0805 "$S_RSA -tls1_2" "$SNI $CA -tls1_2 -sigalgs RSA-PSS+SHA256:RSA+SHA256"
}
cap_rules-client-sigalg-not-offered() {
  local n=rules-client-sigalg-not-offered
  note $n what "server asks for a client certificate with -client_sigalgs RSA+SHA256:RSA+SHA384; the client signs rsa_pkcs1_sha256; the relay rewrites the CertificateVerify scheme to rsa_pkcs1_sha512 (not in the CertificateRequest); this capture is the relay↔server leg"
  note $n raises "client-sigalg-not-offered, fatal-alert (server)"
  tamper_capture $n cv-sigalg-0601 "$S_RSA -Verify 1 $CA -tls1_2 -client_sigalgs RSA+SHA256:RSA+SHA384" "$SNI $CA -tls1_2 $C_RSA"
}
cap_rules-cert-type-not-requested() {
  local n=rules-cert-type-not-requested
  note $n what "the relay replaces rsa_sign (1) in the CertificateRequest's certificate_types with ecdsa_fixed_ecdh (66); s_client (not in strict mode) still sends its RSA certificate; the server then fails the client's CertificateVerify (decrypt_error), because the rewrite changed the handshake transcript the client signed"
  note $n raises "client-cert-type-not-requested, fatal-alert (server, decrypt_error)"
  tamper_capture $n certreq-types-no-rsa "$S_RSA -Verify 1 $CA -tls1_2" "$SNI $CA -tls1_2 $C_RSA"
}
cap_rules-compression() {
  local n=rules-compression
  note $n what "the relay sets the ServerHello compression method to DEFLATE (1); the client offered only null (this OpenSSL build has no zlib, so -comp cannot produce real compression)"
  note $n raises "compression-enabled, fatal-alert (client)"
  tamper_capture $n compression-deflate "$S_RSA -tls1_2" "$SNI $CA -tls1_2"
}

cap_rules-client-aborted() {
  local n=rules-client-aborted
  note $n what "s_server requires a client certificate and accepts only RSA-PSS client signatures (-client_sigalgs RSA-PSS+SHA256); gnutls-cli has an RSA certificate but a priority string without any RSA-PSS scheme (a stand-in for a PKCS#1-only token): it sends fatal handshake_failure right after the ServerHelloDone, with no Certificate"
  note $n raises "client-aborted-after-certreq, certreq-pss-only, fatal-alert (client)"
  PORT=$(free_port)
  start_sserver $n -cert "$PKI/server-rsa.crt" -key "$PKI/server-rsa.key" -cert_chain "$PKI/server-chain.pem" -Verify 1 -verify_return_error -CAfile "$PKI/ca-chain.pem" -tls1_2 -client_sigalgs RSA-PSS+SHA256
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local t=$TCPDUMP_PID
  local prio="NORMAL:-VERS-TLS1.3:-SIGN-RSA-PSS-SHA256:-SIGN-RSA-PSS-RSAE-SHA256:-SIGN-RSA-PSS-SHA384:-SIGN-RSA-PSS-RSAE-SHA384:-SIGN-RSA-PSS-SHA512:-SIGN-RSA-PSS-RSAE-SHA512"
  local args=(--port "$PORT" 127.0.0.1 --sni-hostname localhost --x509cafile "$PKI/ca-chain.pem" --x509certfile "$PKI/client-rsa.crt" --x509keyfile "$PKI/client-rsa.key" --priority "$prio")
  note $n client "gnutls-cli ${args[*]}"
  printf "$REQ" | timeout 10 gnutls-cli "${args[@]}" >"$WORK/$n.client.log" 2>&1 || true
  stop_tcpdump "$t"; stop_server "$SERVER_PID"; PORT=
  expect_some $n 'tls.alert_message.desc==40'
  expect_some $n 'tls.handshake.type==13'
}
cap_rules-sslv2-hello() {
  local n=rules-sslv2-hello
  note $n what "nmap's sslv2 script sends an SSL 2.0 CLIENT-HELLO (version 0x0002) to s_server, which answers with a TLS fatal protocol_version alert; nmap's TCP connect scan adds an empty connection first"
  note $n raises "sslv2-hello (error), hello-rejected, fatal-alert (server, protocol_version), legacy-version (error)"
  PORT=$(free_port)
  NACCEPT=3 start_sserver $n -cert "$PKI/server-rsa.crt" -key "$PKI/server-rsa.key"
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local t=$TCPDUMP_PID
  local args=(-sT -Pn -n -p "$PORT" --script +sslv2 127.0.0.1)
  note $n client "nmap ${args[*]}"
  timeout 20 nmap "${args[@]}" >"$WORK/$n.client.log" 2>&1 || true
  stop_tcpdump "$t"; stop_server "$SERVER_PID"; PORT=
  expect_some $n 'tcp.len > 5 && tcp.payload[2] == 01 && tcp.payload[3:2] == 00:02'   # SSLv2 CLIENT-HELLO, version 2
}

# ---------------------------------------------------------------- main
if [ $# -gt 0 ]; then WANT=("$@"); else WANT=("${ALL[@]}"); fi
for w in "${WANT[@]}"; do printf '%s\n' "${ALL[@]}" | grep -qx -- "$w" || die "unknown capture: $w"; done

log "work dir $WORK"
bash "$ROOT/scripts/make-pki.sh" "$PKI" >&2
# Extra certificates, issued by the same intermediate with `openssl ca` (pinned dates) or self-signed.
(
  cd "$PKI"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-expired.key 2>/dev/null
  openssl req -new -config ca.cnf -key server-expired.key -subj "/O=tlspeek test PKI/CN=localhost" -out server-expired.csr
  CADIR="$PKI/ca-inter" openssl ca -batch -config ca.cnf -notext -preserveDN -md sha256 -extensions v3_server \
    -startdate 20200101000000Z -enddate 20210101000000Z -cert intermediate-ca.crt -keyfile intermediate-ca.key \
    -in server-expired.csr -out server-expired.crt 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -keyout server-self.key -out server-self.crt -days 3650 \
    -subj "/O=tlspeek self-signed/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
) >&2
cat >"$WORK/tamper-proxy.mjs" <<'JS'
// tamper-proxy LISTEN_PORT TARGET_PORT REWRITE — relays one TCP connection byte for byte and
// rewrites one field of one plaintext handshake message in flight (same length), so that a real
// client or server reacts to a protocol violation no maintained stack would commit.
import net from 'node:net';
const [listen, target, what] = process.argv.slice(2);
const u16 = (b, o) => (b[o] << 8) | b[o + 1];
const put16 = (b, o, v) => { b[o] = v >> 8; b[o + 1] = v & 0xff; };
// Offset of the cipher suite in a ServerHello body (RFC 5246 §7.4.1.3).
const shSuite = (m) => 2 + 32 + 1 + m[34];
const REWRITES = {
  // name: [direction, handshake type, mutate(body)]
  'cipher-c028': ['s2c', 2, (m) => put16(m, shSuite(m), 0xc028)],
  'cipher-c02c': ['s2c', 2, (m) => put16(m, shSuite(m), 0xc02c)],
  'version-0303': ['s2c', 2, (m) => put16(m, 0, 0x0303)],
  'compression-deflate': ['s2c', 2, (m) => { m[shSuite(m) + 2] = 1; }],
  'ext-35-to-49': ['s2c', 2, (m) => {
    let o = shSuite(m) + 3 + 2;
    while (o + 4 <= m.length) { const t = u16(m, o), l = u16(m, o + 2); if (t === 35) { put16(m, o, 49); return; } o += 4 + l; }
    throw new Error('no session_ticket extension in the ServerHello');
  }],
  // ECDHE ServerKeyExchange: curve_type(1) named_curve(2) point<1..255> then SignatureAndHashAlgorithm.
  'ske-sigalg-0805': ['s2c', 12, (m) => put16(m, 4 + m[3], 0x0805)],
  // CertificateRequest: certificate_types<1..255> first.
  'certreq-types-no-rsa': ['s2c', 13, (m) => { for (let i = 1; i <= m[0]; i++) if (m[i] === 1) m[i] = 66; }],
  // CertificateVerify: SignatureAndHashAlgorithm first.
  'cv-sigalg-0601': ['c2s', 15, (m) => put16(m, 0, 0x0601)],
};
const rw = REWRITES[what];
if (!rw) { console.error(`tamper-proxy: unknown rewrite ${what}`); process.exit(2); }
let done = false;
function tap(dir) {
  let buf = Buffer.alloc(0);
  let plaintext = true;
  return (chunk, out) => {
    if (!plaintext || done || rw[0] !== dir) { out.write(chunk); return; }
    buf = Buffer.concat([buf, chunk]);
    let o = 0; // forward whole records only
    while (buf.length - o >= 5) {
      const type = buf[o], len = u16(buf, o + 3);
      if (buf.length - o < 5 + len) break;
      const rec = buf.subarray(o + 5, o + 5 + len);
      if (type === 20) plaintext = false;
      if (type === 22 && plaintext && !done) {
        let p = 0;
        while (p + 4 <= rec.length) {
          const ht = rec[p], hl = (rec[p + 1] << 16) | (rec[p + 2] << 8) | rec[p + 3];
          if (ht === rw[1] && p + 4 + hl <= rec.length) {
            rw[2](rec.subarray(p + 4, p + 4 + hl));
            done = true;
            console.error(`tamper-proxy: rewrote handshake type ${ht} (${what})`);
            break;
          }
          p += 4 + hl;
        }
      }
      o += 5 + len;
    }
    out.write(buf.subarray(0, o));
    buf = Buffer.from(buf.subarray(o));
    if ((!plaintext || done) && buf.length) { out.write(buf); buf = Buffer.alloc(0); }
  };
}
const server = net.createServer({ allowHalfOpen: true }, (c) => {
  server.close();
  const s = net.connect({ port: Number(target), host: '127.0.0.1', allowHalfOpen: true });
  const c2s = tap('c2s'), s2c = tap('s2c');
  c.on('data', (d) => c2s(d, s));
  s.on('data', (d) => s2c(d, c));
  c.on('end', () => s.end()); s.on('end', () => c.end());
  c.on('error', () => s.destroy()); s.on('error', () => c.destroy());
  c.on('close', () => s.destroy()); s.on('close', () => c.destroy());
});
server.listen(Number(listen), '127.0.0.1', () => console.error(`tamper-proxy: 127.0.0.1:${listen} -> ${target} (${what})`));
setTimeout(() => process.exit(0), 30000).unref();
JS

for name in "${WANT[@]}"; do
  "cap_$name"
  [ -s "$CAP/$name.pcap" ] || die "$name: capture missing or empty"
  log "$(printf '%-36s %6d bytes' "$name" "$(stat -c %s "$CAP/$name.pcap")")"
done

{
  printf 'tool\topenssl\t%s\n' "$(openssl version)"
  printf 'tool\tgnutls\t%s\n' "$(gnutls-cli --version 2>/dev/null | head -1)"
  printf 'tool\tnmap\t%s\n' "$(nmap --version 2>/dev/null | head -1)"
  printf 'tool\ttcpdump\t%s\n' "$(tcpdump --version 2>&1 | head -1)"
  printf 'tool\tnode\t%s\n' "$(node --version)"
  printf 'tool\tdate\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >>"$LOG"

# rules-manifest.json (merged: captures not remade keep their entries) and the RULES.md section.
node - "$LOG" "$CAP/rules-manifest.json" "$CAP/RULES.md" <<'JS'
const fs = require('node:fs');
const [log, manifestPath, mdPath] = process.argv.slice(2);
const old = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : { captures: {} };
const made = {}; const tools = {};
for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
  const [name, key, ...rest] = line.split('\t'); const value = rest.join('\t');
  if (name === 'tool') { tools[key] = value; continue; }
  const e = (made[name] ??= { file: `${name}.pcap`, what: '', raises: '', madeWith: [] });
  if (key === 'what' || key === 'raises' || key === 'tampered') e[key] = value;
  else e.madeWith.push({ role: key, command: value });
}
for (const e of Object.values(made)) e.tools = tools;
const captures = { ...old.captures, ...made };
const sorted = Object.fromEntries(Object.keys(captures).sort().map((k) => [k, captures[k]]));
const manifest = {
  about: 'Extra real captures for the diagnosis rules, made by scripts/make-rule-captures.sh. "tampered": one field of one handshake message was rewritten in flight by the relay; everything else is real traffic.',
  captures: sorted,
};
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
const BEGIN = '<!-- rule captures: generated by scripts/make-rule-captures.sh -->';
const END = '<!-- end rule captures -->';
let md = `${BEGIN}\n## Rule captures\n\nMade by \`scripts/make-rule-captures.sh\` (details: \`rules-manifest.json\`). Captures marked *tampered* went through a relay that rewrote one field of one handshake message in flight (same length); the client, the server and their reactions are real.\n\n| capture | what it shows | must raise |\n|---|---|---|\n`;
for (const [name, e] of Object.entries(sorted)) {
  md += `| \`${e.file}\` | ${e.what}${e.tampered ? ` (*tampered*: ${e.tampered})` : ''} | ${e.raises} |\n`;
}
md += `\n${END}\n`;
let doc = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '# Captures for the diagnosis rules\n\n';
const a = doc.indexOf(BEGIN), b = doc.indexOf(END);
doc = a >= 0 && b > a ? doc.slice(0, a) + md + doc.slice(b + END.length + 1) : doc + md;
fs.writeFileSync(mdPath, doc);
JS
log "done: ${#WANT[@]} capture(s)"
