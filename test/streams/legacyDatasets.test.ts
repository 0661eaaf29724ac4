// The legacy per-game declarations on real payloads (the live box score and play-by-play of
// 0022000001, read from ../shared/data/real, or payloads of the same shape built here when that folder
// is absent) and on crafted ones: roster and DNP facts, units, identity, empty games, the hustle XML
// feeds. The last tests check the declarations against the migration and load the parsed rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { defaultDataDir } from '../../replica/skeleton.ts';
import type { GameId } from '../../src/gameId.ts';
import { writeBatch } from '../../src/sinks/batchWriter.ts';
import { type ColumnType, checkTableSpec } from '../../src/sinks/tableSpec.ts';
import { boxScoreTraditional } from '../../src/streams/boxScoreTraditional.ts';
import type { LegacyDataset, RequestedGame, RowContext } from '../../src/streams/dataset.ts';
import { hustleBox, hustleEvents } from '../../src/streams/hustle.ts';
import { isoDuration, minutesOf, secondsOf } from '../../src/streams/legacyValues.ts';
import { playByPlay } from '../../src/streams/playByPlay.ts';
import { playersOnCourt } from '../../src/streams/playersOnCourt.ts';
import type { OutOfRange } from '../../src/streams/rowValues.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { gamesSpec } from '../support/referenceRows.ts';

const GAME = '0022000001' as GameId;
const OTHER_GAME = '0022000002';
const BKN = 1610612751;
const GSW = 1610612744;
/** 0022000001 as the schedule lists it: GSW at BKN. */
const REQUESTED: RequestedGame = { gameId: GAME, homeTeamId: BKN, awayTeamId: GSW };
const LEGACY: readonly LegacyDataset[] = [
  boxScoreTraditional,
  playByPlay,
  playersOnCourt,
  hustleBox,
  hustleEvents,
];

const REAL_GAME_DIR = (() => {
  const dir = defaultDataDir();
  return dir === undefined ? undefined : join(dir, 'dblackrun__pbpstats', 'game_0022000001_2020-21');
})();

/** The real payload, or one of the same shape and the same facts asserted below. */
function realOr(file: string, sameShape: () => unknown): unknown {
  return REAL_GAME_DIR ? JSON.parse(readFileSync(join(REAL_GAME_DIR, file), 'utf8')) : sameShape();
}

type Row = Record<string, unknown>;

/** Each table's rows as records by column name, and what the parse flagged; fails on a failed parse. */
function parsed(t: ExecutionContext, dataset: LegacyDataset, body: unknown) {
  const flagged: OutOfRange[] = [];
  const context: RowContext = {
    seasonLabel: '2020-21',
    seasonType: 'Regular Season',
    finalGames: 1,
    flag: (issue) => flagged.push(issue),
    drop: () => t.fail('no legacy dataset drops rows'),
  };
  const result = dataset.parse(REQUESTED, body, context);
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  t.is(result.rows.length, dataset.tables.length);
  const tables = dataset.tables.map((spec, index) =>
    (result.rows[index] ?? []).map((row): Row => {
      t.is(row.length, spec.columns.length, `${spec.table} rows have a value per column`);
      return Object.fromEntries(spec.columns.map((column, at) => [column.name, row[at]]));
    }),
  );
  return { tables, rows: result.rows, flagged };
}

const failure = (dataset: LegacyDataset, body: unknown) => {
  const context: RowContext = {
    seasonLabel: '2020-21',
    seasonType: 'Regular Season',
    finalGames: 1,
    flag: () => {},
    drop: () => {},
  };
  const result = dataset.parse(REQUESTED, body, context);
  return result.ok ? { reason: 'ok', detail: '' } : { reason: result.reason, detail: result.detail };
};

const pick = (rows: readonly Row[], ...columns: string[]) =>
  rows.map((row) => columns.map((name) => row[name]));

// ---- box score payloads ----

function player(personId: number, fields: Row = {}, statistics: Row = {}) {
  return {
    status: 'ACTIVE',
    order: 1,
    personId,
    jerseyNum: '0',
    starter: '0',
    oncourt: '0',
    played: '1',
    name: `Player ${personId}`,
    ...fields,
    statistics: {
      minutes: 'PT12M30.00S',
      points: 4,
      fieldGoalsMade: 2,
      fieldGoalsAttempted: 5,
      fieldGoalsPercentage: 0.4,
      threePointersMade: 0,
      threePointersAttempted: 1,
      threePointersPercentage: 0,
      reboundsTotal: 3,
      plusMinusPoints: -2,
      ...statistics,
    },
  };
}

const inactive = (personId: number, reason: string, description?: string) =>
  player(
    personId,
    {
      status: 'INACTIVE',
      notPlayingReason: reason,
      played: '0',
      ...(description ? { notPlayingDescription: description } : {}),
    },
    { minutes: 'PT00M00.00S', points: 0 },
  );

const team = (teamId: number, players: unknown[], statistics: Row = {}) => ({
  teamId,
  teamTricode: teamId === BKN ? 'BKN' : 'GSW',
  statistics: { minutes: 'PT240M00.00S', points: 101, assistsTurnoverRatio: 1.5, ...statistics },
  players,
});

const boxScore = (home: unknown, away: unknown, gameId: string = GAME) => ({
  meta: { version: 1 },
  game: { gameId, homeTeam: home, awayTeam: away },
});

