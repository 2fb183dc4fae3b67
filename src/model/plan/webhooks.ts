/**
 * Regional webhooks in plans (pure). An ACR webhook fires only for pushes in its own location, so
 * a new replica without its own webhook silently misses events. For each new replica location the
 * plan proposes, per existing webhook configuration (service URI + actions + scope), the same
 * webhook there, placed right after the replica's create. Deletes of replicas list the webhooks in
 * that location (they go with it).
 *
 * Custom headers: ARM returns them only through getCallbackConfig, and they are usually secrets;
 * the plan never stores them. A webhook with custom headers is therefore NOT copied by apply: the
 * plan lists it as skipped (`webhookNeedsHeaders`, naming the headers) and the exports carry the
 * `az acr webhook create ... --headers` command with placeholders for the approver to fill in, or
 * to leave out. A webhook whose service URI could not be read is skipped likewise (`webhookNotReadable`).
 */
import { normalizeRegion } from './fingerprint';
import type { CreateWebhookAction, LiveWebhook, PlanAction, SkippedChange, WebhookSpec } from './types';

const MAX_NAME = 50;

/** `<name><region>` cut to 50 characters (ARM: 5-50 letters and digits), unique among `taken`. */
export function webhookCopyName(source: string, region: string, taken: ReadonlySet<string>): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');
  for (let i = 0; ; i++) {
    const suffix = `${clean(region)}${i === 0 ? '' : String(i + 1)}`;
    const name = `${clean(source).slice(0, Math.max(1, MAX_NAME - suffix.length))}${suffix}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

const configKey = (w: Pick<LiveWebhook, 'serviceUri' | 'actions' | 'scope'>): string => JSON.stringify([w.serviceUri, [...w.actions].sort(), w.scope]);

export interface WebhookPlan {
  actions: PlanAction[];
  skipped: SkippedChange[];
}

/**
 * Adds the webhook creates after each replica create of `actions`, and annotates replica deletes
 * with their webhooks. `webhooks`: every webhook of the registry, as read at planning time.
 */
export function planWebhooks(actions: readonly PlanAction[], webhooks: readonly LiveWebhook[]): WebhookPlan {
  const taken = new Set(webhooks.map((w) => w.name.toLowerCase()));
  // one representative per configuration, and where that configuration already has a webhook
  const groups = new Map<string, { source: LiveWebhook; locations: Set<string> }>();
  for (const w of [...webhooks].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = configKey(w);
    const g = groups.get(key);
    if (g) g.locations.add(normalizeRegion(w.location));
    else groups.set(key, { source: w, locations: new Set([normalizeRegion(w.location)]) });
  }
  const out: PlanAction[] = [];
  const skipped: SkippedChange[] = [];
  for (const a of actions) {
    if (a.kind === 'deleteReplica') {
      const here = webhooks.filter((w) => normalizeRegion(w.location) === a.region).map((w) => w.name).sort();
      const note = a.recreateAs ? `its webhook(s) ${here.join(', ')} are in this location: check them after the re-create` : `its webhook(s) ${here.join(', ')} go with it`;
      out.push(here.length > 0 ? { ...a, webhooks: here, description: `${a.description}; ${note}` } : a);
      continue;
    }
    out.push(a);
    if (a.kind !== 'createReplica') continue;
    for (const { source, locations } of groups.values()) {
      if (locations.has(a.region)) continue;
      const id = `create-webhook:${a.region}:${source.name}`;
      if (source.serviceUri === null) {
        skipped.push({ id, kind: 'webhookNotReadable', region: a.region, reason: `the service URI of webhook ${source.name} could not be read (getCallbackConfig); create the webhook in ${a.region} yourself`, description: `Webhook ${source.name} has no copy in new location ${a.region}` });
        continue;
      }
      if (source.customHeaderNames.length > 0) {
        skipped.push({
          id,
          kind: 'webhookNeedsHeaders',
          proposal: {
            webhook: { name: webhookCopyName(source.name, a.region, taken), location: a.region, serviceUri: source.serviceUri, actions: [...source.actions], scope: source.scope, status: source.status },
            customHeaderNames: [...source.customHeaderNames],
          },
          region: a.region,
          reason: `webhook ${source.name} sends custom header(s) ${source.customHeaderNames.join(', ')}, whose values are secrets the plan never stores: the approver creates the copy with the values (az acr webhook create ... --headers, in the az export), or leaves it out`,
          description: `Webhook ${source.name} (${source.actions.join(', ')}) has no copy in new location ${a.region}: pushes there will not notify it`,
        });
        continue;
      }
      const name = webhookCopyName(source.name, a.region, taken);
      taken.add(name.toLowerCase());
      const webhook: WebhookSpec = { name, location: a.region, serviceUri: source.serviceUri, actions: [...source.actions], scope: source.scope, status: source.status };
      const w: CreateWebhookAction = {
        id,
        kind: 'createWebhook',
        region: a.region,
        webhook,
        copyOf: source.name,
        description: `Create webhook ${name} in ${a.region}, a copy of ${source.name} (actions ${source.actions.join(', ')}${source.scope ? `, scope ${source.scope}` : ''}): webhooks fire only for pushes in their own location`,
      };
      out.push(w);
    }
  }
  // skipped copies of webhooks with headers are listed once per location, in plan order
  return { actions: out, skipped };
}
