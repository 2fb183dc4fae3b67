// Consolidation (#17): several registries → one geo-replicated registry. Own section of the planner
// page: POST /api/consolidations with the selected registry ids (and the page's workloads), then
// the before/after comparison and the map of both states (GET /api/map.svg?registry= for each
// registry today, POST /api/map.svg for the single registry after). Calls the public API only.

const API = '/api';
const $ = (id) => document.getElementById(id);

function headers(json) {
  const out = { accept: 'application/json, application/problem+json, image/svg+xml' };
  if (json) out['content-type'] = 'application/json';
  const key = $('function-key') && $('function-key').value.trim();
  if (key) out['x-functions-key'] = key;
  const principal = $('principal') && $('principal').value.trim();
  if (principal) out['x-geoplanner-principal'] = principal;
  return out;
}

async function call(method, path, body, as = 'json') {
  const res = await fetch(`${API}/${path}`, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    let p;
    try {
      p = await res.json();
    } catch {
      p = { title: `HTTP ${res.status}` };
    }
    const errs = Array.isArray(p.errors) ? ` (${p.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')})` : '';
    throw new Error(`${p.title || 'Error'}: ${p.detail || ''}${errs}`);
  }
  return as === 'text' ? res.text() : res.json();
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

const money = (x, cur) => (x === null || x === undefined ? 'unknown' : `${x.toFixed(2)} ${cur}/month`);
const gib = (x) => (x === null || x === undefined ? 'unknown' : `${x.toFixed(2)} GiB`);

/** The selected registry ids: one per line, the checked ones. */
export function selectedIds() {
  return [...document.querySelectorAll('#consolidation-registries input[type=checkbox]')].filter((c) => c.checked).map((c) => c.value);
}

function renderChoices() {
  const box = $('consolidation-registries');
  const ids = $('consolidation-ids').value.split('\n').map((s) => s.trim()).filter(Boolean);
  const checked = new Set(selectedIds());
  box.replaceChildren(
    ...ids.map((id, i) => {
      const name = id.split('/').pop();
      const label = el('label', ` ${name}`);
      const c = el('input', undefined, { type: 'checkbox', value: id, id: `consolidation-reg-${i}` });
      c.checked = checked.size === 0 || checked.has(id);
      label.prepend(c);
      return label;
    }),
  );
}

function inlineSvg(container, text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg && svg.nodeName === 'svg') container.append(document.importNode(svg, true));
}

function render(a) {
  const cur = a.currency;
  const table = $('consolidation-table');
  const rows = [['', 'Today', 'After']];
  rows.push([
    'Registries',
    a.current.registries.map((r) => `${r.name} (${r.topology?.sku ?? '?'}, ${[r.topology?.homeRegion, ...(r.topology?.replicas ?? []).map((x) => x.region)].join(' + ')}, ${gib(r.storageGiB)}): ${money(r.monthlyCost?.total ?? null, cur)}`).join('\n'),
    `${a.recommended.registry.name} (${a.recommended.topology.sku}, ${[a.recommended.topology.homeRegion, ...a.recommended.topology.replicas.map((x) => x.region)].join(' + ')}, ${gib(a.recommended.storageGiB)})`,
  ]);
  rows.push(['Monthly cost', money(a.current.monthlyCost.total, cur), money(a.recommended.monthlyCost.total, cur)]);
  rows.push(['Registry units', money(a.current.monthlyCost.registryUnits, cur), money(a.recommended.monthlyCost.registryUnits, cur)]);
  rows.push(['Storage', money(a.current.monthlyCost.storage, cur), money(a.recommended.monthlyCost.storage, cur)]);
  rows.push(['Data transfer', money(a.current.monthlyCost.dataTransfer, cur), money(a.recommended.monthlyCost.dataTransfer, cur)]);
  table.replaceChildren(
    ...rows.map((r, i) => {
      const tr = el('tr');
      for (const c of r) tr.append(el(i === 0 ? 'th' : 'td', c));
      return tr;
    }),
  );
  $('consolidation-savings').textContent = `Saving: ${money(a.savings.monthly, cur)}. Homes solved: ${a.recommended.homes.map((h) => `${h.region} ${money(h.monthlyTotal, cur)} (${h.optimality})`).join(', ')}.`;
  const imp = a.imports;
  $('consolidation-moves').textContent = imp
    ? `To import: ${imp.tags} tag(s) in ${imp.repositories} repositor${imp.repositories === 1 ? 'y' : 'ies'}; already present: ${imp.alreadyPresent.length}; conflicts: ${imp.conflicts.length}. References to change: ${a.rewrites.length}. Deletable once switched: ${a.deletable.map((d) => d.registry).join(', ') || 'none'}.`
    : 'The imports could not be listed: a data plane was not readable (see the warnings).';
  $('consolidation-notes').replaceChildren(...[...a.warnings, ...a.assumptions].map((t) => el('li', t)));
}

async function renderMaps(a, workloads) {
  const before = $('consolidation-map-before');
  const after = $('consolidation-map-after');
  before.replaceChildren();
  after.replaceChildren();
  for (const r of a.current.registries) {
    const svg = await call('GET', `map.svg?registry=${encodeURIComponent(r.id)}`, undefined, 'text');
    const fig = el('figure');
    fig.append(el('figcaption', `Today: ${r.name}`));
    inlineSvg(fig, svg);
    before.append(fig);
  }
  const t = a.recommended.topology;
  const body = { registry: { homeRegion: t.homeRegion, sku: t.sku, ...(a.recommended.storageGiB !== null ? { storageGiB: a.recommended.storageGiB } : {}) }, replicas: t.replicas.map((r) => ({ region: r.region })), workloads };
  const fig = el('figure');
  fig.append(el('figcaption', `After: ${a.recommended.registry.name}`));
  inlineSvg(fig, await call('POST', 'map.svg', body, 'text'));
  after.append(fig);
}

async function submit(createPlan) {
  const status = $('consolidation-status');
  status.textContent = createPlan ? 'Planning…' : 'Comparing…';
  try {
    let workloads = [];
    try {
      workloads = JSON.parse($('workloads-json').value || '[]');
    } catch {
      throw new Error('the workloads of the form above are not valid JSON');
    }
    const a = await call('POST', 'consolidations', { registryIds: selectedIds(), workloads, ...(createPlan ? { createPlan: true } : {}) });
    render(a);
    $('consolidation-plan').textContent = a.plan ? `Plan ${a.plan.id} (${a.plan.state}): another person approves it at POST /api/plans/${a.plan.id}/approve; exports at /api/consolidations/${a.plan.id}/export?format=az|bicep|terraform|sed.` : '';
    $('consolidation-result').hidden = false;
    status.textContent = '';
    await renderMaps(a, workloads);
  } catch (e) {
    status.textContent = e && e.message ? e.message : String(e);
  }
}

function init() {
  if (!$('consolidation-form')) return;
  $('consolidation-ids').addEventListener('input', renderChoices);
  renderChoices();
  $('consolidation-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submit(false);
  });
  $('consolidation-plan-button').addEventListener('click', () => void submit(true));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
