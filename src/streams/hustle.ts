// The hustle XML feeds, one file of each per game (previous-implementation.md §2.4):
// `{gameId}_hustlestats.xml`, the players' and teams' hustle counters (contested shots, deflections,
// loose balls, charges, screen assists, box-outs) into nba.hustle_stats and nba.hustle_stats_team, and
// `{gameId}_HustleStatsGameEvents.xml`, one element per hustle event, into nba.hustle_events. Every
// value is an attribute string: counters and codes must be whole numbers written in digits.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { LegacyCall, LegacyDataset, LegacyParse, RequestedGame } from './dataset.ts';
import {
  type Digits,
  digits,
  type LegacyFailure,
  numberOrNull,
  otherGame,
  otherTeams,
  PERIOD_SECONDS,
  readPayload,
  schemaMismatch,
} from './legacyValues.ts';
import { idOrNull, playerReference, teamReference } from './rowValues.ts';

const HUSTLE_PATH = '/api/hustlestats';
/** A file not published yet answers 403 (the spec: "equivalent to 404") or 404. */
const NOT_PUBLISHED = [403, 404];

/** The elements that repeat, always read as arrays (also when a file has only one). */
const REPEATED = new Set(['Player_Stats', 'Team', 'Player', 'Team_Stats', 'Event']);

/** Attributes only, as strings, under `$`; an element without attributes or children parses as ''. */
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '$',
  parseAttributeValue: false,
  ignoreDeclaration: true,
  // Character references (&#233; in a player's name) are text like any other.
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

/** The feeds declare no document type; one that does could define entities, which are refused. */
const DOCUMENT_TYPE = /<!DOCTYPE/i;

/** The document as nested objects, or a schema mismatch when the body is not well-formed XML. */
function readXml(body: unknown): { readonly ok: true; readonly document: unknown } | LegacyFailure {
  if (typeof body !== 'string') return schemaMismatch('the body is not text');
  if (DOCUMENT_TYPE.test(body))
    return schemaMismatch('a document type declaration, which the feed never has');
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return schemaMismatch(`not well-formed XML at ${line}:${col}: ${msg}`);
  }
  return { ok: true, document: xml.parse(body) };
}

/** An element that only groups others: empty, it parses as '' and holds none. */
const group = <S extends z.ZodRawShape>(shape: S) =>
  z.preprocess((value) => (value === '' ? {} : value), z.object(shape));

const id = digits.refine((text) => Number(text) > 0, 'a positive id');

/** Attribute → column, previous-implementation.md §3.2; players and teams count the same things. */
const COUNTERS = [
  ['CFG', 'contested_field_goals'],
  ['C2FG', 'contested_2pt_field_goals'],
  ['C3FG', 'contested_3pt_field_goals'],
  ['DEFL', 'deflections'],
  ['LBR', 'loose_balls_recovered'],
  ['OLBR', 'loose_balls_recovered_offensive'],
  ['DLBR', 'loose_balls_recovered_defensive'],
  ['CHG_DR', 'charges_drawn'],
  ['SA', 'screen_assists'],
  ['PTSOFFSA', 'screen_assists_pts'],
  ['BOXOUTS', 'boxouts'],
  ['OBOXOUTS', 'boxouts_offensive'],
  ['DBOXOUTS', 'boxouts_defensive'],
  ['FORCEDTOV', 'forced_turnovers'],
] as const;

/** A counter may be absent (NULL); present, it is digits and nothing else. */
const counterAttributes = Object.fromEntries(
  COUNTERS.map(([attribute]) => [attribute, digits.optional()]),
) as Record<(typeof COUNTERS)[number][0], z.ZodOptional<typeof digits>>;
type Counters = z.output<z.ZodObject<typeof counterAttributes>>;
const counterValues = (attributes: Counters): (number | null)[] =>
  COUNTERS.map(([attribute]) => numberOrNull(attributes[attribute]));

const playerElement = z.object({ $: z.looseObject({ Person_id: id, ...counterAttributes }) });
const teamElement = z.object({
  $: z.looseObject({ Team_id: id }),
  Player: z.array(playerElement).optional(),
});
const teamTotalsElement = z.object({ $: z.looseObject({ Team_id: id, ...counterAttributes }) });

