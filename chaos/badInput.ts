// Experiment 4, the bad input corpus: each case of chaos/corpus/ crafts one game's payload of one
// endpoint (from the replica's own clean answer), served through the fixtures directory; one backfill
// loads those games and some clean ones, and each case is judged against the outcome it expects.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pathKey } from '../replica/server/endpointKeys.ts';
import type { Skeleton } from '../replica/skeleton.ts';
import type { GameId } from '../src/gameId.ts';
import { MAX_BODY_BYTES } from '../src/sources/httpClient.ts';
import { type Dataset, isLegacy } from '../src/streams/dataset.ts';
import { DATASETS } from '../src/streams/datasets.ts';
import { BIN } from '../test/support/cli.ts';
import { runTestBackfill, TEST_API_KEY, testSkeleton } from '../test/support/pipeline.ts';
import { verifySlice } from './slice.ts';

const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/** One edit of a clean payload; paths are `/`-separated keys and array indexes. */
type Edit =
  | { readonly set: string; readonly value: unknown }
  /** A raw token (NaN, Infinity) written where JSON has none: the body is no longer JSON. */
  | { readonly raw: string; readonly token: string }
  /** The array element at the path, appended again to its array: a repeated natural key. */
  | { readonly duplicate: string }
  /** A string of `bytes` characters at the path: a body far larger than any real answer. */
  | { readonly pad: string; readonly bytes: number }
  /** The body's text cut to this fraction of its length. */
  | { readonly truncate: number };

export interface CorpusCase {
  /** The file's name without `.json`. */
  readonly id: string;
  readonly case: string;
  readonly dataset: string;
  /** Which call of a Query Tool dataset with several (shot_chart: FieldGoals or TrackingShots). */
  readonly measure?: string;
  readonly edits: readonly Edit[];
  readonly expected: {
    readonly coverage: 'complete' | 'empty' | 'failed';
    readonly reason?: string;
    /** Quarantine reasons recorded for the dataset and game, sorted. */
    readonly quarantine: readonly string[];
    /** A value that must be stored exactly (NULL included) in one row of the game. */
    readonly stored?: {
      readonly table: string;
      readonly column: string;
      /** A jsonb column whose `column` key must hold the same text. */
      readonly jsonColumn?: string;
      readonly where: Readonly<Record<string, unknown>>;
      readonly value: string | number | null;
    };
  };
}

export interface BadInputOptions {
  readonly pool: pg.Pool;
  readonly corpusDir?: string;
  /** Clean games loaded beside the corpus's (default 6). */
  readonly cleanGames?: number;
  /** Only these case ids (default: the whole corpus). */
  readonly cases?: readonly string[];
  /** The HTTP client's body limit (default its own, MAX_BODY_BYTES): to measure another. */
  readonly maxBodyBytes?: number;
}

export interface CaseFigure {
  readonly id: string;
  readonly case: string;
  readonly dataset: string;
  readonly endpoint: string;
  readonly gameId: string;
  readonly expected: string;
  readonly actual: string;
  readonly passed: boolean;
  /** Most games of a request that carried the case's game: above 1, the bad game shared a batch. */
  readonly batchedWith: number;
}

export interface BadInputFigures {
  readonly cases: readonly CaseFigure[];
  /** Cases whose actual outcome is the expected one. */
  readonly casesPassed: number;
  readonly games: number;
  /** (dataset, game) pairs no case touches, and how many of them are covered complete with no quarantine. */
  readonly otherPairs: number;
  readonly otherPairsLoaded: number;
  /** The pairs that are not, with what they ended as. */
  readonly otherProblems: readonly string[];
  /** Quarantine rows naming no game: something the run could not attribute. */
  readonly unattributed: number;
  /** The backfill threw instead of finishing: 0 or 1, with the error. */
  readonly crashes: number;
  readonly crash: string | null;
  readonly exitCode: number | null;
  /** verifySlice checks that failed (a partial run of a season: its games' coverage is the cases' and pairs' above). */
  readonly verifyFailures: readonly string[];
  readonly largestBodyBytes: number;
  /** A capped Query Tool answer (9,900 shots), the largest body a real run reads; the body limit's yardstick. */
  readonly largestLegitimateBodyBytes: number;
  readonly maxBodyBytes: number;
  /** Resident memory when the backfill starts (the harness's season skeleton is most of it). */
  readonly rssBeforeRunMb: number;
  /** Peak resident memory of this process: the pipeline's and the harness's, not the replica's. */
  readonly peakRssMb: number;
  readonly seconds: number;
}

