// What loading one declaration takes, generated once per TableSpec and cached: the staging table,
// the COPY, the de-duplication, the placeholder inserts, the merge, the per-game replacement and the
// row encoder. Identifiers come only from the checked declaration and are always quoted.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { copyRowEncoder, type RowEncoder } from './copyText.ts';
import {
  type ColumnType,
  checkTableSpec,
  quote,
  quoteTable,
  REFERENCE_KEYS,
  type ReferenceSpec,
  type ReferenceTable,
  type TableSpec,
  TableSpecError,
} from './tableSpec.ts';

export interface LoadPlan {
  /** Unquoted name of the session's temp table, to know whether a connection already has it. */
  readonly stagingTable: string;
  readonly createStaging: string;
  readonly copy: string;
  /** Deletes all but the last staged row of each key; its row count is the number of duplicates. */
  readonly dedupe: string;
  /** One statement per referenced table, in a fixed order; each row count is placeholders created. */
  readonly placeholders: readonly string[];
  /** Answers one row `{ inserted, updated }`. */
  readonly merge: string;
  /**
   * Deletes target rows of the games in $1 (text[]) that the batch does not have; with
   * `replaceWithin`, only the rows of those games within the declared scope.
   */
  readonly replaceGames: string | null;
  /** The same, for the games present in staging, when the caller did not list the batch's games. */
  readonly replaceStagedGames: string | null;
  readonly encode: RowEncoder;
}

const SQL_TYPE: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  int: 'int',
  bigint: 'bigint',
  numeric: 'numeric',
  bool: 'boolean',
  date: 'date',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
  'int[]': 'int[]',
  'text[]': 'text[]',
};

/** Keeps the order rows arrived in, so the last of several rows with one key wins. */
const ORDINAL = '_staged_ordinal';
const PLACEHOLDER_FLAG = 'is_placeholder';

const plans = new WeakMap<TableSpec, LoadPlan>();

export function loadPlanFor(spec: TableSpec): LoadPlan {
  let plan = plans.get(spec);
  if (!plan) {
    plan = buildLoadPlan(checkTableSpec(spec));
    plans.set(spec, plan);
  }
  return plan;
}

const list = (names: readonly string[], prefix = ''): string =>
  names.map((n) => prefix + quote(n)).join(', ');

