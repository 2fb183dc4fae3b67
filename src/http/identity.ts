/**
 * Who is calling. In Azure, App Service authentication (Easy Auth) puts the
 * signed-in principal in `x-ms-client-principal` (base64 JSON with claims;
 * the platform strips any client-sent copy). Locally, where there is no Easy
 * Auth, a documented stand-in header is accepted only when the setting
 * LOCAL_PRINCIPAL_HEADER=true:
 *
 *   x-geoplanner-principal: alice@contoso.com; roles=Planner.Request,Planner.Approve,Planner.Apply
 */
import type { HttpRequest } from '@azure/functions';
import { ForbiddenError, UnauthorizedError } from './problem';

export const ROLES = {
  request: 'Planner.Request',
  approve: 'Planner.Approve',
  apply: 'Planner.Apply',
} as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

export interface Principal {
  /** Stable id (object id) when known, else the name. */
  id: string;
  name: string;
  roles: string[];
  source: 'appservice' | 'local';
}

interface ClientPrincipal {
  auth_typ?: string;
  name_typ?: string;
  role_typ?: string;
  claims?: { typ: string; val: string }[];
}

const NAME_CLAIMS = ['preferred_username', 'name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', 'upn', 'email'];
const ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid', 'sub'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

/** Parses App Service's x-ms-client-principal; undefined when absent or unreadable. */
export function parseClientPrincipal(header: string | null): Principal | undefined {
  if (!header) return undefined;
  let cp: ClientPrincipal;
  try {
    cp = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ClientPrincipal;
  } catch {
    return undefined;
  }
  const claims = Array.isArray(cp.claims) ? cp.claims.filter((c) => typeof c?.typ === 'string' && typeof c?.val === 'string') : [];
  const first = (types: string[]): string | undefined => {
    for (const t of types) {
      const c = claims.find((x) => x.typ === t);
      if (c) return c.val;
    }
    return undefined;
  };
  const name = first([...(cp.name_typ ? [cp.name_typ] : []), ...NAME_CLAIMS]);
  const id = first(ID_CLAIMS) ?? name;
  if (!name || !id) return undefined;
  const roleTypes = [...(cp.role_typ ? [cp.role_typ] : []), ...ROLE_CLAIMS];
  const roles = [...new Set(claims.filter((c) => roleTypes.includes(c.typ)).map((c) => c.val))];
  return { id, name, roles, source: 'appservice' };
}

/** Parses the local stand-in header `name; roles=A,B`. */
export function parseLocalPrincipal(header: string | null): Principal | undefined {
  if (!header) return undefined;
  const [namePart, ...rest] = header.split(';').map((s) => s.trim());
  if (!namePart) return undefined;
  const rolesPart = rest.find((p) => p.toLowerCase().startsWith('roles='));
  const roles = rolesPart ? rolesPart.slice(6).split(',').map((r) => r.trim()).filter(Boolean) : [];
  return { id: namePart, name: namePart, roles, source: 'local' };
}

export function readPrincipal(request: HttpRequest, allowLocalHeader: boolean): Principal | undefined {
  return parseClientPrincipal(request.headers.get('x-ms-client-principal')) ?? (allowLocalHeader ? parseLocalPrincipal(request.headers.get('x-geoplanner-principal')) : undefined);
}

/** The caller, who must hold `role`: 401 without an identity, 403 without the role. */
export function requirePrincipal(request: HttpRequest, role: Role, allowLocalHeader: boolean): Principal {
  const p = readPrincipal(request, allowLocalHeader);
  if (!p) {
    throw new UnauthorizedError(
      allowLocalHeader
        ? `This route needs a signed-in principal: App Service authentication's x-ms-client-principal, or locally the header 'x-geoplanner-principal: <name>; roles=${role}'.`
        : 'This route needs a signed-in principal (App Service authentication, x-ms-client-principal).',
    );
  }
  if (!p.roles.includes(role)) throw new ForbiddenError(`${p.name} does not hold the app role ${role}.`);
  return p;
}
