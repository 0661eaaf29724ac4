import test from 'ava';
import { shotZone } from '../../replica/generators/courtZones.ts';
import { type FieldGoalRow, fieldGoalRows } from '../../replica/generators/fieldGoals.ts';
import { periodSeconds } from '../../replica/generators/gameTimeline.ts';
import { trackingShotRows } from '../../replica/generators/trackingShots.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import { testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const SEED = 1;
const seasonRows = new Map<string, FieldGoalRow[]>(
  skeleton.games.map((game) => [game.id, fieldGoalRows(season, game, SEED)]),
);

test('FieldGoals rows match every game and team: rows = FGA, made = FGM, threes = FG3A, made threes = FG3M', (t) => {
  let rows = 0;
  for (const expected of skeletonTotals(skeleton).byGameTeam) {
    const teamRows = (seasonRows.get(expected.gameId) ?? []).filter((row) => row.teamId === expected.teamId);
    const actual = {
      gameId: expected.gameId,
      teamId: expected.teamId,
      fga: teamRows.length,
      fgm: teamRows.filter((row) => row.stats.FGM === 1).length,
      fg3a: teamRows.filter((row) => row.stats.FG3 === 1).length,
      fg3m: teamRows.filter((row) => row.stats.FG3M === 1).length,
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) t.deepEqual(actual, expected);
    rows += teamRows.length;
  }
  t.is(rows, skeletonTotals(skeleton).fga);
  t.is(rows, skeleton.source === 'real' ? 150_670 : rows);
});

test('each game has rows for its two teams only, labelled with the game, date, season and opponent', (t) => {
  for (const game of skeleton.games.slice(0, 40)) {
    const rows = seasonRows.get(game.id) ?? [];
    t.deepEqual(
      [...new Set(rows.map((row) => row.teamId))].sort(),
      [game.home.teamId, game.away.teamId].sort(),
    );
    for (const row of rows) {
      const opponentId = row.teamId === game.home.teamId ? game.away.teamId : game.home.teamId;
      t.like(row, {
        gameId: game.id,
        gameDate: game.date,
        seasonYear: '2025-26',
        seasonType: 'Regular Season',
        leagueId: '00',
        opponentName: season.teamsById.get(opponentId)?.fullName,
        teamAbbreviation: season.teamsById.get(row.teamId)?.abbreviation,
      });
    }
  }
});

test('shooters are players of the shooting team, weighted by their season attempts', (t) => {
  const attemptsByPlayer = new Map<number, number>();
  const strangers = new Set<string>();
  for (const rows of seasonRows.values()) {
    for (const row of rows) {
      if (season.playersById.get(row.playerId)?.season?.teamId !== row.teamId)
        strangers.add(`${row.playerId}@${row.teamId}`);
      attemptsByPlayer.set(row.playerId, (attemptsByPlayer.get(row.playerId) ?? 0) + 1);
    }
  }
  t.deepEqual([...strangers], []);
  // The season's busiest shooter takes more generated shots than a player with a tenth of his attempts.
  const shooters = skeleton.players.filter((player) => (player.season?.fga ?? 0) > 0);
  const busiest = shooters.reduce((best, player) =>
    (player.season?.fga ?? 0) > (best.season?.fga ?? 0) ? player : best,
  );
  const light = shooters.find((player) => (player.season?.fga ?? 0) * 10 <= (busiest.season?.fga ?? 0));
  t.true((attemptsByPlayer.get(busiest.id) ?? 0) > (attemptsByPlayer.get(light?.id ?? 0) ?? 0));
});

test('eventNumber is a string, unique within a game, and increases with game time', (t) => {
  for (const [gameId, rows] of seasonRows) {
    const numbers = rows.map((row) => Number(row.eventNumber));
    t.true(rows.every((row) => typeof row.eventNumber === 'string' && /^\d+$/.test(row.eventNumber)));
    t.is(new Set(numbers).size, rows.length, gameId);
    const elapsed = rows.map((row) => {
      const before = Array.from({ length: row.period - 1 }, (_, index) => periodSeconds(index + 1));
      return before.reduce((sum, seconds) => sum + seconds, 0) + periodSeconds(row.period) - row.gameClock;
    });
    for (let index = 1; index < rows.length; index++) {
      const ordered =
        (numbers[index] ?? 0) > (numbers[index - 1] ?? 0) &&
        (elapsed[index] ?? 0) > (elapsed[index - 1] ?? 0);
      if (!ordered) t.fail(`${gameId}: row ${index} is not after row ${index - 1}`);
    }
  }
  t.pass();
});

test('periods and clocks are those of the game: 1-4 plus its overtimes, clock inside the period', (t) => {
  for (const game of skeleton.games) {
    const rows = seasonRows.get(game.id) ?? [];
    t.is(Math.max(...rows.map((row) => row.period)), game.periods, game.id);
    for (const row of rows) {
      if (!(row.period >= 1 && row.gameClock > 0 && row.gameClock < periodSeconds(row.period)))
        t.fail(game.id);
    }
  }
  t.pass();
});

