/**
 * Local host only: `GET /` → `/api/planner/`, so opening http://localhost:7071
 * shows the planner page. (In Azure the Functions host owns `/`.) Other
 * methods on `/` get a 405 problem naming GET and HEAD.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowedError } from '../src/http/problem';
import { clip, sendProblem } from './local-host';

export const PLANNER_PATH = '/api/planner/';
const ALLOW = ['GET', 'HEAD'];

export async function redirectRootToPlanner(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/') return false;
  if (!ALLOW.includes(method)) {
    sendProblem(res, new MethodNotAllowedError(clip(method, 20), ALLOW), '/');
    return true;
  }
  res.writeHead(302, { Location: PLANNER_PATH, 'Content-Length': '0', 'Cache-Control': 'no-cache' });
  res.end();
  return true;
}
