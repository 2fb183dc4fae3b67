/**
 * The replication map, as the Azure portal draws it: a hexagon per region on
 * a world map — blue for the registry's locations, green where a replica can
 * be added, gray where replication is not available — plus the recommended
 * changes (+ / − badges, their own fill, dashed outline), a line from each
 * workload to the location serving it (width by volume), a legend and the
 * monthly cost before/after. Pure: input in, SVG text out.
 *
 * Nearby regions (Europe has a dozen within a few hundred km) are snapped to
 * a hexagonal lattice, each to the nearest free cell, in a deterministic order
 * (the registry's own locations first, then by name); a hexagon moved away
 * from its true position gets a thin leader line to a dot at the true place.
 */
import type { Catalog } from '../catalog';
import type { Region, Topology } from '../types';
import type { MapCost, MapFailover, MapWorkload, RegionState, ReplicationMapInput } from './types';
import { loadWorldFrame, MAP_HEIGHT, MAP_WIDTH, type WorldFrame } from './world';

/** Hexagon circumradius (px) of the lattice; drawn slightly smaller, leaving a gap. */
export const HEX_RADIUS = 10.5;
const HEX_DRAWN = HEX_RADIUS - 0.9;
const SQRT3 = Math.sqrt(3);

export interface StateStyle {
  fill: string;
  stroke: string;
  strokeWidth: number;
  dash?: string;
  /** Colour name for tests and the legend (`data-color`). */
  color: 'blue' | 'green' | 'gray' | 'orange' | 'red';
  label: string;
  badge?: '+' | '−';
}

export const STATE_STYLES: Record<RegionState, StateStyle> = {
  home: { fill: '#0063b1', stroke: '#002a4d', strokeWidth: 2, color: 'blue', label: 'Home region' },
  replica: { fill: '#0078d4', stroke: '#ffffff', strokeWidth: 1, color: 'blue', label: 'Replica' },
  add: { fill: '#ffb900', stroke: '#7a5200', strokeWidth: 1.6, dash: '3 2', color: 'orange', label: 'Recommended: add replica', badge: '+' },
  remove: { fill: '#e74856', stroke: '#750b1c', strokeWidth: 1.6, dash: '3 2', color: 'red', label: 'Recommended: remove replica', badge: '−' },
  available: { fill: '#6bb700', stroke: '#ffffff', strokeWidth: 1, color: 'green', label: 'Available for replication' },
  unavailable: { fill: '#b3b3b3', stroke: '#ffffff', strokeWidth: 1, color: 'gray', label: 'Not available (access-restricted)' },
};

const STATE_TEXT: Record<RegionState, string> = {
  home: 'home region (current)',
  replica: 'replica (current)',
  add: 'recommended: add a replica here',
  remove: 'recommended: remove this replica',
  available: 'available: a replica can be added',
  unavailable: 'not available for replication (access-restricted region)',
};

/** The failover view: the failed location (greyed, crossed out), rerouted and unserved workloads. */
export const FAILOVER_STYLE = {
  failedFill: '#8a8886',
  failedStroke: '#a4262c',
  moved: '#d83b01',
  unserved: '#a4262c',
  oldRoute: '#7a8794',
} as const;

const PLACEMENT_ORDER: Record<RegionState, number> = { home: 0, replica: 1, remove: 1, add: 2, available: 3, unavailable: 4 };

/** XML-escapes text and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const f1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/** The state of every region, given the current and the recommended topology. */
export function regionStates(regions: readonly Region[], current: Topology, recommended?: Topology): Map<string, RegionState> {
  const cur = new Set(current.replicas.map((r) => r.region));
  const rec = recommended ? new Set(recommended.replicas.map((r) => r.region)) : undefined;
  const states = new Map<string, RegionState>();
  for (const r of regions) {
    let s: RegionState;
    if (r.name === current.homeRegion) s = 'home';
    else if (cur.has(r.name)) s = rec && !rec.has(r.name) ? 'remove' : 'replica';
    else if (rec?.has(r.name)) s = 'add';
    else s = r.restricted ? 'unavailable' : 'available';
    states.set(r.name, s);
  }
  return states;
}

function hexPoints(cx: number, cy: number, r: number): string {
  const pts: string[] = [];
  for (let i = 0; i < 6; i++) {
    const a = (Math.PI / 180) * (60 * i - 90); // pointy-top
    pts.push(`${f1(cx + r * Math.cos(a))},${f1(cy + r * Math.sin(a))}`);
  }
  return pts.join(' ');
}

interface Placed {
  region: Region;
  state: RegionState;
  /** True projected position. */
  tx: number;
  ty: number;
  /** Hexagon centre on the lattice. */
  x: number;
  y: number;
}

