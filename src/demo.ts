// `nba-ingest demo`: the whole job on a fresh machine. An embedded PostgreSQL, the API replica
// (the real 2025-26 season when ../shared/data/real is there, a synthetic one otherwise), a
// backfill, a second run that must cost no calls, and a check of the loaded rows against the season.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseCommandArgs } from './commandArgs.ts';
import { backfillFlagsSchema, parseFlags, readEnvironment } from './config.ts';
import { EXIT, ExitError } from './exitCodes.ts';
import { backfillSetup, runBackfill } from './main.ts';
import { coverageSummary } from './sinks/coverage.ts';
import { openDatabase } from './sinks/database.ts';
import { formatSummary } from './summary.ts';

const DEMO_USAGE = `Usage: npm run demo  (nba-ingest demo [--synthetic])

Starts an embedded PostgreSQL (in $NBA_INGEST_DATA_DIR/demo, default ./.nba-ingest/demo; DATABASE_URL is
ignored so the demo never touches your data), starts the NBA API replica with a latency and rate-limit
model, backfills every dataset of the 2025-26 season from scratch, runs the backfill again (covered games cost no
calls), and checks the shot chart of every game against the season's box totals (FGA, FGM, FG3A, FG3M
per team). The cluster is kept, a few GB for the real season: delete the directory when done. The season is the real one from
../shared/data/real when that folder exists, a seeded synthetic full season otherwise.

  --synthetic   use the seeded synthetic season even when ../shared/data/real exists
  -h, --help    show this help`;

/** The replica's latency model in the demo: a base cost per call plus a cost per row, as live. */
const DEMO_LATENCY = { baseMs: 150, perRowUs: 20 };
const DEMO_RATE = { ratePerSecond: 10, burst: 5 };

export async function demoCommand(args: readonly string[]): Promise<number> {
  const values = parseCommandArgs(args, {
    synthetic: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return EXIT.ok;
  }
  const started = performance.now();
  const env = readEnvironment(process.env);
  const { startReplica } = await import('../replica/server.ts');
  const { defaultDataDir, loadSkeleton, skeletonTotals } = await import('../replica/skeleton.ts');
  const dataDir = values.synthetic ? undefined : defaultDataDir();
  const skeleton = loadSkeleton({ dataDir });
  const apiKey = `demo-${randomBytes(8).toString('hex')}`;
  const replica = await startReplica({ skeleton, apiKey, latency: DEMO_LATENCY, rateLimit: DEMO_RATE });
  const db = await openDatabase({ dataDir: join(env.NBA_INGEST_DATA_DIR ?? '.nba-ingest', 'demo') });
  const out = (line = '') => process.stdout.write(`${line}\n`);
  try {
    await db.pool.query('DROP SCHEMA IF EXISTS nba CASCADE; DROP SCHEMA IF EXISTS nba_ingest CASCADE');
    out(
      `nba-ingest demo · ${skeleton.source} 2025-26 season (${skeleton.games.length} games) · replica ${replica.url}`,
    );
    out(`database: embedded PostgreSQL ${db.url}`);
    out(
      `replica model: ${DEMO_LATENCY.baseMs} ms + ${DEMO_LATENCY.perRowUs} µs/row per call, ${DEMO_RATE.ratePerSecond} calls/s`,
    );
    const flags = parseFlags(backfillFlagsSchema, { season: '2025-26' });
    const setup = backfillSetup(flags, { apiKey, baseUrl: replica.url, logLevel: env.LOG_LEVEL ?? 'warn' });

    out('\n== first run: backfill from scratch');
    const first = await runBackfill(setup, db);
    out(formatSummary(first).trimEnd());
    out('\n== second run: every game is covered, so no calls');
    const second = await runBackfill(setup, db);
    out(formatSummary(second).trimEnd());

    const totals = skeletonTotals(skeleton);
    const { rows } = await db.pool.query<{
      game_id: string;
      team_id: number;
      fga: string;
      fgm: string;
      fg3a: string;
      fg3m: string;
    }>(
      `SELECT game_id, team_id, count(*) AS fga, count(*) FILTER (WHERE shot_made) AS fgm,
              count(*) FILTER (WHERE is_three) AS fg3a, count(*) FILTER (WHERE is_three AND shot_made) AS fg3m
         FROM nba.shot_chart GROUP BY game_id, team_id`,
    );
    const loaded = new Map(rows.map((row) => [`${row.game_id}:${row.team_id}`, row]));
    const mismatches = totals.byGameTeam.filter((expected) => {
      const got = loaded.get(`${expected.gameId}:${expected.teamId}`);
      return (
        !got ||
        Number(got.fga) !== expected.fga ||
        Number(got.fgm) !== expected.fgm ||
        Number(got.fg3a) !== expected.fg3a ||
        Number(got.fg3m) !== expected.fg3m
      );
    });
    const coverage = await coverageSummary(
      db.pool,
      'shot_chart',
      skeleton.games.map((game) => game.id),
    );
    const shotRows = rows.reduce((sum, row) => sum + Number(row.fga), 0);
    const fieldGoalCalls =
      first.datasets.find((d) => d.dataset === 'shot_chart')?.callsByMeasure.FieldGoals ?? 0;
    const secondCalls = second.datasets.reduce((sum, d) => sum + d.calls, 0);
    const floor = Math.ceil(totals.fga / 9_899);
    out('\n== check against the season');
    out(
      `shot rows ${shotRows} (season FGA ${totals.fga}); games with complete coverage ${coverage.complete} of ${totals.games}`,
    );
    out(
      `game × team totals (FGA, FGM, FG3A, FG3M) matching the box scores: ${totals.byGameTeam.length - mismatches.length} of ${totals.byGameTeam.length}`,
    );
    out(
      `FieldGoals calls ${fieldGoalCalls} vs floor ⌈${totals.fga} / 9,899⌉ = ${floor}; second run dataset calls: ${secondCalls}`,
    );
    const rssMb = process.resourceUsage().maxRSS / 1024;
    out(
      `demo wall time ${((performance.now() - started) / 1000).toFixed(1)} s (after start-up), ` +
        `peak RSS ${rssMb.toFixed(0)} MB (this process: the pipeline and the in-process replica)`,
    );
    const ok =
      mismatches.length === 0 &&
      shotRows === totals.fga &&
      coverage.complete === totals.games &&
      secondCalls === 0 &&
      first.exitCode === EXIT.ok;
    if (!ok)
      throw new ExitError(EXIT.dataError, 'the demo finished but the loaded data does not match the season');
    return EXIT.ok;
  } finally {
    await db.close();
    await replica.close();
  }
}
