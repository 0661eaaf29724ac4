import test from 'ava';
import { type CoverageRow, type LedgerRow, writeBatch, writeRecords } from '../../src/sinks/batchWriter.ts';
import { CopyEncodingError } from '../../src/sinks/copyText.ts';
import { type TableSpec, TableSpecError } from '../../src/sinks/tableSpec.ts';
import { withTestDatabase } from '../support/database.ts';
import {
  gamesSpec,
  loadReference,
  playersSpec,
  shotRow,
  shotsSpec,
  teamsSpec,
} from '../support/referenceRows.ts';

const db = withTestDatabase(test);
const GAMES = Array.from({ length: 20 }, (_, index) => `00225000${String(index + 1).padStart(2, '0')}`);
const game = (index: number): string => GAMES[index - 1] ?? '';

test.before(async () => {
  await loadReference(db.pool, GAMES);
});

const zeroCounts = {
  staged: 0,
  duplicates: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  placeholders: 0,
};
const counts = ({ copyMs: _copy, mergeMs: _merge, ...rest }: Awaited<ReturnType<typeof writeBatch>>) => rest;

async function shots(gameId: string) {
  const result = await db.pool.query<{
    event_number: number;
    shot_zone_area: string | null;
    updated_at: Date;
  }>(
    'SELECT event_number, shot_zone_area, updated_at, xmin::text AS xmin FROM nba.shot_chart WHERE game_id = $1 ORDER BY event_number',
    [gameId],
  );
  return result.rows;
}

function coverage(gameId: string, status: CoverageRow['status'], rowCount = 0): CoverageRow {
  return {
    dataset: 'shot_chart',
    gameId,
    status,
    rowCount,
    contentHash: status === 'complete' ? 'hash' : null,
    reason: status === 'failed' ? 'truncated' : null,
    fetchedAt: new Date('2026-02-22T10:00:00.000Z'),
    runId: null,
  };
}

function ledger(gameId: string, action = 'commit'): LedgerRow {
  return {
    runId: null,
    dataset: 'shot_chart',
    endpoint: '/api/querytool/event/player',
    measure: 'FieldGoals',
    batchParam: 'GameId',
    gameCount: 1,
    firstGameId: gameId,
    lastGameId: gameId,
    status: 200,
    rowsReturned: 2,
    maxRows: 10000,
    truncated: false,
    attempt: 1,
    errorKind: null,
    action,
    reason: null,
    durationMs: 12.5,
    requestedAt: new Date('2026-02-22T10:00:00.000Z'),
  };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const result = await db.pool.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return result.rows[0]?.n ?? -1;
}

/** Backends of this database stuck in a COPY or in an open transaction. */
const stuckConnections = () =>
  count(
    `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
     AND ((state = 'active' AND query ILIKE 'COPY%') OR state LIKE 'idle in transaction%')`,
  );

test.serial('reference tables load through writeBatch; games get placeholder teams', async (t) => {
  t.is(await count('SELECT count(*) FROM nba.teams'), 2);
  t.is(await count('SELECT count(*) FROM nba.games'), 20);
  const result = await writeBatch(db.pool, {
    spec: gamesSpec,
    rows: [['0022500999', '00', 2025, '2025-26', 'Regular Season', '2025-12-25', 1, 1610612744, 1610612999]],
  });
  t.deepEqual(counts(result), { ...zeroCounts, staged: 1, inserted: 1, placeholders: 1 });
  const team = await db.pool.query(
    'SELECT team_name, is_placeholder FROM nba.teams WHERE team_id = 1610612999',
  );
  t.deepEqual(team.rows, [{ team_name: 'Unknown Team', is_placeholder: true }]);
  const real = await writeBatch(db.pool, { spec: teamsSpec, rows: [[1610612999, 'Expansion', 'EXP']] });
  t.deepEqual(counts(real), { ...zeroCounts, staged: 1, updated: 1 });
  const after = await db.pool.query(
    'SELECT team_name, is_placeholder FROM nba.teams WHERE team_id = 1610612999',
  );
  t.deepEqual(after.rows, [{ team_name: 'Expansion', is_placeholder: false }]);
});

