// Runs the real pipeline in a test: the replica on port 0 with a season skeleton (real when
// ../shared/data/real exists, synthetic otherwise), the HTTP client, and a backfill into a test database.
import type pg from 'pg';
import pino from 'pino';
import { type Replica, type ReplicaOptions, startReplica } from '../../replica/server.ts';
import { callPolicy, RETRY_POLICY } from '../../src/main.ts';
import { HttpClient, type HttpClientConfig } from '../../src/sources/httpClient.ts';
import type { RetryPolicy } from '../../src/sources/upstreamCall.ts';
import { type BackfillOptions, type BackfillSummary, backfill } from '../../src/streams/backfill.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { testSkeleton } from './season.ts';

export { testSkeleton } from './season.ts';

export const TEST_API_KEY = 'test-key-7f3a';

export async function startTestReplica(
  options: Omit<ReplicaOptions, 'skeleton' | 'apiKey'> = {},
): Promise<Replica> {
  return startReplica({ skeleton: testSkeleton(), apiKey: TEST_API_KEY, ...options });
}

/** Retries in milliseconds instead of seconds: the rules are the production ones, the waits are not. */
export const FAST_RETRY: RetryPolicy = {
  ...RETRY_POLICY,
  baseDelayMs: 2,
  maxDelayMs: 20,
  throttleDelayMs: [5, 10],
  maxRetryAfterMs: 20,
};

export interface TestBackfill {
  readonly pool: pg.Pool;
  /** The replica in this process, or one in another (its URL). */
  readonly replica: Pick<Replica, 'url'>;
  /** Client settings beyond the base URL and key (timeouts, body limit). */
  readonly http?: Omit<HttpClientConfig, 'baseUrl' | 'apiKey'>;
  readonly options?: Partial<BackfillOptions>;
  readonly retry?: RetryPolicy;
  readonly rate?: number;
  readonly burst?: number;
}

export async function runTestBackfill(run: TestBackfill): Promise<BackfillSummary> {
  const http = new HttpClient({ ...run.http, baseUrl: run.replica.url, apiKey: TEST_API_KEY });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  try {
    return await backfill(
      {
        season: '2025-26',
        seasonType: 'Regular Season',
        leagueId: '00',
        datasets: [shotChart],
        fullRefresh: false,
        dryRun: false,
        batchPolicy: 'planner',
        concurrency: 2,
        maxRowsReturned: 10_000,
        ...run.options,
      },
      {
        pool: run.pool,
        policy: callPolicy(
          http,
          { rate: run.rate ?? 1000, burst: run.burst ?? 50 },
          logger,
          run.retry ?? FAST_RETRY,
        ),
        logger,
      },
    );
  } finally {
    await http.close();
  }
}

/** An md5 over every data column of the shot chart in key order: equal tables, equal checksums. */
export async function shotChartChecksum(pool: pg.Pool): Promise<{ rows: number; checksum: string }> {
  const columns = shotChart.table.columns.map((column) => `"${column.name}"`).join(', ');
  const { rows } = await pool.query<{ rows: string; checksum: string }>(
    `SELECT count(*) AS rows, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r.game_id, r.event_number), '')) AS checksum
       FROM (SELECT ${columns} FROM nba.shot_chart) AS r`,
  );
  return { rows: Number(rows[0]?.rows), checksum: rows[0]?.checksum ?? '' };
}
