// The legacy endpoints' stream: one call per game (box score, play-by-play, players on court, hustle
// XML), or one set of calls per season (season aggregates), under the same rate limiter, retry policy
// and ledger as the Query Tool. A game's (or season's) tables, coverage and records are written in
// one transaction; a payload that cannot be stored under its key is failed and quarantined.
import type pg from 'pg';
import { defer, lastValueFrom } from 'rxjs';
import { type LedgerRow, type QuarantineRow, writeBatch, writeRecords } from '../sinks/batchWriter.ts';
import type { SeasonCoverageRow } from '../sinks/ingestRecords.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { HttpResponse, QueryParams } from '../sources/httpClient.ts';
import { reasonOf } from '../sources/queryTool.ts';
import {
  type CallPolicy,
  type CallRecord,
  type CallRequest,
  type CallStep,
  isUnavailable,
  upstreamCall,
} from '../sources/upstreamCall.ts';
import { UpstreamError } from '../sources/upstreamError.ts';
import type {
  LegacyDataset,
  LegacyParse,
  MappingContext,
  RequestedGame,
  RowContext,
  SeasonDataset,
} from './dataset.ts';
import {
  type BatchCursor,
  contentHash,
  coverageRecords,
  failBatch,
  lastPerKey,
  toLedgerRow,
} from './queryToolStream.ts';
import type { OutOfRange } from './rowValues.ts';
import {
  countCalls,
  countFailures,
  type DatasetWork,
  type WorkContext as WorkContextOf,
} from './telemetry.ts';

export interface LegacyStreamContext {
  readonly policy: CallPolicy;
  /** Null in a dry run: everything is fetched and checked, nothing is written. */
  readonly pool: pg.Pool | null;
  readonly runId: number | null;
  readonly mapping: MappingContext;
  /** `leagueId`, `season` and `seasonType`: sent with every season-wide call. */
  readonly scope: QueryParams;
  /** Learns each call's latency, from which the runner sizes the legacy concurrency. */
  readonly latency: LatencyTracker;
  /** The selected games as the schedule lists them: what a per-game payload must name. */
  readonly scheduled: ReadonlyMap<string, RequestedGame>;
  readonly onGamesDone?: (count: number) => void;
}

type WorkContext = WorkContextOf<LegacyStreamContext>;

/** The games of a per-game legacy dataset, one per batch: there is nothing to batch or split. */
export function legacyGameCursor(
  work: DatasetWork<LegacyDataset>,
  context: LegacyStreamContext,
): BatchCursor {
  const { dataset, ids, telemetry, logger } = work;
  telemetry.gamesPlanned += ids.length;
  let next = 0;
  return {
    next: () => (next < ids.length ? [ids[next++] as string] : undefined),
    run: (batch) =>
      defer(() => {
        const game = context.scheduled.get(batch[0] as string);
        if (!game) throw new Error(`game ${batch[0]} is not in the run's schedule`);
        return loadGame(dataset, game, { ...context, telemetry, logger });
      }),
  };
}

/** A season-wide legacy dataset: one batch, the season, whose calls go one after another. */
export function seasonCursor(work: DatasetWork<SeasonDataset>, context: LegacyStreamContext): BatchCursor {
  const { dataset, ids, telemetry, logger } = work;
  let planned = false;
  return {
    next: () => {
      if (planned || ids.length === 0) return undefined;
      planned = true;
      return ids;
    },
    run: () => defer(() => loadSeason(dataset, { ...context, telemetry, logger })),
  };
}

