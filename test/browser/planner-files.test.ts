// The planner page's files over HTTP (no browser needed): routes, content types, traversal, 404s.
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHost } from '../../devhost/local-host';
import { findProjectRoot, plannerPage, publicRoot, resolveStaticPath } from '../../src/functions/planner-page';
import { invoke } from '../helpers/invoke';
import { startHost } from './harness';

let host: LocalHost;
beforeAll(async () => {
  host = await startHost();
});
afterAll(async () => host.close());

/** A raw GET (fetch would normalise `..` away before sending). */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('planner page files', () => {
  it('finds public/ by walking up to package.json', () => {
    const root = findProjectRoot();
    expect(publicRoot()).toBe(join(root, 'public'));
    expect(findProjectRoot(join(root, 'dist', 'src', 'functions'))).toBe(root);
  });

  it('GET / redirects to /api/planner/, and /api/planner to /api/planner/', async () => {
    const root = await rawGet('/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/api/planner/');
    const noSlash = await rawGet('/api/planner?x=1');
    expect(noSlash.status).toBe(302);
    expect(noSlash.headers.location).toBe('/api/planner/?x=1');
  });

  it('serves index.html, planner.js and planner.css with their content types and security headers', async () => {
    const cases: [string, string, RegExp][] = [
      ['/api/planner/', 'text/html; charset=utf-8', /<title>ACR geo-replication planner<\/title>/],
      ['/api/planner/index.html', 'text/html; charset=utf-8', /<main class="layout">/],
      ['/api/planner/planner.js', 'text/javascript; charset=utf-8', /export function buildRequest/],
      ['/api/planner/planner.css', 'text/css; charset=utf-8', /\.layout \{/],
    ];
    for (const [path, type, body] of cases) {
      const res = await fetch(`${host.url.replace('localhost', '127.0.0.1')}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text(), path).toMatch(body);
    }
  });

  it('answers 404 problem+json for missing files, hidden files and any way out of public/', async () => {
    for (const path of [
      '/api/planner/nope.js',
      '/api/planner/../package.json',
      '/api/planner/..%2Fpackage.json',
      '/api/planner/%2e%2e/%2e%2e/package.json',
      '/api/planner/.gitignore',
      '/api/planner/sub/',
    ]) {
      const res = await rawGet(path);
      if (res.status === 404 && res.headers['content-type'] === 'application/problem+json') continue;
      // `..` resolved by the router itself must still land outside the planner (never on package.json).
      expect(res.body, path).not.toContain('"name": "acr-geoplanner"');
      expect([400, 404], path).toContain(res.status);
    }
    const nul = await invoke(plannerPage, { path: 'planner/x%00', params: { path: 'x\0' } });
    expect(nul.status).toBe(400);
  });

  it('resolveStaticPath keeps every path inside the root', () => {
    const root = '/srv/public';
    expect(resolveStaticPath(root, '')).toBe('/srv/public/index.html');
    expect(resolveStaticPath(root, 'a/b.js')).toBe('/srv/public/a/b.js');
    expect(resolveStaticPath(root, './planner.js')).toBe('/srv/public/planner.js');
    for (const bad of ['../x', 'a/../../x', '/..', '.env', 'a/.git/config']) expect(() => resolveStaticPath(root, bad), bad).toThrow();
  });

  it('answers 405 for POST', async () => {
    const res = await invoke(plannerPage, { method: 'POST', path: 'planner/', params: { path: '' } });
    expect(res.status).toBe(405);
  });
});
