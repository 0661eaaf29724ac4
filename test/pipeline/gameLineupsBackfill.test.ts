// The game lineups dataset end to end: /game/lineups Advanced and Base from the replica into
// nba.lineup_stats_game, checked against what the replica's generator computes for the test season.
// Zero-minute lineups are dropped and counted; a plan of 250 games (the fixed policy) survives the
// replica's 504s on Advanced above 100 games by splitting; crafted fixtures pin duplicates and schema.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type pg from 'pg';
import {
  gameLineupAdvancedRows,
  gameLineupBaseRows,
  gameLineups,
} from '../../replica/generators/gameLineups.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import type { GameId } from '../../src/gameId.ts';
import { gameLineups as gameLineupsDataset } from '../../src/streams/gameLineups.ts';
import { verify } from '../../src/streams/verify.ts';
import { createTestDatabase, type TestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const ROW_THRESHOLD = 9_899;
/** The replica's default: `/game/lineups MeasureType=Advanced` over more than 100 games answers 504. */
const COST_LIMIT = 100;
const ADVANCED_KEY = '/api/querytool/game/lineups Advanced';
const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finalGames = skeleton.games.filter((game) => game.status === 3);
const options = { datasets: [gameLineupsDataset] };

const db = withTestDatabase(test);
const databases: TestDatabase[] = [];
let replica: Replica;
let fixtures: string;
test.before(async () => {
  replica = await startTestReplica();
  fixtures = await mkdtemp(join(tmpdir(), 'nba-lineups-fixtures-'));
});
test.after.always(async () => {
  await replica?.close();
  await Promise.all(databases.map((database) => database.drop()));
  if (fixtures) await rm(fixtures, { recursive: true, force: true });
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

const lineupsOf = (seed: number) => finalGames.flatMap((game) => gameLineups(season, game, seed));

/** An md5 over every data column in key order: equal tables, equal checksums. */
async function lineupChecksum(pool: pg.Pool): Promise<{ rows: number; checksum: string }> {
  const columns = gameLineupsDataset.table.columns.map((column) => `"${column.name}"`).join(', ');
  const { rows } = await pool.query<{ rows: string; checksum: string }>(
    `SELECT count(*) AS rows,
            md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r.game_id, r.team_id, r.player_ids), '')) AS checksum
       FROM (SELECT ${columns} FROM nba.lineup_stats_game) AS r`,
  );
  return { rows: Number(rows[0]?.rows), checksum: rows[0]?.checksum ?? '' };
}

let plannerTable: { rows: number; checksum: string };

test.serial(
  'a season backfill loads exactly the generated lineups with minutes; zero-minute ones are dropped and counted',
  async (t) => {
    const lineups = lineupsOf(replica.seed);
    const played = lineups.filter((lineup) => lineup.totals.min > 0);
    const summary = await runTestBackfill({ pool: db.pool, replica, options });

    t.is(summary.exitCode, 0);
    const loaded = summary.datasets[0];
    t.is(loaded?.dataset, 'game_lineups');
    t.is(loaded?.gamesLoaded, finalGames.length);
    t.is(loaded?.gamesFailed, 0);
    t.is(loaded?.rows, played.length);
    t.deepEqual(loaded?.dropped, { zero_minute_lineup: lineups.length - played.length });
    t.deepEqual(loaded?.failures, {});
    t.is(loaded?.outOfRange, 0);
    const coverage = await db.pool.query<{ status: string; games: number; rows: number }>(
      `SELECT status, count(*)::int AS games, sum(row_count)::int AS rows
       FROM nba_ingest.coverage WHERE dataset = 'game_lineups' GROUP BY status`,
    );
    t.deepEqual(coverage.rows, [{ status: 'complete', games: finalGames.length, rows: played.length }]);
    plannerTable = await lineupChecksum(db.pool);
    t.is(plannerTable.rows, played.length);

    const base = loaded?.callsByMeasure.Base ?? 0;
    const advanced = loaded?.callsByMeasure.Advanced ?? 0;
    const floor = Math.ceil(lineups.length / ROW_THRESHOLD);
    t.log(
      `${skeleton.source}: ${finalGames.length} games, ${lineups.length} lineups served ` +
        `(${(lineups.length / finalGames.length).toFixed(2)} per game), ${played.length} stored; ` +
        `Base ${base} calls, Advanced ${advanced} (${loaded?.splits} splits) against a floor of ${floor} each`,
    );
    // Advanced goes first, so only an answered batch costs a Base call; once a 504 taught the cost
    // limit, Advanced is sent in chunks within it while Base keeps the whole batch. The learned limit
    // is at least half a request above 100: 51 games.
    const answered = await db.pool.query<{ n: number; most: number }>(
      `SELECT count(*)::int AS n, max(game_count)::int AS most FROM nba_ingest.requests
      WHERE dataset = 'game_lineups' AND measure = 'Advanced' AND action = 'accepted'`,
    );
    t.true((answered.rows[0]?.n ?? 0) > base, 'Advanced answered in more requests than Base');
    t.true((answered.rows[0]?.most ?? Number.POSITIVE_INFINITY) <= COST_LIMIT);
    t.true(base <= Math.ceil(finalGames.length / 51) + 2, `Base ${base}`);
    if (skeleton.source === 'real') t.is(played.length, 30_181);
  },
);

test.serial('verify passes every game_lineups check on the loaded season', async (t) => {
  const report = await verify(db.pool, {
    season: '2025-26',
    seasonType: 'Regular Season',
    datasets: [gameLineupsDataset],
  });
  const failed = report.checks.filter((check) => check.status === 'fail');
  t.deepEqual(failed, []);
  const byName = new Map(report.checks.map((check) => [check.name, check]));
  for (const check of gameLineupsDataset.checks ?? []) {
    t.is(byName.get(`game_lineups.${check.name}`)?.status, 'pass', check.name);
  }
  t.is(byName.get('game_lineups.coverage')?.status, 'pass');
  t.is(byName.get('game_lineups.row_counts')?.value, `0 of ${finalGames.length} covered games differ`);
  t.log(byName.get('game_lineups.lineups_per_game')?.value);
});

test.serial(
  'stored values are the generated ones in their units, keyed by the sorted player ids',
  async (t) => {
    const game = finalGames[0];
    if (!game) return t.fail('the season has no final game');
    const advancedByKey = new Map(
      gameLineupAdvancedRows(season, game, replica.seed).map((row) => [
        `${row.teamId}:${[row.player1Id, row.player2Id, row.player3Id, row.player4Id, row.player5Id].sort((a, b) => a - b)}`,
        row,
      ]),
    );
    const expected = gameLineupBaseRows(season, game, replica.seed)
      .filter((row) => row.stats.MIN > 0)
      .map((row) => {
        const ids = [row.player1Id, row.player2Id, row.player3Id, row.player4Id, row.player5Id].sort(
          (a, b) => a - b,
        );
        const advanced = advancedByKey.get(`${row.teamId}:${ids}`);
        const a = advanced?.stats;
        const b = row.stats;
        return {
          team_id: row.teamId,
          player_ids: ids,
          team_abbreviation: row.teamAbbreviation,
          game_date: row.gameDate,
          season_year: 2025,
          season_label: '2025-26',
          season_type: 'Regular Season',
          minutes: b.MIN,
          gp: 1,
          pts: b.PTS,
          fga: b.FGA,
          fg_pct: b.FG_PCT,
          fg3m: b.FG3M,
          ft_pct: b.FT_PCT,
          reb: b.REB,
          ast: b.AST,
          blka: b.BLKA,
          pfd: b.PFD,
          plus_minus: b.PLUS_MINUS,
          off_rating: a?.OFF_RATING,
          def_rating: a?.DEF_RATING,
          net_rating: a?.NET_RATING,
          ast_pct: a?.AST_PCT,
          ast_tov: a?.AST_TO,
          ast_ratio: a?.AST_RATIO,
          reb_pct: a?.REB_PCT,
          tm_tov_pct: a?.TM_TOV_PCT,
          efg_pct: a?.EFG_PCT,
          ts_pct: a?.TS_PCT,
          usg_pct: a?.USG_PCT,
          pace: a?.PACE,
          poss: a?.POSS,
          pie: a?.PIE,
          stats_json: { Base: b, Advanced: a },
        };
      })
      .sort((x, y) => x.team_id - y.team_id || x.player_ids.join().localeCompare(y.player_ids.join()));
    const { rows } = await db.pool.query(
      `SELECT team_id, player_ids, team_abbreviation, to_char(game_date, 'YYYY-MM-DD') AS game_date, season_year,
            season_label, season_type, minutes::float8, gp, pts, fga, fg_pct::float8, fg3m, ft_pct::float8, reb, ast,
            blka, pfd, plus_minus, off_rating::float8, def_rating::float8, net_rating::float8, ast_pct::float8,
            ast_tov::float8, ast_ratio::float8, reb_pct::float8, tm_tov_pct::float8, efg_pct::float8, ts_pct::float8,
            usg_pct::float8, pace::float8, poss::float8, pie::float8, stats_json
       FROM nba.lineup_stats_game WHERE game_id = $1 ORDER BY team_id, array_to_string(player_ids, ',')`,
      [game.id],
    );
    t.deepEqual(rows, expected);
    t.true(expected.length > 25);
  },
);

test.serial(
  'ratings in the thousands and eFG% above 1 are stored as they are, not flagged or rescaled',
  async (t) => {
    const advanced = finalGames.flatMap((game) => gameLineupAdvancedRows(season, game, replica.seed));
    const played = advanced.filter((row) => row.stats.MIN > 0);
    const huge = played.filter(
      (row) => Math.abs(row.stats.OFF_RATING) >= 1000 || Math.abs(row.stats.DEF_RATING) >= 1000,
    );
    const efg = played.filter((row) => row.stats.EFG_PCT > 1);
    const { rows } = await db.pool.query<{ huge: number; efg: number; top: number }>(
      `SELECT (count(*) FILTER (WHERE abs(off_rating) >= 1000 OR abs(def_rating) >= 1000))::int AS huge,
            (count(*) FILTER (WHERE efg_pct > 1))::int AS efg, max(greatest(off_rating, def_rating))::float8 AS top
       FROM nba.lineup_stats_game`,
    );
    t.true(huge.length > 100 && efg.length > 100);
    t.deepEqual(rows[0], {
      huge: huge.length,
      efg: efg.length,
      top: Math.max(...played.map((row) => Math.max(row.stats.OFF_RATING, row.stats.DEF_RATING))),
    });
  },
);

test.serial('a second run makes no lineup calls', async (t) => {
  replica.resetStats();
  const summary = await runTestBackfill({ pool: db.pool, replica, options });
  t.is(summary.exitCode, 0);
  t.is(summary.datasets[0]?.calls, 0);
  t.is(summary.datasets[0]?.gamesSkipped, finalGames.length);
  t.deepEqual(
    replica.stats().calls.filter((call) => call.endpoint.startsWith('querytool-')),
    [],
  );
});

test.serial(
  "lineups Advanced with a plan of 250 games survives the replica's 504 and completes",
  async (t) => {
    const database = await freshDatabase();
    const summary = await runTestBackfill({
      pool: database.pool,
      replica,
      options: { ...options, batchPolicy: 'fixed' },
    });

    t.is(summary.exitCode, 0);
    const loaded = summary.datasets[0];
    t.is(loaded?.gamesLoaded, finalGames.length);
    const covered = await database.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM nba_ingest.coverage WHERE dataset = 'game_lineups' AND status = 'complete'`,
    );
    t.is(covered.rows[0]?.n, finalGames.length);
    t.deepEqual(await lineupChecksum(database.pool), plannerTable);

    const ledger = await database.pool.query<{
      measure: string;
      status: number;
      action: string;
      n: number;
      most: number;
    }>(
      `SELECT measure, status, action, count(*)::int AS n, max(game_count)::int AS most FROM nba_ingest.requests
      WHERE dataset = 'game_lineups' GROUP BY measure, status, action ORDER BY measure, status, action`,
    );
    const row = (measure: string, status: number, action: string) =>
      ledger.rows.find((r) => r.measure === measure && r.status === status && r.action === action);
    const answered = row('Advanced', 200, 'accepted');
    const base = row('Base', 200, 'accepted');
    t.log(
      `${skeleton.source}: fixed batches of 250: Advanced ${answered?.n} answered requests of ≤ ${answered?.most} games, ` +
        `${(row('Advanced', 504, 'retry')?.n ?? 0) + (row('Advanced', 504, 'split')?.n ?? 0)} 504s, ` +
        `${loaded?.splits} splits; Base ${base?.n} calls of ≤ ${base?.most} games`,
    );
    // Only requests above the replica's cost limit were refused, and none was accepted there.
    t.true((answered?.most ?? Number.POSITIVE_INFINITY) <= COST_LIMIT);
    t.true((row('Advanced', 504, 'split')?.most ?? 0) > COST_LIMIT);
    t.deepEqual(
      ledger.rows.filter((r) => r.status !== 200 && r.status !== 504),
      [],
    );
    // Once the limit is learned, later batches of 250 stay whole: Base answers them in one call each.
    t.is(base?.most, 250);
    t.true((loaded?.splits ?? 0) >= 1);

    const run = await database.pool.query<{ limit: number | null }>(
      `SELECT (telemetry->'estimates'->$2->>'costLimit')::int AS limit FROM nba_ingest.runs WHERE run_id = $1`,
      [summary.runId, ADVANCED_KEY],
    );
    const learned = run.rows[0]?.limit;
    t.log(`learned cost limit for ${ADVANCED_KEY}: ${learned}`);
    t.true(learned !== null && learned !== undefined && learned <= COST_LIMIT, `learned ${learned}`);
  },
);

test('a duplicated lineup is stored once and counted; Base MIN 0 drops a lineup; a bad lineup row fails its game', async (t) => {
  const [duplicatedGame, zeroGame, badGame, cleanGame] = finalGames.slice(0, 4) as [
    (typeof finalGames)[number],
    (typeof finalGames)[number],
    (typeof finalGames)[number],
    (typeof finalGames)[number],
  ];
  const generatedZeros = (game: (typeof finalGames)[number]) =>
    gameLineups(season, game, replica.seed).filter((lineup) => lineup.totals.min === 0).length;
  const baseDir = join(fixtures, 'querytool-game-lineups-Base');
  const advancedDir = join(fixtures, 'querytool-game-lineups-Advanced');
  await mkdir(baseDir, { recursive: true });
  await mkdir(advancedDir, { recursive: true });

  const duplicatedRows = gameLineupBaseRows(season, duplicatedGame, replica.seed);
  const original = duplicatedRows[0];
  if (!original) return t.fail('no lineups');
  // The same five listed in another order, with one more point: the later row is the one kept.
  const again = {
    ...original,
    player1Id: original.player5Id,
    player5Id: original.player1Id,
    stats: { ...original.stats, PTS: original.stats.PTS + 1 },
  };
  await writeFile(
    join(baseDir, `${duplicatedGame.id}.json`),
    JSON.stringify({ lineups: [...duplicatedRows, again] }),
  );

  const zeroRows = gameLineupBaseRows(season, zeroGame, replica.seed);
  const silenced = zeroRows[0];
  if (!silenced) return t.fail('no lineups');
  zeroRows[0] = { ...silenced, stats: { ...silenced.stats, MIN: 0 } };
  await writeFile(join(baseDir, `${zeroGame.id}.json`), JSON.stringify(zeroRows));

  const badRows: unknown[] = gameLineupAdvancedRows(season, badGame, replica.seed);
  const first = badRows[0] as Record<string, unknown>;
  const second = badRows[1] as Record<string, unknown>;
  badRows[0] = { ...first, teamId: 0 };
  badRows[1] = { ...second, player5Id: second.player1Id };
  await writeFile(join(advancedDir, `${badGame.id}.json`), JSON.stringify(badRows));

  const withFixtures = await startTestReplica({ fixturesDir: fixtures });
  t.teardown(() => withFixtures.close());
  const database = await freshDatabase();
  const games = [duplicatedGame, zeroGame, badGame, cleanGame].map((game) => game.id as GameId);
  const summary = await runTestBackfill({
    pool: database.pool,
    replica: withFixtures,
    options: { ...options, gameIds: games },
  });

  const loaded = summary.datasets[0];
  t.is(summary.exitCode, 65);
  t.is(loaded?.gamesLoaded, 3);
  t.deepEqual(loaded?.failures, { schema_mismatch: 1 });
  t.deepEqual(loaded?.dropped, {
    duplicate_lineup: 1,
    zero_minute_lineup:
      generatedZeros(duplicatedGame) + generatedZeros(zeroGame) + 1 + generatedZeros(cleanGame),
  });

  const sortedIds = [
    original.player1Id,
    original.player2Id,
    original.player3Id,
    original.player4Id,
    original.player5Id,
  ].sort((a, b) => a - b);
  const kept = await database.pool.query<{ n: number; pts: number }>(
    'SELECT count(*)::int AS n, max(pts) AS pts FROM nba.lineup_stats_game WHERE game_id = $1 AND team_id = $2 AND player_ids = $3',
    [duplicatedGame.id, original.teamId, sortedIds],
  );
  t.deepEqual(kept.rows, [{ n: 1, pts: original.stats.PTS + 1 }]);
  const silencedIds = [
    silenced.player1Id,
    silenced.player2Id,
    silenced.player3Id,
    silenced.player4Id,
    silenced.player5Id,
  ].sort((a, b) => a - b);
  const dropped = await database.pool.query(
    'SELECT 1 FROM nba.lineup_stats_game WHERE game_id = $1 AND player_ids = $2',
    [zeroGame.id, silencedIds],
  );
  t.is(dropped.rowCount, 0);

  // Coverage counts what the table holds: the duplicate is not counted twice.
  const coverage = await database.pool.query<{
    game_id: string;
    status: string;
    reason: string | null;
    match: boolean;
  }>(
    `SELECT c.game_id, c.status, c.reason,
            c.row_count = (SELECT count(*) FROM nba.lineup_stats_game l WHERE l.game_id = c.game_id) AS match
       FROM nba_ingest.coverage c WHERE dataset = 'game_lineups' ORDER BY c.game_id`,
  );
  t.deepEqual(
    coverage.rows,
    games
      .map((id) => ({
        game_id: id as string,
        status: id === badGame.id ? 'failed' : 'complete',
        reason: id === badGame.id ? 'schema_mismatch' : null,
        match: true,
      }))
      .sort((a, b) => a.game_id.localeCompare(b.game_id)),
  );
  const quarantined = await database.pool.query<{ reason: string; game_id: string; detail: string }>(
    'SELECT reason, game_id, detail FROM nba_ingest.quarantine ORDER BY quarantine_id',
  );
  t.deepEqual(quarantined.rows, [
    {
      reason: 'schema_mismatch',
      game_id: badGame.id,
      detail: '2 row(s): Advanced: teamId Too small: expected number to be >0',
    },
  ]);
});
