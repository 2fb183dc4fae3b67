import { describe, expect, it } from 'vitest';
import { applyActions } from '../../../src/model/plan/diff';
import { exportPlan, toAzCli, toBicep, toTerraform } from '../../../src/model/plan/export';
import { matchRegistryId } from '../../../src/model/registry-id';
import { fingerprint } from '../../../src/model/plan/fingerprint';
import type { Plan } from '../../../src/model/plan/types';
import type { ReplicaSpec, Topology } from '../../../src/model/types';
import { approved, makePlan, rep, topo } from './fixtures';

// ---- tiny parsers (test-only) ----

interface ParsedCall {
  kind: 'upgradeSku' | 'createReplica' | 'updateReplica' | 'deleteReplica';
  region?: string;
  sku?: string;
  zoneRedundancy?: boolean;
  regionEndpointEnabled?: boolean;
}

function tokenize(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function parseAzLine(line: string, vars: Record<string, string>): ParsedCall {
  const t = tokenize(line).map((x) => x.replace(/\$([A-Z_]+)/g, (_, v: string) => vars[v] ?? `<${v}>`));
  const opt = (...names: string[]) => {
    const i = t.findIndex((x) => names.includes(x));
    return i >= 0 ? t[i + 1] : undefined;
  };
  expect(opt('-g', '--resource-group')).toBe('rg-acr');
  expect(opt('--subscription')).toBe('00000000-0000-0000-0000-000000000001');
  const sub = t.slice(0, 4).join(' ');
  if (sub.startsWith('az acr update')) {
    expect(opt('-n', '--name')).toBe('contoso');
    return { kind: 'upgradeSku', sku: opt('--sku')! };
  }
  expect(opt('-r', '--registry')).toBe('contoso');
  const bool = (v: string | undefined, yes: string) => (v === undefined ? undefined : v === yes);
  switch (sub) {
    case 'az acr replication create':
      return {
        kind: 'createReplica',
        region: opt('-l', '--location')!,
        zoneRedundancy: bool(opt('--zone-redundancy'), 'Enabled') ?? false,
        regionEndpointEnabled: bool(opt('--region-endpoint-enabled'), 'true') ?? true,
      };
    case 'az acr replication update':
      return { kind: 'updateReplica', region: opt('-n', '--name')!, regionEndpointEnabled: bool(opt('--region-endpoint-enabled'), 'true')! };
    case 'az acr replication delete':
      expect(t).toContain('--yes');
      return { kind: 'deleteReplica', region: opt('-n', '--name')! };
  }
  throw new Error(`unknown az command: ${line}`);
}

function parseAzScript(script: string, commentPrefix = ''): ParsedCall[] {
  const lines = script.split('\n').map((l) => (commentPrefix && l.startsWith(commentPrefix) ? l.slice(commentPrefix.length).trim() : l));
  const vars: Record<string, string> = {};
  for (const l of lines) {
    const m = /^([A-Z_]+)='([^']*)'$/.exec(l.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return lines.filter((l) => l.trim().startsWith('az ')).map((l) => parseAzLine(l.trim(), vars));
}

function expectedCalls(plan: Plan): ParsedCall[] {
  return plan.actions.map((a): ParsedCall => {
    switch (a.kind) {
      case 'upgradeSku':
        return { kind: a.kind, sku: a.to };
      case 'createReplica':
        return { kind: a.kind, region: a.region, zoneRedundancy: a.to.zoneRedundancy, regionEndpointEnabled: a.to.regionEndpointEnabled };
      case 'updateReplica':
        return { kind: a.kind, region: a.region, regionEndpointEnabled: a.to.regionEndpointEnabled };
      case 'deleteReplica':
        return { kind: a.kind, region: a.region };
      case 'createWebhook':
        throw new Error('these export fixtures have no webhooks');
    }
  });
}

