/**
 * Consolidation (#17): several registries (one per region, every image pushed to each) into one
 * geo-replicated registry. Pure: inventories, storage after, the home-as-choice rule, the import
 * list with per-tag idempotency, the image-reference rewrite and the exports of what the plan
 * does not do itself (az acr import, sed mapping, deletion of the sources once switched).
 */
import type { Topology } from './types';
import { normalizeRegion } from './plan/fingerprint';
import type { CreateWebhookAction, LiveWebhook, SkippedChange, WebhookSpec } from './plan/types';
import { webhookCopyName } from './plan/webhooks';

export interface InventoryTag {
  name: string;
  /** Manifest digest (`sha256:…`). */
  digest: string;
  /** Manifest size in bytes as the registry reports it; null = not reported. */
  sizeBytes: number | null;
}

export interface InventoryRepository {
  name: string;
  tags: InventoryTag[];
}

/** What one registry holds, as read from its data plane. */
export interface RegistryInventory {
  loginServer: string;
  repositories: InventoryRepository[];
  /** True when the listing stopped at the adapter's bound: what follows is incomplete. */
  truncated: boolean;
  source: 'dataPlane';
}

/** One registry going into the consolidation, as read from ARM (+ its data plane when readable). */
export interface ConsolidationSource {
  id: string;
  name: string;
  loginServer: string;
  topology: Topology;
  /** StorageUsed (GiB) from Azure Monitor; null = unknown. */
  storageGiB: number | null;
  /** null when the data plane could not be read (see inventoryError). */
  inventory: RegistryInventory | null;
  inventoryError?: string;
}

const GiB = 1024 ** 3;

export interface StorageAfter {
  /** GiB of the single registry after the imports; null = unknown. */
  storageGiB: number | null;
  method: 'measured' | 'assumed' | 'unknown';
  /** Share of the per-registry content that is duplicated across registries (0..1); null = not measured. */
  overlapRatio: number | null;
  /** Sum of the distinct manifests' sizes, GiB (measured only). */
  distinctContentGiB: number | null;
  assumption: string;
}

/**
 * Storage of the consolidated registry. Measured where every data plane was read with sizes:
 * the overlap is the share of manifest bytes that are the same digest in several registries, and
 * the sum of the registries' StorageUsed is reduced by it. Otherwise assumed: no overlap (the sum,
 * an upper bound). Unknown when any StorageUsed is unknown.
 */
