#!/usr/bin/env bash
# make-keylog-captures.sh [NAME...] — record TLS handshakes with their key logs into captures/keylog/.
#
# For issue 17 (decryption with key logs). Like scripts/make-captures.sh: a fresh PKI
# (scripts/make-pki.sh) in a temp dir, openssl s_server on a free loopback port, tcpdump on lo,
# openssl s_client with -keylogfile (RFC 9850 format). Each capture is NAME.pcap plus NAME.keys.txt
# (the client's key log); tls13-aes128gcm is also written as NAME.dsb.pcapng, the same packets
# with the key log injected as a pcapng Decryption Secrets Block (editcap --inject-secrets).
# Every capture is checked with tshark: with the key log it must see both Finished messages.
# The exact command lines and tool versions go to captures/keylog/manifest.json.
#
# These files live in captures/keylog/, not captures/: test/golden/captures.test.ts wants a
# golden file for every capture directly in captures/, and these are tested by
# test/tls/crypto/captures.test.ts instead. The key logs are of throw-away test keys on loopback.
#
# Needs root (tcpdump on lo, unshare -n), openssl, gnutls-cli, chromium, tcpdump, tshark, editcap, node, ss. Every server and
# tcpdump runs under `timeout` and is killed on exit; all traffic stays on 127.0.0.1.
set -euo pipefail

# Everything runs in a network namespace of its own, with only a loopback interface: nothing this
# script starts (Chromium's background requests included) can reach beyond the machine.
if [ -z "${TLSPEEK_NETNS:-}" ]; then exec env TLSPEEK_NETNS=1 unshare -n bash "$0" "$@"; fi
ip link set lo up

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/captures/keylog"
mkdir -p "$OUT"