const BKN_INACTIVE = [
  [1629185, 'INACTIVE_COACH', null],
  [1629651, 'INACTIVE_INJURY', 'Right Knee Tendinopathy'],
] as const;
const GSW_INACTIVE = [
  [203110, 'INACTIVE_INJURY', 'Right foot soreness'],
  [1630185, 'INACTIVE_GLEAGUE_TWOWAY', null],
  [1629346, 'INACTIVE_INJURY', 'Right Knee Soreness'],
  [202691, 'INACTIVE_INJURY', 'Right Achillies'],
] as const;

/** The real box score's facts: 17 a team, two and four of them inactive, Durant's 24:56 as a starter. */
function realShapedBoxScore() {
  const active = (first: number, count: number) => Array.from({ length: count }, (_, i) => player(first + i));
  const out = (list: typeof BKN_INACTIVE | typeof GSW_INACTIVE) =>
    list.map(([id, reason, description]) => inactive(id, reason, description ?? undefined));
  const durant = player(201142, { starter: '1', jerseyNum: '7', position: 'PF' }, { minutes: 'PT24M56.00S' });
  return boxScore(
    team(BKN, [durant, ...active(1, 14), ...out(BKN_INACTIVE)]),
    team(GSW, [...active(101, 13), ...out(GSW_INACTIVE)]),
  );
}

test('the real live box score of 0022000001: every roster player, inactive ones with their reasons', (t) => {
  const body = realOr('live_boxscore_0022000001.json', realShapedBoxScore);
  const { tables, flagged } = parsed(t, boxScoreTraditional, body);
  const [players = [], teams = []] = tables;
  t.is(players.length, 34);
  const ofTeam = (teamId: number) => players.filter((row) => row.team_id === teamId);
  t.is(ofTeam(BKN).length, 17);
  t.is(ofTeam(GSW).length, 17);
  const inactiveOf = (teamId: number) =>
    pick(
      ofTeam(teamId).filter((row) => row.status === 'INACTIVE'),
      'nba_id',
      'not_playing_reason',
      'not_playing_description',
    );
  t.deepEqual(
    inactiveOf(BKN),
    BKN_INACTIVE.map((entry) => [...entry]),
  );
  t.deepEqual(
    inactiveOf(GSW),
    GSW_INACTIVE.map((entry) => [...entry]),
  );
  // The inactive players did not play: no minutes, though the payload gives them PT00M00.00S.
  for (const row of players.filter((row) => row.status === 'INACTIVE')) {
    t.is(row.played, false);
    t.is(row.minutes, null);
  }
  for (const row of players.filter((row) => row.status === 'ACTIVE')) {
    t.is(row.played, true);
    t.true(typeof row.minutes === 'number' && row.minutes > 0);
  }
  const durant = players.find((row) => row.nba_id === 201142);
  t.like(durant, { minutes: 24.93, is_starter: true, jersey_num: '7', position: 'PF', season_year: 2020 });
  t.deepEqual(pick(teams, 'team_id', 'minutes'), [
    [BKN, 240],
    [GSW, 240],
  ]);
  t.deepEqual(flagged, []);
});

test('a player who did not play keeps his DNP reason and has no minutes', (t) => {
  const dnp = player(
    1629001,
    { notPlayingReason: 'DNP_COACH', notPlayingDescription: "Coach's Decision", played: '0' },
    { minutes: 'PT00M00.00S' },
  );
  const { tables } = parsed(t, boxScoreTraditional, boxScore(team(BKN, [dnp]), team(GSW, [player(201939)])));
  t.like(tables[0]?.[0], {
    nba_id: 1629001,
    status: 'ACTIVE',
    not_playing_reason: 'DNP_COACH',
    not_playing_description: "Coach's Decision",
    played: false,
    is_starter: false,
    minutes: null,
  });
});

test('minutes absent are NULL; PT00M00.00S for a player who played is 0; team minutes after two overtimes are 265', (t) => {
  const { tables } = parsed(
    t,
    boxScoreTraditional,
    boxScore(
      team(
        BKN,
        [
          player(1, {}, { minutes: null }),
          player(2, {}, { minutes: 'PT00M00.00S' }),
          player(3, {}, { minutes: 'PT34M12.00S' }),
        ],
        {
          minutes: 'PT265M00.00S',
        },
      ),
      team(GSW, [player(4, {}, { minutes: 'PT20M46.00S' })], { minutes: 'PT265M00.00S' }),
    ),
  );
  t.deepEqual(pick(tables[0] ?? [], 'nba_id', 'played', 'minutes'), [
    [1, true, null],
    [2, true, 0],
    [3, true, 34.2],
    [4, true, 20.77],
  ]);
  t.deepEqual(pick(tables[1] ?? [], 'minutes'), [[265], [265]]);
});

test('ISO durations: one parser for box score minutes and play-by-play clocks', (t) => {
  const minutes = (text: string) => minutesOf(isoDuration.parse(text));
  const seconds = (text: string) => secondsOf(isoDuration.parse(text));
  t.is(minutes('PT34M12.00S'), 34.2);
  t.is(minutes('PT240M00.00S'), 240);
  t.is(minutes('PT265M00.00S'), 265);
  t.is(minutes('PT240M'), 240);
  t.is(seconds('PT11M58.50S'), 718.5);
  t.is(seconds('PT00M05.30S'), 5.3);
  t.is(seconds('PT12M00.00S'), 720);
  for (const text of ['PT', '34:12', 'PT-1M', 'P1DT2M', 'PT12M00.00', ''])
    t.false(isoDuration.safeParse(text).success, text);
});

