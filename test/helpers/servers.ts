// Launchers for the real servers and clients the tests run against: openssl s_server,
// Apache httpd + mod_ssl, openssl s_client, curl, gnutls-cli, tcpdump, and small Node TCP
// servers. Everything binds to loopback on a free port, runs under `timeout`, and is
// stopped by the caller (stop() in an after() hook); stopAll() is a last resort.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync, readFileSync, existsSync, utimesSync } from 'node:fs';
import net, { type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Pki } from './pki.js';
import { startProxy, type ProxyHandle, type ProxyOptions } from '../../src/app/proxy.js';
import type { Connection } from '../../src/tls/model.js';

export interface Running {
  host: string;
  port: number;
  /** What the process wrote so far (stdout and stderr). */
  output(): string;
  /** Terminates the process (SIGTERM, then SIGKILL after 3 s) and waits for it. */
  stop(): Promise<void>;
}

export interface ClientResult {
  /** Exit status, or null when killed (timeout). */
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Kills every process these helpers started that is still running (for after() hooks). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stopProcess(p)));
}

function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) {
    running.delete(p);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const kill = setTimeout(() => p.kill('SIGKILL'), 3000);
    p.once('exit', () => {
      clearTimeout(kill);
      running.delete(p);
      resolve();
    });
    p.kill(signal);
  });
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** A port that was free a moment ago on host (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** "host:port" with IPv6 in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts cmd under `timeout` with its output collected; resolves once ready() says so. */
async function launch(
  cmd: string,
  args: string[],
  opts: { cwd?: string; maxSeconds: number; ready: (out: string) => boolean | Promise<boolean>; what: string; readyMs?: number },
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('timeout', ['-s', 'TERM', '-k', '5', String(opts.maxSeconds), cmd, ...args], {
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const deadline = Date.now() + (opts.readyMs ?? 15_000);
  while (!(await opts.ready(out))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${opts.what} exited early:\n${out}`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${opts.what} not ready in time:\n${out}`);
    }
    await sleep(50);
  }
  return { child, output: () => out };
}

/** True when something listens on host:port (TCP), checked with ss (no connection is made). */
export function isListening(port: number): boolean {
  const r = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

// ---------------------------------------------------------------------------------------------
// openssl s_server

export interface SServerOptions {
  /** Extra s_server arguments: certificate, -Verify, -sigalgs, -client_sigalgs, -tls1_2 … */
  args: string[];
  host?: string;
  port?: number;
  /**
   * 'file' (default): -WWW serving `body` as /index.txt, so every response is the same;
   * 'www': -www (a status page that differs per connection); 'echo': no HTTP, s_server's stdin/stdout mode.
   */
  mode?: 'file' | 'www' | 'echo';
  /** The file served at /index.txt in 'file' mode. */
  body?: string | Buffer;
  /** Seconds before `timeout` kills it anyway (default 120). */
  maxSeconds?: number;
}

export interface SServer extends Running {
  /** The body served at /index.txt ('file' mode). */
  body: Buffer;
}

/** openssl s_server on a free loopback port; resolves once it prints ACCEPT. */
export async function startSServer(o: SServerOptions): Promise<SServer> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort(host));
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-sserver-'));
  const body = Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body ?? 'hello from tlspeek s_server\n');
  writeFileSync(join(dir, 'index.txt'), body);
  const mode = o.mode ?? 'file';
  const modeArgs = mode === 'file' ? ['-WWW'] : mode === 'www' ? ['-www'] : [];
  const { child, output } = await launch('openssl', ['s_server', '-accept', hostPort(host, port), ...modeArgs, '-quiet', ...o.args], {
    cwd: dir,
    maxSeconds: o.maxSeconds ?? 120,
    ready: (out) => out.includes('ACCEPT') || isListening(port),
    what: `openssl s_server ${o.args.join(' ')}`,
  });
  return {
    host,
    port,
    body,
    output,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Apache httpd + mod_ssl

export interface ApacheOptions {
  pki: Pki;
  host?: string;
  port?: number;
  /** SSLVerifyClient (default require). */
  verifyClient?: 'require' | 'optional' | 'none';
  /** SSLProtocol (default "-all +TLSv1.2"). */
  protocol?: string;
  /** Further directives inside the <VirtualHost>, e.g. 'SSLOpenSSLConfCmd ClientSignatureAlgorithms RSA+SHA256'. */
  directives?: string[];
  /** index.html contents. */
  body?: string;
  maxSeconds?: number;
}

export interface Apache extends Running {
  dir: string;
  conf: string;
  errorLog(): string;
}

const APACHE_MODULES = '/usr/lib/apache2/modules';

/** The httpd.conf the tests use: prefork, one worker, workers as www-data, TLS on one loopback port. */
export function apacheConfig(dir: string, host: string, port: number, o: ApacheOptions): string {
  const m = APACHE_MODULES;
  const listen = hostPort(host, port);
  return `ServerRoot "${dir}"
DefaultRuntimeDir "${dir}"
PidFile "${dir}/httpd.pid"
ErrorLog "${dir}/error.log"
LogLevel info ssl:info
LoadModule mpm_prefork_module ${m}/mod_mpm_prefork.so
LoadModule authz_core_module ${m}/mod_authz_core.so
LoadModule mime_module ${m}/mod_mime.so
LoadModule dir_module ${m}/mod_dir.so
LoadModule socache_shmcb_module ${m}/mod_socache_shmcb.so
LoadModule ssl_module ${m}/mod_ssl.so
StartServers 2
MinSpareServers 2
MaxSpareServers 4
User www-data
Group www-data
ServerName localhost
Listen ${listen}
DocumentRoot "${dir}/htdocs"
DirectoryIndex index.html
TypesConfig /dev/null
KeepAlive Off
SSLSessionCache none
SSLSessionTickets off
<Directory />
  Require all granted
</Directory>
<VirtualHost ${listen}>
  ServerName localhost
  SSLEngine on
  SSLProtocol ${o.protocol ?? '-all +TLSv1.2'}
  SSLCertificateFile "${o.pki.serverRsaFullchain}"
  SSLCertificateKeyFile "${o.pki.serverRsa.key}"
  SSLCACertificateFile "${o.pki.caChain}"
  SSLVerifyClient ${o.verifyClient ?? 'require'}
  SSLVerifyDepth 3
${(o.directives ?? []).map((d) => `  ${d}`).join('\n')}
</VirtualHost>
`;
}

/** Apache httpd with mod_ssl in the foreground, on a free loopback port, config written to a temp dir. */
export async function startApache(o: ApacheOptions): Promise<Apache> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort(host));
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-apache-'));
  chmodSync(dir, 0o755);
  const htdocs = join(dir, 'htdocs');
  spawnSync('mkdir', ['-p', htdocs]);
  chmodSync(htdocs, 0o755);
  const index = join(htdocs, 'index.html');
  writeFileSync(index, o.body ?? 'hello from tlspeek apache\n', { mode: 0o644 });
  // httpd makes the ETag weak (W/"…") for a file modified within the last second, so a direct
  // request and one through the proxy a moment later got different headers: date it in the past.
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(index, past, past);
  const conf = join(dir, 'httpd.conf');
  writeFileSync(conf, apacheConfig(dir, host, port, o));
  const { child, output } = await launch('apache2', ['-f', conf, '-k', 'start', '-DFOREGROUND'], {
    maxSeconds: o.maxSeconds ?? 180,
    ready: () => isListening(port),
    what: 'apache2',
  });
  // Let the first workers come up.
  await sleep(300);
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  return {
    host,
    port,
    dir,
    conf,
    errorLog,
    output,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// nginx

export interface NginxOptions {
  pki: Pki;
  host?: string;
  port?: number;
  /** ssl_protocols (default "TLSv1.2 TLSv1.3"). */
  protocols?: string;
  /** Further directives inside the server block, e.g. 'ssl_conf_command ClientSignatureAlgorithms RSA+SHA256;'. */
  directives?: string[];
  maxSeconds?: number;
}

/** The nginx.conf the tests use: one process (no master), TLS with a required client certificate. */
export function nginxConfig(dir: string, host: string, port: number, o: NginxOptions): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid "${dir}/nginx.pid";
error_log "${dir}/error.log" info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path "${dir}/tmp";
  proxy_temp_path "${dir}/tmp";
  fastcgi_temp_path "${dir}/tmp";
  uwsgi_temp_path "${dir}/tmp";
  scgi_temp_path "${dir}/tmp";
  server {
    listen ${hostPort(host, port)} ssl;
    server_name localhost;
    ssl_protocols ${o.protocols ?? 'TLSv1.2 TLSv1.3'};
    ssl_certificate "${o.pki.serverRsaFullchain}";
    ssl_certificate_key "${o.pki.serverRsa.key}";
    ssl_client_certificate "${o.pki.caChain}";
    ssl_verify_client on;
    ssl_verify_depth 3;
    ssl_session_tickets off;
${(o.directives ?? []).map((d) => `    ${d}`).join('\n')}
    location / { return 200 "hello from tlspeek nginx\n"; }
  }
}
`;
}

/** nginx in the foreground on a free loopback port, config and logs in a temp dir. */
export async function startNginx(o: NginxOptions): Promise<Running & { dir: string; errorLog(): string }> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort(host));
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-nginx-'));
  spawnSync('mkdir', ['-p', join(dir, 'tmp')]);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, host, port, o));
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const { child, output } = await launch('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    maxSeconds: o.maxSeconds ?? 120,
    ready: () => isListening(port),
    what: `nginx (${errorLog()})`,
  });
  return {
    host,
    port,
    dir,
    errorLog,
    output,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// clients

export interface RunOptions {
  input?: string | Buffer;
  /** Killed after this (default 20 s). */
  timeoutMs?: number;
  cwd?: string;
}

/** Runs a command to completion, collecting stdout (bytes) and stderr. */
export function runCommand(cmd: string, args: string[], o: RunOptions = {}): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 20_000);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('error', (e) => {
      clearTimeout(timer);
      running.delete(child);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(o.input ?? '');
  });
}

export interface TlsClientOptions extends RunOptions {
  host?: string;
  port: number;
  /** Client certificate and key. */
  cert?: { cert: string; key: string };
  /** CA bundle to verify the server with. */
  caFile?: string;
}

export const HTTP_GET = (path = '/', host = 'localhost') => `GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`;

/** openssl s_client sending `input` (default an HTTP/1.0 GET of /index.txt) and reading to EOF. */
export function runSClient(o: TlsClientOptions & { args?: string[] }): Promise<ClientResult> {
  const args = ['s_client', '-connect', hostPort(o.host ?? '127.0.0.1', o.port), '-servername', 'localhost', '-quiet', '-ign_eof'];
  if (o.caFile) args.push('-CAfile', o.caFile, '-verify_return_error');
  if (o.cert) args.push('-cert', o.cert.cert, '-key', o.cert.key);
  args.push(...(o.args ?? []));
  return runCommand('openssl', args, { ...o, input: o.input ?? HTTP_GET('/index.txt') });
}

/** curl over HTTPS with localhost resolved to the given address; stdout is the body. */
export function runCurl(o: TlsClientOptions & { path?: string; args?: string[] }): Promise<ClientResult> {
  const host = o.host ?? '127.0.0.1';
  const args = ['-sS', '--max-time', String(Math.ceil((o.timeoutMs ?? 20_000) / 1000)), '--http1.1', '--resolve', `localhost:${o.port}:${host}`];
  if (o.caFile) args.push('--cacert', o.caFile);
  if (o.cert) args.push('--cert', o.cert.cert, '--key', o.cert.key);
  args.push(...(o.args ?? []), `https://localhost:${o.port}${o.path ?? '/'}`);
  return runCommand('curl', args, o);
}

