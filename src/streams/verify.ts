// `verify`: coverage and sanity assertions over what the pipeline recorded, per dataset of the
// registry. Facts come from the sink in one read-only snapshot; judging them is pure, below.
import type pg from 'pg';
import { DatabaseError } from '../sinks/databaseError.ts';
import {
  type CapHitFacts,
  type CoverageFacts,
  type CrossCheck,
  type CrossCheckFacts,
  capHitFacts,
  coverageFacts,
  crossCheckFacts,
  type GameSample,
  inReadOnlySnapshot,
  LEDGER_RELATIONS,
  missingRelations,
  type RowCountFacts,
  type RowsWithoutCoverageFacts,
  rowCountFacts,
  rowsWithoutCoverageFacts,
  type SeasonCoverageFacts,
  type SeasonScope,
  SOURCE_TOTALS,
  seasonCoverageFacts,
  type TableCheck,
  type TableCheckFacts,
  type TotalsFacts,
  type TruncationFacts,
  tableCheckFacts,
  teamCoverageFacts,
  teamRowCountFacts,
  totalsFacts,
  truncationFacts,
} from '../sinks/verifyQueries.ts';
import { TRUNCATION_RATIO } from '../sources/queryTool.ts';
import { READ_ACTIONS } from '../sources/upstreamCall.ts';
import { ADVANCED_BOX } from './boxScoreRoster.ts';
import { type Dataset, isLegacy, tablesOf } from './dataset.ts';

const TRADITIONAL_BOX = 'boxscore_traditional';

/**
 * Consistencies real data guarantees between datasets, by dataset name: checked when a verify
 * covers both. A player tracked in a game played in it, so the Advanced box score has him too; the
 * advanced box score holds exactly the traditional roster (placeholders for players who did not play).
 */
const CROSS_CHECKS: readonly { name: string; from: string; to: string; columns: readonly string[] }[] = [
  { name: 'tracked_players_in_advanced_box', from: 'tracking', to: ADVANCED_BOX, columns: ['nba_id'] },
  { name: 'roster_in_advanced_box', from: TRADITIONAL_BOX, to: ADVANCED_BOX, columns: ['nba_id', 'team_id'] },
  { name: 'advanced_box_in_roster', from: ADVANCED_BOX, to: TRADITIONAL_BOX, columns: ['nba_id', 'team_id'] },
];

function crossChecksOf(datasets: readonly Dataset[]): CrossCheck[] {
  const byName = new Map(datasets.map((dataset) => [dataset.name, dataset]));
  return CROSS_CHECKS.flatMap(({ name, from, to, columns }) => {
    const a = byName.get(from);
    const b = byName.get(to);
    if (!a || !b) return [];
    return [
      {
        name,
        from: { dataset: from, spec: tablesOf(a)[0] },
        to: { dataset: to, spec: tablesOf(b)[0] },
        columns,
      },
    ];
  });
}

/** Totals one source states against what another source's rows add up to (SOURCE_TOTALS). */
const TOTALS_CHECKS: readonly {
  readonly name: string;
  readonly a: string;
  readonly b: string;
  readonly query: keyof typeof SOURCE_TOTALS;
  readonly expected: string;
}[] = [
  {
    name: 'shots_match_box_totals',
    a: 'shot_chart',
    b: TRADITIONAL_BOX,
    query: 'shotsAgainstBoxTotals',
    expected: 'per team, shot chart FGA/FGM/FG3A/FG3M = the traditional box score team totals',
  },
  {
    name: 'periods_match_box_minutes',
    a: 'play_by_play',
    b: TRADITIONAL_BOX,
    query: 'playByPlayPeriods',
    expected:
      'the last play-by-play period = 4 + overtimes from the box score team minutes (240 + 25 per OT)',
  },
];

/** `info` checks are measured and shown but never fail a verify. */
export type CheckStatus = 'pass' | 'fail' | 'info';

export interface CheckResult {
  /** `<dataset>.<check>`, e.g. `shot_chart.coverage`. */
  readonly name: string;
  readonly dataset: string;
  readonly status: CheckStatus;
  /** What was measured, e.g. `844/844 final games (100.0%)`. */
  readonly value: string;
  /** What passes, e.g. `100% of final games complete or empty`. */
  readonly expected: string;
  /** Up to SAMPLE_SIZE offenders (game ids with reasons, ledger rows), or the informational breakdown. */
  readonly details: readonly string[];
}

