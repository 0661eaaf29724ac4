// The pipeline's own records about a batch: coverage per (dataset, game), one ledger row per upstream
// call (nba_ingest.requests) and quarantined payloads. Written on the caller's client, inside the
// transaction that holds the data they describe; each kind is one statement over unnest'ed arrays.
import type pg from 'pg';
import type { ErrorKind } from '../operators/errorKind.ts';

export interface CoverageRow {
  readonly dataset: string;
  readonly gameId: string;
  /** `unavailable`: upstream has not published the game's payload yet (hustle XML); asked again later. */
  readonly status: 'complete' | 'empty' | 'failed' | 'unavailable';
  readonly rowCount: number;
  readonly contentHash: string | null;
  readonly reason: string | null;
  readonly fetchedAt: Date;
  readonly runId: number | null;
}

/**
 * Coverage of a season-wide, team-scoped dataset: one team's rows for the season as of
 * `finalGames` final games. A later final game makes it stale, so it is fetched again.
 */
export interface TeamCoverageRow extends Omit<CoverageRow, 'gameId'> {
  readonly teamId: number;
  readonly seasonLabel: string;
  readonly seasonType: string;
  readonly finalGames: number;
}

/**
 * Coverage of a season-wide dataset that is not scoped by team (season aggregates): the season's
 * rows as of `finalGames` final games.
 */
export interface SeasonCoverageRow extends Omit<CoverageRow, 'gameId' | 'status'> {
  readonly status: 'complete' | 'failed';
  readonly seasonLabel: string;
  readonly seasonType: string;
  readonly finalGames: number;
}

export interface LedgerRow {
  readonly runId: number | null;
  readonly dataset: string;
  readonly endpoint: string;
  readonly measure: string | null;
  readonly gameCount: number;
  /** What first_game_id and last_game_id hold: `GameId`, or `TeamId` for team-scoped calls. */
  readonly batchParam: string | null;
  readonly firstGameId: string | null;
  readonly lastGameId: string | null;
  readonly status: number | null;
  readonly rowsReturned: number | null;
  readonly maxRows: number | null;
  readonly truncated: boolean;
  readonly attempt: number;
  readonly errorKind: ErrorKind | null;
  readonly action: string;
  readonly reason: string | null;
  readonly durationMs: number;
  readonly requestedAt: Date;
}

export interface QuarantineRow {
  readonly runId: number | null;
  readonly dataset: string;
  readonly gameId: string | null;
  readonly reason: string;
  readonly detail: string | null;
  /** Stored as jsonb; NUL characters (which jsonb refuses) become U+FFFD. */
  readonly payload: unknown;
}

export interface IngestRecords {
  readonly coverage?: readonly CoverageRow[];
  readonly teamCoverage?: readonly TeamCoverageRow[];
  readonly seasonCoverage?: readonly SeasonCoverageRow[];
  readonly ledger?: readonly LedgerRow[];
  readonly quarantine?: readonly QuarantineRow[];
}

// A failed (or not yet published) fetch never undoes what is known: it does not replace complete or
// empty coverage.
const KEEP_KNOWN = `WHERE EXCLUDED.status IN ('complete', 'empty') OR c.status NOT IN ('complete', 'empty')`;

const COVERAGE = `
INSERT INTO nba_ingest.coverage AS c
  (dataset, game_id, status, row_count, content_hash, reason, fetched_at, run_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
                     $7::timestamptz[], $8::bigint[])
ON CONFLICT (dataset, game_id) DO UPDATE SET
  status = EXCLUDED.status, row_count = EXCLUDED.row_count, content_hash = EXCLUDED.content_hash,
  reason = EXCLUDED.reason, fetched_at = EXCLUDED.fetched_at, run_id = EXCLUDED.run_id
${KEEP_KNOWN}`;

const TEAM_COVERAGE = `
INSERT INTO nba_ingest.team_coverage AS c
  (dataset, season_label, season_type, team_id, final_games, status, row_count, content_hash, reason,
   fetched_at, run_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::int[],
                     $8::text[], $9::text[], $10::timestamptz[], $11::bigint[])
ON CONFLICT (dataset, season_label, season_type, team_id) DO UPDATE SET
  final_games = EXCLUDED.final_games, status = EXCLUDED.status, row_count = EXCLUDED.row_count,
  content_hash = EXCLUDED.content_hash, reason = EXCLUDED.reason, fetched_at = EXCLUDED.fetched_at,
  run_id = EXCLUDED.run_id
${KEEP_KNOWN}`;

const SEASON_COVERAGE = `
INSERT INTO nba_ingest.season_coverage AS c
  (dataset, season_label, season_type, final_games, status, row_count, content_hash, reason, fetched_at,
   run_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],
                     $8::text[], $9::timestamptz[], $10::bigint[])
ON CONFLICT (dataset, season_label, season_type) DO UPDATE SET
  final_games = EXCLUDED.final_games, status = EXCLUDED.status, row_count = EXCLUDED.row_count,
  content_hash = EXCLUDED.content_hash, reason = EXCLUDED.reason, fetched_at = EXCLUDED.fetched_at,
  run_id = EXCLUDED.run_id
${KEEP_KNOWN}`;

