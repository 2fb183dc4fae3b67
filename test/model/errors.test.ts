/** The one error root: every named error is an AppError with status, PascalCase code and a human title; problem+json by instanceof. */
import { describe, expect, it } from 'vitest';
import { AppError, InvalidInputError, UnsatisfiableError, type InputIssue } from '../../src/model/errors';
import { IssueCollector, MAX_LISTED_ISSUES } from '../../src/model/inputs';
import { InvalidTargetError, PlanExpiredError, PlanIntegrityError, PlanStateError, SelfApprovalError, StalePlanError } from '../../src/model/plan/errors';
import {
  ConcurrencyError,
  InvalidKeyError,
  LockBusyError,
  LockLostError,
  PlanAlreadyExistsError,
  PlanNotFoundError,
  StoreUnavailableError,
} from '../../src/azure/store/errors';
import {
  AzureAuthenticationError,
  AzureForbiddenError,
  AzureNotFoundError,
  AzureOperationFailedError,
  AzureRequestRejectedError,
  AzureUpstreamError,
  InvalidArmRequestError,
  InvalidResourceIdError,
  RegistryNotFoundError,
  ReplicaNotFoundError,
} from '../../src/azure/arm/errors';
import { ArmConfigurationError } from '../../src/azure/arm/clients';
import { RetailPricesError } from '../../src/azure/retail-prices';
import { SolverBusyError, SolverCrashedError } from '../../src/solver/port';
import { rebuildError, serializeError } from '../../src/solver/protocol';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  problemResponse,
  toProblem,
} from '../../src/http/problem';

const issue: InputIssue = { pointer: '/x', message: 'is wrong', code: 'wrong' };

/** Every named error class, with the problem `type` clients have always seen for it. */
const ALL: [AppError, string][] = [
  [new InvalidInputError([issue]), 'invalid-input'],
  [new UnsatisfiableError('no', 'mustInclude'), 'unsatisfiable'],
  [new InvalidTargetError('no'), 'invalid-target'],
  [new PlanStateError('no', 'approved', 'approve'), 'plan-state'],
  [new SelfApprovalError('no'), 'self-approval'],
  [new PlanExpiredError('no', '2020-01-01T00:00:00Z'), 'plan-expired'],
  [new PlanIntegrityError('no', 'a', 'b'), 'plan-content-changed'],
  [new StalePlanError('no', ['replica eastus added'], 'a', 'b'), 'plan-stale'],
  [new PlanNotFoundError('p'), 'plan-not-found'],
  [new PlanAlreadyExistsError('p'), 'plan-exists'],
  [new ConcurrencyError('p'), 'concurrent-update'],
  [new LockBusyError('/r', 'alice'), 'registry-locked'],
  [new LockLostError('/r'), 'registry-lock-lost'],
  [new InvalidKeyError('bad'), 'invalid-key'],
  [new StoreUnavailableError('down'), 'store-unavailable'],
  [new InvalidArmRequestError('bad'), 'invalid-arm-request'],
  [new InvalidResourceIdError('/x', 'no'), 'invalid-resource-id'],
  [new AzureUpstreamError(502, 'bad gateway'), 'azure-upstream-error'],
  [new AzureOperationFailedError('create replica', 'failed'), 'azure-operation-failed'],
  [new AzureAuthenticationError('no'), 'azure-authentication-failed'],
  [new AzureForbiddenError('no'), 'azure-forbidden'],
  [new AzureNotFoundError('no'), 'azure-resource-not-found'],
  [new RegistryNotFoundError('/r'), 'registry-not-found'],
  [new ReplicaNotFoundError('/r', 'eastus'), 'replica-not-found'],
  [new AzureRequestRejectedError(409, 'no'), 'azure-request-rejected'],
  [new ArmConfigurationError('ARM_ENDPOINT is not a URL'), 'arm-misconfigured'],
  [new RetailPricesError('down'), 'retail-prices-unavailable'],
  [new SolverBusyError('busy', 3), 'solver-busy'],
  [new SolverCrashedError('died'), 'solver-crashed'],
  [new BadRequestError('bad'), 'invalid-input'],
  [new NotFoundError('no'), 'not-found'],
  [new MethodNotAllowedError('PUT', ['GET']), 'method-not-allowed'],
  [new PayloadTooLargeError(10), 'payload-too-large'],
  [new UnsupportedMediaTypeError(null), 'unsupported-media-type'],
  [new UnauthorizedError('who'), 'unauthorized'],
  [new ForbiddenError('no'), 'forbidden'],
  [new ConflictError('no'), 'conflict'],
  [new ServiceUnavailableError('no'), 'service-unavailable'],
];