const boxScoreDocument = z.object({
  HustleStatsBoxScore: z.object({
    $: z.looseObject({ Game_id: z.string() }),
    Player_Stats: z.array(group({ Team: z.array(teamElement).optional() })).optional(),
    // The outer Team_Stats groups one inner Team_Stats per team: the same name, one level down.
    Team_Stats: z.array(group({ Team_Stats: z.array(teamTotalsElement).optional() })).optional(),
  }),
});

const counterColumns = COUNTERS.map(([, column]) => ({ name: column, type: 'int' as const }));

const playerTable: TableSpec = {
  table: 'nba.hustle_stats',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'nba_id', type: 'int' },
    { name: 'team_id', type: 'int' },
    ...counterColumns,
    { name: 'hustle_stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'nba_id'],
  gameColumn: 'game_id',
  references: [playerReference('nba_id'), teamReference('team_id')],
};

const teamTable: TableSpec = {
  table: 'nba.hustle_stats_team',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'team_id', type: 'int' },
    ...counterColumns,
    { name: 'hustle_stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'team_id'],
  gameColumn: 'game_id',
  references: [teamReference('team_id')],
};

function parseBoxScore(requested: RequestedGame, body: unknown): LegacyParse {
  const text = readXml(body);
  if (!text.ok) return text;
  const read = readPayload(boxScoreDocument, text.document);
  if (!read.ok) return read;
  const root = read.payload.HustleStatsBoxScore;
  const { gameId } = requested;
  const teams = (root.Player_Stats ?? []).flatMap((stats) => stats.Team ?? []);
  const totalsOf = (root.Team_Stats ?? []).flatMap((stats) => stats.Team_Stats ?? []);
  const stray =
    otherGame(gameId, root.$.Game_id, 'HustleStatsBoxScore Game_id') ??
    otherTeams(
      requested,
      [...teams, ...totalsOf].map((team) => Number(team.$.Team_id)),
      'Team_id',
    );
  if (stray) return stray;
  const players = teams.flatMap((team) =>
    (team.Player ?? []).map(({ $: player }) => [
      gameId,
      Number(player.Person_id),
      Number(team.$.Team_id),
      ...counterValues(player),
      player,
    ]),
  );
  // A published box score has both teams' totals; players without them is a feed cut short.
  if (players.length > 0 && new Set(totalsOf.map((team) => team.$.Team_id)).size !== 2) {
    return schemaMismatch(
      `Team_Stats holds the totals of ${new Set(totalsOf.map((team) => team.$.Team_id)).size} distinct team(s), not 2`,
    );
  }
  const totals = totalsOf.map(({ $: team }) => [gameId, Number(team.Team_id), ...counterValues(team), team]);
  return { ok: true, rows: [players, totals] };
}

/** A feed's file for a game, named by the game id and the feed (case matters); the feed is the measure. */
const hustleCall = (feed: string): LegacyCall => ({
  path: (gameId) => `${HUSTLE_PATH}/${gameId}_${feed}.xml`,
  params: () => ({}),
  measure: feed,
  format: 'xml',
  unavailableStatuses: NOT_PUBLISHED,
});

/** Real hustle box scores list the players who played: about 20 a game. */
const boxScoreChecks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 10, max: 40 },
];

export const hustleBox: LegacyDataset = {
  source: 'legacy',
  name: 'hustle_box',
  call: hustleCall('hustlestats'),
  tables: [playerTable, teamTable],
  parse: parseBoxScore,
  checks: boxScoreChecks,
};

/** GameClock counts tenths of a second remaining in the period: 7200 is 12 minutes. */
const TENTHS_PER_SECOND = 10;

