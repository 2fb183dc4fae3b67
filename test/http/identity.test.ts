/** Identity: which header is trusted when, bounded parsing, role implication, actor comparison. */
import { describe, expect, it } from 'vitest';
import { HttpRequest } from '@azure/functions';
import {
  IDENTITY_LIMITS,
  ROLES,
  holdsRole,
  parseClientPrincipal,
  parseLocalPrincipal,
  readPrincipal,
  requirePrincipal,
  type IdentitySettings,
  type Principal,
} from '../../src/http/identity';
import { ForbiddenError, UnauthorizedError, problemResponse } from '../../src/http/problem';
import { readSettings } from '../../src/settings';
import { normalizeActorName, sameActor } from '../../src/model/plan/actor';
import { approve, createPlan, SelfApprovalError } from '../../src/model/plan';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const aad = (claims: { typ: string; val: string }[], extra: Record<string, unknown> = {}) => b64({ auth_typ: 'aad', claims, ...extra });
const req = (headers: Record<string, string>) => new HttpRequest({ method: 'GET', url: 'http://localhost/api/plans', headers });

const OFF: IdentitySettings = { appServiceAuthEnabled: false, localPrincipalHeader: false };
const LOCAL: IdentitySettings = { appServiceAuthEnabled: false, localPrincipalHeader: true };
const EASY_AUTH: IdentitySettings = { appServiceAuthEnabled: true, localPrincipalHeader: false };
const BOTH: IdentitySettings = { appServiceAuthEnabled: true, localPrincipalHeader: true };

function unauthorized(f: () => unknown): UnauthorizedError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UnauthorizedError);
  return caught as UnauthorizedError;
}

describe('settings', () => {
  it('WEBSITE_AUTH_ENABLED is true only for a case-insensitive "true"', () => {
    for (const v of ['True', 'true', 'TRUE', ' true ']) expect(readSettings({ WEBSITE_AUTH_ENABLED: v }).identity.appServiceAuthEnabled, v).toBe(true);
    for (const v of [undefined, '', 'False', '1', 'yes']) expect(readSettings({ WEBSITE_AUTH_ENABLED: v }).identity.appServiceAuthEnabled, String(v)).toBe(false);
  });
});

describe('which identity source is trusted', () => {
  const forged = { 'x-ms-client-principal': aad([{ typ: 'name', val: 'eve' }, { typ: 'roles', val: 'Planner.Approve' }]) };
  const local = { 'x-geoplanner-principal': 'alice@contoso.com; roles=Planner.Request' };

  it('x-ms-client-principal is ignored unless App Service authentication is on', () => {
    expect(readPrincipal(req(forged), OFF)).toBeUndefined();
    expect(readPrincipal(req(forged), LOCAL)).toBeUndefined();
    expect(readPrincipal(req(forged), EASY_AUTH)).toMatchObject({ name: 'eve', roles: ['Planner.Approve'], source: 'appservice', provider: 'aad' });
  });

  it('the local stand-in needs LOCAL_PRINCIPAL_HEADER=true and is ignored while App Service authentication is on', () => {
    expect(readPrincipal(req(local), OFF)).toBeUndefined();
    expect(readPrincipal(req(local), LOCAL)).toEqual({ name: 'alice@contoso.com', provider: 'local', roles: ['Planner.Request'], source: 'local' });
    expect(readPrincipal(req(local), EASY_AUTH)).toBeUndefined();
    expect(readPrincipal(req(local), BOTH)).toBeUndefined();
    expect(readPrincipal(req({ ...local, ...forged }), BOTH)?.name).toBe('eve');
  });

  it('401 says how to get an identity for the configuration at hand', () => {
    const off = unauthorized(() => requirePrincipal(req(forged), ROLES.request, OFF));
    expect(off.message).toMatch(/Enable App Service authentication .*WEBSITE_AUTH_ENABLED=True/);
    expect(off.message).toMatch(/x-ms-client-principal header sent was ignored/);
    expect(off.message).toMatch(/set LOCAL_PRINCIPAL_HEADER=true and send the header 'x-geoplanner-principal: <name>; roles=Planner.Request'/);
    const localOn = unauthorized(() => requirePrincipal(req({}), ROLES.read, LOCAL));
    expect(localOn.message).toMatch(/send the header 'x-geoplanner-principal: <name>; roles=Planner.Read'/);
    expect(localOn.message).not.toMatch(/ignored/);
    const easy = unauthorized(() => requirePrincipal(req(local), ROLES.approve, BOTH));
    expect(easy.message).toMatch(/App Service authentication is on .* no x-ms-client-principal/);
    expect(easy.message).toMatch(/x-geoplanner-principal is ignored/);
    const res = problemResponse(easy, '/api/plans');
    expect(res.status).toBe(401);
    expect((res.headers as Record<string, string>)['Content-Type']).toBe('application/problem+json');
  });
});

