import test from 'ava';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { getJson, HEADERS, replicaFor, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);

interface ScheduleTeam {
  teamId: number;
  teamTricode: string;
  score: number;
  wins: number;
  losses: number;
}
interface ScheduleGame {
  gameId: string;
  gameCode: string;
  gameStatus: number;
  gameStatusText: string;
  gameDateEst: string;
  gameDateTimeUTC: string;
  weekNumber: number;
  homeTeam: ScheduleTeam;
  awayTeam: ScheduleTeam;
}
interface ScheduleBody {
  leagueSchedule: {
    seasonYear: string;
    leagueId: string;
    gameDates: Array<{ gameDate: string; games: ScheduleGame[] }>;
  };
}
interface ScoreboardGame extends ScheduleGame {
  period: number;
  homeTeam: ScheduleTeam & { periods: Array<{ period: number; score: number }> };
  awayTeam: ScheduleTeam & { periods: Array<{ period: number; score: number }> };
}

let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(() => replica.close());
const get = <T>(path: string) => getJson<T>(`${replica.url}${path}`, HEADERS);

test('the schedule lists every game once, final, with its teams and score, dates in order', async (t) => {
  const { status, body } = await get<ScheduleBody>('/api/schedule/full?leagueId=00&season=2025-26');
  t.is(status, 200);
  t.like(body.leagueSchedule, { seasonYear: '2025-26', leagueId: '00' });
  const listed = body.leagueSchedule.gameDates.flatMap((date) => date.games);
  t.is(listed.length, skeleton.games.length);
  t.deepEqual(listed.map((game) => game.gameId).sort(), skeleton.games.map((game) => game.id).sort());
  for (const game of listed) {
    const expected = season.gamesById.get(game.gameId);
    t.is(game.gameStatus, 3);
    t.regex(game.gameStatusText, /^Final(\/\d?OT)?$/);
    t.is(game.gameDateEst, `${expected?.date}T00:00:00Z`);
    t.like(game.homeTeam, { teamId: expected?.home.teamId, score: expected?.home.score });
    t.like(game.awayTeam, { teamId: expected?.away.teamId, score: expected?.away.score });
    t.is(
      game.gameCode,
      `${expected?.date.replaceAll('-', '')}/${game.awayTeam.teamTricode}${game.homeTeam.teamTricode}`,
    );
  }
  const dates = body.leagueSchedule.gameDates.map((date) => date.gameDate);
  const iso = dates.map((date) => `${date.slice(6, 10)}-${date.slice(0, 2)}-${date.slice(3, 5)}`);
  t.deepEqual(iso, [...new Set(skeleton.games.map((game) => game.date))]);
  t.regex(dates[0] ?? '', /^\d{2}\/\d{2}\/\d{4} 00:00:00$/);
});

test('the schedule shows each team record after the game, ending at its season record', async (t) => {
  const { body } = await get<ScheduleBody>('/api/schedule/full?leagueId=00&season=2025-26');
  const last = new Map<number, { wins: number; losses: number }>();
  for (const game of body.leagueSchedule.gameDates.flatMap((date) => date.games)) {
    for (const team of [game.homeTeam, game.awayTeam])
      last.set(team.teamId, { wins: team.wins, losses: team.losses });
  }
  for (const team of skeleton.teams) {
    const played = skeleton.games.filter(
      (game) => game.home.teamId === team.id || game.away.teamId === team.id,
    );
    const wins = played.filter((game) => {
      const [mine, theirs] = game.home.teamId === team.id ? [game.home, game.away] : [game.away, game.home];
      return mine.score > theirs.score;
    }).length;
    t.deepEqual(last.get(team.id) ?? { wins: 0, losses: 0 }, { wins, losses: played.length - wins });
  }
});

test('real data: a known game reads as it happened in the schedule', async (t) => {
  const { body } = await get<ScheduleBody>('/api/schedule/full?leagueId=00&season=2025-26');
  const listed = body.leagueSchedule.gameDates.flatMap((date) => date.games);
  const first = skeleton.games[0];
  const game = listed.find(
    (candidate) => candidate.gameId === (skeleton.source === 'real' ? '0022500002' : first?.id),
  );
  if (skeleton.source === 'real') {
    t.like(game, {
      gameCode: '20251021/GSWLAL',
      gameStatusText: 'Final',
      weekNumber: 1,
      homeTeam: { teamTricode: 'LAL', score: 109, wins: 0, losses: 1 },
      awayTeam: { teamTricode: 'GSW', score: 119, wins: 1, losses: 0 },
    });
  } else {
    t.like(game, { gameId: first?.id, weekNumber: 1, homeTeam: { teamId: first?.home.teamId } });
  }
});

