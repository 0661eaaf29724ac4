// The one generic stream that runs any Query Tool dataset declarations, side by side:
// plan GameId batches lazily -> source (rate limit, retry, split) -> parse (zod, identity) -> sink.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { concatMap, from, type Observable } from 'rxjs';
import type { GameId, GameIdBatch } from '../gameId.ts';
import { mergeOnDemand } from '../operators/mergeOnDemand.ts';
import type { BatchOutcome } from '../operators/splitOnTruncation.ts';
import type { CoverageRow, LedgerRow, QuarantineRow } from '../sinks/batchWriter.ts';
import { writeBatch, writeRecords } from '../sinks/batchWriter.ts';
import type { BatchFetch, QueryToolCall, QueryToolSource } from '../sources/queryTool.ts';
import type { CallRecord } from '../sources/upstreamCall.ts';
import { type BatchPlanner, plannerKey } from './batchPlanner.ts';
import type { DatasetCall, GameRow, MappingContext, QueryToolDataset } from './dataset.ts';
import type { OutOfRange } from './rowValues.ts';
import { countCalls, countFailures, type DatasetTelemetry } from './telemetry.ts';

export interface QueryToolStreamContext {
  readonly source: QueryToolSource;
  /** Sizes each batch; shared by the run's datasets, it learns from every response. */
  readonly planner: BatchPlanner;
  /** Null in a dry run: everything is fetched and checked, nothing is written. */
  readonly pool: pg.Pool | null;
  readonly runId: number | null;
  readonly mapping: MappingContext;
  /** Batches in flight across every dataset; each holds at most one response set, so memory stays flat. */
  readonly concurrency: number;
  readonly onGamesDone?: (count: number) => void;
}

/** One dataset's share of a run: its games in the order given (the caller orders by date). */
export interface DatasetWork {
  readonly dataset: QueryToolDataset;
  readonly games: readonly GameId[];
  readonly telemetry: DatasetTelemetry;
  readonly logger: Logger;
}

/** What handling one dataset's outcome needs: the run's context with the dataset's own records. */
type WorkContext = QueryToolStreamContext & Pick<DatasetWork, 'telemetry' | 'logger'>;

/**
 * Runs the datasets' batches side by side, `concurrency` at a time across all of them, under the
 * source's one rate limiter; emits once per outcome, completes when every batch is written. A batch
 * is planned only when a slot frees — taking turns between the datasets that still have games — so
 * each is sized from every response the planner has learned from so far.
 */
export function runQueryToolStreams(
  works: readonly DatasetWork[],
  context: QueryToolStreamContext,
  /** Checked before each batch is planned; false stops taking new batches while those in flight finish. */
  keepGoing: () => boolean = () => true,
): Observable<BatchOutcome<GameId, BatchFetch>> {
  const cursors = works.filter((work) => work.games.length > 0).map((work) => batchCursor(work, context));
  let turn = 0;
  const pull = () => {
    if (!keepGoing()) return undefined;
    for (let tried = 0; tried < cursors.length; tried++) {
      const cursor = cursors[turn % cursors.length] as BatchCursor;
      turn += 1;
      const batch = cursor.next();
      if (batch) return { cursor, batch };
    }
    return undefined;
  };
  return mergeOnDemand({
    pull,
    project: ({ cursor, batch }) => cursor.run(batch),
    concurrency: context.concurrency,
  });
}

interface BatchCursor {
  /** The dataset's next batch, planned now; undefined once its games are all planned. */
  next(): GameIdBatch | undefined;
  run(batch: GameIdBatch): Observable<BatchOutcome<GameId, BatchFetch>>;
}

