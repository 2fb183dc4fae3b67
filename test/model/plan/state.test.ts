import { describe, expect, it } from 'vitest';
import { PlanError, PlanExpiredError, PlanIntegrityError, PlanStateError, SelfApprovalError } from '../../../src/model/plan/errors';
import { approve, beginApply, effectiveState, finishApply, reject } from '../../../src/model/plan/state';
import type { ExecutionResult } from '../../../src/model/plan/types';
import { T0, approved, makePlan, rep, topo } from './fixtures';

const later = (ms: number) => new Date(T0.getTime() + ms);
const plan = () => makePlan(topo('Standard', []), topo('Premium', [rep('eastus')]));
const applied: ExecutionResult = { outcome: 'applied', steps: [], performed: [], alreadyDone: [] };
const failed: ExecutionResult = { outcome: 'partiallyApplied', steps: [], performed: [], alreadyDone: [], failedActionId: 'create-replica:eastus', error: 'boom' };

describe('plan state machine', () => {
  it('a new plan is pending with a creation audit entry', () => {
    const p = plan();
    expect(p.state).toBe('pending');
    expect(p.audit).toEqual([expect.objectContaining({ actor: 'alice@contoso.com', event: 'created' })]);
    expect(p.expiresAt).toBe(later(72 * 3600_000).toISOString());
  });

  it('refuses self-approval with 403', () => {
    const p = plan();
    const err = (() => {
      try {
        approve(p, { actor: ' Alice@Contoso.com ', now: later(1000) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SelfApprovalError);
    expect((err as PlanError).status).toBe(403);
  });

  it('approval records approver and content hash without mutating the input', () => {
    const p = plan();
    const a = approve(p, { actor: 'bob@contoso.com', now: later(1000), expectedContentHash: p.contentHash });
    expect(a).toMatchObject({ state: 'approved', approver: 'bob@contoso.com', approvedContentHash: p.contentHash });
    expect(p.state).toBe('pending');
    expect(a.audit.at(-1)).toMatchObject({ event: 'approved', actor: 'bob@contoso.com' });
    expect(() => approve(a, { actor: 'carol', now: later(2000) })).toThrow(PlanStateError);
  });

  it('approval is bound to the content the approver saw', () => {
    const p = plan();
    expect(() => approve(p, { actor: 'bob', now: later(1000), expectedContentHash: 'sha256:other' })).toThrow(PlanIntegrityError);
    const tampered = { ...p, target: topo('Premium', [rep('japaneast')]) };
    expect(() => approve(tampered, { actor: 'bob', now: later(1000) })).toThrow(PlanIntegrityError);
  });

  it('expired plans cannot be approved or applied (409)', () => {
    const p = plan();
    const past = later(73 * 3600_000);
    expect(effectiveState(p, past)).toBe('expired');
    expect(() => approve(p, { actor: 'bob', now: past })).toThrow(PlanExpiredError);
    const a = approved(p);
    expect(effectiveState(a, past)).toBe('expired');
    try {
      beginApply(a, { actor: 'ops', now: past });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanExpiredError);
      expect((e as PlanError).status).toBe(409);
    }
  });

  it('unapproved or rejected plans cannot be applied (409)', () => {
    const p = plan();
    try {
      beginApply(p, { actor: 'ops', now: later(1000) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanStateError);
      expect((e as PlanError).status).toBe(409);
    }
    const r = reject(p, { actor: 'bob', now: later(1000), reason: 'too expensive' });
    expect(r).toMatchObject({ state: 'rejected', rejectReason: 'too expensive' });
    expect(() => beginApply(r, { actor: 'ops', now: later(2000) })).toThrow(PlanStateError);
    expect(() => approve(r, { actor: 'bob', now: later(2000) })).toThrow(PlanStateError);
  });

  it('apply refuses when content changed after approval', () => {
    const a = approved(plan());
    const changed = { ...a, actions: [] };
    expect(() => beginApply(changed, { actor: 'ops', now: later(5000) })).toThrow(PlanIntegrityError);
  });

  it('approved -> applying -> partiallyApplied -> applying -> applied; applied is final and re-apply is a no-op', () => {
    const a = approved(plan());
    const s1 = beginApply(a, { actor: 'ops', now: later(5000) });
    expect(s1).toMatchObject({ state: 'applying', applyAttempts: 1 });
    const s2 = finishApply(s1, failed, { actor: 'ops', now: later(6000) });
    expect(s2).toMatchObject({ state: 'partiallyApplied', lastError: 'boom' });
    // partially applied plans do not expire: converging is always allowed
    const s3 = beginApply(s2, { actor: 'ops', now: later(100 * 3600_000) });
    expect(s3).toMatchObject({ state: 'applying', applyAttempts: 2 });
    expect(s3.lastError).toBeUndefined();
    expect(s3.audit.at(-1)?.event).toBe('applyResumed');
    const s4 = finishApply(s3, applied, { actor: 'ops', now: later(100 * 3600_000 + 1) });
    expect(s4.state).toBe('applied');
    expect(beginApply(s4, { actor: 'ops', now: later(200 * 3600_000) })).toBe(s4);
    expect(() => reject(s4, { actor: 'bob', now: later(1), reason: 'x' })).toThrow(PlanStateError);
    expect(() => finishApply(s4, applied, { actor: 'ops', now: later(1) })).toThrow(PlanStateError);
  });

  it('an interrupted run (still applying) can be resumed', () => {
    const s1 = beginApply(approved(plan()), { actor: 'ops', now: later(5000) });
    expect(beginApply(s1, { actor: 'ops', now: later(6000) })).toMatchObject({ state: 'applying', applyAttempts: 2 });
  });
});