/** Snaps each region to the nearest free lattice cell (deterministic: by placement priority, then name). */
function placeOnLattice(items: { region: Region; state: RegionState; tx: number; ty: number }[]): Placed[] {
  const w = SQRT3 * HEX_RADIUS;
  const h = 1.5 * HEX_RADIUS;
  const taken = new Set<string>();
  const ordered = [...items].sort((a, b) => PLACEMENT_ORDER[a.state] - PLACEMENT_ORDER[b.state] || a.region.name.localeCompare(b.region.name));
  const out: Placed[] = [];
  for (const it of ordered) {
    const row0 = Math.round(it.ty / h);
    let best: { key: string; x: number; y: number; d: number } | undefined;
    for (let radius = 0; radius <= 12 && !best; radius += 3) {
      for (let row = row0 - radius - 3; row <= row0 + radius + 3; row++) {
        const offset = row % 2 === 0 ? 0 : w / 2;
        const col0 = Math.round((it.tx - offset) / w);
        for (let col = col0 - radius - 3; col <= col0 + radius + 3; col++) {
          const key = `${row}:${col}`;
          if (taken.has(key)) continue;
          const x = col * w + offset;
          const y = row * h;
          if (x < HEX_RADIUS || x > MAP_WIDTH - HEX_RADIUS || y < 64 + HEX_RADIUS || y > MAP_HEIGHT - HEX_RADIUS) continue;
          const d = (x - it.tx) ** 2 + (y - it.ty) ** 2;
          if (!best || d < best.d - 1e-9) best = { key, x, y, d };
        }
      }
    }
    const cell = best ?? { key: `free:${it.region.name}`, x: it.tx, y: it.ty, d: 0 };
    taken.add(cell.key);
    out.push({ ...it, x: cell.x, y: cell.y });
  }
  return out.sort((a, b) => a.region.name.localeCompare(b.region.name));
}

function costOf(c: MapCost | undefined): { known: number | null; partial: number | null; unknown: string[] } {
  if (c === undefined || c === null) return { known: null, partial: null, unknown: [] };
  if (typeof c === 'number') return { known: c, partial: null, unknown: [] };
  return { known: c.total, partial: c.total === null ? (c.totalKnown ?? null) : null, unknown: c.unknown ?? [] };
}

