/** Network preflight (#15): permissions matched like ARM (wildcards, notActions), blockers make the plan blocked. */
import { describe, expect, it } from 'vitest';
import { isActionGranted, preflight, PRIVATE_LINK_PROXY_WRITE, REPLICA_WRITE } from '../../../src/model/plan/preflight';
import { approve } from '../../../src/model/plan/state';
import { PlanStateError } from '../../../src/model/plan/errors';
import type { LiveNetwork } from '../../../src/model/plan/types';
import { makePlan, rep, T0, topo } from './fixtures';

const net = (over: Partial<LiveNetwork> = {}): LiveNetwork => ({ publicNetworkAccess: 'Enabled', networkRuleDefaultAction: 'Allow', ipRuleCount: 0, dataEndpointEnabled: false, dataEndpointHostNames: [], privateEndpoints: [], ...over });

describe('isActionGranted', () => {
  it('wildcards, case-insensitive; notActions of the same entry subtract; another entry may grant', () => {
    expect(isActionGranted(REPLICA_WRITE, [{ actions: ['*'], notActions: [] }])).toBe(true);
    expect(isActionGranted(REPLICA_WRITE, [{ actions: ['microsoft.containerregistry/*'], notActions: [] }])).toBe(true);
    expect(isActionGranted(PRIVATE_LINK_PROXY_WRITE, [{ actions: ['*'], notActions: ['Microsoft.Network/*'] }])).toBe(false);
    expect(isActionGranted(PRIVATE_LINK_PROXY_WRITE, [{ actions: ['*'], notActions: ['Microsoft.Network/*'] }, { actions: ['Microsoft.Network/privateLinkServiceProxies/write'], notActions: [] }])).toBe(true);
    expect(isActionGranted(REPLICA_WRITE, [{ actions: ['*/read'], notActions: [] }])).toBe(false);
  });
});

describe('preflight', () => {
  it('no private endpoint: only replications/write is needed; nothing to add to DNS or firewalls', () => {
    const p = preflight({ registryName: 'Contoso', newRegions: ['eastus'], network: net(), permissions: [{ actions: ['*'], notActions: [] }], checkedAt: T0.toISOString() });
    expect(p.replicas).toEqual([{ region: 'eastus', permissions: [{ action: REPLICA_WRITE, granted: true }], dataEndpointHosts: [], privateDnsRecords: [] }]);
    expect(p.blockers).toEqual([]);
  });

  it('network unknown and permissions unreadable → nothing blocked, both stated as not checked', () => {
    const p = preflight({ registryName: 'contoso', newRegions: ['eastus'], network: null, permissions: null, permissionsUnreadable: 'ARM answered 403', checkedAt: T0.toISOString() });
    expect(p.blockers).toEqual([]);
    expect(p.unchecked).toEqual([expect.stringMatching(/^permissions were not checked: ARM answered 403/), expect.stringMatching(/network configuration was not read/)]);
  });

  it('a blocker makes the new plan blocked; approval is refused with the reason', () => {
    const pf = preflight({ registryName: 'contoso', newRegions: ['eastus'], network: net({ privateEndpoints: [{ name: 'pe1', privateEndpointId: null, status: 'Approved' }] }), permissions: [{ actions: ['Microsoft.ContainerRegistry/*'], notActions: [] }], checkedAt: T0.toISOString() });
    expect(pf.blockers).toEqual([expect.stringContaining(PRIVATE_LINK_PROXY_WRITE)]);
    const plan = makePlan(topo('Premium', []), topo('Premium', [rep('eastus')]), false, { preflight: pf });
    expect(plan.state).toBe('blocked');
    expect(() => approve(plan, { actor: 'bob@contoso.com', now: T0 })).toThrow(PlanStateError);
    expect(() => approve(plan, { actor: 'bob@contoso.com', now: T0 })).toThrow(/is blocked: .*privateLinkServiceProxies\/write.*create a new plan/);
  });
});