test('the schedule of another season is empty, and a missing season is a 400', async (t) => {
  const other = await get<ScheduleBody>('/api/schedule/full?leagueId=00&season=2019-20');
  t.is(other.status, 200);
  t.deepEqual(other.body.leagueSchedule.gameDates, []);
  const missing = await get<{ errors: Record<string, string[]> }>('/api/schedule/full?leagueId=00');
  t.is(missing.status, 400);
  t.deepEqual(missing.body, { errors: { season: ['season is required'] } });
});

test('the scoreboard lists the games of a date with line scores that add up to the final score', async (t) => {
  const date = skeleton.source === 'real' ? '2025-11-05' : (skeleton.games[30]?.date ?? '');
  const { status, body } = await get<{
    scoreboard: { gameDate: string; leagueId: string; games: ScoreboardGame[] };
  }>(`/api/scores/scoreboard/date?leagueId=00&gameDate=${date}`);
  t.is(status, 200);
  t.like(body.scoreboard, { gameDate: date, leagueId: '00' });
  const expected = skeleton.games.filter((game) => game.date === date);
  t.deepEqual(
    body.scoreboard.games.map((game) => game.gameId).sort(),
    expected.map((game) => game.id).sort(),
  );
  for (const game of body.scoreboard.games) {
    const periods = season.gamesById.get(game.gameId)?.periods ?? 0;
    t.is(game.gameStatus, 3);
    t.is(game.period, periods);
    for (const team of [game.homeTeam, game.awayTeam]) {
      t.is(team.periods.length, periods);
      t.is(
        team.periods.reduce((sum, period) => sum + period.score, 0),
        team.score,
      );
    }
  }
  if (skeleton.source === 'real') {
    t.is(body.scoreboard.games.length, 11);
    // Upstream's own scoreboard of that night: PHI 121 at CLE 132, both 5-3 afterwards.
    const game = body.scoreboard.games.find((candidate) => candidate.gameId === '0022500171');
    t.like(game, {
      gameCode: '20251105/PHICLE',
      homeTeam: { teamTricode: 'CLE', score: 132, wins: 5, losses: 3 },
      awayTeam: { teamTricode: 'PHI', score: 121, wins: 5, losses: 3 },
    });
  }
});

test('a scoreboard date without games is empty; a malformed date is a 400', async (t) => {
  const empty = await get<{ scoreboard: { games: unknown[] } }>(
    '/api/scores/scoreboard/date?leagueId=00&gameDate=2025-08-01',
  );
  t.is(empty.status, 200);
  t.deepEqual(empty.body.scoreboard.games, []);
  const malformed = await get('/api/scores/scoreboard/date?leagueId=00&gameDate=2025-13-45');
  t.is(malformed.status, 400);
});

test('the team index lists the 30 teams with ids, names and abbreviations', async (t) => {
  const { status, body } = await get<{
    leagueId: string;
    season: string;
    teams: Array<Record<string, unknown>>;
  }>('/api/stats/team/index?leagueId=00&season=2025-26');
  t.is(status, 200);
  t.like(body, { leagueId: '00', season: '2025-26' });
  t.deepEqual(
    body.teams.map((team) => team.teamId),
    Array.from({ length: 30 }, (_, index) => 1610612737 + index),
  );
  for (const team of body.teams) {
    const expected = season.teamsById.get(team.teamId as number);
    t.like(team, {
      teamCity: expected?.city,
      teamName: expected?.nickname,
      teamAbbreviation: expected?.abbreviation,
    });
  }
  if (skeleton.source === 'real') {
    t.deepEqual(
      body.teams.find((team) => team.teamId === 1610612739),
      {
        teamId: 1610612739,
        teamCity: 'Cleveland',
        teamName: 'Cavaliers',
        teamAbbreviation: 'CLE',
        teamSlug: 'cavaliers',
        conference: 'East',
        division: 'Central',
        teamState: 'Ohio',
        homeArena: 'Rocket Mortgage FieldHouse',
      },
    );
  }
});

test('the player index lists the index players, and knows every generated shooter', async (t) => {
  const { body } = await get<{
    players: Array<{ playerId: number; teamId: number; name: string; teamAbbreviation: string }>;
  }>('/api/stats/player/index?leagueId=00&season=2025-26');
  const indexed = skeleton.players.filter((player) => player.inPlayerIndex);
  t.is(body.players.length, skeleton.source === 'real' ? 557 : indexed.length);
  t.deepEqual(
    body.players.map((player) => player.playerId),
    indexed.map((player) => player.id),
  );
  const known = new Set(body.players.map((player) => player.playerId));
  const shooters = skeleton.players.filter((player) => (player.season?.fga ?? 0) > 0);
  t.deepEqual(
    shooters.filter((player) => !known.has(player.id)).map((player) => player.id),
    [],
  );
  if (skeleton.source === 'real') {
    t.like(
      body.players.find((player) => player.playerId === 1628378),
      { name: 'Donovan Mitchell', teamId: 1610612739, teamAbbreviation: 'CLE' },
    );
  }
});