describe('AppError, the one error root', () => {
  it.each(ALL.map(([e, type]) => [e.name, e, type] as const))('%s is an AppError with status, PascalCase code, a human title, and its stable type', (_name, e, type) => {
    expect(e).toBeInstanceOf(AppError);
    expect(e).toBeInstanceOf(Error);
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(e.status).toBeLessThanOrEqual(599);
    expect(e.code).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(e.title).toMatch(/^[A-Z]( |[a-z])/); // words (an HTTP reason phrase at least), not a class name
    expect(e.title).not.toBe(e.name);
    const p = toProblem(e, '/api/x');
    expect(p.status).toBe(e.status);
    expect(p.body).toMatchObject({ type: `urn:acr-geoplanner:problem:${type}`, title: e.title, status: e.status, detail: e.message, instance: '/api/x' });
  });

  it('names the class as `name` and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const e = new StoreUnavailableError('plan store unavailable', { cause });
    expect(e.name).toBe('StoreUnavailableError');
    expect(e.cause).toBe(cause);
    expect(new AzureUpstreamError(502, 'x', { cause }).cause).toBe(cause);
  });

  it('StalePlanError says in words what happened', () => {
    expect(new StalePlanError('x', [], 'a', 'b').title).toBe('The registry changed since the plan was made');
  });
});

describe('problem mapping by instanceof', () => {
  it('carries each error’s extensions', () => {
    expect(toProblem(new StalePlanError('x', ['replica eastus added'], 'a', 'b')).body.changes).toEqual(['replica eastus added']);
    expect(toProblem(new PlanStateError('x', 'approved', 'approve')).body).toMatchObject({ state: 'approved', operation: 'approve' });
    expect(toProblem(new PlanExpiredError('x', '2020-01-01T00:00:00Z')).body.expiresAt).toBe('2020-01-01T00:00:00Z');
    expect(toProblem(new LockBusyError('/r', 'alice')).body.holder).toBe('alice');
    expect(toProblem(new LockBusyError('/r')).body).not.toHaveProperty('holder');
    expect(toProblem(new UnsatisfiableError('x', 'mustInclude', [issue])).body).toMatchObject({ constraint: 'mustInclude', errors: [issue] });
    const azure = toProblem(new AzureForbiddenError('no', { upstreamStatus: 403, upstreamCode: 'AuthorizationFailed', upstreamRequestId: 'rid-1' })).body;
    expect(azure).toMatchObject({ upstreamStatus: 403, upstreamCode: 'AuthorizationFailed', upstreamRequestId: 'rid-1' });
    expect(azure).not.toHaveProperty('correlationRequestId'); // unknown members are left out, not null
    expect(toProblem(new AzureOperationFailedError('create replica', 'x')).body.operation).toBe('create replica');
  });

  it('sends Retry-After from the error', () => {
    const store = problemResponse(new StoreUnavailableError('down'));
    expect(store.status).toBe(503);
    expect(store.headers).toMatchObject({ 'Retry-After': '5', 'Content-Type': 'application/problem+json' });
    expect(problemResponse(new SolverBusyError('busy', 3)).headers).toMatchObject({ 'Retry-After': '3' });
    expect(problemResponse(new AzureUpstreamError(503, 'throttled', { retryAfterSeconds: 7.2 })).headers).toMatchObject({ 'Retry-After': '8' });
    expect(problemResponse(new AzureUpstreamError(503, 'throttled')).headers).not.toHaveProperty('Retry-After');
    expect(problemResponse(new MethodNotAllowedError('PUT', ['GET', 'POST'])).headers).toMatchObject({ Allow: 'GET, POST' });
  });

  it('does not trust a look-alike: an Error with a status is still a 500 without internals', () => {
    const lookAlike = Object.assign(new Error('secret connection string'), { status: 404, code: 'NotFound', retryAfterSeconds: 9 });
    const p = problemResponse(lookAlike, undefined, 'inv-1');
    expect(p.status).toBe(500);
    expect(p.headers).not.toHaveProperty('Retry-After');
    expect(String(p.body)).not.toMatch(/secret/);
    expect(JSON.parse(String(p.body))).toMatchObject({ type: 'urn:acr-geoplanner:problem:internal-error', status: 500 });
    expect(problemResponse('a string').status).toBe(500);
    const outOfRange = new HttpError(200, 'Ok', 'Not an error', 'x');
    expect(problemResponse(outOfRange).status).toBe(500);
  });

  it('an HttpError subclass keeps the extensions it was given', () => {
    const e = new HttpError(502, 'ApplyIncomplete', 'The plan was partially applied', 'step 2 failed', { failedActionId: 'a2' });
    expect(toProblem(e).body).toMatchObject({ type: 'urn:acr-geoplanner:problem:apply-incomplete', failedActionId: 'a2' });
  });
});

