/** Pure consolidation model (#17): storage after, imports (idempotency, conflicts), the sed mapping (run with sed), home choice. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { azImportScript, bestHome, deletableSources, homeCandidates, planImports, referenceRewrites, sedMapping, storageAfter, type ConsolidationSource, type RegistryInventory } from '../../src/model/consolidation';

const inv = (loginServer: string, repos: Record<string, Array<[string, string, number | null]>>): RegistryInventory => ({
  loginServer,
  truncated: false,
  source: 'dataPlane',
  repositories: Object.entries(repos).map(([name, tags]) => ({ name, tags: tags.map(([tag, digest, sizeBytes]) => ({ name: tag, digest, sizeBytes })) })),
});
const src = (name: string, home: string, sku: 'Basic' | 'Standard' | 'Premium', storageGiB: number | null, inventory: RegistryInventory | null): ConsolidationSource => ({
  id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`,
  name,
  loginServer: `${name}.azurecr.io`,
  topology: { homeRegion: home, sku, replicas: [] },
  storageGiB,
  inventory,
});
const MB = 1024 * 1024;
const a = inv('a.azurecr.io', { app: [['1', 'd1', 100 * MB], ['2', 'd2', 100 * MB]] });
const b = inv('b.azurecr.io', { app: [['1', 'd1', 100 * MB]], api: [['3', 'd3', 200 * MB]] });

describe('storageAfter', () => {
  it('measured: the duplicated share of manifest bytes is taken off the sum of StorageUsed', () => {
    const s = storageAfter([src('a', 'westus', 'Standard', 100, a), src('b', 'westeurope', 'Premium', 300, b)]);
    // per registry 200 + 300 = 500 MB, distinct 400 MB → overlap 20 %
    expect(s.method).toBe('measured');
    expect(s.overlapRatio).toBeCloseTo(0.2, 10);
    expect(s.storageGiB).toBeCloseTo(400 * 0.8, 10);
  });
  it('assumed (no overlap, the sum) when a data plane was not read; unknown when a StorageUsed is', () => {
    expect(storageAfter([src('a', 'westus', 'Standard', 100, a), src('b', 'westeurope', 'Premium', 300, null)])).toMatchObject({ method: 'assumed', storageGiB: 400 });
    expect(storageAfter([src('a', 'westus', 'Standard', 100, inv('a', { x: [['1', 'd', null]] })), src('b', 'westeurope', 'Premium', 300, b)]).method).toBe('assumed');
    expect(storageAfter([src('a', 'westus', 'Standard', null, a), src('b', 'westeurope', 'Premium', 300, b)])).toMatchObject({ method: 'unknown', storageGiB: null });
  });
});

describe('planImports', () => {
  it('imports what the target lacks, skips what it has with the same digest, lists conflicts without importing them', () => {
    const target = inv('a.azurecr.io', { app: [['1', 'd1', 1], ['9', 'dX', 1]] });
    const other = inv('b.azurecr.io', { app: [['1', 'd1', 1], ['9', 'dY', 1], ['2', 'd2', 5]], api: [['3', 'd3', 7]] });
    const p = planImports({ name: 'a', inventory: target }, [{ name: 'a', id: 'ida', inventory: target }, { name: 'b', id: 'idb', inventory: other }]);
    expect(p.imports.map((i) => [i.id, i.tags.map((t) => t.tag)])).toEqual([['import:b/api', ['3']], ['import:b/app', ['2']]]);
    expect(p.alreadyPresent).toEqual([{ repository: 'app', tag: '1', digest: 'd1' }]);
    expect(p.conflicts).toEqual([expect.objectContaining({ repository: 'app', tag: '9', digests: { a: 'dX', b: 'dY' } })]);
    expect(p.bytesToCopy).toBe(12);
    // Two sources disagreeing (target lacks the tag) is a conflict too.
    const c = inv('c.azurecr.io', { api: [['3', 'dZ', 1]] });
    const q = planImports({ name: 'a', inventory: target }, [{ name: 'b', id: 'idb', inventory: other }, { name: 'c', id: 'idc', inventory: c }]);
    expect(q.conflicts.map((x) => `${x.repository}:${x.tag}`)).toContain('api:3');
    expect(q.imports.flatMap((i) => i.tags.map((t) => `${i.repository}:${t.tag}`))).not.toContain('api:3');
  });
});

describe('reference rewrite', () => {
  it('the sed mapping rewrites exact references only (app:1 not app:10), run with sed -E', () => {
    const rewrites = referenceRewrites('contoso.azurecr.io', [{ name: 'contosowesteu', loginServer: 'contosowesteu.azurecr.io', inventory: inv('contosowesteu.azurecr.io', { app: [['1', 'd1', 1], ['10', 'd10', 1]] }) }], []);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sed17-'));
    const script = path.join(dir, 'map.sed');
    fs.writeFileSync(script, sedMapping(rewrites));
    const input = 'image: contosowesteu.azurecr.io/app:1\nimage: "contosowesteu.azurecr.io/app:10"\nimage: contosowesteu.azurecr.io/app:1@sha256:x\nother: contosowesteu.azurecr.io/app:11\n';
    const out = execFileSync('sed', ['-E', '-f', script], { input }).toString();
    expect(out).toBe('image: contoso.azurecr.io/app:1\nimage: "contoso.azurecr.io/app:10"\nimage: contoso.azurecr.io/app:1@sha256:x\nother: contosowesteu.azurecr.io/app:11\n');
  });
  it('az script: one az acr import per tag, never --force; deletion commands only listed', () => {
    const p = planImports({ name: 'a', inventory: a }, [{ name: 'b', id: 'idb', inventory: b }]);
    const az = azImportScript('a', p.imports);
    expect(az.match(/^az acr import/gm)).toHaveLength(1);
    expect(az).toContain('az acr import --name a --source b.azurecr.io/api:3 --image api:3');
    expect(az).not.toMatch(/--force/);
    expect(deletableSources('a', [src('a', 'westus', 'Premium', 1, a), src('b', 'westeurope', 'Premium', 1, b)]).map((d) => d.command)).toEqual(['az acr delete --name b --resource-group rg --subscription s --yes']);
  });
});

describe('home choice', () => {
  it('one candidate per source home region (the Premium, larger registry when two share it); the cheapest wins, unknown loses', () => {
    const c = homeCandidates([src('x', 'westus', 'Standard', 500, null), src('y', 'westus', 'Premium', 10, null), src('z', 'eastus', 'Basic', 1, null)]);
    expect(c.map((h) => [h.region, h.registry.name])).toEqual([['eastus', 'z'], ['westus', 'y']]);
    expect(bestHome([{ region: 'a', registry: 'a', monthlyTotal: null, result: 0 }, { region: 'b', registry: 'b', monthlyTotal: 10, result: 0 }, { region: 'c', registry: 'c', monthlyTotal: 9, result: 0 }])?.region).toBe('c');
    expect(bestHome([{ region: 'a', registry: 'a', monthlyTotal: null, result: 0 }])?.region).toBe('a');
  });
});
