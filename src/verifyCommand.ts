// `nba-ingest verify`: flags → the checks of the selected datasets → a table (or JSON) on stdout and
// exit 0 when every check passes, 65 when one fails. Read-only: never migrates, never writes.
import { z } from 'zod';
import { parseCommandArgs } from './commandArgs.ts';
import { backfillFlagsSchema, parseDatasetList, parseFlags, readEnvironment } from './config.ts';
import { EXIT } from './exitCodes.ts';
import { openDatabase } from './sinks/database.ts';
import { DATASETS } from './streams/datasets.ts';
import { type VerifyReport, verify, verifyExitCode } from './streams/verify.ts';

export const VERIFY_USAGE = `Usage: nba-ingest verify [options]

Checks what the database holds against what the pipeline recorded, per dataset: every final game
of the season covered (complete or empty; hustle games upstream has not published yet are listed,
not failed), coverage row counts equal to the rows in the table, no committed Query Tool response
at the truncation threshold (rowsReturned >= 99% of MaxRowsReturned), how often the last run hit
the cap (informational), and the dataset's own sanity checks (for shot_chart: 50-400 shots per
game, season FG% 40-55%, period 1-10, x/y present, a known shot_type). Season-wide datasets are
checked per team of the season (season_lineups) or for the season (aggregates), as of its current
final games. Across datasets: every player tracked in a game has an advanced box-score row; the
advanced box score has exactly the traditional box score's roster; the shot chart's FGA, FGM, FG3A
and FG3M per team equal the traditional box score's team totals; the play-by-play's last period is
the one the box score's team minutes imply (240 + 25 per overtime).
Read-only. Exit 0 when every check passes, 65 when one fails, 78 when the schema is missing or the
database refuses the user, 69 when the database does not answer.

Options:
  --season YYYY-YY          season label (default 2025-26)
  --season-type TYPE        "Regular Season" (default), Playoffs, PlayIn, "Pre Season", "All Star"
  --datasets LIST           comma list of datasets (default: all of ${[...DATASETS.keys()].join(', ')})
  --json                    print the report as JSON on stdout
  -h, --help                show this help`;

const VERIFY_OPTIONS = {
  season: { type: 'string' },
  'season-type': { type: 'string' },
  datasets: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// The same season and season-type rules as backfill; every dataset unless narrowed.
const verifyFlagsSchema = z.object({
  season: backfillFlagsSchema.shape.season,
  'season-type': backfillFlagsSchema.shape['season-type'],
  datasets: z.string().default(() => [...DATASETS.keys()].join(',')),
  json: z.boolean().default(false),
});

export async function verifyCommand(args: readonly string[]): Promise<number> {
  const values = parseCommandArgs(args, VERIFY_OPTIONS);
  if (values.help) {
    process.stdout.write(`${VERIFY_USAGE}\n`);
    return EXIT.ok;
  }
  const flags = parseFlags(verifyFlagsSchema, values);
  const datasets = parseDatasetList(flags.datasets);
  const env = readEnvironment(process.env);
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.NBA_INGEST_DATA_DIR });
  try {
    const result = await verify(db.pool, {
      season: flags.season,
      seasonType: flags['season-type'],
      datasets,
    });
    process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerifyReport(result));
    return verifyExitCode(result);
  } finally {
    await db.close();
  }
}

const STATUS_LABEL = { pass: 'pass', fail: 'FAIL', info: 'info' } as const;

/** One line per check (status, name, measured value, expectation), its details indented below. */
export function formatVerifyReport(report: VerifyReport): string {
  const header = ['status', 'check', 'value', 'expected'];
  const rows = report.checks.map((check) => [
    STATUS_LABEL[check.status],
    check.name,
    check.value,
    check.expected,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  const out = [
    `verify ${report.season} ${report.seasonType} (${report.datasets.join(', ')}): ` +
      `${report.passed ? 'passed' : 'FAILED'}, ${report.counts.pass} passed, ${report.counts.fail} failed, ` +
      `${report.counts.info} informational`,
    '',
    line(header),
  ];
  report.checks.forEach((check, index) => {
    out.push(line(rows[index] ?? []));
    for (const detail of check.details) out.push(`        ${detail}`);
  });
  return `${out.join('\n')}\n`;
}
