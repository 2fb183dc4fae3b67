/** ARM sandbox: long-running operations of replications (operationStatuses / operationResults). */
import { registryId } from '../state';
import type { OperationRecord, RegistryRecord } from '../types';
import { ACR_API_VERSION, ArmError, requireApiVersion, type Reply } from './common';
import type { ArmContext } from './context';
import { replicaJson } from './json';
import { getRegistry } from './registries';
import type { ArmHandler } from './routes';

export function opUrls(ctx: ArmContext, r: RegistryRecord, replicaName: string, op: OperationRecord): { status: string; result: string } {
  const base = `${ctx.baseUrl}${registryId(r)}/replications/${replicaName}`;
  return {
    status: `${base}/operationStatuses/${op.id}?api-version=${ACR_API_VERSION}`,
    result: `${base}/operationResults/${op.id}?api-version=${ACR_API_VERSION}`,
  };
}

function statusReply(ctx: ArmContext, r: RegistryRecord, op: OperationRecord): Reply {
  return {
    statusCode: 200,
    headers: op.status === 'InProgress' ? { 'retry-after': ctx.retryAfter } : {},
    body: {
      id: `${registryId(r)}/replications/${op.replicaName}/operationStatuses/${op.id}`,
      name: op.id,
      status: op.status,
      startTime: new Date(op.startedAt).toISOString(),
      ...(op.endTime ? { endTime: op.endTime } : {}),
      ...(op.error ? { error: op.error } : {}),
    },
  };
}

function pollReply(ctx: ArmContext, r: RegistryRecord, replicaName: string, opId: string, kind: 'status' | 'result'): Reply {
  const op = ctx.state.operations.get(opId);
  if (!op || op.replicaName.toLowerCase() !== replicaName.toLowerCase()) {
    throw new ArmError(404, 'OperationNotFound', `Operation '${opId}' was not found.`);
  }
  ctx.state.poll(op);
  if (kind === 'status') return statusReply(ctx, r, op);
  if (op.status === 'InProgress') {
    return { statusCode: 202, headers: { location: opUrls(ctx, r, op.replicaName, op).result, 'retry-after': ctx.retryAfter } };
  }
  if (op.status === 'Failed') {
    throw new ArmError(500, op.error?.code ?? 'OperationFailed', op.error?.message ?? 'The operation failed.');
  }
  if (op.kind === 'deleteReplica') return { statusCode: 204 };
  const rep = r.replicas.get(op.replicaName.toLowerCase());
  return rep ? { statusCode: 200, body: replicaJson(r, rep) } : { statusCode: 204 };
}

const pollHandler: ArmHandler = (ctx, { kind, method, query, sub, rg, name, child, opId }) => {
  requireApiVersion(query, ACR_API_VERSION, 'registries/replications');
  if (method !== 'GET') return undefined;
  return pollReply(ctx, getRegistry(ctx, sub, rg, name), child, opId, kind === 'opStatus' ? 'status' : 'result');
};

export const OPERATION_HANDLERS: Record<string, ArmHandler> = {
  opStatus: pollHandler,
  opResult: pollHandler,
};
