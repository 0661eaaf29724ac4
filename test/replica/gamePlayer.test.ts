// `/api/querytool/game/player MeasureType=Tracking`: one row per player who played, minutes that add
// up to the team's, and the same caps, 400s, 414 and fixtures as the event endpoint.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { gameBoxLines } from '../../replica/generators/gameBoxLines.ts';
import { gameParticipants } from '../../replica/generators/gameParticipants.ts';
import { playerViolationRows, teamViolationRows } from '../../replica/generators/gameViolations.ts';
import {
  GAME_PLAYER_GENERATORS,
  type GamePlayerRowGenerator,
} from '../../replica/generators/measureTypes.ts';
import { type PlayerAdvancedRow, playerAdvancedRows } from '../../replica/generators/playerAdvanced.ts';
import { type PlayerBaseRow, playerBaseRows } from '../../replica/generators/playerBase.ts';
import { playerDefensiveRows } from '../../replica/generators/playerDefensive.ts';
import { type PlayerTrackingRow, playerTrackingRows } from '../../replica/generators/playerTracking.ts';
import { teamAdvancedRows } from '../../replica/generators/teamAdvanced.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { assertSameRows, getJson, replicaFor, testSkeleton, unknownGameIds } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const games = skeleton.games.filter((game) => game.status === 3);
const ids = (from: number, count: number) => games.slice(from, from + count).map((game) => game.id);
const served = (replica: Replica, gameIds: readonly string[]) =>
  gameIds.flatMap((id) => {
    const game = season.gamesById.get(id);
    return game ? playerTrackingRows(season, game, replica.seed) : [];
  });

/** The tracking parameters the product sends (previous-implementation.md Q3), for these games. */
function gamePlayerUrl(
  replica: Replica,
  gameIds: readonly string[],
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: '2025-26',
    SeasonType: 'Regular Season',
    Grouping: 'None',
    TeamGrouping: 'Y',
    MeasureType: 'Tracking',
    MaxRowsReturned: '10000',
    GameId: gameIds.join(','),
    ...extra,
  });
  for (const [name, value] of Object.entries(extra)) if (value === '') params.delete(name);
  return `${replica.url}/api/querytool/game/player?${params}`;
}

let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(() => replica.close());

test('serves exactly the generated Tracking rows, game by game in GameId order, in the envelope', async (t) => {
  const requested = [...ids(5, 3)].reverse();
  const url = gamePlayerUrl(replica, requested);
  const { status, body } = await getJson<{ meta: Record<string, unknown>; players: PlayerTrackingRow[] }>(
    url,
  );
  t.is(status, 200);
  const expected = served(replica, requested);
  assertSameRows(t, body.players, expected);
  t.like(body.meta, { version: 1, code: 200, request: url, rowsReturned: expected.length });
  t.deepEqual([...new Set(body.players.map((row) => row.gameId))], requested);
});

test('every final game has 10 to 12 rows per team, only roster players who played, deterministically', (t) => {
  const perGame: number[] = [];
  for (const game of games) {
    const rows = playerTrackingRows(season, game, 1);
    t.deepEqual(playerTrackingRows(season, game, 1), rows);
    perGame.push(rows.length);
    for (const side of [game.home, game.away]) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const roster = new Set(season.rosters.get(side.teamId)?.entries.map((entry) => entry.player.id));
      t.true(team.length >= 10 && team.length <= 12, `${game.id} ${side.teamId}: ${team.length} players`);
      t.true(
        team.every((row) => roster.has(row.playerId) && row.stats.MIN > 0),
        `${game.id}: a player off the roster or without minutes`,
      );
      t.is(new Set(team.map((row) => row.playerId)).size, team.length);
    }
  }
  const average = perGame.reduce((sum, n) => sum + n, 0) / perGame.length;
  t.true(average > 21 && average < 23, `average ${average} rows per game`);
  t.notDeepEqual(
    playerTrackingRows(season, games[0] as (typeof games)[number], 2),
    playerTrackingRows(season, games[0] as (typeof games)[number], 1),
  );
});