function moneyText(c: MapCost | undefined, currency: string): string {
  const { known, partial, unknown } = costOf(c);
  const fmt = (x: number): string => `${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
  if (known !== null) return fmt(known);
  if (partial !== null) return `≥ ${fmt(partial)} (${unknown.length ? unknown.join(', ') : 'part'} unknown)`;
  return 'unknown';
}

function volumeText(gb: number | null): string {
  return gb === null ? 'unknown volume' : `${gb.toLocaleString('en-US', { maximumFractionDigits: 1 })} GB/month`;
}

interface LabelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
const overlaps = (a: LabelBox, b: LabelBox): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** What every part of the drawing needs: the placed hexagons and the texts derived from the input. */
interface MapContext {
  frame: WorldFrame;
  input: ReplicationMapInput;
  placed: Placed[];
  byName: Map<string, Placed>;
  /** Regions of the topologies that have no coordinates (not drawn). */
  noCoords: string[];
  /** Locations with regionEndpointEnabled=false. */
  disabled: Set<string>;
  display: (name: string) => string;
  workloads: MapWorkload[];
  title: string;
  before: string | undefined;
  after: string | undefined;
  /** The failover view, when a location is failed. */
  failover: MapFailover | undefined;
}

function mapContext(frame: WorldFrame, input: ReplicationMapInput, catalog: Catalog): MapContext {
  const { current, recommended } = input;
  const states = regionStates(catalog.regions, current, recommended);
  const withCoords = catalog.regions.filter((r) => r.latitude !== null && r.longitude !== null);
  const noCoords = [current.homeRegion, ...current.replicas.map((r) => r.region), ...(recommended?.replicas.map((r) => r.region) ?? [])].filter(
    (n, i, a) => a.indexOf(n) === i && !withCoords.some((r) => r.name === n),
  );
  const projected = withCoords.flatMap((region) => {
    const p = frame.project(region.longitude ?? 0, region.latitude ?? 0);
    return p ? [{ region, state: states.get(region.name) ?? 'available', tx: p[0], ty: p[1] }] : [];
  });
  const placed = placeOnLattice(projected);
  const byName = new Map(placed.map((p) => [p.region.name, p]));
  const disabled = new Set([...current.replicas, ...(recommended?.replicas ?? [])].filter((r) => !r.regionEndpointEnabled).map((r) => r.region));
  const display = (name: string): string => catalog.get(name)?.displayName ?? name;
  const failover = input.failover;
  const title =
    input.title ??
    (failover
      ? `Failover view: ${display(failover.location)} down (${failover.role === 'home' ? 'home region' : 'replica'} of the ${display(current.homeRegion)} registry)`
      : recommended
      ? `Replication map: ${display(current.homeRegion)} registry, current vs recommended replicas`
      : `Replication map: ${display(current.homeRegion)} registry, ${current.replicas.length} replica${current.replicas.length === 1 ? '' : 's'}`);
  const before = input.costBefore !== undefined ? moneyText(input.costBefore, input.currency) : undefined;
  const after = input.costAfter !== undefined ? moneyText(input.costAfter, input.currency) : undefined;
  return { frame, input, placed, byName, noCoords, disabled, display, workloads: input.workloads ?? [], title, before, after, failover };
}

/** The text of `<desc>`: what the map shows, in words. */
function description(ctx: MapContext): string {
  const { input, placed, display, workloads, noCoords, before, after } = ctx;
  const { current, recommended } = input;
  const count = (s: RegionState): number => placed.filter((p) => p.state === s).length;
  const listOf = (s: RegionState): string[] => placed.filter((p) => p.state === s).map((p) => p.region.displayName);
  const descParts = [
    `World map with one hexagon per Azure region (${placed.length} regions).`,
    `Home region: ${display(current.homeRegion)} (${current.homeRegion}).`,
    `Current replicas: ${current.replicas.length ? current.replicas.map((r) => display(r.region)).join(', ') : 'none'}.`,
  ];
  if (recommended) {
    const add = listOf('add');
    const remove = listOf('remove');
    descParts.push(`Recommended: ${add.length ? `add ${add.join(', ')}` : 'no addition'}; ${remove.length ? `remove ${remove.join(', ')}` : 'no removal'}.`);
  }
  descParts.push(`Available for replication: ${count('available')} regions (green). Not available, access-restricted: ${count('unavailable')} regions (gray).`);
  if (noCoords.length) descParts.push(`Not drawn (no coordinates): ${noCoords.join(', ')}.`);
  if (ctx.failover) descParts.push(failoverSummary(ctx.failover, display));
  if (workloads.length) {
    descParts.push(
      `Workloads: ${workloads.map((w) => `${w.id} (${volumeText(w.pullGBPerMonth)}) served by ${w.servedBy ? display(w.servedBy) : 'unknown'}`).join('; ')}.`,
    );
  }
  if (before !== undefined || after !== undefined) {
    descParts.push(`Monthly cost${before !== undefined ? `: current ${before}` : ''}${after !== undefined ? `${before !== undefined ? ',' : ':'} recommended ${after}` : ''}; list prices as of ${input.pricesAsOf}.`);
  }
  return descParts.join(' ');
}

/** The failover state in words: which location fails, where its workloads go, which are left with no registry. */
function failoverSummary(f: MapFailover, display: (name: string) => string): string {
  const moved = f.moves.filter((m) => m.to !== null);
  const ms = (x: number | null): string => (x === null ? 'unknown ms' : `${x} ms`);
  return [
    `Failover view: ${display(f.location)} (${f.location}, ${f.role === 'home' ? 'the home region' : 'a replica'}) is down.`,
    moved.length
      ? `Rerouted: ${moved.map((m) => `${m.workload} to ${display(m.to ?? '')} (${ms(m.latencyMsBefore)} → ${ms(m.latencyMsAfter)} round trip)`).join('; ')}.`
      : 'No workload is rerouted.',
    f.unserved.length ? `Unserved (no registry left): ${f.unserved.join(', ')}.` : 'Every workload is still served.',
  ].join(' ');
}

/** The `<svg>` root, title, description and the world underneath. */
function backdrop(ctx: MapContext): string[] {
  const { current, recommended } = ctx.input;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" width="${MAP_WIDTH}" height="${MAP_HEIGHT}" role="img" aria-labelledby="acr-map-title acr-map-desc" class="acr-replication-map" font-family="Segoe UI, Helvetica, Arial, sans-serif" data-home="${esc(current.homeRegion)}" data-topology="${recommended ? 'current+recommended' : 'current'}"${ctx.failover ? ` data-fail="${esc(ctx.failover.location)}"` : ''}>`,
    `<title id="acr-map-title">${esc(ctx.title)}</title>`,
    `<desc id="acr-map-desc">${esc(description(ctx))}</desc>`,
    `<rect class="ocean" x="0" y="0" width="${MAP_WIDTH}" height="${MAP_HEIGHT}" fill="#eaf2fa"/>`,
    `<path class="land" d="${ctx.frame.landPath}" fill="#dfe3e8" stroke="none"/>`,
    `<path class="borders" d="${ctx.frame.bordersPath}" fill="none" stroke="#ffffff" stroke-width="0.6"/>`,
  ];
}

