// One row per run of the tool in nba_ingest.runs: mode, arguments, outcome, summary and telemetry.
// A run that never finished (killed, host crash) is recognised at the next start by its host and pid
// and marked interrupted, so 'running' only ever means running.
import { hostname } from 'node:os';
import type pg from 'pg';

export type RunOutcome = 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface RunStart {
  readonly mode: string;
  /** The run's arguments as given; stored as jsonb, so never put a secret here. */
  readonly args: unknown;
}

export interface RunEnd {
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  readonly summary?: unknown;
  readonly telemetry?: unknown;
}

/** Runs started by this process: a pid equal to ours on an older run is a previous process's. */
const startedHere = new Set<number>();

export async function startRun(pool: pg.Pool, run: RunStart): Promise<number> {
  const result = await pool.query<{ run_id: string }>(
    'INSERT INTO nba_ingest.runs (mode, args, host, pid) VALUES ($1, $2::jsonb, $3, $4) RETURNING run_id',
    [run.mode, JSON.stringify(run.args ?? {}), hostname(), process.pid],
  );
  const runId = Number(result.rows[0]?.run_id);
  startedHere.add(runId);
  return runId;
}

export async function finishRun(pool: pg.Pool, runId: number, end: RunEnd): Promise<void> {
  await pool.query(
    `UPDATE nba_ingest.runs
     SET ended_at = now(), outcome = $2, exit_code = $3, summary = $4::jsonb, telemetry = $5::jsonb
     WHERE run_id = $1`,
    [runId, end.outcome, end.exitCode, jsonOrNull(end.summary), jsonOrNull(end.telemetry)],
  );
  startedHere.delete(runId);
}

/**
 * Marks as interrupted the 'running' runs of this host whose process is gone; answers their ids.
 * Call it at the start of every run. Kept simple on purpose:
 * - only rows of this host (os.hostname()) are judged; another host's runs are left alone;
 * - a pid is alive when signal 0 reaches it; a pid equal to ours is alive only for runs started by
 *   this process (containers reuse pids, often 1, from one start to the next);
 * - a reused pid that belongs to an unrelated live process keeps its run 'running' until that
 *   process ends. `ended_at` stays NULL: when the run stopped is not known.
 */
export async function markAbandonedRuns(pool: pg.Pool): Promise<number[]> {
  const running = await pool.query<{ run_id: string; pid: number | null }>(
    "SELECT run_id, pid FROM nba_ingest.runs WHERE outcome = 'running' AND host = $1",
    [hostname()],
  );
  const abandoned = running.rows
    .filter((row) => !isAlive(Number(row.run_id), row.pid))
    .map((row) => Number(row.run_id));
  if (abandoned.length === 0) return [];
  await pool.query(
    "UPDATE nba_ingest.runs SET outcome = 'interrupted' WHERE run_id = ANY($1::bigint[]) AND outcome = 'running'",
    [abandoned],
  );
  return abandoned;
}

function isAlive(runId: number, pid: number | null): boolean {
  if (pid === null) return false;
  if (pid === process.pid) return startedHere.has(runId);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
