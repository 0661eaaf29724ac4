// `npm run bench`: a full-season backfill of every dataset measured side by side in one run — the
// planner, the previous implementation's fixed batch seeds, and the previous implementation's whole
// policy (fixed seeds, one dataset after another, one batch at a time, 4 legacy games at once) —
// each as real CLI processes against the same replica (latency and rate-limit model stated in the
// output); then the loader against a plain COPY of the same shot rows into the indexed target and
// against row-by-row INSERT … ON CONFLICT. Prints tables and writes the figures as JSON under
// bench/results/. A benchmark, not a test: nothing here asserts.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { writeBatch } from '../src/sinks/batchWriter.ts';
import { copyRowEncoder, copyTextChunks } from '../src/sinks/copyText.ts';
import { startThrowawayPostgres } from '../src/sinks/embeddedPostgres.ts';
import type { BackfillSummary } from '../src/streams/backfill.ts';
import { DATASETS } from '../src/streams/datasets.ts';
import { shotChart } from '../src/streams/shotChart.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'nba-ingest.js');
const API_KEY = 'bench-key';

const { values: flags } = parseArgs({
  options: {
    synthetic: { type: 'boolean', default: false },
    'latency-base-ms': { type: 'string', default: '150' },
    'latency-per-row-us': { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
    burst: { type: 'string', default: '5' },
    'row-by-row-limit': { type: 'string', default: '30000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  process.stdout.write(
    'Usage: npm run bench [-- --synthetic] [--latency-base-ms N] [--latency-per-row-us N] [--rate N] [--burst N] [--row-by-row-limit N]\n',
  );
  process.exit(0);
}

interface DatasetFigures {
  readonly dataset: string;
  readonly calls: number;
  readonly splits: number;
  readonly rows: number;
  /** SPEC §7: Σ over measures ⌈rows / 9,899⌉. */
  readonly floorByRows: number;
  /** The same within the ids one request can carry (URI length; TeamId takes 10). */
  readonly floorByRequests: number;
}

interface PolicyResult {
  readonly policy: string;
  readonly description: string;
  readonly datasets: readonly DatasetFigures[];
  readonly calls: number;
  readonly floorByRows: number;
  readonly floorByRequests: number;
  readonly splits: number;
  readonly rows: number;
  readonly wallSeconds: number;
  /** Every call (Query Tool and reference) ÷ the replica's sustained rate: the wall time no policy can beat. */
  readonly rateFloorSeconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
}

interface LoaderResult {
  readonly method: string;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

async function main(): Promise<void> {
  const server = await databaseServer();
  const replica = await startReplicaProcess();
  // Once, whether main finishes or Ctrl-C comes first (or both).
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      replica.process.kill('SIGTERM');
      await onServer(server.url, async (client) => {
        for (const name of created) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
      await server.stop();
    })();
    return cleaning;
  };
  // Ctrl-C: still drop what was created and remove the embedded server's directory.
  process.once('SIGINT', () => {
    cleanUp().finally(() => process.exit(130));
  });
  try {
    const started = new Date();
    const policies: PolicyResult[] = [];
    let loaded: string | undefined;
    for (const policy of POLICIES) {
      const database = await createDatabase(server.url, `bench_${policy.name}`);
      policies.push(await runPolicy(policy, database, replica.url));
      loaded ??= database;
    }
    if (!loaded) throw new Error('no policy ran');
    const loader = await benchLoader(server.url, loaded, Number(flags['row-by-row-limit']));
    const report = {
      startedAt: started.toISOString(),
      model: {
        season: replica.season,
        latency: { baseMs: Number(flags['latency-base-ms']), perRowUs: Number(flags['latency-per-row-us']) },
        rateLimit: { ratePerSecond: Number(flags.rate), burst: Number(flags.burst) },
        machine: `${process.platform} ${process.arch}, node ${process.version}`,
      },
      policies,
      loader,
    };
    printReport(report);
    const directory = join(ROOT, 'bench', 'results');
    await mkdir(directory, { recursive: true });
    const file = join(directory, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nwritten to ${file}\n`);
  } finally {
    await cleanUp();
  }
}

/** DATABASE_URL's server, or a throwaway embedded PostgreSQL like `npm test` starts. */
async function databaseServer(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  return startThrowawayPostgres('nba-ingest-bench-');
}

/** Every database the bench creates, dropped at the end. */
const created: string[] = [];

/** A new database on the server, empty or a copy of `template`; answers its URL. */
async function createDatabase(serverUrl: string, prefix: string, template?: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const from = template ? ` TEMPLATE "${template}"` : '';
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"${from}`));
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The replica in its own process, so each backfill's peak RSS is the pipeline's alone. */
async function startReplicaProcess(): Promise<{ url: string; season: string; process: ChildProcess }> {
  const args = [
    BIN,
    'replica',
    '--port',
    '0',
    '--api-key',
    API_KEY,
    '--rate',
    String(flags.rate),
    '--burst',
    String(flags.burst),
    '--latency-base-ms',
    String(flags['latency-base-ms']),
    '--latency-per-row-us',
    String(flags['latency-per-row-us']),
    ...(flags.synthetic ? ['--synthetic'] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    // Keep reading (never destroy the pipe): the replica may still write when it stops.
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+) \(([^)]*)\)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], season: match[2] ?? '', process: child });
    });
    child.once('exit', (code) =>
      reject(new Error(`the replica exited (${code}) before listening: ${output}`)),
    );
  });
}

