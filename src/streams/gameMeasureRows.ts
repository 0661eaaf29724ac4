// The identity part of the per-game measure tables: what a `/game/player` or `/game/team` row says
// about who played for which team in which game and season, its zod fields, its columns and their
// values. Every measure declaration (advanced box, defensive, violations) shares it; the value
// rules (teamId 0, empty text, the season year) are rowValues'.
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { ColumnSpec, ReferenceSpec } from '../sinks/tableSpec.ts';
import type { MappingContext } from './dataset.ts';
import { idOrNull, seasonYearOf, textOrNull } from './rowValues.ts';

export const GAME_PLAYER_PATH = '/api/querytool/game/player';
export const GAME_TEAM_PATH = '/api/querytool/game/team';

const optionalText = z.string().nullish();

const gameFields = {
  gameId: gameIdSchema,
  teamAbbreviation: optionalText,
  gameDate: z.iso.date().nullish(),
  seasonYear: optionalText,
  seasonType: optionalText,
};

/** A `/game/player` row's fields besides `stats`; `teamId` 0 means the row spans several teams. */
export const playerRowFields = {
  ...gameFields,
  playerId: z.number().int().positive(),
  teamId: z.number().int().nonnegative().nullish(),
  name: optionalText,
};

/** A `/game/team` row's fields besides `stats`; the team is the row's key, so it must be there. */
export const teamRowFields = {
  ...gameFields,
  teamId: z.number().int().positive(),
};

const playerIdentity = z.object(playerRowFields);
const teamIdentity = z.object(teamRowFields);
export type PlayerIdentity = z.output<typeof playerIdentity>;
export type TeamIdentity = z.output<typeof teamIdentity>;
type GameIdentity = Pick<PlayerIdentity, keyof typeof gameFields>;

const seasonColumns: readonly ColumnSpec[] = [
  { name: 'game_date', type: 'date' },
  { name: 'season_year', type: 'int' },
  { name: 'season_label', type: 'text' },
  { name: 'season_type', type: 'text' },
];

/** The columns `playerIdentityValues` fills, first in every player measure table. */
export const PLAYER_IDENTITY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'game_id', type: 'text' },
  { name: 'nba_id', type: 'int' },
  { name: 'team_id', type: 'int' },
  { name: 'player_name', type: 'text' },
  { name: 'team_abbreviation', type: 'text' },
  ...seasonColumns,
];

/** The columns `teamIdentityValues` fills, first in every team measure table. */
export const TEAM_IDENTITY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'game_id', type: 'text' },
  { name: 'team_id', type: 'int' },
  { name: 'team_abbreviation', type: 'text' },
  ...seasonColumns,
];

const unknownPlayer: ReferenceSpec = {
  column: 'nba_id',
  table: 'nba.players',
  placeholder: { full_name: 'Unknown Player' },
};
const unknownTeam: ReferenceSpec = {
  column: 'team_id',
  table: 'nba.teams',
  placeholder: { team_name: 'Unknown Team' },
};
/** Players and teams the reference endpoints do not know get placeholder rows, as for tracking. */
export const PLAYER_REFERENCES: readonly ReferenceSpec[] = [unknownPlayer, unknownTeam];
export const TEAM_REFERENCES: readonly ReferenceSpec[] = [unknownTeam];

const seasonValues = (row: GameIdentity, context: MappingContext): unknown[] => [
  row.gameDate ?? null,
  seasonYearOf(context.seasonLabel),
  row.seasonYear ?? context.seasonLabel,
  row.seasonType ?? context.seasonType,
];

export function playerIdentityValues(game: GameId, row: PlayerIdentity, context: MappingContext): unknown[] {
  return [
    game,
    row.playerId,
    idOrNull(row.teamId),
    textOrNull(row.name),
    textOrNull(row.teamAbbreviation),
    ...seasonValues(row, context),
  ];
}

export function teamIdentityValues(game: GameId, row: TeamIdentity, context: MappingContext): unknown[] {
  return [game, row.teamId, textOrNull(row.teamAbbreviation), ...seasonValues(row, context)];
}