test('x/y, zones, distance and shot type agree: threes beyond the arc, dunks at the rim, one type per shot', (t) => {
  const kinds = [
    'FG_ALLEY_OOP',
    'FG_FINGER_ROLL',
    'FG_DUNK',
    'FG_TIP',
    'FG_HOOK',
    'FG_LAYUP',
    'FG_JUMPER',
  ] as const;
  const threeZones = ['Above the Break 3', 'Left Corner 3', 'Right Corner 3', 'Backcourt'];
  const problems: string[] = [];
  for (const rows of seasonRows.values()) {
    for (const row of rows) {
      const { stats } = row;
      const zone = shotZone(row.x, row.y);
      const where = `${row.gameId}/${row.eventNumber}`;
      if (!Number.isInteger(row.x) || !Number.isInteger(row.y)) problems.push(`${where}: x/y not integers`);
      const zoneAsServed = [
        stats.SHOT_ZONE_BASIC,
        stats.SHOT_ZONE_AREA,
        stats.SHOT_ZONE_RANGE,
        stats.SHOT_DISTANCE,
      ];
      if (zoneAsServed.join('|') !== [zone.basic, zone.area, zone.range, zone.distance].join('|')) {
        problems.push(`${where}: zone disagrees with x/y`);
      }
      if (kinds.filter((kind) => stats[kind] === 1).length !== 1)
        problems.push(`${where}: not exactly one shot type`);
      if ((stats.FG3 === 1) !== threeZones.includes(stats.SHOT_ZONE_BASIC))
        problems.push(`${where}: FG3 vs zone`);
      if (stats.FG3 === 1 && stats.FG_JUMPER !== 1) problems.push(`${where}: a three that is not a jumper`);
      const atRim = stats.FG_DUNK === 1 || stats.FG_ALLEY_OOP === 1 || stats.FG_TIP === 1;
      if (atRim && stats.SHOT_ZONE_BASIC !== 'Restricted Area')
        problems.push(`${where}: rim shot away from the rim`);
      if (stats.FG3M !== (stats.FG3 === 1 && stats.FGM === 1 ? 1 : 0)) problems.push(`${where}: FG3M`);
      if (stats.FGA !== 1) problems.push(`${where}: FGA`);
    }
  }
  t.deepEqual(problems, []);
});

test('exactly AST makes per team are assisted, by a teammate, and misses never are', (t) => {
  for (const game of skeleton.games) {
    const rows = seasonRows.get(game.id) ?? [];
    for (const side of [game.home, game.away]) {
      const teamRows = rows.filter((row) => row.teamId === side.teamId);
      const assisted = teamRows.filter((row) => row.stats.AST_BY_PLAYER_ID !== 0);
      t.is(assisted.length, side.box.ast, `${game.id} ${side.teamId}`);
      for (const row of assisted) {
        t.is(row.stats.FGM, 1);
        t.not(row.stats.AST_BY_PLAYER_ID, row.playerId);
        const passer = season.playersById.get(row.stats.AST_BY_PLAYER_ID);
        t.is(passer?.season?.teamId, side.teamId);
        t.is(row.stats.AST_BY_PLAYER_NAME, `${passer?.firstName} ${passer?.lastName}`);
      }
      t.true(
        teamRows
          .filter((row) => row.stats.AST_BY_PLAYER_ID === 0)
          .every((row) => row.stats.AST_BY_PLAYER_NAME === ''),
      );
    }
  }
});

test('TrackingShots rows have the FieldGoals keys, in the same order, with flags that fit the shot', (t) => {
  const problems: string[] = [];
  for (const game of skeleton.games) {
    const fieldGoals = seasonRows.get(game.id) ?? [];
    const tracking = trackingShotRows(season, game, SEED);
    const keys = (rows: Array<{ gameId: string; eventNumber: string; playerId: number }>) =>
      rows.map((row) => `${row.gameId}/${row.eventNumber}/${row.playerId}`).join(' ');
    if (keys(tracking) !== keys(fieldGoals)) problems.push(`${game.id}: keys differ`);
    tracking.forEach((row, index) => {
      const shot = fieldGoals[index]?.stats;
      const flags = row.stats;
      const where = `${row.gameId}/${row.eventNumber}`;
      if (flags.SHOT_TIP_IN !== shot?.FG_TIP) problems.push(`${where}: tip-in is not a tip`);
      if (flags.SHOT_LOB !== shot?.FG_ALLEY_OOP) problems.push(`${where}: lob is not an alley-oop`);
      if (flags.SHOT_LONG_HEAVE !== (shot?.SHOT_ZONE_RANGE === 'Back Court Shot' ? 1 : 0))
        problems.push(`${where}: heave`);
      if (flags.SHOT_PULL_UP === 1 && flags.SHOT_CATCH_AND_SHOOT === 1)
        problems.push(`${where}: pull-up and catch`);
      if (flags.SHOT_TRAILING_THREE === 1 && !(shot?.FG3 === 1 && flags.SHOT_TRANSITION === 1)) {
        problems.push(`${where}: trailing three`);
      }
      if (!Object.values(flags).every((value) => value === 0 || value === 1))
        problems.push(`${where}: not 0/1`);
    });
  }
  t.deepEqual(problems, []);
});

test('generation is pure: the same seed gives the same rows, another seed other rows with the same totals', (t) => {
  const game = skeleton.games[0];
  if (!game) return t.fail('empty season');
  t.deepEqual(fieldGoalRows(season, game, SEED), seasonRows.get(game.id));
  const other = fieldGoalRows(season, game, 2);
  t.notDeepEqual(other, seasonRows.get(game.id));
  t.is(other.length, game.home.box.fga + game.away.box.fga);
});
