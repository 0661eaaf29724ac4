// The player event streams of /event/player whose eventNumber is not unique per game: one declaration
// per EventType, all made by one factory and all written to nba.querytool_events, each replacing only
// its own event type's rows of a game. Rows are numbered by an order of their content (`ordinal`).
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { DatasetCall, GameRow, QueryToolDataset, RowContext } from './dataset.ts';
import { idOrNull, seasonYearOf, statsSchema } from './rowValues.ts';
import { EVENT_PARAMS, EVENT_PLAYER } from './shotChart.ts';

const TABLE = 'nba.querytool_events';

const optionalText = z.string().nullish();
const optionalNumber = z.number().nullish();

const eventRow = z.object({
  gameId: gameIdSchema,
  // A string in player event rows; shared by several rows of one play for these event types.
  eventNumber: z.union([z.string().regex(/^\d{1,9}$/), z.number().int().nonnegative()]).transform(Number),
  playerId: z.number().int().positive(),
  teamId: z.number().int().nonnegative().nullish(),
  period: z.number().int().min(1).max(10),
  gameClock: z.number().min(0).max(720).nullish(),
  x: optionalNumber,
  y: optionalNumber,
  gameDate: z.iso.date().nullish(),
  seasonYear: optionalText,
  seasonType: optionalText,
  // Kept whole: these event types' stat keys are not documented, so no key gets a column of its own.
  stats: statsSchema([]),
});
type EventRow = z.output<typeof eventRow>;

export interface EventStreamDeclaration {
  /** The dataset's name in coverage, the ledger and `--datasets`. */
  readonly name: string;
  readonly eventType: string;
  /** Rows per game (SPEC §2.1): the planner's estimate until responses refine it. */
  readonly rowsPerGame: number;
  /** The previous implementation's fixed games per batch (previous-implementation.md §4.3). */
  readonly fixedBatchSize: number;
  /** Rows per final game that real data stays within: what `verify` checks. */
  readonly rowsPerGameRange: readonly [min: number, max: number];
}

const COLUMNS: TableSpec['columns'] = [
  { name: 'game_id', type: 'text' },
  { name: 'event_type', type: 'text' },
  { name: 'ordinal', type: 'int' },
  { name: 'event_number', type: 'int' },
  { name: 'player_id', type: 'int' },
  { name: 'team_id', type: 'int' },
  { name: 'period', type: 'int' },
  { name: 'game_clock', type: 'numeric' },
  { name: 'x', type: 'numeric' },
  { name: 'y', type: 'numeric' },
  { name: 'stats', type: 'jsonb' },
  { name: 'game_date', type: 'date' },
  { name: 'season_year', type: 'int' },
  { name: 'season_label', type: 'text' },
  { name: 'season_type', type: 'text' },
];