test.serial('inserts new rows, then the same rows again insert, update and rewrite nothing', async (t) => {
  const rows = [1, 2, 3].map((eventNumber) => shotRow({ gameId: game(1), eventNumber }));
  const first = await writeBatch(db.pool, { spec: shotsSpec, rows, games: [game(1)] });
  t.deepEqual(counts(first), { ...zeroCounts, staged: 3, inserted: 3 });
  t.true(first.copyMs >= 0 && first.mergeMs > 0);
  const before = await shots(game(1));

  const second = await writeBatch(db.pool, { spec: shotsSpec, rows, games: [game(1)] });
  t.deepEqual(counts(second), { ...zeroCounts, staged: 3, unchanged: 3 });
  // Same updated_at and same xmin: the rows were not rewritten at all.
  t.deepEqual(await shots(game(1)), before);
});

test.serial('a changed value updates that row and its updated_at only', async (t) => {
  const rows = [1, 2].map((eventNumber) => shotRow({ gameId: game(2), eventNumber }));
  await writeBatch(db.pool, { spec: shotsSpec, rows });
  const before = await shots(game(2));
  const changed = [rows[0] ?? [], shotRow({ gameId: game(2), eventNumber: 2, zone: 'Left Side(L)' })];
  const result = await writeBatch(db.pool, { spec: shotsSpec, rows: changed });
  t.deepEqual(counts(result), { ...zeroCounts, staged: 2, updated: 1, unchanged: 1 });
  const after = await shots(game(2));
  t.deepEqual(after[0], before[0]);
  t.is(after[1]?.shot_zone_area, 'Left Side(L)');
  t.true((after[1]?.updated_at.getTime() ?? 0) > (before[1]?.updated_at.getTime() ?? 0));
});

test.serial('a NULL never overwrites a known value, unless the declaration says so', async (t) => {
  await writeBatch(db.pool, { spec: shotsSpec, rows: [shotRow({ gameId: game(3), eventNumber: 1 })] });
  const absent = await writeBatch(db.pool, {
    spec: shotsSpec,
    rows: [shotRow({ gameId: game(3), eventNumber: 1, zone: null, clock: null })],
  });
  t.deepEqual(counts(absent), { ...zeroCounts, staged: 1, unchanged: 1 });
  const kept = await db.pool.query(
    'SELECT shot_zone_area, game_clock FROM nba.shot_chart WHERE game_id = $1',
    [game(3)],
  );
  t.deepEqual(kept.rows, [{ shot_zone_area: 'Center(C)', game_clock: '700.500' }]);

  const overwriting: TableSpec = { ...shotsSpec, keepKnownValues: false };
  const result = await writeBatch(db.pool, {
    spec: overwriting,
    rows: [shotRow({ gameId: game(3), eventNumber: 1, zone: null })],
  });
  t.deepEqual(counts(result), { ...zeroCounts, staged: 1, updated: 1 });
  const cleared = await db.pool.query('SELECT shot_zone_area FROM nba.shot_chart WHERE game_id = $1', [
    game(3),
  ]);
  t.deepEqual(cleared.rows, [{ shot_zone_area: null }]);
});

test.serial('duplicate keys in one batch: the last row wins and duplicates are counted', async (t) => {
  const rows = [
    shotRow({ gameId: game(4), eventNumber: 1, zone: 'first' }),
    shotRow({ gameId: game(4), eventNumber: 2 }),
    shotRow({ gameId: game(4), eventNumber: 1, zone: 'second' }),
    shotRow({ gameId: game(4), eventNumber: 1, zone: 'last' }),
  ];
  const result = await writeBatch(db.pool, { spec: shotsSpec, rows });
  t.deepEqual(counts(result), { ...zeroCounts, staged: 4, duplicates: 2, inserted: 2 });
  t.deepEqual(
    (await shots(game(4))).map((row) => [row.event_number, row.shot_zone_area]),
    [
      [1, 'last'],
      [2, 'Center(C)'],
    ],
  );
});

