/**
 * GET /api/planner and /api/planner/{*path} — the planner page: the static
 * files of the top-level `public/` folder (no framework, no build step). The
 * page calls the public API only. Anonymous: it is a page, not data.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { HttpResponseInit } from '@azure/functions';
import { httpEndpoint } from '../http/endpoint';
import { BadRequestError, NotFoundError } from '../http/problem';
import { problemSchema } from '../schemas/common';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The project root: the nearest folder above `from` holding package.json and
 * a `public/` folder (compiled: dist/src/functions → three up, past the
 * dist/package.json tsc emits for src/version.ts; under vitest: src/functions
 * → two up).
 */
export function findProjectRoot(from: string = __dirname): string {
  let dir = resolve(from);
  let nearest: string | undefined;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      nearest ??= dir;
      if (existsSync(join(dir, 'public'))) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      if (nearest) return nearest;
      throw new Error(`no package.json above ${from}`);
    }
    dir = parent;
  }
}

let publicDir: string | undefined;
export function publicRoot(): string {
  publicDir ??= join(findProjectRoot(), 'public');
  return publicDir;
}

/**
 * The file a request path names inside `root`, or a 404/400: no `..`, no
 * absolute paths, no hidden files, no NUL; `''` and a trailing `/` mean index.html.
 */
export function resolveStaticPath(root: string, requested: string): string {
  if (requested.includes('\0') || requested.includes('\\')) throw new BadRequestError('The path contains a forbidden character.');
  const segments = requested.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) throw new NotFoundError(`No planner file '${requested}'.`);
  if (requested === '' || requested.endsWith('/')) segments.push('index.html');
  const full = resolve(root, ...segments);
  if (full !== root && !full.startsWith(root + sep)) throw new NotFoundError(`No planner file '${requested}'.`);
  return full;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

export async function serveStatic(root: string, requested: string): Promise<HttpResponseInit> {
  const file = resolveStaticPath(root, requested);
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  const info = await stat(file).catch(() => undefined);
  if (!info || !info.isFile() || !type) throw new NotFoundError(`No planner file '${requested}'.`);
  const body = await readFile(file);
  return {
    status: 200,
    headers: { 'Content-Type': type, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS },
    body,
  };
}

export const plannerPage = httpEndpoint({
  name: 'plannerPage',
  route: 'planner/{*path}',
  authLevel: 'anonymous',
  operations: {
    GET: {
      doc: {
        summary: 'The planner page (HTML, CSS, JS)',
        description:
          'A page to paste workloads and constraints, see the recommended replicas, the cost/latency frontier and the replication map. Served from the `public/` folder; `/api/planner` redirects to `/api/planner/`. It calls the public API only (POST /api/recommendations, POST /api/map.svg).',
        tags: ['service'],
        parameters: [
          {
            // The Functions route is the catch-all `planner/{*path}`; OpenAPI has no catch-all, and the page's files are flat.
            name: 'path',
            in: 'path',
            description:
              'A file of the page under `public/` (`index.html`, `planner.js`, `planner.css`). Empty, i.e. `/api/planner/`, serves `index.html`. A NUL, backslash, control character or malformed escape, or a path over 2048 characters, is a 400; anything that leaves `public/`, is hidden (`.`-prefixed) or does not exist is a 404.',
            schema: { type: 'string', examples: ['index.html', 'planner.js', 'planner.css'] },
          },
        ],
        responses: {
          '200': { description: 'The file', schema: { type: 'string' }, contentType: 'text/html' },
          '302': { description: '/api/planner → /api/planner/ (so the page\'s relative links resolve)' },
          '400': { description: 'The path holds a NUL, a backslash, a control character or a malformed escape, or is over 2048 characters', schema: problemSchema, contentType: 'application/problem+json' },
          '404': { description: 'No such file', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const path = rc.params.path ?? '';
        const url = new URL(rc.request.url);
        if (path === '' && !url.pathname.endsWith('/')) {
          return { status: 302, headers: { Location: `${url.pathname}/${url.search}`, 'Cache-Control': 'no-cache' } };
        }
        return serveStatic(publicRoot(), path);
      },
    },
  },
});
