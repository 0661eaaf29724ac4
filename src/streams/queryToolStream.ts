// The generic Query Tool stream that runs any Query Tool dataset declaration: plan GameId (or
// TeamId) batches lazily -> source (rate limit, retry, split) -> parse (zod, identity) -> sink.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { concatMap, from, type Observable } from 'rxjs';
import { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { BatchOutcome } from '../operators/splitOnTruncation.ts';
import type { CoverageRow, LedgerRow, QuarantineRow, TeamCoverageRow } from '../sinks/batchWriter.ts';
import { writeBatch, writeRecords } from '../sinks/batchWriter.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { AnswerVerdict, BatchFetch, QueryToolCall, QueryToolSource } from '../sources/queryTool.ts';
import type { CallRecord } from '../sources/upstreamCall.ts';
import { type BatchPlanner, plannerKey } from './batchPlanner.ts';
import type { DatasetCall, GameRow, MappingContext, QueryToolDataset, TeamRow } from './dataset.ts';
import { type OutOfRange, unstorableText } from './rowValues.ts';
import {
  countCalls,
  countFailures,
  type DatasetWork,
  type WorkContext as WorkContextOf,
} from './telemetry.ts';

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

type WorkContext = WorkContextOf<QueryToolStreamContext>;

/** One dataset's batches for the runner: planned one at a time, each run when a slot is free. */
export interface BatchCursor {
  /** The dataset's next batch, planned now; undefined once its ids are all planned. */
  next(): readonly string[] | undefined;
  /** Fetches and writes the batch; completes once it is written. */
  run(batch: readonly string[]): Observable<unknown>;
}

export function batchCursor(
  work: DatasetWork<QueryToolDataset>,
  context: QueryToolStreamContext,
): BatchCursor {
  const { dataset, ids, telemetry, logger } = work;
  const { planner, source } = context;
  const workContext: WorkContext = { ...context, telemetry, logger };
  const calls = sourceCalls(dataset);
  const planned = dataset.calls.map((call) => ({ key: plannerKey(call), rowsPerGame: call.rowsPerGame }));
  const maxGameIds = source.maxGameIds(calls, planner.uriBudgetBytes);
  const idLimit = Math.min(...calls.map((call) => call.maxBatchIds ?? Infinity));
  telemetry.gamesPlanned += ids.length;
  let next = 0;
  return {
    next() {
      if (next >= ids.length) return undefined;
      const remaining = ids.length - next;
      const decision = planner.plan({
        calls: planned,
        remaining,
        maxGameIds,
        idLimit: Number.isFinite(idLimit) ? idLimit : undefined,
        fixedBatchSize: dataset.fixedBatchSize,
      });
      const batch = ids.slice(next, next + decision.games);
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
          firstId: batch[0],
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
  outcome: BatchOutcome<string, BatchFetch>,
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
    const records = coverageRecords(dataset, context);
    const quarantine = failBatch(dataset, outcome.batch, reason, records, context);
    if (pool) {
      const { coverage, teamCoverage } = records;
      await writeRecords(pool, { ledger, coverage, teamCoverage, quarantine: [quarantine] });
    }
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
      games: dataset.unit === 'team' ? undefined : parsed.loaded,
      coverage: parsed.coverage,
      teamCoverage: parsed.teamCoverage,
      ledger,
      quarantine: parsed.quarantine,
      hooks: dataset.hooks,
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
  telemetry.gamesLoaded += parsed.loaded.length;
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

/** Coverage of the dataset's unit (games, or teams of the season) as the batch's outcome decides it. */
export interface CoverageRecords {
  readonly coverage: CoverageRow[];
  readonly teamCoverage: TeamCoverageRow[];
  complete(key: string, rowCount: number, hash: string): void;
  empty(key: string): void;
  failed(key: string, reason: string): void;
  /** Not published upstream yet (games only): not covered, fetched again by a later run. */
  unavailable(key: string, reason: string): void;
}

/** What coverage and quarantine records need to know of a dataset. */
type DatasetIdentity = Pick<QueryToolDataset, 'name' | 'unit'>;

export function coverageRecords(
  dataset: DatasetIdentity,
  context: Pick<WorkContext, 'runId' | 'mapping'>,
): CoverageRecords {
  const coverage: CoverageRow[] = [];
  const teamCoverage: TeamCoverageRow[] = [];
  const fetchedAt = new Date();
  const { runId, mapping } = context;
  const add = (key: string, fields: Pick<CoverageRow, 'status' | 'rowCount' | 'contentHash' | 'reason'>) => {
    const common = { dataset: dataset.name, ...fields, fetchedAt, runId };
    if (dataset.unit === 'team') {
      if (fields.status === 'unavailable') throw new Error('team coverage has no unavailable status');
      teamCoverage.push({
        ...common,
        status: fields.status,
        teamId: Number(key),
        seasonLabel: mapping.seasonLabel,
        seasonType: mapping.seasonType,
        finalGames: mapping.finalGames,
      });
    } else coverage.push({ ...common, gameId: key });
  };
  return {
    coverage,
    teamCoverage,
    complete: (key, rowCount, contentHash) =>
      add(key, { status: 'complete', rowCount, contentHash, reason: null }),
    empty: (key) => add(key, { status: 'empty', rowCount: 0, contentHash: null, reason: null }),
    failed: (key, reason) => add(key, { status: 'failed', rowCount: 0, contentHash: null, reason }),
    unavailable: (key, reason) => add(key, { status: 'unavailable', rowCount: 0, contentHash: null, reason }),
  };
}

/** Every id of a batch failed for one reason: counted, logged, covered as failed, quarantined once. */
export function failBatch(
  dataset: DatasetIdentity,
  batch: readonly string[],
  reason: string,
  records: CoverageRecords,
  context: Pick<WorkContext, 'runId' | 'telemetry' | 'logger'>,
): QuarantineRow {
  const { telemetry } = context;
  telemetry.failedBatches += 1;
  telemetry.gamesFailed += batch.length;
  countFailures(telemetry, reason, batch.length);
  // The logger is the dataset's own child: it names the dataset already.
  context.logger.error({ ids: batch.length, reason }, 'batch failed');
  for (const key of batch) records.failed(key, reason);
  const unit = dataset.unit === 'team' ? 'teams' : 'games';
  const quarantine: QuarantineRow = {
    runId: context.runId,
    dataset: dataset.name,
    gameId: dataset.unit !== 'team' && batch.length === 1 ? (batch[0] ?? null) : null,
    reason,
    detail: `batch of ${batch.length} ${unit} ${batch[0]}..${batch[batch.length - 1]} failed: ${reason}`,
    payload: { [dataset.unit === 'team' ? 'teamIds' : 'gameIds']: batch },
  };
  telemetry.quarantined += 1;
  return quarantine;
}

interface ParsedBatch {
  readonly rows: unknown[][];
  /** Ids of the batch whose rows are in `rows` and covered as complete. */
  readonly loaded: string[];
  readonly coverage: CoverageRow[];
  readonly teamCoverage: TeamCoverageRow[];
  readonly quarantine: QuarantineRow[];
}

/**
 * Validates every row and maps each requested id's rows. Rows of a game that was not requested are
 * dropped, counted and quarantined; a row of a team that was not requested fails the whole batch
 * (a team-scoped answer that holds another team cannot be trusted to be complete for the requested
 * ones). An id with an invalid row, or no rows at all, is failed rather than stored as complete.
 * Out-of-range values are stored as NULL and quarantined as `out_of_range` with the id still
 * complete: the rest of its row is sound.
 */
export function parseBatch(
  dataset: QueryToolDataset,
  batch: readonly string[],
  fetched: Extract<BatchFetch, { ok: true }>,
  context: Pick<WorkContext, 'runId' | 'mapping' | 'telemetry' | 'logger'>,
): ParsedBatch {
  const { telemetry } = context;
  const byTeam = dataset.unit === 'team';
  const keyOf = byTeam
    ? (row: DatasetRow) => String((row as TeamRow).teamId)
    : (row: DatasetRow) => (row as GameRow).gameId;
  const parts = new Map<string, Map<string, DatasetRow[]>>(batch.map((key) => [key, new Map()]));
  const problems = new Map<
    string,
    { gameId: string | null; reason: string; count: number; detail: string; samples: unknown[] }
  >();
  const failed = new Map<string, string>();
  const note = (key: string | null, reason: string, detail: string, raw: unknown) => {
    const entryKey = `${reason}:${key ?? ''}`;
    const entry = problems.get(entryKey) ?? {
      gameId: byTeam ? null : key,
      reason,
      count: 0,
      detail: byTeam && key !== null ? `team ${key}: ${detail}` : detail,
      samples: [],
    };
    entry.count += 1;
    if (entry.samples.length < 5) entry.samples.push(raw);
    problems.set(entryKey, entry);
  };
  const records = coverageRecords(dataset, context);
  const quarantine: QuarantineRow[] = [];
  let foreignTeams = 0;

  fetched.responses.forEach((response, index) => {
    const call = dataset.calls[index];
    if (!call) throw new Error(`response ${index} has no call in ${dataset.name}`);
    telemetry.rowsFetched += response.rows.length;
    for (const checked of response.rows as readonly CheckedRow[]) {
      if ('issue' in checked) {
        // An invalid row naming none of the ids is the one id's (the source splits batches of more).
        const claimed = checked.claimed !== null && parts.has(checked.claimed) ? checked.claimed : null;
        const key = claimed ?? (batch.length === 1 ? (batch[0] as string) : null);
        if (key) failed.set(key, 'schema_mismatch');
        note(key, 'schema_mismatch', `${call.measure}: ${checked.issue}`, checked.raw);
        continue;
      }
      const { row } = checked;
      const key = keyOf(row);
      const byMeasure = parts.get(key);
      if (!byMeasure) {
        if (byTeam) {
          foreignTeams += 1;
          note(key, 'unrequested_team', `${call.measure}: a row of a team that was not requested`, row);
        } else {
          telemetry.droppedUnrequested += 1;
          note(key, 'unrequested_game', `${call.measure}: a row of a game that was not requested`, row);
        }
        continue;
      }
      const list = byMeasure.get(call.measure);
      if (list) list.push(row);
      else byMeasure.set(call.measure, [row]);
    }
  });

  const rows: unknown[][] = [];
  const loaded: string[] = [];
  if (foreignTeams > 0) {
    quarantine.push(failBatch(dataset, batch, 'unrequested_team', records, context));
    parts.clear();
  }
  for (const [key, byMeasure] of parts) {
    const reason = failed.get(key);
    if (reason) {
      records.failed(key, reason);
      countFailures(telemetry, reason, 1);
      telemetry.gamesFailed += 1;
      continue;
    }
    const flag = (issue: OutOfRange) => {
      telemetry.outOfRange += 1;
      note(
        key,
        'out_of_range',
        `${issue.key} stored as NULL: ${issue.value} is not ${issue.unit} (${issue.column})`,
        issue,
      );
    };
    const drop = (dropReason: string) => {
      telemetry.dropped[dropReason] = (telemetry.dropped[dropReason] ?? 0) + 1;
    };
    const rowContext = { ...context.mapping, flag, drop };
    const keyRows =
      dataset.unit === 'team'
        ? dataset.toRows(Number(key), byMeasure as Map<string, TeamRow[]>, rowContext)
        : dataset.toRows(key as GameId, byMeasure as Map<string, GameRow[]>, rowContext);
    if (keyRows.length === 0 && dataset.unit !== 'team' && dataset.emptyGamesPossible) {
      loaded.push(key);
      records.empty(key);
      continue;
    }
    if (keyRows.length === 0) {
      const empty = byTeam ? 'no_rows_for_team' : 'no_rows_for_final_game';
      records.failed(key, empty);
      countFailures(telemetry, empty, 1);
      telemetry.gamesFailed += 1;
      note(
        key,
        empty,
        byTeam ? 'a team of the season came back with no rows' : 'a final game came back with no rows',
        null,
      );
      continue;
    }
    const distinct = lastPerKey(dataset.table, keyRows);
    const duplicates = keyRows.length - distinct.length;
    telemetry.duplicates += duplicates;
    if (duplicates > 0) {
      // As the legacy stream notes them: the game stays complete, the repeat is on record.
      telemetry.quarantined += 1;
      quarantine.push({
        runId: context.runId,
        dataset: dataset.name,
        gameId: byTeam ? null : key,
        reason: 'duplicate_key',
        detail: `${byTeam ? `team ${key}: ` : ''}${duplicates} row(s) repeated an earlier row's key; the last of each was kept`,
        payload: null,
      });
    }
    loaded.push(key);
    rows.push(...distinct);
    records.complete(key, distinct.length, contentHash(distinct));
  }

  for (const problem of problems.values()) {
    quarantine.push({
      runId: context.runId,
      dataset: dataset.name,
      gameId: problem.gameId,
      reason: problem.reason,
      detail: `${problem.count} row(s): ${problem.detail}`,
      payload: problem.samples,
    });
    context.logger.warn(
      { id: problem.gameId, reason: problem.reason, rows: problem.count },
      'rows quarantined',
    );
  }
  telemetry.quarantined += problems.size;
  return { rows, loaded, coverage: records.coverage, teamCoverage: records.teamCoverage, quarantine };
}

/** A response row after validation: the typed row, or the raw row and what is wrong with it. */
type DatasetRow = GameRow | TeamRow;

export type CheckedRow =
  | { readonly row: DatasetRow }
  | { readonly raw: unknown; readonly claimed: string | null; readonly issue: string };

const sourceCallsByDataset = new WeakMap<QueryToolDataset, readonly QueryToolCall[]>();

/** The dataset's calls as the source runs them: each response's rows are validated on arrival. */
export function sourceCalls(dataset: QueryToolDataset): readonly QueryToolCall[] {
  let calls = sourceCallsByDataset.get(dataset);
  if (!calls) {
    const idField = dataset.unit === 'team' ? 'teamId' : 'gameId';
    calls = dataset.calls.map((call) => ({
      ...call,
      readRows: (rows) => checkRows(call, rows, idField),
      inspect: (rows, requested) => inspectRows(rows as readonly CheckedRow[], requested, idField),
    }));
    sourceCallsByDataset.set(dataset, calls);
  }
  return calls;
}

function checkRows(call: DatasetCall, rows: readonly unknown[], idField: string): CheckedRow[] {
  const renamed = renamedStat(rows, declaredStatsKeys(call));
  return rows.map((raw) => {
    const parsed = call.rowSchema.safeParse(raw);
    const drift = parsed.success ? (renamed ?? unstorableText(raw)) : null;
    if (parsed.success && drift === null) return { row: parsed.data };
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    return {
      raw,
      claimed: claimedId(raw, idField),
      issue: drift ?? `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    };
  });
}

/**
 * What a response's checked rows say of it, for the call's ledger record: `schema_mismatch` when a
 * row failed validation, `unrequested_game` (`unrequested_team`) when a row names an id that was not
 * asked for; null when every row is sound and requested. An invalid row that names none of several
 * ids asked for (a corrupt id) cannot be told to be any one's: nothing of the answer is kept, and
 * the batch is split (`unattributed_rows`) down to one id, whose invalid rows are its own.
 */
function inspectRows(
  rows: readonly CheckedRow[],
  requested: readonly string[],
  idField: string,
): AnswerVerdict | null {
  const asked = new Set(requested);
  let invalid = false;
  let foreign = false;
  for (const checked of rows) {
    if ('issue' in checked) {
      if (requested.length > 1 && (checked.claimed === null || !asked.has(checked.claimed)))
        return { reason: 'unattributed_rows', split: true };
      invalid = true;
    } else if (!asked.has(String((checked.row as unknown as Record<string, unknown>)[idField]))) {
      foreign = true;
    }
  }
  if (invalid) return { reason: 'schema_mismatch' };
  if (foreign) return { reason: idField === 'teamId' ? 'unrequested_team' : 'unrequested_game' };
  return null;
}

const statsKeysByCall = new WeakMap<DatasetCall, readonly string[]>();

/** The keys a call's row schema declares in its `stats` object (none when it keeps `stats` raw). */
function declaredStatsKeys(call: DatasetCall): readonly string[] {
  let keys = statsKeysByCall.get(call);
  if (!keys) {
    const stats = objectSchema(call.rowSchema)?.shape.stats;
    keys = stats instanceof z.ZodObject ? Object.keys(stats.shape) : [];
    statsKeysByCall.set(call, keys);
  }
  return keys;
}

/** The object schema under a row schema's transforms (`z.object(...).transform(...)` is a pipe). */
function objectSchema(schema: z.ZodType): z.ZodObject | undefined {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodPipe) return objectSchema(schema.in as z.ZodType);
  return undefined;
}

/**
 * Schema drift the row schema lets through: a declared stat absent from every row of an answer
 * while a look-alike stat it does not declare (its name starts with the declared one's, `_` aside) is in
 * every row — a renamed key (`MIN` sent as `MIN_PLAYED`), whose value would otherwise be stored as
 * NULL. Declared stats are optional one row at a time (a shot without an assist has no
 * AST_BY_PLAYER_ID) and an answer may carry stats nobody declared, so only a missing key and its
 * stand-in together, over the whole answer, say it.
 */
function renamedStat(rows: readonly unknown[], declared: readonly string[]): string | null {
  if (declared.length === 0 || rows.length === 0) return null;
  const all = rows.map((raw) => (raw as { stats?: unknown } | null)?.stats);
  if (!all.every((stats): stats is object => typeof stats === 'object' && stats !== null)) return null;
  const inEveryRow = (key: string) => all.every((stats) => key in stats);
  const known = new Set(declared);
  const extras = Object.keys(all[0] as object).filter((key) => !known.has(key) && inEveryRow(key));
  const bare = (key: string) => key.replaceAll('_', '').toUpperCase();
  for (const missing of declared) {
    if (all.some((stats) => missing in stats)) continue;
    const standIn = extras.find((key) => bare(key).startsWith(bare(missing)));
    if (standIn !== undefined)
      return `stats.${missing} is absent from every row and stats.${standIn} is not declared: a renamed stats key`;
  }
  return null;
}

/**
 * The id a raw row claims in `idField`, before validation: a string, or a number (a game id as a
 * number has lost its leading zeros; a team id is one).
 */
function claimedId(raw: unknown, idField: string): string | null {
  const value =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[idField] : undefined;
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
  // 22500001 or "022500001" is game 0022500001 with its leading zeros lost: the row is its game's.
  if (idField === 'gameId' && text !== null && /^\d{1,9}$/.test(text)) return text.padStart(10, '0');
  return text;
}

const keyIndexes = new WeakMap<TableSpec, readonly number[]>();

/**
 * Of several rows with one natural key (a response that repeats a row), the last: so coverage counts
 * and hashes exactly the rows the table will hold. Duplicates are counted by the caller.
 */
export function lastPerKey(spec: TableSpec, rows: unknown[][]): unknown[][] {
  let indexes = keyIndexes.get(spec);
  if (!indexes) {
    const names = spec.columns.map((column) => column.name);
    indexes = spec.key.map((name) => names.indexOf(name));
    keyIndexes.set(spec, indexes);
  }
  const byKey = new Map<string, unknown[]>();
  for (const row of rows) {
    const key = JSON.stringify((indexes as number[]).map((index) => row[index]));
    byKey.delete(key);
    byKey.set(key, row);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

/** Order-independent hash of a game's rows, so an unchanged re-fetch can be recognised. */
export function contentHash(rows: readonly unknown[][]): string {
  const lines = rows.map((row) => JSON.stringify(row)).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}

/** A source's call record as a row of nba_ingest.requests (the same fields, plus run and dataset). */
export function toLedgerRow(call: CallRecord, dataset: string, runId: number | null): LedgerRow {
  return { ...call, runId, dataset };
}