const LEDGER = `
INSERT INTO nba_ingest.requests
  (run_id, dataset, endpoint, measure, game_count, first_game_id, last_game_id, status, rows_returned,
   max_rows, truncated, attempt, error_kind, action, reason, duration_ms, requested_at, batch_param)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[],
                     $8::int[], $9::int[], $10::int[], $11::boolean[], $12::int[], $13::text[], $14::text[],
                     $15::text[], $16::numeric[], $17::timestamptz[], $18::text[])`;

const QUARANTINE = `
INSERT INTO nba_ingest.quarantine (run_id, dataset, game_id, reason, detail, payload)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`;

export async function writeIngestRecords(client: pg.ClientBase, records: IngestRecords): Promise<void> {
  const coverage = lastPerKey(records.coverage ?? [], (row) => `${row.dataset}\u0000${row.gameId}`);
  if (coverage.length > 0) {
    await client.query(COVERAGE, [
      coverage.map((row) => row.dataset),
      coverage.map((row) => row.gameId),
      coverage.map((row) => row.status),
      coverage.map((row) => row.rowCount),
      coverage.map((row) => row.contentHash),
      coverage.map((row) => row.reason),
      coverage.map((row) => row.fetchedAt),
      coverage.map((row) => row.runId),
    ]);
  }
  const teamCoverage = lastPerKey(records.teamCoverage ?? [], (row) =>
    [row.dataset, row.seasonLabel, row.seasonType, row.teamId].join('\u0000'),
  );
  if (teamCoverage.length > 0) {
    await client.query(TEAM_COVERAGE, [
      teamCoverage.map((row) => row.dataset),
      teamCoverage.map((row) => row.seasonLabel),
      teamCoverage.map((row) => row.seasonType),
      teamCoverage.map((row) => row.teamId),
      teamCoverage.map((row) => row.finalGames),
      teamCoverage.map((row) => row.status),
      teamCoverage.map((row) => row.rowCount),
      teamCoverage.map((row) => row.contentHash),
      teamCoverage.map((row) => row.reason),
      teamCoverage.map((row) => row.fetchedAt),
      teamCoverage.map((row) => row.runId),
    ]);
  }
  const seasonCoverage = lastPerKey(records.seasonCoverage ?? [], (row) =>
    [row.dataset, row.seasonLabel, row.seasonType].join('\u0000'),
  );
  if (seasonCoverage.length > 0) {
    await client.query(SEASON_COVERAGE, [
      seasonCoverage.map((row) => row.dataset),
      seasonCoverage.map((row) => row.seasonLabel),
      seasonCoverage.map((row) => row.seasonType),
      seasonCoverage.map((row) => row.finalGames),
      seasonCoverage.map((row) => row.status),
      seasonCoverage.map((row) => row.rowCount),
      seasonCoverage.map((row) => row.contentHash),
      seasonCoverage.map((row) => row.reason),
      seasonCoverage.map((row) => row.fetchedAt),
      seasonCoverage.map((row) => row.runId),
    ]);
  }
  const ledger = records.ledger ?? [];
  if (ledger.length > 0) {
    await client.query(LEDGER, [
      ledger.map((row) => row.runId),
      ledger.map((row) => row.dataset),
      ledger.map((row) => row.endpoint),
      ledger.map((row) => row.measure),
      ledger.map((row) => row.gameCount),
      ledger.map((row) => row.firstGameId),
      ledger.map((row) => row.lastGameId),
      ledger.map((row) => row.status),
      ledger.map((row) => row.rowsReturned),
      ledger.map((row) => row.maxRows),
      ledger.map((row) => row.truncated),
      ledger.map((row) => row.attempt),
      ledger.map((row) => row.errorKind),
      ledger.map((row) => row.action),
      ledger.map((row) => row.reason),
      ledger.map((row) => row.durationMs),
      ledger.map((row) => row.requestedAt),
      ledger.map((row) => row.batchParam),
    ]);
  }
  const quarantine = records.quarantine ?? [];
  if (quarantine.length > 0) {
    await client.query(QUARANTINE, [
      quarantine.map((row) => row.runId),
      quarantine.map((row) => row.dataset),
      quarantine.map((row) => row.gameId),
      quarantine.map((row) => row.reason),
      quarantine.map((row) => row.detail),
      quarantine.map((row) => payloadJson(row.payload)),
    ]);
  }
}

/** One upsert may not touch a row twice, so of several coverage rows for one key the last is kept. */
function lastPerKey<Row>(rows: readonly Row[], keyOf: (row: Row) => string): readonly Row[] {
  if (rows.length < 2) return rows;
  const last = new Map<string, Row>();
  for (const row of rows) {
    const key = keyOf(row);
    last.delete(key);
    last.set(key, row);
  }
  return [...last.values()];
}

/** Quarantine takes whatever upstream sent, so serialising it must not fail the batch. */
function payloadJson(payload: unknown): string | null {
  if (payload === undefined) return null;
  try {
    return (
      JSON.stringify(payload, (_key, value: unknown) => {
        if (typeof value === 'string') return value.replaceAll('\u0000', '\ufffd');
        if (typeof value === 'bigint') return value.toString();
        return value;
      }) ?? null
    );
  } catch (error) {
    return JSON.stringify({ unserialisable: String(error) });
  }
}
