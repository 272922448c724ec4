#!/usr/bin/env bash
# make-pki.sh OUTDIR — build the test PKI that scripts/make-captures.sh uses.
#
# Everything is issued with `openssl ca` so that validity dates are pinned
# (openssl 3.0 `x509 -req` cannot set notBefore):
#   good certificates:   notBefore 2025-01-01 00:00:00Z, notAfter 2035-01-01 00:00:00Z (10 years)
#   client-expired:      2020-01-01 .. 2021-01-01 (entirely in the past)
#   client-not-yet-valid 2099-01-01 .. 2100-01-01 (entirely in the future)
# Serial numbers are deterministic (root 0x1000.., intermediate 0x2000.., other CA 0x3000..).
# Keys are fresh on every run, so fingerprints change; names, serials and dates do not.
#
# Output (OUTDIR/NAME.key, OUTDIR/NAME.crt, all PEM):
#   root-ca            RSA 2048, self-signed          CN=tlspeek Root CA
#   intermediate-ca    RSA 2048, issued by root        CN=tlspeek Intermediate CA
#   other-ca           RSA 2048, self-signed, unrelated CN=tlspeek Other CA
#   server-rsa         RSA 2048          } issued by the intermediate, EKU serverAuth,
#   server-ec          ECDSA P-256       } SAN DNS:localhost, IP:127.0.0.1, IP:::1
#   server-ed25519     Ed25519           }
#   server-rsa-pss     RSA-PSS 2048      }
#   client-rsa         RSA 2048,  EKU clientAuth, issued by the intermediate
#   client-ec          ECDSA P-256, EKU clientAuth, issued by the intermediate
#   client-expired     RSA 2048,  EKU clientAuth, validity in the past
#   client-not-yet-valid RSA 2048, EKU clientAuth, validity in the future
#   client-sha1-1024   RSA 1024,  EKU clientAuth, signed with sha1WithRSAEncryption
#   client-no-clientauth RSA 2048, EKU serverAuth only
#   client-other-ca    RSA 2048,  EKU clientAuth, issued by other-ca
# Bundles:
#   ca-chain.pem       intermediate + root (trust store for client certificates)
#   server-chain.pem   intermediate only (what a server sends after its leaf)
#   server-rsa-fullchain.pem  leaf + intermediate
#   all-cas.pem        intermediate + root + other-ca
#   dhparam-2048.pem   ffdhe2048 (RFC 7919) parameters
#   dhparam-1024.pem   freshly generated 1024-bit DH parameters
set -euo pipefail

OUT=${1:?usage: make-pki.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"

GOOD_START=20250101000000Z
GOOD_END=20350101000000Z
ORG="tlspeek test PKI"

ossl() { openssl "$@" 2>>"$OUT/openssl.log" || { echo "make-pki: openssl $* failed:" >&2; tail -20 "$OUT/openssl.log" >&2; exit 1; }; }

cat >"$OUT/ca.cnf" <<'EOF'
# Minimal `openssl ca` configuration; CADIR is set per CA through the environment.
CADIR = .
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $ENV::CADIR
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
name_opt = ca_default
cert_opt = ca_default
[ policy_any ]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = placeholder
[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_intermediate ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_server_nokeyenc ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client_serverauth_only ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

init_ca() { # dir first-serial
  rm -rf "$OUT/$1"
  mkdir -p "$OUT/$1/newcerts"
  : >"$OUT/$1/index.txt"
  echo "$2" >"$OUT/$1/serial"
}

genkey() { # name kind
  case "$2" in
    rsa2048) ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    rsa1024) ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1.key" ;;
    p256) ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1.key" ;;
    ed25519) ossl genpkey -algorithm ED25519 -out "$1.key" ;;
    rsapss) ossl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    *) echo "unknown key kind $2" >&2; exit 1 ;;
  esac
}

csr() { # name subject
  ossl req -new -config "$OUT/ca.cnf" -key "$1.key" -subj "$2" -out "$1.csr"
}

# issue CA-dir issuer-name name extensions start end [md]
issue() {
  local cadir=$1 issuer=$2 name=$3 ext=$4 start=$5 end=$6 md=${7:-sha256}
  local extra=()
  if [ "$issuer" = self ]; then extra=(-selfsign -keyfile "$name.key"); else extra=(-cert "$issuer.crt" -keyfile "$issuer.key"); fi
  CADIR="$OUT/$cadir" ossl ca -batch -config "$OUT/ca.cnf" -notext -preserveDN \
    -md "$md" -extensions "$ext" -startdate "$start" -enddate "$end" \
    "${extra[@]}" -in "$name.csr" -out "$name.crt"
}

