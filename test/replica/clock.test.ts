// The replica on a virtual clock: games go scheduled, live and final at their own instants in the
// scoreboard and the schedule, data endpoints serve a game only once it is final, season-wide totals
// and the hustle publishing rule count the games final by then, and every answer's Date header is
// the virtual now. Also the clock's own arithmetic, its option checks and the CLI flags.
import test from 'ava';
import { replicaCommand } from '../../replica/cli.ts';
import { fieldGoalRows } from '../../replica/generators/fieldGoals.ts';
import { gameLengthSeconds } from '../../replica/generators/legacyGameFacts.ts';
import { playByPlayActions } from '../../replica/generators/legacyPlayByPlay.ts';
import { teamAggregateRows } from '../../replica/generators/seasonAggregates.ts';
import type { SeasonGames } from '../../replica/generators/seasonGames.ts';
import { teamSeasonLineupRows } from '../../replica/generators/seasonLineups.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import { finalStatusText, liveStatusText } from '../../replica/server/gameProgress.ts';
import { gameTimes } from '../../replica/server/gameTimes.ts';
import { VirtualClock } from '../../replica/server/virtualClock.ts';
import { type Replica, startReplica } from '../../replica/server.ts';
import { type Game, loadSkeleton } from '../../replica/skeleton.ts';
import {
  assertSameRows,
  capture,
  getJson,
  HEADERS,
  queryToolUrl,
  replicaFor,
  testSkeleton,
} from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const dates = [...new Set(skeleton.games.map((game) => game.date))].sort();
const lastDate = dates.at(-1) as string;
/** The season's last game: every other game is final before it ends. */
const game = skeleton.games.at(-1) as Game;
const tipOffMs = Date.parse(gameTimes(game).gameDateTimeUTC);
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface ShownTeam {
  teamId: number;
  score: number;
  wins: number;
  losses: number;
  periods?: Array<{ period: number; score: number }>;
}
interface ShownGame {
  gameId: string;
  gameStatus: number;
  gameStatusText: string;
  period?: number;
  gameClock?: string;
  homeTeam: ShownTeam;
  awayTeam: ShownTeam;
}
interface ScoreboardBody {
  meta: { time: string };
  scoreboard: { games: ShownGame[] };
}
interface ScheduleBody {
  meta: { time: string };
  leagueSchedule: { gameDates: Array<{ games: ShownGame[] }> };
}

const sleepUntil = (wallMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, wallMs - Date.now())));

async function scoreboardGame(replica: Replica, target: Game) {
  const { headers, body } = await getJson<ScoreboardBody>(
    `${replica.url}/api/scores/scoreboard/date?leagueId=00&gameDate=${target.date}`,
  );
  const shown = body.scoreboard.games.find((entry) => entry.gameId === target.id) as ShownGame;
  return { at: Date.parse(body.meta.time), date: headers.get('date'), shown };
}

async function scheduleGame(replica: Replica, target: Game) {
  const { body } = await getJson<ScheduleBody>(`${replica.url}/api/schedule/full?leagueId=00&season=2025-26`);
  const games = body.leagueSchedule.gameDates.flatMap((date) => date.games);
  return {
    at: Date.parse(body.meta.time),
    shown: games.find((entry) => entry.gameId === target.id) as ShownGame,
  };
}