describe('InvalidInputError and the 50-issue cap', () => {
  it('from the model, carries errorsOmitted when capped', () => {
    const c = new IssueCollector();
    for (let i = 0; i < MAX_LISTED_ISSUES + 7; i++) c.add(`/w/${i}`, 'is wrong', 'wrong');
    let err: unknown;
    try {
      c.throwIfAny();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(e.issues).toHaveLength(MAX_LISTED_ISSUES);
    expect(e.errorsOmitted).toBe(7);
    const body = toProblem(e).body;
    expect(body.errors).toHaveLength(MAX_LISTED_ISSUES);
    expect(body.errorsOmitted).toBe(7);
  });

  it('under the cap, lists every issue and no errorsOmitted', () => {
    const c = new IssueCollector();
    c.add('/a', 'is wrong', 'wrong');
    let err: InvalidInputError | undefined;
    try {
      c.throwIfAny();
    } catch (e) {
      err = e as InvalidInputError;
    }
    expect(err?.errorsOmitted).toBeUndefined();
    expect(toProblem(err).body).not.toHaveProperty('errorsOmitted');
    expect(toProblem(err).body.errors).toEqual([issue].map(() => ({ pointer: '/a', message: 'is wrong', code: 'wrong' })));
  });

  it('the same answer after crossing the solver worker boundary', () => {
    const capped = rebuildError(serializeError(new InvalidInputError([issue], 'many', { errorsOmitted: 3 })));
    expect(capped).toBeInstanceOf(InvalidInputError);
    expect((capped as InvalidInputError).errorsOmitted).toBe(3);
    const other = rebuildError(serializeError(new LockBusyError('/r', 'alice')));
    expect(other).toBeInstanceOf(AppError);
    expect(toProblem(other).body).toMatchObject({ status: 409, type: 'urn:acr-geoplanner:problem:registry-locked', title: 'Another apply holds the registry lock', holder: 'alice' });
    const busy = rebuildError(serializeError(new SolverBusyError('busy', 4)));
    expect(problemResponse(busy).headers).toMatchObject({ 'Retry-After': '4' });
    const bug = rebuildError(serializeError(new TypeError('x is null')));
    expect(bug).not.toBeInstanceOf(AppError);
    expect(bug.name).toBe('TypeError');
  });
});
