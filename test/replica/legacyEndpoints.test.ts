// The legacy per-game endpoints: `/api/stats/boxscore`, `/pbp`, `/poc` and the hustle XML feeds
// agree with the skeleton's box, with the Query Tool's players who played and with each other; the
// hustle feeds hold back the latest dates (403, 404) unless configured not to; fixtures, stats and
// gates apply as on every endpoint.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { XMLParser } from 'fast-xml-parser';
import { gameParticipants } from '../../replica/generators/gameParticipants.ts';
import { legacyBoxScore } from '../../replica/generators/legacyBoxScore.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import type { Game } from '../../replica/skeleton.ts';
import { getJson, HEADERS, replicaFor, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finals = skeleton.games.filter((game) => game.status === 3);
const finalDates = [...new Set(finals.map((game) => game.date))].sort();
const latestDate = finalDates.at(-1) as string;
const dayBefore = finalDates.at(-2) as string;
const overtime = finals.find((game) => game.periods > 4) as Game;
/** A handful of published games: three early ones and one that went to overtime. */
const sample = [...finals.slice(0, 3), overtime];
const onLatest = finals.find((game) => game.date === latestDate) as Game;
const onDayBefore = finals.find((game) => game.date === dayBefore) as Game;

interface LivePlayer {
  personId: number;
  status: string;
  notPlayingReason?: string;
  notPlayingDescription?: string;
  order: number;
  position?: string;
  starter: string;
  oncourt: string;
  played: string;
  statistics: Record<string, number | string>;
}
interface LiveTeam {
  teamId: number;
  score: number;
  periods: { period: number; periodType: string; score: number }[];
  players: LivePlayer[];
  statistics: Record<string, number | string>;
}
interface BoxScoreBody {
  meta: { code: number };
  game: { gameId: string; gameStatus: number; period: number; homeTeam: LiveTeam; awayTeam: LiveTeam };
}
interface LiveAction {
  actionNumber: number;
  period: number;
  periodType: string;
  teamId?: number;
  actionType: string;
  subType?: string;
  personId: number;
  isFieldGoal: 0 | 1;
  shotResult?: string;
  scoreHome: string;
  scoreAway: string;
}
interface PbpBody {
  game: { gameId: string; actions: LiveAction[] };
}
interface PocBody {
  gameId: string;
  events: {
    game_id: string;
    event_Num: number;
    playersPlusMinus: { team_id: number; person_id: number }[];
  }[];
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: true });
/** An XML element's attributes (and child elements), attribute values parsed as numbers where they are. */
type XmlElement = Record<string, unknown>;
/** Elements that repeat are arrays, however many the document has. */
const many = (value: unknown): XmlElement[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as XmlElement[]) : [value as XmlElement];
const count = (element: XmlElement, name: string) => Number(element[name]);
const COUNTERS = ['CFG', 'C2FG', 'C3FG', 'DEFL', 'LBR', 'CHG_DR', 'SA', 'BOXOUTS', 'OLBR', 'DLBR'] as const;
const MORE_COUNTERS = ['DBOXOUTS', 'OBOXOUTS', 'PTSOFFSA', 'FORCEDTOV'] as const;

const teamMinutes = (game: Game) => `PT${240 + 25 * (game.periods - 4)}M00.00S`;
/** "PT34M12.60S" → 34.21 minutes. */
const decimalMinutes = (iso: string) => {
  const [, minutes, seconds] = /^PT(\d+)M([\d.]+)S$/.exec(iso) ?? [];
  return Number(minutes) + Number(seconds) / 60;
};
const participantIds = (game: Game, teamId: number, seed: number) =>
  gameParticipants(season, game, seed)
    .filter((participant) => participant.side.teamId === teamId)
    .map((participant) => participant.entry.player.id)
    .sort((a, b) => a - b);

let replica: Replica;
let published: Replica;
let fixturesDir: string;
const boxScoreFixture = '{"game":{"gameId":"fixture"}}';
const hustleFixture = '<?xml version="1.0"?><HustleStatsBoxScore Game_id="fixture"/>';
test.before(async () => {
  fixturesDir = await mkdtemp(join(tmpdir(), 'replica-legacy-'));
  await mkdir(join(fixturesDir, 'stats-boxscore'));
  await writeFile(join(fixturesDir, 'stats-boxscore', `${finals[1]?.id}.json`), boxScoreFixture);
  await mkdir(join(fixturesDir, 'hustlestats-box'));
  await writeFile(join(fixturesDir, 'hustlestats-box', `${onLatest.id}.xml`), hustleFixture);
  replica = await replicaFor();
  published = await replicaFor({ hustleUnavailableDays: 0, fixturesDir });
});
test.after.always(async () => {
  await Promise.all([replica.close(), published.close()]);
  await rm(fixturesDir, { recursive: true, force: true });
});

