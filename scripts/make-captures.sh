#!/usr/bin/env bash
# make-captures.sh [NAME...] — regenerate the real TLS handshake captures in captures/.
#
# Builds a fresh PKI (scripts/make-pki.sh) in a temp dir, starts each server on a free
# loopback port, records the client's connection with tcpdump on the loopback interface,
# and checks the result with tshark. With NAME arguments (e.g. `tls12 dhe`), only those
# captures are remade. Afterwards it writes the exact command lines and tool versions into
# captures/manifest.json (`madeWith`, `tools`), renders captures/README.md from the
# manifest, and runs test/captures/manifest.test.ts against the new files.
#
# Needs root (tcpdump on lo; Apache drops its workers to nobody/nogroup), openssl, apache2,
# curl, tcpdump, tshark, editcap, node. All traffic stays on 127.0.0.1 / ::1; every server
# and tcpdump is run under `timeout` and killed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CAP="$ROOT/captures"
mkdir -p "$CAP"
START_TS=$(date +%s)

for tool in openssl apache2 curl tcpdump tshark editcap capinfos node ss; do
  command -v "$tool" >/dev/null || { echo "make-captures: missing tool: $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-captures: must run as root (tcpdump on lo)" >&2; exit 1; }

# The certificates are valid 2025-01-01..2035-01-01; captures made outside that window
# would show "expired"/"not yet valid" for every certificate.
now=$(date -u +%Y%m%d)
if [ "$now" -lt 20250102 ] || [ "$now" -gt 20341231 ]; then
  echo "make-captures: system date $now is outside the PKI validity window (2025..2035)" >&2; exit 1
fi

WORK=$(mktemp -d /tmp/tlspeek-captures.XXXXXX)
chmod 755 "$WORK"
PKI="$WORK/pki"
PIDS=()        # background processes we started (servers, tcpdumps)
CMDLOG="$WORK/commands.tsv"
: >"$CMDLOG"

cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "make-captures: work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "make-captures: FAIL: $*" >&2; exit 1; }
log() { echo "make-captures: $*" >&2; }