interface Policy {
  readonly name: string;
  readonly description: string;
  readonly batchPolicy: 'planner' | 'fixed';
  /** One backfill of every dataset, or one backfill per dataset in turn. */
  readonly datasetsTogether: boolean;
  readonly concurrency: number;
  /** One-game legacy calls in flight; unset, the run sizes it from the rate limit and latency. */
  readonly legacyConcurrency?: number;
}

const POLICIES: readonly Policy[] = [
  {
    name: 'planner',
    description: 'planner, datasets side by side, 2 batches in flight (the default)',
    batchPolicy: 'planner',
    datasetsTogether: true,
    concurrency: 2,
  },
  {
    name: 'fixed',
    description: 'fixed seeds, datasets side by side, 2 batches in flight',
    batchPolicy: 'fixed',
    datasetsTogether: true,
    concurrency: 2,
  },
  {
    name: 'previous',
    description:
      "previous implementation's policy: fixed seeds, one dataset after another, one batch at a time, 4 legacy games at once",
    batchPolicy: 'fixed',
    datasetsTogether: false,
    concurrency: 1,
    // GAME_DATA_CONCURRENCY=4 (previous-implementation.md §4.4).
    legacyConcurrency: 4,
  },
];

async function runPolicy(policy: Policy, databaseUrl: string, apiUrl: string): Promise<PolicyResult> {
  const groups = policy.datasetsTogether ? [DATASET_NAMES] : DATASET_NAMES.map((name) => [name]);
  const summaries: BackfillSummary[] = [];
  const started = performance.now();
  for (const datasets of groups) summaries.push(await backfill(policy, datasets, databaseUrl, apiUrl));
  const wallSeconds = (performance.now() - started) / 1000;
  const datasets = summaries.flatMap((summary) =>
    summary.datasets.map((d) => ({
      dataset: d.dataset,
      calls: d.calls,
      splits: d.splits,
      rows: d.rows,
      floorByRows: d.floorCalls.rows,
      floorByRequests: d.floorCalls.requests,
    })),
  );
  const sum = (pick: (d: DatasetFigures) => number) => datasets.reduce((total, d) => total + pick(d), 0);
  const calls = sum((d) => d.calls);
  // Each process also fetches teams, players and the schedule: the rate limit counts those too.
  const referenceCalls = summaries.reduce((total, summary) => total + summary.referenceCalls, 0);
  const rows = sum((d) => d.rows);
  return {
    policy: policy.name,
    description: policy.description,
    datasets,
    calls,
    floorByRows: sum((d) => d.floorByRows),
    floorByRequests: sum((d) => d.floorByRequests),
    splits: sum((d) => d.splits),
    rows,
    wallSeconds: round(wallSeconds),
    rateFloorSeconds: round((calls + referenceCalls) / Number(flags.rate)),
    rowsPerSecond: Math.round(rows / wallSeconds),
    peakRssMb: Math.max(...summaries.map((summary) => summary.peakRssMb)),
  };
}