const eventElement = z.object({
  $: z.looseObject({
    EventNumber: digits,
    EventType: digits,
    ActionType: digits.optional(),
    Period: digits.refine((text) => Number(text) >= 1 && Number(text) <= 10, 'a period 1-10'),
    GameClock: digits.refine(
      (text) => Number(text) <= PERIOD_SECONDS * TENTHS_PER_SECOND,
      'at most 12 minutes, in tenths of a second',
    ),
    // A team event names no player: the id is absent, empty or 0.
    PlayerID: z.union([z.literal(''), digits]).optional(),
    Player: z.string().optional(),
    TeamID: z.union([z.literal(''), digits]).optional(),
    Description: z.string().optional(),
  }),
});
type HustleEvent = z.output<typeof eventElement>['$'];

const eventsDocument = z.object({
  HustleStatsEvents: z.object({
    $: z.looseObject({ GameID: z.string() }),
    Event: z.array(eventElement).optional(),
  }),
});

const eventsTable: TableSpec = {
  table: 'nba.hustle_events',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'ordinal', type: 'int' },
    { name: 'event_number', type: 'int' },
    { name: 'event_type', type: 'int' },
    { name: 'action_type', type: 'int' },
    { name: 'period', type: 'int' },
    { name: 'game_clock', type: 'numeric' },
    { name: 'player_id', type: 'int' },
    { name: 'player_name', type: 'text' },
    { name: 'team_id', type: 'int' },
    { name: 'description', type: 'text' },
    { name: 'attributes', type: 'jsonb' },
  ],
  key: ['game_id', 'ordinal'],
  gameColumn: 'game_id',
  // A row is its content, not an entity the feed identifies: when a game's set changes, the row at an
  // ordinal may be another event, so an absent value must not keep the previous event's.
  keepKnownValues: false,
  references: [playerReference('player_id'), teamReference('team_id')],
};

const optionalId = (text: Digits | '' | undefined): number | null =>
  idOrNull(numberOrNull(text || undefined));

/**
 * Several hustle events can belong to one play (a contest and a box-out of the same shot), so
 * EventNumber does not identify an event: rows are numbered 1..n in an order of their whole content
 * (event number, then every attribute), the same whatever order the file lists them in.
 */
function eventRows(gameId: GameId, events: readonly HustleEvent[]): unknown[][] {
  const keyed = events.map((event) => ({
    event,
    content: JSON.stringify(Object.entries(event).sort(([a], [b]) => (a < b ? -1 : 1))),
  }));
  keyed.sort(
    (a, b) =>
      Number(a.event.EventNumber) - Number(b.event.EventNumber) ||
      (a.content < b.content ? -1 : a.content > b.content ? 1 : 0),
  );
  return keyed.map(({ event }, index) => [
    gameId,
    index + 1,
    Number(event.EventNumber),
    Number(event.EventType),
    numberOrNull(event.ActionType),
    Number(event.Period),
    Number(event.GameClock) / TENTHS_PER_SECOND,
    optionalId(event.PlayerID),
    event.Player || null,
    optionalId(event.TeamID),
    event.Description || null,
    event,
  ]);
}

function parseEvents(requested: RequestedGame, body: unknown): LegacyParse {
  const text = readXml(body);
  if (!text.ok) return text;
  const read = readPayload(eventsDocument, text.document);
  if (!read.ok) return read;
  const root = read.payload.HustleStatsEvents;
  const events = (root.Event ?? []).map((event) => event.$);
  const { gameId } = requested;
  return (
    otherGame(gameId, root.$.GameID, 'HustleStatsEvents GameID') ??
    otherTeams(
      requested,
      events.map((event) => optionalId(event.TeamID)),
      'an event of TeamID',
    ) ?? { ok: true, rows: [eventRows(gameId, events)] }
  );
}

const eventChecks: readonly TableCheck[] = [
  { kind: 'range', name: 'period', column: 'period', min: 1, max: 10 },
  { kind: 'range', name: 'game_clock', column: 'game_clock', min: 0, max: PERIOD_SECONDS },
];

export const hustleEvents: LegacyDataset = {
  source: 'legacy',
  name: 'hustle_events',
  call: hustleCall('HustleStatsGameEvents'),
  tables: [eventsTable],
  // A game can pass without a single hustle event recorded.
  emptyGamesPossible: true,
  parse: parseEvents,
  checks: eventChecks,
};