function batchCursor(work: DatasetWork, context: QueryToolStreamContext): BatchCursor {
  const { dataset, games, telemetry, logger } = work;
  const { planner, source } = context;
  const workContext: WorkContext = { ...context, telemetry, logger };
  const calls = sourceCalls(dataset);
  const planned = dataset.calls.map((call) => ({ key: plannerKey(call), rowsPerGame: call.rowsPerGame }));
  const maxGameIds = source.maxGameIds(calls, planner.uriBudgetBytes);
  telemetry.gamesPlanned += games.length;
  let next = 0;
  return {
    next() {
      if (next >= games.length) return undefined;
      const remaining = games.length - next;
      const decision = planner.plan({
        calls: planned,
        remaining,
        maxGameIds,
        fixedBatchSize: dataset.fixedBatchSize,
      });
      const batch = games.slice(next, next + decision.games);
      next += batch.length;
      telemetry.batchesPlanned += 1;
      logger.info(
        {
          policy: planner.policy,
          key: decision.key,
          games: decision.games,
          rowsPerGame: Math.round(decision.rowsPerGame * 100) / 100,
          bound: decision.bound,
          limit: decision.limit,
          remaining,
          firstGameId: batch[0],
        },
        'batch planned',
      );
      return batch;
    },
    run: (batch) =>
      source.batches(calls, batch).pipe(
        concatMap((outcome) => {
          planner.learn(outcome.result?.calls ?? []);
          return from(handleOutcome(dataset, outcome, workContext).then(() => outcome));
        }),
      ),
  };
}

async function handleOutcome(
  dataset: QueryToolDataset,
  outcome: BatchOutcome<GameId, BatchFetch>,
  context: WorkContext,
): Promise<void> {
  const { telemetry, pool, runId } = context;
  const calls = outcome.result?.calls ?? [];
  const fetchMs = countCalls(telemetry, calls);
  const ledger = calls.map((call) => toLedgerRow(call, dataset.name, runId));
  const base = {
    dataset: dataset.name,
    games: outcome.batch.length,
    firstGameId: outcome.batch[0] ?? null,
    lastGameId: outcome.batch[outcome.batch.length - 1] ?? null,
    depth: outcome.depth,
    fetchMs,
  };

  if (outcome.type === 'split') {
    telemetry.splits += 1;
    if (pool) await writeRecords(pool, { ledger });
    telemetry.batches.push({
      ...base,
      outcome: 'split',
      reason: outcome.reason,
      rows: 0,
      parseMs: 0,
      copyMs: 0,
      mergeMs: 0,
    });
    return;
  }

  if (outcome.type === 'failed') {
    const reason = outcome.reason;
    telemetry.failedBatches += 1;
    telemetry.gamesFailed += outcome.batch.length;
    countFailures(telemetry, reason, outcome.batch.length);
    context.logger.error({ dataset: dataset.name, games: outcome.batch.length, reason }, 'batch failed');
    const fetchedAt = new Date();
    const coverage = outcome.batch.map((gameId) =>
      failedCoverage(dataset.name, gameId, reason, fetchedAt, runId),
    );
    const quarantine: QuarantineRow[] = [
      {
        runId,
        dataset: dataset.name,
        gameId: outcome.batch.length === 1 ? (outcome.batch[0] ?? null) : null,
        reason,
        detail: `batch of ${outcome.batch.length} games ${base.firstGameId}..${base.lastGameId} failed: ${reason}`,
        payload: { gameIds: outcome.batch },
      },
    ];
    telemetry.quarantined += 1;
    if (pool) await writeRecords(pool, { ledger, coverage, quarantine });
    context.onGamesDone?.(outcome.batch.length);
    telemetry.batches.push({
      ...base,
      outcome: 'failed',
      reason,
      rows: 0,
      parseMs: 0,
      copyMs: 0,
      mergeMs: 0,
    });
    return;
  }

  if (!outcome.result.ok) throw new Error('a complete outcome must carry responses');
  const parseStarted = performance.now();
  const parsed = parseBatch(dataset, outcome.batch, outcome.result, context);
  const parseMs = performance.now() - parseStarted;
  telemetry.stageMs.parse += parseMs;

  let copyMs = 0;
  let mergeMs = 0;
  if (pool) {
    const result = await writeBatch(pool, {
      spec: dataset.table,
      rows: parsed.rows,
      games: parsed.loadedGames,
      coverage: parsed.coverage,
      ledger,
      quarantine: parsed.quarantine,
    });
    copyMs = result.copyMs;
    mergeMs = result.mergeMs;
    telemetry.rowsInserted += result.inserted;
    telemetry.rowsUpdated += result.updated;
    telemetry.rowsUnchanged += result.unchanged;
    telemetry.rowsDeleted += result.deleted;
    telemetry.duplicates += result.duplicates;
    telemetry.placeholders += result.placeholders;
    telemetry.stageMs.copy += copyMs;
    telemetry.stageMs.merge += mergeMs;
  }
  telemetry.rowsWritten += parsed.rows.length;
  telemetry.gamesLoaded += parsed.loadedGames.length;
  telemetry.gamesFailed += outcome.batch.length - parsed.loadedGames.length;
  telemetry.quarantined += parsed.quarantine.length;
  context.onGamesDone?.(outcome.batch.length);
  telemetry.batches.push({
    ...base,
    outcome: 'complete',
    reason: null,
    rows: parsed.rows.length,
    parseMs,
    copyMs,
    mergeMs,
  });
}

