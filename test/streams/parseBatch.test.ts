// The parse stage of the generic stream on crafted rows: identity checks, schema failures and
// empty games, without HTTP or a database.
import test from 'ava';
import pino from 'pino';
import type { GameId } from '../../src/gameId.ts';
import type { QueryToolResponse } from '../../src/sources/queryTool.ts';
import { parseBatch, sourceCalls } from '../../src/streams/queryToolStream.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { emptyDatasetTelemetry } from '../../src/streams/telemetry.ts';

const A = '0022500001' as GameId;
const B = '0022500002' as GameId;

function shot(gameId: unknown, eventNumber: string, extra: Record<string, unknown> = {}) {
  return {
    gameId,
    eventNumber,
    playerId: 1628378,
    teamId: 1610612739,
    period: 1,
    gameClock: 600.5,
    x: 10,
    y: 80,
    gameDate: '2025-10-22',
    stats: { FGM: 1, FG3: 0, FG_LAYUP: 1, AST_BY_PLAYER_ID: 0, AST_BY_PLAYER_NAME: '' },
    ...extra,
  };
}

/** Responses as the source hands them over: rows already checked by each call's schema. */
function responses(fieldGoals: unknown[], tracking: unknown[] = []): QueryToolResponse[] {
  const [fg, ts] = sourceCalls(shotChart);
  if (!fg?.readRows || !ts?.readRows) throw new Error('shot chart has two calls that check their rows');
  return [
    { call: fg, rows: fg.readRows(fieldGoals), rowsReturned: fieldGoals.length },
    { call: ts, rows: ts.readRows(tracking), rowsReturned: tracking.length },
  ];
}

/** What the source makes of a FieldGoals answer to `batch` before the stream parses it (inspect). */
function verdictOn(batch: GameId[], fieldGoals: unknown[]) {
  const [fg] = sourceCalls(shotChart);
  if (!fg?.readRows || !fg.inspect) throw new Error('the field-goal call checks and inspects its rows');
  return fg.inspect(fg.readRows(fieldGoals), batch);
}

function parse(batch: GameId[], fetched: QueryToolResponse[]) {
  const telemetry = emptyDatasetTelemetry('shot_chart');
  const result = parseBatch(
    shotChart,
    batch,
    { ok: true, responses: fetched, calls: [] },
    {
      runId: 1,
      mapping: { seasonLabel: '2025-26', seasonType: 'Regular Season', finalGames: 2 },
      telemetry,
      logger: pino({ level: 'silent' }),
    },
  );
  return { ...result, telemetry };
}

test('rows of a game that was not requested are dropped, counted and quarantined', (t) => {
  const { rows, loaded, quarantine, telemetry } = parse(
    [A],
    responses([shot(A, '1'), shot(B, '2'), shot(B, '3')]),
  );
  t.is(rows.length, 1);
  t.deepEqual(loaded, [A]);
  t.is(telemetry.droppedUnrequested, 2);
  t.deepEqual(
    quarantine.map((entry) => [entry.reason, entry.gameId, entry.detail]),
    [['unrequested_game', B, '2 row(s): FieldGoals: a row of a game that was not requested']],
  );
});

test('a game id that lost its leading zeros (22500001, "022500001") fails its own game, not a game of fewer rows', (t) => {
  // A keeps two valid rows beside the broken one: before, A was stored complete with a row missing.
  for (const lost of [22500001, '022500001']) {
    const answer = [shot(A, '1'), shot(lost, '2'), shot(A, '3'), shot(B, '1')];
    const { loaded, coverage, quarantine, rows } = parse([A, B], responses(answer));
    t.deepEqual(loaded, [B]);
    t.is(rows.length, 1);
    t.deepEqual(verdictOn([A, B], answer), { reason: 'schema_mismatch' });
    t.deepEqual(
      coverage.map((row) => [row.gameId, row.status, row.reason]),
      [
        [A, 'failed', 'schema_mismatch'],
        [B, 'complete', null],
      ],
    );
    t.deepEqual(
      quarantine.map((entry) => [entry.reason, entry.gameId]),
      [['schema_mismatch', A]],
    );
  }
});

test('an invalid row naming none of several requested games keeps nothing of the batch: its halves are fetched again', (t) => {
  // 0092500001 has no season type 9: a corrupt id, whose row may be any requested game's. The
  // source turns the answer into a size failure, so the batch splits and nothing of it is parsed.
  t.deepEqual(verdictOn([A, B], [shot(A, '1'), shot('0092500001', '2'), shot(B, '1')]), {
    reason: 'unattributed_rows',
    split: true,
  });
});

test("in a batch of one game, an invalid row naming another id is that game's: the game fails", (t) => {
  const answer = [shot(A, '1'), shot('0092500001', '2')];
  const { loaded, coverage, quarantine } = parse([A], responses(answer));
  t.deepEqual(verdictOn([A], answer), { reason: 'schema_mismatch' });
  t.deepEqual(loaded, []);
  t.deepEqual(
    coverage.map((row) => [row.gameId, row.status, row.reason]),
    [[A, 'failed', 'schema_mismatch']],
  );
  t.deepEqual(
    quarantine.map((entry) => [entry.reason, entry.gameId, entry.detail]),
    [['schema_mismatch', A, '1 row(s): FieldGoals: gameId a game id has a season type digit 1-6']],
  );
});

