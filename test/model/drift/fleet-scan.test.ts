/** The drift fan-out's pure parts: the reservation token bucket and the group messages. */
import { describe, expect, it } from 'vitest';
import { reserve, refilled } from '../../../src/model/drift/token-bucket';
import { groupMessages, parseDriftCheckMessage, MAX_MESSAGE_JSON_BYTES } from '../../../src/model/drift/messages';
import type { LiveRegistry } from '../../../src/model/live';
import { matchesFleetFilter, type FleetRow } from '../../../src/model/drift/fleet';

const L = { burst: 250, refillPerSecond: 25 };

describe('token bucket (reservation form)', () => {
  it('starts full, takes without waiting up to the burst, then makes the taker wait for the refill', () => {
    let s = null as ReturnType<typeof refilled> | null;
    for (let i = 0; i < 250; i++) {
      const r = reserve(s, 1, 0, L);
      expect(r.ok && r.waitMs).toBe(0);
      if (r.ok) s = r.state;
    }
    const next = reserve(s, 1, 0, L);
    expect(next.ok && next.waitMs).toBe(40); // 1 token at 25/s
    const ten = reserve(next.ok ? next.state : null, 10, 0, L);
    expect(ten.ok && ten.waitMs).toBe(440); // 11 tokens of debt
    expect(refilled({ tokens: -11, at: 0 }, 1000, L).tokens).toBe(14);
    expect(refilled({ tokens: 200, at: 0 }, 60_000, L).tokens).toBe(250); // never above the burst
    expect(reserve({ tokens: -1500, at: 0 }, 1, 0, L).ok).toBe(false); // a debt beyond 60 s is refused
  });
});

function reg(i: number, sub: string, location: string, replicas = 2): LiveRegistry {
  return {
    id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r${i}`,
    subscriptionId: sub,
    resourceGroup: 'rg',
    name: `r${i}`,
    location,
    sku: 'Premium',
    loginServer: `r${i}.azurecr.io`,
    zoneRedundancy: false,
    replicas: Array.from({ length: replicas }, (_, k) => ({ name: `rep${k}`, location: `loc${k}`, regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready' })),
    tags: { owner: 'x'.repeat(40) },
  };
}

describe('group messages', () => {
  const SUB = '00000000-0000-0000-0000-000000000001';
  const SUB2 = '00000000-0000-0000-0000-000000000002';
  it('puts every registry in exactly one message of ≤ 50 registries of one subscription and region, each small enough', () => {
    const regs = [...Array.from({ length: 130 }, (_, i) => reg(i, SUB, i % 2 ? 'eastus' : 'westeurope')), ...Array.from({ length: 7 }, (_, i) => reg(1000 + i, SUB2, 'eastus'))];
    const msgs = groupMessages('20261129T060000Z-abcdef01', regs);
    expect(msgs.flatMap((m) => m.registries.map((r) => r.id)).sort()).toEqual(regs.map((r) => r.id).sort());
    for (const m of msgs) {
      expect(m.registries.length).toBeLessThanOrEqual(50);
      expect(m.registries.every((r) => r.subscriptionId === m.subscriptionId && r.location === m.region)).toBe(true);
      expect(JSON.stringify(m).length).toBeLessThanOrEqual(MAX_MESSAGE_JSON_BYTES);
      expect(parseDriftCheckMessage(JSON.stringify(m))).toEqual(m);
    }
    expect(msgs).toHaveLength(2 + 2 + 1);
  });

  it('120 registries of one subscription and region make 3 messages (50, 50, 20); the same in two regions make separate ones', () => {
    const one = groupMessages('20261129T060000Z-abcdef01', Array.from({ length: 120 }, (_, i) => reg(i, SUB, 'eastus', 1)));
    expect(one.map((m) => m.registries.length)).toEqual([50, 50, 20]);
    const two = groupMessages('20261129T060000Z-abcdef01', Array.from({ length: 120 }, (_, i) => reg(i, SUB, i < 60 ? 'eastus' : 'westus', 1)));
    expect(two.map((m) => `${m.region}:${m.registries.length}`)).toEqual(['eastus:50', 'eastus:10', 'westus:50', 'westus:10']);
  });

  it('splits a group whose JSON would not fit a queue message', () => {
    const big = Array.from({ length: 50 }, (_, i) => ({ ...reg(i, SUB, 'eastus', 20), tags: Object.fromEntries(Array.from({ length: 15 }, (_, k) => [`tag${k}`, 'v'.repeat(200)])) }));
    const msgs = groupMessages('20261129T060000Z-abcdef01', big);
    expect(msgs.length).toBeGreaterThan(1);
    expect(msgs.every((m) => JSON.stringify(m).length <= MAX_MESSAGE_JSON_BYTES)).toBe(true);
    expect(msgs.reduce((n, m) => n + m.registries.length, 0)).toBe(50);
  });

  it('refuses malformed group messages with the reason', () => {
    const m = groupMessages('20261129T060000Z-abcdef01', [reg(1, SUB, 'eastus')])[0]!;
    expect(parseDriftCheckMessage({ ...m, region: 'westus' })).toMatch(/location differs/);
    expect(parseDriftCheckMessage({ ...m, registries: [] })).toMatch(/1 to 50/);
    expect(parseDriftCheckMessage({ ...m, subscriptionId: 'x' })).toMatch(/subscription id/);
    expect(parseDriftCheckMessage({ runId: m.runId, registryId: '/nope' })).toMatch(/registry resource id/);
  });
});

describe('fleet filter', () => {
  it('matches regions case-insensitively (a report may carry a location in another case)', () => {
    const row = { subscriptionId: 'S', region: 'WestEurope', status: 'ok' } as unknown as FleetRow;
    expect(matchesFleetFilter(row, { regions: ['westeurope'] })).toBe(true);
    expect(matchesFleetFilter(row, { regions: ['eastus'] })).toBe(false);
    expect(matchesFleetFilter({ ...row, region: null }, { regions: ['westeurope'] })).toBe(false);
    expect(matchesFleetFilter(row, { subscriptions: ['s'], statuses: ['ok'] })).toBe(true);
  });
});
