// The test PKI (scripts/make-pki.sh), built once per test process into a temp dir that is
// removed when the process exits. Paths are absolute; see make-pki.sh for what each one is.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/make-pki.sh', import.meta.url));

export interface KeyPair {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  rootCa: string;
  intermediateCa: string;
  /** intermediate + root: what servers trust for client certificates, and clients for servers. */
  caChain: string;
  allCas: string;
  serverChain: string;
  serverRsaFullchain: string;
  serverRsa: KeyPair;
  serverEc: KeyPair;
  serverEd25519: KeyPair;
  serverRsaPss: KeyPair;
  clientRsa: KeyPair;
  clientEc: KeyPair;
  clientExpired: KeyPair;
  clientOtherCa: KeyPair;
  clientSha1_1024: KeyPair;
  clientNoClientAuth: KeyPair;
  dhparam2048: string;
}

let pending: Promise<Pki> | undefined;

function pair(dir: string, name: string): KeyPair {
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** Builds the PKI on first call (about 10 s); later calls share it. */
export function getPki(): Promise<Pki> {
  pending ??= new Promise<Pki>((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'tlspeek-pki-'));
    // Unprivileged server workers (Apache as www-data) traverse this directory.
    chmodSync(dir, 0o755);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    execFile('bash', [SCRIPT, dir], { timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) {
        reject(new Error(`make-pki.sh failed: ${err.message}\n${stderr}`));
        return;
      }
      resolve({
        dir,
        rootCa: join(dir, 'root-ca.crt'),
        intermediateCa: join(dir, 'intermediate-ca.crt'),
        caChain: join(dir, 'ca-chain.pem'),
        allCas: join(dir, 'all-cas.pem'),
        serverChain: join(dir, 'server-chain.pem'),
        serverRsaFullchain: join(dir, 'server-rsa-fullchain.pem'),
        serverRsa: pair(dir, 'server-rsa'),
        serverEc: pair(dir, 'server-ec'),
        serverEd25519: pair(dir, 'server-ed25519'),
        serverRsaPss: pair(dir, 'server-rsa-pss'),
        clientRsa: pair(dir, 'client-rsa'),
        clientEc: pair(dir, 'client-ec'),
        clientExpired: pair(dir, 'client-expired'),
        clientOtherCa: pair(dir, 'client-other-ca'),
        clientSha1_1024: pair(dir, 'client-sha1-1024'),
        clientNoClientAuth: pair(dir, 'client-no-clientauth'),
        dhparam2048: join(dir, 'dhparam-2048.pem'),
      });
    });
  });
  return pending;
}