init_ca ca-root 1000
init_ca ca-inter 2000
init_ca ca-other 3000

# --- CAs
genkey root-ca rsa2048
csr root-ca "/O=$ORG/CN=tlspeek Root CA"
issue ca-root self root-ca v3_root "$GOOD_START" "$GOOD_END"

genkey intermediate-ca rsa2048
csr intermediate-ca "/O=$ORG/CN=tlspeek Intermediate CA"
issue ca-root root-ca intermediate-ca v3_intermediate "$GOOD_START" "$GOOD_END"

genkey other-ca rsa2048
csr other-ca "/O=unrelated test PKI/CN=tlspeek Other CA"
issue ca-other self other-ca v3_root "$GOOD_START" "$GOOD_END"

# --- servers (all issued by the intermediate)
genkey server-rsa rsa2048
csr server-rsa "/O=$ORG/CN=localhost"
issue ca-inter intermediate-ca server-rsa v3_server "$GOOD_START" "$GOOD_END"

genkey server-ec p256
csr server-ec "/O=$ORG/CN=localhost"
issue ca-inter intermediate-ca server-ec v3_server_nokeyenc "$GOOD_START" "$GOOD_END"

genkey server-ed25519 ed25519
csr server-ed25519 "/O=$ORG/CN=localhost"
issue ca-inter intermediate-ca server-ed25519 v3_server_nokeyenc "$GOOD_START" "$GOOD_END"

genkey server-rsa-pss rsapss
csr server-rsa-pss "/O=$ORG/CN=localhost"
issue ca-inter intermediate-ca server-rsa-pss v3_server_nokeyenc "$GOOD_START" "$GOOD_END"

# --- clients
genkey client-rsa rsa2048
csr client-rsa "/O=$ORG/CN=client-rsa"
issue ca-inter intermediate-ca client-rsa v3_client "$GOOD_START" "$GOOD_END"

genkey client-ec p256
csr client-ec "/O=$ORG/CN=client-ec"
issue ca-inter intermediate-ca client-ec v3_client "$GOOD_START" "$GOOD_END"

genkey client-expired rsa2048
csr client-expired "/O=$ORG/CN=client-expired"
issue ca-inter intermediate-ca client-expired v3_client 20200101000000Z 20210101000000Z

genkey client-not-yet-valid rsa2048
csr client-not-yet-valid "/O=$ORG/CN=client-not-yet-valid"
issue ca-inter intermediate-ca client-not-yet-valid v3_client 20990101000000Z 21000101000000Z

genkey client-sha1-1024 rsa1024
csr client-sha1-1024 "/O=$ORG/CN=client-sha1-1024"
issue ca-inter intermediate-ca client-sha1-1024 v3_client "$GOOD_START" "$GOOD_END" sha1

genkey client-no-clientauth rsa2048
csr client-no-clientauth "/O=$ORG/CN=client-no-clientauth"
issue ca-inter intermediate-ca client-no-clientauth v3_client_serverauth_only "$GOOD_START" "$GOOD_END"

genkey client-other-ca rsa2048
csr client-other-ca "/O=unrelated test PKI/CN=client-other-ca"
issue ca-other other-ca client-other-ca v3_client "$GOOD_START" "$GOOD_END"

# --- bundles
cat intermediate-ca.crt root-ca.crt >ca-chain.pem
cat intermediate-ca.crt >server-chain.pem
cat server-rsa.crt intermediate-ca.crt >server-rsa-fullchain.pem
cat intermediate-ca.crt root-ca.crt other-ca.crt >all-cas.pem

# --- DH parameters: RFC 7919 ffdhe2048 (fixed, no generation needed) and a 1024-bit group
ossl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dhparam-2048.pem
ossl genpkey -genparam -algorithm DH -pkeyopt dh_paramgen_prime_len:1024 -pkeyopt dh_paramgen_type:generator -out dhparam-1024.pem

# --- sanity: chains verify (except the deliberately broken ones)
for c in server-rsa server-ec server-ed25519 server-rsa-pss client-rsa client-ec client-no-clientauth; do
  openssl verify -CAfile root-ca.crt -untrusted intermediate-ca.crt -attime 1767225600 "$c.crt" >/dev/null \
    || { echo "make-pki: $c.crt does not verify" >&2; exit 1; }
done
rm -f ./*.csr
echo "make-pki: PKI written to $OUT"