test('a percentage outside 0-1 is stored as NULL and flagged, never rescaled; the raw statistics keep it', (t) => {
  const { tables, flagged } = parsed(
    t,
    boxScoreTraditional,
    boxScore(team(BKN, [player(1, {}, { fieldGoalsPercentage: 47.5 })]), team(GSW, [player(2)])),
  );
  const row = tables[0]?.[0];
  t.is(row?.fg_pct, null);
  t.like(row?.traditional_stats_json, { fieldGoalsPercentage: 47.5 });
  t.deepEqual(flagged, [
    { column: 'fg_pct', key: 'fieldGoalsPercentage', value: 47.5, unit: 'a fraction 0-1' },
  ]);
});

test('two-pointers are derived from field goals and threes; more threes than field goals is flagged', (t) => {
  const { tables, flagged } = parsed(
    t,
    boxScoreTraditional,
    boxScore(
      team(BKN, [
        player(1),
        player(2, {}, { fieldGoalsMade: 1, threePointersMade: 2, threePointersAttempted: 5 }),
      ]),
      team(GSW, [player(3, {}, { fieldGoalsAttempted: 1, threePointersAttempted: 1, fieldGoalsMade: 0 })]),
    ),
  );
  t.deepEqual(pick(tables[0] ?? [], 'fg2m', 'fg2a', 'fg2_pct'), [
    [2, 4, 0.5],
    [null, 0, null],
    [0, 0, null],
  ]);
  t.deepEqual(
    flagged.map((issue) => [issue.column, issue.value]),
    [['fg2m', -1]],
  );
});

test('a box score of another game, or with one team twice, is an identity mismatch', (t) => {
  const teams = [team(BKN, [player(1)]), team(GSW, [player(2)])] as const;
  t.deepEqual(failure(boxScoreTraditional, boxScore(...teams, OTHER_GAME)), {
    reason: 'identity_mismatch',
    detail: `game.gameId is ${OTHER_GAME}, not the requested ${GAME}`,
  });
  t.is(failure(boxScoreTraditional, boxScore(teams[0], teams[0])).reason, 'identity_mismatch');
  const LAL = 1610612747;
  t.deepEqual(failure(boxScoreTraditional, boxScore(teams[0], team(LAL, [player(2)]))), {
    reason: 'identity_mismatch',
    detail: `team ${LAL} does not play in ${GAME} (${GSW} at ${BKN})`,
  });
  // A neutral-site game may list the scheduled teams the other way round.
  t.is(failure(boxScoreTraditional, boxScore(teams[1], teams[0])).reason, 'ok');
});

test('a final game whose box score lists no players is not complete: no_rows_for_final_game', (t) => {
  t.deepEqual(failure(boxScoreTraditional, boxScore(team(BKN, []), team(GSW, []))), {
    reason: 'no_rows_for_final_game',
    detail: 'the box score lists no players',
  });
});

test('a box score field of the wrong shape is a schema mismatch naming the field', (t) => {
  const bad = (fields: Row, statistics: Row = {}) =>
    failure(
      boxScoreTraditional,
      boxScore(team(BKN, [player(1), player(2, fields, statistics)]), team(GSW, [player(3)])),
    );
  t.like(bad({}, { minutes: '34:12' }), { reason: 'schema_mismatch' });
  t.regex(bad({}, { minutes: '34:12' }).detail, /^game\.homeTeam\.players\.1\.statistics\.minutes: /);
  t.regex(bad({ played: 'yes' }).detail, /^game\.homeTeam\.players\.1\.played: /);
  t.regex(bad({}, { points: '4' }).detail, /^game\.homeTeam\.players\.1\.statistics\.points: /);
  t.like(failure(boxScoreTraditional, { game: { gameId: GAME } }), { reason: 'schema_mismatch' });
});

test('a NUL character in a box score or play-by-play text is a schema mismatch naming the field: PostgreSQL cannot store it', (t) => {
  const box = failure(
    boxScoreTraditional,
    boxScore(team(BKN, [player(1), player(2, { name: 'Nul\u0000Name' })]), team(GSW, [player(3)])),
  );
  t.deepEqual(box, {
    reason: 'schema_mismatch',
    detail: 'game.homeTeam.players.1.name: a text with a NUL character, which PostgreSQL cannot store',
  });
  // A key the schema does not read, kept in the raw JSON column, is refused the same way.
  const rawKey = failure(
    boxScoreTraditional,
    boxScore(team(BKN, [player(1, {}, { 'odd\u0000key': 1 })]), team(GSW, [player(3)])),
  );
  t.is(
    rawKey.detail,
    'game.homeTeam.players.0.statistics.odd\u0000key: a text with a NUL character, which PostgreSQL cannot store',
  );
});

// ---- play-by-play ----

function action(actionNumber: number, period: number, fields: Row = {}) {
  return {
    actionNumber,
    clock: 'PT06M00.00S',
    timeActual: '2020-12-23T00:06:19.0Z',
    period,
    periodType: period > 4 ? 'OVERTIME' : 'REGULAR',
    teamId: GSW,
    teamTricode: 'GSW',
    actionType: '2pt',
    subType: 'Jump Shot',
    qualifiers: ['pointsinthepaint'],
    personId: 201939,
    x: 71.04,
    y: 49.58,
    shotDistance: 3.2,
    shotResult: 'Made',
    isFieldGoal: 1,
    scoreHome: '0',
    scoreAway: '2',
    orderNumber: actionNumber * 10000,
    description: "Curry 3' Jump Shot (2 PTS)",
    ...fields,
  };
}

