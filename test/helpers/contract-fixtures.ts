/**
 * Contract check against the official Swagger of /work/shared/specs PLUS the subsets copied into
 * test/fixtures/specs/specification (same upstream layout, so their relative `$ref`s to the shared
 * common-types resolve): both trees are merged into one temporary directory for oav.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createContractValidator, findRepoRoot, specsDir, type ContractValidator } from '../../devhost/sandbox/contract';
import type { RecordedExchange } from '../../devhost/sandbox/types';

let merged: Promise<ContractValidator> | undefined;

export function mergedSpecsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'specs-'));
  fs.cpSync(specsDir(), dir, { recursive: true });
  fs.cpSync(path.join(findRepoRoot(), 'test/fixtures/specs/specification'), path.join(dir, 'specification'), { recursive: true });
  fs.chmodSync(dir, 0o755);
  return dir;
}

export function fixtureValidator(): Promise<ContractValidator> {
  merged ??= createContractValidator(mergedSpecsDir());
  return merged;
}

export async function expectContractCleanWithFixtures(exchanges: readonly RecordedExchange[], minChecked = 1): Promise<Array<{ operationId: string }>> {
  const validator = await fixtureValidator();
  const results = await validator.validateExchanges([...exchanges]);
  expect(results.length).toBeGreaterThanOrEqual(minChecked);
  const failures = results.filter((r) => !r.ok).map((r) => ({ op: r.operationId, status: r.statusCode, url: r.url, issues: r.issues }));
  expect(failures).toEqual([]);
  return results;
}