test.serial('a batch replaces the rows of its games and leaves other games alone', async (t) => {
  const events = (gameId: string, numbers: number[]) =>
    numbers.map((eventNumber) => shotRow({ gameId, eventNumber }));
  await writeBatch(db.pool, {
    spec: shotsSpec,
    rows: [...events(game(5), [1, 2, 3]), ...events(game(6), [1, 2])],
  });

  const listed = await writeBatch(db.pool, {
    spec: shotsSpec,
    rows: events(game(5), [1, 3]),
    games: [game(5)],
  });
  t.deepEqual(counts(listed), { ...zeroCounts, staged: 2, unchanged: 2, deleted: 1 });
  t.deepEqual(
    (await shots(game(5))).map((row) => row.event_number),
    [1, 3],
  );
  t.deepEqual(
    (await shots(game(6))).map((row) => row.event_number),
    [1, 2],
  );

  // Without `games`, the games present in the batch are replaced.
  const implied = await writeBatch(db.pool, { spec: shotsSpec, rows: events(game(6), [2]) });
  t.deepEqual(counts(implied), { ...zeroCounts, staged: 1, unchanged: 1, deleted: 1 });
  // A listed game with no rows left is emptied.
  const emptied = await writeBatch(db.pool, { spec: shotsSpec, rows: [], games: [game(5)] });
  t.deepEqual(counts(emptied), { ...zeroCounts, deleted: 2 });
  t.deepEqual(await shots(game(5)), []);
  t.is((await shots(game(6))).length, 1);
});

test.serial('unknown players and teams get placeholder rows, and a real row clears the mark', async (t) => {
  const rows = [
    shotRow({ gameId: game(7), eventNumber: 1, playerId: 999001, assistId: 999002, teamId: 1610612888 }),
    shotRow({ gameId: game(7), eventNumber: 2, playerId: 999002, assistId: 999001, teamId: 1610612888 }),
  ];
  const result = await writeBatch(db.pool, { spec: shotsSpec, rows });
  t.deepEqual(counts(result), { ...zeroCounts, staged: 2, inserted: 2, placeholders: 3 });
  const players = await db.pool.query(
    'SELECT nba_id, full_name, is_placeholder FROM nba.players WHERE nba_id IN (999001, 999002) ORDER BY nba_id',
  );
  t.deepEqual(players.rows, [
    { nba_id: 999001, full_name: 'Unknown Player', is_placeholder: true },
    { nba_id: 999002, full_name: 'Unknown Player', is_placeholder: true },
  ]);
  const team = await db.pool.query(
    'SELECT team_name, is_placeholder FROM nba.teams WHERE team_id = 1610612888',
  );
  t.deepEqual(team.rows, [{ team_name: 'Unknown Team', is_placeholder: true }]);

  const again = await writeBatch(db.pool, { spec: shotsSpec, rows });
  t.deepEqual(counts(again), { ...zeroCounts, staged: 2, unchanged: 2 });

  const real = await writeBatch(db.pool, { spec: playersSpec, rows: [[999001, 'Real Person', 1610612888]] });
  t.deepEqual(counts(real), { ...zeroCounts, staged: 1, updated: 1 });
  const cleared = await db.pool.query(
    'SELECT full_name, is_placeholder FROM nba.players WHERE nba_id = 999001',
  );
  t.deepEqual(cleared.rows, [{ full_name: 'Real Person', is_placeholder: false }]);
});

test.serial('coverage, ledger and quarantine rows are written with the data', async (t) => {
  const result = await writeBatch(db.pool, {
    spec: shotsSpec,
    rows: [shotRow({ gameId: game(8), eventNumber: 1 })],
    games: [game(8)],
    coverage: [coverage(game(8), 'complete', 1), coverage(game(9), 'failed')],
    ledger: [ledger(game(8))],
    quarantine: [
      {
        runId: null,
        dataset: 'shot_chart',
        gameId: game(9),
        reason: 'schema_mismatch',
        detail: '1 row(s): FieldGoals: period expected number',
        payload: [{ gameId: game(9), period: 'one', note: 'nul\u0000here' }],
      },
    ],
  });
  t.is(result.inserted, 1);
  const covered = await db.pool.query(
    `SELECT game_id, status, row_count, content_hash, reason, fetched_at FROM nba_ingest.coverage
     WHERE game_id = ANY($1) ORDER BY game_id`,
    [[game(8), game(9)]],
  );
  t.deepEqual(covered.rows, [
    {
      game_id: game(8),
      status: 'complete',
      row_count: 1,
      content_hash: 'hash',
      reason: null,
      fetched_at: new Date('2026-02-22T10:00:00.000Z'),
    },
    {
      game_id: game(9),
      status: 'failed',
      row_count: 0,
      content_hash: null,
      reason: 'truncated',
      fetched_at: new Date('2026-02-22T10:00:00.000Z'),
    },
  ]);
  const requests = await db.pool.query(
    `SELECT endpoint, measure, game_count, first_game_id, status, rows_returned, max_rows, truncated, attempt,
            error_kind, action, duration_ms FROM nba_ingest.requests WHERE first_game_id = $1`,
    [game(8)],
  );
  t.deepEqual(requests.rows, [
    {
      endpoint: '/api/querytool/event/player',
      measure: 'FieldGoals',
      game_count: 1,
      first_game_id: game(8),
      status: 200,
      rows_returned: 2,
      max_rows: 10000,
      truncated: false,
      attempt: 1,
      error_kind: null,
      action: 'commit',
      duration_ms: '12.500',
    },
  ]);
  const quarantined = await db.pool.query(
    'SELECT reason, payload FROM nba_ingest.quarantine WHERE game_id = $1',
    [game(9)],
  );
  t.deepEqual(quarantined.rows, [
    { reason: 'schema_mismatch', payload: [{ gameId: game(9), period: 'one', note: 'nul\ufffdhere' }] },
  ]);
});