const boxScore = (target: Replica, game: Game) =>
  getJson<BoxScoreBody>(`${target.url}/api/stats/boxscore?gameId=${game.id}&measureType=Traditional`);
const playByPlay = (target: Replica, game: Game) =>
  getJson<PbpBody>(`${target.url}/api/stats/pbp?gameId=${game.id}`);
async function hustle(target: Replica, path: string) {
  const response = await fetch(`${target.url}/api/hustlestats/${path}`, { headers: HEADERS });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('box score team totals are the skeleton box, with team minutes of 240 plus 25 an overtime', async (t) => {
  for (const game of sample) {
    const { status, body } = await boxScore(replica, game);
    t.is(status, 200);
    t.is(body.game.gameId, game.id);
    t.is(body.game.period, game.periods);
    for (const [team, side] of [
      [body.game.homeTeam, game.home],
      [body.game.awayTeam, game.away],
    ] as const) {
      const stats = team.statistics;
      const box = side.box;
      t.is(team.teamId, side.teamId);
      t.is(team.score, side.score);
      t.deepEqual(
        [
          stats.fieldGoalsMade,
          stats.fieldGoalsAttempted,
          stats.threePointersMade,
          stats.threePointersAttempted,
          stats.freeThrowsMade,
          stats.freeThrowsAttempted,
          stats.reboundsOffensive,
          stats.reboundsDefensive,
          stats.reboundsPersonal,
          stats.assists,
          stats.steals,
          stats.blocks,
          stats.turnoversTotal,
          stats.foulsPersonal,
          stats.points,
        ],
        [
          box.fgm,
          box.fga,
          box.fg3m,
          box.fg3a,
          box.ftm,
          box.fta,
          box.oreb,
          box.dreb,
          box.reb,
          box.ast,
          box.stl,
          box.blk,
          box.tov,
          box.pf,
          box.pts,
        ],
        `${game.id} ${side.teamId}`,
      );
      // Upstream's total counts the team rebounds too.
      t.is(stats.reboundsTotal, box.reb + Number(stats.reboundsTeam));
      t.is(stats.minutes, teamMinutes(game));
      t.deepEqual(
        team.periods.map((period) => [period.period, period.periodType]),
        Array.from({ length: game.periods }, (_, index) => [index + 1, index < 4 ? 'REGULAR' : 'OVERTIME']),
      );
      t.is(
        team.periods.reduce((sum, period) => sum + period.score, 0),
        side.score,
      );
    }
  }
  t.is(overtime.periods > 4, true);
});

test('box score players who played are the Query Tool participants, and their counts add up to the team', async (t) => {
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: skeleton.season,
    SeasonType: 'Regular Season',
    MeasureType: 'Advanced',
    GameId: sample.map((game) => game.id).join(','),
  });
  const advanced = await getJson<{ players: { gameId: string; teamId: number; playerId: number }[] }>(
    `${replica.url}/api/querytool/game/player?${params}`,
  );
  t.is(advanced.status, 200);
  for (const game of sample) {
    const { body } = await boxScore(replica, game);
    for (const team of [body.game.homeTeam, body.game.awayTeam]) {
      const played = team.players.filter((player) => player.played === '1');
      const ids = played.map((player) => player.personId).sort((a, b) => a - b);
      t.deepEqual(ids, participantIds(game, team.teamId, replica.seed));
      t.deepEqual(
        ids,
        advanced.body.players
          .filter((row) => row.gameId === game.id && row.teamId === team.teamId)
          .map((row) => row.playerId)
          .sort((a, b) => a - b),
      );
      const sum = (key: string) =>
        played.reduce((total, player) => total + Number(player.statistics[key]), 0);
      for (const key of [
        'points',
        'fieldGoalsMade',
        'fieldGoalsAttempted',
        'threePointersMade',
        'threePointersAttempted',
        'freeThrowsMade',
        'freeThrowsAttempted',
        'reboundsOffensive',
        'reboundsDefensive',
        'assists',
        'steals',
        'blocks',
        'turnovers',
        'foulsPersonal',
        'foulsDrawn',
      ]) {
        t.is(sum(key), Number(team.statistics[key]), `${game.id} ${team.teamId} ${key}`);
      }
      t.is(sum('reboundsTotal'), Number(team.statistics.reboundsPersonal));
      const minutes = played.reduce(
        (total, player) => total + decimalMinutes(String(player.statistics.minutes)),
        0,
      );
      t.is(Math.round(minutes * 100), Math.round(decimalMinutes(teamMinutes(game)) * 100));
      t.deepEqual(
        played.filter((player) => player.starter === '1').map((player) => player.position),
        ['SF', 'PF', 'C', 'SG', 'PG'],
      );
      t.is(team.players.filter((player) => player.oncourt === '1').length, 5);
    }
  }
});

