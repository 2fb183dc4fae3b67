import { describe, expect, it } from 'vitest';
import { InMemoryPlanStore } from '../../../src/azure/store/memory';
import { LockBusyError, LockLostError } from '../../../src/azure/store/errors';
import { REG_A, planStoreContract } from './contract';

planStoreContract('in-memory', () => new InMemoryPlanStore());

describe('InMemoryPlanStore lock expiry', () => {
  it('an expired lock can be taken over; the old holder then cannot renew', async () => {
    let clock = 1_000_000;
    const store = new InMemoryPlanStore({ now: () => clock });
    const first = await store.acquireRegistryLock(REG_A, 'one', 15);
    clock += 14_000;
    await expect(store.acquireRegistryLock(REG_A, 'two', 15)).rejects.toBeInstanceOf(LockBusyError);
    await first.renew();
    clock += 14_000;
    await expect(store.acquireRegistryLock(REG_A, 'two', 15)).rejects.toBeInstanceOf(LockBusyError);
    clock += 2_000;
    const second = await store.acquireRegistryLock(REG_A, 'two', 15);
    await expect(first.renew()).rejects.toBeInstanceOf(LockLostError);
    await first.release(); // does not release someone else's lock
    await expect(store.acquireRegistryLock(REG_A, 'three', 15)).rejects.toBeInstanceOf(LockBusyError);
    await second.release();
  });
});
