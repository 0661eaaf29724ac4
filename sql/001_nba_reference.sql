-- Reference tables: teams, players and games. Columns follow the previous implementation's names
-- (previous-implementation.md §3.1), minus the columns it never filled. Placeholder rows keep the
-- foreign keys of the data tables true for ids the reference endpoints do not (yet) know.
CREATE SCHEMA IF NOT EXISTS nba;

CREATE TABLE nba.teams (
  team_id        int PRIMARY KEY,
  team_name      text,
  team_city      text,
  team_full_name text,
  team_tricode   text,
  team_slug      text,
  league_id      text,
  conference     text,
  division       text,
  state          text,
  arena_name     text,
  is_active      boolean NOT NULL DEFAULT true,
  is_placeholder boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teams_tricode_idx ON nba.teams (team_tricode);

CREATE TABLE nba.players (
  nba_id               int PRIMARY KEY,
  first_name           text,
  last_name            text,
  full_name            text,
  player_slug          text,
  is_active            boolean,
  position             text,
  jersey               text,
  height               text,
  weight               text,
  country              text,
  last_affiliation     text,
  draft_year           int,
  draft_round          int,
  draft_number         int,
  from_year            int,
  to_year              int,
  current_team_id      int,
  current_team_tricode text,
  league_id            text,
  roster_status        text,
  is_placeholder       boolean NOT NULL DEFAULT false,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX players_current_team_idx ON nba.players (current_team_id);
CREATE INDEX players_full_name_idx ON nba.players (full_name);

CREATE TABLE nba.games (
  game_id           text PRIMARY KEY CHECK (game_id ~ '^[0-9]{10}$'),
  league_id         text NOT NULL,
  season_year       int NOT NULL,
  season_label      text NOT NULL,
  season_type       text NOT NULL,
  game_date         date NOT NULL,
  game_code         text,
  game_status       int NOT NULL CHECK (game_status IN (1, 2, 3)),
  game_status_text  text,
  game_datetime_utc timestamptz,
  home_team_id      int NOT NULL REFERENCES nba.teams (team_id),
  away_team_id      int NOT NULL REFERENCES nba.teams (team_id),
  home_score        int,
  away_score        int,
  week_number       int,
  week_name         text,
  game_label        text,
  game_sublabel     text,
  arena_name        text,
  arena_city        text,
  arena_state       text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX games_date_idx ON nba.games (game_date);
CREATE INDEX games_season_idx ON nba.games (season_year, season_type);
CREATE INDEX games_home_team_idx ON nba.games (home_team_id);
CREATE INDEX games_away_team_idx ON nba.games (away_team_id);
