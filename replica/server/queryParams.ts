// Query parameters as the NBA API reads them: names match case-insensitively (`GameId`, `gameid`),
// the first occurrence wins, and the original names are kept for the echo in `meta.queryParams`.

export class QueryParams {
  readonly #byLowerName = new Map<string, string>();
  readonly #asSent: Record<string, string> = {};

  constructor(search: URLSearchParams) {
    for (const [name, value] of search) {
      const lower = name.toLowerCase();
      if (this.#byLowerName.has(lower)) continue;
      this.#byLowerName.set(lower, value);
      this.#asSent[name] = value;
    }
  }

  /** The value, or undefined when the parameter is absent or empty. */
  get(name: string): string | undefined {
    const value = this.#byLowerName.get(name.toLowerCase());
    return value === undefined || value === '' ? undefined : value;
  }

  /** Parameters under the names the client used, for `meta.queryParams`. */
  asSent(): Record<string, string> {
    return { ...this.#asSent };
  }
}