/** What a feed must show of `target` at `at`, given the clock's tip-off and final instants. */
function assertShownAt(
  t: import('ava').ExecutionContext,
  replica: Replica,
  target: Game,
  at: number,
  shown: ShownGame,
  withPeriods: boolean,
): number {
  const tipOff = replica.clock?.tipOffAt(target.id)?.getTime() ?? Number.NaN;
  const finalAt = replica.clock?.finalAt(target.id)?.getTime() ?? Number.NaN;
  const lines = (team: ShownTeam) => (team.periods ?? []).reduce((sum, period) => sum + period.score, 0);
  if (at < tipOff) {
    t.like(shown, {
      gameStatus: 1,
      gameStatusText: gameTimes(target).tipOffText,
      homeTeam: { score: 0 },
      awayTeam: { score: 0 },
    });
    if (withPeriods) t.like(shown, { period: 0, gameClock: '', homeTeam: { periods: [] } });
    return 1;
  }
  if (at < finalAt) {
    t.is(shown.gameStatus, 2);
    t.regex(shown.gameStatusText, /^(Q[1-4]|OT|\dOT) \d{1,2}:\d{2}$|^Half$|^End of (Q[1-4]|OT|\dOT)$/);
    t.true(shown.homeTeam.score <= target.home.score && shown.awayTeam.score <= target.away.score);
    if (withPeriods) {
      t.true((shown.period ?? 0) >= 1 && (shown.period ?? 0) <= target.periods);
      t.regex(shown.gameClock ?? '', /^PT\d{2}M\d{2}\.\d{2}S$/);
      t.is(lines(shown.homeTeam), shown.homeTeam.score);
      t.is(lines(shown.awayTeam), shown.awayTeam.score);
    }
    return 2;
  }
  t.like(shown, {
    gameStatus: 3,
    gameStatusText: finalStatusText(target),
    homeTeam: { score: target.home.score },
    awayTeam: { score: target.away.score },
  });
  if (withPeriods) {
    t.is(shown.period, target.periods);
    t.is(lines(shown.homeTeam), target.home.score);
    t.is(lines(shown.awayTeam), target.away.score);
  }
  return 3;
}

/**
 * A replica 40 virtual minutes before the last game's tip-off, 2400 times faster than real time.
 * Tests on it run serially (before the others): a season sum elsewhere in the file would hold up
 * the event loop while their clock runs on.
 */
const beforeTipOff = () =>
  replicaFor({ clock: { start: iso(tipOffMs - 40 * MINUTE), speed: 2400 }, hustleUnavailableDays: 0 });

test.serial(
  'on the clock a game is scheduled, live from tip-off, final once its length has passed',
  async (t) => {
    const replica = await beforeTipOff();
    t.teardown(() => replica.close());
    const clock = replica.clock;
    if (!clock) return t.fail('a replica started with a clock has one');
    const finalAt = clock.finalAt(game.id)?.getTime() ?? Number.NaN;
    t.is(clock.tipOffAt(game.id)?.toISOString(), gameTimes(game).gameDateTimeUTC.replace('Z', '.000Z'));
    // The game's length: its pace of play and breaks (the box score's duration), overtimes longer.
    t.is(finalAt - tipOffMs, Math.round(gameLengthSeconds(game) * 1000));
    t.true(
      finalAt - tipOffMs >= 118 * MINUTE && finalAt - tipOffMs <= (140 + 15 * (game.periods - 4)) * MINUTE,
    );

    const seen: number[] = [];
    for (const moment of [tipOffMs - 30 * MINUTE, tipOffMs + 40 * MINUTE, finalAt + 2 * MINUTE]) {
      await sleepUntil(clock.wallTimeOf(new Date(moment)));
      const board = await scoreboardGame(replica, game);
      seen.push(assertShownAt(t, replica, game, board.at, board.shown, true));
      const schedule = await scheduleGame(replica, game);
      assertShownAt(t, replica, game, schedule.at, schedule.shown, false);
    }
    t.deepEqual(seen, [1, 2, 3]);
    // The box score's duration is the same length, in minutes.
    const box = await getJson<{ game: { duration: number } }>(
      `${replica.url}/api/stats/boxscore?gameId=${game.id}&measureType=Traditional`,
    );
    t.is(box.body.game.duration, Math.round((finalAt - tipOffMs) / MINUTE));
  },
);

test('live status texts name the period and the clock, and the breaks between periods', (t) => {
  t.is(liveStatusText({ period: 3, remaining: 311.4, inBreak: false }), 'Q3 5:12');
  t.is(liveStatusText({ period: 1, remaining: 720, inBreak: false }), 'Q1 12:00');
  t.is(liveStatusText({ period: 4, remaining: 0, inBreak: false }), 'Q4 0:00');
  t.is(liveStatusText({ period: 5, remaining: 151, inBreak: false }), 'OT 2:31');
  t.is(liveStatusText({ period: 6, remaining: 44.2, inBreak: false }), '2OT 0:45');
  t.is(liveStatusText({ period: 1, remaining: 0, inBreak: true }), 'End of Q1');
  t.is(liveStatusText({ period: 2, remaining: 0, inBreak: true }), 'Half');
  t.is(liveStatusText({ period: 4, remaining: 0, inBreak: true }), 'End of Q4');
});

