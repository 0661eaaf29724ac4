// Reference data from upstream: a JSON call through the one client policy, parsed at the boundary,
// and the season's teams, players and schedule written before any game data so foreign keys hold.
import type pg from 'pg';
import { fromEvent, lastValueFrom, takeUntil } from 'rxjs';
import type { z } from 'zod';
import { EXIT, ExitError, exitCodeForFailures } from '../exitCodes.ts';
import { writeBatch, writeRecords } from '../sinks/batchWriter.ts';
import type { QueryParams } from '../sources/httpClient.ts';
import { reasonOf } from '../sources/queryTool.ts';
import { type CallPolicy, type CallRecord, upstreamCall } from '../sources/upstreamCall.ts';
import { UpstreamError } from '../sources/upstreamError.ts';
import { toLedgerRow } from './queryToolStream.ts';
import {
  gamesTable,
  playerIndexSchema,
  playerRows,
  playersTable,
  type ScheduledGame,
  scheduledGames,
  scheduleSchema,
  teamIndexSchema,
  teamRows,
  teamsTable,
} from './reference.ts';

export interface UpstreamJson<T> {
  readonly value: T;
  /** Upstream's clock when it answered (the `Date` header), null without one. */
  readonly date: Date | null;
}

/** One JSON call whose failure or unexpected shape ends the run with a clear message. */
export async function fetchJson<S extends z.ZodType>(
  policy: CallPolicy,
  path: string,
  params: QueryParams,
  schema: S,
  records: CallRecord[],
  signal?: AbortSignal,
): Promise<UpstreamJson<z.output<S>>> {
  const request = { path, params, measure: null, gameIds: [], maxRows: null, signal };
  const call$ = upstreamCall(
    policy,
    request,
    (response) => ({ value: response, rowsReturned: null, truncated: false }),
    records,
  );
  // Stopping cuts the call short, retry waits included.
  const step = await lastValueFrom(signal ? call$.pipe(takeUntil(fromEvent(signal, 'abort'))) : call$, {
    defaultValue: {
      ok: false as const,
      error: new UpstreamError('transient', 'stopped', null, `${path}: stopped`),
    },
  });
  if (!step.ok) {
    const reason = reasonOf(step.error);
    const hint = REFERENCE_HINTS.find(([pattern]) => pattern.test(reason))?.[1];
    throw new ExitError(
      exitCodeForFailures([reason]),
      `${path} failed: ${reason}${hint ? ` (${hint})` : ''}`,
    );
  }
  const parsed = schema.safeParse(step.value.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExitError(
      EXIT.dataError,
      `${path} answered with an unexpected shape: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  return { value: parsed.data, date: step.value.date };
}

export interface ReferenceScope {
  readonly leagueId: string;
  readonly season: string;
  readonly seasonType: string;
}

export interface SeasonReference {
  /** The season's games as the schedule lists them, by date then id. */
  readonly games: readonly ScheduledGame[];
  /** Upstream calls made (team index, player index, schedule). */
  readonly calls: number;
  /** Upstream's clock when the schedule was read. */
  readonly date: Date | null;
}

/** Teams, players and the schedule; written (unless `write` is false) and their calls kept in the ledger. */
export async function loadReference(
  scope: ReferenceScope,
  deps: { readonly pool: pg.Pool; readonly policy: CallPolicy; readonly signal?: AbortSignal | undefined },
  options: { readonly write: boolean; readonly runId: number | null },
): Promise<SeasonReference> {
  const { pool, policy } = deps;
  const records: CallRecord[] = [];
  const season = { leagueId: scope.leagueId, season: scope.season };
  try {
    const [teams, players, schedule] = await Promise.all([
      fetchJson(
        policy,
        '/api/stats/team/index',
        { ...season, seasonType: scope.seasonType },
        teamIndexSchema,
        records,
        deps.signal,
      ),
      fetchJson(policy, '/api/stats/player/index', season, playerIndexSchema, records, deps.signal),
      fetchJson(policy, '/api/schedule/full', season, scheduleSchema, records, deps.signal),
    ]);
    const { games, rows } = scheduledGames(schedule.value, scope.leagueId);
    if (options.write) {
      await writeBatch(pool, { spec: teamsTable, rows: teamRows(teams.value, scope.leagueId) });
      await writeBatch(pool, { spec: playersTable, rows: playerRows(players.value, scope.leagueId) });
      await writeBatch(pool, { spec: gamesTable, rows });
    }
    return { games, calls: records.length, date: schedule.date };
  } finally {
    if (options.write) {
      await writeRecords(pool, {
        ledger: records.map((call) => toLedgerRow(call, 'reference', options.runId)),
      });
    }
  }
}

/** What the first calls of a run failing usually means, said next to the reason. */
const REFERENCE_HINTS: readonly (readonly [RegExp, string])[] = [
  [/http_40[13]/, 'the API rejected the key: check NBA_API_KEY'],
  [/http_404/, 'no such endpoint: check NBA_API_BASE_URL, e.g. https://api.nba.com/v0'],
  [/host_not_found/, "NBA_API_BASE_URL's host does not resolve"],
  [/connection_refused|connect_timeout/, 'nothing answers at NBA_API_BASE_URL'],
];