/** One dataset of nba.querytool_events: its call, its scope of the table, its mapping. */
export function eventStreamDataset(declaration: EventStreamDeclaration): QueryToolDataset {
  const { eventType } = declaration;
  const call: DatasetCall<EventRow> = {
    path: EVENT_PLAYER,
    params: { ...EVENT_PARAMS, EventType: eventType },
    measure: eventType,
    rowsKey: 'players',
    rowsPerGame: declaration.rowsPerGame,
    rowSchema: eventRow,
  };
  const table: TableSpec = {
    table: TABLE,
    columns: COLUMNS,
    key: ['game_id', 'event_type', 'ordinal'],
    gameColumn: 'game_id',
    // A batch replaces its games' rows of this event type only; the other types' rows stay.
    replaceWithin: { event_type: eventType },
    // A row is its content, not an entity the API identifies: when a set changes, the row at an
    // ordinal may be another event, so an absent value must not keep the previous event's.
    keepKnownValues: false,
    references: [
      { column: 'player_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
      { column: 'team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } },
    ],
  };
  const toRows = (game: GameId, parts: ReadonlyMap<string, readonly GameRow[]>, context: RowContext) =>
    eventRows(game, eventType, (parts.get(eventType) ?? []) as readonly EventRow[], context);
  const [min, max] = declaration.rowsPerGameRange;
  return {
    name: declaration.name,
    calls: [call] as readonly DatasetCall[],
    table,
    fixedBatchSize: declaration.fixedBatchSize,
    // A game may have no isolation or post-up at all; it cannot be without passes.
    emptyGamesPossible: min === 0,
    toRows,
    checks: [
      { kind: 'rowsPerGame', name: 'rows_per_game', min, max },
      { kind: 'range', name: 'game_clock', column: 'game_clock', min: 0, max: 720 },
      { kind: 'notNull', name: 'period', columns: ['period'] },
    ],
  };
}

/** Target rows of one game's events of one type, in content order, numbered 1..n. */
function eventRows(
  game: GameId,
  eventType: string,
  events: readonly EventRow[],
  context: RowContext,
): unknown[][] {
  const seasonYear = seasonYearOf(context.seasonLabel);
  // Decorated once: the stats object compares by its canonical JSON.
  const keyed = events.map((event) => ({ event, stats: canonicalJson(event.stats) }));
  keyed.sort((a, b) => compareEvents(a.event, b.event) || compareValues(a.stats, b.stats));
  return keyed.map(({ event }, index) => [
    game,
    eventType,
    index + 1,
    event.eventNumber,
    event.playerId,
    idOrNull(event.teamId),
    event.period,
    event.gameClock ?? null,
    event.x ?? null,
    event.y ?? null,
    event.stats,
    event.gameDate ?? null,
    seasonYear,
    event.seasonYear ?? context.seasonLabel,
    event.seasonType ?? context.seasonType,
  ]);
}

/**
 * With the stats, a total order over everything a row stores: events that compare equal store the
 * same values, so one set of events gets the same ordinals in whatever order a response lists them.
 */
function compareEvents(a: EventRow, b: EventRow): number {
  return (
    a.eventNumber - b.eventNumber ||
    a.playerId - b.playerId ||
    a.period - b.period ||
    compareValues(a.gameClock, b.gameClock) ||
    compareValues(a.x, b.x) ||
    compareValues(a.y, b.y) ||
    compareValues(idOrNull(a.teamId), idOrNull(b.teamId)) ||
    compareValues(a.gameDate, b.gameDate) ||
    compareValues(a.seasonYear, b.seasonYear) ||
    compareValues(a.seasonType, b.seasonType)
  );
}

/** Absent (null and undefined alike) first, numbers numerically, text by code unit: never by locale, so
 * the order is the same on every machine. */
function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b || (a == null && b == null)) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** JSON with object keys sorted at every level: one text per value, whatever order the keys came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** SPEC §2.1 volumes; fixed batches as the previous implementation seeded them. */
export const passes = eventStreamDataset({
  name: 'passes',
  rowsPerGameRange: [300, 1000],
  eventType: 'TrackingPasses',
  rowsPerGame: 600,
  fixedBatchSize: 16,
});
export const defensiveEvents = eventStreamDataset({
  name: 'defensive_events',
  rowsPerGameRange: [150, 600],
  eventType: 'DefensiveEvents',
  rowsPerGame: 325,
  fixedBatchSize: 30,
});
export const drives = eventStreamDataset({
  name: 'drives',
  rowsPerGameRange: [50, 350],
  eventType: 'TrackingDrives',
  rowsPerGame: 150,
  fixedBatchSize: 50,
});
export const isolations = eventStreamDataset({
  name: 'isolations',
  rowsPerGameRange: [0, 100],
  eventType: 'TrackingIsolations',
  rowsPerGame: 25,
  fixedBatchSize: 200,
});
export const postUps = eventStreamDataset({
  name: 'post_ups',
  rowsPerGameRange: [0, 100],
  eventType: 'TrackingPostUps',
  rowsPerGame: 20,
  fixedBatchSize: 200,
});

export const EVENT_STREAMS: readonly QueryToolDataset[] = [
  passes,
  defensiveEvents,
  drives,
  isolations,
  postUps,
];