/** Leader lines for hexagons moved off their true position. */
function leaderLines(placed: readonly Placed[]): string[] {
  const parts = ['<g class="leaders" aria-hidden="true">'];
  for (const p of placed) {
    const d = Math.hypot(p.x - p.tx, p.y - p.ty);
    if (d > HEX_RADIUS * 1.2) {
      parts.push(
        `<line x1="${f1(p.x)}" y1="${f1(p.y)}" x2="${f1(p.tx)}" y2="${f1(p.ty)}" stroke="#7a8794" stroke-width="0.6"/><circle cx="${f1(p.tx)}" cy="${f1(p.ty)}" r="1.3" fill="#7a8794"/>`,
      );
    }
  }
  parts.push('</g>');
  return parts;
}

/** One hexagon per placed region, with its state, tooltip and +/− badge. */
function hexagons(placed: readonly Placed[], disabled: ReadonlySet<string>, failed?: string): string[] {
  const parts = ['<g class="regions">'];
  for (const p of placed) {
    const st = STATE_STYLES[p.state];
    const r = p.region;
    const down = r.name === failed;
    const extra = [
      r.geography,
      r.availabilityZones ? 'availability zones' : 'no availability zones',
      disabled.has(r.name) ? 'regionEndpointEnabled=false (no traffic routed, still billed)' : '',
    ].filter(Boolean);
    const label = `${r.displayName} (${r.name}): ${STATE_TEXT[p.state]}${down ? ', FAILED in this failover view' : ''}`;
    parts.push(
      `<g class="region state-${p.state}${down ? ' failed' : ''}" data-region="${esc(r.name)}" data-state="${p.state}" data-color="${st.color}"${down ? ' data-failed="true"' : ''} role="img" aria-label="${esc(label)}">`,
      `<title>${esc(`${label} — ${extra.join(', ')}`)}</title>`,
      down
        ? `<polygon points="${hexPoints(p.x, p.y, HEX_DRAWN)}" fill="${FAILOVER_STYLE.failedFill}" fill-opacity="0.75" stroke="${FAILOVER_STYLE.failedStroke}" stroke-width="1.6"/>`
        : `<polygon points="${hexPoints(p.x, p.y, HEX_DRAWN)}" fill="${st.fill}" stroke="${st.stroke}" stroke-width="${st.strokeWidth}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}${disabled.has(r.name) ? ' fill-opacity="0.55"' : ''}/>`,
    );
    if (down) parts.push(cross(p.x, p.y, HEX_DRAWN + 2.5, FAILOVER_STYLE.failedStroke, 'failed-cross'));
    if (st.badge) {
      const bx = p.x + HEX_DRAWN * 0.78;
      const by = p.y - HEX_DRAWN * 0.72;
      parts.push(
        `<circle class="badge" cx="${f1(bx)}" cy="${f1(by)}" r="5" fill="#ffffff" stroke="${st.stroke}" stroke-width="1"/>`,
        `<text x="${f1(bx)}" y="${f1(by + 3.3)}" text-anchor="middle" font-size="10" font-weight="700" fill="${st.stroke}" aria-hidden="true">${st.badge}</text>`,
      );
    }
    parts.push('</g>');
  }
  parts.push('</g>');
  return parts;
}

/** An X centred on (x, y), half-size `r`. */
function cross(x: number, y: number, r: number, stroke: string, cls: string): string {
  const d = r * 0.72;
  return `<path class="${cls}" d="M${f1(x - d)},${f1(y - d)} L${f1(x + d)},${f1(y + d)} M${f1(x - d)},${f1(y + d)} L${f1(x + d)},${f1(y - d)}" stroke="${stroke}" stroke-width="2.2" stroke-linecap="round" fill="none"/>`;
}