export async function loadCorpus(dir = CORPUS_DIR): Promise<CorpusCase[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (name) => ({
      id: name.replace(/\.json$/, ''),
      ...(JSON.parse(await readFile(join(dir, name), 'utf8')) as Omit<CorpusCase, 'id'>),
    })),
  );
}

/** The request that fetches one game's payload of a case's endpoint, and the endpoint's fixtures key. */
function endpointOf(
  dataset: Dataset,
  measure: string | undefined,
  gameId: GameId,
  skeleton: Skeleton,
): { key: string; path: string; params: Record<string, string>; rowsKey?: string } {
  if (isLegacy(dataset)) {
    if (dataset.unit === 'season') throw new Error(`${dataset.name}: season-wide, not per game`);
    const path = dataset.call.path(gameId);
    return { key: pathKey(path), path, params: { ...dataset.call.params(gameId) } };
  }
  const call = dataset.calls.find((one) => measure === undefined || one.measure === measure);
  if (!call) throw new Error(`${dataset.name} has no call ${measure}`);
  const kind = call.params.EventType ?? call.params.MeasureType;
  return {
    key: `${pathKey(call.path)}-${kind}`,
    path: call.path,
    rowsKey: call.rowsKey,
    params: {
      LeagueId: skeleton.leagueId,
      SeasonYear: skeleton.season,
      SeasonType: 'Regular Season',
      MaxRowsReturned: '10000',
      ...call.params,
      GameId: gameId,
    },
  };
}

/** `{{gameId}}` and its broken forms, `{{clean:<path>}}` a value of the clean payload. */
function resolve(value: unknown, gameId: string, clean: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^\{\{(.+)\}\}$/.exec(value);
  if (!match) return value;
  const token = match[1] as string;
  if (token === 'gameId') return gameId;
  if (token === 'gameId:number') return Number(gameId);
  // A leading zero lost: 0022500001 → 022500001.
  if (token === 'gameId:nineChars') return gameId.slice(1);
  if (token === 'gameId:seasonType9') return `${gameId.slice(0, 2)}9${gameId.slice(3)}`;
  if (token.startsWith('clean:')) return at(clean, token.slice('clean:'.length));
  throw new Error(`unknown template ${value}`);
}

const segments = (path: string): string[] => path.split('/');

function at(body: unknown, path: string): unknown {
  return segments(path).reduce<unknown>(
    (node, key) => (node as Record<string, unknown> | undefined)?.[key],
    body,
  );
}

function parentOf(body: unknown, path: string): [Record<string, unknown>, string] {
  const keys = segments(path);
  const last = keys.pop() as string;
  const parent = keys.length === 0 ? body : at(body, keys.join('/'));
  if (typeof parent !== 'object' || parent === null) throw new Error(`no ${path} in the clean payload`);
  return [parent as Record<string, unknown>, last];
}

const PAD_MARKER = '@@pad@@';

/** A crafted fixture's text; a `pad` edit's string is left as a marker, written out in pieces. */
interface Crafted {
  readonly text: string;
  readonly pad?: number;
}

/**
 * The case's payload: the clean body edited. For a Query Tool endpoint (`rowsKey`) only the game's
 * rows, unless an edit leaves the body unparseable: that is served whole, verbatim.
 */