# ---------------------------------------------------------------- which captures
ALL=(
  apache-mtls-pss-default apache-mtls-pss-fixed apache-mtls-default-curl sserver-pss-only
  tls10 tls11 tls12 tls13 tls13-hrr
  ecdsa-server ed25519-server rsa-pss-server dhe dhe-1024 static-rsa fatal-alert fragmented-512
  ipv6 chain-intermediate
  mtls-expired-client mtls-not-yet-valid-client mtls-sha1-1024-client mtls-no-clientauth-eku
  mtls-other-ca-client mtls-no-client-cert mtls-ec-client mtls-ca-names tls13-mtls
  tls13-mtls-no-client-cert tls13-mtls-other-ca-client tls13-mtls-pkcs1-client tls13-client-distrusts-server
  tls13-keylog-mtls tls13-keylog-certreq-no-pss tls13-keylog-client-no-pss apache-reneg-location apache-pha-location
  plain-http-to-tls-port sni-mismatch
  tls12-reordered
)
if [ $# -gt 0 ]; then WANT=("$@"); else WANT=("${ALL[@]}"); fi
for w in "${WANT[@]}"; do
  printf '%s\n' "${ALL[@]}" | grep -qx -- "$w" || die "unknown capture name: $w (known: ${ALL[*]})"
done
# tls12-reordered is made from tls12.pcap: remaking tls12 remakes it too.
if printf '%s\n' "${WANT[@]}" | grep -qx tls12 && ! printf '%s\n' "${WANT[@]}" | grep -qx tls12-reordered; then
  WANT+=(tls12-reordered)
fi

# ---------------------------------------------------------------- helpers
# Shell-quote an argument only when needed (for the recorded command lines).
q() {
  local a out=()
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:=+@%,^-]+$ ]]; then out+=("$a"); else out+=("'${a//\'/\'\\\'\'}'"); fi
  done
  echo "${out[*]}"
}
# record NAME ROLE COMMANDLINE — the command line with the port and temp paths replaced by placeholders
record() {
  local name=$1 role=$2 line=$3
  line=${line//$PKI/\$PKI}
  line=${line//$WORK/\$WORK}
  if [ -n "${PORT:-}" ]; then line=${line//$PORT/\$PORT}; fi
  printf '%s\t%s\t%s\n' "$name" "$role" "$line" >>"$CMDLOG"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_listen() { # port
  local i
  for i in $(seq 1 100); do
    if [ -n "$(ss -Hltn "sport = :$1")" ]; then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_tcpdump FILE PORT [IFACE] [LINKTYPE] — sets TCPDUMP_PID
start_tcpdump() {
  local file=$1 port=$2 iface=${3:-lo} lt=${4:-} errf
  errf="$WORK/tcpdump.$(basename "$file").err"
  local args=(-i "$iface" -s 0 -U --immediate-mode -n -w "$file")
  [ -n "$lt" ] && args+=(-y "$lt")
  rm -f "$file"
  timeout -s INT 120 tcpdump "${args[@]}" "tcp port $port" 2>"$errf" &
  TCPDUMP_PID=$!
  PIDS+=("$TCPDUMP_PID")
  TCPDUMP_FILE[$TCPDUMP_PID]=$file
  local i
  for i in $(seq 1 100); do
    grep -q "listening on" "$errf" 2>/dev/null && { sleep 0.3; return 0; }
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$errf" >&2; die "tcpdump did not start"; }
    sleep 0.1
  done
  die "tcpdump not ready after 10s"
}

TCPDUMP_FILE=()  # pid -> file, to check completeness after stopping
stop_tcpdump() { # pid
  sleep 0.7 # let the last FIN/ACKs pass
  kill -INT "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  # a capture is complete when it holds the close of the connection: a FIN from each side, or a RST
  local f=${TCPDUMP_FILE[$1]:-} fins rsts
  [ -n "$f" ] || return 0
  fins=$(tshark -r "$f" -Y 'tcp.flags.fin==1' -T fields -e tcp.srcport 2>/dev/null | sort -u | wc -l)
  rsts=$(tshark -r "$f" -Y 'tcp.flags.reset==1' 2>/dev/null | wc -l)
  if [ "$fins" -lt 2 ] && [ "$rsts" -lt 1 ]; then
    log "$(basename "$f"): connection close not captured (tcpdump stopped early?)"
    INCOMPLETE=1
  fi
}

# start_sserver NAME PORT ARGS... — openssl s_server on 127.0.0.1:PORT, one connection, -www
start_sserver() {
  local name=$1 port=$2; shift 2
  local accept="127.0.0.1:$port"
  if [ "${SSERVER_ACCEPT:-}" != "" ]; then accept=$SSERVER_ACCEPT; fi
  local args=(s_server -accept "$accept" -naccept "${NACCEPT:-1}" -www "$@")
  record "$name" server "openssl $(q "${args[@]}")"
  (cd "$WORK" && exec timeout 60 openssl "${args[@]}" </dev/null >"$WORK/$name.server.log" 2>&1) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_listen "$port" || { cat "$WORK/$name.server.log" >&2; die "$name: s_server did not listen on $port"; }
}

stop_server() { # pid — wait a little for a natural exit (-naccept), then TERM
  local i
  for i in $(seq 1 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

REQ='GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'

# run_sclient NAME ARGS... — openssl s_client sending one small HTTP/1.0 GET; never fails the script
run_sclient() {
  local name=$1; shift
  local args=(s_client "$@" -ign_eof)
  record "$name" client "printf '$REQ' | openssl $(q "${args[@]}")"
  printf "$REQ" | (cd "$WORK" && timeout 20 openssl "${args[@]}") >"$WORK/$name.client.log" 2>&1 || true
}

# write_apache_conf DIR PORT EXTRA-DIRECTIVES
write_apache_conf() {
  local d=$1 port=$2 extra=$3 m=/usr/lib/apache2/modules
  mkdir -p "$d/htdocs"
  chmod 755 "$d" "$d/htdocs"
  echo "hello from tlspeek apache" >"$d/htdocs/index.html"
  chmod 644 "$d/htdocs/index.html"
  cat >"$d/httpd.conf" <<EOF
ServerRoot "$d"
DefaultRuntimeDir "$d"
PidFile "$d/httpd.pid"
ErrorLog "$d/error.log"
LogLevel info ssl:debug
LoadModule mpm_prefork_module $m/mod_mpm_prefork.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule mime_module $m/mod_mime.so
LoadModule dir_module $m/mod_dir.so
LoadModule socache_shmcb_module $m/mod_socache_shmcb.so
LoadModule ssl_module $m/mod_ssl.so
StartServers 1
MinSpareServers 1
MaxSpareServers 2
User nobody
Group nogroup
ServerName localhost
Listen 127.0.0.1:$port
DocumentRoot "$d/htdocs"
DirectoryIndex index.html
TypesConfig /dev/null
KeepAlive Off
SSLSessionCache none
SSLSessionTickets off
<Directory />
  Require all granted
</Directory>
<VirtualHost 127.0.0.1:$port>
  ServerName localhost
  SSLEngine on
  SSLProtocol -all +TLSv1.2
  SSLCertificateFile "$PKI/server-rsa-fullchain.pem"
  SSLCertificateKeyFile "$PKI/server-rsa.key"
  SSLCACertificateFile "$PKI/ca-chain.pem"
  SSLVerifyClient require
  SSLVerifyDepth 3
$extra
</VirtualHost>
EOF
}

# start_apache NAME PORT EXTRA — sets SERVER_PID
start_apache() {
  local name=$1 port=$2 extra=$3 d="$WORK/apache-$1"
  write_apache_conf "$d" "$port" "$extra"
  # record the TLS-relevant directives (the rest is boilerplate: modules, paths, User nobody)
  local directives
  directives=$(sed -n '/<VirtualHost/,/<\/VirtualHost>/p' "$d/httpd.conf" | sed 's/^ *//')
  record "$name" server "apache2 -f \$WORK/apache-$name/httpd.conf -k start -DFOREGROUND"
  record "$name" serverConfig "${directives//$'\n'/ ; }"
  timeout 60 apache2 -f "$d/httpd.conf" -k start -DFOREGROUND >"$WORK/$name.server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_listen "$port" || { cat "$WORK/$name.server.log" "$d/error.log" >&2; die "$name: apache did not listen on $port"; }
  sleep 0.5 # first worker up
}

# tshark helpers
tf() { # file filter field...
  local f=$1 y=$2; shift 2
  local e=() x
  for x in "$@"; do e+=(-e "$x"); done
  tshark -r "$f" -o tls.desegment_ssl_records:TRUE -o tls.desegment_ssl_application_data:TRUE -Y "$y" -T fields -E separator='|' "${e[@]}" 2>/dev/null
}
INCOMPLETE=0   # set when a capture missed packets: the expectations are skipped and the capture is re-recorded
expect_eq() { # name what got want
  [ "$INCOMPLETE" = 1 ] && return 0
  [ "$3" = "$4" ] || die "$1: $2: got '$3', want '$4'"
}
expect_some() { # name file filter
  [ "$INCOMPLETE" = 1 ] && return 0
  local n
  n=$(tshark -r "$2" -Y "$3" 2>/dev/null | wc -l)
  [ "$n" -gt 0 ] || die "$1: no packet matches '$3' in $(basename "$2")"
}
expect_none() { # name file filter
  [ "$INCOMPLETE" = 1 ] && return 0
  local n
  n=$(tshark -r "$2" -Y "$3" 2>/dev/null | wc -l)
  [ "$n" -eq 0 ] || die "$1: $n packets match '$3' in $(basename "$2"), want none"
}
count_syn() { tshark -r "$1" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' 2>/dev/null | wc -l; }

# sserver_capture NAME "SERVER ARGS" "CLIENT ARGS" — the common s_server/s_client recipe
# (args are word-split: no spaces inside single arguments)
sserver_capture() {
  local name=$1 sargs=$2 cargs=$3
  PORT=$(free_port)
  # shellcheck disable=SC2086
  start_sserver "$name" "$PORT" $sargs
  start_tcpdump "$CAP/$name.pcap" "$PORT"
  local tpid=$TCPDUMP_PID
  # shellcheck disable=SC2086
  run_sclient "$name" -connect "127.0.0.1:$PORT" $cargs
  stop_tcpdump "$tpid"
  stop_server "$SERVER_PID"
  PORT=
}

CLIENT_CA="-CAfile $PKI/ca-chain.pem"
S_RSA="-cert $PKI/server-rsa.crt -key $PKI/server-rsa.key"
C_RSA="-cert $PKI/client-rsa.crt -key $PKI/client-rsa.key"
SNI="-servername localhost"
MTLS="-Verify 1 -verify_return_error -CAfile $PKI/ca-chain.pem"

# ---------------------------------------------------------------- the captures
cap_apache-mtls-pss-default() {
  local n=apache-mtls-pss-default
  PORT=$(free_port)
  start_apache $n "$PORT" ""
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  run_sclient $n -connect "127.0.0.1:$PORT" $SNI $CLIENT_CA -tls1_2 $C_RSA -client_sigalgs RSA+SHA256:RSA+SHA384
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  expect_some $n "$CAP/$n.pcap" 'tls.handshake.type==15'
  expect_some $n "$CAP/$n.pcap" 'http.response.code==200 || tls.app_data'
}

cap_apache-mtls-pss-fixed() {
  local n=apache-mtls-pss-fixed
  PORT=$(free_port)
  # The fix as tlspeek prints it (src/rules/client-auth/pss-fix.ts; test/rules/captures.test.ts checks they agree).
  start_apache $n "$PORT" "  SSLOpenSSLConfCmd ClientSignatureAlgorithms ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512:ed25519:ed448:rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512"
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  run_sclient $n -connect "127.0.0.1:$PORT" $SNI $CLIENT_CA -tls1_2 $C_RSA -client_sigalgs RSA+SHA256:RSA+SHA384
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  expect_some $n "$CAP/$n.pcap" 'tls.handshake.type==15'
}

cap_apache-mtls-default-curl() {
  local n=apache-mtls-default-curl
  PORT=$(free_port)
  start_apache $n "$PORT" ""
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  local args=(-sS --max-time 20 --http1.1 --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/ca-chain.pem"
    --cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key" "https://localhost:$PORT/")
  record $n client "curl $(q "${args[@]}")"
  curl "${args[@]}" >"$WORK/$n.client.log" 2>&1 || { cat "$WORK/$n.client.log" >&2; die "$n: curl failed"; }
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  expect_some $n "$CAP/$n.pcap" 'tls.handshake.type==15'
}

cap_sserver-pss-only() {
  sserver_capture sserver-pss-only "$S_RSA $MTLS -tls1_2 -client_sigalgs RSA-PSS+SHA256" \
    "$SNI $CLIENT_CA -tls1_2 $C_RSA -client_sigalgs RSA+SHA256:RSA+SHA384"
  expect_some sserver-pss-only "$CAP/sserver-pss-only.pcap" 'tls.handshake.type==13'
  expect_some sserver-pss-only "$CAP/sserver-pss-only.pcap" 'tls.alert_message'
}

cap_tls10() {
  sserver_capture tls10 "$S_RSA -tls1 -cipher DEFAULT:@SECLEVEL=0" "$SNI $CLIENT_CA -tls1 -cipher DEFAULT:@SECLEVEL=0"
  expect_some tls10 "$CAP/tls10.pcap" 'tls.handshake.type==2 && tls.handshake.version==0x0301'
}
cap_tls11() {
  sserver_capture tls11 "$S_RSA -tls1_1 -cipher DEFAULT:@SECLEVEL=0" "$SNI $CLIENT_CA -tls1_1 -cipher DEFAULT:@SECLEVEL=0"
  expect_some tls11 "$CAP/tls11.pcap" 'tls.handshake.type==2 && tls.handshake.version==0x0302'
}

cap_tls12() {
  local n=tls12
  PORT=$(free_port)
  start_sserver $n "$PORT" $S_RSA -tls1_2
  # the same connection recorded three ways: Ethernet on lo, Linux cooked v1 and v2 on "any"
  start_tcpdump "$CAP/tls12.pcap" "$PORT"; local t1=$TCPDUMP_PID
  start_tcpdump "$CAP/tls12-sll.pcap" "$PORT" any LINUX_SLL; local t2=$TCPDUMP_PID
  start_tcpdump "$CAP/tls12-sll2.pcap" "$PORT" any LINUX_SLL2; local t3=$TCPDUMP_PID
  record tls12-sll capture "tcpdump -i any -y LINUX_SLL -s 0 -U -w tls12-sll.pcap 'tcp port \$PORT' (simultaneously with tls12.pcap)"
  record tls12-sll2 capture "tcpdump -i any -y LINUX_SLL2 -s 0 -U -w tls12-sll2.pcap 'tcp port \$PORT' (simultaneously with tls12.pcap)"
  run_sclient $n -connect "127.0.0.1:$PORT" $SNI $CLIENT_CA -tls1_2
  stop_tcpdump "$t1"; stop_tcpdump "$t2"; stop_tcpdump "$t3"; stop_server "$SERVER_PID"; PORT=
  expect_some $n "$CAP/tls12.pcap" 'tls.change_cipher_spec'
  editcap -F pcapng "$CAP/tls12.pcap" "$CAP/tls12.pcapng"
  editcap -F nsecpcap "$CAP/tls12.pcap" "$CAP/tls12-ns.pcap"
  record tls12.pcapng capture "editcap -F pcapng tls12.pcap tls12.pcapng"
  record tls12-ns capture "editcap -F nsecpcap tls12.pcap tls12-ns.pcap"
  local f
  for f in tls12.pcapng tls12-ns.pcap tls12-sll.pcap tls12-sll2.pcap; do
    expect_some $n "$CAP/$f" 'tls.change_cipher_spec'
  done
  expect_eq tls12-sll linktype "$(capinfos -T -E "$CAP/tls12-sll.pcap" 2>/dev/null | tail -1 | cut -f2)" linux-sll
  expect_eq tls12-sll2 linktype "$(capinfos -T -E "$CAP/tls12-sll2.pcap" 2>/dev/null | tail -1 | cut -f2)" linux-sll2
}

cap_tls13() {
  sserver_capture tls13 "$S_RSA -tls1_3" "$SNI $CLIENT_CA -tls1_3"
  expect_some tls13 "$CAP/tls13.pcap" 'tls.handshake.type==2 && tls.handshake.extensions.supported_version==0x0304'
}
cap_tls13-hrr() {
  sserver_capture tls13-hrr "$S_RSA -tls1_3 -groups P-384" "$SNI $CLIENT_CA -tls1_3 -groups X25519:P-384"
  expect_eq tls13-hrr "ClientHello count" "$(tf "$CAP/tls13-hrr.pcap" 'tls.handshake.type==1' frame.number | wc -l)" 2
}

cap_ecdsa-server() {
  sserver_capture ecdsa-server "-cert $PKI/server-ec.crt -key $PKI/server-ec.key -tls1_2" "$SNI $CLIENT_CA -tls1_2"
}
cap_ed25519-server() {
  sserver_capture ed25519-server "-cert $PKI/server-ed25519.crt -key $PKI/server-ed25519.key -tls1_2" "$SNI $CLIENT_CA -tls1_2"
}
cap_rsa-pss-server() {
  sserver_capture rsa-pss-server "-cert $PKI/server-rsa-pss.crt -key $PKI/server-rsa-pss.key -tls1_2" "$SNI $CLIENT_CA -tls1_2"
}
cap_dhe() {
  sserver_capture dhe "$S_RSA -tls1_2 -dhparam $PKI/dhparam-2048.pem -cipher DHE-RSA-AES128-GCM-SHA256" \
    "$SNI $CLIENT_CA -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256"
}
cap_dhe-1024() {
  sserver_capture dhe-1024 "$S_RSA -tls1_2 -dhparam $PKI/dhparam-1024.pem -cipher DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0" \
    "$SNI $CLIENT_CA -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"
}
cap_static-rsa() {
  sserver_capture static-rsa "$S_RSA -tls1_2 -cipher AES128-GCM-SHA256" "$SNI $CLIENT_CA -tls1_2 -cipher AES128-GCM-SHA256"
}
cap_fatal-alert() {
  sserver_capture fatal-alert "$S_RSA -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384" "$SNI $CLIENT_CA -tls1_2 -cipher AES128-SHA"
  expect_some fatal-alert "$CAP/fatal-alert.pcap" 'tls.alert_message.desc==40'
}
cap_fragmented-512() {
  sserver_capture fragmented-512 "$S_RSA -tls1_2 -cert_chain $PKI/server-chain.pem -max_send_frag 512" \
    "$SNI $CLIENT_CA -tls1_2 -max_send_frag 512"
  expect_some fragmented-512 "$CAP/fragmented-512.pcap" 'tls.handshake.fragments'
}
cap_ipv6() {
  local n=ipv6
  PORT=$(free_port)
  SSERVER_ACCEPT="[::1]:$PORT" start_sserver $n "$PORT" $S_RSA -tls1_2
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  run_sclient $n -connect "[::1]:$PORT" $SNI $CLIENT_CA -tls1_2
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  expect_some $n "$CAP/$n.pcap" 'ipv6 && tls.change_cipher_spec'
}
cap_chain-intermediate() {
  sserver_capture chain-intermediate "$S_RSA -cert_chain $PKI/server-chain.pem -tls1_2" "$SNI $CLIENT_CA -tls1_2 -verify_return_error"
  expect_some chain-intermediate "$CAP/chain-intermediate.pcap" 'tls.change_cipher_spec'
}

mtls_variant() { # name client-cert-basename [extra server args]
  local c=$2
  sserver_capture "$1" "$S_RSA $MTLS -tls1_2 ${3:-}" "$SNI $CLIENT_CA -tls1_2 -cert $PKI/$c.crt -key $PKI/$c.key ${4:-}"
  expect_some "$1" "$CAP/$1.pcap" 'tls.handshake.type==13'
}
cap_mtls-expired-client() { mtls_variant mtls-expired-client client-expired; }
cap_mtls-not-yet-valid-client() { mtls_variant mtls-not-yet-valid-client client-not-yet-valid; }
cap_mtls-sha1-1024-client() {
  # the client must go to SECLEVEL 0 to load a 1024-bit key at all; the server keeps its defaults
  mtls_variant mtls-sha1-1024-client client-sha1-1024 "" "-cipher DEFAULT:@SECLEVEL=0"
}
cap_mtls-no-clientauth-eku() { mtls_variant mtls-no-clientauth-eku client-no-clientauth; }
cap_mtls-other-ca-client() { mtls_variant mtls-other-ca-client client-other-ca; }
cap_mtls-ec-client() { mtls_variant mtls-ec-client client-ec; }
cap_mtls-no-client-cert() {
  sserver_capture mtls-no-client-cert "$S_RSA $MTLS -tls1_2" "$SNI $CLIENT_CA -tls1_2"
  expect_some mtls-no-client-cert "$CAP/mtls-no-client-cert.pcap" 'tls.handshake.type==13'
}
cap_mtls-ca-names() {
  # trust store and advertised CA list: intermediate + root + the unrelated other CA
  sserver_capture mtls-ca-names "$S_RSA -Verify 1 -verify_return_error -CAfile $PKI/all-cas.pem -tls1_2" \
    "$SNI $CLIENT_CA -tls1_2 $C_RSA"
  expect_some mtls-ca-names "$CAP/mtls-ca-names.pcap" 'tls.handshake.type==13 && tls.handshake.dnames_len > 0'
}
cap_tls13-mtls() {
  sserver_capture tls13-mtls "$S_RSA $MTLS -tls1_3" "$SNI $CLIENT_CA -tls1_3 $C_RSA"
  expect_none tls13-mtls "$CAP/tls13-mtls.pcap" 'tls.handshake.type==13'
}

# TLS 1.3 handshakes that fail where only keys would show why: the server's (or client's) alert is
# encrypted. tlspeek infers the failure from record sizes (src/tls/session/outcome.ts).
cap_tls13-mtls-no-client-cert() {
  sserver_capture tls13-mtls-no-client-cert "$S_RSA $MTLS -tls1_3" "$SNI $CLIENT_CA -tls1_3"
  expect_some tls13-mtls-no-client-cert "$CAP/tls13-mtls-no-client-cert.pcap" 'tls.handshake.type==2'
}
cap_tls13-mtls-other-ca-client() {
  sserver_capture tls13-mtls-other-ca-client "$S_RSA $MTLS -tls1_3" "$SNI $CLIENT_CA -tls1_3 -cert $PKI/client-other-ca.crt -key $PKI/client-other-ca.key"
  expect_some tls13-mtls-other-ca-client "$CAP/tls13-mtls-other-ca-client.pcap" 'tls.handshake.type==2'
}
cap_tls13-mtls-pkcs1-client() {
  # a client that can sign only PKCS#1 v1.5 (a smartcard stand-in): TLS 1.3 allows none of that for its CertificateVerify
  sserver_capture tls13-mtls-pkcs1-client "$S_RSA $MTLS -tls1_3" "$SNI $CLIENT_CA -tls1_3 $C_RSA -client_sigalgs RSA+SHA256:RSA+SHA384"
  expect_some tls13-mtls-pkcs1-client "$CAP/tls13-mtls-pkcs1-client.pcap" 'tls.handshake.type==2'
}
cap_tls13-client-distrusts-server() {
  sserver_capture tls13-client-distrusts-server "$S_RSA -tls1_3" "$SNI -CAfile $PKI/other-ca.crt -verify_return_error -tls1_3"
  expect_some tls13-client-distrusts-server "$CAP/tls13-client-distrusts-server.pcap" 'tls.handshake.type==2'
}

# TLS 1.3 client authentication with the client's key log beside the capture (NAME.keys, written by
# s_client -keylogfile): tlspeek replay --keylog decrypts the CertificateRequest, the certificates
# and the alerts; tshark -o tls.keylog_file:NAME.keys is the oracle (test/conformance/keylog.test.ts).
keylog_capture() { # name server-args client-args
  rm -f "$CAP/$1.keys"
  sserver_capture "$1" "$2" "$3 -keylogfile $CAP/$1.keys"
  [ -s "$CAP/$1.keys" ] || die "$1: s_client wrote no key log"
  expect_some "$1" "$CAP/$1.pcap" 'tls.handshake.type==2'
}
cap_tls13-keylog-mtls() {
  keylog_capture tls13-keylog-mtls "$S_RSA $MTLS -tls1_3" "$SNI $CLIENT_CA -tls1_3 $C_RSA"
}
cap_tls13-keylog-certreq-no-pss() {
  # the old advice: ClientSignatureAlgorithms without RSA-PSS; in TLS 1.3 the RSA client has no scheme left
  keylog_capture tls13-keylog-certreq-no-pss "$S_RSA $MTLS -tls1_3 -client_sigalgs ECDSA+SHA256:RSA+SHA256:RSA+SHA384" "$SNI $CLIENT_CA -tls1_3 $C_RSA"
}
cap_tls13-keylog-client-no-pss() {
  # a client whose signature algorithms have no RSA-PSS (a PKCS#1-only token); an ECDSA server, so the server can still sign
  keylog_capture tls13-keylog-client-no-pss "-cert $PKI/server-ec.crt -key $PKI/server-ec.key $MTLS -tls1_3" "$SNI $CLIENT_CA -tls1_3 $C_RSA -sigalgs RSA+SHA256:RSA+SHA384:ECDSA+SHA256"
}

cap_apache-reneg-location() {
  # Apache's per-<Location> client authentication in TLS 1.2: no certificate asked in the first
  # handshake; the request for /secure/ makes httpd renegotiate to ask for one. curl writes the key log.
  local n=apache-reneg-location
  PORT=$(free_port)
  start_apache $n "$PORT" "  SSLVerifyClient none
  <Location /secure>
    SSLVerifyClient require
  </Location>"
  rm -f "$CAP/$n.keys"
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  local args=(-sS --max-time 20 --http1.1 --tls-max 1.2 --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/ca-chain.pem"
    --cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key" "https://localhost:$PORT/secure/")
  record $n client "SSLKEYLOGFILE=\$CAP/$n.keys curl $(q "${args[@]}")"
  SSLKEYLOGFILE="$CAP/$n.keys" curl "${args[@]}" >"$WORK/$n.client.log" 2>&1 || true
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  [ -s "$CAP/$n.keys" ] || die "$n: curl wrote no key log"
  expect_some $n "$CAP/$n.pcap" 'tls.handshake.type==1'
}

cap_apache-pha-location() {
  # The same <Location> client authentication in TLS 1.3: no renegotiation there; httpd asks with a
  # post-handshake CertificateRequest (curl offers post_handshake_auth). curl writes the key log.
  local n=apache-pha-location
  PORT=$(free_port)
  start_apache $n "$PORT" "  SSLProtocol -all +TLSv1.3
  SSLVerifyClient none
  <Location /secure>
    SSLVerifyClient require
  </Location>"
  rm -f "$CAP/$n.keys"
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  local args=(-sS --max-time 20 --http1.1 --tlsv1.3 --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/ca-chain.pem"
    --cert "$PKI/client-rsa.crt" --key "$PKI/client-rsa.key" "https://localhost:$PORT/secure/")
  record $n client "SSLKEYLOGFILE=\$CAP/$n.keys curl $(q "${args[@]}")"
  SSLKEYLOGFILE="$CAP/$n.keys" curl "${args[@]}" >"$WORK/$n.client.log" 2>&1 || true
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  [ -s "$CAP/$n.keys" ] || die "$n: curl wrote no key log"
  expect_some $n "$CAP/$n.pcap" 'tls.handshake.type==1'
}

cap_plain-http-to-tls-port() {
  local n=plain-http-to-tls-port
  PORT=$(free_port)
  start_sserver $n "$PORT" $S_RSA
  start_tcpdump "$CAP/$n.pcap" "$PORT"; local tpid=$TCPDUMP_PID
  local args=(-sS --max-time 10 "http://127.0.0.1:$PORT/")
  record $n client "curl $(q "${args[@]}")"
  curl "${args[@]}" >"$WORK/$n.client.log" 2>&1 || true
  stop_tcpdump "$tpid"; stop_server "$SERVER_PID"; PORT=
  expect_some $n "$CAP/$n.pcap" 'http.request'
}

cap_sni-mismatch() {
  sserver_capture sni-mismatch "$S_RSA -cert_chain $PKI/server-chain.pem -tls1_2" \
    "-servername wrong.example -verify_hostname wrong.example -verify_return_error $CLIENT_CA -tls1_2"
  expect_some sni-mismatch "$CAP/sni-mismatch.pcap" 'tls.handshake.extensions_server_name=="wrong.example"'
}

cap_tls12-reordered() {
  [ -f "$CAP/tls12.pcap" ] || die "tls12-reordered needs captures/tls12.pcap"
  record tls12-reordered capture "node scripts/reorder-capture.mjs captures/tls12.pcap captures/tls12-reordered.pcap"
  node "$ROOT/scripts/reorder-capture.mjs" "$CAP/tls12.pcap" "$CAP/tls12-reordered.pcap" >&2
  expect_some tls12-reordered "$CAP/tls12-reordered.pcap" 'tcp.analysis.out_of_order || tcp.analysis.retransmission || tcp.analysis.spurious_retransmission'
  expect_some tls12-reordered "$CAP/tls12-reordered.pcap" 'tls.change_cipher_spec'
}

# ---------------------------------------------------------------- main
log "work dir $WORK"
bash "$ROOT/scripts/make-pki.sh" "$PKI" >&2

for name in "${WANT[@]}"; do
  t0=$(date +%s%N)
  for attempt in 1 2 3; do
    INCOMPLETE=0
    "cap_$name"
    [ "$INCOMPLETE" = 0 ] && break
    [ "$attempt" = 3 ] && die "$name: capture still incomplete after 3 attempts"
    log "$name: re-recording (attempt $((attempt + 1)))"
  done
  f="$CAP/$name.pcap"
  [ -s "$f" ] || die "$name: $f missing or empty"
  syn=$(count_syn "$f")
  [ "$syn" -ge 1 ] || die "$name: no TCP connection in $f"
  [ "$name" = tls12-reordered ] || expect_none "$name" "$f" 'tcp.analysis.lost_segment'
  printf 'make-captures: %-28s %2d conn  %6d bytes  %5d ms\n' "$name" "$syn" "$(stat -c %s "$f")" \
    "$(( ($(date +%s%N) - t0) / 1000000 ))" >&2
done

# ---------------------------------------------------------------- manifest, README, test
{
  printf 'tool\topenssl\t%s\n' "$(openssl version)"
  printf 'tool\tapache2\t%s\n' "$(apache2 -v 2>/dev/null | head -1)"
  printf 'tool\tcurl\t%s\n' "$(curl --version | head -1)"
  printf 'tool\ttcpdump\t%s\n' "$(tcpdump --version 2>&1 | head -1)"
  printf 'tool\ttshark\t%s\n' "$(tshark --version 2>/dev/null | head -1)"
  printf 'tool\tkernel\t%s\n' "$(uname -sr)"
  printf 'tool\tdate\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >>"$CMDLOG"
node "$ROOT/scripts/captures/finalize.mjs" "$CMDLOG" "$CAP/manifest.json" "$CAP/README.md"

total=$(node -e 'const fs=require("fs"),p=require("path");const d=process.argv[1];const m=JSON.parse(fs.readFileSync(p.join(d,"manifest.json")));console.log(m.captures.reduce((n,c)=>n+fs.statSync(p.join(d,c.file)).size,0))' "$CAP")
log "captures listed in manifest.json: ${total} bytes"
[ "$total" -lt 2000000 ] || die "captures are too large: $total bytes"

if [ -z "${SKIP_TEST:-}" ]; then
  (cd "$ROOT" && node --import tsx --test test/captures/manifest.test.ts) >&2 || die "manifest test failed"
fi
log "done in $(( $(date +%s) - START_TS ))s"
