/**
 * Local host only: `GET /` → `/api/planner/`, so opening http://localhost:7071
 * shows the planner page. (In Azure the Functions host owns `/`.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const PLANNER_PATH = '/api/planner/';

export async function redirectRootToPlanner(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/' || (method !== 'GET' && method !== 'HEAD')) return false;
  res.writeHead(302, { Location: PLANNER_PATH, 'Content-Length': '0', 'Cache-Control': 'no-cache' });
  res.end();
  return true;
}