const periodStart = (actionNumber: number, period: number, clock = 'PT12M00.00S') =>
  action(actionNumber, period, {
    clock,
    actionType: 'period',
    subType: 'start',
    teamId: undefined,
    teamTricode: undefined,
    personId: 0,
    qualifiers: [],
    x: null,
    y: null,
    shotDistance: undefined,
    shotResult: undefined,
    isFieldGoal: 0,
    scoreAway: '0',
    description: 'Period Start',
  });

const playByPlayOf = (actions: unknown[], gameId: string = GAME) => ({
  meta: { version: 1 },
  game: { gameId, actions },
});

/** The real play-by-play's facts: 610 actions in four periods, from the start to 125-99. */
function realShapedPlayByPlay() {
  const actions = Array.from({ length: 608 }, (_, i) => action(i + 3, Math.min(4, 1 + Math.floor(i / 152))));
  return playByPlayOf([
    periodStart(2, 1),
    ...actions,
    {
      ...periodStart(729, 4, 'PT00M00.00S'),
      actionType: 'game',
      subType: 'end',
      description: 'Game End',
      scoreHome: '125',
      scoreAway: '99',
    },
  ]);
}

test('the real live play-by-play of 0022000001: 610 typed rows, clocks in seconds remaining', (t) => {
  const body = realOr('live_playbyplay_0022000001.json', realShapedPlayByPlay);
  const { tables } = parsed(t, playByPlay, body);
  const rows = tables[0] ?? [];
  t.is(rows.length, 610);
  t.is(new Set(rows.map((row) => row.action_number)).size, 610);
  t.deepEqual([...new Set(rows.map((row) => row.period))], [1, 2, 3, 4]);
  t.like(rows[0], {
    action_number: 2,
    period: 1,
    clock: 720,
    action_type: 'period',
    sub_type: 'start',
    team_id: null,
    person_id: null,
    qualifiers: [],
    is_field_goal: false,
    score_home: 0,
    score_away: 0,
  });
  t.deepEqual(rows[0]?.action, (body as { game: { actions: unknown[] } }).game.actions[0]);
  t.like(rows.at(-1), { action_type: 'game', sub_type: 'end', clock: 0, score_home: 125, score_away: 99 });
  t.true(rows.every((row) => typeof row.clock === 'number' && row.clock >= 0 && row.clock <= 720));
});

test('a double-overtime play-by-play keeps periods 5 and 6, their clocks counting down from five minutes', (t) => {
  const { tables } = parsed(
    t,
    playByPlay,
    playByPlayOf([
      action(700, 4, { clock: 'PT00M01.20S' }),
      periodStart(710, 5, 'PT05M00.00S'),
      action(711, 5, { clock: 'PT04M31.00S' }),
      periodStart(720, 6, 'PT05M00.00S'),
      action(721, 6, { clock: 'PT00M00.40S', teamId: 0, personId: 0 }),
    ]),
  );
  t.deepEqual(pick(tables[0] ?? [], 'period', 'period_type', 'clock', 'team_id', 'person_id'), [
    [4, 'REGULAR', 1.2, GSW, 201939],
    [5, 'OVERTIME', 300, null, null],
    [5, 'OVERTIME', 271, GSW, 201939],
    [6, 'OVERTIME', 300, null, null],
    [6, 'OVERTIME', 0.4, null, null],
  ]);
});

test('a play-by-play of another game is an identity mismatch; a clock past 12 minutes a schema mismatch', (t) => {
  t.deepEqual(failure(playByPlay, playByPlayOf([action(1, 1)], OTHER_GAME)), {
    reason: 'identity_mismatch',
    detail: `game.gameId is ${OTHER_GAME}, not the requested ${GAME}`,
  });
  const late = failure(playByPlay, playByPlayOf([action(1, 1), action(2, 1, { clock: 'PT12M00.10S' })]));
  t.is(late.reason, 'schema_mismatch');
  t.regex(late.detail, /^game\.actions\.1\.clock: /);
  t.regex(
    failure(playByPlay, playByPlayOf([action(1, 1, { scoreHome: 3 })])).detail,
    /^game\.actions\.0\.scoreHome: /,
  );
});

// ---- players on court ----

const ON_COURT = [
  [GSW, 201939],
  [GSW, 203110],
  [GSW, 1626172],
  [GSW, 203952],
  [GSW, 1630164],
  [BKN, 201142],
  [BKN, 202681],
  [BKN, 203925],
  [BKN, 201599],
  [BKN, 203915],
] as const;

const onCourtEvent = (eventNum: number, gameId: string = GAME) => ({
  game_id: gameId,
  event_Num: eventNum,
  playersPlusMinus: ON_COURT.map(([teamId, personId]) => ({ team_id: teamId, person_id: personId })),
});

