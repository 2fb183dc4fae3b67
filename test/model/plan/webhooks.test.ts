/** Regional webhooks in plans (#15): copies for new replica locations, header-bearing ones left to the approver. */
import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/model/plan/diff';
import { executePlan, isActionSatisfied } from '../../../src/model/plan/execute';
import type { CreateWebhookAction, LiveWebhook } from '../../../src/model/plan/types';
import { planWebhooks, webhookCopyName } from '../../../src/model/plan/webhooks';
import { approved, FakeRegistry, makePlan, rep, topo } from './fixtures';

const hook = (name: string, location: string, over: Partial<LiveWebhook> = {}): LiveWebhook => ({
  name,
  location,
  actions: ['push'],
  scope: '',
  status: 'enabled',
  serviceUri: `https://${name}.example.com/`,
  customHeaderNames: [],
  ...over,
});

describe('planWebhooks', () => {
  const { actions } = diff(topo('Premium', [rep('northeurope')]), topo('Premium', [rep('eastus'), rep('japaneast'), rep('northeurope')]), { allowDeletes: false });

  it('one copy per webhook configuration per new location, right after that replica; a configuration already there is not copied again', () => {
    const hooks = [hook('ci', 'westus'), hook('cinortheurope', 'northeurope', { serviceUri: 'https://ci.example.com/' }), hook('ops', 'westus', { actions: ['push', 'delete'] }), hook('opsjapan', 'japaneast', { serviceUri: 'https://ops.example.com/', actions: ['delete', 'push'] })];
    const out = planWebhooks(actions, hooks);
    expect(out.actions.map((a) => a.id)).toEqual(['create-replica:eastus', 'create-webhook:eastus:ci', 'create-webhook:eastus:ops', 'create-replica:japaneast', 'create-webhook:japaneast:ci']);
    expect(out.skipped).toEqual([]);
  });

  it('custom headers or an unreadable service URI → skipped with the reason, never an action; header values are not even known', () => {
    const out = planWebhooks(actions, [hook('sec', 'westus', { customHeaderNames: ['Authorization', 'X-Key'] }), hook('blind', 'westus', { serviceUri: null })]);
    expect(out.actions.filter((a) => a.kind === 'createWebhook')).toEqual([]);
    expect(out.skipped.map((s) => `${s.kind}:${s.region}`)).toEqual(['webhookNotReadable:eastus', 'webhookNeedsHeaders:eastus', 'webhookNotReadable:japaneast', 'webhookNeedsHeaders:japaneast']);
    expect(out.skipped[1]?.reason).toMatch(/Authorization, X-Key/);
  });

  it('copy names: <name><region>, at most 50 characters, unique', () => {
    expect(webhookCopyName('ci', 'eastus', new Set())).toBe('cieastus');
    expect(webhookCopyName('ci', 'eastus', new Set(['cieastus']))).toBe('cieastus2');
    const long = webhookCopyName('a'.repeat(50), 'australiasoutheast', new Set());
    expect(long).toHaveLength(50);
    expect(long.endsWith('australiasoutheast')).toBe(true);
  });

  it('apply: a webhook create is done once the webhook exists in its location (resume skips it)', async () => {
    const plan = approved(makePlan(topo('Premium', []), topo('Premium', [rep('eastus')]), false, { webhooks: [hook('ci', 'westus')] }));
    const w = plan.actions.find((a): a is CreateWebhookAction => a.kind === 'createWebhook')!;
    expect(isActionSatisfied(w, { ...topo('Premium', [rep('eastus')]), webhooks: [{ name: 'CIEASTUS', location: 'eastus' }] })).toBe(true);
    expect(isActionSatisfied(w, { ...topo('Premium', [rep('eastus')]), webhooks: [{ name: 'cieastus', location: 'westus' }] })).toBe(false);
    const reg = new FakeRegistry(plan.current);
    const origPerform = reg.perform.bind(reg);
    const created: string[] = [];
    reg.perform = async (a) => (a.kind === 'createWebhook' ? void created.push(a.webhook.name) : origPerform(a));
    expect((await executePlan(plan, reg)).outcome).toBe('applied');
    expect(created).toEqual(['cieastus']);
  });
});
