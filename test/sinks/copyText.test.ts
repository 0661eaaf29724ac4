import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isDeepStrictEqual } from 'node:util';
import test from 'ava';
import fc from 'fast-check';
import { from as copyFrom } from 'pg-copy-streams';
import {
  CopyEncodingError,
  copyRowEncoder,
  copyTextChunks,
  escapeCopyText,
} from '../../src/sinks/copyText.ts';
import type { ColumnSpec } from '../../src/sinks/tableSpec.ts';
import { withTestDatabase } from '../support/database.ts';

const db = withTestDatabase(test, { migrate: false });

const encodeOne = (type: ColumnSpec['type'], value: unknown) =>
  copyRowEncoder([{ name: 'value', type }])([value]);

test('NULL and undefined are \\N, the string "\\N" is not', (t) => {
  t.is(encodeOne('text', null), '\\N\n');
  t.is(encodeOne('text', undefined), '\\N\n');
  t.is(encodeOne('text', '\\N'), '\\\\N\n');
});

test('backslash, tab, LF and CR are escaped; other text passes unchanged', (t) => {
  t.is(escapeCopyText('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
  t.is(escapeCopyText('Luka Dončić «77» 🏀'), 'Luka Dončić «77» 🏀');
  t.is(encodeOne('text', '\r\n'), '\\r\\n\n');
});

test('a row is tab-separated fields ending in a newline', (t) => {
  const encode = copyRowEncoder([
    { name: 'a', type: 'int' },
    { name: 'b', type: 'bool' },
    { name: 'c', type: 'bool' },
    { name: 'd', type: 'numeric' },
    { name: 'e', type: 'bigint' },
    { name: 'f', type: 'text' },
  ]);
  t.is(
    encode([42, true, false, 700.125, 9007199254740993n, 'x']),
    '42\tt\tf\t700.125\t9007199254740993\tx\n',
  );
});

test('dates: ISO timestamps, and the UTC day for a date column', (t) => {
  const moment = new Date('2025-10-21T23:30:00.000Z');
  t.is(encodeOne('timestamptz', moment), '2025-10-21T23:30:00.000Z\n');
  t.is(encodeOne('date', moment), '2025-10-21\n');
  t.is(encodeOne('date', '2025-10-21'), '2025-10-21\n');
});

test('arrays become quoted array literals, then COPY-escaped', (t) => {
  t.is(encodeOne('int[]', [1, null, 3]), '{1,NULL,3}\n');
  // literal {"a",NULL,"b\"c","d\\e","",","} with each backslash doubled by COPY escaping
  t.is(
    encodeOne('text[]', ['a', null, 'b"c', 'd\\e', '', ',']),
    '{"a",NULL,"b\\\\"c","d\\\\\\\\e","",","}\n',
  );
  t.is(encodeOne('text[]', ['tab\there']), '{"tab\\there"}\n');
  t.is(encodeOne('text[]', []), '{}\n');
});

test('objects and jsonb values are JSON, then COPY-escaped', (t) => {
  t.is(encodeOne('jsonb', { FGM: 1, zone: 'Left\tCorner' }), '{"FGM":1,"zone":"Left\\\\tCorner"}\n');
  t.is(encodeOne('jsonb', 'text'), '"text"\n');
  t.is(encodeOne('jsonb', [1, 2]), '[1,2]\n');
  t.is(encodeOne('text', { a: 1 }), '{"a":1}\n');
});

test('NaN and Infinity are refused with the column named', (t) => {
  const encode = copyRowEncoder([
    { name: 'game_id', type: 'text' },
    { name: 'game_clock', type: 'numeric' },
  ]);
  t.throws(() => encode(['0022500001', Number.NaN]), {
    instanceOf: CopyEncodingError,
    message: 'column game_clock: NaN is not a finite number',
  });
  t.throws(() => encodeOne('numeric', Number.POSITIVE_INFINITY), {
    message: 'column value: Infinity is not a finite number',
  });
  t.throws(() => encodeOne('jsonb', { OFF_RATING: Number.NaN }), {
    message: 'column value: NaN is not a finite number',
  });
  t.throws(() => encodeOne('int[]', [1, Number.NaN]), {
    message: 'column value: NaN is not a finite number',
  });
});

test('an integer column refuses a fraction; text refuses NUL; rows must match the declaration', (t) => {
  t.throws(() => encodeOne('int', 1.5), { message: 'column value: 1.5 is not an integer' });
  t.throws(() => encodeOne('text', 'a\0b'), { message: 'column value: text contains a NUL character' });
  t.throws(() => encodeOne('date', new Date(Number.NaN)), { message: 'column value: an invalid Date' });
  t.throws(() => copyRowEncoder([{ name: 'a', type: 'int' }])([1, 2]), {
    message: 'column *: a row has 2 values, the declaration has 1 columns',
  });
});

test('chunks hold whole lines and join to the encoded rows', (t) => {
  const encode = copyRowEncoder([{ name: 'n', type: 'int' }]);
  const rows = Array.from({ length: 1000 }, (_, index) => [index]);
  const chunks = [...copyTextChunks(rows, encode, 100)];
  t.is(chunks.join(''), rows.map((row) => encode(row)).join(''));
  t.true(chunks.every((chunk) => chunk.endsWith('\n')));
  t.true(chunks.slice(0, -1).every((chunk) => chunk.length >= 100 && chunk.length < 104));
  t.is(chunks.length, 39);
  t.deepEqual([...copyTextChunks([], encode)], []);
});

// Strings built from the characters COPY and array literals treat specially, mixed with any unicode.
const tricky = fc
  .array(
    fc.oneof(
      fc.constantFrom('\\N', '\\', '\\.', '\t', '\n', '\r', '\r\n', '"', '{', '}', ',', 'NULL', ' ', "'", ''),
      fc.string({ unit: 'binary' }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join('').replaceAll('\0', ''));
const json = fc
  .jsonValue({ stringUnit: 'binary', maxDepth: 3 })
  .filter((value) => !JSON.stringify(value).includes('\\u0000'));

const roundTripColumns: ColumnSpec[] = [
  { name: 'ord', type: 'int' },
  { name: 'txt', type: 'text' },
  { name: 'arr', type: 'text[]' },
  { name: 'doc', type: 'jsonb' },
];

test('any string, array and JSON value round-trips through COPY and SELECT', async (t) => {
  const client = await db.pool.connect();
  try {
    await client.query('CREATE TEMP TABLE round_trip (ord int, txt text, arr text[], doc jsonb)');
    const encode = copyRowEncoder(roundTripColumns);
    const row = fc.tuple(
      fc.option(tricky),
      fc.option(fc.array(fc.option(tricky), { maxLength: 5 })),
      fc.option(json),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), async (rows) => {
        await client.query('TRUNCATE round_trip');
        const values = rows.map(([txt, arr, doc], ord) => [ord, txt, arr, doc]);
        const copy = client.query(copyFrom('COPY round_trip (ord, txt, arr, doc) FROM STDIN'));
        await pipeline(Readable.from(copyTextChunks(values, encode, 256)), copy);
        const back = await client.query('SELECT txt, arr, doc FROM round_trip ORDER BY ord');
        const expected = rows.map(([txt, arr, doc]) => ({
          txt,
          arr,
          // jsonb keeps values, not spelling: -0 and 1e2 come back as JSON.parse would read them
          doc: doc === null ? null : JSON.parse(JSON.stringify(doc)),
        }));
        return copy.rowCount === rows.length && isDeepStrictEqual(back.rows, expected);
      }),
      { numRuns: 150 },
    );
    t.pass();
  } finally {
    client.release();
  }
});