test('box score lists 13 to 17 players a team; those who did not play are inactive or benched, with a reason', async (t) => {
  for (const game of sample) {
    const { body } = await boxScore(replica, game);
    for (const team of [body.game.homeTeam, body.game.awayTeam]) {
      t.true(team.players.length >= 13 && team.players.length <= 17, `${team.players.length} players`);
      t.deepEqual(
        team.players.map((player) => player.order),
        team.players.map((_, index) => index + 1),
      );
      const out = team.players.filter((player) => player.played === '0');
      t.true(
        out.some(
          (player) => player.status === 'INACTIVE' && player.notPlayingReason?.startsWith('INACTIVE_'),
        ),
      );
      for (const player of out) {
        t.truthy(player.notPlayingReason);
        t.is(player.status, player.notPlayingReason === 'DNP_COACH' ? 'ACTIVE' : 'INACTIVE');
        t.is(player.statistics.minutes, 'PT00M00.00S');
        t.is(player.statistics.points, 0);
        t.is(player.position, undefined);
      }
      for (const injured of out.filter((player) => player.notPlayingReason === 'INACTIVE_INJURY'))
        t.regex(injured.notPlayingDescription ?? '', /^\w[\w ]+; \w/);
    }
  }
});

test('play-by-play runs through every period to the final score, with the box score FGA, FGM and FG3A', async (t) => {
  for (const game of sample) {
    const { status, body } = await playByPlay(replica, game);
    t.is(status, 200);
    const { actions } = body.game;
    t.true(actions.length >= 450 && actions.length <= 750, `${actions.length} actions`);
    t.true(
      actions.every(
        (action, index) => index === 0 || action.actionNumber > (actions[index - 1]?.actionNumber ?? 0),
      ),
    );
    t.is(Math.max(...actions.map((action) => action.period)), game.periods);
    t.is(
      actions.filter((action) => action.actionType === 'period' && action.subType === 'start').length,
      game.periods,
    );
    t.true(actions.every((action) => action.periodType === (action.period > 4 ? 'OVERTIME' : 'REGULAR')));
    const last = actions.at(-1) as LiveAction;
    t.deepEqual([last.scoreHome, last.scoreAway], [String(game.home.score), String(game.away.score)]);
    const { body: box } = await boxScore(replica, game);
    for (const [side, team] of [
      [game.home, box.game.homeTeam],
      [game.away, box.game.awayTeam],
    ] as const) {
      const shots = actions.filter((action) => action.teamId === side.teamId && action.isFieldGoal === 1);
      t.is(shots.length, side.box.fga);
      t.is(shots.filter((shot) => shot.shotResult === 'Made').length, side.box.fgm);
      t.is(shots.filter((shot) => shot.actionType === '3pt').length, side.box.fg3a);
      // The line score is the play-by-play's score at each period end.
      const ends = actions.filter((action) => action.actionType === 'period' && action.subType === 'end');
      const running = ends.map((end) => Number(side === game.home ? end.scoreHome : end.scoreAway));
      t.deepEqual(
        team.periods.map((period) => period.score),
        running.map((score, index) => score - (running[index - 1] ?? 0)),
      );
    }
  }
});

test('players on court: one event per team action, ten players who played, five a team', async (t) => {
  for (const game of sample.slice(0, 2)) {
    const { status, body } = await getJson<PocBody>(`${replica.url}/api/stats/poc?gameId=${game.id}`);
    t.is(status, 200);
    t.is(body.gameId, game.id);
    const { body: pbp } = await playByPlay(replica, game);
    t.deepEqual(
      body.events.map((event) => event.event_Num),
      pbp.game.actions.filter((action) => action.teamId !== undefined).map((action) => action.actionNumber),
    );
    const home = new Set(participantIds(game, game.home.teamId, replica.seed));
    const away = new Set(participantIds(game, game.away.teamId, replica.seed));
    for (const event of body.events) {
      t.is(event.game_id, game.id);
      t.is(event.playersPlusMinus.length, 10);
      const ofTeam = (teamId: number, played: Set<number>) =>
        event.playersPlusMinus.filter((entry) => entry.team_id === teamId && played.has(entry.person_id))
          .length;
      if (ofTeam(game.home.teamId, home) !== 5 || ofTeam(game.away.teamId, away) !== 5) {
        t.fail(`event ${event.event_Num}: ${JSON.stringify(event.playersPlusMinus)}`);
        return;
      }
    }
  }
});

