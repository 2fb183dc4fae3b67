/**
 * `npm start` end to end: the built local host (dist-dev/devhost/main.js) starts from the
 * example settings, answers /api/health, and shuts down cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const entry = join(root, 'dist-dev', 'devhost', 'main.js');

async function waitForHealth(url: string, deadline: number): Promise<Response> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return res;
      last = res.status;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no healthy answer from ${url}: ${String(last)}`);
}

describe('npm start (local host process)', () => {
  it('answers GET /api/health within 15 s on PORT and exits 0 on SIGTERM', async () => {
    expect(existsSync(entry), 'run `npm run build:dev` first (npm test does)').toBe(true);
    const port = 7100 + Math.floor(Math.random() * 800);
    const child = spawn(process.execPath, [entry], { cwd: root, env: { ...process.env, PORT: String(port), AZURITE_IN_MEMORY: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      const res = await waitForHealth(`http://127.0.0.1:${port}/api/health`, started + 15_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
      for (let i = 0; i < 50 && !/GET \/api\/health 200/.test(output); i++) await new Promise((r) => setTimeout(r, 20));
      expect(output).toMatch(/GET \/api\/health 200/);
      // the reproducer (`curl --path-as-is http://127.0.0.1:7071//` with odd Host headers): a 400 problem, and the process lives on
      for (const hostHeader of ['', 'a b', '[', 'x:99999']) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          let text = '';
          socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
          socket.write(`GET // HTTP/1.1\r\nHost: ${hostHeader}\r\n\r\n`);
        });
        expect(answer, hostHeader).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
      }
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    expect(code, output.split('\n').slice(-8).join('\n')).toBe(0);
    expect(output).toMatch(/SIGTERM: shutting down/);
  }, 60_000);
});
