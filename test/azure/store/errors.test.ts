/** toStoreError: only real storage failures become 503 StoreUnavailable; errors with their own status pass through. */
import { describe, expect, it } from 'vitest';
import { RestError } from '@azure/core-rest-pipeline';
import { carriesOwnStatus, isStorageFailure, LockBusyError, PlanNotFoundError, StoreUnavailableError, toStoreError } from '../../../src/azure/store/errors';
import { PlanIntegrityError, PlanStateError, SelfApprovalError } from '../../../src/model/plan/errors';
import { ConflictError, ForbiddenError, problemResponse } from '../../../src/http/problem';
import { InvalidInputError } from '../../../src/model/errors';

const netError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('toStoreError', () => {
  it('passes errors that carry their own status through unchanged', () => {
    const own = [
      new SelfApprovalError('alice requested it'),
      new PlanIntegrityError('changed', 'a', 'b'),
      new PlanStateError('not pending', 'approved', 'approve'),
      new ForbiddenError('no'),
      new ConflictError('busy'),
      new InvalidInputError([]),
      new PlanNotFoundError('p'),
      new LockBusyError('/r', 'x'),
    ];
    for (const e of own) {
      expect(carriesOwnStatus(e), e.name).toBe(true);
      expect(toStoreError(e, 'update'), e.name).toBe(e);
    }
    expect(problemResponse(toStoreError(new SelfApprovalError('x'), 'update')).status).toBe(403);
    expect(problemResponse(toStoreError(new PlanStateError('x', 'approved', 'approve'), 'update')).status).toBe(409);
  });

  it('turns storage failures into StoreUnavailableError with Retry-After: 5', () => {
    const failures = [
      new RestError('server busy', { statusCode: 503 }),
      new RestError('throttled', { statusCode: 429 }),
      new RestError('no access', { statusCode: 403 }),
      new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      netError('ECONNRESET'),
      netError('ETIMEDOUT'),
      Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }),
      Object.assign(new Error('no managed identity'), { name: 'CredentialUnavailableError' }),
    ];
    for (const e of failures) {
      expect(isStorageFailure(e), e.message).toBe(true);
      const mapped = toStoreError(e, 'get', 'plan store');
      expect(mapped, e.message).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as StoreUnavailableError).cause).toBe(e);
      const res = problemResponse(mapped);
      expect(res.status).toBe(503);
      expect((res.headers as Record<string, string>)['Retry-After']).toBe('5');
    }
  });

  it('leaves bugs and storage 4xx answers alone (a 500, logged; never a retryable 503)', () => {
    const notOutages = [new TypeError('x is undefined'), new SyntaxError('Unexpected token'), new RangeError('ttl'), new RestError('bad request', { statusCode: 400 })];
    for (const e of notOutages) {
      expect(toStoreError(e, 'update'), e.message).toBe(e);
      expect(problemResponse(e).status).toBe(500);
    }
    expect(toStoreError('a string', 'update')).toBe('a string');
  });
});