interface ParsedBatch {
  readonly rows: unknown[][];
  readonly loadedGames: GameId[];
  readonly coverage: CoverageRow[];
  readonly quarantine: QuarantineRow[];
}

/**
 * Validates every row, keeps only rows of requested games (others are dropped, counted and
 * quarantined), and maps each game's rows. A game with an invalid row, or no rows at all although
 * it is final, is failed rather than stored as complete. Out-of-range values are stored as NULL and
 * quarantined as `out_of_range` with the game still complete: the rest of its row is sound.
 */
export function parseBatch(
  dataset: QueryToolDataset,
  batch: GameIdBatch,
  fetched: Extract<BatchFetch, { ok: true }>,
  context: Pick<WorkContext, 'runId' | 'mapping' | 'telemetry' | 'logger'>,
): ParsedBatch {
  const { runId, telemetry } = context;
  const requested = new Set<string>(batch);
  const parts = new Map<GameId, Map<string, GameRow[]>>(batch.map((game) => [game, new Map()]));
  const problems = new Map<
    string,
    { gameId: GameId | null; reason: string; count: number; detail: string; samples: unknown[] }
  >();
  const failed = new Map<GameId, string>();
  const note = (gameId: GameId | null, reason: string, detail: string, raw: unknown) => {
    const key = `${reason}:${gameId ?? ''}`;
    const entry = problems.get(key) ?? { gameId, reason, count: 0, detail, samples: [] };
    entry.count += 1;
    if (entry.samples.length < 5) entry.samples.push(raw);
    problems.set(key, entry);
  };

  fetched.responses.forEach((response, index) => {
    const call = dataset.calls[index];
    if (!call) throw new Error(`response ${index} has no call in ${dataset.name}`);
    telemetry.rowsFetched += response.rows.length;
    for (const checked of response.rows as readonly CheckedRow[]) {
      if ('issue' in checked) {
        const gameId =
          checked.claimed !== null && requested.has(checked.claimed) ? (checked.claimed as GameId) : null;
        if (gameId) failed.set(gameId, 'schema_mismatch');
        note(gameId, 'schema_mismatch', `${call.measure}: ${checked.issue}`, checked.raw);
        continue;
      }
      const { row } = checked;
      const byMeasure = parts.get(row.gameId);
      if (!byMeasure) {
        telemetry.droppedUnrequested += 1;
        note(row.gameId, 'unrequested_game', `${call.measure}: a row of a game that was not requested`, row);
        continue;
      }
      const list = byMeasure.get(call.measure);
      if (list) list.push(row);
      else byMeasure.set(call.measure, [row]);
    }
  });

  const rows: unknown[][] = [];
  const loadedGames: GameId[] = [];
  const coverage: CoverageRow[] = [];
  const fetchedAt = new Date();
  const failGame = (gameId: GameId, reason: string) => {
    coverage.push(failedCoverage(dataset.name, gameId, reason, fetchedAt, runId));
    countFailures(telemetry, reason, 1);
  };
  for (const [gameId, byMeasure] of parts) {
    const reason = failed.get(gameId);
    if (reason) {
      failGame(gameId, reason);
      continue;
    }
    const flag = (issue: OutOfRange) => {
      telemetry.outOfRange += 1;
      note(
        gameId,
        'out_of_range',
        `${issue.key} stored as NULL: ${issue.value} is not ${issue.unit} (${issue.column})`,
        issue,
      );
    };
    const drop = (reason: string) => {
      telemetry.dropped[reason] = (telemetry.dropped[reason] ?? 0) + 1;
    };
    const gameRows = dataset.toRows(gameId, byMeasure, { ...context.mapping, flag, drop });
    if (gameRows.length === 0) {
      failGame(gameId, 'no_rows_for_final_game');
      note(gameId, 'no_rows_for_final_game', 'a final game came back with no rows', null);
      continue;
    }
    loadedGames.push(gameId);
    rows.push(...gameRows);
    coverage.push({
      dataset: dataset.name,
      gameId,
      status: 'complete',
      rowCount: gameRows.length,
      contentHash: contentHash(gameRows),
      reason: null,
      fetchedAt,
      runId,
    });
  }

  const quarantine: QuarantineRow[] = [...problems.values()].map((problem) => ({
    runId,
    dataset: dataset.name,
    gameId: problem.gameId,
    reason: problem.reason,
    detail: `${problem.count} row(s): ${problem.detail}`,
    payload: problem.samples,
  }));
  for (const problem of problems.values()) {
    context.logger.warn(
      { dataset: dataset.name, gameId: problem.gameId, reason: problem.reason, rows: problem.count },
      'rows quarantined',
    );
  }
  return { rows, loadedGames, coverage, quarantine };
}

