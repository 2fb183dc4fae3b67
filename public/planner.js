// The planner page: a form → POST /api/recommendations → tables, frontier chart,
// and POST /api/map.svg with the recommendation output → the replication map.
// Plain ES module, no framework, no build step; it calls the public API only.

const API = '/api';

export const CONTOSO_WORKLOADS = [
  { region: 'westus', pullGBPerMonth: 1000 },
  { region: 'eastus', pullGBPerMonth: 800 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 600 },
];

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};

/** Creates an element with attributes/properties and children (strings become text nodes: never HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const list = (text) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

let currency = 'USD';
const money = (x, cur = currency) =>
  x === null || x === undefined ? 'unknown' : `${Number(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${cur}`;
const signedMoney = (x) => (x === null || x === undefined ? 'unknown' : `${x >= 0 ? '+' : '−'}${money(Math.abs(x))}`);
const costOf = (mc) => (mc ? (mc.total ?? (mc.totalKnown !== undefined ? mc.totalKnown : null)) : null);
const costText = (mc) => (mc && mc.total === null && mc.totalKnown !== undefined ? `≥ ${money(mc.totalKnown)} (${(mc.unknown || []).join(', ')} unknown)` : money(costOf(mc)));

// ---------------------------------------------------------------------------
// API calls

function headers(json = true) {
  const out = { accept: 'application/json, application/problem+json, image/svg+xml' };
  if (json) out['content-type'] = 'application/json';
  const key = /** @type {HTMLInputElement} */ ($('function-key')).value.trim();
  if (key) out['x-functions-key'] = key;
  const principal = /** @type {HTMLInputElement} */ ($('principal')).value.trim();
  if (principal) out['x-geoplanner-principal'] = principal;
  return out;
}

export class ProblemError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.problem = problem;
    this.status = status;
  }
}