const fieldGoalsUrl = (replica: Replica, target: Game) =>
  queryToolUrl(replica, 'event/player', {
    EventType: 'FieldGoals',
    PerMode: 'Totals',
    SumScope: 'Event',
    TeamGrouping: 'Y',
    GameId: target.id,
  });

async function dataOf(replica: Replica, target: Game) {
  const status = async (path: string) => {
    const response = await fetch(`${replica.url}${path}`, { headers: HEADERS });
    const text = await response.text();
    return { status: response.status, date: Date.parse(response.headers.get('date') ?? ''), text };
  };
  const fieldGoals = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
    fieldGoalsUrl(replica, target),
  );
  const base = await getJson<{ players: unknown[] }>(
    queryToolUrl(replica, 'game/player', { MeasureType: 'Base', TeamGrouping: 'Y', GameId: target.id }),
  );
  return {
    fieldGoals: fieldGoals.body,
    base: base.body.players,
    boxScore: await status(`/api/stats/boxscore?gameId=${target.id}&measureType=Traditional`),
    playByPlay: await status(`/api/stats/pbp?gameId=${target.id}`),
    playersOnCourt: await status(`/api/stats/poc?gameId=${target.id}`),
    hustle: await status(`/api/hustlestats/${target.id}_hustlestats.xml`),
    hustleEvents: await status(`/api/hustlestats/${target.id}_HustleStatsGameEvents.xml`),
  };
}

test.serial(
  'data endpoints answer no rows or 404 for a game until it is final on the clock, then its data',
  async (t) => {
    const replica = await beforeTipOff();
    t.teardown(() => replica.close());
    const clock = replica.clock;
    if (!clock) return t.fail('a replica started with a clock has one');
    const finalAt = clock.finalAt(game.id)?.getTime() ?? Number.NaN;

    await sleepUntil(clock.wallTimeOf(new Date(tipOffMs + 30 * MINUTE)));
    const live = await dataOf(replica, game);
    t.true(live.hustleEvents.date + 1000 <= finalAt, 'every call answered before the final');
    t.deepEqual([live.fieldGoals.meta.rowsReturned, live.fieldGoals.players, live.base], [0, [], []]);
    for (const answer of [live.boxScore, live.playByPlay, live.playersOnCourt]) {
      t.is(answer.status, 404);
      t.deepEqual(JSON.parse(answer.text), { errors: { gameId: [`no data for game ${game.id}`] } });
    }
    for (const answer of [live.hustle, live.hustleEvents]) {
      t.is(answer.status, 404);
      t.regex(answer.text, /<Code>NoSuchKey<\/Code>/);
    }

    await sleepUntil(clock.wallTimeOf(new Date(finalAt + MINUTE)));
    const final = await dataOf(replica, game);
    t.true(final.fieldGoals.meta.rowsReturned > 0);
    assertSameRows(t, final.fieldGoals.players, fieldGoalRows(season, game, replica.seed));
    t.is(final.base.length > 0, true);
    t.deepEqual(
      [final.boxScore, final.playByPlay, final.playersOnCourt, final.hustle, final.hustleEvents].map(
        (answer) => answer.status,
      ),
      [200, 200, 200, 200, 200],
    );
    const actions = (JSON.parse(final.playByPlay.text) as { game: { actions: unknown[] } }).game.actions;
    t.deepEqual(actions, JSON.parse(JSON.stringify(playByPlayActions(season, game, replica.seed, tipOffMs))));
  },
);

/** The virtual instant an hour before the first tip-off of the season's last date. */
const beforeLastDate =
  Math.min(...skeleton.games.filter((entry) => entry.date === lastDate).map((entry) => tipOffMsOf(entry))) -
  60 * MINUTE;
function tipOffMsOf(entry: Game): number {
  return Date.parse(gameTimes(entry).gameDateTimeUTC);
}
/** What is final an hour before the last date's first tip-off: every game of the earlier dates. */
const finalBeforeLastDate: SeasonGames = {
  key: 'clock-test:before-last-date',
  whole: false,
  games: skeleton.games.filter((entry) => entry.date < lastDate),
  seedOf: () => 1,
};

