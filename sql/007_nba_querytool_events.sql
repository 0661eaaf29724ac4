-- Player event streams of Query Tool /event/player, one typed row per event row received, for the
-- event types whose eventNumber is not unique per game (TrackingPasses, DefensiveEvents,
-- TrackingDrives, TrackingIsolations, TrackingPostUps). Each (game, event type) is replaced as a set;
-- ordinal numbers a set's rows in an order of their content, so an unchanged re-fetch writes nothing.
CREATE TABLE nba.querytool_events (
  game_id      text NOT NULL REFERENCES nba.games (game_id),
  event_type   text NOT NULL,
  ordinal      int NOT NULL CHECK (ordinal >= 1),
  event_number int NOT NULL,
  player_id    int NOT NULL REFERENCES nba.players (nba_id),
  team_id      int REFERENCES nba.teams (team_id),
  period       int NOT NULL CHECK (period BETWEEN 1 AND 10),
  game_clock   numeric(10, 3) CHECK (game_clock >= 0 AND game_clock <= 720),
  x            numeric,
  y            numeric,
  stats        jsonb NOT NULL,
  game_date    date,
  season_year  int NOT NULL,
  season_label text NOT NULL,
  season_type  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, event_type, ordinal)
);
COMMENT ON COLUMN nba.querytool_events.event_type IS 'the EventType the row was fetched with, e.g. TrackingPasses';
COMMENT ON COLUMN nba.querytool_events.ordinal IS 'position 1..n of the row in its (game, event type) set, ordered by content (event number, player, period, clock, x, y, stats): not an upstream id';
COMMENT ON COLUMN nba.querytool_events.event_number IS 'eventNumber: the play-by-play action the row belongs to; several rows share one';
COMMENT ON COLUMN nba.querytool_events.team_id IS 'teamId; 0 (several teams) is stored as NULL';
COMMENT ON COLUMN nba.querytool_events.game_clock IS 'gameClock: seconds remaining in the period';
COMMENT ON COLUMN nba.querytool_events.x IS 'x court coordinate as received, not converted (the shot chart''s LOC_X convention: tenths of a foot across the court from the basket)';
COMMENT ON COLUMN nba.querytool_events.y IS 'y court coordinate as received, not converted (LOC_Y convention: tenths of a foot from the basket towards half court)';
COMMENT ON COLUMN nba.querytool_events.stats IS 'the raw stats object of the row, as received';
CREATE INDEX querytool_events_event_idx ON nba.querytool_events (game_id, event_number);
CREATE INDEX querytool_events_player_id_idx ON nba.querytool_events (player_id);
CREATE INDEX querytool_events_team_id_idx ON nba.querytool_events (team_id);
CREATE INDEX querytool_events_season_idx ON nba.querytool_events (season_year, season_type, event_type);
