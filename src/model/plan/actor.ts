/**
 * Who did something to a plan, and whether two actors are the same principal (the
 * requester may not approve their own plan).
 *
 * Principals are compared by object id plus identity provider where both carry an id:
 * display names are not identities (a user can be renamed; two users can share a name).
 * Only where one side has no id (the local stand-in header, plans stored before ids were
 * recorded) are names compared, after normalisation: Unicode NFKC, default-ignorable and
 * format characters removed (soft hyphen U+00AD, zero-width space/joiners, BOM, bidi marks),
 * whitespace trimmed, lower-cased — so `ali\u00ADce@contoso.com` is `alice@contoso.com`.
 */

export interface ActorRef {
  name: string;
  /** Object id (Entra oid), or the provider's stable subject id. */
  objectId?: string;
  /** Identity provider (App Service auth_typ, e.g. 'aad'; 'local' for the stand-in header). */
  provider?: string;
}

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** The name as compared: NFKC, invisible characters removed, trimmed, lower-case. */
export function normalizeActorName(name: string): string {
  return name.normalize('NFKC').replace(INVISIBLE, '').trim().toLowerCase().normalize('NFKC');
}

function norm(s: string | undefined): string {
  return (s ?? '').trim().toLowerCase();
}

/** True when a and b are the same principal (see the module comment for the rule). */
export function sameActor(a: ActorRef, b: ActorRef): boolean {
  if (a.objectId && b.objectId) return norm(a.objectId) === norm(b.objectId) && norm(a.provider) === norm(b.provider);
  return normalizeActorName(a.name) === normalizeActorName(b.name);
}
