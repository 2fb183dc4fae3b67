/**
 * The per-subscription ARM read bucket shared by instances through Table storage (#16): two
 * independent TableArmReadBudget instances (own TableClient, own process state) over the same
 * Azurite table never grant together more than ARM's bucket allows (250 burst + 25/s refill);
 * two memory-only buckets would (the control: what the table row prevents).
 */
import { describe, expect, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { useAzurite } from '../../helpers/azurite';
import { InMemoryArmReadBudget, TableArmReadBudget, ArmBudgetExhaustedError } from '../../../src/azure/drift/arm-budget';
import type { ArmReadBudget } from '../../../src/app/ports/inventory';

const azurite = useAzurite();

const LIMITS = { burst: 250, refillPerSecond: 25 };
const T0 = 1_800_000_000_000;
const SUB = '00000000-0000-0000-0000-0000000000aa';

interface Grant {
  reads: number;
  waitMs: number;
}

/** Each instance takes `takes` × `reads` tokens, one take after the other; the instances run side by side. */
async function drain(budgets: ArmReadBudget[], takes: number, reads: number): Promise<Grant[]> {
  const grants: Grant[] = [];
  await Promise.all(
    budgets.map(async (b) => {
      for (let i = 0; i < takes; i++) grants.push({ reads, waitMs: await b.take(SUB, reads) });
    }),
  );
  return grants;
}

/** Tokens usable by time w (ms after T0) must be ≤ burst + refill × w: the most the bucket over-grants at any w. */
function worstExcess(grants: Grant[]): number {
  const sorted = [...grants].sort((a, b) => a.waitMs - b.waitMs);
  let used = 0;
  let worst = -Infinity;
  for (const g of sorted) {
    used += g.reads;
    worst = Math.max(worst, used - (LIMITS.burst + (LIMITS.refillPerSecond * g.waitMs) / 1000));
  }
  return worst;
}

describe('ARM read budget shared through Table storage', () => {
  it('two instances over the same table stay within one bucket together', async () => {
    const table = `armbudget${Date.now() % 1_000_000}`;
    const client = () => TableClient.fromConnectionString(azurite().connectionString, table, { allowInsecureConnection: true });
    const now = () => T0; // frozen clock: no refill while the instances compete
    const sleep = async () => {}; // waits are returned, not slept
    const a = new TableArmReadBudget({ ...LIMITS, now, sleep, client: client() });
    const b = new TableArmReadBudget({ ...LIMITS, now, sleep, client: client() });
    const grants = await drain([a, b], 100, 4); // 800 tokens asked: 250 free, 550 reserved ahead (22 s)
    expect(grants).toHaveLength(200);
    expect(grants.filter((g) => g.waitMs === 0).reduce((n, g) => n + g.reads, 0)).toBeLessThanOrEqual(LIMITS.burst);
    expect(worstExcess(grants)).toBeLessThanOrEqual(0);
    // the debt is the whole fleet's: the last reservation waits for the refill of all 550 tokens
    expect(Math.max(...grants.map((g) => g.waitMs))).toBe(Math.ceil(((800 - LIMITS.burst) / LIMITS.refillPerSecond) * 1000));
    // the stored row holds the shared balance
    const row = await client().getEntity<{ tokens: number; at: number }>('budget', SUB);
    expect(row.tokens).toBe(LIMITS.burst - 800);
    // beyond 60 s of debt (1,500 tokens) a further take is refused with a transient 503 by either instance
    await expect(b.take(SUB, 1000)).rejects.toBeInstanceOf(ArmBudgetExhaustedError);
  }, 60_000);

  it('control: two memory-only buckets would grant twice the burst at once', async () => {
    const now = () => T0;
    const sleep = async () => {};
    const grants = await drain([new InMemoryArmReadBudget({ ...LIMITS, now, sleep }), new InMemoryArmReadBudget({ ...LIMITS, now, sleep })], 100, 4);
    expect(grants.filter((g) => g.waitMs === 0).reduce((n, g) => n + g.reads, 0)).toBeGreaterThan(LIMITS.burst + 200); // 2 × 248 with takes of 4
    expect(worstExcess(grants)).toBeGreaterThan(0);
  });
});