describe('parseClientPrincipal: bounded, 401 for anything unusable', () => {
  const verified = { platformVerified: true };
  const cases: [string, string, RegExp][] = [
    ['JSON null', b64('null'), /decodes to null, not a JSON object/],
    ['an array', b64([{ typ: 'name', val: 'x' }]), /an array/],
    ['a number', b64('42'), /a number/],
    ['a string', b64('"alice"'), /a string/],
    ['not JSON', b64('{claims:'), /not decode to JSON/],
    ['not base64', 'a b c', /not base64/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), /UTF-8/],
    ['no name claim', aad([{ typ: 'roles', val: 'Planner.Read' }]), /no name claim/],
    ['claims not an array', b64({ claims: { typ: 'name', val: 'x' } }), /claims is not an array/],
    ['too many claims', aad(Array.from({ length: IDENTITY_LIMITS.claims + 1 }, (_, i) => ({ typ: 'x', val: String(i) }))), /more than 256/],
    ['oversize header', aad([{ typ: 'name', val: 'alice' }], { pad: 'x'.repeat(IDENTITY_LIMITS.headerChars) }), /longer than 16384 characters/],
    ['oversize name', aad([{ typ: 'name', val: 'n'.repeat(IDENTITY_LIMITS.nameChars + 1) }]), /name is longer than 256/],
    ['empty name after normalisation', aad([{ typ: 'name', val: '\u00AD\u200B' }]), /name is empty/],
    ['control characters in the name', aad([{ typ: 'name', val: 'alice\nroot' }]), /control characters/],
    ['oversize object id', aad([{ typ: 'name', val: 'alice' }, { typ: 'oid', val: 'o'.repeat(IDENTITY_LIMITS.objectIdChars + 1) }]), /object id is longer than 128/],
    ['object id with spaces', aad([{ typ: 'name', val: 'alice' }, { typ: 'oid', val: 'a b' }]), /object id contains spaces/],
    ['oversize role', aad([{ typ: 'name', val: 'alice' }, { typ: 'roles', val: 'R'.repeat(IDENTITY_LIMITS.roleChars + 1) }]), /role is longer than 128/],
    ['oversize auth_typ', aad([{ typ: 'name', val: 'alice' }], { auth_typ: 'p'.repeat(65) }), /auth_typ is longer than 64/],
    ['auth_typ not a string', aad([{ typ: 'name', val: 'alice' }], { auth_typ: 7 }), /auth_typ is not a string/],
  ];
  for (const [label, header, why] of cases) {
    it(`${label} → 401`, () => {
      const e = unauthorized(() => parseClientPrincipal(header, verified));
      expect(e.status).toBe(401);
      expect(e.message).toMatch(why);
    });
  }

  it('absent or blank → no principal (the route then answers 401 with the sign-in help)', () => {
    expect(parseClientPrincipal(null, verified)).toBeUndefined();
    expect(parseClientPrincipal('  ', verified)).toBeUndefined();
  });

  it('reads name, object id (oid before sub), provider and roles of the known role claim types', () => {
    const p = parseClientPrincipal(
      aad([
        { typ: 'sub', val: 'pairwise-sub' },
        { typ: OID, val: '0c6b7c5e-0000-4000-8000-000000000001' },
        { typ: 'preferred_username', val: 'alice@contoso.com' },
        { typ: 'name', val: 'Alice' },
        { typ: 'roles', val: 'Planner.Request' },
        { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Planner.Approve' },
        { typ: 'groups', val: 'Planner.Apply' },
        { typ: 'weird', val: 42 } as unknown as { typ: string; val: string },
      ]),
      verified,
    );
    expect(p).toEqual({ name: 'alice@contoso.com', objectId: '0c6b7c5e-0000-4000-8000-000000000001', provider: 'aad', roles: ['Planner.Request', 'Planner.Approve'], source: 'appservice' });
  });

  it('role_typ / name_typ are honoured only from a platform-verified header', () => {
    const header = aad(
      [
        { typ: 'name', val: 'eve' },
        { typ: 'email', val: 'admin@contoso.com' },
        { typ: 'groups', val: 'Planner.Apply' },
      ],
      { role_typ: 'groups', name_typ: 'email' },
    );
    expect(parseClientPrincipal(header, { platformVerified: false })).toMatchObject({ name: 'eve', roles: [] });
    expect(parseClientPrincipal(header, { platformVerified: true })).toMatchObject({ name: 'admin@contoso.com', roles: ['Planner.Apply'] });
  });
});

