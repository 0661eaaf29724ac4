// Encodes rows as lines of PostgreSQL's COPY text format, the cheapest input for the server to parse.
// The escaping is exact (backslash, tab, LF, CR; NULL as \N), so any string survives a COPY. One
// encoder per column list is built once; encoding a row then only concatenates.
import type { ColumnSpec } from './tableSpec.ts';

export type RowEncoder = (row: readonly unknown[]) => string;

export class CopyEncodingError extends Error {
  constructor(column: string, problem: string) {
    super(`column ${column}: ${problem}`);
    this.name = 'CopyEncodingError';
  }
}

const NULL = '\\N';
/** One test decides whether a string needs the slow path; NUL is refused there (PostgreSQL cannot store it). */
const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPABLE = /[\\\t\n\r]/g;
const ESCAPE_OF: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeOne = (char: string): string => ESCAPE_OF[char] ?? char;
const ARRAY_SPECIAL = /["\\]/g;

/** A row encoder for `columns`: values in column order in, one COPY line (with its newline) out. */
export function copyRowEncoder(columns: readonly ColumnSpec[]): RowEncoder {
  const fields = columns.map(fieldEncoder);
  const width = fields.length;
  return (row) => {
    if (row.length !== width) {
      throw new CopyEncodingError(
        '*',
        `a row has ${row.length} values, the declaration has ${width} columns`,
      );
    }
    let line = '';
    for (let index = 0; index < width; index++) {
      if (index > 0) line += '\t';
      // biome-ignore lint/style/noNonNullAssertion: index < width = fields.length
      line += fields[index]!(row[index]);
    }
    return `${line}\n`;
  };
}

/**
 * The encoded rows, joined into chunks of about `chunkBytes` characters: one COPY data message per
 * chunk instead of one per row. Lazy, so a COPY stream pulls rows only as fast as the server takes them.
 */
export function* copyTextChunks(
  rows: Iterable<readonly unknown[]>,
  encode: RowEncoder,
  chunkBytes = 64 * 1024,
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += encode(row);
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Escapes text for a COPY text field. */
export function escapeCopyText(text: string, column = '?'): string {
  if (!SPECIAL.test(text)) return text;
  if (text.includes('\0')) throw new CopyEncodingError(column, 'text contains a NUL character');
  return text.replace(ESCAPABLE, escapeOne);
}

function fieldEncoder(column: ColumnSpec): (value: unknown) => string {
  const { name, type } = column;
  if (type === 'jsonb') {
    return (value) =>
      value === null || value === undefined ? NULL : escapeCopyText(json(value, name), name);
  }
  const integer = type === 'int' || type === 'bigint';
  const dateOnly = type === 'date';
  return (value) => {
    if (value === null || value === undefined) return NULL;
    switch (typeof value) {
      case 'string':
        return escapeCopyText(value, name);
      case 'number':
        return numberText(value, name, integer);
      case 'bigint':
        return value.toString();
      case 'boolean':
        return value ? 't' : 'f';
      case 'object':
        if (value instanceof Date) return dateText(value, name, dateOnly);
        if (Array.isArray(value)) return escapeCopyText(arrayLiteral(value, name), name);
        return escapeCopyText(json(value, name), name);
      default:
        throw new CopyEncodingError(name, `a ${typeof value} cannot be stored`);
    }
  };
}

function numberText(value: number, column: string, integer: boolean): string {
  if (!Number.isFinite(value)) throw new CopyEncodingError(column, `${value} is not a finite number`);
  if (integer && !Number.isInteger(value)) throw new CopyEncodingError(column, `${value} is not an integer`);
  return String(value);
}

function dateText(value: Date, column: string, dateOnly: boolean): string {
  const time = value.getTime();
  if (Number.isNaN(time)) throw new CopyEncodingError(column, 'an invalid Date');
  const iso = value.toISOString();
  // A Date given for a date column means its UTC calendar day.
  return dateOnly ? iso.slice(0, 10) : iso;
}

/** A one-dimensional PostgreSQL array literal; every text element is quoted, so no element is ambiguous. */
function arrayLiteral(values: readonly unknown[], column: string): string {
  let literal = '{';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) literal += ',';
    const value = values[index];
    if (value === null || value === undefined) {
      literal += 'NULL';
    } else if (typeof value === 'number') {
      literal += numberText(value, column, false);
    } else if (typeof value === 'bigint') {
      literal += value.toString();
    } else if (typeof value === 'boolean') {
      literal += value ? 't' : 'f';
    } else if (typeof value === 'string') {
      if (value.includes('\0'))
        throw new CopyEncodingError(column, 'an array element contains a NUL character');
      literal += `"${value.replace(ARRAY_SPECIAL, '\\$&')}"`;
    } else {
      throw new CopyEncodingError(column, 'only arrays of numbers, strings and booleans are supported');
    }
  }
  return `${literal}}`;
}

function json(value: unknown, column: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, finiteNumbers(column));
  } catch (error) {
    if (error instanceof CopyEncodingError) throw error;
    throw new CopyEncodingError(column, `the value has no JSON form (${(error as Error).message})`);
  }
  if (text === undefined) throw new CopyEncodingError(column, 'the value has no JSON form');
  return text;
}

/** JSON.stringify writes NaN and Infinity as null; a silently lost number is refused instead. */
function finiteNumbers(column: string) {
  return (_key: string, value: unknown): unknown => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new CopyEncodingError(column, `${value} is not a finite number`);
    }
    return value;
  };
}
