import test from 'ava';
import type { GameId } from '../../src/gameId.ts';
import { selectGames } from '../../src/streams/gameSelection.ts';
import type { ScheduledGame } from '../../src/streams/reference.ts';

const game = (gameId: string, gameDate: string, status = 3): ScheduledGame => ({
  gameId: gameId as GameId,
  gameDate,
  status,
  seasonType: gameId.charAt(2) === '2' ? 'Regular Season' : 'Pre Season',
  homeTeamId: 1,
  awayTeamId: 2,
});

// In schedule order (by date): the NBA Cup id 0022501201 was played before 0022500300.
const schedule = [
  game('0012500001', '2025-10-05'),
  game('0022500001', '2025-10-21'),
  game('0022501201', '2025-11-14'),
  game('0022500300', '2025-11-20'),
  game('0022500301', '2025-11-20', 1),
  game('0022500900', '2026-02-22', 2),
];

test('selects final games of the season type in schedule (date) order, not id order', (t) => {
  const selection = selectGames(schedule, { seasonType: 'Regular Season' });
  t.deepEqual(selection.final, ['0022500001', '0022501201', '0022500300']);
  t.deepEqual(selection.notFinal, ['0022500301', '0022500900']);
  t.deepEqual(selection.unknown, []);
});

test('--since and --until bound the league days, both inclusive', (t) => {
  const selection = selectGames(schedule, {
    seasonType: 'Regular Season',
    since: '2025-11-14',
    until: '2025-11-20',
  });
  t.deepEqual(selection.final, ['0022501201', '0022500300']);
  t.deepEqual(selection.notFinal, ['0022500301']);
});

test('explicit game ids win over the season type; ids the schedule lacks are reported', (t) => {
  const ids = ['0012500001', '0022500301', '0022599999'] as GameId[];
  const selection = selectGames(schedule, { seasonType: 'Regular Season', gameIds: ids });
  t.deepEqual(selection.final, ['0012500001']);
  t.deepEqual(selection.notFinal, ['0022500301']);
  t.deepEqual(selection.unknown, ['0022599999']);
});