async function loadGame(dataset: LegacyDataset, game: RequestedGame, context: WorkContext): Promise<void> {
  const { call } = dataset;
  const { gameId } = game;
  const request: CallRequest = {
    path: call.path(gameId),
    params: call.params(gameId),
    measure: call.measure,
    gameIds: [gameId],
    batchParam: 'gameId',
    maxRows: null,
    format: call.format,
    unavailableStatuses: call.unavailableStatuses,
  };
  const records: CallRecord[] = [];
  const step = await fetchBody(request, records, context);
  const coverage = coverageRecords(dataset, context);
  const ledger = records.map((record) => toLedgerRow(record, dataset.name, context.runId));
  const { telemetry, logger } = context;

  if (!step.ok) {
    // The reference calls found the host, so a 404 here says the game has no payload, not that the
    // base URL is wrong: a data error for the game, not the configuration error of a 404 at start.
    const unavailable = isUnavailable(step.error, request);
    const reason =
      !unavailable && step.error instanceof UpstreamError && step.error.status === 404
        ? 'no_payload_for_game'
        : reasonOf(step.error);
    if (unavailable) {
      coverage.unavailable(gameId, reason);
      telemetry.gamesUnavailable += 1;
      logger.info({ gameId, reason }, 'not published yet: left for a later run');
      await write(context, { ledger, coverage: coverage.coverage });
    } else {
      const quarantine = failBatch(dataset, [gameId], reason, coverage, context);
      await write(context, { ledger, coverage: coverage.coverage, quarantine: [quarantine] });
    }
    context.onGamesDone?.(1);
    return;
  }

  const parsed = parseWith(context, gameId, (rowContext) => dataset.parse(game, step.value, rowContext));
  const stored = storable(dataset.tables, parsed, dataset.emptyGamesPossible === true);
  if (!stored.ok) {
    const quarantine = rejectPayload(dataset.name, gameId, stored, step.value, context);
    coverage.failed(gameId, stored.reason);
    await write(context, {
      ledger: quarantinedAnswer(ledger, stored.reason),
      coverage: coverage.coverage,
      quarantine: [quarantine, ...parsed.flagged],
    });
    context.onGamesDone?.(1);
    return;
  }
  const quarantine = [
    ...parsed.flagged,
    ...duplicatesNoted(dataset.name, gameId, stored.duplicates, context),
  ];
  if (stored.empty) coverage.empty(gameId);
  else coverage.complete(gameId, stored.counted, stored.hash);
  try {
    await writeTables(context, dataset.tables, stored.rows, [gameId], {
      ledger,
      coverage: coverage.coverage,
      quarantine,
      hooks: dataset.hooks,
    });
  } catch (error) {
    const detail = rejectedByDatabase(error);
    if (detail === undefined) throw error;
    // The transaction rolled back whole: the game is failed, with its payload kept for inspection.
    const failed = coverageRecords(dataset, context);
    failed.failed(gameId, 'rejected_by_database');
    const rejection = { reason: 'rejected_by_database', detail };
    const quarantined = rejectPayload(dataset.name, gameId, rejection, step.value, context);
    await write(context, {
      ledger: quarantinedAnswer(ledger, 'rejected_by_database'),
      coverage: failed.coverage,
      quarantine: [quarantined],
    });
    context.onGamesDone?.(1);
    return;
  }
  telemetry.gamesLoaded += 1;
  context.onGamesDone?.(1);
}

/**
 * A payload that repeats a key (two play-by-play actions with one number) keeps its last row: counted
 * in the summary and noted in the quarantine, the game still complete.
 */
function duplicatesNoted(
  dataset: string,
  gameId: string,
  duplicates: number,
  context: WorkContext,
): QuarantineRow[] {
  if (duplicates === 0) return [];
  context.telemetry.duplicates += duplicates;
  context.telemetry.quarantined += 1;
  context.logger.warn({ gameId, rows: duplicates }, 'rows with a repeated key kept once');
  return [
    {
      runId: context.runId,
      dataset,
      gameId,
      reason: 'duplicate_key',
      detail: `${duplicates} row(s) repeated an earlier row's key; the last of each was kept`,
      payload: null,
    },
  ];
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the rows, not the database, are at fault. */
function rejectedByDatabase(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^2[23]/.test(code)) return undefined;
  return `${code}: ${error instanceof Error ? error.message : String(error)}`;
}

async function loadSeason(dataset: SeasonDataset, context: WorkContext): Promise<void> {
  const { telemetry, mapping, runId } = context;
  const records: CallRecord[] = [];
  const bodies = new Map<string, unknown>();
  let failure: unknown = null;
  for (const call of dataset.calls) {
    const params = { ...context.scope, ...call.params };
    const request = { path: call.path, params, measure: call.measure, gameIds: [], maxRows: null };
    const step = await fetchBody(request, records, context);
    if (!step.ok) {
      failure = step.error;
      break;
    }
    bodies.set(call.measure, step.value);
  }
  const ledger = records.map((record) => toLedgerRow(record, dataset.name, runId));
  const season = {
    dataset: dataset.name,
    seasonLabel: mapping.seasonLabel,
    seasonType: mapping.seasonType,
    finalGames: mapping.finalGames,
    fetchedAt: new Date(),
    runId,
  };
  const failed = (reason: string): SeasonCoverageRow => ({
    ...season,
    status: 'failed',
    rowCount: 0,
    contentHash: null,
    reason,
  });

  if (failure !== null) {
    const reason = reasonOf(failure);
    countFailures(telemetry, reason, 1);
    telemetry.gamesFailed += 1;
    context.logger.error({ reason }, 'season failed');
    await write(context, { ledger, seasonCoverage: [failed(reason)] });
    context.onGamesDone?.(1);
    return;
  }
  const key = mapping.seasonLabel;
  const parsed = parseWith(context, null, (rowContext) => dataset.parse(bodies, rowContext));
  const stored = storable(dataset.tables, parsed, false);
  if (!stored.ok) {
    const quarantine = rejectPayload(dataset.name, null, stored, Object.fromEntries(bodies), context);
    await write(context, {
      ledger: quarantinedAnswer(ledger, stored.reason),
      seasonCoverage: [failed(stored.reason)],
      quarantine: [quarantine],
    });
    context.onGamesDone?.(1);
    return;
  }
  const seasonCoverage: SeasonCoverageRow = {
    ...season,
    status: 'complete',
    rowCount: stored.counted,
    contentHash: stored.hash,
    reason: null,
  };
  await writeTables(context, dataset.tables, stored.rows, [key], {
    ledger,
    seasonCoverage: [seasonCoverage],
    quarantine: parsed.flagged,
  });
  telemetry.gamesLoaded += 1;
  context.onGamesDone?.(1);
}