/** gnutls-cli with an HTTP/1.0 GET on stdin. */
export function runGnutlsCli(o: TlsClientOptions & { args?: string[] }): Promise<ClientResult> {
  const args = ['--port', String(o.port), '--sni-hostname', 'localhost'];
  if (o.caFile) args.push('--x509cafile', o.caFile);
  else args.push('--insecure');
  if (o.cert) args.push('--x509certfile', o.cert.cert, '--x509keyfile', o.cert.key);
  args.push(...(o.args ?? []), o.host ?? '127.0.0.1');
  return runCommand('gnutls-cli', args, { ...o, input: o.input ?? HTTP_GET('/index.txt') });
}

// ---------------------------------------------------------------------------------------------
// tcpdump

export interface Tcpdump {
  file: string;
  /** Stops the capture (SIGINT) after a short pause for the last packets, and waits for the file. */
  stop(): Promise<void>;
}

/** tcpdump -i lo -U -w FILE 'tcp port PORT'; resolves once it is listening. */
export async function startTcpdump(o: { file: string; port: number; iface?: string; maxSeconds?: number }): Promise<Tcpdump> {
  const { child } = await launch(
    'tcpdump',
    ['-i', o.iface ?? 'lo', '-s', '0', '-U', '--immediate-mode', '-n', '-w', o.file, `tcp port ${o.port}`],
    { maxSeconds: o.maxSeconds ?? 60, ready: (out) => out.includes('listening on'), what: 'tcpdump' },
  );
  await sleep(200);
  return {
    file: o.file,
    stop: async () => {
      await sleep(300);
      await stopProcess(child, 'SIGINT');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// plain TCP servers in this process

export interface TcpServer {
  host: string;
  port: number;
  server: Server;
  /** Sockets currently open on the server side. */
  readonly sockets: Set<Socket>;
  /** Connections accepted so far. */
  readonly accepted: number;
  stop(): Promise<void>;
}

/** A TCP server on a free loopback port with allowHalfOpen; handler gets each socket. */
export function startTcpServer(handler: (s: Socket) => void, o: { host?: string } = {}): Promise<TcpServer> {
  const host = o.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    handler(s);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        host,
        port,
        server,
        sockets,
        get accepted() {
          return accepted;
        },
        stop: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Echoes everything back, and ends its side when the client ends. */
export function startEchoServer(o: { host?: string } = {}): Promise<TcpServer> {
  return startTcpServer((s) => s.pipe(s), o);
}

// ---------------------------------------------------------------------------------------------
// tlspeek proxy in this process


export interface TestProxy {
  host: string;
  port: number;
  handle: ProxyHandle;
  /** Reports as printed (JSON Lines parsed), in order. */
  printed: Connection[];
  /** Final states, as connections closed. */
  closed: Connection[];
  stdout(): string;
  stderr(): string;
  /** Stops the proxy (grace period as configured) and resolves with its exit status. */
  stop(): Promise<number>;
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  return { stream, text: () => text };
}

/** tlspeek proxy (startProxy) on a free loopback port in front of backend; JSON output by default. */
export async function startTestProxy(backend: { host: string; port: number }, o: Partial<ProxyOptions> = {}): Promise<TestProxy> {
  const out = collector();
  const err = collector();
  const closed: Connection[] = [];
  const opts: ProxyOptions = {
    listen: { host: '127.0.0.1', port: 0 },
    backend: { host: backend.host, port: backend.port },
    connectTimeoutMs: 5000,
    idleTimeoutMs: 0,
    maxConnections: 1024,
    json: true,
    color: 'never',
    verbose: false,
    graceMs: 500,
    ...o,
  };
  const handle = await startProxy(opts, { out: out.stream, err: err.stream }, { closed: (c) => closed.push(c) });
  const printed: Connection[] = [];
  let parsed = 0;
  return {
    host: handle.address.host,
    port: handle.address.port,
    handle,
    get printed() {
      if (!opts.json) return printed;
      const lines = out.text().split('\n').filter(Boolean);
      for (; parsed < lines.length; parsed++) printed.push(JSON.parse(lines[parsed]!) as Connection);
      return printed;
    },
    closed,
    stdout: out.text,
    stderr: err.text,
    stop: () => handle.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
// raw sockets for relay tests

/** A half-open-capable TCP connection to a loopback port. */
export function connectSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host, allowHalfOpen: true });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything a socket delivers until it ends or closes, and how it ended. */
export function collectSocket(s: Socket): Promise<{ data: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: string | undefined;
    s.on('data', (d: Buffer) => parts.push(d));
    // Sockets here allow half-open: answer the peer's FIN with ours.
    s.on('end', () => s.end());
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => resolve(error === undefined ? { data: Buffer.concat(parts) } : { data: Buffer.concat(parts), error }));
  });
}
