// Players on court from the legacy `/api/stats/poc`, one call per game: for each play-by-play event,
// the ten players on the floor (upstream's plus/minus snapshot), one typed row per player into
// nba.players_on_court. A row is a fact with nothing but its key, so the key is all four columns.
import { z } from 'zod';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { LegacyDataset, LegacyParse, RequestedGame } from './dataset.ts';
import { otherGame, otherTeams, readPayload } from './legacyValues.ts';
import { playerReference, teamReference } from './rowValues.ts';

const eventSchema = z.object({
  game_id: z.string(),
  event_Num: z.int32().nonnegative(),
  playersPlusMinus: z.array(z.object({ team_id: z.int32().positive(), person_id: z.int32().positive() })),
});

const payloadSchema = z.object({ gameId: z.string(), events: z.array(eventSchema) });

const table: TableSpec = {
  table: 'nba.players_on_court',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'event_num', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'person_id', type: 'int' },
  ],
  key: ['game_id', 'event_num', 'team_id', 'person_id'],
  gameColumn: 'game_id',
  references: [playerReference('person_id'), teamReference('team_id')],
};

function parse(requested: RequestedGame, body: unknown): LegacyParse {
  const read = readPayload(payloadSchema, body);
  if (!read.ok) return read;
  const { events } = read.payload;
  const { gameId } = requested;
  const elsewhere = otherGame(gameId, read.payload.gameId, 'gameId');
  if (elsewhere) return elsewhere;
  for (const [index, event] of events.entries()) {
    const stray =
      otherGame(gameId, event.game_id, `events.${index}.game_id`) ??
      otherTeams(
        requested,
        event.playersPlusMinus.map((player) => player.team_id),
        `events.${index} team_id`,
      );
    if (stray) return stray;
  }
  const rows = events.flatMap((event) =>
    event.playersPlusMinus.map((player) => [gameId, event.event_Num, player.team_id, player.person_id]),
  );
  return { ok: true, rows: [rows] };
}

export const playersOnCourt: LegacyDataset = {
  source: 'legacy',
  name: 'players_on_court',
  call: {
    path: () => '/api/stats/poc',
    params: (gameId) => ({ gameId }),
    measure: 'poc',
    format: 'json',
  },
  tables: [table],
  parse,
};