test('hustle box score: players who played, team totals their sums, and the parts add up', async (t) => {
  const game = sample[0] as Game;
  const response = await hustle(replica, `${game.id}_hustlestats.xml`);
  t.is(response.status, 200);
  t.regex(response.type ?? '', /^application\/xml/);
  const document = xml.parse(response.text).HustleStatsBoxScore;
  t.is(String(document.Game_id).padStart(10, '0'), game.id);
  const teams = many(document.Player_Stats.Team);
  const totals = many(document.Team_Stats.Team_Stats);
  t.deepEqual(
    teams.map((team) => team.Team_id),
    [game.home.teamId, game.away.teamId],
  );
  for (const [index, team] of teams.entries()) {
    const players = many(team.Player);
    t.deepEqual(
      players.map((player) => count(player, 'Person_id')).sort((a, b) => a - b),
      participantIds(game, Number(team.Team_id), replica.seed),
    );
    const total = totals[index] as XmlElement;
    t.is(total.Team_id, team.Team_id);
    for (const counter of [...COUNTERS, ...MORE_COUNTERS]) {
      t.is(
        players.reduce((sum, player) => sum + count(player, counter), 0),
        count(total, counter),
        counter,
      );
    }
    for (const row of [...players, total]) {
      t.is(count(row, 'C2FG') + count(row, 'C3FG'), count(row, 'CFG'));
      t.is(count(row, 'OLBR') + count(row, 'DLBR'), count(row, 'LBR'));
      t.is(count(row, 'OBOXOUTS') + count(row, 'DBOXOUTS'), count(row, 'BOXOUTS'));
    }
    t.true(count(total, 'CFG') > 10 && count(total, 'DEFL') > 0, JSON.stringify(total));
  }
});

test('hustle events are the counters, one event per contest, deflection, loose ball, charge, screen assist, box out', async (t) => {
  const game = sample[0] as Game;
  const box = xml.parse((await hustle(replica, `${game.id}_hustlestats.xml`)).text).HustleStatsBoxScore;
  const response = await hustle(replica, `${game.id}_HustleStatsGameEvents.xml`);
  t.is(response.status, 200);
  const document = xml.parse(response.text).HustleStatsEvents;
  t.is(String(document.GameID).padStart(10, '0'), game.id);
  const events = many(document.Event);
  const players = many(box.Player_Stats.Team).flatMap((team) => many(team.Player));
  const byType = (type: number, personId: number) =>
    events.filter((event) => event.EventType === type && event.PlayerID === personId);
  for (const player of players) {
    const id = count(player, 'Person_id');
    t.deepEqual(
      [1, 2, 3, 4, 5, 6].map((type) => byType(type, id).length),
      ['CFG', 'DEFL', 'LBR', 'CHG_DR', 'SA', 'BOXOUTS'].map((name) => count(player, name)),
    );
    t.is(byType(1, id).filter((event) => event.ActionType === 3).length, count(player, 'C3FG'));
    t.is(
      byType(5, id).reduce((sum, event) => sum + count(event, 'PointsOffScreenAssists'), 0),
      count(player, 'PTSOFFSA'),
    );
  }
  const { body: pbp } = await playByPlay(replica, game);
  const actionNumbers = new Set(pbp.game.actions.map((action) => action.actionNumber));
  t.true(events.every((event) => actionNumbers.has(Number(event.EventNumber))));
});

test('hustle files of the latest two dates are not published yet (403, then 404) unless configured', async (t) => {
  const latest = await hustle(replica, `${onLatest.id}_hustlestats.xml`);
  t.is(latest.status, 403);
  t.regex(latest.text, /<Code>AccessDenied<\/Code>/);
  t.is((await hustle(replica, `${onLatest.id}_HustleStatsGameEvents.xml`)).status, 403);
  const before = await hustle(replica, `${onDayBefore.id}_hustlestats.xml`);
  t.is(before.status, 404);
  t.regex(before.text, /<Code>NoSuchKey<\/Code>/);
  // Another replica serves every game: the same game is there.
  t.is((await hustle(published, `${onDayBefore.id}_hustlestats.xml`)).status, 200);
  t.is((await hustle(published, `${onDayBefore.id}_HustleStatsGameEvents.xml`)).status, 200);
  // File names are case-sensitive, and unknown games have no file.
  const wrongCase = await hustle(replica, `${(sample[0] as Game).id}_HUSTLESTATS.xml`);
  t.is(wrongCase.status, 404);
  t.regex(wrongCase.type ?? '', /^application\/xml/);
  t.is((await hustle(replica, '0022599999_hustlestats.xml')).status, 404);
});

