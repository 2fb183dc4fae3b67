// Fleet view (#16): GET /api/fleet — every watched registry from its latest drift report, ranked by
// saving: cost today, the optimizer's cost (proved optimal or not), saving, drift status, data age.
// Filters by subscription, region and status; a link downloads the same selection as CSV.
// Own section of the planner page; calls the public API only. Unknown values show as "unknown", never 0.

const API = '/api';
const $ = (id) => document.getElementById(id);
const MAX_ROWS = 500;

function headers() {
  const out = { accept: 'application/json, application/problem+json' };
  const key = $('function-key') && $('function-key').value.trim();
  if (key) out['x-functions-key'] = key;
  const principal = $('principal') && $('principal').value.trim();
  if (principal) out['x-geoplanner-principal'] = principal;
  return out;
}

function query(format) {
  const q = new URLSearchParams();
  for (const name of ['subscription', 'region', 'status']) {
    const v = $(`fleet-filter-${name}`).value.trim();
    if (v) q.set(name, v);
  }
  if (format) q.set('format', format);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const money = (v, cur) => (v === null || v === undefined ? 'unknown' : `${v.toFixed(2)} ${cur || ''}`.trim());

function age(seconds) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
}

async function load(event) {
  if (event) event.preventDefault();
  const status = $('fleet-message');
  status.textContent = 'Loading…';
  $('fleet-csv').href = `${API}/fleet${query('csv')}`;
  try {
    const res = await fetch(`${API}/fleet${query()}`, { headers: headers() });
    const body = await res.json();
    if (!res.ok) {
      const errs = Array.isArray(body.errors) ? ` (${body.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')})` : '';
      throw new Error(`${body.title || `HTTP ${res.status}`}: ${body.detail || ''}${errs}`);
    }
    const tbody = $('fleet-table').querySelector('tbody');
    tbody.replaceChildren();
    for (const r of body.rows.slice(0, MAX_ROWS)) {
      const tr = document.createElement('tr');
      tr.dataset.status = r.status;
      cell(tr, r.registryName);
      cell(tr, r.subscriptionId);
      cell(tr, r.region || 'unknown');
      cell(tr, r.status + (r.severity && r.status === 'drifted' ? ` (${r.severity})` : ''), `fleet-${r.status}`);
      cell(tr, money(r.currentMonthlyCost, r.currency), 'num');
      cell(tr, money(r.optimalMonthlyCost, r.currency) + (r.optimality === 'proved' ? ' ✓ proved' : r.optimality === 'gap' ? ' (best found)' : ''), 'num');
      cell(tr, money(r.monthlySaving, r.currency), 'num');
      cell(tr, age(r.dataAgeSeconds), 'num');
      tbody.appendChild(tr);
    }
    const totals = Object.entries(body.monthlySavingByCurrency).map(([c, v]) => `${v.toFixed(2)} ${c}`).join(' + ') || 'none known';
    status.textContent =
      `${body.count} of ${body.total} registries (${body.counts.drifted} drifted, ${body.counts.error} failed checks); ` +
      `known savings ${totals} per month${body.unknownSavings ? `, ${body.unknownSavings} unknown` : ''}` +
      (body.count > MAX_ROWS ? `; the ${MAX_ROWS} largest shown, the CSV has all` : '') +
      (body.snapshot ? `; as of drift run ${body.snapshot.runId} (snapshot ${age(body.snapshot.ageSeconds)} old)` : '') +
      '.';
    $('fleet-result').hidden = false;
  } catch (e) {
    status.textContent = e.message;
  }
}

// The CSV link is fetched with the same headers as the table (function key, principal): a plain
// link would send neither and get a 401. The answer is saved through a Blob URL.
async function downloadCsv(event) {
  event.preventDefault();
  const status = $('fleet-message');
  try {
    const res = await fetch(`${API}/fleet${query('csv')}`, { headers: { ...headers(), accept: 'text/csv, application/problem+json' } });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      const errs = Array.isArray(body.errors) ? ` (${body.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')})` : '';
      throw new Error(`${body.title || `HTTP ${res.status}`}: ${body.detail || ''}${errs}`);
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'fleet.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    status.textContent = `CSV download failed: ${e.message}`;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('fleet-form').addEventListener('submit', load);
  $('fleet-csv').addEventListener('click', downloadCsv);
});