export interface VerifyOptions extends SeasonScope {
  readonly datasets: readonly Dataset[];
}

export interface VerifyReport {
  readonly season: string;
  readonly seasonType: string;
  readonly datasets: readonly string[];
  readonly passed: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly checks: readonly CheckResult[];
}

/**
 * Reads the facts of every check of `options.datasets` and judges them. Never writes; throws a
 * DatabaseError (configuration) when the schema or a dataset's table is missing.
 */
export async function verify(pool: pg.Pool, options: VerifyOptions): Promise<VerifyReport> {
  const scope: SeasonScope = { season: options.season, seasonType: options.seasonType };
  const checks = await inReadOnlySnapshot(pool, async (client) => {
    const wanted = [
      ...LEDGER_RELATIONS,
      ...(options.datasets.some((dataset) => dataset.unit === 'team') ? ['nba_ingest.team_coverage'] : []),
      ...(options.datasets.some((dataset) => dataset.unit === 'season')
        ? ['nba_ingest.season_coverage']
        : []),
      ...options.datasets.flatMap((dataset) => tablesOf(dataset)).map((spec) => spec.table),
    ];
    const missing = await missingRelations(client, [...new Set(wanted)]);
    if (missing.length > 0) {
      throw new DatabaseError(
        'configuration',
        `the database has no nba-ingest schema to verify (missing: ${missing.join(', ')}); ` +
          'run "nba-ingest migrate" or a backfill first (verify never changes the database)',
      );
    }
    const results: CheckResult[] = [];
    for (const dataset of options.datasets) {
      const name = dataset.name;
      const [table] = tablesOf(dataset);
      if (dataset.unit === 'season') {
        results.push(
          ...judgeSeasonCoverage(name, table.table, await seasonCoverageFacts(client, name, table, scope)),
        );
      } else if (dataset.unit === 'team') {
        results.push(judgeCoverage(name, await teamCoverageFacts(client, name, scope), 'teams'));
        const facts = await teamRowCountFacts(client, name, table, scope);
        results.push(judgeRowCounts(name, table.table, facts, 'team'));
        results.push(judgeTeamScope(name, table.table, facts.foreignRows));
      } else {
        results.push(judgeCoverage(name, await coverageFacts(client, name, scope)));
        const tables = tablesOf(dataset);
        const facts = await rowCountFacts(client, name, tables, scope);
        const held = tables.map((spec) => spec.table).join(' + ');
        results.push(judgeRowCounts(name, held, facts));
        results.push(
          judgeRowsWithoutCoverage(name, held, await rowsWithoutCoverageFacts(client, name, tables, scope)),
        );
      }
      if (!isLegacy(dataset)) {
        // Only Query Tool responses can be silently truncated.
        results.push(
          judgeTruncation(name, await truncationFacts(client, name, TRUNCATION_RATIO, scope, READ_ACTIONS)),
        );
        results.push(judgeCapHits(name, await capHitFacts(client, name)));
      }
      for (const check of dataset.checks ?? []) {
        results.push(
          judgeTableCheck(
            name,
            check,
            await tableCheckFacts(client, name, table, check, scope, dataset.unit ?? 'game'),
          ),
        );
      }
    }
    for (const check of crossChecksOf(options.datasets)) {
      results.push(judgeCrossCheck(check, await crossCheckFacts(client, check, scope)));
    }
    const names = new Set(options.datasets.map((dataset) => dataset.name));
    for (const check of TOTALS_CHECKS.filter(({ a, b }) => names.has(a) && names.has(b))) {
      const facts = await totalsFacts(client, SOURCE_TOTALS[check.query], check, scope);
      results.push(judgeTotals(check, facts));
    }
    return results;
  });
  return report(options, checks);
}

/** The exit status of a report: 0 when nothing failed, 65 (data error) otherwise. */
export function verifyExitCode(report: VerifyReport): 0 | 65 {
  return report.passed ? 0 : 65;
}

export function report(options: VerifyOptions, checks: readonly CheckResult[]): VerifyReport {
  const counts = { pass: 0, fail: 0, info: 0 };
  for (const check of checks) counts[check.status] += 1;
  return {
    season: options.season,
    seasonType: options.seasonType,
    datasets: options.datasets.map((dataset) => dataset.name),
    passed: counts.fail === 0,
    counts,
    checks,
  };
}