function buildLoadPlan(spec: TableSpec): LoadPlan {
  if (spec.columns.some((column) => column.name === ORDINAL)) {
    throw new TableSpecError(spec.table, `${ORDINAL} is reserved for staging`);
  }
  const columns = spec.columns.map((column) => column.name);
  const keySet = new Set(spec.key);
  const target = quoteTable(spec.table);
  const stagingTable = stagingName(spec);
  const staging = `pg_temp.${quote(stagingTable)}`;
  const keepKnown = spec.keepKnownValues ?? true;
  const keyMatch = (left: string, right: string) =>
    spec.key.map((name) => `${left}.${quote(name)} = ${right}.${quote(name)}`).join(' AND ');

  const definitions = spec.columns.map((column) => `${quote(column.name)} ${SQL_TYPE[column.type]}`);
  const createStaging =
    `CREATE TEMP TABLE ${quote(stagingTable)} (${quote(ORDINAL)} bigint GENERATED ALWAYS AS IDENTITY, ` +
    `${definitions.join(', ')}) ON COMMIT DELETE ROWS`;
  const copy = `COPY ${staging} (${list(columns)}) FROM STDIN`;
  const dedupe =
    `DELETE FROM ${staging} AS older USING ${staging} AS newer ` +
    `WHERE ${keyMatch('newer', 'older')} AND newer.${quote(ORDINAL)} > older.${quote(ORDINAL)}`;

  // Loading a row into a reference table makes it a real row, also when it was a placeholder.
  const clearsPlaceholder = spec.table in REFERENCE_KEYS && !columns.includes(PLACEHOLDER_FLAG);
  const insertColumns = clearsPlaceholder ? [...columns, PLACEHOLDER_FLAG] : columns;
  const selected = clearsPlaceholder ? `${list(columns, 's.')}, false` : list(columns, 's.');
  const updates: string[] = [];
  const current: string[] = [];
  const incoming: string[] = [];
  for (const name of columns) {
    if (keySet.has(name)) continue;
    const value = keepKnown
      ? `COALESCE(EXCLUDED.${quote(name)}, t.${quote(name)})`
      : `EXCLUDED.${quote(name)}`;
    updates.push(`${quote(name)} = ${value}`);
    current.push(`t.${quote(name)}`);
    incoming.push(value);
  }
  if (clearsPlaceholder) {
    updates.push(`${quote(PLACEHOLDER_FLAG)} = false`);
    current.push(`t.${quote(PLACEHOLDER_FLAG)}`);
    incoming.push('false');
  }
  // Unchanged rows are not rewritten: no dead tuple, no WAL, and updated_at keeps its meaning.
  const onConflict =
    updates.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${updates.join(', ')}, "updated_at" = now() ` +
        `WHERE ROW(${current.join(', ')}) IS DISTINCT FROM ROW(${incoming.join(', ')})`;
  // Key order makes concurrent merges over the same keys lock rows in one order (no deadlock).
  const merge =
    `WITH merged AS (INSERT INTO ${target} AS t (${list(insertColumns)}) ` +
    `SELECT ${selected} FROM ${staging} AS s ORDER BY ${list(spec.key, 's.')} ` +
    `ON CONFLICT (${list(spec.key)}) ${onConflict} RETURNING (t.xmax = 0) AS inserted) ` +
    'SELECT count(*) FILTER (WHERE inserted)::int AS inserted, ' +
    'count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged';

  let replaceGames: string | null = null;
  let replaceStagedGames: string | null = null;
  if (spec.gameColumn !== undefined) {
    const game = quote(spec.gameColumn);
    const gameType = SQL_TYPE[spec.columns.find((column) => column.name === spec.gameColumn)?.type ?? 'text'];
    const absent = `NOT EXISTS (SELECT 1 FROM ${staging} AS s WHERE ${keyMatch('s', 't')})`;
    const staged = spec.replaceWithinStaged ?? [];
    const stagedScope =
      staged.length > 0
        ? [`(${list(staged, 't.')}) IN (SELECT DISTINCT ${list(staged, 's.')} FROM ${staging} AS s)`]
        : [];
    // Rows the database derives (roster placeholders) are not the payload's to replace: their own
    // statements keep them in line (TableSpec.placeholderColumn).
    const derived = spec.placeholderColumn ? [`NOT t.${quote(spec.placeholderColumn)}`] : [];
    const scope = [...replaceScope(spec, 't'), ...stagedScope, ...derived]
      .map((condition) => ` AND ${condition}`)
      .join('');
    replaceGames = `DELETE FROM ${target} AS t WHERE t.${game} = ANY($1::${gameType}[])${scope} AND ${absent}`;
    replaceStagedGames =
      `DELETE FROM ${target} AS t WHERE t.${game} IN (SELECT DISTINCT s.${game} FROM ${staging} AS s)` +
      `${scope} AND ${absent}`;
  }

  return {
    stagingTable,
    createStaging,
    copy,
    dedupe,
    placeholders: placeholderStatements(spec.references ?? [], staging),
    merge,
    replaceGames,
    replaceStagedGames,
    encode: copyRowEncoder(spec.columns),
  };
}

/**
 * The conditions on rows `alias` of the declaration's `replaceWithin` scope, e.g.
 * `t."event_type" = 'TrackingPasses'::text`: a quoted identifier from the checked declaration, the
 * value an escaped literal cast to the column's type. Empty without a scope.
 */
export function replaceScope(spec: TableSpec, alias: string): string[] {
  return Object.entries(checkTableSpec(spec).replaceWithin ?? {}).map(([name, value]) => {
    const type = SQL_TYPE[spec.columns.find((column) => column.name === name)?.type ?? 'text'];
    return `${alias}.${quote(name)} = ${pg.escapeLiteral(value)}::${type}`;
  });
}

/**
 * One insert per referenced table (players before teams), ids in ascending order: concurrent batches
 * that need the same unknown ids then wait on each other instead of deadlocking.
 */
function placeholderStatements(references: readonly ReferenceSpec[], staging: string): string[] {
  const byTable = new Map<ReferenceTable, ReferenceSpec[]>();
  for (const reference of references) {
    const group = byTable.get(reference.table) ?? [];
    group.push(reference);
    byTable.set(reference.table, group);
  }
  return [...byTable.keys()].sort().map((table) => {
    const group = byTable.get(table) ?? [];
    const key = quote(REFERENCE_KEYS[table]);
    const placeholder = Object.entries(group[0]?.placeholder ?? {});
    const columns = [key, quote(PLACEHOLDER_FLAG), ...placeholder.map(([name]) => quote(name))].join(', ');
    const values = ['ids.id', 'true', ...placeholder.map(([, value]) => literal(value))].join(', ');
    const ids = group.map((reference) => `SELECT s.${quote(reference.column)} AS id FROM ${staging} AS s`);
    return (
      `INSERT INTO ${quoteTable(table)} (${columns}) SELECT ${values} FROM (${ids.join(' UNION ')}) AS ids ` +
      `WHERE ids.id IS NOT NULL AND NOT EXISTS ` +
      `(SELECT 1 FROM ${quoteTable(table)} AS r WHERE r.${key} = ids.id) ` +
      `ORDER BY ids.id ON CONFLICT (${key}) DO NOTHING`
    );
  });
}

function literal(value: string | boolean): string {
  return typeof value === 'boolean' ? String(value) : pg.escapeLiteral(value);
}

/**
 * Named after the target and the column list, so declarations of different shapes never share a
 * staging table. Declarations of one shape (the `replaceWithin` scopes of one table) share it safely:
 * a session runs one batch at a time, and every commit empties it.
 */
function stagingName(spec: TableSpec): string {
  const shape = spec.columns.map((column) => `${column.name}:${column.type}`).join(',');
  const hash = createHash('sha1').update(`${spec.table}|${shape}`).digest('hex').slice(0, 8);
  return `stage_${spec.table.replace('.', '_').slice(0, 40)}_${hash}`;
}
