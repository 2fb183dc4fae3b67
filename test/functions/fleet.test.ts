/** GET /api/fleet over 10,000 stored drift reports: ranking, filters, CSV, unknown ≠ 0, answer time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, setServices, type Services } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { InMemoryDriftReportStore } from '../../src/azure/drift';
import { fleet } from '../../src/functions/fleet';
import { fleetCsv, type FleetRow } from '../../src/model/drift/fleet';
import type { DriftReport } from '../../src/model/drift/types';
import { invoke } from '../helpers/invoke';

const reader = { 'x-geoplanner-principal': 'rita@contoso.com; roles=Planner.Read' };
const SUBS = Array.from({ length: 10 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
const REGIONS = ['eastus', 'westeurope', 'southeastasia', 'japaneast'];
const NOW = Date.parse('2026-11-29T12:00:00Z');

function report(i: number): DriftReport {
  const sub = SUBS[i % SUBS.length] as string;
  const name = `reg${String(i).padStart(5, '0')}`;
  const known = i % 7 !== 0;
  const current = 100 + (i % 97);
  const saving = (i * 37) % 211;
  return {
    registryId: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`,
    registryName: name,
    location: REGIONS[i % REGIONS.length] as string,
    runId: '20261129T060000Z-abcdef01',
    checkedAt: new Date(NOW - (i % 3600) * 1000).toISOString(),
    status: i % 50 === 0 ? 'error' : saving > 25 ? 'drifted' : 'ok',
    findings: saving > 25 ? [{ kind: 'economic', severity: 'warning', code: 'SAVING_AVAILABLE', message: 'x' }] : [],
    summary: 's',
    ...(i % 50 === 0
      ? { error: { message: 'boom' } }
      : {
          economics: known
            ? { status: 'evaluated', currency: 'USD', currentMonthlyCost: current, recommendedMonthlyCost: current - saving, monthlySaving: saving, optimality: i % 11 === 0 ? 'gap' : 'proved', savingThreshold: 25, assumptions: [] }
            : { status: 'unknown', reason: 'DRIFT_AVG_PULL_SIZE_MB unset', savingThreshold: 25, assumptions: [] },
        }),
  } as DriftReport;
}

let services: Services;
const store = new InMemoryDriftReportStore();
beforeAll(async () => {
  for (let i = 1; i <= 10_000; i++) await store.put(report(i));
  services = createServices(readSettings({ LOCAL_PRINCIPAL_HEADER: 'true', DRIFT_STORE: 'memory' }), { drift: { reports: store }, now: () => new Date(NOW) });
  setServices(services);
});
afterAll(() => setServices());

describe('GET /api/fleet', () => {
  it('answers 10,000 registries in under 1 s, ranked by saving, unknown savings last and never 0', async () => {
    await invoke(fleet, { headers: reader }); // warm-up (module loading)
    const t0 = performance.now();
    const res = await invoke(fleet, { headers: reader });
    const ms = performance.now() - t0;
    expect(res.status).toBe(200);
    const body = res.json as { total: number; count: number; rows: FleetRow[]; unknownSavings: number; monthlySavingByCurrency: Record<string, number> };
    expect(body.total).toBe(10_000);
    expect(body.count).toBe(10_000);
    expect(ms).toBeLessThan(1000);
    const savings = body.rows.map((r) => r.monthlySaving);
    const firstUnknown = savings.indexOf(null);
    expect(firstUnknown).toBeGreaterThan(0);
    expect(savings.slice(firstUnknown).every((s) => s === null)).toBe(true);
    const known = savings.slice(0, firstUnknown) as number[];
    expect(known.every((s, i) => i === 0 || (known[i - 1] as number) >= s)).toBe(true);
    expect(body.unknownSavings).toBe(10_000 - known.length);
    const top = body.rows[0] as FleetRow;
    expect(top.optimalMonthlyCost).toBe((top.currentMonthlyCost as number) - (top.monthlySaving as number));
    expect(['proved', 'gap']).toContain(top.optimality);
    const unknownRow = body.rows.find((r) => r.monthlySaving === null && r.status !== 'error') as FleetRow;
    expect(unknownRow.currentMonthlyCost).toBeNull();
    const r42 = body.rows.find((r) => r.registryName === 'reg00042') as FleetRow;
    expect(r42.dataAgeSeconds).toBe(42);
    expect(r42.region).toBe(REGIONS[42 % 4]);
    expect(body.monthlySavingByCurrency['USD']).toBeCloseTo(known.reduce((a, b) => a + b, 0), 0);
  });

  it('filters by subscription, region and status', async () => {
    const res = await invoke(fleet, { headers: reader, query: { subscription: `${SUBS[3]},${SUBS[4]}`, region: 'westeurope', status: 'drifted' } });
    expect(res.status).toBe(200);
    const rows = (res.json as { rows: FleetRow[] }).rows;
    const expected = Array.from({ length: 10_000 }, (_, k) => report(k + 1)).filter((r) => [SUBS[3], SUBS[4]].some((s) => r.registryId.includes(s as string)) && r.location === 'westeurope' && r.status === 'drifted');
    expect(rows.map((r) => r.registryId).sort()).toEqual(expected.map((r) => r.registryId).sort());
    expect(rows.length).toBeGreaterThan(0);
  });

  it('answers CSV (RFC 4180, unknown = empty field) and refuses bad filters with every problem', async () => {
    const res = await invoke(fleet, { headers: reader, query: { format: 'csv', status: 'error' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('registryId,registryName,subscriptionId,resourceGroup,region,status,severity,currency,currentMonthlyCost,optimalMonthlyCost,optimality,monthlySaving,checkedAt,dataAgeSeconds,runId');
    expect(lines.length - 2).toBe(200); // 10,000 / 50 error reports + header + final CRLF
    expect(lines[1]?.split(',').slice(7, 12)).toEqual(['', '', '', '', '']);
    const bad = await invoke(fleet, { headers: reader, query: { subscription: 'nope', status: 'weird', format: 'xml' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((bad.json as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer).sort()).toEqual(['/query/format', '/query/status', '/query/subscription']);
    expect((await invoke(fleet, {})).status).toBe(401);
  });

  it('CSV neutralises spreadsheet formulas and quotes separators', () => {
    const row = { registryId: '=cmd', registryName: 'a,b', monthlySaving: null, currentMonthlyCost: 12.5 } as unknown as FleetRow;
    const csv = fleetCsv([row]);
    expect(csv.split('\r\n')[1]?.startsWith(`"'=cmd","a,b"`)).toBe(true);
    expect(csv.split('\r\n')[1]?.split(',')[9]).toBe('12.5');
  });
});