function craft(clean: unknown, edits: readonly Edit[], gameId: string, rowsKey?: string): Crafted {
  const body = structuredClone(clean);
  const raws: [string, string][] = [];
  let truncate: number | undefined;
  let pad: number | undefined;
  for (const edit of edits) {
    if ('set' in edit) {
      const [parent, key] = parentOf(body, edit.set);
      parent[key] = resolve(edit.value, gameId, clean);
    } else if ('raw' in edit) {
      const [parent, key] = parentOf(body, edit.raw);
      const marker = `@@raw${raws.length}@@`;
      parent[key] = marker;
      raws.push([JSON.stringify(marker), edit.token]);
    } else if ('duplicate' in edit) {
      const [parent, key] = parentOf(body, edit.duplicate);
      if (!Array.isArray(parent)) throw new Error(`${edit.duplicate} is not an array element`);
      parent.push(structuredClone(parent[Number(key)]));
    } else if ('pad' in edit) {
      const [parent, key] = parentOf(body, edit.pad);
      parent[key] = PAD_MARKER;
      pad = edit.bytes;
    } else truncate = edit.truncate;
  }
  const verbatim = raws.length > 0 || truncate !== undefined;
  const kept = rowsKey && !verbatim ? (body as Record<string, unknown>)[rowsKey] : body;
  let text = JSON.stringify(kept);
  for (const [marker, token] of raws) text = text.replace(marker, token);
  if (truncate !== undefined) text = text.slice(0, Math.floor(text.length * truncate));
  return pad === undefined ? { text } : { text, pad };
}

/** Writes a crafted fixture; a padding of many megabytes in 1 MiB pieces, never whole in memory. */
async function writeCrafted(file: string, crafted: Crafted): Promise<number> {
  const [before, after = ''] = crafted.text.split(PAD_MARKER);
  if (crafted.pad === undefined) {
    await writeFile(file, crafted.text);
    return Buffer.byteLength(crafted.text);
  }
  const out = createWriteStream(file);
  const piece = 'x'.repeat(1024 * 1024);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((ready) => out.once('drain', ready));
  await write(before ?? '');
  for (let left = crafted.pad; left > 0; left -= piece.length) {
    await write(left >= piece.length ? piece : piece.slice(0, left));
  }
  await write(after);
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  return Buffer.byteLength(crafted.text) - PAD_MARKER.length + crafted.pad;
}

interface Materialised {
  readonly item: CorpusCase;
  readonly gameId: GameId;
  readonly endpoint: string;
  readonly clean: unknown;
  readonly bytes: number;
}

/** Writes each case's fixture for its game; Query Tool rows as a rows file, so a batch keeps its other games. */
async function materialise(
  cases: readonly CorpusCase[],
  games: readonly GameId[],
  replicaUrl: string,
  fixtures: string,
  skeleton: Skeleton,
): Promise<Materialised[]> {
  const out: Materialised[] = [];
  for (const [index, item] of cases.entries()) {
    const gameId = games[index] as GameId;
    const dataset = DATASETS.get(item.dataset);
    if (!dataset) throw new Error(`case ${item.id}: no dataset ${item.dataset}`);
    const endpoint = endpointOf(dataset, item.measure, gameId, skeleton);
    const response = await fetch(`${replicaUrl}${endpoint.path}?${new URLSearchParams(endpoint.params)}`, {
      headers: { 'x-nba-api-key': TEST_API_KEY },
    });
    if (response.status !== 200) {
      throw new Error(`case ${item.id}: clean payload answered ${response.status}`);
    }
    const clean: unknown = await response.json();
    const crafted = craft(clean, item.edits, gameId, endpoint.rowsKey);
    await mkdir(join(fixtures, endpoint.key), { recursive: true });
    const bytes = await writeCrafted(join(fixtures, endpoint.key, `${gameId}.json`), crafted);
    out.push({ item, gameId, endpoint: endpoint.key, clean, bytes });
  }
  return out;
}

