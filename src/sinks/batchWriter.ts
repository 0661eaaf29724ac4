// Loads one batch in one transaction on one pooled client: COPY into the session's staging table,
// de-duplicate by key, create placeholder references, merge into the target, replace each game's set
// of rows, and write coverage, ledger and quarantine with the data. A client that saw an error is
// rolled back and discarded, never returned to the pool; a transaction whose connection was lost
// before its COMMIT is run again on a new one.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { checkOut } from './checkOut.ts';
import { isConnectionLost } from './connectionLoss.ts';
import { copyTextChunks } from './copyText.ts';
import { type IngestRecords, writeIngestRecords } from './ingestRecords.ts';
import { type LoadPlan, loadPlanFor } from './loadPlan.ts';
import type { TableSpec } from './tableSpec.ts';

export type {
  CoverageRow,
  IngestRecords,
  LedgerRow,
  QuarantineRow,
  SeasonCoverageRow,
  TeamCoverageRow,
} from './ingestRecords.ts';

/** One table's share of a batch. */
export interface TableWrite {
  readonly spec: TableSpec;
  /** Values in `spec.columns` order. */
  readonly rows: readonly (readonly unknown[])[];
  /**
   * With `spec.gameColumn`: the games whose row sets this batch replaces, including games that now
   * have no rows. Defaults to the games present in `rows`.
   */
  readonly games?: readonly string[];
}

export interface BatchInput extends IngestRecords, TableWrite {
  /** Further tables filled from the same payloads (a box score's team rows), in the same transaction. */
  readonly moreTables?: readonly TableWrite[];
  readonly hooks?: WriteHooks;
}

/**
 * Statements a dataset runs in each batch's transaction with the batch's `games` as `$1` (text[]):
 * `before` ahead of any write (locks, so that two transactions never wait on each other's rows),
 * `after` last, after the records (derived rows that must agree with what was written: the advanced
 * box score's roster placeholders).
 */
export interface WriteHooks {
  readonly before?: readonly string[];
  readonly after?: readonly string[];
}

export interface WriteResult {
  /** Rows COPY'd into staging. */
  readonly staged: number;
  /** Staged rows dropped because a later row had the same key. */
  readonly duplicates: number;
  readonly inserted: number;
  readonly updated: number;
  /** Rows that matched the target exactly and were not rewritten. */
  readonly unchanged: number;
  /** Target rows of the batch's games that the batch no longer has. */
  readonly deleted: number;
  readonly placeholders: number;
  readonly copyMs: number;
  /** The merges, replacements and records after the COPYs (COMMIT not included). */
  readonly mergeMs: number;
}

/** Bounds the ROLLBACK sent on a client being discarded; closing the connection rolls back anyway. */
const ROLLBACK_TIMEOUT_MS = 5_000;

/**
 * Waits before each new attempt of a transaction whose connection was lost (a terminated backend,
 * a server restarting): a restarted server takes connections again within seconds. Once they are
 * spent the error goes up, and the run ends as a temporary failure, safe to rerun.
 */
const RECONNECT_DELAYS_MS: readonly number[] = [100, 1_000, 3_000];

/** Staging tables a connection already has (created once per session, emptied at every commit). */
const stagingByClient = new WeakMap<pg.PoolClient, Set<string>>();

export async function writeBatch(pool: pg.Pool, input: BatchInput): Promise<WriteResult> {
  let copyMs = 0;
  let mergeMs = 0;
  const counts = await inTransaction(pool, async (client) => {
    // A new attempt after a lost connection starts the timings again.
    copyMs = 0;
    mergeMs = 0;
    const games = [input.games ?? []];
    for (const statement of input.hooks?.before ?? []) await client.query(statement, games);
    const total = {
      staged: 0,
      duplicates: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      placeholders: 0,
    };
    for (const table of [input, ...(input.moreTables ?? [])]) {
      const written = await writeTable(client, table);
      copyMs += written.copyMs;
      mergeMs += written.mergeMs;
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += written[key];
    }
    const recordsStarted = performance.now();
    await writeIngestRecords(client, input);
    for (const statement of input.hooks?.after ?? []) await client.query(statement, games);
    mergeMs += performance.now() - recordsStarted;
    return total;
  });
  return { ...counts, copyMs, mergeMs };
}

