/**
 * Plan exports, pure: an az CLI script, a Bicep file and a Terraform configuration
 * that do what the plan does, for teams that apply changes through their own pipeline.
 *
 * - az: one command per action, in plan order (set -euo pipefail).
 * - Bicep: declarative end state of the replicas (existing registry as parent).
 *   What Bicep cannot express is written as az commands in comments: the SKU
 *   upgrade of an `existing` registry and the deletes of zone re-creates (before
 *   deploying), plain deletes (after deploying; incremental deployments never delete).
 * - Terraform: `azurerm_container_registry` end state with one `georeplications`
 *   block per replica (alphabetical, as azurerm expects) and an `import` block.
 *
 * Skipped changes (no allowDeletes, SKU downgrade, ...) are listed as comments; the
 * declarative exports keep the resources those changes would have removed.
 */
import type { Topology } from '../types';
import { applyActions } from './diff';
import type { CreateWebhookAction, ExportFormat, Plan, PlanAction, WebhookSpec } from './types';
import { matchRegistryId } from '../registry-id';

export const BICEP_API_VERSION = '2025-11-01';

/** One-line summary of an opaque cost value (the cost model owns its shape). */
export function summarizeCost(cost: unknown): string {
  if (cost === undefined || cost === null) return 'unknown';
  if (typeof cost === 'number') return `${cost.toFixed(2)} per month`;
  if (typeof cost === 'object') {
    const c = cost as Record<string, unknown>;
    const total = [c['monthlyTotal'], c['total'], c['monthly'], c['amount']].find((v) => typeof v === 'number');
    if (typeof total === 'number') {
      const cur = typeof c['currency'] === 'string' ? ` ${c['currency']}` : '';
      return `${total.toFixed(2)}${cur} per month`;
    }
  }
  const json = JSON.stringify(cost);
  return json.length > 200 ? `${json.slice(0, 197)}...` : json;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

function headerLines(plan: Plan): string[] {
  const lines = [
    `acr-geoplanner plan ${plan.id} for registry ${plan.registryName}`,
    `Registry: ${plan.registryId}`,
    `State: ${plan.state}; content hash ${plan.contentHash}` +
      (plan.approver ? `; approved by ${oneLine(plan.approver)} at ${plan.approvedAt ?? '?'}` : '; NOT approved'),
    `Made from live topology ${plan.liveFingerprint}; the registry must still look like that.`,
    `Monthly cost before: ${summarizeCost(plan.costBefore)}`,
    `Monthly cost after:  ${summarizeCost(plan.costAfter)}` + (plan.priceAsOf ? ` (prices as of ${plan.priceAsOf})` : ''),
    'Each location (home + every replica) is billed as one Premium registry unit per day.',
  ];
  if (plan.state === 'blocked') lines.push(`BLOCKED: ${oneLine(plan.blockedReason ?? 'the preflight found a blocker')}; fix it and create a new plan.`);
  const pf = plan.preflight;
  if (pf && pf.replicas.length > 0) {
    lines.push(`Preflight of the new replicas (${pf.checkedAt}):`);
    for (const r of pf.replicas) {
      lines.push(`  ${r.region}: permissions ${r.permissions.map((p) => `${p.action} ${p.granted === null ? 'not checked' : p.granted ? 'granted' : 'MISSING'}`).join(', ')}`);
      if (r.dataEndpointHosts.length > 0) lines.push(`    firewalls must allow: ${r.dataEndpointHosts.join(', ')}`);
      for (const d of r.privateDnsRecords) lines.push(`    private DNS: ${d.type} ${d.name}.${d.zone} (private endpoint ${oneLine(d.privateEndpoint)})`);
    }
    for (const n of pf.notes) lines.push(`  note: ${oneLine(n)}`);
    for (const u of pf.unchecked) lines.push(`  not checked: ${oneLine(u)}`);
  }
  if (plan.skipped.length > 0) {
    lines.push('Not done by this plan:');
    for (const s of plan.skipped) lines.push(`  - ${oneLine(s.description)}: ${oneLine(s.reason)}`);
  }
  return lines;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell word: bare when it is plainly safe, single-quoted otherwise. */
function word(s: string): string {
  return /^[A-Za-z0-9._-]+$/.test(s) ? s : q(s);
}

/** The az command for one action (variables $REGISTRY, $RESOURCE_GROUP, $SUBSCRIPTION). */
export function azCommand(a: PlanAction): string {
  const common = '-r "$REGISTRY" -g "$RESOURCE_GROUP" --subscription "$SUBSCRIPTION"';
  switch (a.kind) {
    case 'upgradeSku':
      return `az acr update -n "$REGISTRY" -g "$RESOURCE_GROUP" --subscription "$SUBSCRIPTION" --sku ${a.to}`;
    case 'createReplica':
      return (
        `az acr replication create ${common} -l ${word(a.region)}` +
        ` --zone-redundancy ${a.to.zoneRedundancy ? 'Enabled' : 'Disabled'}` +
        ` --region-endpoint-enabled ${a.to.regionEndpointEnabled ? 'true' : 'false'}`
      );
    case 'updateReplica':
      return `az acr replication update ${common} -n ${word(a.region)} --region-endpoint-enabled ${a.to.regionEndpointEnabled ? 'true' : 'false'}`;
    case 'deleteReplica':
      return `az acr replication delete ${common} -n ${word(a.region)} --yes`;
    case 'createWebhook':
      return azWebhookCreate(a.webhook);
  }
}

/** `az acr webhook create` for a webhook; `headerNames` become `--headers 'Name=<value>'` placeholders. */
export function azWebhookCreate(w: WebhookSpec, headerNames: readonly string[] = []): string {
  return (
    `az acr webhook create -r "$REGISTRY" -g "$RESOURCE_GROUP" --subscription "$SUBSCRIPTION" -n ${word(w.name)} --location ${word(w.location)}` +
    ` --uri ${q(w.serviceUri)} --actions ${w.actions.map(word).join(' ')}` +
    (w.scope ? ` --scope ${q(w.scope)}` : '') +
    ` --status ${w.status}` +
    (headerNames.length > 0 ? ` --headers ${headerNames.map((h) => q(`${h}=<value>`)).join(' ')}` : '')
  );
}

/** Webhook copies the approver must create by hand (they send custom headers), as commented az commands. */
function manualWebhookLines(plan: Plan): string[] {
  const manual = plan.skipped.filter((s) => s.kind === 'webhookNeedsHeaders' && s.proposal);
  if (manual.length === 0) return [];
  const out = ['Webhooks this plan does not create (their custom headers are secrets the plan never stores);', 'create them with the header values, or leave them out:'];
  for (const s of manual) out.push(`  ${azWebhookCreate(s.proposal!.webhook, s.proposal!.customHeaderNames)}`);
  return out;
}

function variables(plan: Plan): string[] {
  const ref = matchRegistryId(plan.registryId);
  return [
    `REGISTRY=${q(plan.registryName)}`,
    `RESOURCE_GROUP=${q(ref?.resourceGroup ?? '<resource-group>')}`,
    `SUBSCRIPTION=${q(ref?.subscriptionId ?? '<subscription-id>')}`,
  ];
}

export function toAzCli(plan: Plan): string {
  const out = ['#!/usr/bin/env bash', ...headerLines(plan).map((l) => `# ${l}`)];
  out.push(
    '# Run once, top to bottom. If a command fails, fix the cause and continue from that command',
    '# (or use POST /api/plans/{id}/apply, which resumes by itself).',
    'set -euo pipefail',
    '',
    ...variables(plan),
    '',
  );
  if (plan.actions.length === 0) out.push('# Nothing to do: the registry already matches the target.');
  plan.actions.forEach((a, i) => {
    out.push(`# [${i + 1}/${plan.actions.length}] ${a.id}: ${oneLine(a.description)}`);
    out.push(azCommand(a));
  });
  const manual = manualWebhookLines(plan);
  if (manual.length > 0) out.push('', ...manual.map((l) => `# ${l}`));
  return `${out.join('\n')}\n`;
}

/** The topology the plan ends in (skipped changes not made). */
export function planEndState(plan: Plan): Topology {
  return applyActions(plan.current, plan.actions);
}

/** A Bicep single-quoted string literal. */
function bicepString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** An HCL double-quoted string literal (no interpolation). */
function hclString(s: string): string {
  return JSON.stringify(s)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

function bicepIdent(region: string): string {
  return `replica_${region.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function toBicep(plan: Plan): string {
  const end = planEndState(plan);
  const before = plan.actions.filter((a) => a.kind === 'upgradeSku' || (a.kind === 'deleteReplica' && a.recreateAs));
  const after = plan.actions.filter((a) => a.kind === 'deleteReplica' && !a.recreateAs);
  const out = headerLines(plan).map((l) => `// ${l}`);
  out.push(
    `// Deploy with: az deployment group create -g ${matchRegistryId(plan.registryId)?.resourceGroup ?? '<resource-group>'} -f plan.bicep`,
  );
  const vars = variables(plan).map((v) => `//   ${v}`);
  if (before.length > 0) {
    out.push('// BEFORE deploying, run (an existing registry cannot change SKU here; zone redundancy needs a re-create):');
    out.push(...vars);
    for (const a of before) out.push(`//   ${azCommand(a)}`);
  }
  if (after.length > 0) {
    out.push('// AFTER deploying, run (incremental deployments never delete):');
    out.push(...vars);
    for (const a of after) out.push(`//   ${azCommand(a)}`);
  }
  out.push('');
  out.push(`resource registry 'Microsoft.ContainerRegistry/registries@${BICEP_API_VERSION}' existing = {`);
  out.push(`  name: ${bicepString(plan.registryName)}`);
  out.push('}');
  for (const r of end.replicas) {
    out.push('');
    out.push(`resource ${bicepIdent(r.region)} 'Microsoft.ContainerRegistry/registries/replications@${BICEP_API_VERSION}' = {`);
    out.push('  parent: registry');
    out.push(`  name: ${bicepString(r.region)}`);
    out.push(`  location: ${bicepString(r.region)}`);
    out.push('  properties: {');
    out.push(`    regionEndpointEnabled: ${r.regionEndpointEnabled}`);
    out.push(`    zoneRedundancy: '${r.zoneRedundancy ? 'Enabled' : 'Disabled'}'`);
    out.push('  }');
    out.push('}');
  }
  for (const a of webhookActions(plan)) {
    const w = a.webhook;
    const replica = end.replicas.some((r) => r.region === w.location) ? bicepIdent(w.location) : undefined;
    out.push('');
    out.push(`// ${oneLine(a.description)}`);
    out.push(`resource webhook_${w.name.replace(/[^A-Za-z0-9_]/g, '_')} 'Microsoft.ContainerRegistry/registries/webhooks@${BICEP_API_VERSION}' = {`);
    out.push('  parent: registry');
    out.push(`  name: ${bicepString(w.name)}`);
    out.push(`  location: ${bicepString(w.location)}`);
    out.push('  properties: {');
    out.push(`    serviceUri: ${bicepString(w.serviceUri)}`);
    out.push(`    actions: [${w.actions.map(bicepString).join(', ')}]`);
    out.push(`    scope: ${bicepString(w.scope)}`);
    out.push(`    status: ${bicepString(w.status)}`);
    out.push('  }');
    if (replica) out.push(`  dependsOn: [${replica}]`);
    out.push('}');
  }
  const manual = manualWebhookLines(plan);
  if (manual.length > 0) out.push('', ...manual.map((l) => `// ${l}`));
  return `${out.join('\n')}\n`;
}

function webhookActions(plan: Plan): CreateWebhookAction[] {
  return plan.actions.filter((a): a is CreateWebhookAction => a.kind === 'createWebhook');
}

export function toTerraform(plan: Plan): string {
  const end = planEndState(plan);
  const ref = matchRegistryId(plan.registryId);
  const out = headerLines(plan).map((l) => `# ${l}`);
  out.push(
    '# Terraform manages the whole registry resource: merge this with your existing configuration',
    '# (arguments not set here take the provider defaults). Removing a georeplications block deletes that replica.',
    '',
    'import {',
    '  to = azurerm_container_registry.this',
    `  id = ${hclString(plan.registryId)}`,
    '}',
    '',
    'resource "azurerm_container_registry" "this" {',
    `  name                = ${hclString(plan.registryName)}`,
    `  resource_group_name = ${hclString(ref?.resourceGroup ?? '<resource-group>')}`,
    `  location            = ${hclString(end.homeRegion)}`,
    `  sku                 = ${hclString(end.sku)}`,
  );
  if (end.homeZoneRedundancy !== undefined) out.push(`  zone_redundancy_enabled = ${end.homeZoneRedundancy}`);
  for (const r of end.replicas) {
    out.push('');
    out.push('  georeplications {');
    out.push(`    location                  = ${hclString(r.region)}`);
    out.push(`    zone_redundancy_enabled   = ${r.zoneRedundancy}`);
    out.push(`    regional_endpoint_enabled = ${r.regionEndpointEnabled}`);
    out.push('  }');
  }
  out.push('}');
  for (const a of webhookActions(plan)) {
    const w = a.webhook;
    out.push('');
    out.push(`# ${oneLine(a.description)}`);
    out.push(`resource "azurerm_container_registry_webhook" ${hclString(w.name.replace(/[^A-Za-z0-9_]/g, '_'))} {`);
    out.push(`  name                = ${hclString(w.name)}`);
    out.push(`  resource_group_name = ${hclString(ref?.resourceGroup ?? '<resource-group>')}`);
    out.push('  registry_name       = azurerm_container_registry.this.name');
    out.push(`  location            = ${hclString(w.location)}`);
    out.push(`  service_uri         = ${hclString(w.serviceUri)}`);
    out.push(`  actions             = [${w.actions.map(hclString).join(', ')}]`);
    out.push(`  scope               = ${hclString(w.scope)}`);
    out.push(`  status              = ${hclString(w.status)}`);
    out.push('  depends_on          = [azurerm_container_registry.this]');
    out.push('}');
  }
  const manual = manualWebhookLines(plan);
  if (manual.length > 0) out.push('', ...manual.map((l) => `# ${l}`));
  return `${out.join('\n')}\n`;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  az: 'text/x-shellscript; charset=utf-8',
  bicep: 'text/plain; charset=utf-8',
  terraform: 'text/plain; charset=utf-8',
};

export const EXPORT_FILE_NAMES: Record<ExportFormat, string> = {
  az: 'plan.sh',
  bicep: 'plan.bicep',
  terraform: 'plan.tf',
};

export function exportPlan(plan: Plan, format: ExportFormat): string {
  switch (format) {
    case 'az':
      return toAzCli(plan);
    case 'bicep':
      return toBicep(plan);
    case 'terraform':
      return toTerraform(plan);
  }
}