/** A line (or a ring, when served in its own region / unserved) from each workload to the location serving it. */
function workloadLines(ctx: MapContext): string[] {
  const { frame, workloads, byName, display } = ctx;
  const vols = workloads.map((w) => w.pullGBPerMonth ?? 0);
  const maxVol = Math.max(1e-9, ...vols);
  const width = (v: number | null): number => (v === null ? 1 : 1.2 + 5.8 * Math.sqrt(Math.max(0, v) / maxVol));
  const parts = ['<g class="workloads">'];
  const movesById = new Map((ctx.failover?.moves ?? []).map((m) => [m.workload, m]));
  const ms = (x: number | null | undefined): string => (x === undefined || x === null ? 'unknown' : `${x} ms`);
  for (const w of workloads) {
    const server = w.servedBy ? byName.get(w.servedBy) : undefined;
    const from = w.movedFrom !== undefined ? byName.get(w.movedFrom) : undefined;
    const own = w.region !== undefined ? byName.get(w.region) : undefined;
    const startPt = own ? ([own.x, own.y] as [number, number]) : frame.project(w.longitude, w.latitude);
    if (!startPt) continue;
    const [sx, sy] = startPt;
    const sw = width(w.pullGBPerMonth);
    const before = movesById.get(w.id)?.latencyMsBefore;
    const tip =
      w.failover === 'unserved'
        ? `${w.id}: ${volumeText(w.pullGBPerMonth)}, UNSERVED: no registry location left while ${display(w.movedFrom ?? '')} is down (was ${ms(before)} round trip)`
        : `${w.id}: ${volumeText(w.pullGBPerMonth)}, ${w.failover === 'moved' ? `rerouted from ${display(w.movedFrom ?? '')} to` : 'served by'} ${
            w.servedBy ? `${display(w.servedBy)} (${w.servedBy})` : 'unknown'
          }${w.latencyMs !== undefined && w.latencyMs !== null ? `, ${w.latencyMs} ms round trip` : ''}${w.failover === 'moved' ? ` (was ${ms(before)})` : ''}`;
    const failoverAttrs = w.failover ? ` data-failover="${w.failover}" data-moved-from="${esc(w.movedFrom ?? '')}"` : '';
    const common = `class="workload${w.failover ? ` ${w.failover}` : ''}" data-workload="${esc(w.id)}" data-served-by="${esc(w.servedBy ?? '')}" data-volume="${w.pullGBPerMonth ?? ''}"${failoverAttrs}`;
    const colour = w.failover === 'moved' ? FAILOVER_STYLE.moved : '#1b2a3a';
    // The route it had before its location failed: a thin dotted line to the crossed-out hexagon.
    const oldRoute =
      from && Math.hypot(from.x - sx, from.y - sy) >= 2
        ? `<path class="old-route" d="M${f1(sx)},${f1(sy)} L${f1(from.x)},${f1(from.y)}" stroke="${FAILOVER_STYLE.oldRoute}" stroke-width="1" stroke-dasharray="2 3" fill="none"/>`
        : '';
    if (!server) {
      parts.push(
        w.failover === 'unserved'
          ? `<g ${common} data-kind="unserved"><title>${esc(tip)}</title>${oldRoute}<circle cx="${f1(sx)}" cy="${f1(sy)}" r="6" fill="#ffffff" stroke="${FAILOVER_STYLE.unserved}" stroke-width="2"/>${cross(sx, sy, 5, FAILOVER_STYLE.unserved, 'unserved-mark')}</g>`
          : `<g ${common} data-kind="unserved"><title>${esc(tip)}</title><circle cx="${f1(sx)}" cy="${f1(sy)}" r="4" fill="none" stroke="#a4262c" stroke-width="1.5"/></g>`,
      );
      continue;
    }
    const dx = server.x - sx;
    const dy = server.y - sy;
    const len = Math.hypot(dx, dy);
    if (len < 2) {
      const rr = Math.min(HEX_DRAWN - 2.5, 1.6 + sw / 2);
      parts.push(
        `<g ${common} data-kind="local"><title>${esc(`${tip} (in-region: no transfer charge)`)}</title>${oldRoute}<circle cx="${f1(sx)}" cy="${f1(sy)}" r="${f1(rr)}" fill="#ffffff" stroke="${colour}" stroke-width="${w.failover ? 2 : 1}"/></g>`,
      );
      continue;
    }
    // A gentle arc (bulging to the left of the direction of travel) keeps parallel lines apart.
    const bend = Math.min(60, len * 0.18);
    const cx = (sx + server.x) / 2 - (dy / len) * bend;
    const cy = (sy + server.y) / 2 + (dx / len) * bend;
    parts.push(
      `<g ${common} data-kind="remote"><title>${esc(tip)}</title>`,
      oldRoute,
      `<path d="M${f1(sx)},${f1(sy)} Q${f1(cx)},${f1(cy)} ${f1(server.x)},${f1(server.y)}" fill="none" stroke="${colour}" stroke-opacity="${w.failover ? 0.9 : 0.6}" stroke-width="${f1(sw)}" stroke-linecap="round"${w.pullGBPerMonth === null ? ' stroke-dasharray="4 3"' : ''}/>`,
      own ? '' : `<circle cx="${f1(sx)}" cy="${f1(sy)}" r="3.5" fill="${colour}"/>`,
      '</g>',
    );
  }
  parts.push('</g>');
  return parts;
}

