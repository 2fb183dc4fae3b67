/**
 * Who is calling, and may they do this.
 *
 * In Azure, App Service authentication (Easy Auth) puts the signed-in principal in
 * `x-ms-client-principal`: base64 of JSON `{auth_typ, name_typ, role_typ, claims: [{typ, val}]}`.
 * That header is trusted ONLY when App Service authentication is actually on in front of
 * the app, which the platform announces with the app setting / environment variable
 * `WEBSITE_AUTH_ENABLED=True` (settings.appServiceAuthEnabled). Sources relied on:
 * - "Work with user identities in Azure App Service authentication",
 *   https://learn.microsoft.com/en-us/azure/app-service/configure-authentication-user-identities :
 *   App Service injects X-MS-CLIENT-PRINCIPAL (Base64-encoded JSON of the claims) and
 *   X-MS-CLIENT-PRINCIPAL-IDP; "External requests aren't allowed to set these headers, so
 *   they're present only if set by App Service" — which holds only while the module is on.
 * - Microsoft.Identity.Web's AppServicesAuthenticationInformation (mirrored in
 *   Azure/data-api-builder PR #1011): App Service auth is detected by the environment
 *   variable WEBSITE_AUTH_ENABLED, value "True" (compared case-insensitively here).
 * Without it, anybody can send a hand-made x-ms-client-principal, so it is ignored and the
 * route answers 401 saying how to turn authentication on.
 *
 * Locally, where there is no Easy Auth, a documented stand-in header is accepted only when
 * the setting LOCAL_PRINCIPAL_HEADER=true and App Service authentication is NOT on (where the
 * platform is the identity source, the stand-in is ignored):
 *
 *   x-geoplanner-principal: alice@contoso.com; roles=Planner.Request,Planner.Approve,Planner.Apply
 *
 * Roles. Role claims are the claims of the known role claim types (`roles`, the WS-Fed role
 * URI). `role_typ`/`name_typ` (which claim type carries roles / the name) are honoured only
 * from a platform-verified header, i.e. one read while WEBSITE_AUTH_ENABLED=True: there they
 * are the operator's provider configuration, not client input. parseClientPrincipal with
 * `platformVerified: false` ignores them, so a client-chosen `role_typ` cannot turn arbitrary
 * claims into roles.
 *
 * Every field is bounded (IDENTITY_LIMITS); a header that is present but oversize, not
 * base64, not UTF-8, not a JSON object (e.g. `null`, an array), or without a usable name
 * answers 401 with the reason, never 500.
 */
import type { HttpRequest } from '@azure/functions';
import { ForbiddenError, UnauthorizedError } from './problem';
import { normalizeActorName, type ActorRef } from '../model/plan/actor';

export const ROLES = {
  /** Read plans and drift reports; implied by every other role. */
  read: 'Planner.Read',
  request: 'Planner.Request',
  approve: 'Planner.Approve',
  apply: 'Planner.Apply',
} as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

/** The roles that include Planner.Read. */
export const READ_ROLES: readonly string[] = [ROLES.read, ROLES.request, ROLES.approve, ROLES.apply];

export const IDENTITY_LIMITS = {
  /** Identity header length before decoding, characters (16 KiB). */
  headerChars: 16 * 1024,
  /** Claims in one x-ms-client-principal. */
  claims: 256,
  nameChars: 256,
  objectIdChars: 128,
  providerChars: 64,
  roleChars: 128,
  /** Roles in the local stand-in header. */
  localRoles: 64,
} as const;

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';
export const LOCAL_PRINCIPAL_HEADER = 'x-geoplanner-principal';

export interface Principal {
  /** Display name (preferred_username / upn / e-mail / name claim, or the local header's name). */
  name: string;
  /** Stable object id (oid / objectidentifier claim, else the provider's subject id) when the identity carries one. */
  objectId?: string;
  /** Identity provider: App Service's auth_typ (lower-case, e.g. 'aad'), or 'local' for the stand-in header. */
  provider: string;
  roles: string[];
  source: 'appservice' | 'local';
}

/** The two identity settings (section `identity` of src/settings.ts). */
export interface IdentitySettings {
  appServiceAuthEnabled: boolean;
  localPrincipalHeader: boolean;
}

const NAME_CLAIMS = [
  'preferred_username',
  'name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  'upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  'email',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];
