/** Checks every recorded ARM exchange against the official Swagger (oav); asserts zero violations. */
import { expect } from 'vitest';
import { createContractValidator } from '../../devhost/sandbox/contract';
import type { RecordedExchange } from '../../devhost/sandbox/types';

export async function expectContractClean(exchanges: readonly RecordedExchange[], minChecked = 5): Promise<void> {
  const validator = await createContractValidator();
  const results = await validator.validateExchanges([...exchanges]);
  expect(results.length).toBeGreaterThan(minChecked);
  const failures = results.filter((r) => !r.ok).map((r) => ({ op: r.operationId, status: r.statusCode, url: r.url, issues: r.issues }));
  expect(failures).toEqual([]);
}