/** One legacy call; its body is the JSON value, or the XML text. */
function fetchBody(
  request: CallRequest,
  records: CallRecord[],
  context: WorkContext,
): Promise<CallStep<unknown>> {
  const first = records.length;
  const step = lastValueFrom(
    upstreamCall(
      context.policy,
      request,
      (response) => ({ value: bodyOf(response, request), rowsReturned: null, truncated: false }),
      records,
    ),
  );
  return step.finally(() => {
    // `records` may hold the season's earlier calls: only this call's attempts are new.
    const attempts = records.slice(first);
    for (const record of attempts) context.latency.observe(record.durationMs);
    countCalls(context.telemetry, attempts);
  });
}

/**
 * A 200 answer's body; a bare `{}` is no payload at all (SPEC §4: a final game without rows is
 * suspect), a hiccup of upstream like an HTML page with 200, so it is retried, never parsed.
 */
function bodyOf(response: HttpResponse, request: CallRequest): unknown {
  const { body } = response;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0) {
    throw new UpstreamError(
      'transient',
      'empty_envelope',
      response.status,
      `${request.path}: an empty {} body`,
    );
  }
  return body;
}

/**
 * The ledger with the answer that was read marked `quarantined` under the payload's reason: the last
 * attempt's record, the one whose body the parse rejected.
 */
function quarantinedAnswer(ledger: readonly LedgerRow[], reason: string): LedgerRow[] {
  const rows = [...ledger];
  const last = rows.length - 1;
  const answer = rows[last];
  if (answer && answer.action === 'accepted') rows[last] = { ...answer, action: 'quarantined', reason };
  return rows;
}

interface ParsedPayload {
  readonly result: LegacyParse;
  /** Out-of-range values the parse stored as NULL, as quarantine rows. */
  readonly flagged: QuarantineRow[];
}

