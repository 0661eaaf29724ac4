// League days: the NBA dates its games by the US Eastern calendar (a 10:30 pm ET tip-off is that
// day's game in UTC's next day), and a season runs from autumn to the next summer.

const EASTERN = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The US Eastern calendar date of an instant, YYYY-MM-DD. */
export function easternDate(instant: Date): string {
  return EASTERN.format(instant);
}

/** A calendar date moved by whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The season a league day belongs to: a season starts with training camp at the end of September
 * and ends with the Finals in June, so July–September already count as the next season's off-season
 * (`2026-07-15` → 2026-27).
 */
export function seasonOfDate(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const first = month >= 7 ? year : year - 1;
  return seasonLabel(first);
}

/** The season a game id names (`0022500001` → 2025-26): its fourth and fifth digits. */
export function seasonOfGameId(gameId: string): string {
  return seasonLabel(2000 + Number(gameId.slice(3, 5)));
}

function seasonLabel(firstYear: number): string {
  return `${firstYear}-${String((firstYear + 1) % 100).padStart(2, '0')}`;
}