/** Per-game datasets count final games; season-wide ones the teams of those games. */
export function judgeCoverage(
  dataset: string,
  facts: CoverageFacts,
  of: 'final games' | 'teams' = 'final games',
): CheckResult {
  return {
    name: `${dataset}.coverage`,
    dataset,
    status: facts.uncovered === 0 && facts.finalGames > 0 ? 'pass' : 'fail',
    value:
      facts.finalGames === 0
        ? 'no final games in nba.games'
        : `${facts.covered}/${facts.finalGames} ${of} (${percent(facts.covered / facts.finalGames)})` +
          (facts.uncovered > 0
            ? `, ${facts.uncovered} missing${of === 'teams' ? ', failed or stale' : ' or failed'}`
            : '') +
          (facts.pending ? `, ${facts.pending} not published upstream yet (asked again by a later run)` : ''),
    expected:
      of === 'teams'
        ? '100% of the teams of final games complete as of the current final games'
        : `100% of final games complete or empty${facts.pending ? ' (or not published upstream yet)' : ''}`,
    details: games(facts.sample),
  };
}

export function judgeRowCounts(
  dataset: string,
  table: string,
  facts: RowCountFacts,
  per: 'game' | 'team' = 'game',
): CheckResult {
  return {
    name: `${dataset}.row_counts`,
    dataset,
    status: facts.mismatched === 0 ? 'pass' : 'fail',
    value: `${facts.mismatched} of ${facts.games} covered ${per}s differ`,
    expected: `coverage row_count = rows in ${table}, per ${per}`,
    details: games(facts.sample),
  };
}

/** Coverage is written with the data, so rows of a game it does not cover hold nothing it vouches for. */
export function judgeRowsWithoutCoverage(
  dataset: string,
  table: string,
  facts: RowsWithoutCoverageFacts,
): CheckResult {
  return {
    name: `${dataset}.rows_without_coverage`,
    dataset,
    status: facts.rows === 0 ? 'pass' : 'fail',
    value: `${facts.rows} rows in ${facts.games} ${facts.games === 1 ? 'game' : 'games'} without complete or empty coverage`,
    expected: `no rows in ${table} for a game the dataset does not cover`,
    details: games(facts.sample),
  };
}

/** A team-scoped load only ever writes rows of the teams it asked for, which coverage then records. */
export function judgeTeamScope(dataset: string, table: string, foreignRows: number): CheckResult {
  return {
    name: `${dataset}.team_scoped`,
    dataset,
    status: foreignRows === 0 ? 'pass' : 'fail',
    value: `${foreignRows} rows of teams without coverage`,
    expected: `every team in ${table} was requested and covered for the season`,
    details: [],
  };
}

export function judgeTotals(
  check: { readonly name: string; readonly a: string; readonly b: string; readonly expected: string },
  facts: TotalsFacts,
): CheckResult {
  return {
    name: `${check.a}.${check.name}`,
    dataset: check.a,
    status: facts.compared === 0 ? 'info' : facts.differing === 0 ? 'pass' : 'fail',
    value:
      facts.compared === 0
        ? `no game covered by both ${check.a} and ${check.b}`
        : `${facts.differing} of ${facts.compared} differ`,
    expected: check.expected,
    details: games(facts.sample),
  };
}

/** A season-wide dataset: covered as of today's final games, and its rows as coverage counted them. */
export function judgeSeasonCoverage(
  dataset: string,
  table: string,
  facts: SeasonCoverageFacts,
): CheckResult[] {
  const current = facts.status === 'complete' && facts.asOf === facts.finalGames;
  return [
    {
      name: `${dataset}.coverage`,
      dataset,
      status: current && facts.finalGames > 0 ? 'pass' : 'fail',
      value:
        facts.status === null
          ? 'the season has no coverage'
          : facts.status !== 'complete'
            ? `failed: ${facts.reason ?? 'no reason'}`
            : `complete as of ${facts.asOf} of ${facts.finalGames} final games`,
      expected: 'the season complete as of the current final games',
      details: [],
    },
    {
      name: `${dataset}.row_counts`,
      dataset,
      status: facts.status !== 'complete' || facts.rowCount === facts.rows ? 'pass' : 'fail',
      value: `coverage ${facts.rowCount ?? '-'}, table ${facts.rows}`,
      expected: `coverage row_count = rows in ${table} for the season`,
      details: [],
    },
  ];
}

