// League days are US Eastern dates whatever the host's zone, and seasons turn over in July.
import test from 'ava';
import type { GameId } from '../../src/gameId.ts';
import { addDays, easternDate, seasonOfDate, seasonOfGameId } from '../../src/streams/leagueDay.ts';
import type { ScheduledGame } from '../../src/streams/reference.ts';
import { boardGames, isCalledOff, withBoardStatuses } from '../../src/streams/scoreboard.ts';

test('a 10:30 pm ET tip-off is still that day in the East, though UTC has moved on', (t) => {
  t.is(easternDate(new Date('2026-02-21T03:30:00Z')), '2026-02-20'); // 22:30 EST
  t.is(easternDate(new Date('2026-02-21T05:00:00Z')), '2026-02-21'); // midnight EST
  t.is(easternDate(new Date('2026-07-01T03:59:00Z')), '2026-06-30'); // 23:59 EDT
});

test('days move across month and year ends', (t) => {
  t.is(addDays('2026-03-01', -1), '2026-02-28');
  t.is(addDays('2025-12-31', 1), '2026-01-01');
  t.is(addDays('2026-02-20', 0), '2026-02-20');
});

test('the season of a date turns over in July; of a game id, its fourth and fifth digits', (t) => {
  t.is(seasonOfDate('2026-06-20'), '2025-26');
  t.is(seasonOfDate('2026-07-01'), '2026-27');
  t.is(seasonOfDate('2025-10-21'), '2025-26');
  t.is(seasonOfGameId('0022500001'), '2025-26');
  t.is(seasonOfGameId('0042600101'), '2026-27');
  t.is(seasonOfGameId('0029900001'), '2099-00');
});

const board = (games: Array<{ id: string; status: number; text: string }>) => ({
  scoreboard: {
    gameDate: '2026-02-20',
    leagueId: '00',
    games: games.map((game) => ({
      gameId: game.id as GameId,
      gameCode: '20260220/LALGSW',
      gameStatus: game.status,
      gameStatusText: game.text,
      gameTimeUTC: '2026-02-21T00:00:00Z',
      homeTeam: { teamId: 1610612744, score: 110 },
      awayTeam: { teamId: 1610612747, score: 104 },
    })),
  },
});

test('a scoreboard game keeps its status, tip-off and final score; postponed and cancelled games are called off', (t) => {
  const games = boardGames(
    board([
      { id: '0022500801', status: 3, text: 'Final' },
      { id: '0022500802', status: 1, text: 'PPD' },
      { id: '0022500803', status: 1, text: 'Cancelled' },
      { id: '0022500804', status: 1, text: '7:30 pm ET' },
      { id: '0022500805', status: 2, text: 'Q3 5:12' },
    ]),
  );
  t.deepEqual(
    games.map((game) => [game.gameId, game.status, game.homeScore, isCalledOff(game)]),
    [
      ['0022500801', 3, 110, false],
      ['0022500802', 1, null, true],
      ['0022500803', 1, null, true],
      ['0022500804', 1, null, false],
      ['0022500805', 2, null, false],
    ],
  );
  t.is(games[0]?.tipOff?.toISOString(), '2026-02-21T00:00:00.000Z');
  t.is(games[0]?.gameDate, '2026-02-20');
});

test('a status only moves forward: a stale scoreboard does not take a final back to live', (t) => {
  const scheduled = (id: string, status: number): ScheduledGame => ({
    gameId: id as GameId,
    gameDate: '2026-02-20',
    status,
    seasonType: 'Regular Season',
    homeTeamId: 1,
    awayTeamId: 2,
  });
  const games = boardGames(
    board([
      { id: '0022500801', status: 3, text: 'Final' },
      { id: '0022500805', status: 2, text: 'Q4 0:00' },
    ]),
  );
  const merged = withBoardStatuses(
    [scheduled('0022500801', 1), scheduled('0022500805', 3), scheduled('0022500806', 1)],
    games,
  );
  t.deepEqual(
    merged.map((game) => [game.gameId, game.status]),
    [
      ['0022500801', 3],
      ['0022500805', 3],
      ['0022500806', 1],
    ],
  );
});
