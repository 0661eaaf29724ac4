import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import test from 'ava';
import { finishRun, markAbandonedRuns, startRun } from '../../src/sinks/runs.ts';
import { withTestDatabase } from '../support/database.ts';

const db = withTestDatabase(test);

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 0;
}

async function run(runId: number) {
  const result = await db.pool.query(
    'SELECT mode, args, outcome, exit_code, host, pid, summary, telemetry, ended_at IS NOT NULL AS ended FROM nba_ingest.runs WHERE run_id = $1',
    [runId],
  );
  return result.rows[0];
}

test.serial('a run starts as running with host and pid, and finishes with its outcome', async (t) => {
  const runId = await startRun(db.pool, {
    mode: 'backfill',
    args: { season: '2025-26', datasets: ['shot_chart'] },
  });
  t.true(Number.isInteger(runId) && runId > 0);
  t.deepEqual(await run(runId), {
    mode: 'backfill',
    args: { season: '2025-26', datasets: ['shot_chart'] },
    outcome: 'running',
    exit_code: null,
    host: hostname(),
    pid: process.pid,
    summary: null,
    telemetry: null,
    ended: false,
  });
  await finishRun(db.pool, runId, {
    outcome: 'succeeded',
    exitCode: 0,
    summary: { games: 844, rows: 150670 },
    telemetry: { stageMs: { copy: 1200.5 } },
  });
  t.like(await run(runId), {
    outcome: 'succeeded',
    exit_code: 0,
    summary: { games: 844, rows: 150670 },
    telemetry: { stageMs: { copy: 1200.5 } },
    ended: true,
  });
});

test.serial(
  'abandoned runs of this host are marked interrupted; live and foreign runs are left alone',
  async (t) => {
    const insert = async (host: string, pid: number | null) => {
      const result = await db.pool.query<{ run_id: string }>(
        "INSERT INTO nba_ingest.runs (mode, args, host, pid) VALUES ('backfill', '{}', $1, $2) RETURNING run_id",
        [host, pid],
      );
      return Number(result.rows[0]?.run_id);
    };
    const killed = await insert(hostname(), deadPid());
    const noPid = await insert(hostname(), null);
    const previousIncarnation = await insert(hostname(), process.pid); // same pid, not started here
    const parent = await insert(hostname(), process.ppid); // alive
    const elsewhere = await insert('another-host', deadPid());
    const mine = await startRun(db.pool, { mode: 'daemon', args: {} });

    t.deepEqual(
      (await markAbandonedRuns(db.pool)).sort((a, b) => a - b),
      [killed, noPid, previousIncarnation],
    );
    const outcomes = await db.pool.query<{ run_id: string; outcome: string }>(
      'SELECT run_id, outcome FROM nba_ingest.runs WHERE run_id = ANY($1) ORDER BY run_id',
      [[killed, noPid, previousIncarnation, parent, elsewhere, mine]],
    );
    t.deepEqual(
      outcomes.rows.map((row) => row.outcome),
      ['interrupted', 'interrupted', 'interrupted', 'running', 'running', 'running'],
    );
    t.deepEqual(await markAbandonedRuns(db.pool), []);
  },
);
