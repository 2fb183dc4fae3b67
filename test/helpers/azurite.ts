/**
 * One in-memory Azurite per test file: started before the file's tests, stopped after them.
 *   const azurite = useAzurite();   // at the file's top level
 *   … azurite().connectionString …  // inside tests
 */
import { afterAll, beforeAll } from 'vitest';
import { ensureAzurite, type AzuriteHandle } from '../../devhost/azurite';

export function useAzurite(): () => AzuriteHandle {
  let handle: AzuriteHandle | undefined;
  beforeAll(async () => {
    handle = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 });
  });
  afterAll(async () => {
    await handle?.stop();
  });
  return () => {
    if (handle === undefined) throw new Error('Azurite is not started: call azurite() inside a test or hook');
    return handle;
  };
}