test.serial(
  'a failing merge leaves no data, coverage, ledger or placeholder, and the pool goes on',
  async (t) => {
    const error = await t.throwsAsync(
      writeBatch(db.pool, {
        spec: shotsSpec,
        // period 11 breaks the CHECK (period BETWEEN 1 AND 10) during the merge, after COPY and placeholders
        rows: [
          shotRow({ gameId: game(10), eventNumber: 1, playerId: 999101 }),
          shotRow({ gameId: game(10), eventNumber: 2, period: 11 }),
        ],
        coverage: [coverage(game(10), 'complete', 2)],
        ledger: [ledger(game(10))],
      }),
    );
    t.is((error as { code?: string }).code, '23514');
    t.is(await count('SELECT count(*) FROM nba.shot_chart WHERE game_id = $1', [game(10)]), 0);
    t.is(await count('SELECT count(*) FROM nba_ingest.coverage WHERE game_id = $1', [game(10)]), 0);
    t.is(await count('SELECT count(*) FROM nba_ingest.requests WHERE first_game_id = $1', [game(10)]), 0);
    t.is(await count('SELECT count(*) FROM nba.players WHERE nba_id = 999101'), 0);
    t.is(await stuckConnections(), 0);

    const retried = await writeBatch(db.pool, {
      spec: shotsSpec,
      rows: [shotRow({ gameId: game(10), eventNumber: 1 })],
      coverage: [coverage(game(10), 'complete', 1)],
    });
    t.deepEqual(counts(retried), { ...zeroCounts, staged: 1, inserted: 1 });
  },
);

test.serial('a row the server rejects during COPY rolls back; no connection stays in COPY', async (t) => {
  const bad = shotRow({ gameId: game(11), eventNumber: 1 });
  bad[1] = 'one'; // event_number is an int column: the server rejects the COPY
  const error = await t.throwsAsync(
    writeBatch(db.pool, { spec: shotsSpec, rows: [bad], coverage: [coverage(game(11), 'complete', 1)] }),
  );
  t.is((error as { code?: string }).code, '22P02');
  t.is(await stuckConnections(), 0);
  t.is(await count('SELECT count(*) FROM nba_ingest.coverage WHERE game_id = $1', [game(11)]), 0);
  const ok = await writeBatch(db.pool, {
    spec: shotsSpec,
    rows: [shotRow({ gameId: game(11), eventNumber: 1 })],
  });
  t.is(ok.inserted, 1);
});

test.serial('a value that cannot be encoded stops the COPY midway and rolls back', async (t) => {
  // Enough rows for several COPY chunks before the bad one.
  const rows = Array.from({ length: 3000 }, (_, index) =>
    shotRow({ gameId: game(12), eventNumber: index + 1 }),
  );
  rows.push(shotRow({ gameId: game(12), eventNumber: 3001, clock: Number.NaN }));
  await t.throwsAsync(writeBatch(db.pool, { spec: shotsSpec, rows, ledger: [ledger(game(12))] }), {
    instanceOf: CopyEncodingError,
    message: 'column game_clock: NaN is not a finite number',
  });
  t.is(await stuckConnections(), 0);
  t.is(await count('SELECT count(*) FROM nba.shot_chart WHERE game_id = $1', [game(12)]), 0);
  t.is(await count('SELECT count(*) FROM nba_ingest.requests WHERE first_game_id = $1', [game(12)]), 0);
  const ok = await writeBatch(db.pool, { spec: shotsSpec, rows: rows.slice(0, 3000) });
  t.deepEqual(counts(ok), { ...zeroCounts, staged: 3000, inserted: 3000 });
});