test('players on court: ten rows per event; an event of another game is an identity mismatch', (t) => {
  const { tables } = parsed(t, playersOnCourt, {
    gameId: GAME,
    events: [onCourtEvent(12), onCourtEvent(14)],
  });
  t.deepEqual(
    tables[0]?.map((row) => Object.values(row)),
    [
      ...ON_COURT.map(([teamId, personId]) => [GAME, 12, teamId, personId]),
      ...ON_COURT.map(([teamId, personId]) => [GAME, 14, teamId, personId]),
    ],
  );
  t.deepEqual(
    failure(playersOnCourt, { gameId: GAME, events: [onCourtEvent(12), onCourtEvent(14, OTHER_GAME)] }),
    {
      reason: 'identity_mismatch',
      detail: `events.1.game_id is ${OTHER_GAME}, not the requested ${GAME}`,
    },
  );
  t.is(failure(playersOnCourt, { gameId: OTHER_GAME, events: [] }).reason, 'identity_mismatch');
});

// ---- hustle XML ----

const COUNTER_NAMES = [
  'CFG',
  'C2FG',
  'C3FG',
  'DEFL',
  'LBR',
  'OLBR',
  'DLBR',
  'CHG_DR',
  'SA',
  'PTSOFFSA',
  'BOXOUTS',
  'OBOXOUTS',
  'DBOXOUTS',
  'FORCEDTOV',
] as const;
type Counts = readonly number[];
const attributes = (counts: Counts) => COUNTER_NAMES.map((name, i) => `${name}="${counts[i]}"`).join(' ');

const HUSTLE_PLAYERS: readonly (readonly [teamId: number, personId: number, counts: Counts])[] = [
  [GSW, 201939, [5, 3, 2, 2, 1, 0, 1, 0, 1, 2, 1, 0, 1, 1]],
  [GSW, 1630164, [9, 8, 1, 0, 2, 1, 1, 1, 4, 9, 3, 1, 2, 0]],
  [BKN, 201142, [4, 2, 2, 3, 0, 0, 0, 0, 0, 0, 2, 0, 2, 2]],
];
const sums = (teamId: number): Counts =>
  COUNTER_NAMES.map((_, i) =>
    HUSTLE_PLAYERS.filter(([id]) => id === teamId).reduce((sum, [, , counts]) => sum + (counts[i] ?? 0), 0),
  );