async function call(path, body, as = 'json') {
  let res;
  try {
    res = await fetch(`${API}/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ProblemError({ title: 'The service could not be reached', detail: String(e && e.message ? e.message : e) }, 0);
  }
  const type = res.headers.get('content-type') || '';
  if (!res.ok) {
    let problem;
    try {
      problem = /json/.test(type) ? await res.json() : { title: `HTTP ${res.status}`, detail: await res.text() };
    } catch {
      problem = { title: `HTTP ${res.status}` };
    }
    throw new ProblemError({ status: res.status, ...problem }, res.status);
  }
  return as === 'text' ? res.text() : res.json();
}

// ---------------------------------------------------------------------------
// Workloads: the JSON textarea is the source of truth; the table edits it.

function readWorkloads() {
  const text = /** @type {HTMLTextAreaElement} */ ($('workloads-json')).value;
  const parsed = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('the workloads must be a JSON array, e.g. [{"region": "westus", "pullGBPerMonth": 100}]');
  return parsed;
}

function writeWorkloads(items) {
  /** @type {HTMLTextAreaElement} */ ($('workloads-json')).value = JSON.stringify(items, null, 2);
  renderWorkloadTable();
}

function renderWorkloadTable() {
  const tbody = $('workload-table').querySelector('tbody');
  const err = $('workloads-json-error');
  tbody.replaceChildren();
  let items;
  try {
    items = readWorkloads();
    err.hidden = true;
    err.textContent = '';
  } catch (e) {
    err.hidden = false;
    err.textContent = `Workloads JSON: ${e.message}. Fix it below to edit the table again.`;
    return;
  }
  items.forEach((w, i) => {
    const isObj = w && typeof w === 'object' && !Array.isArray(w);
    const external = isObj && w.region === undefined && (w.latitude !== undefined || w.longitude !== undefined);
    const update = (field, value) => {
      const all = readWorkloads();
      const item = { ...all[i] };
      if (value === '' || value === undefined) delete item[field];
      else item[field] = value;
      all[i] = item;
      /** @type {HTMLTextAreaElement} */ ($('workloads-json')).value = JSON.stringify(all, null, 2);
    };
    const where = external
      ? h('div', { class: 'fixed', title: 'A point outside Azure: edit it in the JSON below' }, `${w.name ?? '(unnamed)'} (${w.latitude}, ${w.longitude})`)
      : h('input', {
          value: isObj && typeof w.region === 'string' ? w.region : '',
          list: 'region-names',
          'aria-label': `Workload ${i + 1} region`,
          'data-field': 'region',
          autocomplete: 'off',
          oninput: (ev) => update('region', ev.target.value.trim()),
        });
    const hasGB = isObj && (w.pullGBPerMonth !== undefined || w.pullsPerMonth === undefined);
    const volume = hasGB
      ? h('input', {
          type: 'number',
          min: '0',
          step: 'any',
          value: isObj && typeof w.pullGBPerMonth === 'number' ? String(w.pullGBPerMonth) : '',
          'aria-label': `Workload ${i + 1} GB per month`,
          'data-field': 'pullGBPerMonth',
          oninput: (ev) => update('pullGBPerMonth', ev.target.value === '' ? undefined : Number(ev.target.value)),
        })
      : h('div', { class: 'fixed', title: 'pulls × average size: edit it in the JSON below' }, `${w.pullsPerMonth} pulls`);
    const remove = h('button', {
      type: 'button',
      'aria-label': `Remove workload ${i + 1}`,
      title: 'Remove',
      text: '×',
      onclick: () => {
        const all = readWorkloads();
        all.splice(i, 1);
        writeWorkloads(all);
      },
    });
    tbody.append(h('tr', {}, h('td', {}, where), h('td', {}, volume), h('td', {}, remove)));
  });
}

// ---------------------------------------------------------------------------
// Request

function numberOrUndefined(id) {
  const v = /** @type {HTMLInputElement} */ ($(id)).value.trim();
  return v === '' ? undefined : Number(v);
}

export function buildRequest() {
  const home = /** @type {HTMLInputElement} */ ($('home')).value.trim();
  const storage = numberOrUndefined('storage');
  const maxReplicas = numberOrUndefined('max-replicas');
  const latency = numberOrUndefined('latency');
  const exclude = list(/** @type {HTMLInputElement} */ ($('exclude')).value);
  const constraints = {
    ...(maxReplicas !== undefined ? { maxReplicas } : {}),
    ...(latency !== undefined ? { latency: { maxMs: latency } } : {}),
    ...(exclude.length ? { exclude } : {}),
  };
  const registryId = /** @type {HTMLInputElement} */ ($('registry-id')).value.trim();
  const avgPullSizeMB = numberOrUndefined('avg-pull');
  const common = {
    workloads: readWorkloads(),
    ...(avgPullSizeMB !== undefined ? { avgPullSizeMB } : {}),
    ...(Object.keys(constraints).length ? { constraints } : {}),
  };
  if (registryId) {
    // A live registry: home, replicas, stored size and pull counts come from Azure.
    return { registry: { id: registryId, ...(storage !== undefined ? { storageGiB: storage } : {}) }, ...common };
  }
  return {
    registry: { homeRegion: home, sku: 'Premium', ...(storage !== undefined ? { storageGiB: storage } : {}) },
    replicas: list(/** @type {HTMLInputElement} */ ($('replicas')).value).map((region) => ({ region })),
    ...common,
  };
}

// ---------------------------------------------------------------------------
// Rendering

function setStatus(text, busy = false) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('busy', busy);
}

/** A problem+json answer, readably: title, detail, and every pointer with its message. */
function showProblem(problem, context) {
  const box = $('problem');
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const parts = [
    h('h3', {}, `${context}: ${problem.title || 'error'}${problem.status ? ` (HTTP ${problem.status})` : ''}`),
    problem.detail && !errors.length ? h('p', {}, problem.detail) : null,
    problem.constraint ? h('p', {}, 'Constraint: ', h('code', {}, problem.constraint)) : null,
    errors.length
      ? h(
          'ul',
          { class: 'problem-errors' },
          errors.map((e) =>
            h(
              'li',
              { 'data-pointer': e.pointer ?? '' },
              h('code', {}, e.pointer || '(body)'),
              ' ',
              e.message ?? '',
              Array.isArray(e.didYouMean) && e.didYouMean.length && !/did you mean/i.test(e.message ?? '') ? ` — did you mean ${e.didYouMean.join(' or ')}?` : '',
            ),
          ),
        )
      : null,
  ];
  box.replaceChildren(...parts.filter((p) => p !== null));
  box.hidden = false;
  box.setAttribute('tabindex', '-1');
  box.focus({ preventScroll: true });
  box.scrollIntoView({ block: 'nearest' });
}

function clearProblem() {
  const box = $('problem');
  box.hidden = true;
  box.replaceChildren();
}

function renderSavings(rec) {
  const s = rec.savings;
  const box = $('savings');
  const before = costText(rec.current.monthlyCost);
  const after = costText(rec.recommended.monthlyCost);
  const c = s.changes;
  const changeText = [
    c.add.length ? `add ${c.add.join(', ')}` : '',
    c.remove.length ? `remove ${c.remove.join(', ')}` : '',
    c.keep.length ? `keep ${c.keep.join(', ')}` : '',
  ].filter(Boolean);
  box.classList.toggle('negative', s.monthly !== null && s.monthly < 0);
  box.replaceChildren(
    h('span', {}, 'Monthly cost ', h('strong', { 'data-cost': 'current' }, before), ' → ', h('strong', { 'data-cost': 'recommended' }, after)),
    h(
      'span',
      { class: 'big', 'data-savings-monthly': s.monthly ?? '' },
      s.monthly === null ? 'Savings unknown' : s.monthly >= 0 ? `Saves ${money(s.monthly)}/month` : `Costs ${money(-s.monthly)}/month more`,
    ),
    s.annual !== null ? h('span', {}, `${money(Math.abs(s.annual))}/year${s.percent !== null ? ` (${Math.abs(s.percent)} %)` : ''}`) : null,
    h('span', {}, `Optimality: ${rec.optimality.status === 'proved' ? 'proved optimal' : `gap ${(rec.optimality.relativeGap * 100).toFixed(2)} %`}`),
    h('span', { class: 'changes' }, `Changes: ${changeText.length ? changeText.join('; ') : 'none'}. List prices as of ${rec.prices.asOf} (${rec.currency}).`),
  );
}

function renderRecommendationTable(rec) {
  const tbody = $('recommendation-table').querySelector('tbody');
  const est = rec.recommended.estimate;
  const added = new Set(rec.savings.changes.add);
  const rows = [];
  for (const loc of est.locations) {
    const detail = rec.recommended.replicas.find((r) => r.region === loc.region);
    const mv = loc.role === 'home' ? null : (detail?.marginalMonthlyValue ?? loc.marginalMonthlyValue ?? null);
    rows.push(
      h(
        'tr',
        { 'data-region': loc.region, 'data-role': loc.role },
        h(
          'th',
          { scope: 'row' },
          loc.displayName,
          ' ',
          h('code', {}, loc.region),
          loc.role === 'home' ? h('span', { class: 'role' }, 'home') : added.has(loc.region) ? h('span', { class: 'role add' }, 'new') : null,
        ),
        h('td', {}, loc.servesWorkloads.length ? loc.servesWorkloads.join(', ') : '—', loc.servedGBPerMonth !== null && loc.servesWorkloads.length ? ` (${loc.servedGBPerMonth} GB)` : ''),
        h('td', { class: 'num' }, money(loc.total ?? loc.registryUnits)),
        h('td', { class: `num ${mv === null ? '' : mv >= 0 ? 'pos' : 'neg'}` }, loc.role === 'home' ? '— (home)' : signedMoney(mv)),
        h('td', { class: 'num' }, loc.role === 'home' ? '—' : (detail?.breakEvenGBPerMonth ?? loc.breakEvenGBPerMonth ?? '—').toLocaleString('en-US')),
        h(
          'td',
          {},
          loc.role === 'home'
            ? `Home region: always billed; serves ${loc.servesWorkloads.length ? loc.servesWorkloads.join(', ') : 'no workload'}.`
            : (detail?.explanation ?? loc.economicsNote ?? ''),
        ),
      ),
    );
  }
  tbody.replaceChildren(...rows);
}

function renderFrontier(rec) {
  const tbody = $('frontier-table').querySelector('tbody');
  const chosen = rec.recommended.topology.replicas.length;
  tbody.replaceChildren(
    ...rec.frontier.map((f) =>
      h(
        'tr',
        { class: f.replicas === chosen && f.status !== 'infeasible' ? 'recommended' : '', 'data-replicas': f.replicas },
        h('td', { class: 'num' }, String(f.replicas)),
        h('td', {}, f.status === 'infeasible' ? '—' : f.regions.length ? f.regions.join(', ') : '(home only)'),
        h('td', { class: 'num' }, f.status === 'infeasible' ? '—' : costText(f.monthlyCost)),
        h('td', { class: 'num' }, f.status === 'infeasible' || f.maxLatencyMs === null ? '—' : String(f.maxLatencyMs)),
        h('td', {}, f.status === 'infeasible' ? `infeasible: ${f.reason}` : f.status === 'proved' ? 'proved' : `gap ${(f.relativeGap * 100).toFixed(2)} %`),
      ),
    ),
  );
  $('frontier-chart').replaceChildren(frontierChart(rec.frontier.filter((f) => f.status !== 'infeasible'), chosen));
}

/** Cost bars and max-latency dots per replica count (inline SVG). */
function frontierChart(points, chosen) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs = {}, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const W = 380;
  const H = 200;
  const m = { l: 54, r: 40, t: 14, b: 34 };
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'frontier-chart-title' });
  svg.append(s('title', { id: 'frontier-chart-title' }, `Monthly cost (bars) and max latency (dots) for 0 to ${points.length - 1} replicas`));
  if (!points.length) return svg;
  const costs = points.map((p) => costOf(p.monthlyCost) ?? 0);
  const lats = points.map((p) => p.maxLatencyMs ?? 0);
  const maxC = Math.max(...costs, 1);
  const maxL = Math.max(...lats, 1);
  const bw = (W - m.l - m.r) / points.length;
  const y = (v) => m.t + (H - m.t - m.b) * (1 - v / maxC);
  const yl = (v) => m.t + (H - m.t - m.b) * (1 - v / maxL);
  svg.append(s('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, stroke: '#8a97a3' }));
  svg.append(s('text', { x: m.l - 6, y: y(maxC) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#52606d' }, Math.round(maxC).toLocaleString('en-US')));
  svg.append(s('text', { x: m.l - 6, y: H - m.b + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#52606d' }, '0'));
  svg.append(s('text', { x: 4, y: m.t + 2, 'font-size': 10, fill: '#0063b1' }, currency));
  svg.append(s('text', { x: W - 4, y: m.t + 2, 'text-anchor': 'end', 'font-size': 10, fill: '#a4262c' }, `${maxL} ms`));
  points.forEach((p, i) => {
    const x = m.l + i * bw;
    const c = costs[i] ?? 0;
    const bar = s('rect', { x: x + bw * 0.15, y: y(c), width: bw * 0.7, height: H - m.b - y(c), fill: p.replicas === chosen ? '#0063b1' : '#9cc3e6' });
    bar.append(s('title', {}, `${p.replicas} replicas: ${costText(p.monthlyCost)}, max latency ${p.maxLatencyMs ?? '?'} ms`));
    svg.append(bar);
    svg.append(s('text', { x: x + bw / 2, y: H - m.b + 14, 'text-anchor': 'middle', 'font-size': 11, fill: '#1b2a3a' }, String(p.replicas)));
    if (p.maxLatencyMs !== null) svg.append(s('circle', { cx: x + bw / 2, cy: yl(p.maxLatencyMs), r: 3.5, fill: '#a4262c' }));
  });
  svg.append(s('text', { x: (W + m.l - m.r) / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#52606d' }, 'replicas'));
  return svg;
}

function renderNotes(rec) {
  $('warnings').replaceChildren(...(rec.warnings.length ? rec.warnings : ['none']).map((w) => h('li', {}, w)));
  $('assumptions').replaceChildren(...rec.assumptions.map((a) => h('li', {}, a)));
}

/** Inlines an SVG document from the API (parsed as XML, never as HTML). */
function inlineSvg(container, text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length) throw new Error('the map is not a valid SVG document');
  for (const s of root.querySelectorAll('script, foreignObject')) s.remove();
  container.replaceChildren(document.importNode(root, true));
}

// ---------------------------------------------------------------------------
// Failover view (#14): pick a location of the plan → its `outage` entry and the map with ?fail=

/** Region name → display name, from GET /api/regions and the answer's locations. */
const displayNames = new Map();
const displayOf = (name) => displayNames.get(name) ?? name;

/** The outage section of one side of a recommendation (`recommended` / `current`), or null when the answer has none. */
function outageOf(side) {
  const o = side && (side.outage ?? (side.estimate && side.estimate.outage));
  return o && Array.isArray(o.locations) && o.locations.length ? o : null;
}

/** What the failover view shows: the last recommendation's outage sections and the request behind them. */
let failoverState = null;
/** Increments on every map request, so a late answer for an earlier pick is dropped. */
let failoverMapSeq = 0;

function resetFailover() {
  failoverState = null;
  failoverMapSeq += 1;
  $('failover-box').hidden = true;
  $('failover-detail').hidden = true;
  $('failover-map').replaceChildren();
}

/** Shows the picker when the answer carries an outage section; hidden otherwise (an API without it). */
function renderFailover(rec, request) {
  resetFailover();
  const sections = { recommended: outageOf(rec.recommended), current: outageOf(rec.current) };
  for (const side of ['recommended', 'current']) {
    const est = rec[side] && rec[side].estimate;
    for (const l of (est && est.locations) || []) if (l.displayName) displayNames.set(l.region, l.displayName);
  }
  if (!sections.recommended && !sections.current) return;
  failoverState = { rec, request, sections };
  const scenario = /** @type {HTMLSelectElement} */ ($('failover-scenario'));
  for (const opt of scenario.options) opt.disabled = !sections[opt.value];
  scenario.value = sections.recommended ? 'recommended' : 'current';
  $('failover-scenario-wrap').hidden = !(sections.recommended && sections.current);
  fillFailoverLocations();
  $('failover-box').hidden = false;
}

function currentOutage() {
  if (!failoverState) return null;
  const side = /** @type {HTMLSelectElement} */ ($('failover-scenario')).value;
  return { side, outage: failoverState.sections[side] };
}

function fillFailoverLocations() {
  const picked = currentOutage();
  const select = /** @type {HTMLSelectElement} */ ($('failover-location'));
  $('failover-detail').hidden = true;
  $('failover-map').replaceChildren();
  failoverMapSeq += 1;
  if (!picked || !picked.outage) {
    select.replaceChildren();
    return;
  }
  const o = picked.outage;
  select.replaceChildren(
    h('option', { value: '' }, 'Pick a location…'),
    ...o.locations.map((l) => h('option', { value: l.location }, `${displayOf(l.location)} (${l.location}) — ${l.role === 'home' ? 'home region' : 'replica'}`)),
  );
  select.value = '';
  $('failover-summary').replaceChildren(
    `${picked.side === 'recommended' ? 'Recommended' : 'Current'} topology: `,
    o.survivesAnyOneLocation
      ? h('span', { class: 'survives-yes', 'data-survives': 'true' }, 'every workload is still served after any one location fails')
      : h(
          'span',
          { class: 'survives-no', 'data-survives': 'false' },
          `a single failure can leave ${o.unservedWorkloadsWorstCase} workload${o.unservedWorkloadsWorstCase === 1 ? '' : 's'} with no registry at all${o.maxMs !== null && o.maxMs !== undefined ? ` (or outside ${o.maxMs} ms)` : ''}`,
        ),
    '.',
  );
  $('failover-assumptions').replaceChildren(...(o.assumptions || []).map((a) => h('li', {}, a)));
}

const msText = (x) => (x === null || x === undefined ? 'unknown' : String(x));

function moveRow(m, kind) {
  const unserved = m.to === null;
  const outside = m.withinMaxMs === false;
  return h(
    'tr',
    { class: [unserved ? 'unserved' : '', outside ? 'outside' : ''].filter(Boolean).join(' '), 'data-workload': m.workload, 'data-to': m.to ?? '', 'data-kind': kind },
    h('th', { scope: 'row' }, kind === 'push' ? `push from ${m.workload}` : m.workload),
    h('td', {}, `${m.from} → ${unserved ? 'none' : m.to}`),
    h('td', { class: 'num' }, msText(m.latencyMsBefore)),
    h('td', { class: 'num' }, unserved ? '—' : msText(m.latencyMsAfter)),
    h('td', {}, unserved ? 'UNSERVED: no registry location left' : outside ? 'rerouted, outside the resilience maxMs' : 'rerouted'),
  );
}

/** The outage entry of the picked location: cost of the failover state, the moves, the notes; then its map. */
function showFailoverLocation(location) {
  const picked = currentOutage();
  const entry = picked && picked.outage && picked.outage.locations.find((l) => l.location === location);
  if (!entry) {
    $('failover-detail').hidden = true;
    $('failover-map').replaceChildren();
    failoverMapSeq += 1;
    return;
  }
  const delta = entry.monthlyCostDelta;
  $('failover-cost').replaceChildren(
    `Monthly cost while ${displayOf(location)} is down: `,
    h('span', { 'data-cost': 'failover' }, costText(entry.monthlyCost)),
    ' (',
    h('span', { 'data-cost': 'delta', class: delta === null || delta === undefined ? '' : delta > 0 ? 'neg' : 'pos' }, `${signedMoney(delta)}/month`),
    ' vs. normal; the failed location is still billed)',
    entry.unserved.length && delta !== null && delta !== undefined && delta < 0
      ? h('span', { class: 'caveat' }, ` — lower only because ${entry.unserved.length} unserved workload${entry.unserved.length === 1 ? '' : 's'} pull${entry.unserved.length === 1 ? 's' : ''} nothing.`)
      : '.',
  );
  const n = entry.moves.length;
  $('failover-table-caption').textContent = n
    ? `${n} workload${n === 1 ? '' : 's'} served by ${displayOf(location)} (${location}) move${n === 1 ? 's' : ''}; ${entry.unserved.length} unserved.`
    : `No workload is served by ${displayOf(location)} (${location}): nothing moves.`;
  $('failover-table').querySelector('tbody').replaceChildren(
    ...entry.moves.map((m) => moveRow(m, 'workload')),
    ...(entry.pushMoves || []).map((m) => moveRow(m, 'push')),
  );
  $('failover-notes').replaceChildren(...(entry.notes || []).map((t) => h('li', {}, t)));
  $('failover-detail').hidden = false;
  void loadFailoverMap(picked.side, location);
}

/** The body the map draws for one side: the recommendation itself, or (current) the planning body of the request. */
function failoverMapBody(side) {
  if (!failoverState) return null;
  if (side === 'recommended') return failoverState.rec;
  const r = failoverState.request;
  const body = {};
  for (const k of ['registry', 'replicas', 'workloads', 'avgPullSizeMB', 'prices', 'pushRegions']) if (r[k] !== undefined) body[k] = r[k];
  return body;
}

async function loadFailoverMap(side, location) {
  const seq = ++failoverMapSeq;
  const box = $('failover-map');
  box.replaceChildren(h('p', { class: 'loading' }, `Drawing the map with ${displayOf(location)} down…`));
  try {
    const svg = await call(`map.svg?fail=${encodeURIComponent(location)}`, failoverMapBody(side), 'text');
    if (seq !== failoverMapSeq) return;
    inlineSvg(box, svg);
  } catch (e) {
    if (seq !== failoverMapSeq) return;
    box.replaceChildren();
    if (e instanceof ProblemError) showProblem(e.problem, 'Failover map');
  }
}

// ---------------------------------------------------------------------------
// Plans (live registries only)

/** The last recommendation and the request it answered: what "Create plan" turns into a plan. */
let lastRecommendation = null;
let lastRequest = null;
let currentPlanId = null;

function updatePlanButton() {
  const ready = Boolean(lastRecommendation && lastRequest && lastRequest.registry && lastRequest.registry.id);
  const button = /** @type {HTMLButtonElement} */ ($('create-plan'));
  button.disabled = !ready;
  $('create-plan-hint').textContent = ready
    ? `Creates a plan for ${lastRequest.registry.id.split('/').pop()} to reach the recommended topology; another person must approve it.`
    : 'Plans need a live registry: give its id, then get a recommendation.';
}

function renderPlan(plan) {
  currentPlanId = plan.id;
  const before = plan.costBefore && plan.costBefore.monthlyCost;
  const after = plan.costAfter && plan.costAfter.monthlyCost;
  $('plan-summary').replaceChildren(
    'Plan ',
    h('code', { 'data-plan-id': plan.id }, plan.id),
    ` for ${plan.registryName}: `,
    h('strong', { 'data-plan-state': plan.state }, plan.state),
    `, requested by ${plan.requester}, expires ${new Date(plan.expiresAt).toLocaleString()}. Monthly cost ${costText(before)} → ${costText(after)} (prices as of ${plan.priceAsOf}).`,
  );
  $('plan-actions').replaceChildren(...(plan.actions.length ? plan.actions.map((a) => h('li', { 'data-action': a.id }, a.description)) : [h('li', {}, 'Nothing to change: the registry already has this topology.')]));
  $('plan-skipped').textContent = plan.skipped && plan.skipped.length ? `Not done by this plan: ${plan.skipped.map((x) => x.description).join('; ')}.` : '';
  $('plan-box').hidden = false;
}

async function createPlan() {
  if (!lastRecommendation || !lastRequest || !lastRequest.registry.id) return;
  clearProblem();
  const button = /** @type {HTMLButtonElement} */ ($('create-plan'));
  button.disabled = true;
  setStatus('Creating the plan…', true);
  try {
    const plan = await call('plans', {
      registryId: lastRequest.registry.id,
      recommendation: { recommended: { topology: lastRecommendation.recommended.topology } },
      ...(lastRequest.workloads ? { workloads: lastRequest.workloads } : {}),
      ...(lastRequest.avgPullSizeMB !== undefined ? { avgPullSizeMB: lastRequest.avgPullSizeMB } : {}),
    });
    renderPlan(plan);
    setStatus(`Plan ${plan.id} created: ${plan.actions.length} action(s), waiting for approval.`);
  } catch (e) {
    if (e instanceof ProblemError) showProblem(e.problem, 'Plan');
    else showProblem({ title: 'Unexpected error', detail: String(e && e.message ? e.message : e) }, 'Plan');
    setStatus('The plan was not created: see the problems listed.');
  } finally {
    updatePlanButton();
  }
}

async function downloadExport(format) {
  if (!currentPlanId) return;
  try {
    const text = await call(`plans/${encodeURIComponent(currentPlanId)}/export?format=${format}`, undefined, 'text');
    const names = { az: 'replication.sh', bicep: 'replication.bicep', terraform: 'replication.tf' };
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = h('a', { href: url, download: `${currentPlanId}-${names[format]}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) {
    if (e instanceof ProblemError) showProblem(e.problem, 'Export');
  }
}

// ---------------------------------------------------------------------------
// Flow

let inFlight = false;

async function submit(ev) {
  ev.preventDefault();
  if (inFlight) return;
  clearProblem();
  let body;
  try {
    body = buildRequest();
  } catch (e) {
    showProblem({ title: 'The workloads are not valid JSON', detail: e.message, errors: [{ pointer: '/workloads', message: e.message }] }, 'Workloads');
    setStatus('Fix the workloads and try again.');
    return;
  }
  inFlight = true;
  const button = /** @type {HTMLButtonElement} */ ($('recommend'));
  button.disabled = true;
  setStatus('Solving…', true);
  try {
    const rec = await call('recommendations', body);
    lastRecommendation = rec;
    lastRequest = body;
    $('plan-box').hidden = true;
    updatePlanButton();
    currency = rec.currency;
    renderSavings(rec);
    renderRecommendationTable(rec);
    renderFrontier(rec);
    renderNotes(rec);
    renderFailover(rec, body);
    $('output').hidden = false;
    setStatus(`Drawing the map… (solved in ${rec.optimality.ms} ms)`, true);
    try {
      const svg = await call('map.svg', rec, 'text');
      inlineSvg($('map'), svg);
      setStatus(`Recommended ${rec.recommended.topology.replicas.length} replica(s); ${rec.optimality.status === 'proved' ? 'proved optimal' : 'best found'} in ${rec.optimality.ms} ms.`);
    } catch (e) {
      $('map').replaceChildren();
      if (e instanceof ProblemError) showProblem(e.problem, 'Map');
      setStatus('The recommendation is ready, but the map could not be drawn.');
    }
  } catch (e) {
    lastRecommendation = null;
    updatePlanButton();
    resetFailover();
    $('output').hidden = true;
    if (e instanceof ProblemError) showProblem(e.problem, 'Recommendation');
    else showProblem({ title: 'Unexpected error', detail: String(e && e.message ? e.message : e) }, 'Recommendation');
    setStatus('The request was not accepted: see the problems listed.');
  } finally {
    inFlight = false;
    button.disabled = false;
  }
}

async function loadRegions() {
  try {
    const data = await call('regions');
    $('region-names').replaceChildren(...data.regions.map((r) => h('option', { value: r.name }, r.displayName)));
    for (const r of data.regions) if (!displayNames.has(r.name)) displayNames.set(r.name, r.displayName);
  } catch {
    // Region suggestions are a convenience; the API still checks every name (with a did-you-mean).
  }
}

function init() {
  writeWorkloads(CONTOSO_WORKLOADS);
  $('workloads-json').addEventListener('input', renderWorkloadTable);
  $('add-workload').addEventListener('click', () => {
    let all;
    try {
      all = readWorkloads();
    } catch {
      return;
    }
    all.push({ region: '', pullGBPerMonth: 100 });
    writeWorkloads(all);
    const inputs = $('workload-table').querySelectorAll('input[data-field="region"]');
    /** @type {HTMLInputElement | undefined} */ (inputs[inputs.length - 1])?.focus();
  });
  $('reset-example').addEventListener('click', () => {
    /** @type {HTMLInputElement} */ ($('home')).value = 'westus';
    /** @type {HTMLInputElement} */ ($('replicas')).value = 'eastus, canadacentral, westeurope';
    /** @type {HTMLInputElement} */ ($('storage')).value = '120';
    writeWorkloads(CONTOSO_WORKLOADS);
  });
  $('planner-form').addEventListener('submit', submit);
  $('failover-scenario').addEventListener('change', fillFailoverLocations);
  $('failover-location').addEventListener('change', (ev) => showFailoverLocation(/** @type {HTMLSelectElement} */ (ev.target).value));
  $('create-plan').addEventListener('click', () => void createPlan());
  for (const b of document.querySelectorAll('[data-export]')) b.addEventListener('click', () => void downloadExport(b.getAttribute('data-export')));
  document.documentElement.dataset.ready = 'true';
  void loadRegions();
}

init();