/** Labels of the registry's locations and of the recommended changes, each where it collides least. */
function labels(placed: readonly Placed[]): string[] {
  const boxes: LabelBox[] = [];
  const parts = ['<g class="labels" aria-hidden="true" font-size="11" fill="#1b2a3a">'];
  const hexBoxes = placed.map((p) => ({ name: p.region.name, x0: p.x - HEX_DRAWN, y0: p.y - HEX_DRAWN, x1: p.x + HEX_DRAWN, y1: p.y + HEX_DRAWN }));
  const labelled = placed.filter((p) => p.state !== 'available' && p.state !== 'unavailable');
  if (labelled.length <= 40) {
    for (const p of labelled.sort((a, b) => PLACEMENT_ORDER[a.state] - PLACEMENT_ORDER[b.state] || a.region.name.localeCompare(b.region.name))) {
      const text = p.region.displayName;
      const tw = text.length * 6.1;
      const gap = HEX_RADIUS + 3;
      const options: { x: number; y: number; anchor: string; box: LabelBox }[] = [
        { x: p.x + gap, y: p.y + 4, anchor: 'start', box: { x0: p.x + gap, y0: p.y - 7, x1: p.x + gap + tw, y1: p.y + 6 } },
        { x: p.x - gap, y: p.y + 4, anchor: 'end', box: { x0: p.x - gap - tw, y0: p.y - 7, x1: p.x - gap, y1: p.y + 6 } },
        { x: p.x, y: p.y - gap - 2, anchor: 'middle', box: { x0: p.x - tw / 2, y0: p.y - gap - 13, x1: p.x + tw / 2, y1: p.y - gap } },
        { x: p.x, y: p.y + gap + 9, anchor: 'middle', box: { x0: p.x - tw / 2, y0: p.y + gap - 2, x1: p.x + tw / 2, y1: p.y + gap + 11 } },
      ];
      const inside = (b: LabelBox): boolean => b.x0 >= 2 && b.x1 <= MAP_WIDTH - 2 && b.y0 >= 66 && b.y1 <= MAP_HEIGHT - 2;
      // Fewest collisions with other labels (heavy) and other hexagons (light); ties keep the order above.
      const score = (b: LabelBox): number =>
        (inside(b) ? 0 : 1000) + 10 * boxes.filter((o) => overlaps(o, b)).length + hexBoxes.filter((h) => h.name !== p.region.name && overlaps(h, b)).length;
      let best = options[0];
      let bestScore = best ? score(best.box) : Infinity;
      for (const o of options.slice(1)) {
        const sc = score(o.box);
        if (sc < bestScore) {
          best = o;
          bestScore = sc;
        }
      }
      if (!best) continue;
      boxes.push(best.box);
      parts.push(
        `<text x="${f1(best.x)}" y="${f1(best.y)}" text-anchor="${best.anchor}" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke" data-label-for="${esc(p.region.name)}">${esc(text)}</text>`,
      );
    }
  }
  parts.push('</g>');
  return parts;
}

/** Header band: title, summary line, and the monthly cost before → after (or just the price date). */
function header(ctx: MapContext): string[] {
  const { input, display, placed, title, before, after } = ctx;
  const { current } = input;
  const shown = input.recommended ?? current;
  const parts = [
    `<g class="header"><rect x="0" y="0" width="${MAP_WIDTH}" height="62" fill="#ffffff" fill-opacity="0.92"/>`,
    `<text x="20" y="28" font-size="19" font-weight="600" fill="#1b2a3a">${esc(title)}</text>`,
    `<text x="20" y="50" font-size="12.5" fill="#43505e">${esc(
      `Home ${display(current.homeRegion)} · ${shown === current ? `${current.replicas.length} replica${current.replicas.length === 1 ? '' : 's'}` : `${current.replicas.length} → ${shown.replicas.length} replicas`}${
        ctx.failover ? ` · failover: ${display(ctx.failover.location)} down` : ''
      } · ${placed.length} regions shown · hover a hexagon for its name`,
    )}</text>`,
  ];
  if (before !== undefined || after !== undefined) {
    // Failover view: the normal state's figures, then the failover state's when the caller priced it (the outage section), else labelled "normal state".
    const fo = ctx.failover;
    const foCost = fo?.monthlyCost !== undefined ? moneyText(fo.monthlyCost, input.currency) : undefined;
    const label = fo && foCost === undefined ? 'Monthly cost (normal state)' : 'Monthly cost';
    const line1 =
      foCost !== undefined
        ? `${label}: ${(input.recommended ? after : before) ?? 'unknown'} → ${foCost} while ${ctx.display(fo?.location ?? '')} is down`
        : before !== undefined && after !== undefined
          ? `${label}: ${before} → ${after}`
          : `${label}: ${before ?? after ?? ''}`;
    const b = costOf(input.costBefore).known;
    const a = costOf(input.costAfter).known;
    const saving = b !== null && a !== null ? b - a : null;
    const amount = (x: number): string => `${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${input.currency}/month`;
    const deltaText =
      fo && foCost !== undefined
        ? fo.monthlyCostDelta === null || fo.monthlyCostDelta === undefined
          ? 'failover delta unknown · '
          : `failover ${fo.monthlyCostDelta >= 0 ? '+' : '−'}${amount(fo.monthlyCostDelta)} while it lasts · `
        : '';
    const line2 = `${deltaText}${
      saving !== null && foCost === undefined ? `${saving >= 0 ? 'saves' : 'costs'} ${amount(saving)}${saving >= 0 ? '' : ' more'} · ` : ''
    }list prices as of ${input.pricesAsOf}`;
    parts.push(
      `<g class="cost" data-cost-before="${costOf(input.costBefore).known ?? ''}" data-cost-after="${costOf(input.costAfter).known ?? ''}"${
        fo?.monthlyCost !== undefined ? ` data-cost-failover="${costOf(fo.monthlyCost).known ?? ''}" data-cost-failover-delta="${fo.monthlyCostDelta ?? ''}"` : ''
      } data-currency="${esc(input.currency)}" data-prices-as-of="${esc(input.pricesAsOf)}">`,
      `<text x="${MAP_WIDTH - 20}" y="28" text-anchor="end" font-size="16" font-weight="600" fill="#1b2a3a">${esc(line1)}</text>`,
      `<text x="${MAP_WIDTH - 20}" y="50" text-anchor="end" font-size="12.5" fill="#43505e">${esc(line2)}</text>`,
      '</g>',
    );
  } else {
    parts.push(
      `<text class="cost" x="${MAP_WIDTH - 20}" y="50" text-anchor="end" font-size="12.5" fill="#43505e" data-currency="${esc(input.currency)}" data-prices-as-of="${esc(input.pricesAsOf)}">${esc(`${input.currency} list prices as of ${input.pricesAsOf}`)}</text>`,
    );
  }
  parts.push('</g>');
  return parts;
}