function hustleXml(gameId: string = GAME, firstCounts = attributes(HUSTLE_PLAYERS[0]?.[2] ?? [])) {
  const players = (teamId: number) =>
    HUSTLE_PLAYERS.filter(([id]) => id === teamId)
      .map(
        ([, personId, counts], i) =>
          `      <Player Person_id="${personId}" Jersey_number="30" First_Name="A &amp; B" BoxScoreOrder="${i + 1}" ${
            personId === 201939 ? firstCounts : attributes(counts)
          } PCTBOXOUTSTMREB="0.500"/>`,
      )
      .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<HustleStatsBoxScore Game_id="${gameId}" AuditCompletedOn="2020-12-23T03:00:00" Game_date="2020-12-22">
  <Player_Stats>
    <Team Team_id="${GSW}" Team_city="Golden State" Team_abr="GSW" Team_name="Warriors">
${players(GSW)}
    </Team>
    <Team Team_id="${BKN}" Team_city="Brooklyn" Team_abr="BKN" Team_name="Nets">
${players(BKN)}
    </Team>
  </Player_Stats>
  <Team_Stats>
    <Team_Stats Team_id="${GSW}" ${attributes(sums(GSW))}/>
    <Team_Stats Team_id="${BKN}" ${attributes(sums(BKN))}/>
  </Team_Stats>
</HustleStatsBoxScore>`;
}

const COUNTER_COLUMNS = [
  'contested_field_goals',
  'contested_2pt_field_goals',
  'contested_3pt_field_goals',
  'deflections',
  'loose_balls_recovered',
  'loose_balls_recovered_offensive',
  'loose_balls_recovered_defensive',
  'charges_drawn',
  'screen_assists',
  'screen_assists_pts',
  'boxouts',
  'boxouts_offensive',
  'boxouts_defensive',
  'forced_turnovers',
];

test('the hustle box score: each player with his team, and the teams totals, which sum their players', (t) => {
  const { tables } = parsed(t, hustleBox, hustleXml());
  const [players = [], teams = []] = tables;
  t.deepEqual(
    pick(players, 'nba_id', 'team_id', ...COUNTER_COLUMNS),
    HUSTLE_PLAYERS.map(([teamId, personId, counts]) => [personId, teamId, ...counts]),
  );
  t.deepEqual(pick(teams, 'team_id', ...COUNTER_COLUMNS), [
    [GSW, 14, 11, 3, 2, 3, 1, 2, 1, 5, 11, 4, 1, 3, 1],
    [BKN, 4, 2, 2, 3, 0, 0, 0, 0, 0, 0, 2, 0, 2, 2],
  ]);
  t.deepEqual(pick(teams, 'team_id', ...COUNTER_COLUMNS), [
    [GSW, ...sums(GSW)],
    [BKN, ...sums(BKN)],
  ]);
  t.like(players[0]?.hustle_stats_json, {
    Person_id: '201939',
    CFG: '5',
    First_Name: 'A & B',
    PCTBOXOUTSTMREB: '0.500',
  });
});

test('hustle counters are whole numbers written in digits, nothing else; another game is an identity mismatch', (t) => {
  const withCfg = (cfg: string) =>
    hustleXml(GAME, attributes(HUSTLE_PLAYERS[0]?.[2] ?? []).replace('CFG="5"', `CFG="${cfg}"`));
  for (const cfg of ['1.5', '-1', '', 'x', '1e3']) {
    const result = failure(hustleBox, withCfg(cfg));
    t.is(result.reason, 'schema_mismatch', cfg);
    t.regex(result.detail, /^HustleStatsBoxScore\.Player_Stats\.0\.Team\.0\.Player\.0\.\$\.CFG: /, cfg);
  }
  t.deepEqual(failure(hustleBox, hustleXml(OTHER_GAME)), {
    reason: 'identity_mismatch',
    detail: `HustleStatsBoxScore Game_id is ${OTHER_GAME}, not the requested ${GAME}`,
  });
  t.regex(
    failure(hustleBox, '<HustleStatsBoxScore Game_id="x"><Player_Stats></HustleStatsBoxScore>').detail,
    /^not well-formed XML/,
  );
  t.is(failure(hustleBox, { not: 'text' }).reason, 'schema_mismatch');
  t.deepEqual(hustleBox.call.unavailableStatuses, [403, 404]);
  t.is(hustleBox.call.path(GAME), '/api/hustlestats/0022000001_hustlestats.xml');
});

const EVENTS = [
  `<Event EventNumber="12" EventType="3" ActionType="2" Period="1" GameClock="6843" PlayerID="201939" Player="Stephen Curry" TeamID="${GSW}" Team="GSW" Description="Curry contests" BoxOutType="" PointsOffScreenAssists="0" LooseBallRecoveryType="" ReboundAfterBoxOut=""/>`,
  `<Event EventNumber="12" EventType="1" ActionType="1" Period="1" GameClock="6843" PlayerID="201142" Player="Kevin Durant" TeamID="${BKN}" Team="BKN" Description="Durant box out" BoxOutType="1" PointsOffScreenAssists="0" LooseBallRecoveryType="" ReboundAfterBoxOut="1"/>`,
  `<Event EventNumber="7" EventType="5" ActionType="1" Period="5" GameClock="2995" PlayerID="" Player="" TeamID="${BKN}" Team="BKN" Description="Team deflection"/>`,
];
const eventsXml = (events: readonly string[], gameId: string = GAME) =>
  `<?xml version="1.0"?>\n<HustleStatsEvents GameID="${gameId}" AuditCompletedOn="2020-12-23T03:00:00">\n  ${events.join('\n  ')}\n</HustleStatsEvents>`;

test('hustle events: typed rows numbered by content, the same in any order; the clock from tenths to seconds', (t) => {
  const { rows, tables } = parsed(t, hustleEvents, eventsXml(EVENTS));
  t.deepEqual(
    pick(
      tables[0] ?? [],
      'ordinal',
      'event_number',
      'event_type',
      'action_type',
      'period',
      'game_clock',
      'player_id',
      'player_name',
      'team_id',
    ),
    [
      [1, 7, 5, 1, 5, 299.5, null, null, BKN],
      [2, 12, 1, 1, 1, 684.3, 201142, 'Kevin Durant', BKN],
      [3, 12, 3, 2, 1, 684.3, 201939, 'Stephen Curry', GSW],
    ],
  );
  t.like(tables[0]?.[1]?.attributes, { BoxOutType: '1', ReboundAfterBoxOut: '1', Team: 'BKN' });
  t.deepEqual(parsed(t, hustleEvents, eventsXml([...EVENTS].reverse())).rows, rows);
});

test('a game without hustle events is empty, not failed; events of another game are an identity mismatch', (t) => {
  t.true(hustleEvents.emptyGamesPossible);
  t.deepEqual(parsed(t, hustleEvents, eventsXml([])).rows, [[]]);
  t.deepEqual(parsed(t, hustleEvents, `<HustleStatsEvents GameID="${GAME}" AuditCompletedOn=""/>`).rows, [
    [],
  ]);
  t.is(failure(hustleEvents, eventsXml(EVENTS, OTHER_GAME)).reason, 'identity_mismatch');
  t.regex(
    failure(hustleEvents, eventsXml([EVENTS[0]?.replace('GameClock="6843"', 'GameClock="7201"') ?? '']))
      .detail,
    /GameClock: /,
  );
  t.is(hustleEvents.call.path(GAME), '/api/hustlestats/0022000001_HustleStatsGameEvents.xml');
});

// ---- declarations and the migration ----

test('every legacy table declaration passes checkTableSpec, and each dataset has its own name', (t) => {
  for (const dataset of LEGACY)
    for (const spec of dataset.tables) t.notThrows(() => checkTableSpec(spec), spec.table);
  t.deepEqual(
    LEGACY.map((dataset) => dataset.name),
    ['boxscore_traditional', 'play_by_play', 'players_on_court', 'hustle_box', 'hustle_events'],
  );
  for (const spec of LEGACY.flatMap((dataset) => dataset.tables))
    t.is(spec.gameColumn, 'game_id', spec.table);
});

let database: Promise<TestDatabase> | undefined;
const migrated = () => {
  database ??= createTestDatabase();
  return database;
};
test.after.always(async () => {
  await (await database)?.drop();
});

/** information_schema's udt_name of each declared column type. */
const UDT: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  int: 'int4',
  bigint: 'int8',
  numeric: 'numeric',
  bool: 'bool',
  date: 'date',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
  'int[]': '_int4',
  'text[]': '_text',
};

test.serial(
  'the migration creates every table and column the declarations name, with their types and keys',
  async (t) => {
    const { pool } = await migrated();
    for (const spec of LEGACY.flatMap((dataset) => dataset.tables)) {
      const [schema, table] = spec.table.split('.');
      const columns = await pool.query<{ column_name: string; udt_name: string }>(
        'SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, table],
      );
      const types = new Map(columns.rows.map((row) => [row.column_name, row.udt_name]));
      t.true(types.size > 0, `${spec.table} exists`);
      for (const column of spec.columns)
        t.is(types.get(column.name), UDT[column.type], `${spec.table}.${column.name}`);
      const key = await pool.query<{ name: string }>(
        `SELECT a.attname AS name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
        [spec.table],
      );
      t.deepEqual(key.rows.map((row) => row.name).sort(), [...spec.key].sort(), `${spec.table} primary key`);
    }
  },
);

