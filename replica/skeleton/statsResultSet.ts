// Reads the stats.nba.com `resultSets` layout (headers + rowSet arrays) that the real data files use,
// turning one named set into records keyed by header, checked by a zod schema per row.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const resultSetsFileSchema = z.object({
  resultSets: z.array(
    z.object({
      name: z.string(),
      headers: z.array(z.string()),
      rowSet: z.array(z.array(z.unknown())),
    }),
  ),
});

/** The rows of result set `setName` in `file`, each parsed by `rowSchema`; errors name the file. */
export function readResultSet<Schema extends z.ZodType>(
  file: string,
  setName: string,
  rowSchema: Schema,
): z.output<Schema>[] {
  const parsed = resultSetsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a stats.nba.com resultSets file`);
  const set = parsed.data.resultSets.find((candidate) => candidate.name === setName);
  if (!set) throw new Error(`${file}: no result set named ${setName}`);
  return set.rowSet.map((row, index) => {
    const record = Object.fromEntries(set.headers.map((header, column) => [header, row[column]]));
    const result = rowSchema.safeParse(record);
    if (!result.success) {
      throw new Error(`${file}: ${setName} row ${index} is malformed: ${z.prettifyError(result.error)}`);
    }
    return result.data;
  });
}
