/** ARM sandbox: the route table (path pattern -> kind and operationId) and the kind -> handler table. */
import { WEBHOOK_ROUTES } from '../webhooks';
import { PERMISSIONS_ROUTE } from '../network';
import type { ArmContext } from './context';
import { ArmError, type Reply } from './common';
import { REGISTRY_HANDLERS } from './registries';
import { REPLICATION_HANDLERS } from './replications';
import { OPERATION_HANDLERS } from './operations';
import { WEBHOOK_NETWORK_HANDLERS } from './webhooks-network';
import { METRICS_HANDLERS } from './metrics';

const SEG = '([^/]+)';
const RG_PREFIX = `^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.containerregistry/registries/${SEG}`;

interface Route {
  re: RegExp;
  operation: (method: string) => string;
}

export const ROUTES: Array<Route & { kind: string }> = [
  { kind: 'list', re: new RegExp(`^/subscriptions/${SEG}/providers/microsoft\\.containerregistry/registries$`, 'i'), operation: () => 'Registries_List' },
  { kind: 'listRg', re: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.containerregistry/registries$`, 'i'), operation: () => 'Registries_ListByResourceGroup' },
  { kind: 'registry', re: new RegExp(`${RG_PREFIX}$`, 'i'), operation: (m) => ({ GET: 'Registries_Get', PATCH: 'Registries_Update', PUT: 'Registries_Create', DELETE: 'Registries_Delete' })[m] ?? 'Unknown' },
  { kind: 'replications', re: new RegExp(`${RG_PREFIX}/replications$`, 'i'), operation: () => 'Replications_List' },
  { kind: 'replication', re: new RegExp(`${RG_PREFIX}/replications/${SEG}$`, 'i'), operation: (m) => ({ GET: 'Replications_Get', PUT: 'Replications_Create', PATCH: 'Replications_Update', DELETE: 'Replications_Delete' })[m] ?? 'Unknown' },
  { kind: 'opStatus', re: new RegExp(`${RG_PREFIX}/replications/${SEG}/operationStatuses/${SEG}$`, 'i'), operation: () => 'OperationStatus' },
  { kind: 'opResult', re: new RegExp(`${RG_PREFIX}/replications/${SEG}/operationResults/${SEG}$`, 'i'), operation: () => 'OperationResult' },
  ...WEBHOOK_ROUTES.map((w) => ({ kind: w.kind, re: new RegExp(`${RG_PREFIX}${w.suffix}$`, 'i'), operation: w.operation })),
  { kind: PERMISSIONS_ROUTE.kind, re: new RegExp(`${RG_PREFIX}${PERMISSIONS_ROUTE.suffix}$`, 'i'), operation: PERMISSIONS_ROUTE.operation },
  { kind: 'importImage', re: new RegExp(`${RG_PREFIX}/importImage$`, 'i'), operation: () => 'Registries_ImportImage' },
  { kind: 'importResult', re: new RegExp(`${RG_PREFIX}/importOperationResults/${SEG}$`, 'i'), operation: () => 'OperationResult' },
  { kind: 'metrics', re: new RegExp(`${RG_PREFIX}/providers/microsoft\\.insights/metrics$`, 'i'), operation: () => 'Metrics_List' },
];

/** One matched ARM request, with the path's capture groups named. */
export interface ArmRequest {
  kind: string;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  sub: string;
  rg: string;
  name: string;
  child: string;
  opId: string;
}

/** Returns undefined when the method is not allowed for the resource (405). */
export type ArmHandler = (ctx: ArmContext, req: ArmRequest) => Reply | undefined;

export function matchRoute(path: string, method: string): { kind: string; m: RegExpExecArray; operationId: string } | undefined {
  for (const route of ROUTES) {
    const m = route.re.exec(path);
    if (m) return { kind: route.kind, m, operationId: route.operation(method) };
  }
  return undefined;
}

const HANDLERS: Record<string, ArmHandler> = {
  ...REGISTRY_HANDLERS,
  ...REPLICATION_HANDLERS,
  ...OPERATION_HANDLERS,
  ...WEBHOOK_NETWORK_HANDLERS,
  ...METRICS_HANDLERS,
};

export function handleArm(ctx: ArmContext, kind: string, m: RegExpExecArray, method: string, path: string, query: URLSearchParams, body: unknown): Reply {
  const [, sub = '', rg = '', name = '', child = '', opId = ''] = m;
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, kind) ? HANDLERS[kind] : undefined;
  const reply = handler?.(ctx, { kind, method, path, query, body, sub, rg, name, child, opId });
  if (reply) return reply;
  throw new ArmError(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
}