/** Bicep: the existing registry + replications resources -> replica specs. */
function parseBicep(src: string): { registry: string; replicas: ReplicaSpec[]; apiVersions: string[] } {
  const lines = src.split('\n').filter((l) => !l.trim().startsWith('//'));
  const text = lines.join('\n');
  const reg = /resource registry 'Microsoft\.ContainerRegistry\/registries@([\d-]+)' existing = \{\s*name: '([^']+)'\s*\}/.exec(text);
  expect(reg).not.toBeNull();
  const apiVersions = [reg![1]!];
  const replicas: ReplicaSpec[] = [];
  const re = /resource (\w+) 'Microsoft\.ContainerRegistry\/registries\/replications@([\d-]+)' = \{([\s\S]*?)\n\}/g;
  for (const m of text.matchAll(re)) {
    const body = m[3]!;
    const field = (name: string) => new RegExp(`^\\s*${name}: (.+)$`, 'm').exec(body)?.[1]?.trim();
    expect(field('parent')).toBe('registry');
    const name = field('name')!.replace(/'/g, '');
    const location = field('location')!.replace(/'/g, '');
    expect(name).toBe(location);
    apiVersions.push(m[2]!);
    replicas.push({
      region: location,
      regionEndpointEnabled: field('regionEndpointEnabled') === 'true',
      zoneRedundancy: field('zoneRedundancy') === "'Enabled'",
    });
  }
  // braces balance
  expect((text.match(/\{/g) ?? []).length).toBe((text.match(/\}/g) ?? []).length);
  return { registry: reg![2]!, replicas, apiVersions };
}

/** Terraform: the azurerm_container_registry block -> topology. */
function parseTerraform(src: string): { topology: Topology; importId: string } {
  const text = src
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');
  const importId = /import \{\s*to = azurerm_container_registry\.this\s*id = "([^"]+)"\s*\}/.exec(text)?.[1];
  const body = /resource "azurerm_container_registry" "this" \{([\s\S]*)\n\}/.exec(text)?.[1];
  expect(body).toBeDefined();
  const top = body!.replace(/georeplications \{[\s\S]*?\}/g, '');
  const attr = (s: string, name: string) => new RegExp(`^\\s*${name}\\s*=\\s*(.+)$`, 'm').exec(s)?.[1]?.trim().replace(/^"|"$/g, '');
  const replicas = [...body!.matchAll(/georeplications \{([\s\S]*?)\}/g)].map((m) => ({
    region: attr(m[1]!, 'location')!,
    zoneRedundancy: attr(m[1]!, 'zone_redundancy_enabled') === 'true',
    regionEndpointEnabled: attr(m[1]!, 'regional_endpoint_enabled') === 'true',
  }));
  expect(attr(top, 'name')).toBe('contoso');
  expect(attr(top, 'resource_group_name')).toBe('rg-acr');
  return {
    topology: { homeRegion: attr(top, 'location')!, sku: attr(top, 'sku') as Topology['sku'], replicas },
    importId: importId!,
  };
}

// ---- plans under test ----

const plans: Array<[string, Plan]> = [
  ['upgrade + creates', approved(makePlan(topo('Standard', []), topo('Premium', [rep('eastus'), rep('westeurope', false, true)])))],
  [
    'update + recreate + delete',
    makePlan(topo('Premium', [rep('eastus'), rep('northeurope'), rep('westeurope')]), topo('Premium', [rep('eastus', false), rep('westeurope', true, true)]), true),
  ],
  ['deletes not allowed', makePlan(topo('Premium', [rep('eastus'), rep('northeurope')]), topo('Premium', [rep('japaneast')]), false)],
  ['nothing to do', makePlan(topo('Premium', [rep('eastus')]), topo('Premium', [rep('eastus')]))],
];

