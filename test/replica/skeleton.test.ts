import test from 'ava';
import { defaultDataDir, loadSkeleton, skeletonTotals } from '../../replica/skeleton.ts';
import { FORCED_SYNTHETIC, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const sumFga = (games: typeof skeleton.games) =>
  games.reduce((sum, game) => sum + game.home.box.fga + game.away.box.fga, 0);

test('the season has 844 games and 150,670 field-goal attempts (real data), or its own totals (synthetic)', (t) => {
  const totals = skeletonTotals(skeleton);
  if (skeleton.source === 'real') {
    t.is(totals.games, 844);
    t.is(totals.fga, 150_670);
    t.is(totals.byGameTeam.length, 1688);
  } else {
    t.is(totals.games, 1230);
    t.is(totals.fga, sumFga(skeleton.games));
    t.is(totals.byGameTeam.length, 2460);
  }
  t.is(
    totals.fgm,
    totals.byGameTeam.reduce((sum, entry) => sum + entry.fgm, 0),
  );
});

test('defaultDataDir points at ../shared/data/real beside the repository, whatever the cwd', (t) => {
  const dir = defaultDataDir();
  if (dir !== undefined) t.true(dir.endsWith('/shared/data/real'));
  t.is(skeleton.source, dir === undefined || FORCED_SYNTHETIC ? 'synthetic' : 'real');
});

test('every game is final, between two different known teams, with consistent field-goal totals', (t) => {
  const teamIds = new Set(skeleton.teams.map((team) => team.id));
  t.is(teamIds.size, 30);
  for (const game of skeleton.games) {
    t.is(game.status, 3);
    t.regex(game.id, /^00225\d{5}$/);
    t.not(game.home.teamId, game.away.teamId);
    for (const side of [game.home, game.away]) {
      t.true(teamIds.has(side.teamId));
      const { box } = side;
      t.is(box.pts, 2 * box.fgm + box.fg3m + box.ftm, `${game.id} ${side.teamId} points`);
      t.is(side.score, box.pts);
      t.true(box.fg3m <= box.fg3a && box.fg3a <= box.fga && box.fgm <= box.fga && box.ast <= box.fgm);
      t.is(box.min, 240 + 25 * (game.periods - 4));
    }
    t.not(game.home.score, game.away.score);
  }
});

test('games are ordered by date, then id, although ids are not chronological', (t) => {
  const keys = skeleton.games.map((game) => `${game.date} ${game.id}`);
  t.deepEqual(keys, [...keys].sort());
  const byId = [...skeleton.games].sort((a, b) => a.id.localeCompare(b.id));
  t.notDeepEqual(
    byId.map((game) => game.id),
    skeleton.games.map((game) => game.id),
  );
  const cupGames = skeleton.games.filter((game) => game.id >= '0022501201');
  t.is(cupGames.length, 30);
  t.true(cupGames.every((game) => game.date < (skeleton.games.at(-1)?.date ?? '')));
});

test('real data: overtime, neutral sites and a known game are read as they happened', (t) => {
  if (skeleton.source !== 'real') {
    t.true(skeleton.games.every((game) => !game.neutralSite));
    return;
  }
  const game = skeleton.games.find((candidate) => candidate.id === '0022500002');
  // "GSW @ LAL" on 2025-10-21: Golden State won 119-109 in Los Angeles.
  t.like(game, {
    date: '2025-10-21',
    periods: 4,
    home: { teamId: 1610612747, score: 109 },
    away: { teamId: 1610612744, score: 119 },
  });
  t.is(skeleton.games.find((candidate) => candidate.id === '0022500001')?.periods, 6);
  t.deepEqual(
    skeleton.games.filter((candidate) => candidate.neutralSite).map((candidate) => candidate.id),
    ['0022500147', '0022501229', '0022501230', '0022500578', '0022500602'],
  );
  t.is(skeleton.players.length, 557);
  t.is(skeleton.players.filter((player) => player.season !== null).length, 535);
});

test('a synthetic season is the same for the same seed and differs for another', (t) => {
  const first = loadSkeleton({ seed: 7, syntheticGames: 60 });
  t.deepEqual(loadSkeleton({ seed: 7, syntheticGames: 60 }), first);
  t.notDeepEqual(loadSkeleton({ seed: 8, syntheticGames: 60 }).games, first.games);
  t.is(first.source, 'synthetic');
  t.is(first.games.length, 60);
});

test('a synthetic season looks like the NBA: 30 teams of 15, plausible box totals, consecutive dates', (t) => {
  const synthetic = loadSkeleton({ seed: 3 });
  t.deepEqual(
    synthetic.teams.map((team) => team.id),
    Array.from({ length: 30 }, (_, index) => 1610612737 + index),
  );
  t.is(synthetic.players.length, 450);
  t.true(synthetic.players.every((player) => /^\d{7}$/.test(String(player.id))));
  t.is(new Set(synthetic.players.map((player) => player.id)).size, 450);
  t.is(synthetic.games[0]?.date, '2025-10-21');
  const dates = [...new Set(synthetic.games.map((game) => game.date))];
  dates.forEach((date, index) => {
    const expected = new Date(Date.UTC(2025, 9, 21 + index)).toISOString().slice(0, 10);
    t.is(date, expected);
  });
  for (const game of synthetic.games) {
    for (const { box } of [game.home, game.away]) {
      t.true(box.fga >= 75 && box.fga <= 100);
      t.true(box.fg3a >= 25 && box.fg3a <= 45);
      t.true(box.fgm / box.fga > 0.3 && box.fgm / box.fga < 0.62);
    }
  }
  const totals = skeletonTotals(synthetic);
  t.true(Math.abs(totals.fg3m / totals.fg3a - 0.365) < 0.02);
});