test("a team's player minutes, assists and rebounds add up to its box; values are plausible", (t) => {
  const wrong: string[] = [];
  for (const game of games) {
    const rows = playerTrackingRows(season, game, 1);
    const gameMinutes = 48 + 5 * Math.max(0, game.periods - 4);
    for (const side of [game.home, game.away]) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const sum = (pick: (row: PlayerTrackingRow) => number) => team.reduce((acc, row) => acc + pick(row), 0);
      if (sum((row) => Math.round(row.stats.MIN * 100)) !== Math.round(side.box.min * 100))
        wrong.push(`${game.id} ${side.teamId} MIN`);
      if (sum((row) => row.stats.AST) !== side.box.ast) wrong.push(`${game.id} ${side.teamId} AST`);
      if (sum((row) => row.stats.OREB) !== side.box.oreb) wrong.push(`${game.id} ${side.teamId} OREB`);
      if (sum((row) => row.stats.DREB) !== side.box.dreb) wrong.push(`${game.id} ${side.teamId} DREB`);
    }
    for (const { stats, playerId } of rows) {
      const plausible =
        stats.MIN <= gameMinutes &&
        stats.CONTESTED_FG_PCT >= 0 &&
        stats.CONTESTED_FG_PCT <= 1 &&
        stats.UNCONTESTED_FG_PCT >= 0 &&
        stats.UNCONTESTED_FG_PCT <= 1 &&
        stats.AVG_SPEED > 3 &&
        stats.AVG_SPEED < 6 &&
        Math.abs(stats.DIST_MILES_OFF + stats.DIST_MILES_DEF - stats.DIST_MILES) < 0.015 &&
        stats.PASSES <= stats.TOUCHES &&
        stats.REB_CHANCES >= stats.OREB + stats.DREB &&
        stats.SECONDARY_AST <= stats.AST;
      if (!plausible) wrong.push(`${game.id} ${playerId} ${JSON.stringify(stats)}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
});

test('truncates silently at MaxRowsReturned and answers 400 above 10000', async (t) => {
  const requested = ids(0, 40);
  const all = served(replica, requested);
  for (const cap of [500, 1]) {
    const { body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
      gamePlayerUrl(replica, requested, { MaxRowsReturned: String(cap) }),
    );
    t.is(body.meta.rowsReturned, cap);
    assertSameRows(t, body.players, all.slice(0, cap));
  }
  const tooMany = await getJson(gamePlayerUrl(replica, requested, { MaxRowsReturned: '10001' }));
  t.is(tooMany.status, 400);
  t.deepEqual(tooMany.body, { errors: { MaxRowsReturned: ['Max return is 10000 rows'] } });
  const configured = await replicaFor({ defaultCaps: { 'querytool-game-player-Tracking': 100 } });
  t.teardown(() => configured.close());
  const omitted = await getJson<{ meta: { rowsReturned: number } }>(
    gamePlayerUrl(configured, requested, { MaxRowsReturned: '' }),
  );
  t.is(omitted.body.meta.rowsReturned, 100);
});

test('answers 400 for other measure types, a comma in MeasureType and bad parameters; 414 when too long', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    // Advanced, Base, Defensive and Violations are served too (below); Scoring is not.
    [{ MeasureType: 'Scoring' }, 'MeasureType'],
    [{ MeasureType: 'Tracking,Advanced' }, 'MeasureType'],
    [{ MeasureType: '' }, 'MeasureType'],
    [{ SeasonYear: '' }, 'SeasonYear'],
    [{ GameId: '22500001' }, 'GameId'],
  ];
  for (const [params, field] of cases) {
    const { status, body } = await getJson<{ errors: Record<string, string[]> }>(
      gamePlayerUrl(replica, ids(0, 1), params),
    );
    t.is(status, 400, field);
    t.deepEqual(Object.keys(body.errors), [field]);
  }
  const many = [...ids(0, 300), ...unknownGameIds(30)];
  t.is((await getJson(gamePlayerUrl(replica, many))).status, 414);
  t.is((await getJson(gamePlayerUrl(replica, many.slice(0, 300)))).status, 200);
});

test('fixtures and stats use the key querytool-game-player-Tracking', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nba-game-player-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [game, other] = ids(0, 2) as [string, string];
  await mkdir(join(dir, 'querytool-game-player-Tracking'));
  await writeFile(
    join(dir, 'querytool-game-player-Tracking', `${game}.json`),
    JSON.stringify([{ gameId: game }]),
  );
  const withFixtures = await replicaFor({ fixturesDir: dir });
  t.teardown(() => withFixtures.close());
  const { body } = await getJson<{ players: unknown[] }>(gamePlayerUrl(withFixtures, [game, other]));
  assertSameRows(t, body.players, [{ gameId: game }, ...served(withFixtures, [other])]);
  t.deepEqual(withFixtures.stats().byEndpoint, { 'querytool-game-player-Tracking': 1 });
});

// The measures built on gameBoxLines: Base, Advanced, Defensive and Violations.

const MEASURES = ['Base', 'Advanced', 'Defensive', 'Violations'] as const;
const sumOf = <Row>(rows: readonly Row[], pick: (row: Row) => number) =>
  rows.reduce((acc, row) => acc + pick(row), 0);
const round = (value: number, places: number) => Number(value.toFixed(places));

test('Base, Advanced, Defensive and Violations list exactly the players who played, as Tracking does', (t) => {
  const wrong: string[] = [];
  for (const game of games) {
    const played = gameParticipants(season, game, 1).map((p) => `${p.side.teamId}:${p.entry.player.id}`);
    const tracking = playerTrackingRows(season, game, 1).map((row) => `${row.teamId}:${row.playerId}`);
    if (JSON.stringify(tracking) !== JSON.stringify(played)) wrong.push(`${game.id} Tracking`);
    for (const measure of MEASURES) {
      const rows = GAME_PLAYER_GENERATORS[measure](season, game, 1) as { teamId: number; playerId: number }[];
      const listed = rows.map((row) => `${row.teamId}:${row.playerId}`);
      if (JSON.stringify(listed) !== JSON.stringify(played)) wrong.push(`${game.id} ${measure}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
  const first = games[0] as (typeof games)[number];
  t.deepEqual(playerBaseRows(season, first, 1), playerBaseRows(season, first, 1));
  t.notDeepEqual(playerBaseRows(season, first, 2), playerBaseRows(season, first, 1));
});

test("a team's Base lines add up to its box (TOV less the team's own turnovers); each line is whole", (t) => {
  const wrong: string[] = [];
  const keys = [
    'FGM',
    'FGA',
    'FG3M',
    'FG3A',
    'FTM',
    'FTA',
    'OREB',
    'DREB',
    'AST',
    'STL',
    'BLK',
    'PF',
    'PTS',
  ] as const;
  for (const game of games) {
    const rows = playerBaseRows(season, game, 1);
    const teamRows = teamViolationRows(season, game, 1);
    for (const [side, other] of [
      [game.home, game.away],
      [game.away, game.home],
    ] as const) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const box = side.box as unknown as Record<string, number>;
      for (const key of keys) {
        if (sumOf(team, (row) => row.stats[key]) !== box[key.toLowerCase()])
          wrong.push(`${game.id} ${side.teamId} ${key}`);
      }
      const own = teamRows.find((row) => row.teamId === side.teamId)?.stats;
      const teamTurnovers = own ? own.TM_SHOT_CLOCK + own.TM_EIGHT_SEC + own.TM_FIVE_SEC : Number.NaN;
      if (sumOf(team, (row) => row.stats.TOV) + teamTurnovers !== side.box.tov)
        wrong.push(`${game.id} ${side.teamId} TOV`);
      if (sumOf(team, (row) => Math.round(row.stats.MIN * 100)) !== Math.round(side.box.min * 100))
        wrong.push(`${game.id} ${side.teamId} MIN`);
      if (sumOf(team, (row) => row.stats.PLUS_MINUS) !== 5 * (side.box.pts - other.box.pts))
        wrong.push(`${game.id} ${side.teamId} PLUS_MINUS`);
    }
    for (const { playerId, stats: s } of rows) {
      const whole =
        s.FGM <= s.FGA &&
        s.FG3M <= s.FG3A &&
        s.FG3A <= s.FGA &&
        s.FG3M <= s.FGM &&
        s.FTM <= s.FTA &&
        s.REB === s.OREB + s.DREB &&
        s.PTS === 2 * s.FGM + s.FG3M + s.FTM &&
        s.PF <= 6 &&
        s.FG_PCT === round(s.FGA > 0 ? s.FGM / s.FGA : 0, 3);
      if (!whole) wrong.push(`${game.id} ${playerId} ${JSON.stringify(s)}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
});

test('Advanced player rows follow the Base lines: shooting, possessions adding up to 5 × the team, ranges', (t) => {
  const wrong: string[] = [];
  for (const game of games) {
    const base = new Map(playerBaseRows(season, game, 1).map((row) => [row.playerId, row.stats]));
    const rows = playerAdvancedRows(season, game, 1);
    for (const team of teamAdvancedRows(season, game, 1)) {
      const own = rows.filter((row) => row.teamId === team.teamId);
      if (sumOf(own, (row) => row.stats.POSS) !== 5 * team.stats.POSS) wrong.push(`${game.id} POSS`);
    }
    for (const { playerId, stats: a } of rows as PlayerAdvancedRow[]) {
      const b = base.get(playerId) as PlayerBaseRow['stats'];
      const expected = {
        MIN: b.MIN,
        EFG_PCT: round(b.FGA > 0 ? (b.FGM + 0.5 * b.FG3M) / b.FGA : 0, 3),
        TS_PCT: round(b.FGA + b.FTA > 0 ? b.PTS / (2 * (b.FGA + 0.44 * b.FTA)) : 0, 3),
        NET_RATING: round(a.OFF_RATING - a.DEF_RATING, 1),
        PACE: round((48 * a.POSS) / b.MIN, 2),
      };
      const actual = {
        MIN: a.MIN,
        EFG_PCT: a.EFG_PCT,
        TS_PCT: a.TS_PCT,
        NET_RATING: a.NET_RATING,
        PACE: a.PACE,
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`${game.id} ${playerId} derived`);
      const fractions = [a.AST_PCT, a.OREB_PCT, a.DREB_PCT, a.REB_PCT, a.TOV_PCT, a.USG_PCT];
      const inRange =
        fractions.every((value) => value >= 0 && value <= 1) &&
        a.EFG_PCT <= 1.5 &&
        a.TS_PCT <= 1.5 &&
        a.PIE >= -1 &&
        a.PIE <= 1 &&
        a.OFF_RATING >= 0 &&
        a.DEF_RATING >= 0;
      if (!inRange) wrong.push(`${game.id} ${playerId} ${JSON.stringify(a)}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
});

test("Defensive rows: DEF_* add up to the opponent's box; steals, blocks and fouls are his own", (t) => {
  const wrong: string[] = [];
  const shared = ['FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA', 'AST', 'TOV', 'PTS'] as const;
  for (const game of games) {
    const base = new Map(playerBaseRows(season, game, 1).map((row) => [row.playerId, row.stats]));
    const fouls = new Map(
      playerViolationRows(season, game, 1).map((row) => [
        row.playerId,
        row.stats.OFF_FOUL + row.stats.CHARGE,
      ]),
    );
    const rows = playerDefensiveRows(season, game, 1);
    for (const [side, other] of [
      [game.home, game.away],
      [game.away, game.home],
    ] as const) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const box = other.box as unknown as Record<string, number>;
      for (const key of shared) {
        const sum = sumOf(team, (row) => (row.stats as unknown as Record<string, number>)[`DEF_${key}`] ?? 0);
        if (sum !== box[key.toLowerCase()]) wrong.push(`${game.id} ${side.teamId} DEF_${key}`);
      }
    }
    for (const { playerId, stats: d } of rows) {
      const b = base.get(playerId) as PlayerBaseRow['stats'];
      const own =
        d.MIN === b.MIN &&
        d.DEF_STL === b.STL &&
        d.DEF_BLK === b.BLK &&
        d.DEF_FOUL + (fouls.get(playerId) ?? Number.NaN) === b.PF &&
        d.DEF_SHOOTING_FOUL <= d.DEF_FOUL &&
        d.DEF_FGM <= d.DEF_FGA &&
        d.DEF_FG3A <= d.DEF_FGA &&
        d.DEF_FG_PCT === round(d.DEF_FGA > 0 ? d.DEF_FGM / d.DEF_FGA : 0, 3) &&
        d.DEF_PTS === 2 * d.DEF_FGM + d.DEF_FG3M + d.DEF_FTM;
      if (!own) wrong.push(`${game.id} ${playerId} ${JSON.stringify(d)}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
});

test('Violations: five starters a team, the most minutes; turnover violations are some of his turnovers', (t) => {
  const wrong: string[] = [];
  const turnoverKinds = [
    'TRAVEL',
    'OFF_FOUL',
    'CHARGE',
    'OFF_THREE_SEC',
    'BACKCOURT',
    'INBOUND',
    'DISCONTINUED_DRIBBLE',
    'PALMING',
    'DOUBLE_DRIBBLE',
    'OFF_GOALTENDING',
  ] as const;
  for (const game of games) {
    const base = new Map(playerBaseRows(season, game, 1).map((row) => [row.playerId, row.stats]));
    const rows = playerViolationRows(season, game, 1);
    for (const side of [game.home, game.away]) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const starters = team.filter((row) => row.stats.STARTED === 1);
      const leastStarter = Math.min(...starters.map((row) => row.stats.MIN));
      const mostBench = Math.max(
        ...team.filter((row) => row.stats.STARTED === 0).map((row) => row.stats.MIN),
      );
      if (starters.length !== 5 || leastStarter < mostBench) wrong.push(`${game.id} ${side.teamId} starters`);
    }
    for (const { playerId, stats: v } of rows) {
      const b = base.get(playerId) as PlayerBaseRow['stats'];
      const turnovers = sumOf(turnoverKinds, (key) => v[key]);
      if (turnovers > b.TOV || v.OFF_FOUL + v.CHARGE > b.PF || v.MIN !== b.MIN)
        wrong.push(`${game.id} ${playerId} ${JSON.stringify(v)}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
  // The lines under the four measures are one computation per game and seed.
  const first = games[0] as (typeof games)[number];
  t.is(gameBoxLines(season, first, 1), gameBoxLines(season, first, 1));
});

test('serves Base, Advanced, Defensive and Violations over HTTP: one row per participant, by key', async (t) => {
  const withOwnStats = await replicaFor();
  t.teardown(() => withOwnStats.close());
  const requested = ids(3, 4);
  const participants = requested.flatMap((id) => {
    const game = season.gamesById.get(id);
    return game ? gameParticipants(season, game, withOwnStats.seed) : [];
  });
  for (const measure of MEASURES) {
    const { status, body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
      gamePlayerUrl(withOwnStats, requested, { MeasureType: measure }),
    );
    t.is(status, 200, measure);
    t.is(body.meta.rowsReturned, participants.length, measure);
    const expected = requested.flatMap((id) => {
      const game = season.gamesById.get(id);
      const generate: GamePlayerRowGenerator = GAME_PLAYER_GENERATORS[measure];
      return game ? generate(season, game, withOwnStats.seed) : [];
    });
    assertSameRows(t, body.players, expected);
  }
  t.deepEqual(withOwnStats.stats().byEndpoint, {
    'querytool-game-player-Base': 1,
    'querytool-game-player-Advanced': 1,
    'querytool-game-player-Defensive': 1,
    'querytool-game-player-Violations': 1,
  });
});
