// Micro-benchmark of record decryption (src/tls/crypto): records per second through one
// RecordDecryptor, per cipher and record size, on records sealed beforehand (test/tls/crypto/seal.ts
// writes them as a TLS stack would). Decryption is per record: node:crypto's decipher is made anew
// for each (it cannot be reset), the nonce, additional data and MAC header are written into buffers
// the decryptor keeps, and the plaintext is the decipher's own output (a view, not a copy).
//
//   small  100-byte contents (handshake messages, alerts, requests)
//   full   16 KiB contents (bulk application data)
//
// Each figure is the median of ROUNDS timed passes over RECORDS records after WARMUP untimed ones,
// as wall-clock time and as this process's CPU time (process.cpuUsage).
//
//   node --import tsx scripts/bench/decrypt.ts [--records N] [--rounds N] [--json]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BULK_CIPHERS, RECORD_MACS, type AeadParams, type CbcParams } from '../../src/tls/crypto/cipher-params.js';
import { DecryptError, Tls12AeadDecryptor, Tls12CbcDecryptor, Tls13Decryptor, type RecordDecryptor } from '../../src/tls/crypto/decryptor.js';
import { cbcSender, sealTls12Aead, sealTls13 } from '../../test/tls/crypto/seal.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RECORDS = opt('--records', 4000);
const ROUNDS = opt('--rounds', 5);
const WARMUP = 1;
const json = args.includes('--json');

interface Case {
  name: string;
  size: number;
  make(): { decryptor: RecordDecryptor; records: { type: number; body: Buffer }[] };
}

const gcm = BULK_CIPHERS.AES_128_GCM as AeadParams;
const chacha = BULK_CIPHERS.CHACHA20_POLY1305 as AeadParams;
const cbc = BULK_CIPHERS.AES_128_CBC as CbcParams;
const sha1 = RECORD_MACS.SHA!;

function tls13(aead: AeadParams, size: number) {
  const key = randomBytes(aead.keyLength);
  const iv = randomBytes(12);
  const content = randomBytes(size);
  return { decryptor: new Tls13Decryptor(aead, key, iv), records: Array.from({ length: RECORDS }, (_, seq) => ({ type: 23, body: sealTls13(aead, key, iv, seq, 23, content) })) };
}
function tls12Aead(aead: AeadParams, size: number) {
  const key = randomBytes(aead.keyLength);
  const fixed = randomBytes(aead.fixedIvLength);
  const content = randomBytes(size);
  return { decryptor: new Tls12AeadDecryptor(aead, key, fixed), records: Array.from({ length: RECORDS }, (_, seq) => ({ type: 23, body: sealTls12Aead(aead, key, fixed, seq, 23, 0x0303, content) })) };
}
function tls12Cbc(etm: boolean, size: number) {
  const key = randomBytes(16);
  const macKey = randomBytes(20);
  const send = cbcSender(cbc, sha1, macKey, key, undefined, etm);
  const content = randomBytes(size);
  return { decryptor: new Tls12CbcDecryptor(cbc, sha1, macKey, key, undefined, etm), records: Array.from({ length: RECORDS }, (_, seq) => ({ type: 23, body: send.seal(seq, 23, 0x0303, content) })) };
}

const CASES: Case[] = [];
for (const [label, size] of [['small', 100], ['full', 16384]] as const) {
  CASES.push(
    { name: `TLS 1.3 AES-128-GCM ${label}`, size, make: () => tls13(gcm, size) },
    { name: `TLS 1.2 AES-128-GCM ${label}`, size, make: () => tls12Aead(gcm, size) },
    { name: `TLS 1.2 ChaCha20-Poly1305 ${label}`, size, make: () => tls12Aead(chacha, size) },
    { name: `TLS 1.2 AES-128-CBC-SHA MtE ${label}`, size, make: () => tls12Cbc(false, size) },
    { name: `TLS 1.2 AES-128-CBC-SHA EtM ${label}`, size, make: () => tls12Cbc(true, size) },
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const results: { name: string; size: number; recordsPerSecond: number; cpuRecordsPerSecond: number; mbPerSecond: number }[] = [];
for (const c of CASES) {
  const { decryptor, records } = c.make();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let seq = 0; seq < records.length; seq++) {
      const r = records[seq]!;
      const out = decryptor.decrypt(r.type, 0x0303, r.body, seq);
      if (out instanceof DecryptError) throw new Error(`${c.name}: record ${seq}: ${out.message}`);
    }
    const c1 = process.cpuUsage(c0);
    const t1 = performance.now();
    if (round >= WARMUP) {
      wall.push(t1 - t0);
      cpu.push((c1.user + c1.system) / 1000);
    }
  }
  const ms = median(wall);
  const cpuMs = median(cpu);
  results.push({
    name: c.name,
    size: c.size,
    recordsPerSecond: Math.round((records.length / ms) * 1000),
    cpuRecordsPerSecond: Math.round((records.length / cpuMs) * 1000),
    mbPerSecond: Math.round(((records.length * c.size) / ms / 1000) * 10) / 10,
  });
}

if (json) {
  console.log(JSON.stringify({ records: RECORDS, rounds: ROUNDS, node: process.version, results }, null, 2));
} else {
  console.log(`record decryption, ${RECORDS} records per pass, median of ${ROUNDS} passes (node ${process.version})`);
  for (const r of results) {
    console.log(`${r.name.padEnd(38)} ${String(r.recordsPerSecond).padStart(8)} records/s (cpu ${String(r.cpuRecordsPerSecond).padStart(8)})  ${String(r.mbPerSecond).padStart(7)} MB/s`);
  }
}