export function storageAfter(sources: readonly ConsolidationSource[]): StorageAfter {
  const storages = sources.map((s) => s.storageGiB);
  if (storages.some((s) => s === null)) {
    return {
      storageGiB: null,
      method: 'unknown',
      overlapRatio: null,
      distinctContentGiB: null,
      assumption: `Storage after is unknown: StorageUsed is unknown for ${sources.filter((s) => s.storageGiB === null).map((s) => s.name).join(', ')}.`,
    };
  }
  const sum = (storages as number[]).reduce((a, b) => a + b, 0);
  const measurable = sources.every((s) => s.inventory !== null && !s.inventory.truncated && s.inventory.repositories.every((r) => r.tags.every((t) => t.sizeBytes !== null)));
  if (!measurable) {
    return {
      storageGiB: sum,
      method: 'assumed',
      overlapRatio: null,
      distinctContentGiB: null,
      assumption: `Storage after = the sum of the registries' StorageUsed (${round(sum)} GiB): the data plane of ${sources.filter((s) => s.inventory === null || s.inventory.truncated).map((s) => s.name).join(', ') || 'some registry'} could not be read with sizes, so no overlap is assumed (an upper bound: images pushed to several registries are stored once after consolidation).`,
    };
  }
  let perRegistryBytes = 0;
  const distinct = new Map<string, number>();
  for (const s of sources) {
    const seen = new Map<string, number>();
    for (const r of s.inventory?.repositories ?? []) for (const t of r.tags) seen.set(t.digest, t.sizeBytes ?? 0);
    for (const [d, b] of seen) {
      perRegistryBytes += b;
      distinct.set(d, b);
    }
  }
  const distinctBytes = [...distinct.values()].reduce((a, b) => a + b, 0);
  const overlap = perRegistryBytes > 0 ? 1 - distinctBytes / perRegistryBytes : 0;
  const after = sum * (1 - overlap);
  return {
    storageGiB: after,
    method: 'measured',
    overlapRatio: overlap,
    distinctContentGiB: distinctBytes / GiB,
    assumption: `Storage after = the sum of the registries' StorageUsed (${round(sum)} GiB) less the measured overlap: ${round(overlap * 100)} % of the tagged manifest bytes read from the data planes are the same digest in several registries (distinct content ${round(distinctBytes / GiB)} GiB). Manifest sizes count shared layers once per manifest, so the overlap between different images is not measured.`,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The source registries whose home region can be the home of the consolidated registry: each keeps its name. */
export function homeCandidates(sources: readonly ConsolidationSource[]): Array<{ region: string; registry: ConsolidationSource }> {
  const byRegion = new Map<string, ConsolidationSource>();
  for (const s of sources) {
    const prev = byRegion.get(s.topology.homeRegion);
    // Two registries in one region: prefer the one already Premium, then the larger, then the name.
    if (!prev || rank(s) < rank(prev)) byRegion.set(s.topology.homeRegion, s);
  }
  return [...byRegion.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([region, registry]) => ({ region, registry }));
  function rank(s: ConsolidationSource): string {
    return `${s.topology.sku === 'Premium' ? 0 : 1}|${String(1e9 - (s.storageGiB ?? 0)).padStart(12, '0')}|${s.name}`;
  }
}

export interface HomeResult<R> {
  region: string;
  registry: string;
  /** Monthly total of the best topology with this home; null = unknown. */
  monthlyTotal: number | null;
  result: R;
}

/** The best home: lowest known monthly total (unknown totals lose; ties: region name). */
export function bestHome<R>(results: readonly HomeResult<R>[]): HomeResult<R> | undefined {
  return [...results].sort((a, b) => {
    if (a.monthlyTotal === null || b.monthlyTotal === null) return a.monthlyTotal === null ? (b.monthlyTotal === null ? a.region.localeCompare(b.region) : 1) : -1;
    return a.monthlyTotal - b.monthlyTotal || a.region.localeCompare(b.region);
  })[0];
}

// ---------------------------------------------------------------------------------------------
// Imports

export interface ImportTag {
  tag: string;
  digest: string;
  sizeBytes: number | null;
}

/** One source repository to import into the target (ARM importImage, one call per tag, NoForce). */
export interface RepositoryImport {
  /** `import:<source>/<repository>` */
  id: string;
  sourceRegistry: string;
  sourceId: string;
  sourceLoginServer: string;
  repository: string;
  tags: ImportTag[];
}

export interface ImportConflict {
  repository: string;
  tag: string;
  /** registry name → digest */
  digests: Record<string, string>;
  resolution: string;
}

export interface ImportPlan {
  imports: RepositoryImport[];
  /** Tags the target already has with the same digest (nothing to do). */
  alreadyPresent: Array<{ repository: string; tag: string; digest: string }>;
  /** The same repository:tag with different digests: not imported, for the team to decide. */
  conflicts: ImportConflict[];
  tagCount: number;
  /** Bytes to copy (sum over distinct digests not yet in the target); null when a size is unknown. */
  bytesToCopy: number | null;
}

/**
 * What must move into the target: every tag of every other source registry that the target does
 * not already hold with the same digest. A repository:tag present with different digests (in the
 * target or between sources) is a conflict and is not imported (NoForce never overwrites).
 */
export function planImports(target: { name: string; inventory: RegistryInventory }, sources: ReadonlyArray<{ name: string; id: string; inventory: RegistryInventory }>): ImportPlan {
  const targetTags = new Map<string, string>();
  for (const r of target.inventory.repositories) for (const t of r.tags) targetTags.set(`${r.name}:${t.name}`, t.digest);
  const wanted = new Map<string, Map<string, { digest: string; sizeBytes: number | null }>>(); // ref → source → image
  for (const s of sources) {
    if (s.name.toLowerCase() === target.name.toLowerCase()) continue;
    for (const r of s.inventory.repositories) for (const t of r.tags) {
      const ref = `${r.name}:${t.name}`;
      const m = wanted.get(ref) ?? new Map();
      m.set(s.name, { digest: t.digest, sizeBytes: t.sizeBytes });
      wanted.set(ref, m);
    }
  }
  const alreadyPresent: ImportPlan['alreadyPresent'] = [];
  const conflicts: ImportConflict[] = [];
  const byRepo = new Map<string, RepositoryImport>();
  const copyDigests = new Map<string, number | null>();
  for (const [ref, bySource] of [...wanted.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const i = ref.lastIndexOf(':');
    const repository = ref.slice(0, i);
    const tag = ref.slice(i + 1);
    const digests = new Set([...bySource.values()].map((v) => v.digest));
    const inTarget = targetTags.get(ref);
    if (digests.size > 1 || (inTarget !== undefined && !digests.has(inTarget))) {
      const all: Record<string, string> = {};
      if (inTarget !== undefined) all[target.name] = inTarget;
      for (const [src, v] of bySource) all[src] = v.digest;
      conflicts.push({ repository, tag, digests: all, resolution: 'not imported: the same repository:tag names different images; retag one of them (or import it with --force once decided)' });
      continue;
    }
    const [digest] = [...digests];
    if (digest === undefined) continue;
    if (inTarget === digest) {
      alreadyPresent.push({ repository, tag, digest });
      continue;
    }
    // Import from the first source (by name) that has it.
    const [srcName, img] = [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b))[0] ?? [];
    const src = sources.find((s) => s.name === srcName);
    if (!src || !img) continue;
    const key = `${src.name}/${repository}`;
    const item = byRepo.get(key) ?? { id: `import:${key}`, sourceRegistry: src.name, sourceId: src.id, sourceLoginServer: src.inventory.loginServer, repository, tags: [] };
    item.tags.push({ tag, digest, sizeBytes: img.sizeBytes });
    byRepo.set(key, item);
    copyDigests.set(digest, img.sizeBytes);
  }
  const imports = [...byRepo.values()].sort((a, b) => a.id.localeCompare(b.id));
  const sizes = [...copyDigests.values()];
  return {
    imports,
    alreadyPresent,
    conflicts,
    tagCount: imports.reduce((n, i) => n + i.tags.length, 0),
    bytesToCopy: sizes.some((s) => s === null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Reference rewrite and exports

export interface ReferenceRewrite {
  from: string;
  to: string;
}

/** Every image reference to change: `<source>.azurecr.io/<repo>:<tag>` → `<target>.azurecr.io/<repo>:<tag>` (conflicting tags left out). */
export function referenceRewrites(targetLoginServer: string, sources: ReadonlyArray<{ name: string; inventory: RegistryInventory | null; loginServer: string }>, conflicts: readonly ImportConflict[]): ReferenceRewrite[] {
  const bad = new Set(conflicts.map((c) => `${c.repository}:${c.tag}`));
  const out: ReferenceRewrite[] = [];
  for (const s of sources) {
    if (s.loginServer.toLowerCase() === targetLoginServer.toLowerCase() || !s.inventory) continue;
    for (const r of s.inventory.repositories) for (const t of r.tags) {
      if (bad.has(`${r.name}:${t.name}`)) continue;
      out.push({ from: `${s.loginServer}/${r.name}:${t.name}`, to: `${targetLoginServer}/${r.name}:${t.name}` });
    }
  }
  return out.sort((a, b) => a.from.localeCompare(b.from));
}

function sedEscape(s: string): string {
  return s.replace(/[.[\]*^$\\/&#]/g, (c) => `\\${c}`);
}

/**
 * The rewrite as a sed script (`sed -i -f rewrite.sed deploy/*.yaml`): one exact rule per image
 * reference (followed by a non-reference character, so `app:1` does not touch `app:10`), in the order given.
 */
export function sedMapping(rewrites: readonly ReferenceRewrite[]): string {
  const lines = ['# acr-geoplanner consolidation: image references to change (sed -E -i -f <this file> <files>)'];
  for (const r of rewrites) lines.push(`s#${sedEscape(r.from)}([^A-Za-z0-9._-]|$)#${sedEscape(r.to)}\\1#g`);
  return `${lines.join('\n')}\n`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `az acr import` per tag to import, without --force (an existing different tag fails instead of being overwritten). */
export function azImportScript(targetName: string, imports: readonly RepositoryImport[]): string {
  const lines = ['#!/usr/bin/env bash', '# acr-geoplanner consolidation: import every source repository into the target (NoForce: an existing tag with another digest fails, nothing is overwritten)', 'set -euo pipefail'];
  for (const i of imports) {
    lines.push(`# ${i.sourceRegistry}/${i.repository}: ${i.tags.length} tag(s)`);
    for (const t of i.tags) {
      lines.push(`az acr import --name ${shellQuote(targetName)} --source ${shellQuote(`${i.sourceLoginServer}/${i.repository}:${t.tag}`)} --image ${shellQuote(`${i.repository}:${t.tag}`)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface DeletableSource {
  registry: string;
  id: string;
  loginServer: string;
  /** Run only once every deployment pulls from the target (the plan never deletes). */
  command: string;
}

export function deletableSources(targetName: string, sources: ReadonlyArray<{ name: string; id: string; loginServer: string }>): DeletableSource[] {
  return sources
    .filter((s) => s.name.toLowerCase() !== targetName.toLowerCase())
    .map((s) => {
      const rg = /\/resourceGroups\/([^/]+)\//i.exec(s.id)?.[1] ?? '<resource-group>';
      const sub = /^\/subscriptions\/([^/]+)\//i.exec(s.id)?.[1] ?? '<subscription>';
      return { registry: s.name, id: s.id, loginServer: s.loginServer, command: `az acr delete --name ${shellQuote(s.name)} --resource-group ${shellQuote(rg)} --subscription ${shellQuote(sub)} --yes` };
    });
}

// ---------------------------------------------------------------------------------------------
// The consolidation part of a plan (approved with the rest: it is inside the content hash).

export interface ConsolidationPlanContent {
  sources: Array<{ id: string; name: string; loginServer: string; homeRegion: string; sku: string }>;
  targetLoginServer: string;
  /** One entry per source repository, executed in this order after the target's topology actions. */
  imports: RepositoryImport[];
  alreadyPresent: ImportPlan['alreadyPresent'];
  conflicts: ImportConflict[];
  rewrites: ReferenceRewrite[];
  deletable: DeletableSource[];
  /** Regional webhooks: replicated by the plan, or why not. */
  webhooks: string;
}

// ---------------------------------------------------------------------------------------------
// Regional webhooks of the sources (an ACR webhook fires only for pushes in its own location).

export interface SourceWebhook {
  registry: string;
  webhook: LiveWebhook;
}

const webhookConfig = (w: Pick<LiveWebhook, 'serviceUri' | 'actions' | 'scope'>): string => JSON.stringify([w.serviceUri, [...w.actions].sort(), w.scope]);

/**
 * The sources' webhooks recreated on the target in their own location, when the consolidated
 * registry has that location and no webhook of the same configuration there. Webhooks whose
 * location the target does not cover, whose service URI could not be read or that send custom
 * headers (secrets the plan never stores) are listed as skipped with the reason.
 */
export function sourceWebhookCopies(targetLocations: readonly string[], targetWebhooks: readonly LiveWebhook[], sources: readonly SourceWebhook[]): { actions: CreateWebhookAction[]; skipped: SkippedChange[] } {
  const locations = new Set(targetLocations.map(normalizeRegion));
  const present = new Set(targetWebhooks.map((w) => `${normalizeRegion(w.location)}|${webhookConfig(w)}`));
  const taken = new Set(targetWebhooks.map((w) => w.name.toLowerCase()));
  const actions: CreateWebhookAction[] = [];
  const skipped: SkippedChange[] = [];
  for (const { registry, webhook: w } of [...sources].sort((a, b) => `${a.registry}/${a.webhook.name}`.localeCompare(`${b.registry}/${b.webhook.name}`))) {
    const region = normalizeRegion(w.location);
    const id = `create-webhook:${region}:${registry}/${w.name}`;
    const description = `Webhook ${w.name} of ${registry} (${region}, actions ${w.actions.join(', ')})`;
    if (!locations.has(region)) {
      skipped.push({ id, kind: 'webhookNotReadable', region, reason: `the consolidated registry has no location ${region}: pushes there no longer happen; recreate the webhook in another location if it is still needed`, description });
      continue;
    }
    if (present.has(`${region}|${webhookConfig(w)}`)) continue;
    if (w.serviceUri === null) {
      skipped.push({ id, kind: 'webhookNotReadable', region, reason: `the service URI of webhook ${w.name} of ${registry} could not be read; create it on the target yourself`, description });
      continue;
    }
    if (w.customHeaderNames.length > 0) {
      skipped.push({
        id,
        kind: 'webhookNeedsHeaders',
        region,
        proposal: { webhook: { name: webhookCopyName(w.name, region, taken), location: region, serviceUri: w.serviceUri, actions: [...w.actions], scope: w.scope, status: w.status }, customHeaderNames: [...w.customHeaderNames] },
        reason: `webhook ${w.name} of ${registry} sends custom header(s) ${w.customHeaderNames.join(', ')}, whose values are secrets the plan never stores: create the copy with the values (az acr webhook create ... --headers), or leave it out`,
        description,
      });
      continue;
    }
    const name = webhookCopyName(w.name, region, taken);
    taken.add(name.toLowerCase());
    present.add(`${region}|${webhookConfig(w)}`);
    const webhook: WebhookSpec = { name, location: region, serviceUri: w.serviceUri, actions: [...w.actions], scope: w.scope, status: w.status };
    actions.push({ id, kind: 'createWebhook', region, webhook, copyOf: `${registry}/${w.name}`, description: `Create webhook ${name} in ${region} on the target, the copy of ${registry}'s ${w.name} (actions ${w.actions.join(', ')}${w.scope ? `, scope ${w.scope}` : ''})` });
  }
  return { actions, skipped };
}