/** Legend, bottom left over the open Pacific. */
function legend(failover?: MapFailover): string[] {
  const rows: { kind: 'hex'; state: RegionState }[] = (['home', 'replica', 'add', 'remove', 'available', 'unavailable'] as RegionState[]).map((state) => ({ kind: 'hex', state }));
  const lx = 14;
  const rowH = 19;
  const extraRows = failover ? 3 : 0;
  const lh = 30 + rows.length * rowH + (3 + extraRows) * rowH + 6;
  const ly = MAP_HEIGHT - lh - 10;
  const parts = [
    `<g class="legend" transform="translate(${lx},${ly})" font-size="12" fill="#1b2a3a">`,
    `<rect x="0" y="0" width="300" height="${lh}" rx="6" fill="#ffffff" fill-opacity="0.94" stroke="#c7d0d9"/>`,
    `<text x="12" y="20" font-weight="600">Legend</text>`,
  ];
  rows.forEach((row, i) => {
    const st = STATE_STYLES[row.state];
    const cy = 36 + i * rowH;
    parts.push(
      `<g class="legend-item" data-state="${row.state}" data-color="${st.color}"><polygon points="${hexPoints(22, cy, HEX_DRAWN)}" fill="${st.fill}" stroke="${st.stroke === '#ffffff' ? st.fill : st.stroke}" stroke-width="${st.strokeWidth}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      st.badge ? `<text x="22" y="${cy + 4}" text-anchor="middle" font-size="11" font-weight="700" fill="${st.stroke}">${st.badge}</text>` : '',
      `<text x="40" y="${cy + 4}">${esc(st.label)}</text></g>`,
    );
  });
  const wy = 36 + rows.length * rowH;
  parts.push(
    `<g class="legend-item" data-kind="workload-line"><path d="M12,${wy} L32,${wy}" stroke="#1b2a3a" stroke-opacity="0.6" stroke-width="2"/><path d="M12,${wy + 5} L32,${wy + 5}" stroke="#1b2a3a" stroke-opacity="0.6" stroke-width="6" stroke-linecap="round"/><text x="40" y="${wy + 6}">Workload → serving location (width: GB/month)</text></g>`,
    `<g class="legend-item" data-kind="workload-local"><circle cx="22" cy="${wy + rowH + 6}" r="4" fill="#ffffff" stroke="#1b2a3a"/><text x="40" y="${wy + rowH + 10}">Workload served in its own region</text></g>`,
    `<g class="legend-item" data-kind="leader"><line x1="14" y1="${wy + 2 * rowH + 8}" x2="30" y2="${wy + 2 * rowH + 8}" stroke="#7a8794" stroke-width="0.8"/><circle cx="30" cy="${wy + 2 * rowH + 8}" r="1.5" fill="#7a8794"/><text x="40" y="${wy + 2 * rowH + 12}">Hexagon moved off its true location</text></g>`,
  );
  if (failover) {
    const fy = wy + 3 * rowH + 8;
    parts.push(
      `<g class="legend-item" data-kind="failed"><polygon points="${hexPoints(22, fy, HEX_DRAWN)}" fill="${FAILOVER_STYLE.failedFill}" fill-opacity="0.75" stroke="${FAILOVER_STYLE.failedStroke}" stroke-width="1.6"/>${cross(22, fy, HEX_DRAWN + 2.5, FAILOVER_STYLE.failedStroke, 'failed-cross')}<text x="40" y="${fy + 4}">Failed location (failover view)</text></g>`,
      `<g class="legend-item" data-kind="workload-moved"><path d="M12,${fy + rowH} L32,${fy + rowH}" stroke="${FAILOVER_STYLE.moved}" stroke-width="3" stroke-linecap="round"/><text x="40" y="${fy + rowH + 4}">Rerouted to next-closest location (dotted: old route)</text></g>`,
      `<g class="legend-item" data-kind="workload-unserved"><circle cx="22" cy="${fy + 2 * rowH}" r="6" fill="#ffffff" stroke="${FAILOVER_STYLE.unserved}" stroke-width="2"/>${cross(22, fy + 2 * rowH, 5, FAILOVER_STYLE.unserved, 'unserved-mark')}<text x="40" y="${fy + 2 * rowH + 4}">Unserved: no registry location left</text></g>`,
    );
  }
  parts.push('</g>');
  return parts;
}

/** Greedy word wrap at `max` characters per line. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The caption names workloads up to this many characters, then counts the rest (the lines' titles and the description name each). */
const CAPTION_NAMED_CHARS = 150;

/** `items` joined by commas up to CAPTION_NAMED_CHARS characters, then "and N more". */
function named(items: readonly string[]): string {
  let text = '';
  let n = 0;
  for (const item of items) {
    const next = text ? `${text}, ${item}` : item;
    if (n > 0 && next.length > CAPTION_NAMED_CHARS) break;
    text = next.length > CAPTION_NAMED_CHARS ? `${next.slice(0, CAPTION_NAMED_CHARS)}…` : next;
    n += 1;
  }
  return n < items.length ? `${text} and ${items.length - n} more` : text;
}

/** The failover caption, top right over northern Asia (no region there): what fails, what moves, what is unserved, the assumptions. */
function failoverCaption(ctx: MapContext): string[] {
  const f = ctx.failover;
  if (!f) return [];
  const moved = f.moves.filter((m) => m.to !== null);
  const heading = `Failover view: ${ctx.display(f.location)} (${f.location}, ${f.role === 'home' ? 'home region' : 'replica'}) is down`;
  const body = [
    moved.length ? `${moved.length} workload${moved.length === 1 ? '' : 's'} rerouted: ${named(moved.map((m) => `${m.workload} to ${m.to ?? ''}`))}.` : 'No workload is rerouted.',
    f.unserved.length
      ? `${f.unserved.length} workload${f.unserved.length === 1 ? '' : 's'} unserved (no registry location left): ${named(f.unserved)}.`
      : 'Every workload is still served.',
    ...f.assumptions.map((a) => `Assumption: ${a}`),
  ];
  const lines = body.flatMap((b) => wrap(b, 94));
  const lineH = 14;
  const w = 540;
  const h = 28 + lines.length * lineH + 6;
  const x = MAP_WIDTH - w - 8;
  const y = 68;
  return [
    `<g class="failover-caption" data-fail="${esc(f.location)}" data-role="${f.role}" data-moved="${moved.length}" data-unserved="${f.unserved.length}" transform="translate(${x},${y})" font-size="11" fill="#1b2a3a">`,
    `<rect x="0" y="0" width="${w}" height="${h}" rx="6" fill="#ffffff" fill-opacity="0.95" stroke="${FAILOVER_STYLE.failedStroke}"/>`,
    `<text x="10" y="19" font-size="12.5" font-weight="600" fill="${FAILOVER_STYLE.failedStroke}">${esc(heading)}</text>`,
    ...lines.map((l, i) => `<text x="10" y="${36 + i * lineH}">${esc(l)}</text>`),
    '</g>',
  ];
}

/** Renders the map with an already loaded world frame (synchronous; what the benchmark times). */
export function renderReplicationMapWith(frame: WorldFrame, input: ReplicationMapInput, catalog: Catalog): string {
  const ctx = mapContext(frame, input, catalog);
  return [
    ...backdrop(ctx),
    ...leaderLines(ctx.placed),
    ...hexagons(ctx.placed, ctx.disabled, ctx.failover?.location),
    ...workloadLines(ctx),
    ...labels(ctx.placed),
    ...header(ctx),
    ...legend(ctx.failover),
    ...failoverCaption(ctx),
    '</svg>',
  ].join('\n');
}

/** The replication map as SVG text (1280×720). Loads the world (d3-geo, once per process), then renders. */
export async function renderReplicationMap(input: ReplicationMapInput, catalog: Catalog): Promise<string> {
  return renderReplicationMapWith(await loadWorldFrame(), input, catalog);
}

export type { MapWorkload };