test('season aggregates, season lineups and the hustle feeds count only the games final at now', async (t) => {
  const replica = await replicaFor({ clock: { start: iso(beforeLastDate), speed: 1 } });
  t.teardown(() => replica.close());
  t.is(replica.seed, 1);
  const query = { seasonType: 'Regular Season', perMode: 'Totals', measure: 'Base' };
  const { body } = await getJson<{ teams: Array<{ teamId: number; stats: { gp: number; wins: number } }> }>(
    `${replica.url}/api/stats/team?leagueId=00&season=2025-26&seasonType=Regular%20Season&perMode=Totals&measureType=Base`,
  );
  t.deepEqual(
    body.teams,
    JSON.parse(JSON.stringify(teamAggregateRows(season, 1, query, finalBeforeLastDate))),
  );
  for (const team of body.teams) {
    const played = finalBeforeLastDate.games.filter(
      (entry) => entry.home.teamId === team.teamId || entry.away.teamId === team.teamId,
    );
    const won = played.filter((entry) => {
      const [mine, theirs] =
        entry.home.teamId === team.teamId ? [entry.home, entry.away] : [entry.away, entry.home];
      return mine.score > theirs.score;
    });
    t.deepEqual([team.stats.gp, team.stats.wins], [played.length, won.length]);
  }

  const teamId = game.home.teamId;
  const lineups = await getJson<{ lineups: unknown[] }>(
    queryToolUrl(replica, 'season/lineups', {
      MeasureType: 'Base',
      PerMode: 'Totals',
      LineupQuantity: '5',
      TeamId: String(teamId),
    }),
  );
  const expected = teamSeasonLineupRows(
    season,
    1,
    teamId,
    { measure: 'Base', perMode: 'Totals' },
    finalBeforeLastDate,
  );
  t.deepEqual(lineups.body.lineups, JSON.parse(JSON.stringify(expected)));
  if (skeleton.source === 'synthetic') {
    // Synthetic season lineups add up game lineups: the last date's games are not in them yet.
    t.notDeepEqual(expected, teamSeasonLineupRows(season, 1, teamId, { measure: 'Base', perMode: 'Totals' }));
  }

  // The latest date with final games is the one before the last: 403 there, 404 the date before.
  const hustleStatus = async (entry: Game) =>
    (await fetch(`${replica.url}/api/hustlestats/${entry.id}_hustlestats.xml`, { headers: HEADERS })).status;
  const onDate = (date: string) => skeleton.games.find((entry) => entry.date === date) as Game;
  t.deepEqual(
    await Promise.all([-1, -2, -3, -4].map((back) => hustleStatus(onDate(dates.at(back) as string)))),
    [404, 403, 404, 200],
  );

  // The last date's scoreboard: every game scheduled, each team's record going into it.
  const board = await getJson<ScoreboardBody>(
    `${replica.url}/api/scores/scoreboard/date?leagueId=00&gameDate=${lastDate}`,
  );
  for (const shown of board.body.scoreboard.games) {
    const entry = season.gamesById.get(shown.gameId) as Game;
    t.like(shown, { gameStatus: 1, gameStatusText: gameTimes(entry).tipOffText, period: 0 });
    for (const team of [shown.homeTeam, shown.awayTeam]) {
      const before = finalBeforeLastDate.games.filter(
        (other) => other.home.teamId === team.teamId || other.away.teamId === team.teamId,
      ).length;
      t.is(team.wins + team.losses, before);
    }
  }
});