export function judgeCrossCheck(check: CrossCheck, facts: CrossCheckFacts): CheckResult {
  return {
    name: `${check.from.dataset}.${check.name}`,
    dataset: check.from.dataset,
    // With no game covered by both datasets there is nothing to compare: shown, never a pass.
    status: facts.rows === 0 ? 'info' : facts.missing === 0 ? 'pass' : 'fail',
    value:
      facts.rows === 0
        ? `no game covered by both ${check.from.dataset} and ${check.to.dataset}`
        : `${facts.missing} of ${facts.rows} rows without a match`,
    expected: `every ${check.from.spec.table} row has a ${check.to.spec.table} row with the same ${check.columns.join(', ')}`,
    details: games(facts.sample),
  };
}

export function judgeTruncation(dataset: string, facts: TruncationFacts): CheckResult {
  return {
    name: `${dataset}.truncated_responses`,
    dataset,
    status: facts.atThreshold === 0 ? 'pass' : 'fail',
    value: `${facts.atThreshold} of ${facts.committed} committed responses`,
    expected: `no accepted response with rows_returned >= floor(${TRUNCATION_RATIO} × max_rows)`,
    details: facts.sample.map(
      (response) =>
        `request ${response.requestId} (run ${response.runId ?? '-'}): ${response.endpoint} ${response.measure ?? ''} ` +
        `${response.rowsReturned}/${response.maxRows} rows, ${response.gameCount} games ` +
        `${response.firstGameId ?? '?'}…${response.lastGameId ?? '?'}`,
    ),
  };
}

export function judgeCapHits(dataset: string, facts: CapHitFacts): CheckResult {
  const responses = facts.calls.reduce((sum, call) => sum + call.responses, 0);
  const truncated = facts.calls.reduce((sum, call) => sum + call.truncated, 0);
  return {
    name: `${dataset}.cap_hits_last_run`,
    dataset,
    status: 'info',
    value:
      facts.runId === null
        ? 'no run has made requests'
        : `run ${facts.runId}: ${truncated} of ${responses} responses truncated`,
    expected: 'informational: splits on truncation cost calls',
    details: facts.calls.map(
      (call) => `${call.endpoint} ${call.measure ?? '-'}: ${call.truncated} of ${call.responses} truncated`,
    ),
  };
}

export function judgeTableCheck(dataset: string, check: TableCheck, facts: TableCheckFacts): CheckResult {
  const name = `${dataset}.${check.name}`;
  if (check.kind === 'rowsPerGame' && facts.kind === 'rowsPerGame') {
    return {
      name,
      dataset,
      status: facts.outside === 0 ? 'pass' : 'fail',
      value:
        facts.games === 0
          ? 'no covered games'
          : `${facts.outside} of ${facts.games} games outside (fewest ${facts.fewest}, most ${facts.most})`,
      expected: `${check.min}–${check.max} rows per covered game`,
      details: games(facts.sample),
    };
  }
  if (check.kind === 'share' && facts.kind === 'share') {
    const share = facts.rows === 0 ? null : facts.matching / facts.rows;
    return {
      name,
      dataset,
      status: share !== null && share >= check.min && share <= check.max ? 'pass' : 'fail',
      value: share === null ? 'no rows' : `${percent(share)} of ${facts.rows} rows`,
      expected: `${check.column} true in ${percent(check.min)}–${percent(check.max)} of rows`,
      details: [],
    };
  }
  if (check.kind === facts.kind && facts.kind !== 'rowsPerGame' && facts.kind !== 'share') {
    return {
      name,
      dataset,
      status: facts.violating === 0 ? 'pass' : 'fail',
      value: `${facts.violating} of ${facts.rows} rows`,
      expected: rowRule(check),
      details: games(facts.sample),
    };
  }
  throw new Error(`facts of a ${facts.kind} check given to ${name}, a ${check.kind} check`);
}

function rowRule(check: TableCheck): string {
  switch (check.kind) {
    case 'range':
      return `${check.column} within ${check.min}–${check.max}`;
    case 'notNull':
      return `${check.columns.join(', ')} never NULL`;
    case 'oneOf':
      return `${check.column} one of ${check.values.join(', ')}`;
    default:
      return check.kind;
  }
}

const games = (sample: readonly GameSample[]): string[] =>
  sample.map((game) => `${game.gameId}: ${game.detail}`);

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