const DATASET_NAMES = [...DATASETS.keys()];

/** One `nba-ingest backfill --json` process; its summary. */
async function backfill(
  policy: Policy,
  datasets: readonly string[],
  databaseUrl: string,
  apiUrl: string,
): Promise<BackfillSummary> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'backfill',
      '--json',
      '--datasets',
      datasets.join(','),
      '--batch-policy',
      policy.batchPolicy,
      '--concurrency',
      String(policy.concurrency),
      '--rate',
      String(flags.rate),
      '--burst',
      String(flags.burst),
      ...(policy.legacyConcurrency ? ['--legacy-concurrency', String(policy.legacyConcurrency)] : []),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NBA_API_KEY: API_KEY,
        NBA_API_BASE_URL: apiUrl,
        // Retries and splits are counted in the summary; their warnings would bury the table.
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    throw new Error(
      `the ${policy.name} backfill of ${datasets.join(',')} exited ${code}: its figures would not mean anything`,
    );
  }
  return JSON.parse(stdout) as BackfillSummary;
}

/**
 * The same shot rows, read back from a loaded database, written three ways into copies of it whose
 * shot chart was emptied: our loader (COPY into staging, de-duplication, placeholders, merge and the
 * coverage rows, committed per batch of about 9,000 rows), a plain COPY straight into the indexed target (the floor
 * for the same durable result), and row-by-row INSERT … ON CONFLICT in one transaction.
 */
