// The declaration a dataset hands to the sink: target table, columns in row order, natural key, and
// how a merge treats games, references and NULLs. Every identifier in generated SQL comes from here,
// so a declaration is checked once, when the sink first sees it.

export type ColumnType =
  | 'text'
  | 'int'
  | 'bigint'
  | 'numeric'
  | 'bool'
  | 'date'
  | 'timestamptz'
  | 'jsonb'
  | 'int[]'
  | 'text[]';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** The reference tables a data row may point at, with the key column a placeholder row fills. */
export const REFERENCE_KEYS = { 'nba.players': 'nba_id', 'nba.teams': 'team_id' } as const;
export type ReferenceTable = keyof typeof REFERENCE_KEYS;

export interface ReferenceSpec {
  readonly column: string;
  readonly table: ReferenceTable;
  /**
   * Columns set on a placeholder row besides the key and `is_placeholder`, e.g.
   * `{ full_name: 'Unknown Player' }`. References to the same table must share one placeholder.
   */
  readonly placeholder: Readonly<Record<string, string | boolean>>;
}

export interface TableSpec {
  /** e.g. `nba.shot_chart`. */
  readonly table: string;
  /** In the order rows are given. `created_at` and `updated_at` are the table's own. */
  readonly columns: readonly ColumnSpec[];
  /** Natural key, e.g. `['game_id', 'event_number']`; the target has a unique index on it. */
  readonly key: readonly string[];
  /**
   * When set, a merge replaces the set of rows of each game in the batch (of each team, for a
   * season-wide table keyed by `team_id`): target rows of those games that are absent from the batch
   * are deleted.
   */
  readonly gameColumn?: string;
  /**
   * With `gameColumn`, for a table that several declarations share: constant column values that scope
   * the replacement, e.g. `{ event_type: 'TrackingPasses' }`. A batch then replaces only the rows of
   * its games that carry these values and leaves the games' other rows alone. The columns must be key
   * columns, so a row of one scope can never merge over a row of another.
   */
  readonly replaceWithin?: Readonly<Record<string, string>>;
  /**
   * Columns whose values in the batch also scope the replacement, for values known only at run
   * time: with `['season_label', 'season_type']` a batch replaces its teams' rows of the seasons it
   * holds, never another season's. Needs `gameColumn`.
   */
  readonly replaceWithinStaged?: readonly string[];
  /** Player and team ids that get placeholder rows when the reference tables do not know them. */
  readonly references?: readonly ReferenceSpec[];
  /**
   * A boolean column marking rows the database derives rather than a payload delivers (roster
   * placeholders): coverage does not count them. Must be a declared column.
   */
  readonly placeholderColumn?: string;
  /** Default true: a NULL in a batch never overwrites a known value (a field absent from one response). */
  readonly keepKnownValues?: boolean;
}

/** An identifier checked by checkTableSpec, quoted for generated SQL. */
export const quote = (identifier: string): string => `"${identifier}"`;
/** `nba.shot_chart` → `"nba"."shot_chart"`. */
export const quoteTable = (table: string): string => table.split('.').map(quote).join('.');

const TABLE_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;
const MAX_IDENTIFIER = 63;
/** Maintained by the table's defaults and the merge; a declaration that lists them is a mistake. */
const MANAGED_COLUMNS = new Set(['created_at', 'updated_at']);

export class TableSpecError extends Error {
  constructor(table: string, problem: string) {
    super(`table spec ${JSON.stringify(table)}: ${problem}`);
    this.name = 'TableSpecError';
  }
}

/** Throws a TableSpecError naming the first problem; returns the spec unchanged when it is sound. */
export function checkTableSpec(spec: TableSpec): TableSpec {
  const fail = (problem: string): never => {
    throw new TableSpecError(spec.table, problem);
  };
  if (!TABLE_NAME.test(spec.table)) fail('the table name must match schema.table in lower case');
  if (spec.columns.length === 0) fail('no columns');
  const names = new Set<string>();
  for (const column of spec.columns) {
    checkColumnName(column.name, fail);
    if (names.has(column.name)) fail(`column ${column.name} is declared twice`);
    if (MANAGED_COLUMNS.has(column.name)) fail(`column ${column.name} is maintained by the table itself`);
    names.add(column.name);
  }
  if (spec.key.length === 0) fail('the natural key is empty');
  for (const name of spec.key) {
    if (!names.has(name)) fail(`key column ${name} is not a declared column`);
  }
  if (spec.placeholderColumn !== undefined && !names.has(spec.placeholderColumn)) {
    fail(`placeholder column ${spec.placeholderColumn} is not a declared column`);
  }
  if (spec.gameColumn !== undefined && !names.has(spec.gameColumn)) {
    fail(`game column ${spec.gameColumn} is not a declared column`);
  }
  for (const name of spec.replaceWithinStaged ?? []) {
    if (spec.gameColumn === undefined)
      fail('replaceWithinStaged scopes the per-game replacement: declare gameColumn');
    if (!names.has(name)) fail(`replaceWithinStaged column ${name} is not a declared column`);
    if (!spec.key.includes(name)) fail(`replaceWithinStaged column ${name} is not a key column`);
  }
  for (const [name, value] of Object.entries(spec.replaceWithin ?? {})) {
    if (spec.gameColumn === undefined)
      fail('replaceWithin scopes the per-game replacement: declare gameColumn');
    if (!names.has(name)) fail(`replaceWithin column ${name} is not a declared column`);
    if (name === spec.gameColumn) fail(`replaceWithin column ${name} is the game column`);
    if (!spec.key.includes(name)) fail(`replaceWithin column ${name} is not a key column`);
    if (typeof value !== 'string' || value.includes('\0')) fail(`replaceWithin ${name} needs a text value`);
  }
  const placeholderOf = new Map<string, string>();
  for (const reference of spec.references ?? []) {
    if (!names.has(reference.column)) fail(`reference column ${reference.column} is not a declared column`);
    if (!(reference.table in REFERENCE_KEYS)) fail(`${reference.table} is not a reference table`);
    for (const name of Object.keys(reference.placeholder)) checkColumnName(name, fail);
    const placeholder = JSON.stringify(Object.entries(reference.placeholder).sort());
    const earlier = placeholderOf.get(reference.table);
    if (earlier !== undefined && earlier !== placeholder) {
      fail(`references to ${reference.table} declare different placeholders`);
    }
    placeholderOf.set(reference.table, placeholder);
  }
  return spec;
}

function checkColumnName(name: string, fail: (problem: string) => never): void {
  if (!COLUMN_NAME.test(name) || name.length > MAX_IDENTIFIER)
    fail(`${JSON.stringify(name)} is not a column name`);
}