describe('exports parse back to the plan', () => {
  it.each(plans)('az CLI script: %s', (_, plan) => {
    const script = toAzCli(plan);
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('\nset -euo pipefail\n');
    expect(script.indexOf('set -euo pipefail')).toBeLessThan(script.indexOf('\naz ') === -1 ? Infinity : script.indexOf('\naz '));
    expect(script).toMatch(/# Monthly cost before: 50\.00 USD per month/);
    expect(parseAzScript(script)).toEqual(expectedCalls(plan));
    for (const s of plan.skipped) expect(script).toContain(s.reason);
  });

  it.each(plans)('Bicep: %s', (_, plan) => {
    const bicep = toBicep(plan);
    const parsed = parseBicep(bicep);
    expect(parsed.registry).toBe('contoso');
    expect(new Set(parsed.apiVersions)).toEqual(new Set(['2025-11-01']));
    const end = applyActions(plan.current, plan.actions);
    // prerequisite / follow-up az commands in comments + declared replicas == plan end state
    const comments = parseAzScript(bicep, '//');
    // Before deploying: SKU upgrade and the deletes of zone re-creates; after: plain deletes.
    const calls = expectedCalls(plan);
    const before = calls.filter((_, i) => {
      const a = plan.actions[i]!;
      return a.kind === 'upgradeSku' || (a.kind === 'deleteReplica' && a.recreateAs !== undefined);
    });
    const after = calls.filter((_, i) => {
      const a = plan.actions[i]!;
      return a.kind === 'deleteReplica' && a.recreateAs === undefined;
    });
    expect(comments).toEqual([...before, ...after]);
    const sku = comments.find((c) => c.kind === 'upgradeSku')?.sku ?? plan.current.sku;
    expect(fingerprint({ homeRegion: plan.current.homeRegion, sku: sku as Topology['sku'], replicas: parsed.replicas })).toBe(fingerprint(end));
  });

  it.each(plans)('Terraform: %s', (_, plan) => {
    const tf = toTerraform(plan);
    const { topology, importId } = parseTerraform(tf);
    expect(importId).toBe(plan.registryId);
    expect(fingerprint(topology)).toBe(fingerprint(applyActions(plan.current, plan.actions)));
    // azurerm expects georeplications in alphabetical order of location
    const locs = topology.replicas.map((r) => r.region);
    expect(locs).toEqual([...locs].sort());
  });

  it('the plan reaching its target: Terraform declares exactly the target', () => {
    const [, plan] = plans[1]!;
    expect(fingerprint(parseTerraform(toTerraform(plan)).topology)).toBe(fingerprint(plan.target));
  });

  it('without allowDeletes the declarative exports keep the replicas the plan does not delete', () => {
    const [, plan] = plans[2]!;
    const regions = parseTerraform(toTerraform(plan)).topology.replicas.map((r) => r.region);
    expect(regions).toEqual(['eastus', 'japaneast', 'northeurope']);
    expect(parseBicep(toBicep(plan)).replicas.map((r) => r.region)).toEqual(['eastus', 'japaneast', 'northeurope']);
    expect(toAzCli(plan)).not.toMatch(/^az acr replication delete/m);
  });

  it('exportPlan dispatches; matchRegistryId', () => {
    const [, plan] = plans[0]!;
    expect(exportPlan(plan, 'az')).toBe(toAzCli(plan));
    expect(exportPlan(plan, 'bicep')).toBe(toBicep(plan));
    expect(exportPlan(plan, 'terraform')).toBe(toTerraform(plan));
    expect(matchRegistryId(plan.registryId)).toEqual({ subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-acr', name: 'contoso' });
    expect(matchRegistryId('/subscriptions/x/resourceGroups/y')).toBeNull();
  });
});

describe('exports are injection-safe', () => {
  it('quotes odd names in every format', () => {
    const base = makePlan(topo('Standard', []), topo('Premium', [rep('eastus')]));
    const evil = {
      ...base,
      registryName: "con'toso\"${x}",
      actions: base.actions.map((a) => (a.kind === 'createReplica' ? { ...a, region: 'east us;rm -rf /' } : a)),
    };
    const sh = toAzCli(evil);
    expect(sh).toContain(`-l 'east us;rm -rf /'`);
    expect(sh).toContain(`REGISTRY='con'\\''toso"\${x}'`);
    expect(toBicep(evil)).toContain(`name: 'con\\'toso"\${x}'`);
    expect(toTerraform(evil)).toContain('name                = "con\'toso\\"$${x}"');
  });
});