async function benchLoader(
  serverUrl: string,
  loadedUrl: string,
  rowByRowLimit: number,
): Promise<LoaderResult[]> {
  const source = new pg.Pool({ connectionString: loadedUrl });
  const columns = shotChart.table.columns.map((column) => `"${column.name}"`).join(', ');
  const { rows: stored } = await source.query({
    text: `SELECT ${columns} FROM nba.shot_chart ORDER BY game_date, game_id, event_number`,
    rowMode: 'array',
  });
  await source.end();
  const rows = stored as unknown[][];
  const batches: unknown[][][] = [];
  for (let start = 0; start < rows.length; ) {
    // Whole games per batch, about 9,000 rows, as the stream commits them.
    let end = Math.min(rows.length, start + 9_000);
    while (end < rows.length && rows[end]?.[0] === rows[end - 1]?.[0]) end += 1;
    batches.push(rows.slice(start, end));
    start = end;
  }

  const results: LoaderResult[] = [];
  const empty = async (prefix: string) => {
    const url = await createDatabase(serverUrl, prefix, new URL(loadedUrl).pathname.slice(1));
    const pool = new pg.Pool({ connectionString: url });
    await pool.query('TRUNCATE nba.shot_chart; DELETE FROM nba_ingest.coverage');
    return pool;
  };

  const ours = await empty('bench_loader');
  let started = performance.now();
  for (const batch of batches) {
    const games = [...new Set(batch.map((row) => String(row[0])))];
    // The same records a backfill commits with each batch, so the figure is the real transaction's.
    const fetchedAt = new Date();
    const coverage = games.map((gameId) => ({
      dataset: shotChart.name,
      gameId,
      status: 'complete' as const,
      rowCount: batch.filter((row) => row[0] === gameId).length,
      contentHash: null,
      reason: null,
      fetchedAt,
      runId: null,
    }));
    await writeBatch(ours, { spec: shotChart.table, rows: batch, games, coverage });
  }
  results.push(loaderResult('nba-ingest loader (staging + merge)', rows.length, started));
  await ours.end();

  const plain = await empty('bench_copy');
  const encode = copyRowEncoder(shotChart.table.columns);
  started = performance.now();
  for (const batch of batches) {
    const client = await plain.connect();
    try {
      await client.query('BEGIN');
      const copy = client.query(copyFrom(`COPY nba.shot_chart (${columns}) FROM STDIN`));
      await pipeline(Readable.from(copyTextChunks(batch, encode)), copy);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  results.push(loaderResult('plain COPY into the indexed target', rows.length, started));
  await plain.end();

  const single = await empty('bench_rows');
  const sample = rows.slice(0, rowByRowLimit);
  const placeholders = shotChart.table.columns.map((_, index) => `$${index + 1}`).join(', ');
  const updates = shotChart.table.columns
    .filter((column) => !shotChart.table.key.includes(column.name))
    .map((column) => `"${column.name}" = EXCLUDED."${column.name}"`)
    .join(', ');
  const insert = `INSERT INTO nba.shot_chart (${columns}) VALUES (${placeholders})
    ON CONFLICT (game_id, event_number) DO UPDATE SET ${updates}`;
  const client = await single.connect();
  started = performance.now();
  await client.query('BEGIN');
  for (const row of sample) await client.query(insert, row);
  await client.query('COMMIT');
  results.push(loaderResult('row-by-row INSERT … ON CONFLICT', sample.length, started));
  client.release();
  await single.end();
  return results;
}

function loaderResult(method: string, rows: number, started: number): LoaderResult {
  const seconds = (performance.now() - started) / 1000;
  return { method, rows, seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds) };
}

function printReport(report: {
  model: {
    season: string;
    latency: { baseMs: number; perRowUs: number };
    rateLimit: { ratePerSecond: number };
  };
  policies: PolicyResult[];
  loader: LoaderResult[];
}): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const { model } = report;
  out(
    `full-season backfill of every dataset, replica ${model.season}, ${model.latency.baseMs} ms + ${model.latency.perRowUs} µs/row per call, ${model.rateLimit.ratePerSecond} calls/s`,
  );
  for (const p of report.policies) out(`  ${p.policy}: ${p.description}`);
  out();
  const names = report.policies[0]?.datasets.map((d) => d.dataset) ?? [];
  out(
    `dataset            | floor rows (requests) | ${report.policies.map((p) => `${p.policy} calls / splits`.padEnd(22)).join(' | ')}`,
  );
  for (const name of names) {
    const first = report.policies[0]?.datasets.find((d) => d.dataset === name);
    const cells = report.policies.map((p) => {
      const d = p.datasets.find((candidate) => candidate.dataset === name);
      return `${d?.calls ?? '-'} / ${d?.splits ?? '-'}`.padEnd(22);
    });
    out(
      `${name.padEnd(18)} | ${`${first?.floorByRows ?? '-'} (${first?.floorByRequests ?? '-'})`.padEnd(21)} | ${cells.join(' | ')}`,
    );
  }
  out();
  out(
    'policy   | calls | floor rows (requests) | splits | rows      | wall s  | rate floor s | rows/s  | peak RSS MB',
  );
  for (const p of report.policies) {
    out(
      `${p.policy.padEnd(8)} | ${String(p.calls).padEnd(5)} | ${`${p.floorByRows} (${p.floorByRequests})`.padEnd(21)} | ${String(p.splits).padEnd(6)} | ${String(p.rows).padEnd(9)} | ${String(p.wallSeconds).padEnd(7)} | ${String(p.rateFloorSeconds).padEnd(12)} | ${String(p.rowsPerSecond).padEnd(7)} | ${p.peakRssMb}`,
    );
  }
  const [planner, , previous] = report.policies;
  if (planner && previous) {
    out(
      `planner calls / floor by requests = ${(planner.calls / planner.floorByRequests).toFixed(3)}; planner wall / previous wall = ${(planner.wallSeconds / previous.wallSeconds).toFixed(2)}; planner wall / rate floor = ${(planner.wallSeconds / planner.rateFloorSeconds).toFixed(2)}`,
    );
  }
  out();
  out('loader                               | rows    | seconds | rows/s');
  for (const l of report.loader) {
    out(
      `${l.method.padEnd(36)} | ${String(l.rows).padEnd(7)} | ${String(l.seconds).padEnd(7)} | ${l.rowsPerSecond}`,
    );
  }
  const [ours, copy, single] = report.loader;
  if (ours && copy && single) {
    out(
      `loader / plain COPY = ${(ours.rowsPerSecond / copy.rowsPerSecond).toFixed(2)}; loader / row-by-row = ${(ours.rowsPerSecond / single.rowsPerSecond).toFixed(1)}`,
    );
  }
}

const round = (value: number) => Number(value.toFixed(2));

await main();
