// Per-item overrides read from `<fixturesDir>/<endpointKey>/<name>.json` at request time (so a test
// may change them between calls): the name is a game id, or a team id on `/season/lineups`. A file
// holding rows replaces that item's generated rows; any other content is served verbatim as the
// whole body whenever a request names that item. Whole-body files of other kinds (the hustle feeds'
// `<gameId>.xml`) are read as they are.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Fixture = { kind: 'rows'; rows: unknown[] } | { kind: 'verbatim'; body: string };

export class FixtureStore {
  readonly #dir: string | undefined;

  constructor(dir: string | undefined) {
    this.#dir = dir;
  }

  /** Fixtures of the named items (game ids, team ids) that exist for this endpoint. */
  async find(endpointKey: string, names: readonly string[], rowsKey?: string): Promise<Map<string, Fixture>> {
    const found = new Map<string, Fixture>();
    if (this.#dir === undefined) return found;
    const folder = join(this.#dir, endpointKey);
    const files = await listFiles(folder);
    for (const name of names) {
      if (found.has(name) || !files.has(`${name}.json`)) continue;
      found.set(name, classify(await readFile(join(folder, `${name}.json`), 'utf8'), rowsKey));
    }
    return found;
  }

  /** The text of `<endpointKey>/<fileName>`, or undefined when there is no such file. */
  async read(endpointKey: string, fileName: string): Promise<string | undefined> {
    if (this.#dir === undefined) return undefined;
    try {
      return await readFile(join(this.#dir, endpointKey, fileName), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

async function listFiles(folder: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(folder));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

function classify(text: string, rowsKey: string | undefined): Fixture {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'verbatim', body: text };
  }
  if (rowsKey !== undefined) {
    if (Array.isArray(parsed)) return { kind: 'rows', rows: parsed };
    const rows =
      parsed !== null && typeof parsed === 'object'
        ? (parsed as Record<string, unknown>)[rowsKey]
        : undefined;
    if (Array.isArray(rows)) return { kind: 'rows', rows };
  }
  return { kind: 'verbatim', body: text };
}
