/**
 * ArmReadBudget adapters: the per-subscription ARM read bucket shared by every instance of the
 * function app. Table storage (`driftarmbudget`, DRIFT_ARM_BUDGET_TABLE): one row per
 * subscription (PartitionKey `budget`, RowKey the lower-case subscription id) holding the
 * balance and when it was computed; a take reads the row, reserves its tokens
 * (src/model/drift/token-bucket.ts) and writes the row back only if its ETag is unchanged —
 * on a conflict (another instance took tokens meanwhile) it reads again. So the instances
 * share one bucket per subscription without a lock and without polling: a taker waits out its
 * own reservation. A reservation further out than `maxWaitMs` throws ArmBudgetExhaustedError
 * (503, transient), so the queue retries the message later instead of holding an instance.
 * Why a table row and not a queue-visibility design: the bucket has to be consulted by ARM
 * reads that happen inside a check (fallbacks), not only at enqueue time, and a row with an
 * ETag gives an exact shared balance with one round trip per take.
 */
import type { TableClient } from '@azure/data-tables';
import type { ArmReadBudget } from '../../app/ports/inventory';
import { AppError, retryAfterHeader } from '../../model/errors';
import { reserve, type BucketLimits, type BucketState } from '../../model/drift/token-bucket';
import type { StorageConnection } from '../store/config';
import { storageStatusOf } from '../store/errors';
import { ensureTable, tableClientFor } from '../store/tables';

export class ArmBudgetExhaustedError extends AppError {
  readonly status = 503;
  readonly code = 'ArmBudgetExhausted';
  readonly title = 'The ARM read budget of the subscription is spent for now';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
  override get headers(): Record<string, string> {
    return retryAfterHeader(this.retryAfterSeconds);
  }
}

export interface ArmBudgetOptions extends BucketLimits {
  /** Longest wait for a reservation, ms (default 60,000). */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function exhausted(subscriptionId: string, waitMs: number): ArmBudgetExhaustedError {
  return new ArmBudgetExhaustedError(`subscription ${subscriptionId}: the ARM read budget is reserved ${Math.ceil(waitMs / 1000)} s ahead; retry later`, Math.ceil(waitMs / 1000));
}

/** One process (tests, DRIFT_STORE=memory). */
export class InMemoryArmReadBudget implements ArmReadBudget {
  private readonly state = new Map<string, BucketState>();
  /** Tokens taken per subscription (tests, bench). */
  readonly taken = new Map<string, number>();

  constructor(private readonly options: ArmBudgetOptions) {}

  async take(subscriptionId: string, reads: number): Promise<number> {
    const key = subscriptionId.toLowerCase();
    const now = (this.options.now ?? Date.now)();
    const r = reserve(this.state.get(key) ?? null, reads, now, this.options, this.options.maxWaitMs);
    if (!r.ok) throw exhausted(subscriptionId, r.waitMs);
    this.state.set(key, r.state);
    this.taken.set(key, (this.taken.get(key) ?? 0) + reads);
    if (r.waitMs > 0) await (this.options.sleep ?? sleepMs)(r.waitMs);
    return r.waitMs;
  }
}

const PARTITION = 'budget';

/** Shared by every instance: a Table row per subscription, updated with its ETag. */
export class TableArmReadBudget implements ArmReadBudget {
  private ready: Promise<TableClient> | undefined;

  constructor(
    private readonly options: ArmBudgetOptions & { connection?: StorageConnection; tableName?: string; client?: TableClient },
  ) {}

  private table(): Promise<TableClient> {
    this.ready ??= (async () => {
      let client = this.options.client;
      if (!client) {
        const conn = this.options.connection;
        if (!conn) throw new Error('ARM read budget: no storage connection (AzureWebJobsStorage)');
        client = tableClientFor(conn, this.options.tableName ?? 'driftarmbudget');
      }
      await ensureTable(client);
      return client;
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  async take(subscriptionId: string, reads: number): Promise<number> {
    const t = await this.table();
    const key = subscriptionId.toLowerCase();
    for (let attempt = 0; attempt < 50; attempt++) {
      let row: { tokens?: unknown; at?: unknown; etag: string } | null = null;
      try {
        row = await t.getEntity<{ tokens: number; at: number }>(PARTITION, key);
      } catch (e) {
        if (storageStatusOf(e) !== 404) throw e;
      }
      const now = (this.options.now ?? Date.now)();
      const state = row && typeof row.tokens === 'number' && typeof row.at === 'number' ? { tokens: row.tokens, at: row.at } : null;
      const r = reserve(state, reads, now, this.options, this.options.maxWaitMs);
      if (!r.ok) throw exhausted(subscriptionId, r.waitMs);
      const entity = { partitionKey: PARTITION, rowKey: key, tokens: r.state.tokens, at: r.state.at };
      try {
        if (row) await t.updateEntity(entity, 'Replace', { etag: row.etag });
        else await t.createEntity(entity);
      } catch (e) {
        const s = storageStatusOf(e);
        if (s === 409 || s === 412) {
          await sleepMs(Math.random() * 20);
          continue; // another instance took tokens meanwhile: read again
        }
        throw e;
      }
      if (r.waitMs > 0) await (this.options.sleep ?? sleepMs)(r.waitMs);
      return r.waitMs;
    }
    throw exhausted(subscriptionId, 1000);
  }
}
