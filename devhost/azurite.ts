/**
 * Azurite launcher for tests and the local host (development only, never shipped): reuse an Azurite already listening
 * on the blob port, or spawn the one in node_modules as a child process (its own
 * process group, killed on stop and on process exit).
 *
 * Ports: pass 0 (or leave all three undefined with `ephemeral: true`) to pick free
 * ports, so parallel test files each get their own Azurite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_PORTS, devConnectionString } from '../src/azure/store/dev-storage';

export { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME, DEFAULT_PORTS, devConnectionString, type DevPorts } from '../src/azure/store/dev-storage';

export interface AzuriteOptions {
  /** `--inMemoryPersistence` (tests); otherwise data lives in `location`. */
  inMemory: boolean;
  /** 0 = pick a free port. Defaults 10000 / 10001 / 10002. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Workspace folder (default: a fresh temp dir, removed on stop). */
  location?: string;
  /** Default 20 s. */
  startTimeoutMs?: number;
}

export interface AzuriteHandle {
  /** False when an Azurite (or something) was already listening on the blob port and is reused. */
  started: boolean;
  connectionString: string;
  blobPort: number;
  queuePort: number;
  tablePort: number;
  /** Stops the Azurite this call started (no-op for a reused one). Idempotent. */
  stop(): Promise<void>;
}

export class AzuriteStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AzuriteStartError';
  }
}

const HOST = '127.0.0.1';

export function isListening(port: number, host = HOST, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Asks the OS for a free TCP port (bind to 0, read it, close). */
export function freePort(host = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

export function azuriteScript(): string {
  const pkg = require.resolve('azurite/package.json');
  return join(dirname(pkg), 'dist', 'src', 'azurite.js');
}

async function resolvePorts(o: AzuriteOptions): Promise<{ blob: number; queue: number; table: number }> {
  const picked = new Set<number>();
  const pick = async (p: number | undefined, dflt: number): Promise<number> => {
    if (p === undefined) return dflt;
    if (p !== 0) return p;
    for (;;) {
      const port = await freePort();
      if (!picked.has(port)) {
        picked.add(port);
        return port;
      }
    }
  };
  return {
    blob: await pick(o.blobPort, DEFAULT_PORTS.blob),
    queue: await pick(o.queuePort, DEFAULT_PORTS.queue),
    table: await pick(o.tablePort, DEFAULT_PORTS.table),
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export async function ensureAzurite(opts: AzuriteOptions): Promise<AzuriteHandle> {
  const ports = await resolvePorts(opts);
  const connectionString = devConnectionString({ blobPort: ports.blob, queuePort: ports.queue, tablePort: ports.table });
  const base = { connectionString, blobPort: ports.blob, queuePort: ports.queue, tablePort: ports.table };

  if (opts.blobPort !== 0 && (await isListening(ports.blob))) {
    return { ...base, started: false, stop: async () => {} };
  }

  const busy: number[] = [];
  for (const p of [ports.queue, ports.table]) if (await isListening(p)) busy.push(p);
  if (busy.length > 0) {
    throw new AzuriteStartError(
      `cannot start azurite: port ${busy.join(', ')} on ${HOST} is already in use by something else (the blob port ${ports.blob} is free)`,
    );
  }

  const ownDir = opts.location === undefined;
  const location = opts.location ?? mkdtempSync(join(tmpdir(), 'azurite-'));
  const args = [
    azuriteScript(),
    '--blobHost', HOST, '--blobPort', String(ports.blob),
    '--queueHost', HOST, '--queuePort', String(ports.queue),
    '--tableHost', HOST, '--tablePort', String(ports.table),
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    '--disableTelemetry',
  ];
  // Azurite refuses --location together with --inMemoryPersistence; the temp dir is then only its cwd.
  if (opts.inMemory) args.push('--inMemoryPersistence');
  else args.push('--location', location);

  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: location });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exitedP;
      clearTimeout(timer);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (ownDir) rmSync(location, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new AzuriteStartError(`azurite exited before listening (exit code ${child.exitCode}): ${output.trim() || 'no output'}`);
    }
    const up = await Promise.all([ports.blob, ports.queue, ports.table].map((p) => isListening(p)));
    if (up.every(Boolean)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new AzuriteStartError(
        `azurite did not listen on ${HOST}:${ports.blob}/${ports.queue}/${ports.table} within ${opts.startTimeoutMs ?? 20_000} ms: ${output.trim() || 'no output'}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...base, started: true, stop };
}