/** The Date header (whole seconds) and meta.time (when sent) lie within the clock's now around the call. */
async function assertDated(
  t: import('ava').ExecutionContext,
  now: () => number,
  url: string,
  headers: Record<string, string>,
  status: number,
) {
  const before = now();
  const response = await fetch(url, { headers });
  const after = now();
  t.is(response.status, status, url);
  const date = Date.parse(response.headers.get('date') ?? '');
  t.regex(response.headers.get('date') ?? '', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  t.true(
    date >= Math.floor(before / 1000) * 1000 && date <= after,
    `${url}: ${iso(date)} in ${iso(before)}..${iso(after)}`,
  );
  const body = (await response.json()) as { meta?: { time: string } };
  if (body.meta) t.is(Math.floor(Date.parse(body.meta.time) / 1000) * 1000, date);
}

test('every answer carries the virtual now in its Date header, and meta.time the same instant', async (t) => {
  const start = Date.parse('2026-02-20T17:00:00-05:00');
  const replica = await replicaFor({ clock: { start: '2026-02-20T17:00:00-05:00', speed: 600 } });
  t.teardown(() => replica.close());
  const clock = replica.clock;
  if (!clock) return t.fail('a replica started with a clock has one');
  const now = () => clock.now().getTime();
  t.true(now() >= start && now() < start + 600 * 5_000);
  await assertDated(
    t,
    now,
    `${replica.url}/api/scores/scoreboard/date?leagueId=00&gameDate=${game.date}`,
    HEADERS,
    200,
  );
  await assertDated(t, now, fieldGoalsUrl(replica, game), HEADERS, 200);
  await assertDated(t, now, `${replica.url}/api/stats/boxscore?gameId=0022599999`, HEADERS, 404);
  await assertDated(t, now, `${replica.url}/api/no/such/path`, HEADERS, 404);
  await assertDated(t, now, `${replica.url}/api/stats/boxscore?gameId=12`, HEADERS, 400);
  await assertDated(t, now, `${replica.url}/api/stats/team/index?leagueId=00&season=2025-26`, {}, 401);

  // Without a clock the Date header is the real now.
  const real = await replicaFor();
  t.teardown(() => real.close());
  t.is(real.clock, null);
  await assertDated(t, Date.now, `${real.url}/api/stats/boxscore?gameId=0022599999`, HEADERS, 404);
  await assertDated(t, Date.now, `${real.url}/api/schedule/full?leagueId=00&season=2025-26`, HEADERS, 200);
});

test('an injected 429 carries the virtual Date too', async (t) => {
  const replica = await replicaFor({
    clock: { start: '2026-02-20T17:00:00-05:00', speed: 600 },
    faults: { '*': { rates: { '429': 1 } } },
  });
  t.teardown(() => replica.close());
  const now = () => replica.clock?.now().getTime() ?? Number.NaN;
  await assertDated(t, now, `${replica.url}/api/stats/team/index?leagueId=00&season=2025-26`, HEADERS, 429);
});

test('the virtual clock runs speed times the wall clock and maps its instants back to it', (t) => {
  let wall = 1_000_000;
  const clock = new VirtualClock(new Date('2026-02-20T17:00:00-05:00'), 600, () => wall);
  t.is(clock.now().toISOString(), '2026-02-20T22:00:00.000Z');
  wall += 1500;
  t.is(clock.now().toISOString(), '2026-02-20T22:15:00.000Z');
  t.is(clock.wallTimeOf(new Date('2026-02-20T23:00:00Z')), 1_000_000 + 6000);
  t.is(clock.wallTimeOf(new Date('2026-02-20T21:00:00Z')), 1_000_000 - 6000);
  t.is(clock.wallTimeOf(new Date('2026-02-20T22:00:00.001Z')), 1_000_001);
});

test('finalAt and tipOffAt come from the timeline; an unknown game has neither', async (t) => {
  const replica = await replicaFor({ clock: { start: '2025-10-01T12:00:00Z' } });
  t.teardown(() => replica.close());
  const clock = replica.clock;
  if (!clock) return t.fail('a replica started with a clock has one');
  const first = skeleton.games[0] as Game;
  t.is(clock.tipOffAt(first.id)?.getTime(), tipOffMsOf(first));
  t.is(clock.finalAt(first.id)?.getTime(), tipOffMsOf(first) + Math.round(gameLengthSeconds(first) * 1000));
  t.is(clock.finalAt('0022599999'), undefined);
  t.is(clock.tipOffAt('0022599999'), undefined);
  const wall = clock.wallTimeOf(clock.now());
  t.true(Math.abs(wall - Date.now()) <= 5);
  // Speed 1 by default: a virtual hour from now is a real hour away.
  t.true(
    Math.abs(clock.wallTimeOf(new Date(clock.now().getTime() + 3_600_000)) - (Date.now() + 3_600_000)) <= 5,
  );
});

test('clock options are checked with messages that name the problem', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [
      { start: 'tomorrow' },
      /clock\.start is an ISO instant with an offset, e\.g\. 2026-02-20T17:00:00-05:00/,
    ],
    [{ start: '2026-02-20T17:00:00' }, /clock\.start is an ISO instant with an offset/],
    [{ start: '2026-02-20T17:00:00Z', speed: 0 }, /clock\.speed is above 0/],
    [{ start: '2026-02-20T17:00:00Z', speed: -3 }, /clock\.speed is above 0/],
    [{ start: '2026-02-20T17:00:00Z', speed: '10' }, /clock\.speed is a number/],
    [{ start: '2026-02-20T17:00:00Z', rate: 10 }, /rate/],
  ];
  for (const [clock, message] of cases) {
    await t.throwsAsync(startReplica({ skeleton, clock } as Parameters<typeof startReplica>[0]), { message });
  }
});

