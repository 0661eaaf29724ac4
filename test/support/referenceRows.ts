// Small declarations and rows for the reference tables (teams, players, games) and the shot chart,
// so sink tests can load what the foreign keys need through the same writeBatch as the product.
import type pg from 'pg';
import { writeBatch } from '../../src/sinks/batchWriter.ts';
import type { TableSpec } from '../../src/sinks/tableSpec.ts';

export const teamsSpec: TableSpec = {
  table: 'nba.teams',
  columns: [
    { name: 'team_id', type: 'int' },
    { name: 'team_name', type: 'text' },
    { name: 'team_tricode', type: 'text' },
  ],
  key: ['team_id'],
};

export const playersSpec: TableSpec = {
  table: 'nba.players',
  columns: [
    { name: 'nba_id', type: 'int' },
    { name: 'full_name', type: 'text' },
    { name: 'current_team_id', type: 'int' },
  ],
  key: ['nba_id'],
};

const unknownTeam = { team_name: 'Unknown Team' };

export const gamesSpec: TableSpec = {
  table: 'nba.games',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'league_id', type: 'text' },
    { name: 'season_year', type: 'int' },
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
    { name: 'game_date', type: 'date' },
    { name: 'game_status', type: 'int' },
    { name: 'home_team_id', type: 'int' },
    { name: 'away_team_id', type: 'int' },
  ],
  key: ['game_id'],
  references: [
    { column: 'home_team_id', table: 'nba.teams', placeholder: unknownTeam },
    { column: 'away_team_id', table: 'nba.teams', placeholder: unknownTeam },
  ],
};

/** A shot chart declaration with the NOT NULL columns and a few nullable ones. */
export const shotsSpec: TableSpec = {
  table: 'nba.shot_chart',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'event_number', type: 'int' },
    { name: 'nba_id', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'period', type: 'int' },
    { name: 'game_clock', type: 'numeric' },
    { name: 'shot_made', type: 'bool' },
    { name: 'is_three', type: 'bool' },
    { name: 'shot_zone_area', type: 'text' },
    { name: 'assisted_by_id', type: 'int' },
    { name: 'season_year', type: 'int' },
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
  ],
  key: ['game_id', 'event_number'],
  gameColumn: 'game_id',
  references: [
    { column: 'nba_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'assisted_by_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'team_id', table: 'nba.teams', placeholder: unknownTeam },
  ],
};

export interface Shot {
  readonly gameId: string;
  readonly eventNumber: number;
  readonly playerId?: number;
  readonly teamId?: number | null;
  readonly period?: number;
  readonly clock?: number | null;
  readonly made?: boolean;
  readonly zone?: string | null;
  readonly assistId?: number | null;
}

export function shotRow(shot: Shot): unknown[] {
  return [
    shot.gameId,
    shot.eventNumber,
    shot.playerId ?? 201939,
    shot.teamId === undefined ? 1610612744 : shot.teamId,
    shot.period ?? 1,
    shot.clock === undefined ? 700.5 : shot.clock,
    shot.made ?? true,
    false,
    shot.zone === undefined ? 'Center(C)' : shot.zone,
    shot.assistId ?? null,
    2025,
    '2025-26',
    'Regular Season',
  ];
}

/** Loads two known teams, one known player and the games (all 2025-10-21, GSW at home to LAL). */
export async function loadReference(pool: pg.Pool, gameIds: readonly string[]): Promise<void> {
  await writeBatch(pool, {
    spec: teamsSpec,
    rows: [
      [1610612744, 'Warriors', 'GSW'],
      [1610612747, 'Lakers', 'LAL'],
    ],
  });
  await writeBatch(pool, { spec: playersSpec, rows: [[201939, 'Stephen Curry', 1610612744]] });
  await writeBatch(pool, {
    spec: gamesSpec,
    rows: gameIds.map((gameId) => [
      gameId,
      '00',
      2025,
      '2025-26',
      'Regular Season',
      '2025-10-21',
      3,
      1610612744,
      1610612747,
    ]),
  });
}