/** Object id first; the provider's subject id only where there is none (providers other than Entra). */
const ID_CLAIMS = [
  'http://schemas.microsoft.com/identity/claims/objectidentifier',
  'oid',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier',
  'sub',
];
/** The known role claim types. */
export const ROLE_CLAIM_TYPES: readonly string[] = ['roles', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

const CONTROL = /\p{Cc}/u;
const OBJECT_ID = /^[\x21-\x7e]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

class InvalidPrincipalError extends UnauthorizedError {
  constructor(header: string, why: string) {
    super(`The ${header} header is not a usable identity: ${why}.`);
  }
}

function checkName(header: string, name: string): string {
  if (name.length > IDENTITY_LIMITS.nameChars) throw new InvalidPrincipalError(header, `the name is longer than ${IDENTITY_LIMITS.nameChars} characters`);
  if (CONTROL.test(name)) throw new InvalidPrincipalError(header, 'the name contains control characters');
  if (normalizeActorName(name) === '') throw new InvalidPrincipalError(header, 'the name is empty');
  return name.trim();
}

function checkRole(header: string, role: string): string {
  if (role.length > IDENTITY_LIMITS.roleChars) throw new InvalidPrincipalError(header, `a role is longer than ${IDENTITY_LIMITS.roleChars} characters`);
  if (CONTROL.test(role)) throw new InvalidPrincipalError(header, 'a role contains control characters');
  return role.trim();
}

function checkHeaderLength(header: string, value: string): void {
  if (value.length > IDENTITY_LIMITS.headerChars) throw new InvalidPrincipalError(header, `it is longer than ${IDENTITY_LIMITS.headerChars} characters`);
}

function optionalString(header: string, cp: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = cp[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidPrincipalError(header, `${key} is not a string`);
  if (v.length > max) throw new InvalidPrincipalError(header, `${key} is longer than ${max} characters`);
  return v;
}

export interface ParseClientPrincipalOptions {
  /**
   * The header was read while App Service authentication is on (the platform set it and
   * strips client copies): its `name_typ`/`role_typ` are honoured. Otherwise only the known
   * name and role claim types count.
   */
  platformVerified: boolean;
}

/**
 * Parses App Service's x-ms-client-principal: undefined when absent; UnauthorizedError (401)
 * when present but unusable. Does not decide whether the header may be trusted: see readPrincipal.
 */
export function parseClientPrincipal(header: string | null, opts: ParseClientPrincipalOptions): Principal | undefined {
  const H = CLIENT_PRINCIPAL_HEADER;
  if (header === null || header.trim() === '') return undefined;
  checkHeaderLength(H, header);
  const b64 = header.trim();
  if (!BASE64.test(b64) || b64.length % 4 === 1) throw new InvalidPrincipalError(H, 'it is not base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    throw new InvalidPrincipalError(H, 'it does not decode to UTF-8 text');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InvalidPrincipalError(H, 'it does not decode to JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidPrincipalError(H, `it decodes to ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}, not a JSON object`);
  }
  const cp = raw as Record<string, unknown>;
  const authTyp = optionalString(H, cp, 'auth_typ', IDENTITY_LIMITS.providerChars);
  const nameTyp = optionalString(H, cp, 'name_typ', IDENTITY_LIMITS.nameChars);
  const roleTyp = optionalString(H, cp, 'role_typ', IDENTITY_LIMITS.nameChars);
  if (cp['claims'] !== undefined && !Array.isArray(cp['claims'])) throw new InvalidPrincipalError(H, 'claims is not an array');
  const rawClaims = (cp['claims'] as unknown[] | undefined) ?? [];
  if (rawClaims.length > IDENTITY_LIMITS.claims) throw new InvalidPrincipalError(H, `it has ${rawClaims.length} claims, more than ${IDENTITY_LIMITS.claims}`);
  const claims = rawClaims.filter(
    (c): c is { typ: string; val: string } => typeof c === 'object' && c !== null && typeof (c as { typ?: unknown }).typ === 'string' && typeof (c as { val?: unknown }).val === 'string',
  );
  const first = (types: string[]): string | undefined => {
    for (const t of types) {
      const c = claims.find((x) => x.typ === t && x.val.trim() !== '');
      if (c) return c.val;
    }
    return undefined;
  };
  const nameTypes = [...(opts.platformVerified && nameTyp ? [nameTyp] : []), ...NAME_CLAIMS];
  const rawName = first(nameTypes);
  if (rawName === undefined) throw new InvalidPrincipalError(H, 'it carries no name claim');
  const name = checkName(H, rawName);
  const rawId = first(ID_CLAIMS)?.trim();
  if (rawId !== undefined) {
    if (rawId.length > IDENTITY_LIMITS.objectIdChars) throw new InvalidPrincipalError(H, `the object id is longer than ${IDENTITY_LIMITS.objectIdChars} characters`);
    if (!OBJECT_ID.test(rawId)) throw new InvalidPrincipalError(H, 'the object id contains spaces or non-ASCII characters');
  }
  const roleTypes = new Set([...ROLE_CLAIM_TYPES, ...(opts.platformVerified && roleTyp ? [roleTyp] : [])]);
  const roles = [...new Set(claims.filter((c) => roleTypes.has(c.typ)).map((c) => checkRole(H, c.val)).filter(Boolean))];
  return {
    name,
    ...(rawId ? { objectId: rawId } : {}),
    provider: (authTyp?.trim() || 'appservice').toLowerCase(),
    roles,
    source: 'appservice',
  };
}

/** Parses the local stand-in header `name; roles=A,B`: undefined when absent; 401 when unusable. */
export function parseLocalPrincipal(header: string | null): Principal | undefined {
  const H = LOCAL_PRINCIPAL_HEADER;
  if (header === null || header.trim() === '') return undefined;
  checkHeaderLength(H, header);
  const [namePart, ...rest] = header.split(';').map((s) => s.trim());
  const name = checkName(H, namePart ?? '');
  const rolesPart = rest.find((p) => p.toLowerCase().startsWith('roles='));
  const roles = rolesPart ? [...new Set(rolesPart.slice(6).split(',').map((r) => checkRole(H, r)).filter(Boolean))] : [];
  if (roles.length > IDENTITY_LIMITS.localRoles) throw new InvalidPrincipalError(H, `it lists ${roles.length} roles, more than ${IDENTITY_LIMITS.localRoles}`);
  return { name, provider: 'local', roles, source: 'local' };
}

/**
 * The caller, from the one identity source the settings allow: x-ms-client-principal while
 * App Service authentication is on; else the local stand-in header when LOCAL_PRINCIPAL_HEADER=true;
 * else nobody. Undefined when that source sent nothing; 401 when it sent something unusable.
 */
export function readPrincipal(request: HttpRequest, settings: IdentitySettings): Principal | undefined {
  if (settings.appServiceAuthEnabled) return parseClientPrincipal(request.headers.get(CLIENT_PRINCIPAL_HEADER), { platformVerified: true });
  if (settings.localPrincipalHeader) return parseLocalPrincipal(request.headers.get(LOCAL_PRINCIPAL_HEADER));
  return undefined;
}

export function holdsRole(p: Principal, role: Role): boolean {
  return role === ROLES.read ? p.roles.some((r) => READ_ROLES.includes(r)) : p.roles.includes(role);
}

function signInHelp(request: HttpRequest, role: Role, settings: IdentitySettings): string {
  const needs = `This route needs a signed-in principal with the app role ${role}${role === ROLES.read ? ' (or Planner.Request, Planner.Approve or Planner.Apply, which include it)' : ''}.`;
  const local = `x-geoplanner-principal: <name>; roles=${role}`;
  if (settings.appServiceAuthEnabled) {
    return [
      needs,
      `App Service authentication is on (WEBSITE_AUTH_ENABLED=True) but the request carries no ${CLIENT_PRINCIPAL_HEADER}: sign in (/.auth/login/aad) or send an access token App Service accepts.`,
      ...(request.headers.get(LOCAL_PRINCIPAL_HEADER) !== null ? [`The local stand-in header ${LOCAL_PRINCIPAL_HEADER} is ignored while App Service authentication is on.`] : []),
    ].join(' ');
  }
  return [
    needs,
    'Enable App Service authentication (Easy Auth) on the function app: the platform then sets WEBSITE_AUTH_ENABLED=True and passes the caller in x-ms-client-principal.',
    ...(request.headers.get(CLIENT_PRINCIPAL_HEADER) !== null
      ? [`The ${CLIENT_PRINCIPAL_HEADER} header sent was ignored: without App Service authentication in front of the app anybody can forge it.`]
      : []),
    settings.localPrincipalHeader ? `Locally, send the header '${local}'.` : `Locally, set LOCAL_PRINCIPAL_HEADER=true and send the header '${local}'.`,
  ].join(' ');
}

/** The caller, who must hold `role`: 401 without a (usable, trusted) identity, 403 without the role. */
export function requirePrincipal(request: HttpRequest, role: Role, settings: IdentitySettings): Principal {
  const p = readPrincipal(request, settings);
  if (!p) throw new UnauthorizedError(signInHelp(request, role, settings));
  if (!holdsRole(p, role)) {
    throw new ForbiddenError(`${p.name} does not hold the app role ${role}${role === ROLES.read ? ' (nor Planner.Request, Planner.Approve or Planner.Apply, which include it)' : ''}.`);
  }
  return p;
}

/** The principal as the plan model compares actors: object id + provider when known, else the name. */
export function actorRef(p: Principal): ActorRef {
  return { name: p.name, provider: p.provider, ...(p.objectId !== undefined ? { objectId: p.objectId } : {}) };
}