test('--clock and --speed start the replica on a virtual clock; bad values exit 64 with a message', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['--clock', 'tomorrow'],
      /--clock expects an ISO instant with its offset, e\.g\. 2026-02-20T17:00:00-05:00, got "tomorrow"/,
    ],
    [['--clock', '2026-02-20T17:00:00'], /--clock expects an ISO instant with its offset/],
    [['--clock', '2026-02-20T17:00:00Z', '--speed', '0'], /--speed expects a number above 0, got "0"/],
    [['--clock', '2026-02-20T17:00:00Z', '--speed', 'fast'], /--speed expects a number above 0, got "fast"/],
    [['--speed', '600'], /--speed needs --clock/],
  ];
  for (const [args, message] of cases) {
    const stderr = capture();
    t.is(await replicaCommand(args, { stdout: capture().stream, stderr: stderr.stream }), 64, args.join(' '));
    t.regex(stderr.text(), message);
  }

  const stdout = capture();
  const stop = new AbortController();
  const started = Date.now();
  const exit = replicaCommand(
    ['--synthetic', '--synthetic-games', '30', '--clock', '2026-02-20T17:00:00-05:00', '--speed', '600'],
    { stdout: stdout.stream, stderr: capture().stream, stop: stop.signal },
  );
  for (let waited = 0; stdout.text().split('\n').length < 3 && waited < 500; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [listening, clockLine] = stdout.text().trim().split('\n');
  t.is(clockLine, 'virtual clock at 2026-02-20T17:00:00-05:00, 600× real time');
  const url = listening?.split(' ')[3];
  const response = await fetch(`${url}/api/stats/team/index?leagueId=00&season=2025-26`, {
    headers: HEADERS,
  });
  const elapsed = Date.now() - started;
  t.is(response.status, 200);
  const date = Date.parse(response.headers.get('date') ?? '');
  const start = Date.parse('2026-02-20T17:00:00-05:00');
  t.true(date >= start && date <= start + elapsed * 600, response.headers.get('date') ?? '');
  stop.abort();
  t.is(await exit, 0);
});

test('a game the skeleton has no final for goes live on the clock and never turns final', async (t) => {
  const small = loadSkeleton({ seed: 7, syntheticGames: 30 });
  const unfinished = small.games.find((entry) => entry.periods === 4) as Game;
  const withLive = {
    ...small,
    games: small.games.map((entry) => (entry === unfinished ? { ...entry, status: 2 as const } : entry)),
  };
  const tipOff = tipOffMsOf(unfinished);
  const replica = await startReplica({ skeleton: withLive, clock: { start: iso(tipOff + 6 * 60 * MINUTE) } });
  t.teardown(() => replica.close());
  t.is(replica.clock?.finalAt(unfinished.id), undefined);
  t.is(replica.clock?.tipOffAt(unfinished.id)?.getTime(), tipOff);
  const board = await scoreboardGame(replica, unfinished);
  t.like(board.shown, { gameStatus: 2, gameStatusText: 'Q4 0:00', period: 4 });
  const schedule = await scheduleGame(replica, unfinished);
  t.like(schedule.shown, { gameStatus: 2, gameStatusText: 'Q4 0:00' });
  t.is(
    (await fetch(`${replica.url}/api/stats/boxscore?gameId=${unfinished.id}`, { headers: HEADERS })).status,
    404,
  );
  // Without a clock it is as the skeleton says: in progress.
  const real = await startReplica({ skeleton: withLive });
  t.teardown(() => real.close());
  t.like((await scoreboardGame(real, unfinished)).shown, {
    gameStatus: 2,
    gameStatusText: 'In Progress',
    period: unfinished.periods,
    homeTeam: { score: unfinished.home.score, periods: [] },
  });
});