/** Bytes of the replica's answer to a FieldGoals call capped at 9,900 rows (the truncation threshold). */
async function cappedAnswerBytes(
  replicaUrl: string,
  skeleton: Skeleton,
  finals: readonly GameId[],
): Promise<number> {
  const shots = DATASETS.get('shot_chart') as Dataset;
  const request = endpointOf(shots, 'FieldGoals', finals[0] as GameId, skeleton);
  // 80 games hold more than 10,000 shots (SPEC §2.1).
  const params = { ...request.params, GameId: finals.slice(0, 80).join(','), MaxRowsReturned: '9900' };
  const response = await fetch(`${replicaUrl}${request.path}?${new URLSearchParams(params)}`, {
    headers: { 'x-nba-api-key': TEST_API_KEY },
  });
  return Buffer.byteLength(await response.text());
}

/**
 * The replica in a process of its own (`nba-ingest replica`), so this process's peak memory is the
 * pipeline's: serving a 50 MB fixture costs the replica far more than reading it costs the client.
 */
async function startReplicaProcess(
  fixtures: string,
  skeleton: Skeleton,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const args = [BIN, 'replica', '--api-key', TEST_API_KEY, '--fixtures', fixtures];
  if (skeleton.source === 'synthetic') args.push('--synthetic');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /replica listening on (\S+)/.exec(output);
      if (listening) resolve(listening[1] as string);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited.then(() => reject(new Error(`the replica exited: ${output}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function runBadInput(options: BadInputOptions): Promise<BadInputFigures> {
  const started = performance.now();
  const skeleton = testSkeleton();
  const all = await loadCorpus(options.corpusDir);
  const cases = options.cases ? all.filter((item) => options.cases?.includes(item.id)) : all;
  // In the order a run takes them, date then id: batches are consecutive games of it.
  const finals = skeleton.games
    .filter((game) => game.status === 3 && game.id.charAt(2) === '2')
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
    .map((game) => game.id as GameId);
  const cleanCount = options.cleanGames ?? 6;
  if (finals.length < cases.length + cleanCount) throw new Error('the season has too few final games');
  // Case games and clean games interleaved, so the bad ones sit inside batches of clean ones.
  const games = finals.slice(0, cases.length + cleanCount);
  const caseGames = games
    .filter((_, index) => index % 2 === 0 || index >= 2 * cleanCount)
    .slice(0, cases.length);
  const datasets = [...new Set(cases.map((item) => item.dataset))].map(
    (name) => DATASETS.get(name) as Dataset,
  );

  const fixtures = await mkdtemp(join(tmpdir(), 'nba-bad-input-'));
  const replica = await startReplicaProcess(fixtures, skeleton);
  let crash: string | null = null;
  let exitCode: number | null = null;
  let materialised: Materialised[] = [];
  let largestLegitimateBodyBytes = 0;
  let rssBeforeRunMb = 0;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  try {
    largestLegitimateBodyBytes = await cappedAnswerBytes(replica.url, skeleton, finals);
    materialised = await materialise(cases, caseGames, replica.url, fixtures, skeleton);
    try {
      rssBeforeRunMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
      const summary = await runTestBackfill({
        pool: options.pool,
        replica,
        http: { maxBodyBytes },
        options: { datasets, gameIds: games },
      });
      exitCode = summary.exitCode;
    } catch (error) {
      crash = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  } finally {
    await replica.stop();
    await rm(fixtures, { recursive: true, force: true });
  }

  const figures = await judge(options.pool, materialised, games, datasets);
  const { failures: verifyFailures } = await verifySlice(options.pool, datasets, { season: skeleton.season });
  return {
    ...figures,
    games: games.length,
    crashes: crash === null ? 0 : 1,
    crash,
    exitCode,
    verifyFailures,
    largestBodyBytes: Math.max(0, ...materialised.map((one) => one.bytes)),
    largestLegitimateBodyBytes,
    maxBodyBytes,
    rssBeforeRunMb,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const describe = (
  coverage: string | undefined,
  reason: string | null | undefined,
  quarantine: readonly string[],
) => `${coverage ?? 'no coverage'}${reason ? ` ${reason}` : ''} [${quarantine.join(', ')}]`;

async function judge(
  pool: pg.Pool,
  materialised: readonly Materialised[],
  games: readonly GameId[],
  datasets: readonly Dataset[],
): Promise<
  Pick<
    BadInputFigures,
    'cases' | 'casesPassed' | 'otherPairs' | 'otherPairsLoaded' | 'otherProblems' | 'unattributed'
  >
> {
  const coverage = await pool.query<{
    dataset: string;
    game_id: string;
    status: string;
    reason: string | null;
  }>('SELECT dataset, game_id, status, reason FROM nba_ingest.coverage');
  const quarantine = await pool.query<{ dataset: string; game_id: string | null; reason: string }>(
    'SELECT dataset, game_id, reason FROM nba_ingest.quarantine ORDER BY reason',
  );
  const requests = await pool.query<{
    dataset: string;
    game_count: number;
    first_game_id: string;
    last_game_id: string;
  }>('SELECT dataset, game_count, first_game_id, last_game_id FROM nba_ingest.requests WHERE game_count > 0');
  const pair = (dataset: string, gameId: string | null) => `${dataset}/${gameId}`;
  const positions = new Map(games.map((gameId, index) => [gameId as string, index]));
  const position = (gameId: string) => positions.get(gameId) ?? -1;
  const covered = new Map(coverage.rows.map((row) => [pair(row.dataset, row.game_id), row]));
  const quarantined = new Map<string, string[]>();
  for (const row of quarantine.rows) {
    const key = pair(row.dataset, row.game_id);
    quarantined.set(key, [...(quarantined.get(key) ?? []), row.reason]);
  }

  const cases: CaseFigure[] = [];
  for (const one of materialised) {
    const { item, gameId } = one;
    const key = pair(item.dataset, gameId);
    const row = covered.get(key);
    const reasons = quarantined.get(key) ?? [];
    const expected = item.expected;
    let actual = describe(row?.status, row?.reason, reasons);
    let passed =
      row?.status === expected.coverage &&
      (row?.reason ?? undefined) === expected.reason &&
      JSON.stringify(reasons) === JSON.stringify([...expected.quarantine].sort());
    if (expected.stored) {
      const stored = await storedValue(pool, expected.stored, gameId, one.clean);
      const wanted = JSON.stringify(expected.stored.value);
      actual += ` ${expected.stored.column}=${stored}`;
      passed &&= stored === (expected.stored.jsonColumn ? `${wanted}/${wanted}` : wanted);
    }
    cases.push({
      id: item.id,
      case: item.case,
      dataset: item.dataset,
      endpoint: one.endpoint,
      gameId,
      expected:
        describe(expected.coverage, expected.reason, [...expected.quarantine].sort()) +
        (expected.stored ? ` ${expected.stored.column}=${JSON.stringify(expected.stored.value)}` : ''),
      actual,
      passed,
      // Batches hold consecutive games of the run, in its order (`games`).
      batchedWith: Math.max(
        0,
        ...requests.rows
          .filter((request) => request.dataset === item.dataset)
          .filter(
            (request) =>
              position(request.first_game_id) <= position(gameId) &&
              position(gameId) <= position(request.last_game_id),
          )
          .map((request) => request.game_count),
      ),
    });
  }

  const touched = new Set(materialised.map((one) => pair(one.item.dataset, one.gameId)));
  const otherProblems: string[] = [];
  let otherPairs = 0;
  for (const dataset of datasets) {
    for (const gameId of games) {
      const key = pair(dataset.name, gameId);
      if (touched.has(key)) continue;
      otherPairs += 1;
      const row = covered.get(key);
      const reasons = quarantined.get(key) ?? [];
      if (row?.status !== 'complete' || reasons.length > 0) {
        otherProblems.push(`${key}: ${describe(row?.status, row?.reason, reasons)}`);
      }
    }
  }
  return {
    cases,
    casesPassed: cases.filter((one) => one.passed).length,
    otherPairs,
    otherPairsLoaded: otherPairs - otherProblems.length,
    otherProblems,
    unattributed: quarantine.rows.filter((row) => row.game_id === null).length,
  };
}

/** The stored value as JSON (`null` for NULL); with a jsonb column, `<column>/<jsonb key>`. */
async function storedValue(
  pool: pg.Pool,
  stored: NonNullable<CorpusCase['expected']['stored']>,
  gameId: string,
  clean: unknown,
): Promise<string> {
  const where = Object.entries(stored.where);
  const column = pg.escapeIdentifier(stored.column);
  const json = stored.jsonColumn
    ? `, ${pg.escapeIdentifier(stored.jsonColumn)} ->> ${pg.escapeLiteral(stored.column)} AS json`
    : '';
  const table = stored.table
    .split('.')
    .map((part) => pg.escapeIdentifier(part))
    .join('.');
  const conditions = where.map(([name], index) => `${pg.escapeIdentifier(name)}::text = $${index + 2}`);
  const { rows } = await pool.query<{ value: unknown; json?: unknown }>(
    `SELECT ${column}::text AS value${json} FROM ${table} WHERE game_id = $1 AND ${conditions.join(' AND ')}`,
    [gameId, ...where.map(([, value]) => String(resolve(value, gameId, clean)))],
  );
  if (rows.length !== 1) return `${rows.length} rows`;
  const value =
    stored.value === null || typeof stored.value === 'string' ? rows[0]?.value : Number(rows[0]?.value);
  const text = JSON.stringify(value ?? null);
  return stored.jsonColumn ? `${text}/${JSON.stringify(rows[0]?.json ?? null)}` : text;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** What the corpus run should not show: a case off its outcome, a crash, another game harmed. */
export function badInputProblems(figures: BadInputFigures): string[] {
  const problems = figures.cases
    .filter((one) => !one.passed)
    .map((one) => `${one.id}: expected ${one.expected}, got ${one.actual}`);
  if (figures.crashes > 0) problems.push(`the backfill crashed: ${figures.crash ?? ''}`);
  problems.push(...figures.otherProblems);
  if (figures.otherPairsLoaded !== figures.otherPairs)
    problems.push(`${figures.otherPairs - figures.otherPairsLoaded} other (dataset, game) pairs not loaded`);
  if (figures.unattributed > 0) problems.push(`${figures.unattributed} quarantine rows name no game`);
  problems.push(...figures.verifyFailures.map((check) => `verify fails ${check}`));
  // The games the corpus fails are data errors, and nothing else ends the run.
  if (figures.exitCode !== 65) problems.push(`exit code ${figures.exitCode}, expected 65`);
  const alone = figures.cases.filter((one) => one.endpoint.startsWith('querytool-') && one.batchedWith < 2);
  for (const one of alone) problems.push(`${one.id}: its game did not share a batch`);
  return problems;
}

export function reportBadInput(figures: BadInputFigures): string {
  const lines = [
    `bad input corpus: ${figures.casesPassed}/${figures.cases.length} cases as expected, ${figures.seconds} s`,
    ...figures.cases.map(
      (one) =>
        `  ${one.passed ? 'ok  ' : 'FAIL'} ${one.id.padEnd(28)} ${one.endpoint.padEnd(36)} ` +
        `${`batch ${one.batchedWith}`.padEnd(9)} ${one.expected}` +
        (one.passed ? '' : `\n       actual   ${one.actual}`),
    ),
    `other (dataset, game) pairs loaded: ${figures.otherPairsLoaded}/${figures.otherPairs} over ${figures.games} games`,
    ...figures.otherProblems.slice(0, 10).map((problem) => `  ${problem}`),
    `unattributed quarantine rows: ${figures.unattributed}`,
    `crashes: ${figures.crashes}${figures.crash ? ` (${figures.crash})` : ''}; exit code ${figures.exitCode}`,
    `verify failures (coverage aside): ${figures.verifyFailures.length}`,
    ...figures.verifyFailures.map((failure) => `  ${failure}`),
    `largest crafted body ${mb(figures.largestBodyBytes)}; largest legitimate body (9,900 shots) ` +
      `${mb(figures.largestLegitimateBodyBytes)}; body limit ${mb(figures.maxBodyBytes)}`,
    `resident memory: ${figures.rssBeforeRunMb} MB when the run starts, peak ${figures.peakRssMb} MB (replica apart)`,
  ];
  return lines.join('\n');
}