for tool in openssl gnutls-cli chromium tcpdump tshark editcap node ss unshare ip; do
  command -v "$tool" >/dev/null || { echo "make-keylog-captures: missing tool: $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-keylog-captures: must run as root (tcpdump on lo)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tlspeek-keylog-captures.XXXXXX)
PKI="$WORK/pki"
PIDS=()
CMDLOG="$WORK/commands.tsv"
: >"$CMDLOG"

cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "make-keylog-captures: work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "make-keylog-captures: FAIL: $*" >&2; exit 1; }
log() { echo "make-keylog-captures: $*" >&2; }

q() {
  local a out=()
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:=+@%,^-]+$ ]]; then out+=("$a"); else out+=("'${a//\'/\'\\\'\'}'"); fi
  done
  echo "${out[*]}"
}
record() { # NAME ROLE LINE — with the port and temp paths as placeholders
  local line=$3
  line=${line//$PKI/\$PKI}
  line=${line//$WORK/\$WORK}
  [ -n "${PORT:-}" ] && line=${line//$PORT/\$PORT}
  printf '%s\t%s\t%s\n' "$1" "$2" "$line" >>"$CMDLOG"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_listen() {
  local i
  for i in $(seq 1 100); do
    [ -n "$(ss -Hltn "sport = :$1")" ] && return 0
    sleep 0.1
  done
  return 1
}

start_tcpdump() { # FILE PORT — sets TCPDUMP_PID
  local errf="$WORK/tcpdump.$(basename "$1").err" i
  rm -f "$1"
  timeout -s INT 60 tcpdump -i lo -s 0 -U --immediate-mode -n -w "$1" "tcp port $2" 2>"$errf" &
  TCPDUMP_PID=$!
  PIDS+=("$TCPDUMP_PID")
  for i in $(seq 1 100); do
    grep -q "listening on" "$errf" 2>/dev/null && { sleep 0.3; return 0; }
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$errf" >&2; die "tcpdump did not start"; }
    sleep 0.1
  done
  die "tcpdump not ready after 10s"
}
stop_tcpdump() {
  sleep 0.7 # the last FIN/ACKs
  kill -INT "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_server() {
  local i
  for i in $(seq 1 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

REQ='GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'
S_RSA="-cert $PKI/server-rsa.crt -key $PKI/server-rsa.key"
S_EC="-cert $PKI/server-ec.crt -key $PKI/server-ec.key"
C_RSA="-cert $PKI/client-rsa.crt -key $PKI/client-rsa.key"
CLIENT="-servername localhost -CAfile $PKI/ca-chain.pem"
GNUTLS="--sni-hostname localhost --x509cafile $PKI/ca-chain.pem --x509certfile $PKI/client-rsa.crt --x509keyfile $PKI/client-rsa.key"

# capture NAME "SERVER ARGS" "CLIENT ARGS" [MODE] — one s_server/s_client connection.
# MODE keyupdate: the client sends a KeyUpdate asking for one back (s_client's K command;
# commands need s_client without -ign_eof, so stdin stays open until the answer came).
# MODE gnutls: the client is gnutls-cli (CLIENT ARGS are its options), writing its key log
# through the SSLKEYLOGFILE environment variable as browsers and curl do.
# MODE chromium: headless Chromium loads https://localhost:PORT/ with SSLKEYLOGFILE; it opens
# more than one connection (preconnects), and only the first, the page load, is kept.
capture() {
  local name=$1 sargs=$2 cargs=$3 mode=${4:-}
  local pcap="$OUT/$name.pcap" keys="$WORK/$name.keys.txt"
  PORT=$(free_port)
  # shellcheck disable=SC2206
  local sv=(s_server -accept "127.0.0.1:$PORT" -naccept 1 -www $sargs)
  record "$name" server "openssl $(q "${sv[@]}")"
  (cd "$WORK" && exec timeout 60 openssl "${sv[@]}" </dev/null >"$WORK/$name.server.log" 2>&1) &
  local spid=$!
  PIDS+=("$spid")
  wait_listen "$PORT" || { cat "$WORK/$name.server.log" >&2; die "$name: s_server did not listen"; }
  start_tcpdump "$pcap" "$PORT"
  local tpid=$TCPDUMP_PID
  rm -f "$keys"
  # shellcheck disable=SC2206
  local cl=(s_client -connect "127.0.0.1:$PORT" $cargs -keylogfile "$keys")
  if [ "$mode" = chromium ]; then
    local cr=(chromium --headless=new --no-sandbox --disable-gpu --ignore-certificate-errors --no-first-run
      --disable-background-networking --disable-component-update --user-data-dir="$WORK/$name.profile" --dump-dom "https://localhost:$PORT/")
    record "$name" client "SSLKEYLOGFILE=$keys $(q "${cr[@]}")"
    (cd "$WORK" && SSLKEYLOGFILE="$keys" timeout 30 "${cr[@]}") </dev/null >"$WORK/$name.client.log" 2>&1 || true
  elif [ "$mode" = gnutls ]; then
    # shellcheck disable=SC2206
    local gl=(--port "$PORT" 127.0.0.1 $cargs)
    record "$name" client "printf '$REQ' | SSLKEYLOGFILE=$keys gnutls-cli $(q "${gl[@]}")"
    printf "$REQ" | (cd "$WORK" && SSLKEYLOGFILE="$keys" timeout 20 gnutls-cli "${gl[@]}") >"$WORK/$name.client.log" 2>&1 || true
  elif [ "$mode" = keyupdate ]; then
    record "$name" client "(printf 'K\\n'; sleep 1; printf '$REQ'; sleep 2) | openssl $(q "${cl[@]}")"
    (printf 'K\n'; sleep 1; printf "$REQ"; sleep 2) | (cd "$WORK" && timeout 20 openssl "${cl[@]}") >"$WORK/$name.client.log" 2>&1 || true
  else
    cl+=(-ign_eof)
    record "$name" client "printf '$REQ' | openssl $(q "${cl[@]}")"
    printf "$REQ" | (cd "$WORK" && timeout 20 openssl "${cl[@]}") >"$WORK/$name.client.log" 2>&1 || true
  fi
  stop_tcpdump "$tpid"
  stop_server "$spid"
  if [ "$mode" = chromium ]; then
    # localhost is tried as ::1 first (refused: the server is on 127.0.0.1): the first ClientHello's stream
    local first
    first=$(tshark -r "$pcap" -Y 'tls.handshake.type == 1' -T fields -e tcp.stream 2>/dev/null | head -1)
    [ -n "$first" ] || die "$name: no ClientHello from Chromium"
    tshark -r "$pcap" -Y "tcp.stream == $first" -w "$WORK/$name.first.pcap" -F pcap 2>/dev/null
    mv "$WORK/$name.first.pcap" "$pcap"
    record "$name" capture "tshark -r $name.pcap -Y 'tcp.stream == N' -w $name.pcap -F pcap (N: the stream of the first ClientHello, the page load; Chromium's other connections dropped)"
  fi
  PORT=
  [ -s "$keys" ] || { cat "$WORK/$name.client.log" >&2; die "$name: no key log written"; }
  cp "$keys" "$OUT/$name.keys.txt"
  # tshark with the key log must decrypt both Finished messages (handshake type 20)
  local fins
  fins=$(tshark -r "$pcap" -o "tls.keylog_file:$OUT/$name.keys.txt" -Y 'tls.handshake.type == 20' 2>/dev/null | wc -l)
  [ "$fins" -ge 2 ] || { cat "$WORK/$name.client.log" >&2; die "$name: tshark decrypts $fins Finished messages, want 2"; }
  local suite
  suite=$(tshark -r "$pcap" -Y 'tls.handshake.type == 2' -T fields -e tls.handshake.ciphersuite 2>/dev/null | tail -1)
  printf 'make-keylog-captures: %-28s suite %-6s %6d bytes\n' "$name" "$suite" "$(stat -c %s "$pcap")" >&2
}

ALL=(
  tls13-aes128gcm tls13-aes256gcm tls13-chacha20 tls13-aes128ccm tls13-aes128ccm8
  tls13-hrr tls13-keyupdate tls13-mtls
  tls12-aes128gcm tls12-aes256gcm-sha384 tls12-chacha20 tls12-aes128ccm tls12-aes128ccm8
  tls12-aes128-sha-mte tls12-aes128-sha-etm tls12-aes256-sha384-mte tls12-aes128-sha256-etm
  tls11-aes128-sha-etm tls10-aes128-sha-mte
  gnutls-tls13-mtls gnutls-tls12-mtls chromium-tls13 chromium-tls12
)
cap() {
  case $1 in
    tls13-aes128gcm) capture "$1" "$S_RSA -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256" "$CLIENT -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256" ;;
    tls13-aes256gcm) capture "$1" "$S_RSA -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384" "$CLIENT -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384" ;;
    tls13-chacha20) capture "$1" "$S_RSA -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256" "$CLIENT -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256" ;;
    # OpenSSL enables no CCM suite by default: both sides name it
    tls13-aes128ccm) capture "$1" "$S_RSA -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256" "$CLIENT -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256" ;;
    tls13-aes128ccm8) capture "$1" "$S_RSA -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256" "$CLIENT -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256" ;;
    tls13-hrr) capture "$1" "$S_RSA -tls1_3 -groups P-384" "$CLIENT -tls1_3 -groups X25519:P-384" ;;
    tls13-keyupdate) capture "$1" "$S_RSA -tls1_3" "$CLIENT -tls1_3" keyupdate ;;
    tls13-mtls) capture "$1" "$S_RSA -tls1_3 -Verify 1 -verify_return_error -CAfile $PKI/ca-chain.pem" "$CLIENT -tls1_3 $C_RSA" ;;
    tls12-aes128gcm) capture "$1" "$S_RSA -tls1_2" "$CLIENT -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" ;;
    tls12-aes256gcm-sha384) capture "$1" "$S_RSA -tls1_2" "$CLIENT -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384" ;;
    tls12-chacha20) capture "$1" "$S_RSA -tls1_2" "$CLIENT -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305" ;;
    tls12-aes128ccm) capture "$1" "$S_EC -tls1_2 -cipher ECDHE-ECDSA-AES128-CCM" "$CLIENT -tls1_2 -cipher ECDHE-ECDSA-AES128-CCM" ;;
    tls12-aes128ccm8) capture "$1" "$S_EC -tls1_2 -cipher ECDHE-ECDSA-AES128-CCM8" "$CLIENT -tls1_2 -cipher ECDHE-ECDSA-AES128-CCM8" ;;
    # CBC: OpenSSL negotiates encrypt_then_mac (RFC 7366) unless a side says -no_etm
    tls12-aes128-sha-mte) capture "$1" "$S_RSA -tls1_2" "$CLIENT -tls1_2 -cipher ECDHE-RSA-AES128-SHA -no_etm" ;;
    tls12-aes128-sha-etm) capture "$1" "$S_RSA -tls1_2" "$CLIENT -tls1_2 -cipher ECDHE-RSA-AES128-SHA" ;;
    tls12-aes256-sha384-mte) capture "$1" "$S_RSA -tls1_2 -no_etm" "$CLIENT -tls1_2 -cipher ECDHE-RSA-AES256-SHA384" ;;
    tls12-aes128-sha256-etm) capture "$1" "$S_RSA -tls1_2" "$CLIENT -tls1_2 -cipher ECDHE-RSA-AES128-SHA256" ;;
    tls11-aes128-sha-etm) capture "$1" "$S_RSA -tls1_1 -cipher DEFAULT:@SECLEVEL=0" "$CLIENT -tls1_1 -cipher ECDHE-RSA-AES128-SHA:@SECLEVEL=0" ;;
    tls10-aes128-sha-mte) capture "$1" "$S_RSA -tls1 -cipher DEFAULT:@SECLEVEL=0" "$CLIENT -tls1 -cipher ECDHE-RSA-AES128-SHA:@SECLEVEL=0 -no_etm" ;;
    # GnuTLS as the client, its key log from SSLKEYLOGFILE; a client certificate in both versions
    gnutls-tls13-mtls) capture "$1" "$S_RSA -tls1_3 -Verify 1 -verify_return_error -CAfile $PKI/ca-chain.pem" "$GNUTLS --priority NORMAL:-VERS-ALL:+VERS-TLS1.3" gnutls ;;
    gnutls-tls12-mtls) capture "$1" "$S_RSA -tls1_2 -Verify 1 -verify_return_error -CAfile $PKI/ca-chain.pem" "$GNUTLS --priority NORMAL:-VERS-ALL:+VERS-TLS1.2" gnutls ;;
    chromium-tls13) capture "$1" "$S_RSA -tls1_3" "" chromium ;;
    chromium-tls12) capture "$1" "$S_RSA -tls1_2" "" chromium ;;
    *) die "unknown capture name: $1 (known: ${ALL[*]})" ;;
  esac
}