test.serial('parsed rows load through writeBatch, and loading them again changes nothing', async (t) => {
  const { pool } = await migrated();
  await writeBatch(pool, {
    spec: gamesSpec,
    rows: [[GAME, '00', 2020, '2020-21', 'Regular Season', '2020-12-22', 3, BKN, GSW]],
  });
  const payloads: [LegacyDataset, unknown][] = [
    [boxScoreTraditional, realOr('live_boxscore_0022000001.json', realShapedBoxScore)],
    [playByPlay, realOr('live_playbyplay_0022000001.json', realShapedPlayByPlay)],
    [playersOnCourt, { gameId: GAME, events: [onCourtEvent(12), onCourtEvent(14)] }],
    [hustleBox, hustleXml()],
    [hustleEvents, eventsXml(EVENTS)],
  ];
  for (const [dataset, body] of payloads) {
    const { rows } = parsed(t, dataset, body);
    const [first, ...more] = dataset.tables.map((spec, index) => ({
      spec,
      rows: rows[index] ?? [],
      games: [GAME],
    }));
    if (!first) throw new Error('a dataset has a table');
    const total = rows.reduce((sum, table) => sum + table.length, 0);
    const batch = { ...first, moreTables: more, hooks: dataset.hooks };
    const loaded = await writeBatch(pool, batch);
    t.is(loaded.inserted, total, dataset.name);
    const again = await writeBatch(pool, batch);
    t.like(again, { inserted: 0, updated: 0, deleted: 0, unchanged: total }, dataset.name);
  }
  const stored = await pool.query(
    'SELECT count(*)::int AS players, count(*) FILTER (WHERE minutes IS NULL)::int AS without_minutes FROM nba.boxscores_traditional WHERE game_id = $1',
    [GAME],
  );
  t.deepEqual(stored.rows[0], { players: 34, without_minutes: 6 });
});

// ---- what a payload may not hand the columns or the XML parser ----

test('a box score in which one team lists no players is no_rows_for_final_game naming that team', (t) => {
  t.deepEqual(failure(boxScoreTraditional, boxScore(team(BKN, [player(1)]), team(GSW, []))), {
    reason: 'no_rows_for_final_game',
    detail: `the box score lists no players of team ${GSW}`,
  });
  t.deepEqual(failure(boxScoreTraditional, boxScore(team(BKN, []), team(GSW, [player(2)]))), {
    reason: 'no_rows_for_final_game',
    detail: `the box score lists no players of team ${BKN}`,
  });
});

/** More than an int column holds (2147483647 at most). */
const BEYOND_INT = 3_000_000_000;

test('an id or number beyond an int column (3000000000) is a schema mismatch naming the field', (t) => {
  const cases: readonly (readonly [LegacyDataset, unknown, RegExp])[] = [
    [
      playByPlay,
      playByPlayOf([action(1, 1), action(BEYOND_INT, 1, { orderNumber: 20000 })]),
      /^game\.actions\.1\.actionNumber: /,
    ],
    [playByPlay, playByPlayOf([action(1, 1, { personId: BEYOND_INT })]), /^game\.actions\.0\.personId: /],
    [playByPlay, playByPlayOf([action(1, 1, { teamId: BEYOND_INT })]), /^game\.actions\.0\.teamId: /],
    [
      playersOnCourt,
      { gameId: GAME, events: [onCourtEvent(12), { ...onCourtEvent(14), event_Num: BEYOND_INT }] },
      /^events\.1\.event_Num: /,
    ],
    [
      playersOnCourt,
      {
        gameId: GAME,
        events: [{ ...onCourtEvent(12), playersPlusMinus: [{ team_id: GSW, person_id: BEYOND_INT }] }],
      },
      /^events\.0\.playersPlusMinus\.0\.person_id: /,
    ],
    [
      boxScoreTraditional,
      boxScore(team(BKN, [player(1), player(BEYOND_INT)]), team(GSW, [player(2)])),
      /^game\.homeTeam\.players\.1\.personId: /,
    ],
    [
      boxScoreTraditional,
      boxScore(team(BKN, [player(1, { order: BEYOND_INT })]), team(GSW, [player(2)])),
      /^game\.homeTeam\.players\.0\.order: /,
    ],
    [
      boxScoreTraditional,
      boxScore(team(BKN, [player(1)]), team(BEYOND_INT, [player(2)])),
      /^game\.awayTeam\.teamId: /,
    ],
  ];
  for (const [dataset, body, field] of cases) {
    const result = failure(dataset, body);
    t.is(result.reason, 'schema_mismatch', `${dataset.name} ${field}`);
    t.regex(result.detail, field);
  }
  // The largest int is a value like any other.
  const { tables } = parsed(t, playByPlay, playByPlayOf([action(2_147_483_647, 1, { orderNumber: 1 })]));
  t.is(tables[0]?.[0]?.action_number, 2_147_483_647);
});