/** A response row after validation: the typed row, or the raw row and what is wrong with it. */
export type CheckedRow =
  | { readonly row: GameRow }
  | { readonly raw: unknown; readonly claimed: string | null; readonly issue: string };

const sourceCallsByDataset = new WeakMap<QueryToolDataset, readonly QueryToolCall[]>();

/** The dataset's calls as the source runs them: each response's rows are validated on arrival. */
export function sourceCalls(dataset: QueryToolDataset): readonly QueryToolCall[] {
  let calls = sourceCallsByDataset.get(dataset);
  if (!calls) {
    calls = dataset.calls.map((call) => ({ ...call, readRows: (rows) => checkRows(call, rows) }));
    sourceCallsByDataset.set(dataset, calls);
  }
  return calls;
}

function checkRows(call: DatasetCall, rows: readonly unknown[]): CheckedRow[] {
  return rows.map((raw) => {
    const parsed = call.rowSchema.safeParse(raw);
    if (parsed.success) return { row: parsed.data };
    const issue = parsed.error.issues[0];
    return {
      raw,
      claimed: claimedGameId(raw),
      issue: `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    };
  });
}

/** The id a raw row claims, before validation: a string, or a number whose leading zeros are lost. */
function claimedGameId(raw: unknown): string | null {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).gameId : undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

/** Order-independent hash of a game's rows, so an unchanged re-fetch can be recognised. */
function contentHash(rows: readonly unknown[][]): string {
  const lines = rows.map((row) => JSON.stringify(row)).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}

function failedCoverage(
  dataset: string,
  gameId: GameId,
  reason: string,
  fetchedAt: Date,
  runId: number | null,
): CoverageRow {
  return { dataset, gameId, status: 'failed', rowCount: 0, contentHash: null, reason, fetchedAt, runId };
}

/** A source's call record as a row of nba_ingest.requests (the same fields, plus run and dataset). */
export function toLedgerRow(call: CallRecord, dataset: string, runId: number | null): LedgerRow {
  return { ...call, runId, dataset };
}