test.serial('records that break a constraint roll back the data of their batch', async (t) => {
  await t.throwsAsync(
    writeBatch(db.pool, {
      spec: shotsSpec,
      rows: [shotRow({ gameId: game(13), eventNumber: 1 })],
      // coverage.game_id references nba.games
      coverage: [coverage('0022599999', 'complete', 1)],
    }),
    { message: /coverage_game_id_fkey/ },
  );
  t.is(await count('SELECT count(*) FROM nba.shot_chart WHERE game_id = $1', [game(13)]), 0);
});

test.serial('a failed coverage row never replaces complete or empty coverage', async (t) => {
  await writeRecords(db.pool, {
    coverage: [coverage(game(14), 'complete', 180), coverage(game(15), 'empty')],
  });
  await writeRecords(db.pool, { coverage: [coverage(game(14), 'failed'), coverage(game(15), 'failed')] });
  await writeRecords(db.pool, { coverage: [coverage(game(16), 'failed')] });
  const statuses = async () =>
    (
      await db.pool.query(
        'SELECT game_id, status, row_count FROM nba_ingest.coverage WHERE game_id = ANY($1) ORDER BY 1',
        [[game(14), game(15), game(16)]],
      )
    ).rows;
  t.deepEqual(await statuses(), [
    { game_id: game(14), status: 'complete', row_count: 180 },
    { game_id: game(15), status: 'empty', row_count: 0 },
    { game_id: game(16), status: 'failed', row_count: 0 },
  ]);
  await writeRecords(db.pool, { coverage: [coverage(game(16), 'complete', 170)] });
  t.deepEqual((await statuses())[2], { game_id: game(16), status: 'complete', row_count: 170 });
});

test.serial(
  'writeRecords stores a split batch ledger alone, and nothing at all for no records',
  async (t) => {
    await writeRecords(db.pool, {
      ledger: [
        { ...ledger(game(17), 'split'), status: 414, errorKind: 'size', reason: 'uri_too_long' },
        {
          ...ledger(game(17), 'split'),
          attempt: 2,
          truncated: true,
          rowsReturned: 10000,
          reason: 'truncated',
        },
      ],
    });
    const rows = await db.pool.query(
      'SELECT status, error_kind, attempt, truncated, action, reason FROM nba_ingest.requests WHERE first_game_id = $1 ORDER BY attempt',
      [game(17)],
    );
    t.deepEqual(rows.rows, [
      {
        status: 414,
        error_kind: 'size',
        attempt: 1,
        truncated: false,
        action: 'split',
        reason: 'uri_too_long',
      },
      { status: 200, error_kind: null, attempt: 2, truncated: true, action: 'split', reason: 'truncated' },
    ]);
    await writeRecords(db.pool, {});
    t.is(await count('SELECT count(*) FROM nba_ingest.requests WHERE first_game_id = $1', [game(17)]), 2);
  },
);

test.serial('concurrent batches on the pool each load their own games', async (t) => {
  const results = await Promise.all(
    [18, 19, 20].map((index) =>
      writeBatch(db.pool, {
        spec: shotsSpec,
        rows: Array.from({ length: 200 }, (_, event) =>
          shotRow({ gameId: game(index), eventNumber: event + 1 }),
        ),
        games: [game(index)],
      }),
    ),
  );
  t.deepEqual(
    results.map((result) => result.inserted),
    [200, 200, 200],
  );
  t.is(
    await count('SELECT count(*) FROM nba.shot_chart WHERE game_id = ANY($1)', [
      [game(18), game(19), game(20)],
    ]),
    600,
  );
});

test('a declaration with an unsafe identifier or inconsistent references is refused', async (t) => {
  await t.throwsAsync(
    writeBatch(db.pool, { spec: { ...shotsSpec, table: 'nba.shot_chart; DROP' }, rows: [] }),
    {
      instanceOf: TableSpecError,
    },
  );
  await t.throwsAsync(
    writeBatch(db.pool, { spec: { ...shotsSpec, key: ['game_id', 'missing'] }, rows: [] }),
    {
      message: 'table spec "nba.shot_chart": key column missing is not a declared column',
    },
  );
  const references = [
    { column: 'nba_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'assisted_by_id', table: 'nba.players', placeholder: { full_name: 'Someone' } },
  ] as const;
  await t.throwsAsync(writeBatch(db.pool, { spec: { ...shotsSpec, references }, rows: [] }), {
    message: 'table spec "nba.shot_chart": references to nba.players declare different placeholders',
  });
});