test('a box score count beyond an int column (points 3000000000) is out of range: NULL and flagged, not a row for the database to refuse', (t) => {
  const { tables, flagged } = parsed(
    t,
    boxScoreTraditional,
    boxScore(
      team(BKN, [player(1, {}, { points: BEYOND_INT })], { reboundsTotal: BEYOND_INT }),
      team(GSW, [player(2)]),
    ),
  );
  t.is(tables[0]?.[0]?.pts, null);
  t.is(tables[1]?.[0]?.reb, null);
  t.deepEqual(
    flagged.map((issue) => [issue.column, issue.value]),
    [
      ['pts', BEYOND_INT],
      ['reb', BEYOND_INT],
    ],
  );
});

const DOCUMENT_TYPE_REFUSED = {
  reason: 'schema_mismatch',
  detail: 'a document type declaration, which the feed never has',
};

/** Entities each ten of the one before: lol9 is a billion characters once expanded. */
const BILLION_LAUGHS = [
  '<!DOCTYPE HustleStatsBoxScore [',
  '  <!ENTITY lol0 "lol">',
  ...Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
  ']>',
].join('\n');
const EXTERNAL_ENTITY = '<!DOCTYPE HustleStatsBoxScore [<!ENTITY home SYSTEM "file:///etc/passwd">]>';

/** The document with `doctype` after its XML declaration and the first First_Name set to `name`. */
const declaring = (document: string, doctype: string, name = 'A &amp; B') =>
  document.replace('?>\n', `?>\n${doctype}\n`).replace('First_Name="A &amp; B"', `First_Name="${name}"`);

test('a hustle file that declares a document type is a schema mismatch: no entity is defined or expanded', (t) => {
  t.deepEqual(failure(hustleBox, declaring(hustleXml(), BILLION_LAUGHS, '&lol9;')), DOCUMENT_TYPE_REFUSED);
  t.deepEqual(failure(hustleBox, declaring(hustleXml(), EXTERNAL_ENTITY, '&home;')), DOCUMENT_TYPE_REFUSED);
  // Without an XML declaration, in lower case, without entities: refused the same.
  const bare = `<!doctype HustleStatsBoxScore>\n${hustleXml().replace(/^<\?xml[^>]*\?>\n/, '')}`;
  t.true(bare.startsWith('<!doctype HustleStatsBoxScore>\n<HustleStatsBoxScore '));
  t.deepEqual(failure(hustleBox, bare), DOCUMENT_TYPE_REFUSED);
  t.deepEqual(
    failure(hustleEvents, eventsXml(EVENTS).replace('?>\n', `?>\n${EXTERNAL_ENTITY}\n`)),
    DOCUMENT_TYPE_REFUSED,
  );
});

test('character references in hustle attributes are read: Jos&#233; is José, and &amp;#233; stays as written', (t) => {
  const box = hustleXml().replace(
    'First_Name="A &amp; B"',
    'First_Name="Jos&#233;" Last_Name="Calder&#xF3;n &amp;#233;"',
  );
  const [players = []] = parsed(t, hustleBox, box).tables;
  t.like(players[0]?.hustle_stats_json, {
    Person_id: '201939',
    First_Name: 'José',
    Last_Name: 'Calderón &#233;',
  });
  t.like(players[1]?.hustle_stats_json, { Person_id: '1630164', First_Name: 'A & B' });
  const events = eventsXml([
    EVENTS[0]?.replace('Player="Stephen Curry"', 'Player="Jos&#233; Alvarado"') ?? '',
  ]);
  const [rows = []] = parsed(t, hustleEvents, events).tables;
  t.like(rows[0], { player_name: 'José Alvarado', attributes: { Player: 'José Alvarado' } });
});

test("a hustle box score with players but not both teams' totals is a schema mismatch", (t) => {
  const box = hustleXml();
  const section = / {2}<Team_Stats>\n[\s\S]*\n {2}<\/Team_Stats>\n/;
  const totals = box.match(/ {4}<Team_Stats Team_id="\d+"[^>]*\/>/g) ?? [];
  t.is(totals.length, 2);
  const [gsw = '', bkn = ''] = totals;
  t.deepEqual(failure(hustleBox, box.replace(section, '')), {
    reason: 'schema_mismatch',
    detail: 'Team_Stats holds the totals of 0 distinct team(s), not 2',
  });
  t.deepEqual(failure(hustleBox, box.replace(section, '  <Team_Stats/>\n')), {
    reason: 'schema_mismatch',
    detail: 'Team_Stats holds the totals of 0 distinct team(s), not 2',
  });
  t.deepEqual(failure(hustleBox, box.replace(`${bkn}\n`, '')), {
    reason: 'schema_mismatch',
    detail: 'Team_Stats holds the totals of 1 distinct team(s), not 2',
  });
  t.deepEqual(failure(hustleBox, box.replace(bkn, gsw)), {
    reason: 'schema_mismatch',
    detail: 'Team_Stats holds the totals of 1 distinct team(s), not 2',
  });
  t.is(failure(hustleBox, box).reason, 'ok');
});
