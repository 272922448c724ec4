// The floor: a bare Node walk over a pcap file with fs.createReadStream, reading the 24-byte
// global header and then only the 16-byte record headers (incl_len says how far to skip).
// It is plain JavaScript handed to `node -e`, so that it pays neither tsx nor any import.
export const BARE_WALK_JS = String.raw`
const fs = require('node:fs');
const file = process.argv[1];
let pos = 0;           // file offset of the current chunk's first byte
let next = 24;         // file offset of the next record header
let have = 0;          // bytes of a record header that was split across chunks
const hdr = Buffer.alloc(16);
let le = true;
let packets = 0;
const s = fs.createReadStream(file, { highWaterMark: 1 << 20 });
s.on('data', (chunk) => {
  if (pos === 0) {
    const magic = chunk.readUInt32LE(0);
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
    else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
    else { console.error(file + ': not a pcap file'); process.exit(2); }
  }
  for (;;) {
    let incl;
    if (have > 0) {
      const need = 16 - have;
      if (chunk.length < need) { chunk.copy(hdr, have); have += chunk.length; break; }
      chunk.copy(hdr, have, 0, need);
      have = 0;
      incl = le ? hdr.readUInt32LE(8) : hdr.readUInt32BE(8);
    } else {
      const rel = next - pos;
      if (rel >= chunk.length) break;
      if (rel + 16 > chunk.length) { chunk.copy(hdr, 0, rel); have = chunk.length - rel; break; }
      incl = le ? chunk.readUInt32LE(rel + 8) : chunk.readUInt32BE(rel + 8);
    }
    next += 16 + incl;
    packets++;
  }
  pos += chunk.length;
});
s.on('end', () => { process.stdout.write(JSON.stringify({ packets, bytes: pos }) + '\n'); });
s.on('error', (e) => { console.error(String(e)); process.exit(1); });
`;
