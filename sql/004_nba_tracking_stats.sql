-- One row per player who played in a game: Query Tool /game/player MeasureType=Tracking,
-- TeamGrouping=Y. Minutes are decimal minutes, distances miles, speeds miles per hour, and every
-- *_pct column a fraction 0–1 (a row outside it is quarantined at parse time, never rescaled).
CREATE TABLE nba.tracking_stats (
  game_id             text NOT NULL REFERENCES nba.games (game_id),
  nba_id              int NOT NULL REFERENCES nba.players (nba_id),
  team_id             int REFERENCES nba.teams (team_id),
  player_name         text,
  team_abbreviation   text,
  game_date           date,
  season_year         int NOT NULL,
  season_label        text NOT NULL,
  season_type         text NOT NULL,
  minutes             numeric(8, 2) CHECK (minutes >= 0),
  dist_miles          numeric(6, 2) CHECK (dist_miles >= 0),
  dist_miles_off      numeric(6, 2) CHECK (dist_miles_off >= 0),
  dist_miles_def      numeric(6, 2) CHECK (dist_miles_def >= 0),
  avg_speed           numeric(5, 2) CHECK (avg_speed >= 0),
  avg_speed_off       numeric(5, 2) CHECK (avg_speed_off >= 0),
  avg_speed_def       numeric(5, 2) CHECK (avg_speed_def >= 0),
  touches             int,
  passes              int,
  secondary_ast       int,
  ft_ast              int,
  ast                 int,
  dreb                int,
  oreb                int,
  reb_chances         int,
  cfg_pct             numeric(5, 4) CHECK (cfg_pct BETWEEN 0 AND 1),
  uf_fg_pct           numeric(5, 4) CHECK (uf_fg_pct BETWEEN 0 AND 1),
  tracking_stats_json jsonb NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, nba_id)
);
COMMENT ON COLUMN nba.tracking_stats.minutes IS 'decimal minutes played (MIN)';
COMMENT ON COLUMN nba.tracking_stats.dist_miles IS 'miles run (DIST_MILES); _off and _def split it by possession';
COMMENT ON COLUMN nba.tracking_stats.avg_speed IS 'miles per hour (AVG_SPEED); _off and _def by possession';
COMMENT ON COLUMN nba.tracking_stats.cfg_pct IS 'contested field-goal percentage as a fraction 0-1 (CONTESTED_FG_PCT)';
COMMENT ON COLUMN nba.tracking_stats.uf_fg_pct IS 'uncontested field-goal percentage as a fraction 0-1 (UNCONTESTED_FG_PCT)';
COMMENT ON COLUMN nba.tracking_stats.tracking_stats_json IS 'the raw stats object of the row, as received';
CREATE INDEX tracking_stats_nba_id_idx ON nba.tracking_stats (nba_id);
CREATE INDEX tracking_stats_team_id_idx ON nba.tracking_stats (team_id);
CREATE INDEX tracking_stats_season_idx ON nba.tracking_stats (season_year, season_type);
CREATE INDEX tracking_stats_json_idx ON nba.tracking_stats USING gin (tracking_stats_json);