describe('parseLocalPrincipal', () => {
  it('reads `name; roles=A,B`, bounded', () => {
    expect(parseLocalPrincipal('bob@contoso.com; roles=Planner.Approve, Planner.Apply')).toEqual({ name: 'bob@contoso.com', provider: 'local', roles: ['Planner.Approve', 'Planner.Apply'], source: 'local' });
    expect(parseLocalPrincipal('bob')).toEqual({ name: 'bob', provider: 'local', roles: [], source: 'local' });
    expect(parseLocalPrincipal(null)).toBeUndefined();
    expect(unauthorized(() => parseLocalPrincipal(`${'b'.repeat(257)}; roles=Planner.Read`)).message).toMatch(/name is longer than 256/);
    expect(unauthorized(() => parseLocalPrincipal('; roles=Planner.Read')).message).toMatch(/name is empty/);
    expect(unauthorized(() => parseLocalPrincipal(`bob; roles=${'R'.repeat(129)}`)).message).toMatch(/role is longer than 128/);
    expect(unauthorized(() => parseLocalPrincipal(`bob; roles=${Array.from({ length: 65 }, (_, i) => `R${i}`).join(',')}`)).message).toMatch(/65 roles, more than 64/);
    expect(unauthorized(() => parseLocalPrincipal(`bob; x=${'y'.repeat(IDENTITY_LIMITS.headerChars)}`)).message).toMatch(/longer than 16384/);
  });
});

describe('roles', () => {
  const p = (roles: string[]): Principal => ({ name: 'x', provider: 'local', roles, source: 'local' });
  it('Planner.Read is implied by Planner.Request, Planner.Approve and Planner.Apply; nothing else is implied', () => {
    for (const r of [ROLES.read, ROLES.request, ROLES.approve, ROLES.apply]) expect(holdsRole(p([r]), ROLES.read), r).toBe(true);
    expect(holdsRole(p(['planner.read']), ROLES.read)).toBe(false);
    expect(holdsRole(p([]), ROLES.read)).toBe(false);
    expect(holdsRole(p([ROLES.read]), ROLES.request)).toBe(false);
    expect(holdsRole(p([ROLES.approve]), ROLES.apply)).toBe(false);
  });
  it('a principal without the role → 403 naming it', () => {
    const r = req({ 'x-geoplanner-principal': 'carol; roles=Planner.Read' });
    expect(() => requirePrincipal(r, ROLES.approve, LOCAL)).toThrow(ForbiddenError);
    expect(() => requirePrincipal(r, ROLES.approve, LOCAL)).toThrow(/carol does not hold the app role Planner.Approve/);
    expect(requirePrincipal(r, ROLES.read, LOCAL).name).toBe('carol');
  });
});

describe('actors: object id + provider, else the normalised name', () => {
  it('normalises names: NFKC, invisible characters removed, trimmed, lower-case', () => {
    expect(normalizeActorName(' Ali\u00ADce@Contoso.com ')).toBe('alice@contoso.com');
    expect(normalizeActorName('alice\u200B\u200C\u200D\u2060\uFEFF@contoso.com')).toBe('alice@contoso.com');
    expect(normalizeActorName('\u202Ealice@contoso.com')).toBe('alice@contoso.com');
    expect(normalizeActorName('ａｌｉｃｅ@ｃｏｎｔｏｓｏ.com')).toBe('alice@contoso.com');
    expect(normalizeActorName('alice@contoso.com')).not.toBe(normalizeActorName('alicia@contoso.com'));
  });

  it('ids decide when both sides have one; names only otherwise', () => {
    const a = { name: 'alice@contoso.com', objectId: 'OID-1', provider: 'aad' };
    expect(sameActor(a, { name: 'Someone Else', objectId: 'oid-1', provider: 'AAD' })).toBe(true);
    expect(sameActor(a, { name: 'alice@contoso.com', objectId: 'oid-2', provider: 'aad' })).toBe(false);
    expect(sameActor(a, { name: 'alice@contoso.com', objectId: 'OID-1', provider: 'google' })).toBe(false);
    expect(sameActor(a, { name: 'ALI\u00ADCE@contoso.com', provider: 'local' })).toBe(true);
    expect(sameActor({ name: 'alice@contoso.com' }, { name: 'bob@contoso.com' })).toBe(false);
  });

  it('approve refuses the requester by object id, and old plans without ids by name', () => {
    const topo = { homeRegion: 'westus', sku: 'Premium' as const, replicas: [] };
    const base = { registryId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r', registryName: 'r', current: topo, target: topo, allowDeletes: false, now: new Date('2026-01-01T00:00:00Z') };
    const now = new Date('2026-01-01T01:00:00Z');
    const withId = createPlan({ ...base, requester: 'alice@contoso.com', requesterObjectId: 'oid-1', requesterProvider: 'aad' });
    expect(() => approve(withId, { actor: 'Renamed', actorObjectId: 'oid-1', actorProvider: 'aad', now })).toThrow(SelfApprovalError);
    expect(approve(withId, { actor: 'alice@contoso.com', actorObjectId: 'oid-2', actorProvider: 'aad', now }).state).toBe('approved');
    const old = createPlan({ ...base, requester: 'alice@contoso.com' });
    expect(old.requesterObjectId).toBeUndefined();
    expect(() => approve(old, { actor: 'Ali\u00ADce@contoso.com', actorObjectId: 'oid-1', actorProvider: 'aad', now })).toThrow(SelfApprovalError);
    expect(approve(old, { actor: 'bob@contoso.com', actorObjectId: 'oid-1', actorProvider: 'aad', now }).approverObjectId).toBe('oid-1');
  });
});