if [ $# -gt 0 ]; then WANT=("$@"); else WANT=("${ALL[@]}"); fi
log "work dir $WORK"
bash "$ROOT/scripts/make-pki.sh" "$PKI" >&2
for name in "${WANT[@]}"; do cap "$name"; done

# the same TLS 1.3 connection with its key log inside, as editcap writes it (a pcapng DSB)
if printf '%s\n' "${WANT[@]}" | grep -qx tls13-aes128gcm; then
  editcap --inject-secrets "tls,$OUT/tls13-aes128gcm.keys.txt" "$OUT/tls13-aes128gcm.pcap" "$OUT/tls13-aes128gcm.dsb.pcapng"
  record tls13-aes128gcm.dsb capture "editcap --inject-secrets tls,tls13-aes128gcm.keys.txt tls13-aes128gcm.pcap tls13-aes128gcm.dsb.pcapng"
  n=$(tshark -r "$OUT/tls13-aes128gcm.dsb.pcapng" -Y 'tls.handshake.type == 20' 2>/dev/null | wc -l)
  [ "$n" -ge 2 ] || die "tls13-aes128gcm.dsb.pcapng: tshark decrypts $n Finished messages with the injected secrets, want 2"
fi

{
  printf 'tool\topenssl\t%s\n' "$(openssl version)"
  printf 'tool\tgnutls-cli\t%s\n' "$(gnutls-cli --version 2>/dev/null | head -1)"
  printf 'tool\tchromium\t%s\n' "$(chromium --version 2>/dev/null | head -1)"
  printf 'tool\ttcpdump\t%s\n' "$(tcpdump --version 2>&1 | head -1)"
  printf 'tool\ttshark\t%s\n' "$(tshark --version 2>/dev/null | head -1)"
  printf 'tool\tkernel\t%s\n' "$(uname -sr)"
  printf 'tool\tdate\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >>"$CMDLOG"

# manifest.json: merges what was made now into what is there (a partial run keeps the others)
node - "$CMDLOG" "$OUT/manifest.json" <<'EOF'
const fs = require('fs');
const [cmdFile, manifestFile] = process.argv.slice(2);
const old = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : { captures: [] };
const byName = new Map(old.captures.map((c) => [c.name, c]));
const tools = {};
for (const line of fs.readFileSync(cmdFile, 'utf8').split('\n')) {
  if (!line) continue;
  const [name, role, ...rest] = line.split('\t');
  if (name === 'tool') { tools[role] = rest.join('\t'); continue; }
  const c = byName.get(name) ?? { name };
  if (role === 'server' || !c.fresh) { c.madeWith = {}; c.fresh = true; }
  c.madeWith[role] = rest.join('\t');
  byName.set(name, c);
}
const captures = [...byName.values()].map(({ fresh, ...c }) => {
  if (c.name.endsWith('.dsb')) return { ...c, file: `${c.name}.pcapng`, keylog: null };
  return { ...c, file: `${c.name}.pcap`, keylog: `${c.name}.keys.txt` };
}).sort((a, b) => a.name.localeCompare(b.name));
const manifest = {
  description: 'TLS connections recorded with the client key log (RFC 9850 SSLKEYLOGFILE) by scripts/make-keylog-captures.sh, for decryption tests (test/tls/crypto/captures.test.ts). Throw-away test PKI (scripts/make-pki.sh), loopback only. madeWith: the exact commands ($PORT, $PKI, $WORK stand for the port and temp paths). A .dsb.pcapng holds its key log in a pcapng Decryption Secrets Block.',
  tools: Object.keys(tools).length ? tools : old.tools,
  captures,
};
fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
EOF
total=$(du -cb "$OUT"/*.pcap "$OUT"/*.pcapng "$OUT"/*.keys.txt | tail -1 | cut -f1)
log "captures/keylog: $total bytes"
[ "$total" -lt 1000000 ] || die "captures/keylog is too large: $total bytes"
log "done"
