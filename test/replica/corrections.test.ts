// The replica's run-time controls: a stat correction regenerates every per-game payload of a game
// (still the skeleton's box totals), a postponed game stays scheduled with PPD or Cancelled and has
// no data, a game held live stays live on the scoreboard while the schedule says final, and
// setFaults black-holes upstream mid-run and lifts it again.
import test, { type ExecutionContext } from 'ava';
import { PLAYER_EVENT_GENERATORS } from '../../replica/generators/eventTypes.ts';
import { fieldGoalRows } from '../../replica/generators/fieldGoals.ts';
import { legacyBoxScore } from '../../replica/generators/legacyBoxScore.ts';
import { playByPlayActions } from '../../replica/generators/legacyPlayByPlay.ts';
import { playersOnCourtEvents } from '../../replica/generators/legacyPlayersOnCourt.ts';
import { GAME_LINEUP_GENERATORS } from '../../replica/generators/lineupMeasures.ts';
import { GAME_PLAYER_GENERATORS, GAME_TEAM_GENERATORS } from '../../replica/generators/measureTypes.ts';
import { playerAggregateRows, teamAggregateRows } from '../../replica/generators/seasonAggregates.ts';
import { skeletonFinalGames } from '../../replica/generators/seasonGames.ts';
import { indexSeason, type SeasonIndex } from '../../replica/seasonIndex.ts';
import { gameTimes } from '../../replica/server/gameTimes.ts';
import { type Replica, revisedSeed } from '../../replica/server.ts';
import type { Game } from '../../replica/skeleton.ts';
import { getJson, HEADERS, queryToolUrl, replicaFor, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finals = skeleton.games.filter((game) => game.status === 3);
const regulation = finals.filter((game) => game.periods === 4);

type Generator = (index: SeasonIndex, game: Game, seed: number) => readonly unknown[];
interface QueryToolKind {
  path: string;
  kind: string;
  rowsKey: string;
  params: Record<string, string>;
  generate: Generator;
}
const kinds = (
  path: string,
  param: 'EventType' | 'MeasureType',
  rowsKey: string,
  generators: Record<string, Generator>,
  extra: Record<string, string>,
): QueryToolKind[] =>
  Object.entries(generators).map(([kind, generate]) => ({
    path,
    kind,
    rowsKey,
    params: { [param]: kind, ...extra },
    generate,
  }));
/** Every Query Tool kind the replica serves per game. */
const QUERY_TOOL_KINDS = [
  ...kinds('event/player', 'EventType', 'players', PLAYER_EVENT_GENERATORS, {
    PerMode: 'Totals',
    SumScope: 'Event',
    TeamGrouping: 'Y',
  }),
  ...kinds('game/player', 'MeasureType', 'players', GAME_PLAYER_GENERATORS, { TeamGrouping: 'Y' }),
  ...kinds('game/team', 'MeasureType', 'teams', GAME_TEAM_GENERATORS, {}),
  ...kinds('game/lineups', 'MeasureType', 'lineups', GAME_LINEUP_GENERATORS, { LineupQuantity: '5' }),
];

const json = (value: unknown) => JSON.parse(JSON.stringify(value));

async function text(replica: Replica, path: string) {
  const response = await fetch(`${replica.url}${path}`, { headers: HEADERS });
  return { status: response.status, body: await response.text() };
}

/** Every per-game payload the replica serves for a game, as text, by name. */
async function payloadsOf(replica: Replica, game: Game): Promise<Record<string, string>> {
  const payloads: Record<string, string> = {};
  for (const { path, kind, rowsKey, params } of QUERY_TOOL_KINDS) {
    const { body } = await getJson<Record<string, unknown>>(
      queryToolUrl(replica, path, { ...params, GameId: game.id }),
    );
    payloads[`${path} ${kind}`] = JSON.stringify(body[rowsKey]);
  }
  for (const path of [
    `/api/stats/boxscore?gameId=${game.id}&measureType=Traditional`,
    `/api/stats/pbp?gameId=${game.id}`,
    `/api/stats/poc?gameId=${game.id}`,
    `/api/hustlestats/${game.id}_hustlestats.xml`,
    `/api/hustlestats/${game.id}_HustleStatsGameEvents.xml`,
  ]) {
    const answer = await text(replica, path);
    payloads[path.split('?')[0] as string] = `${answer.status} ${answer.body.replace(/"time":"[^"]*"/, '')}`;
  }
  return payloads;
}

/** Team totals a per-team payload must keep whatever the revision: the skeleton's box. */
function assertShotChartTotals(t: ExecutionContext, rows: readonly Record<string, unknown>[], game: Game) {
  for (const side of [game.home, game.away]) {
    const shots = rows.filter((row) => row.teamId === side.teamId) as Array<{
      stats: Record<string, number>;
    }>;
    const count = (key: string) => shots.filter((shot) => shot.stats[key] === 1).length;
    t.deepEqual(
      [shots.length, count('FGM'), count('FG3'), count('FG3M')],
      [side.box.fga, side.box.fgm, side.box.fg3a, side.box.fg3m],
    );
  }
}

test('a correction regenerates every per-game payload of the game, still adding up to the skeleton box', async (t) => {
  const replica = await replicaFor({ hustleUnavailableDays: 0 });
  t.teardown(() => replica.close());
  const game = regulation[5] as Game;
  const before = await payloadsOf(replica, game);
  t.is(replica.seedOf(game.id), replica.seed);

  t.is(replica.correct(game.id), 1);
  const seed = replica.seedOf(game.id);
  t.is(seed, revisedSeed(replica.seed, 1));
  t.not(seed, replica.seed);
  const after = await payloadsOf(replica, game);
  t.deepEqual(Object.keys(after), Object.keys(before));
  for (const [name, payload] of Object.entries(after)) {
    // Team rows are the two boxes: a correction among the players leaves them as they were.
    if (name === 'game/team Advanced') t.is(payload, before[name] ?? '', name);
    else t.not(payload, before[name] ?? '', name);
    t.regex(payload, name.startsWith('/') ? /^200 / : /^\[.+\]$/, name);
  }

  // What is served is what the generators make with the revised seed.
  for (const { path, kind, rowsKey, params, generate } of QUERY_TOOL_KINDS) {
    const { body } = await getJson<Record<string, unknown>>(
      queryToolUrl(replica, path, { ...params, GameId: game.id }),
    );
    t.deepEqual(body[rowsKey], json(generate(season, game, seed)), `${path} ${kind}`);
  }
  const shots = fieldGoalRows(season, game, seed);
  assertShotChartTotals(t, json(shots), game);
  const box = await getJson<{
    game: { homeTeam: { players: unknown[]; statistics: Record<string, number> } };
  }>(`${replica.url}/api/stats/boxscore?gameId=${game.id}&measureType=Traditional`);
  const expectedBox = legacyBoxScore(season, game, seed);
  t.deepEqual(box.body.game.homeTeam.players, json(expectedBox.homeTeam.players));
  t.like(box.body.game.homeTeam.statistics, {
    fieldGoalsMade: game.home.box.fgm,
    fieldGoalsAttempted: game.home.box.fga,
    threePointersAttempted: game.home.box.fg3a,
    assists: game.home.box.ast,
    points: game.home.box.pts,
  });
  const pbp = await getJson<{ game: { actions: Array<{ isFieldGoal: number; teamId: number }> } }>(
    `${replica.url}/api/stats/pbp?gameId=${game.id}`,
  );
  const tipOff = Date.parse(gameTimes(game).gameDateTimeUTC);
  t.deepEqual(pbp.body.game.actions, json(playByPlayActions(season, game, seed, tipOff)));
  for (const side of [game.home, game.away]) {
    const attempts = pbp.body.game.actions.filter(
      (action) => action.isFieldGoal === 1 && action.teamId === side.teamId,
    );
    t.is(attempts.length, side.box.fga);
  }
  const poc = await getJson<{ events: unknown[] }>(`${replica.url}/api/stats/poc?gameId=${game.id}`);
  t.deepEqual(poc.body.events, json(playersOnCourtEvents(season, game, seed)));

  // A second correction changes it all again.
  t.is(replica.correct(game.id), 2);
  t.is(replica.seedOf(game.id), revisedSeed(replica.seed, 2));
  const again = await payloadsOf(replica, game);
  t.not(again['event/player FieldGoals'], after['event/player FieldGoals']);
  assertShotChartTotals(t, JSON.parse(again['event/player FieldGoals'] as string), game);
});

test('a correction leaves every other game as it was', async (t) => {
  const replica = await replicaFor({ hustleUnavailableDays: 0 });
  t.teardown(() => replica.close());
  const [corrected, other] = [regulation[7] as Game, regulation[8] as Game];
  const before = await payloadsOf(replica, other);
  replica.correct(corrected.id);
  t.deepEqual(await payloadsOf(replica, other), before);
  t.is(replica.seedOf(other.id), replica.seed);
  // A replica of the same skeleton keeps its own revisions.
  const fresh = await replicaFor({ hustleUnavailableDays: 0 });
  t.teardown(() => fresh.close());
  t.is(fresh.seedOf(corrected.id), fresh.seed);
  const { body } = await getJson<{ players: unknown[] }>(
    queryToolUrl(fresh, 'event/player', {
      EventType: 'FieldGoals',
      PerMode: 'Totals',
      TeamGrouping: 'Y',
      GameId: corrected.id,
    }),
  );
  t.deepEqual(body.players, json(fieldGoalRows(season, corrected, fresh.seed)));
});

test('season aggregates follow a correction: team totals stay the boxes, player rows are regenerated', async (t) => {
  const replica = await replicaFor();
  t.teardown(() => replica.close());
  const game = regulation[3] as Game;
  const url = (side: 'player' | 'team') =>
    `${replica.url}/api/stats/${side}?leagueId=00&season=2025-26&seasonType=Regular%20Season&perMode=Totals&measureType=Base`;
  const query = { seasonType: 'Regular Season', perMode: 'Totals', measure: 'Base' };
  const teamsBefore = (await getJson<{ teams: unknown[] }>(url('team'))).body.teams;
  replica.correct(game.id);
  const corrected = {
    ...skeletonFinalGames(season, replica.seed),
    key: `corrections-test:${game.id}:1`,
    whole: false,
    seedOf: (entry: Game) => replica.seedOf(entry.id),
  };
  const players = (await getJson<{ players: unknown[] }>(url('player'))).body.players;
  t.deepEqual(players, json(playerAggregateRows(season, replica.seed, query, corrected)));
  t.notDeepEqual(players, json(playerAggregateRows(season, replica.seed, query)));
  const teams = (await getJson<{ teams: unknown[] }>(url('team'))).body.teams;
  t.deepEqual(teams, json(teamAggregateRows(season, replica.seed, query, corrected)));
  // Base team counts are the box scores: the same as before the correction.
  t.deepEqual(teams, teamsBefore);
});

interface ShownGame {
  gameId: string;
  gameStatus: number;
  gameStatusText: string;
  period?: number;
  homeTeam: { score: number; periods?: unknown[] };
  awayTeam: { score: number };
}
async function shownIn(replica: Replica, game: Game) {
  const board = await getJson<{ scoreboard: { games: ShownGame[] } }>(
    `${replica.url}/api/scores/scoreboard/date?leagueId=00&gameDate=${game.date}`,
  );
  const schedule = await getJson<{ leagueSchedule: { gameDates: Array<{ games: ShownGame[] }> } }>(
    `${replica.url}/api/schedule/full?leagueId=00&season=2025-26`,
  );
  return {
    scoreboard: board.body.scoreboard.games.find((entry) => entry.gameId === game.id) as ShownGame,
    schedule: schedule.body.leagueSchedule.gameDates
      .flatMap((date) => date.games)
      .find((entry) => entry.gameId === game.id) as ShownGame,
  };
}

test('a postponed game stays scheduled with PPD or Cancelled and serves no data', async (t) => {
  const replica = await replicaFor({ hustleUnavailableDays: 0 });
  t.teardown(() => replica.close());
  const [postponed, cancelled] = [finals[10] as Game, finals[11] as Game];
  const teamGp = async (teamId: number) => {
    const { body } = await getJson<{ teams: Array<{ teamId: number; stats: { gp: number } }> }>(
      `${replica.url}/api/stats/team?leagueId=00&season=2025-26&seasonType=Regular%20Season&perMode=Totals&measureType=Base`,
    );
    return body.teams.find((team) => team.teamId === teamId)?.stats.gp;
  };
  const gpBefore = await teamGp(postponed.home.teamId);
  replica.postpone(postponed.id);
  replica.postpone(cancelled.id, 'Cancelled');
  for (const [game, statusText] of [
    [postponed, 'PPD'],
    [cancelled, 'Cancelled'],
  ] as const) {
    const { scoreboard, schedule } = await shownIn(replica, game);
    t.like(scoreboard, {
      gameStatus: 1,
      gameStatusText: statusText,
      period: 0,
      homeTeam: { score: 0, periods: [] },
    });
    t.like(schedule, {
      gameStatus: 1,
      gameStatusText: statusText,
      homeTeam: { score: 0 },
      awayTeam: { score: 0 },
    });
    const payloads = await payloadsOf(replica, game);
    for (const [name, payload] of Object.entries(payloads)) {
      t.regex(payload, name.startsWith('/') ? /^404 / : /^\[\]$/, name);
    }
  }
  t.is(await teamGp(postponed.home.teamId), (gpBefore ?? 0) - 1);
  t.throws(() => replica.postpone(postponed.id, 'Later' as 'PPD'), {
    message: /PPD or Cancelled, not Later/,
  });

  // On a clock a postponed game never tips off and never ends.
  const clocked = await replicaFor({ clock: { start: '2025-10-01T00:00:00Z' } });
  t.teardown(() => clocked.close());
  t.truthy(clocked.clock?.finalAt(postponed.id));
  clocked.postpone(postponed.id);
  t.is(clocked.clock?.finalAt(postponed.id), undefined);
  t.is(clocked.clock?.tipOffAt(postponed.id), undefined);
});

test('a game held live stays live on the scoreboard once final; the schedule and the data say final', async (t) => {
  const replica = await replicaFor();
  t.teardown(() => replica.close());
  const game = regulation[2] as Game;
  replica.holdLive(game.id);
  const { scoreboard, schedule } = await shownIn(replica, game);
  t.like(scoreboard, {
    gameStatus: 2,
    gameStatusText: 'Q4 0:00',
    period: 4,
    homeTeam: { score: game.home.score },
    awayTeam: { score: game.away.score },
  });
  t.like(schedule, { gameStatus: 3, gameStatusText: 'Final', homeTeam: { score: game.home.score } });
  t.is((await text(replica, `/api/stats/boxscore?gameId=${game.id}`)).status, 200);

  // On a clock: live in both while it plays, then only the scoreboard stays live.
  const last = skeleton.games.at(-1) as Game;
  const tipOff = Date.parse(gameTimes(last).gameDateTimeUTC);
  const playing = await replicaFor({ clock: { start: new Date(tipOff + 60 * 60_000).toISOString() } });
  t.teardown(() => playing.close());
  playing.holdLive(last.id);
  const during = await shownIn(playing, last);
  t.deepEqual([during.scoreboard.gameStatus, during.schedule.gameStatus], [2, 2]);
  t.is((await text(playing, `/api/stats/pbp?gameId=${last.id}`)).status, 404);
  const finalAt = playing.clock?.finalAt(last.id) as Date;
  const ended = await replicaFor({ clock: { start: new Date(finalAt.getTime() + 60_000).toISOString() } });
  t.teardown(() => ended.close());
  ended.holdLive(last.id);
  const after = await shownIn(ended, last);
  t.like(after.scoreboard, { gameStatus: 2, homeTeam: { score: last.home.score } });
  t.regex(after.scoreboard.gameStatusText, /^(Q4|OT|\dOT) 0:00$/);
  t.like(after.schedule, { gameStatus: 3, homeTeam: { score: last.home.score } });
  t.is((await text(ended, `/api/stats/pbp?gameId=${last.id}`)).status, 200);
});

test('setFaults black-holes every endpoint mid-run and lifts it again; bad faults are refused', async (t) => {
  const replica = await replicaFor();
  t.teardown(() => replica.close());
  const game = finals[0] as Game;
  const paths = [
    '/api/stats/team/index?leagueId=00&season=2025-26',
    `/api/scores/scoreboard/date?leagueId=00&gameDate=${game.date}`,
    `/api/stats/boxscore?gameId=${game.id}`,
    queryToolUrl(replica, 'game/player', { MeasureType: 'Base', TeamGrouping: 'Y', GameId: game.id }).slice(
      replica.url.length,
    ),
  ];
  // A healthy call gets all the time it needs (other tests of the file may hold up the event
  // loop); a black-holed one is given up after a while.
  const call = async (path: string, give?: number) => {
    try {
      const signal = give === undefined ? undefined : AbortSignal.timeout(give);
      const response = await fetch(`${replica.url}${path}`, { headers: HEADERS, signal });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      return (error as Error).name;
    }
  };

  t.deepEqual(await Promise.all(paths.map((path) => call(path))), [200, 200, 200, 200]);
  replica.setFaults({ '*': { rates: { hang: 1 } } });
  t.deepEqual(await Promise.all(paths.map((path) => call(path, 500))), [
    'TimeoutError',
    'TimeoutError',
    'TimeoutError',
    'TimeoutError',
  ]);
  // Nothing was answered while upstream was a black hole.
  t.deepEqual(replica.stats().byStatus, { 200: 4 });
  replica.setFaults({});
  t.deepEqual(await Promise.all(paths.map((path) => call(path))), [200, 200, 200, 200]);
  replica.setFaults({ 'stats-boxscore': { rates: { '503': 1 } } });
  t.deepEqual(await Promise.all(paths.map((path) => call(path))), [200, 200, 503, 200]);

  t.throws(() => replica.setFaults({ '*': { rates: { hang: 2 } } }), { message: /invalid replica faults/ });
  t.throws(() => replica.setFaults({ 'no-such-endpoint': { rates: { hang: 1 } } }), {
    message: /unknown endpoint key "no-such-endpoint"/,
  });
  // A refused configuration leaves the one in force.
  t.deepEqual(await Promise.all(paths.map((path) => call(path))), [200, 200, 503, 200]);
});

test('the controls refuse a game the season does not have', async (t) => {
  const replica = await replicaFor();
  t.teardown(() => replica.close());
  for (const control of [
    () => replica.correct('0022599999'),
    () => replica.postpone('0022599999'),
    () => replica.holdLive('0022599999'),
    () => replica.seedOf('0022599999'),
  ]) {
    t.throws(control, { message: /no game 0022599999 in the 2025-26 season/ });
  }
});
