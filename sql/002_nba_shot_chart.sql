-- One row per field-goal attempt: Query Tool /event/player EventType=FieldGoals, with the
-- TrackingShots flags joined on (game_id, event_number). Clock is seconds remaining in the period.
CREATE TABLE nba.shot_chart (
  game_id                       text NOT NULL REFERENCES nba.games (game_id),
  event_number                  int NOT NULL,
  nba_id                        int NOT NULL REFERENCES nba.players (nba_id),
  team_id                       int REFERENCES nba.teams (team_id),
  period                        int NOT NULL CHECK (period BETWEEN 1 AND 10),
  game_clock                    numeric(10, 3) CHECK (game_clock >= 0 AND game_clock <= 720),
  x                             int,
  y                             int,
  shot_made                     boolean NOT NULL,
  is_three                      boolean NOT NULL,
  shot_type                     text CHECK (shot_type IN ('alley_oop', 'finger_roll', 'dunk', 'tip', 'hook', 'layup', 'jumper')),
  shot_zone_area                text,
  shot_zone_range               text,
  assisted_by_id                int REFERENCES nba.players (nba_id),
  assisted_by_name              text,
  player_name                   text,
  position                      text,
  opponent_name                 text,
  game_date                     date,
  season_year                   int NOT NULL,
  season_label                  text NOT NULL,
  season_type                   text NOT NULL,
  tracking_shot_after_screens   boolean,
  tracking_shot_catch_and_shoot boolean,
  tracking_shot_lob             boolean,
  tracking_shot_long_heave      boolean,
  tracking_shot_pull_up         boolean,
  tracking_shot_tip_in          boolean,
  tracking_shot_trailing_three  boolean,
  tracking_shot_transition      boolean,
  created_at                    timestamptz NOT NULL DEFAULT now(),
  updated_at                    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, event_number)
);
CREATE INDEX shot_chart_nba_id_idx ON nba.shot_chart (nba_id);
CREATE INDEX shot_chart_team_id_idx ON nba.shot_chart (team_id);
CREATE INDEX shot_chart_game_date_idx ON nba.shot_chart (game_date);
CREATE INDEX shot_chart_season_idx ON nba.shot_chart (season_year, season_type);
CREATE INDEX shot_chart_shot_type_idx ON nba.shot_chart (shot_type);
CREATE INDEX shot_chart_made_idx ON nba.shot_chart (game_id) WHERE shot_made;
