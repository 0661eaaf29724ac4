// How Query Tool values become column values, the same way in every dataset: ids where 0 means
// "none" or "several", empty text, the season year, and stat columns with explicit units. A stat of
// the right type but outside its unit's range is flagged and stored as NULL (the row's raw stats
// object keeps what arrived), never rescaled: 47.5 in a fraction column is a unit error, not 0.475.
import { z } from 'zod';
import type { ColumnSpec, ColumnType, ReferenceSpec } from '../sinks/tableSpec.ts';

/** `teamId = 0` on a player row means "several teams"; an assist by player 0 means no assist. */
export const idOrNull = (value: number | null | undefined): number | null => (value ? value : null);

/** Absent, empty and the `'0'` some text fields carry for "none" are all NULL. */
export const textOrNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === '' || value === '0' ? null : value;

/** A player id column whose ids the reference endpoints may not know: they get placeholder rows. */
export const playerReference = (column: string): ReferenceSpec => ({
  column,
  table: 'nba.players',
  placeholder: { full_name: 'Unknown Player' },
});

/** A team id column, likewise. */
export const teamReference = (column: string): ReferenceSpec => ({
  column,
  table: 'nba.teams',
  placeholder: { team_name: 'Unknown Team' },
});

/** `2025-26` → 2025. */
export const seasonYearOf = (seasonLabel: string): number => Number(seasonLabel.slice(0, 4));

interface Unit {
  readonly type: ColumnType;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly meaning: string;
}

/** The largest value of an int column: a count beyond it is out of range, not a row the database refuses. */
export const INT_MAX = 2_147_483_647;

/** The units a stat column can have; the range is what real data guarantees for the unit. */
export const STAT_UNITS = {
  /** Decimal minutes, distances, speeds: non-negative. */
  decimal: { type: 'numeric', min: 0, meaning: 'a non-negative decimal' },
  /** Events counted: non-negative whole numbers, within an int column. */
  count: { type: 'int', min: 0, max: INT_MAX, integer: true, meaning: 'a non-negative whole number' },
  /** A share of something: 0–1. */
  fraction: { type: 'numeric', min: 0, max: 1, meaning: 'a fraction 0-1' },
  /** Effective FG% and true shooting: 1.5 is a lone made three, so 0–1.5. */
  shooting: { type: 'numeric', min: 0, max: 1.5, meaning: 'a shooting percentage 0-1.5' },
  /** A share that can be negative (PIE): -1 to 1. */
  signedFraction: { type: 'numeric', min: -1, max: 1, meaning: 'a fraction -1 to 1' },
  /** Ratios and paces: non-negative, unbounded (a few seconds on court gives huge values). */
  ratio: { type: 'numeric', min: 0, meaning: 'a non-negative ratio' },
  /** Points per 100 possessions; net ratings are negative; unbounded for tiny samples. */
  rating: { type: 'numeric', meaning: 'a rating' },
  /** Plus-minus and the like: any whole number within an int column. */
  signedCount: { type: 'int', min: -INT_MAX, max: INT_MAX, integer: true, meaning: 'a whole number' },
  /** Plus-minus per game or per 36 minutes: any decimal. */
  signedDecimal: { type: 'numeric', meaning: 'a decimal' },
} as const satisfies Record<string, Unit>;

export type StatUnit = keyof typeof STAT_UNITS;

/** One stat key of a row's `stats` object and the column it fills. */
export type StatColumn = readonly [key: string, column: string, unit: StatUnit];

/** A value of the right type outside its unit's range: stored as NULL, flagged and counted. */
export interface OutOfRange {
  readonly column: string;
  readonly key: string;
  readonly value: number;
  readonly unit: string;
}

/**
 * The zod schema of a `stats` object: each declared key a finite number or absent (a string or
 * `NaN` where a number belongs is a schema mismatch); keys not declared pass through untouched.
 */
export function statsSchema(columns: readonly StatColumn[]) {
  return z.looseObject(Object.fromEntries(columns.map(([key]) => [key, z.number().nullish()])));
}

export const statColumnSpecs = (columns: readonly StatColumn[]): ColumnSpec[] =>
  columns.map(([, name, unit]) => ({ name, type: STAT_UNITS[unit].type }));

/** The declared stats in column order; each out-of-range value becomes NULL and is reported. */
export function statValues(
  stats: Readonly<Record<string, unknown>>,
  columns: readonly StatColumn[],
  flag: (issue: OutOfRange) => void,
): (number | null)[] {
  return columns.map(([key, column, unitName]) => {
    const value = stats[key];
    if (typeof value !== 'number') return null;
    const unit: Unit = STAT_UNITS[unitName];
    const inRange =
      (unit.min === undefined || value >= unit.min) &&
      (unit.max === undefined || value <= unit.max) &&
      (!unit.integer || Number.isInteger(value));
    if (inRange) return value;
    flag({ column, key, value, unit: unit.meaning });
    return null;
  });
}

/**
 * The schema issue of a payload holding a NUL character, in a text or a key (`name`, `stats.X`), or
 * null: PostgreSQL stores it in neither text nor jsonb, so such a row cannot be stored as it arrived.
 */
export function unstorableText(value: unknown): string | null {
  const path = nulPath(value);
  if (path === undefined) return null;
  return `${path.join('.') || '(the value)'}: a text with a NUL character, which PostgreSQL cannot store`;
}

/**
 * The keys down to a NUL character, built only on the way back from one: every row takes this
 * walk, and a path string per key would cost more than the walk itself.
 */
function nulPath(value: unknown): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\0') ? [] : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = nulPath(value[index]);
      if (found !== undefined) {
        found.unshift(index);
        return found;
      }
    }
    return undefined;
  }
  // for…in rather than Object.entries: no array per object on a path every row takes.
  for (const key in value) {
    if (key.includes('\0')) return [key];
    const found = nulPath((value as Record<string, unknown>)[key]);
    if (found !== undefined) {
      found.unshift(key);
      return found;
    }
  }
  return undefined;
}
