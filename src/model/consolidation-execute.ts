/**
 * The apply of a consolidation plan (#17): orchestration only, all I/O through the port.
 *
 * 1. The target's topology actions (SKU upgrade, replicas) through executePlan — the same stale
 *    check, resume rule and step records as every plan.
 * 2. The imports, one source repository at a time, one ARM importImage per tag (NoForce). Per-tag
 *    idempotency: the target's tags are read first (data plane) and a tag already there with the
 *    planned digest is not imported again; one there with another digest stops the run (a conflict
 *    that appeared after planning: NoForce would refuse it, and the plan never overwrites).
 * 3. Verification: the target's tags are read again and every planned tag must be there with its
 *    digest, otherwise the run is partiallyApplied.
 * A failed import (throttling beyond the retries, a 5xx) stops the run as partiallyApplied; the
 * next apply re-reads the target and imports only what is still missing, so nothing is lost and
 * nothing is imported twice.
 */
import type { ImportTag, RepositoryImport } from './consolidation';
import { executePlan } from './plan/execute';
import type { ExecuteOptions, ExecutionResult, ExecutorPort, Plan, PlanStep } from './plan/types';

export interface ConsolidationExecutorPort extends ExecutorPort {
  /** `repo:tag` → digest of the target registry now (its data plane). */
  readTargetTags(): Promise<Map<string, string>>;
  /** ARM importImage of one tag from the item's source into the target (waits for the long-running operation). */
  importTag(item: RepositoryImport, tag: ImportTag): Promise<void>;
}

export interface ConsolidationExecutionResult extends ExecutionResult {
  /** `repo:tag` imported by this run (dry run: that would be). */
  importedTags: string[];
  /** `repo:tag` found already in the target with the planned digest. */
  presentTags: string[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message || e.name : String(e);
}

export async function executeConsolidation(plan: Plan, port: ConsolidationExecutorPort, opts: ExecuteOptions = {}): Promise<ConsolidationExecutionResult> {
  const c = plan.consolidation;
  if (!c) throw new TypeError(`plan ${plan.id} is not a consolidation plan`);
  const topo = await executePlan(plan, port, opts);
  const base = { importedTags: [] as string[], presentTags: [] as string[] };
  if (topo.outcome === 'noop' || topo.outcome === 'partiallyApplied') return { ...topo, ...base };
  const dryRun = opts.dryRun === true;
  const attempt = opts.attempt ?? plan.applyAttempts ?? 1;
  const steps: PlanStep[] = [...topo.steps];
  const record = async (s: PlanStep): Promise<void> => {
    steps.push(s);
    if (!dryRun) await port.recordStep(s);
  };
  const step = (item: RepositoryImport, status: PlanStep['status'], msg?: string): PlanStep => ({
    actionId: item.id,
    kind: 'importRepository',
    status,
    at: port.now().toISOString(),
    attempt,
    ...(msg !== undefined ? { message: msg } : {}),
  });

  const present = await port.readTargetTags();
  const imported: string[] = [];
  const already: string[] = [];
  const alreadyDone = [...topo.alreadyDone];
  for (const item of c.imports) {
    const todo: ImportTag[] = [];
    for (const t of item.tags) {
      const ref = `${item.repository}:${t.tag}`;
      const got = present.get(ref);
      if (got === t.digest) already.push(ref);
      else if (got !== undefined) {
        const msg = `conflict: the target already has ${ref} with digest ${got}, the plan imports ${t.digest}; nothing is overwritten (resolve it and make a new plan)`;
        await record(step(item, 'failed', msg));
        return { ...topo, outcome: 'partiallyApplied', steps, alreadyDone, failedActionId: item.id, error: msg, importedTags: imported, presentTags: already };
      } else todo.push(t);
    }
    if (todo.length === 0) {
      alreadyDone.push(item.id);
      await record(step(item, 'skipped', `alreadyDone: all ${item.tags.length} tag(s) are in the target with the planned digest`));
      continue;
    }
    if (dryRun) {
      imported.push(...todo.map((t) => `${item.repository}:${t.tag}`));
      steps.push(step(item, 'started', `dryRun: would import ${todo.map((t) => t.tag).join(', ')} from ${item.sourceLoginServer}`));
      continue;
    }
    await record(step(item, 'started', `importing ${todo.length} of ${item.tags.length} tag(s) from ${item.sourceLoginServer}`));
    let done = 0;
    for (const t of todo) {
      try {
        await port.importTag(item, t);
      } catch (e) {
        const msg = `${item.repository}:${t.tag} from ${item.sourceLoginServer} failed after ${done} of ${todo.length} tag(s): ${message(e)}`;
        await record(step(item, 'failed', msg));
        return { ...topo, outcome: 'partiallyApplied', steps, alreadyDone, failedActionId: item.id, error: msg, importedTags: imported, presentTags: already };
      }
      done++;
      imported.push(`${item.repository}:${t.tag}`);
    }
    await record(step(item, 'succeeded', `imported ${todo.length} tag(s)${item.tags.length > todo.length ? `, ${item.tags.length - todo.length} already present` : ''}`));
  }
  if (dryRun) return { ...topo, outcome: 'dryRun', steps, alreadyDone, importedTags: imported, presentTags: already };

  const after = await port.readTargetTags();
  const missing = c.imports.flatMap((i) => i.tags.filter((t) => after.get(`${i.repository}:${t.tag}`) !== t.digest).map((t) => `${i.repository}:${t.tag}`));
  if (missing.length > 0) {
    const error = `after importing, the target lacks ${missing.length} planned tag(s): ${missing.slice(0, 20).join(', ')}`;
    return { ...topo, outcome: 'partiallyApplied', steps, alreadyDone, error, importedTags: imported, presentTags: already };
  }
  return { ...topo, outcome: 'applied', steps, alreadyDone, importedTags: imported, presentTags: already };
}
