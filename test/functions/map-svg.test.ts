import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startArmSandbox, registryResourceId, type ArmSandbox } from '../../devhost/sandbox';
import { createServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { mapSvg } from '../../src/functions/map-svg';
import { recommendations } from '../../src/functions/recommendations';
import { estimate } from '../../src/functions/estimate';
import { openapi } from '../../src/functions/openapi';
import { getServices, setServices } from '../../src/composition';
import { invoke } from '../helpers/invoke';

const contosoBody = {
  registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
  replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }],
  workloads: [
    { region: 'westus', pullGBPerMonth: 1000 },
    { region: 'eastus', pullGBPerMonth: 800 },
    { region: 'canadacentral', pullGBPerMonth: 300 },
    { region: 'westeurope', pullGBPerMonth: 600 },
  ],
};

const statesOf = (svg: string): Record<string, string> =>
  Object.fromEntries([...svg.matchAll(/data-region="([a-z0-9]+)" data-state="(\w+)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));

afterEach(() => setServices());

describe('POST /api/map.svg', () => {
  it('answers image/svg+xml for an estimate request: the Contoso topology in blue', async () => {
    const res = await invoke(mapSvg, { body: contosoBody });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const states = statesOf(res.text);
    expect(Object.entries(states).filter(([, s]) => s === 'home' || s === 'replica').map(([r]) => r).sort()).toEqual(['canadacentral', 'eastus', 'westeurope', 'westus']);
    expect(states.westus).toBe('home');
    expect(Object.values(states)).toContain('available');
    expect(Object.values(states)).toContain('unavailable');
    expect(res.text).toMatch(/Monthly cost: 202\.77 USD/);
  });

  it('accepts a recommendation output posted back as is, and marks the changes', async () => {
    const rec = await invoke(recommendations, {
      body: { ...contosoBody, workloads: [...contosoBody.workloads, { region: 'japaneast', pullGBPerMonth: 9000 }] },
    });
    expect(rec.status).toBe(200);
    const res = await invoke(mapSvg, { body: rec.json });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const states = statesOf(res.text);
    for (const r of rec.json.savings.changes.add) expect(states[r]).toBe('add');
    for (const r of rec.json.savings.changes.remove) expect(states[r]).toBe('remove');
    expect(res.text).toContain(`Monthly cost: ${rec.json.current.monthlyCost.total.toFixed(2)} USD → ${rec.json.recommended.monthlyCost.total.toFixed(2)} USD`);
  });

  it('answers 400 problem+json listing every problem of an estimate request, with did-you-mean', async () => {
    const res = await invoke(mapSvg, {
      body: { registry: { homeRegion: 'westuss', storageGiB: -1 }, replicas: [{ region: 'eastus' }], workloads: [{ region: 'eastus', pullGBPerMonth: 'lots' }], extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const pointers = res.json.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/extra', '/registry/homeRegion', '/registry/storageGiB', '/workloads/0/pullGBPerMonth']);
    expect(res.json.errors.find((e: { pointer: string }) => e.pointer === '/registry/homeRegion').didYouMean).toContain('westus');
    expect(res.json.errors.some((e: { code: string }) => e.code === 'if')).toBe(false);
  });

  it('answers 400 for a malformed recommendation: unknown regions, wrong types, missing fields', async () => {
    const res = await invoke(mapSvg, {
      body: {
        currency: 'USD',
        current: { topology: { homeRegion: 'westus', replicas: [{ region: 'eastuss' }] } },
        recommended: {
          topology: { homeRegion: 'westus', replicas: 'none' },
          estimate: { workloads: [{ id: 'x', region: 'eastus', servedBy: 'japaneast', pullGBPerMonth: -5 }] },
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const pointers = res.json.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/prices',
        '/current/topology/replicas/0/region',
        '/recommended/topology/replicas',
        '/recommended/estimate/workloads/0/pullGBPerMonth',
        '/recommended/estimate/workloads/0/servedBy',
      ]),
    );
  });

  it('answers 415 for a non-JSON body, 400 for GET without ?registry=, 405 for PUT', async () => {
    const res = await invoke(mapSvg, { rawBody: '<x/>', headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(415);
    const get = await invoke(mapSvg, { method: 'GET' });
    expect(get.status).toBe(400);
    expect(get.json.errors[0].pointer).toBe('/registry');
    const put = await invoke(mapSvg, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST, GET');
  });

  it('GET ?registry= with a malformed escape or double-encoded garbage → 400 naming the parameter, before any ARM call', async () => {
    const sub = '00000000-0000-0000-0000-000000000000';
    const id = (rg: string): string => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/contoso`;
    // services whose ARM port fails the test if reached
    setServices({ ...getServices(), arm: () => { throw new Error('ARM must not be called for a bad id'); } });
    for (const rg of ['%E0%A4%A', 'rg%', '%25E0%25A4%25A', 'a%2Fb', '%ED%A0%80']) {
      const res = await invoke(mapSvg, { method: 'GET', query: { registry: id(rg) } });
      expect(res.status, rg).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json.type).toBe('urn:acr-geoplanner:problem:invalid-input');
      expect(res.json.errors[0].pointer).toBe('/registry');
    }
    const long = await invoke(mapSvg, { method: 'GET', query: { registry: id('r'.repeat(5000)) } });
    expect(long.status).toBe(400);
    expect(long.json.errors[0].message).toMatch(/at most 1024/);
    expect(long.text.length).toBeLessThan(2000);
  });

  it('POST with registry.id holding a malformed escape → 400 at /registry/id, not 500', async () => {
    setServices({ ...getServices(), arm: () => { throw new Error('ARM must not be called for a bad id'); } });
    const res = await invoke(mapSvg, {
      body: { registry: { id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/%E0%A4%A/providers/Microsoft.ContainerRegistry/registries/contoso' }, workloads: [{ region: 'westus', pullGBPerMonth: 1 }] },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json.type).toBe('urn:acr-geoplanner:problem:invalid-input');
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/registry/id', code: 'invalidResourceId' })]);
  });

  describe('?fail= (failover view)', () => {
    const attrs = (svg: string, cls: string): Record<string, string>[] =>
      [...svg.matchAll(new RegExp(`<g class="${cls}(?: [^"]*)?"([^>]*)>`, 'g'))].map((m) =>
        Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''])),
      );

    it('crosses out the failed replica and reroutes the workloads it served; the others keep their location', async () => {
      const normal = await invoke(mapSvg, { body: contosoBody });
      const res = await invoke(mapSvg, { body: contosoBody, query: { fail: 'East US' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(res.text).toContain('data-fail="eastus"');
      expect(attrs(res.text, 'region').filter((g) => g['data-failed'] === 'true').map((g) => g['data-region'])).toEqual(['eastus']);
      const before = Object.fromEntries(attrs(normal.text, 'workload').map((g) => [g['data-workload'], g['data-served-by']]));
      const after = Object.fromEntries(attrs(res.text, 'workload').map((g) => [g['data-workload'], g]));
      expect(before.eastus).toBe('eastus');
      expect(after.eastus).toMatchObject({ 'data-failover': 'moved', 'data-moved-from': 'eastus', 'data-served-by': 'canadacentral' });
      for (const id of ['westus', 'canadacentral', 'westeurope']) expect(after[id]?.['data-served-by']).toBe(before[id]);
      expect(res.text).toMatch(/<title id="acr-map-title">Failover view: East US down/);
      // The failover state's cost is the estimate's outage entry for East US.
      const est = await invoke(estimate, { body: contosoBody });
      const entry = est.json.outage.locations.find((l: { location: string }) => l.location === 'eastus');
      expect(entry.moves.map((m: { workload: string; to: string }) => `${m.workload}>${m.to}`)).toEqual(['eastus>canadacentral']);
      expect(res.text).toContain(`Monthly cost: 202.77 USD → ${entry.monthlyCost.total.toFixed(2)} USD while East US is down`);
      expect(res.text).toMatch(new RegExp(`failover ${entry.monthlyCostDelta >= 0 ? '\\+' : '−'}${Math.abs(entry.monthlyCostDelta).toFixed(2)} USD/month while it lasts`));
      expect(res.text).toContain(`data-cost-failover="${entry.monthlyCost.total}" data-cost-failover-delta="${entry.monthlyCostDelta}"`);
    });

    it('a home-only registry whose home fails: every workload unserved', async () => {
      const res = await invoke(mapSvg, { body: { ...contosoBody, replicas: [] }, query: { fail: 'westus' } });
      expect(res.status).toBe(200);
      const lines = attrs(res.text, 'workload');
      expect(lines.map((l) => l['data-workload'])).toEqual(['westus', 'eastus', 'canadacentral', 'westeurope']);
      for (const l of lines) expect(l).toMatchObject({ 'data-failover': 'unserved', 'data-served-by': '' });
      expect(attrs(res.text, 'failover-caption')[0]).toMatchObject({ 'data-role': 'home', 'data-unserved': '4' });
    });

    it('400 problem+json at /fail for a region that is not a location of the topology (listing the valid ones), an unknown region (did-you-mean), an empty or overlong value', async () => {
      const notLoc = await invoke(mapSvg, { body: contosoBody, query: { fail: 'japaneast' } });
      expect(notLoc.status).toBe(400);
      expect(notLoc.headers.get('content-type')).toBe('application/problem+json');
      expect(notLoc.json.errors).toEqual([
        {
          pointer: '/fail',
          code: 'notALocation',
          message: "'japaneast' is not a location of the shown topology; choose one of westus, eastus, canadacentral, westeurope",
          didYouMean: ['westus', 'eastus', 'canadacentral', 'westeurope'],
        },
      ]);
      expect(notLoc.json.detail).toContain('japaneast');
      const unknown = await invoke(mapSvg, { body: contosoBody, query: { fail: 'eastuss' } });
      expect(unknown.status).toBe(400);
      expect(unknown.json.errors[0]).toMatchObject({ pointer: '/fail', code: 'unknownRegion' });
      expect(unknown.json.errors[0].didYouMean).toContain('eastus');
      const empty = await invoke(mapSvg, { body: contosoBody, query: { fail: ' ' } });
      expect(empty.status).toBe(400);
      expect(empty.json.errors).toEqual([expect.objectContaining({ pointer: '/fail', code: 'minLength' })]);
      const long = await invoke(mapSvg, { body: contosoBody, query: { fail: 'w'.repeat(5000) } });
      expect(long.status).toBe(400);
      expect(long.json.errors).toEqual([expect.objectContaining({ pointer: '/fail', code: 'maxLength' })]);
      expect(long.text.length).toBeLessThan(2000);
    });

    it('a posted recommendation: fails a location of the recommended topology; a removed replica is refused', async () => {
      const rec = await invoke(recommendations, {
        body: { ...contosoBody, workloads: [...contosoBody.workloads, { region: 'japaneast', pullGBPerMonth: 9000 }] },
      });
      expect(rec.status).toBe(200);
      expect(rec.json.savings.changes.add).toContain('japaneast');
      const res = await invoke(mapSvg, { body: rec.json, query: { fail: 'japaneast' } });
      expect(res.status).toBe(200);
      const jp = attrs(res.text, 'workload').find((g) => g['data-workload'] === 'japaneast');
      expect(jp).toMatchObject({ 'data-failover': 'moved', 'data-moved-from': 'japaneast' });
      expect(jp?.['data-served-by']).not.toBe('japaneast');
      // The header prices the failover state with the answer's own recommended.outage entry.
      const entry = rec.json.recommended.outage.locations.find((l: { location: string }) => l.location === 'japaneast');
      expect(entry.moves.map((m: { workload: string; to: string }) => `${m.workload}>${m.to}`)).toEqual([`japaneast>${jp?.['data-served-by']}`]);
      expect(res.text).toContain(`Monthly cost: ${rec.json.recommended.monthlyCost.total.toFixed(2)} USD → ${entry.monthlyCost.total.toLocaleString('en-US', { minimumFractionDigits: 2 })} USD while Japan East is down`);
      // Without an outage section in the posted answer the header keeps the normal state's figures, labelled so.
      const { outage: _outage, ...bare } = rec.json.recommended;
      const unpriced = await invoke(mapSvg, { body: { ...rec.json, recommended: bare }, query: { fail: 'japaneast' } });
      expect(unpriced.text).toContain(`Monthly cost (normal state): ${rec.json.current.monthlyCost.total.toFixed(2)} USD → ${rec.json.recommended.monthlyCost.total.toFixed(2)} USD`);
      // With one, the header shows that entry's failover cost against the recommended topology's cost.
      const withOutage = {
        ...rec.json,
        recommended: { ...rec.json.recommended, outage: { locations: [{ location: 'japaneast', monthlyCost: { total: 1234.5, unknown: [] }, monthlyCostDelta: 56.78 }] } },
      };
      const priced = await invoke(mapSvg, { body: withOutage, query: { fail: 'japaneast' } });
      expect(priced.status).toBe(200);
      expect(priced.text).toContain(`Monthly cost: ${rec.json.recommended.monthlyCost.total.toFixed(2)} USD → 1,234.50 USD while Japan East is down`);
      expect(priced.text).toContain('failover +56.78 USD/month while it lasts');
      const badOutage = await invoke(mapSvg, { body: { ...withOutage, recommended: { ...withOutage.recommended, outage: { locations: [{ location: 'japaneast', monthlyCostDelta: 'lots' }] } } }, query: { fail: 'japaneast' } });
      expect(badOutage.status).toBe(400);
      expect(badOutage.json.errors[0].pointer).toBe('/recommended/outage/locations/0/monthlyCostDelta');
      const removed = rec.json.savings.changes.remove[0];
      const refused = await invoke(mapSvg, { body: rec.json, query: { fail: removed } });
      expect(refused.status).toBe(400);
      expect(refused.json.errors[0]).toMatchObject({ pointer: '/fail', code: 'notALocation' });
      expect(refused.json.errors[0].didYouMean).toEqual([rec.json.recommended.topology.homeRegion, ...rec.json.recommended.topology.replicas.map((r: { region: string }) => r.region)]);
    });

    it('GET ?registry=…&fail= with an overlong value → 400 at /fail before any ARM call', async () => {
      setServices({ ...getServices(), arm: () => { throw new Error('ARM must not be called for a bad fail'); } });
      const id = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso';
      const res = await invoke(mapSvg, { method: 'GET', query: { registry: id, fail: 'x'.repeat(65) } });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/fail', code: 'maxLength' })]);
    });
  });

  it('is in the OpenAPI document with its SVG answer and request schema', async () => {
    const doc = await invoke(openapi);
    const op = doc.json.paths['/map.svg'].post;
    expect(op.responses['200'].content['image/svg+xml']).toBeDefined();
    expect(op.requestBody.content['application/json'].schema.if).toEqual({ type: 'object', required: ['recommended'], properties: { recommended: {} } });
    for (const method of ['post', 'get']) {
      const fail = doc.json.paths['/map.svg'][method].parameters.find((p: { name: string }) => p.name === 'fail');
      expect(fail, method).toMatchObject({ in: 'query', required: false, schema: { type: 'string', minLength: 1, maxLength: 64 } });
    }
  });
});

describe('GET /api/map.svg?registry=…&fail= (live registry, ARM sandbox)', () => {
  let sandbox: ArmSandbox;
  beforeAll(async () => {
    sandbox = await startArmSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  const live = (): void => setServices(createServices(readSettings({ ARM_ENDPOINT: sandbox.url, ARM_STATIC_TOKEN: 'test-token', ARM_MAX_RETRIES: '1' })));

  it('crosses out the failed home of the live registry; a region that is not one of its locations is a 400 listing them', async () => {
    live();
    const id = registryResourceId('contosowesteu');
    const res = await invoke(mapSvg, { method: 'GET', query: { registry: id, fail: 'westeurope' } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-fail="westeurope"');
    expect(res.text).toMatch(/<g class="region state-home failed" data-region="westeurope" data-state="home" data-color="blue" data-failed="true"/);
    expect(res.text).toContain('Home outage: pulls and pushes keep working from the replicas');
    live();
    const bad = await invoke(mapSvg, { method: 'GET', query: { registry: id, fail: 'japaneast' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ pointer: '/fail', code: 'notALocation', didYouMean: expect.arrayContaining(['westeurope']) })]);
  });
});