test('a NUL character in a row fails its game as a schema mismatch: PostgreSQL can store it neither as text nor as JSON', (t) => {
  const { loaded, coverage, quarantine } = parse(
    [A, B],
    responses([shot(A, '1', { name: 'Nul\u0000Name' }), shot(B, '1', { 'x\u0000': 1 })]),
  );
  t.deepEqual(loaded, []);
  t.deepEqual(
    coverage.map((row) => [row.gameId, row.status, row.reason]),
    [
      [A, 'failed', 'schema_mismatch'],
      [B, 'failed', 'schema_mismatch'],
    ],
  );
  t.deepEqual(
    quarantine.map((entry) => entry.detail),
    [
      '1 row(s): FieldGoals: name: a text with a NUL character, which PostgreSQL cannot store',
      '1 row(s): FieldGoals: x\u0000: a text with a NUL character, which PostgreSQL cannot store',
    ],
  );
});

test('a row repeating a natural key is kept once, counted and quarantined as duplicate_key; the game stays complete', (t) => {
  const { loaded, coverage, quarantine, rows, telemetry } = parse(
    [A],
    responses([shot(A, '1'), shot(A, '2'), shot(A, '1', { x: 11 })]),
  );
  t.deepEqual(loaded, [A]);
  t.is(rows.length, 2);
  t.is(telemetry.duplicates, 1);
  t.deepEqual(
    coverage.map((row) => [row.gameId, row.status, row.rowCount]),
    [[A, 'complete', 2]],
  );
  t.deepEqual(
    quarantine.map((entry) => [entry.reason, entry.gameId, entry.detail]),
    [['duplicate_key', A, "1 row(s) repeated an earlier row's key; the last of each was kept"]],
  );
  // The last of the repeated rows is the one kept.
  const x = shotChart.table.columns.findIndex((column) => column.name === 'x');
  t.is(rows.find((row) => row[1] === 1)?.[x], 11);
});

test('a declared stat renamed in every row of an answer fails its games as a schema mismatch', (t) => {
  const renamed = (gameId: GameId) => {
    const { FG_LAYUP, ...stats } = shot(gameId, '1').stats;
    return shot(gameId, '1', { stats: { ...stats, FG_LAYUP_V2: FG_LAYUP } });
  };
  const { loaded, coverage, quarantine } = parse([A, B], responses([renamed(A), renamed(B)]));
  t.deepEqual(loaded, []);
  t.deepEqual(
    coverage.map((row) => [row.gameId, row.status, row.reason]),
    [
      [A, 'failed', 'schema_mismatch'],
      [B, 'failed', 'schema_mismatch'],
    ],
  );
  t.regex(
    quarantine[0]?.detail ?? '',
    /stats\.FG_LAYUP is absent from every row and stats\.FG_LAYUP_V2 is not declared/,
  );
});

test('an optional stat absent from some rows, or a stat nobody declared, is no schema drift', (t) => {
  const { AST_BY_PLAYER_ID: _, ...unassisted } = shot(B, '1').stats;
  const { loaded, quarantine } = parse(
    [A, B],
    responses([
      shot(A, '1', { stats: { ...shot(A, '1').stats, SHOT_DISTANCE: 2 } }),
      shot(B, '1', { stats: { ...unassisted, SHOT_DISTANCE: 24 } }),
    ]),
  );
  t.deepEqual(loaded, [A, B]);
  t.deepEqual(quarantine, []);
});

test('an invalid row fails its game: nothing of it is stored as complete', (t) => {
  const bad = shot(A, '2', { period: 0 });
  const { loaded, coverage, rows } = parse([A, B], responses([shot(A, '1'), bad, shot(B, '1')]));
  t.deepEqual(loaded, [B]);
  t.is(rows.length, 1);
  t.deepEqual(coverage.find((row) => row.gameId === A)?.status, 'failed');
  t.deepEqual(coverage.find((row) => row.gameId === A)?.reason, 'schema_mismatch');
});

test('tracking flags join on (gameId, eventNumber); a shot without tracking keeps NULL flags', (t) => {
  const tracking = [{ gameId: A, eventNumber: '1', stats: { SHOT_PULL_UP: 1, SHOT_LOB: 0 } }];
  const { rows } = parse([A], responses([shot(A, '1'), shot(A, '2')], tracking));
  const columns = shotChart.table.columns.map((column) => column.name);
  const pullUp = columns.indexOf('tracking_shot_pull_up');
  const lob = columns.indexOf('tracking_shot_lob');
  const screens = columns.indexOf('tracking_shot_after_screens');
  t.deepEqual([rows[0]?.[pullUp], rows[0]?.[lob], rows[0]?.[screens]], [true, false, null]);
  t.deepEqual([rows[1]?.[pullUp], rows[1]?.[lob]], [null, null]);
});

test('teamId 0 and an assist by player 0 become NULL; the first shot-type flag wins', (t) => {
  const row = shot(A, '7', { teamId: 0 });
  row.stats = {
    FGM: 1,
    FG3: 0,
    FG_DUNK: 1,
    FG_LAYUP: 1,
    AST_BY_PLAYER_ID: 0,
    AST_BY_PLAYER_NAME: '0',
  } as never;
  const { rows } = parse([A], responses([row]));
  const columns = shotChart.table.columns.map((column) => column.name);
  const value = (name: string) => rows[0]?.[columns.indexOf(name)];
  t.is(value('team_id'), null);
  t.is(value('assisted_by_id'), null);
  t.is(value('assisted_by_name'), null);
  t.is(value('shot_type'), 'dunk');
  t.is(value('event_number'), 7);
  t.is(value('season_year'), 2025);
});