/** Runs a dataset's parse with a row context that counts and quarantines what it flags and drops. */
function parseWith(
  context: WorkContext,
  gameId: string | null,
  parse: (rowContext: RowContext) => LegacyParse,
): ParsedPayload {
  const { telemetry } = context;
  const flags: OutOfRange[] = [];
  const rowContext: RowContext = {
    ...context.mapping,
    flag: (issue) => {
      telemetry.outOfRange += 1;
      flags.push(issue);
    },
    drop: (reason) => {
      telemetry.dropped[reason] = (telemetry.dropped[reason] ?? 0) + 1;
    },
  };
  const started = performance.now();
  let result: LegacyParse;
  try {
    result = parse(rowContext);
  } catch (error) {
    // A payload the parser cannot even read (an XML document type it refuses, say) fails its own
    // game, never the run.
    result = {
      ok: false,
      reason: 'unreadable_payload',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  telemetry.stageMs.parse += performance.now() - started;
  const flagged: QuarantineRow[] =
    flags.length === 0
      ? []
      : [
          {
            runId: context.runId,
            dataset: telemetry.dataset,
            gameId,
            reason: 'out_of_range',
            detail: `${flags.length} value(s) stored as NULL: ${flags
              .slice(0, 5)
              .map((issue) => `${issue.key} ${issue.value} is not ${issue.unit}`)
              .join('; ')}`,
            payload: flags.slice(0, 20),
          },
        ];
  if (flagged.length > 0) telemetry.quarantined += 1;
  return { result, flagged };
}

type Storable =
  | {
      readonly ok: true;
      readonly rows: unknown[][][];
      readonly empty: boolean;
      /** Rows of all the dataset's tables: what coverage counts. */
      readonly counted: number;
      readonly hash: string;
      /** Rows whose key an earlier row of the payload already had, kept once. */
      readonly duplicates: number;
    }
  | { readonly ok: false; readonly reason: string; readonly detail: string };

/** A parse's rows, each table's de-duplicated by key, or why the payload cannot be stored. */
function storable(tables: readonly TableSpec[], parsed: ParsedPayload, emptyPossible: boolean): Storable {
  const { result } = parsed;
  if (!result.ok) return result;
  if (result.rows.length !== tables.length) {
    throw new Error(`a parse answered ${result.rows.length} row lists for ${tables.length} tables`);
  }
  const rows = tables.map((spec, index) => lastPerKey(spec, result.rows[index] as unknown[][]));
  const empty = rows.every((list) => list.length === 0);
  if (empty && !emptyPossible) {
    return { ok: false, reason: 'no_rows_for_final_game', detail: 'a final game came back with no rows' };
  }
  const counted = rows.reduce((sum, list) => sum + list.length, 0);
  const duplicates = result.rows.reduce((sum, list) => sum + list.length, 0) - counted;
  return { ok: true, rows, empty, counted, hash: contentHash(rows.flat()), duplicates };
}

/** A payload that cannot be stored under its key: counted, logged and quarantined with its body. */
function rejectPayload(
  dataset: string,
  gameId: string | null,
  rejected: { readonly reason: string; readonly detail: string },
  body: unknown,
  context: WorkContext,
): QuarantineRow {
  const { telemetry } = context;
  countFailures(telemetry, rejected.reason, 1);
  telemetry.gamesFailed += 1;
  telemetry.quarantined += 1;
  context.logger.error({ gameId, reason: rejected.reason, detail: rejected.detail }, 'payload rejected');
  return {
    runId: context.runId,
    dataset,
    gameId,
    reason: rejected.reason,
    detail: rejected.detail,
    payload: quarantinedBody(body),
  };
}

/** Bodies are kept whole for inspection up to this size; larger ones only by their start. */
const QUARANTINE_BODY_CHARS = 1_000_000;

function quarantinedBody(body: unknown): unknown {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (text === undefined) return null;
  if (text.length <= QUARANTINE_BODY_CHARS) return typeof body === 'string' ? { text: body } : body;
  return { truncatedBody: text.slice(0, QUARANTINE_BODY_CHARS), chars: text.length };
}

async function writeTables(
  context: WorkContext,
  tables: readonly [TableSpec, ...TableSpec[]],
  rows: readonly unknown[][][],
  keys: readonly string[],
  records: Omit<Parameters<typeof writeBatch>[1], 'spec' | 'rows'>,
): Promise<void> {
  const { telemetry, pool } = context;
  telemetry.rowsWritten += rows.reduce((sum, list) => sum + list.length, 0);
  if (!pool) return;
  const [first, ...more] = tables;
  const result = await writeBatch(pool, {
    ...records,
    spec: first,
    rows: rows[0] ?? [],
    games: keys,
    moreTables: more.map((spec, index) => ({ spec, rows: rows[index + 1] ?? [], games: keys })),
  });
  telemetry.rowsInserted += result.inserted;
  telemetry.rowsUpdated += result.updated;
  telemetry.rowsUnchanged += result.unchanged;
  telemetry.rowsDeleted += result.deleted;
  telemetry.placeholders += result.placeholders;
  telemetry.stageMs.copy += result.copyMs;
  telemetry.stageMs.merge += result.mergeMs;
}

async function write(context: WorkContext, records: Parameters<typeof writeRecords>[1]): Promise<void> {
  if (context.pool) await writeRecords(context.pool, records);
}

/** Upper bound on per-game legacy calls in flight, whatever the latency. */
export const MAX_LEGACY_CONCURRENCY = 16;

/**
 * How many one-game calls keep the host's rate limit busy: by Little's law, calls in flight = rate ×
 * time per call, plus one so a slot is ready when a token is. Tracks an exponentially weighted mean
 * of call durations; before the first answer it assumes two slots.
 */
export class LatencyTracker {
  readonly #ratePerSecond: number;
  #meanMs: number | null = null;

  constructor(ratePerSecond: number) {
    this.#ratePerSecond = ratePerSecond;
  }

  observe(durationMs: number): void {
    this.#meanMs = this.#meanMs === null ? durationMs : 0.8 * this.#meanMs + 0.2 * durationMs;
  }

  slots(): number {
    if (this.#meanMs === null) return 2;
    const inFlight = Math.ceil((this.#ratePerSecond * this.#meanMs) / 1000) + 1;
    return Math.min(MAX_LEGACY_CONCURRENCY, Math.max(1, inFlight));
  }
}