test('unknown games are 404 and malformed calls 400 on the JSON legacy endpoints', async (t) => {
  for (const path of ['boxscore', 'pbp', 'poc']) {
    const unknown = await getJson<{ errors: Record<string, string[]> }>(
      `${replica.url}/api/stats/${path}?gameId=0022599999`,
    );
    t.is(unknown.status, 404, path);
    t.truthy(unknown.body.errors.gameId);
    t.is((await getJson(`${replica.url}/api/stats/${path}`)).status, 400);
    t.is((await getJson(`${replica.url}/api/stats/${path}?gameId=22500001`)).status, 400);
  }
  t.is(
    (await getJson(`${replica.url}/api/stats/boxscore?gameId=${finals[0]?.id}&measureType=Advanced`)).status,
    400,
  );
});

test('fixtures are served verbatim: a JSON box score and an XML hustle file, even one not published yet', async (t) => {
  const fixed = await fetch(`${published.url}/api/stats/boxscore?gameId=${finals[1]?.id}`, {
    headers: HEADERS,
  });
  t.is(fixed.status, 200);
  t.is(await fixed.text(), boxScoreFixture);
  const withheld = await replicaFor({ fixturesDir });
  t.teardown(() => withheld.close());
  const file = await hustle(withheld, `${onLatest.id}_hustlestats.xml`);
  t.is(file.status, 200);
  t.is(file.text, hustleFixture);
  t.regex(file.type ?? '', /^application\/xml/);
  // Other games are generated as usual.
  const generated = finals[0] as Game;
  t.is((await boxScore(published, generated)).body.game.gameId, generated.id);
});

test('legacy payloads are pure in (game, seed): the same seed gives the same body, another seed another', async (t) => {
  const game = sample[1] as Game;
  const again = await replicaFor();
  const reseeded = await replicaFor({ seed: replica.seed + 1 });
  t.teardown(() => Promise.all([again.close(), reseeded.close()]));
  const [first, second, other] = await Promise.all(
    [replica, again, reseeded].map((target) => boxScore(target, game)),
  );
  t.deepEqual(second?.body.game, first?.body.game);
  t.notDeepEqual(other?.body.game, first?.body.game);
  const expected = legacyBoxScore(season, game, replica.seed);
  t.deepEqual(first?.body.game.homeTeam, JSON.parse(JSON.stringify(expected.homeTeam)));
  const pbp = await Promise.all([replica, again].map((target) => playByPlay(target, game)));
  t.deepEqual(pbp[1]?.body.game, pbp[0]?.body.game);
  const files = await Promise.all(
    [replica, again].map((target) => hustle(target, `${game.id}_HustleStatsGameEvents.xml`)),
  );
  t.is(files[1]?.text, files[0]?.text);
});

test('every call is recorded under its endpoint key with its status and one game id', async (t) => {
  const target = await replicaFor({ faults: { hustlestats: { rates: { '503': 1 } } } });
  t.teardown(() => target.close());
  const game = finals[0] as Game;
  t.is((await boxScore(target, game)).status, 200);
  t.is((await playByPlay(target, game)).status, 200);
  t.is((await getJson(`${target.url}/api/stats/poc?gameId=${game.id}`)).status, 200);
  t.is((await hustle(target, `${game.id}_hustlestats.xml`)).status, 503);
  t.is((await hustle(target, `${game.id}_HustleStatsGameEvents.xml`)).status, 503);
  const unauthorized = await fetch(`${target.url}/api/hustlestats/${game.id}_hustlestats.xml`);
  t.is(unauthorized.status, 401);
  const stats = target.stats();
  t.like(stats.byEndpoint, {
    'stats-boxscore': 1,
    'stats-pbp': 1,
    'stats-poc': 1,
    'hustlestats-box': 2,
    'hustlestats-events': 1,
  });
  t.deepEqual(
    stats.calls.map((call) => [call.endpoint, call.status, call.gameIds]),
    [
      ['stats-boxscore', 200, 1],
      ['stats-pbp', 200, 1],
      ['stats-poc', 200, 1],
      ['hustlestats-box', 503, 1],
      ['hustlestats-events', 503, 1],
      ['hustlestats-box', 401, 1],
    ],
  );
});