/** COPY one table's rows into its staging table, then de-duplicate, placeholders, merge, replace. */
async function writeTable(client: pg.PoolClient, table: TableWrite): Promise<WriteResult> {
  const plan = loadPlanFor(table.spec);
  await ensureStaging(client, plan);
  const copyStarted = performance.now();
  const staged = table.rows.length > 0 ? await copyRows(client, plan, table.rows) : 0;
  const mergeStarted = performance.now();
  let duplicates = 0;
  let placeholders = 0;
  let inserted = 0;
  let updated = 0;
  if (staged > 0) {
    duplicates = (await client.query(plan.dedupe)).rowCount ?? 0;
    for (const statement of plan.placeholders) placeholders += (await client.query(statement)).rowCount ?? 0;
    const merged = await client.query<{ inserted: number; updated: number }>(plan.merge);
    inserted = merged.rows[0]?.inserted ?? 0;
    updated = merged.rows[0]?.updated ?? 0;
  }
  const deleted = await replaceGames(client, plan, table.games, staged);
  const unchanged = staged - duplicates - inserted - updated;
  return {
    staged,
    duplicates,
    inserted,
    updated,
    unchanged,
    deleted,
    placeholders,
    copyMs: mergeStarted - copyStarted,
    mergeMs: performance.now() - mergeStarted,
  };
}

/** Outcomes without data (a split batch's ledger rows; a failed batch's ledger, coverage, quarantine). */
export async function writeRecords(pool: pg.Pool, records: IngestRecords): Promise<void> {
  const empty =
    !records.coverage?.length &&
    !records.teamCoverage?.length &&
    !records.seasonCoverage?.length &&
    !records.ledger?.length &&
    !records.quarantine?.length;
  if (empty) return;
  await inTransaction(pool, (client) => writeIngestRecords(client, records));
}

/**
 * Runs `work` in one transaction, again on a new connection when the connection was lost before
 * COMMIT was issued (the server rolled it back). A loss from COMMIT on is not retried, even one
 * that happened just before it: whether it committed cannot be told apart, and a second ledger
 * would double the first; a rerun settles it by coverage.
 */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let committing = false;
    try {
      return await transaction(pool, work, () => {
        committing = true;
      });
    } catch (error) {
      const delay = RECONNECT_DELAYS_MS[attempt];
      if (committing || delay === undefined || !isConnectionLost(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  onCommit: () => void,
): Promise<T> {
  const client = await checkOut(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    onCommit();
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // Rolled back before returning, so the caller's next step never waits on this batch's locks.
    await rollback(client);
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

async function rollback(client: pg.PoolClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ROLLBACK_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.query('ROLLBACK'), timeout]);
  } catch {
    // The client is discarded next; its connection's end rolls back whatever is left.
  } finally {
    clearTimeout(timer);
  }
}

async function ensureStaging(client: pg.PoolClient, plan: LoadPlan): Promise<void> {
  let tables = stagingByClient.get(client);
  if (!tables) {
    tables = new Set();
    stagingByClient.set(client, tables);
  }
  if (tables.has(plan.stagingTable)) return;
  await client.query(plan.createStaging);
  // Should this transaction roll back, the client is discarded with the memory of this table.
  tables.add(plan.stagingTable);
}

/** Awaits the COPY stream's own finish: the server has then acknowledged every row. */
async function copyRows(
  client: pg.PoolClient,
  plan: LoadPlan,
  rows: readonly (readonly unknown[])[],
): Promise<number> {
  const copy = client.query(copyFrom(plan.copy));
  await pipeline(Readable.from(copyTextChunks(rows, plan.encode)), copy);
  return copy.rowCount;
}

async function replaceGames(
  client: pg.PoolClient,
  plan: LoadPlan,
  games: readonly string[] | undefined,
  staged: number,
): Promise<number> {
  if (games !== undefined) {
    if (!plan.replaceGames || games.length === 0) return 0;
    return (await client.query(plan.replaceGames, [games])).rowCount ?? 0;
  }
  if (!plan.replaceStagedGames || staged === 0) return 0;
  return (await client.query(plan.replaceStagedGames)).rowCount ?? 0;
}
