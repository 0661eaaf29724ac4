-- The per-game Query Tool measure tables: Advanced, Defensive and Violations from /game/player (one
-- row per player who played, TeamGrouping=Y) and Advanced and Violations from /game/team (one row
-- per team). Minutes are decimal minutes, *_pct columns fractions 0–1 (eFG% and TS% reach 1.5),
-- PIE a fraction -1 to 1, counters whole numbers; ratings, ratios and paces are unbounded numeric,
-- since a few seconds on court give huge values. A value outside its unit is stored as NULL and
-- quarantined at parse time, never rescaled; the CHECKs are a backstop exactly as wide as the
-- parser's ranges, so a value the parser passes never aborts a batch. Each row keeps its raw stats.

CREATE TABLE nba.boxscores_advanced (
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
  off_rating          numeric,
  def_rating          numeric,
  net_rating          numeric,
  ast_pct             numeric(5, 4) CHECK (ast_pct BETWEEN 0 AND 1),
  ast_to_ratio        numeric CHECK (ast_to_ratio >= 0),
  ast_ratio           numeric CHECK (ast_ratio >= 0),
  oreb_pct            numeric(5, 4) CHECK (oreb_pct BETWEEN 0 AND 1),
  dreb_pct            numeric(5, 4) CHECK (dreb_pct BETWEEN 0 AND 1),
  reb_pct             numeric(5, 4) CHECK (reb_pct BETWEEN 0 AND 1),
  tm_tov_pct          numeric(5, 4) CHECK (tm_tov_pct BETWEEN 0 AND 1),
  efg_pct             numeric CHECK (efg_pct BETWEEN 0 AND 1.5),
  ts_pct              numeric CHECK (ts_pct BETWEEN 0 AND 1.5),
  usg_pct             numeric(5, 4) CHECK (usg_pct BETWEEN 0 AND 1),
  pace                numeric CHECK (pace >= 0),
  pace_per40          numeric CHECK (pace_per40 >= 0),
  poss                int CHECK (poss >= 0),
  pie                 numeric(5, 4) CHECK (pie BETWEEN -1 AND 1),
  advanced_stats_json jsonb NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, nba_id)
);
COMMENT ON TABLE nba.boxscores_advanced IS
  'Query Tool /game/player MeasureType=Advanced: players who played only (no DNP rows)';
COMMENT ON COLUMN nba.boxscores_advanced.minutes IS 'decimal minutes played (MIN)';
COMMENT ON COLUMN nba.boxscores_advanced.off_rating IS 'points scored per 100 possessions on court (OFF_RATING); unbounded';
COMMENT ON COLUMN nba.boxscores_advanced.def_rating IS 'points allowed per 100 possessions on court (DEF_RATING); unbounded';
COMMENT ON COLUMN nba.boxscores_advanced.net_rating IS 'off_rating - def_rating (NET_RATING); negative when outscored';
COMMENT ON COLUMN nba.boxscores_advanced.ast_pct IS 'share of teammate field goals he assisted on court, a fraction 0-1 (AST_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.ast_to_ratio IS 'assists per turnover (AST_TO)';
COMMENT ON COLUMN nba.boxscores_advanced.ast_ratio IS 'assists per 100 plays (AST_RATIO)';
COMMENT ON COLUMN nba.boxscores_advanced.oreb_pct IS 'share of available offensive rebounds, a fraction 0-1 (OREB_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.dreb_pct IS 'share of available defensive rebounds, a fraction 0-1 (DREB_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.reb_pct IS 'share of available rebounds, a fraction 0-1 (REB_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.tm_tov_pct IS 'turnovers per play, a fraction 0-1 (TOV_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.efg_pct IS 'effective FG%, (FGM + 0.5 FG3M) / FGA, 0 to 1.5 (EFG_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.ts_pct IS 'true shooting, PTS / (2 (FGA + 0.44 FTA)), 0 to 1.5 (TS_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.usg_pct IS 'share of team plays he used on court, a fraction 0-1 (USG_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced.pace IS 'possessions per 48 minutes on court (PACE); unbounded';
COMMENT ON COLUMN nba.boxscores_advanced.pace_per40 IS 'possessions per 40 minutes on court (PACE_PER40); unbounded';
COMMENT ON COLUMN nba.boxscores_advanced.poss IS 'possessions on court (POSS)';
COMMENT ON COLUMN nba.boxscores_advanced.pie IS 'player impact estimate, a fraction of the game total, -1 to 1 (PIE)';
COMMENT ON COLUMN nba.boxscores_advanced.advanced_stats_json IS 'the raw stats object of the row, as received';
CREATE INDEX boxscores_advanced_nba_id_idx ON nba.boxscores_advanced (nba_id);
CREATE INDEX boxscores_advanced_team_id_idx ON nba.boxscores_advanced (team_id);
CREATE INDEX boxscores_advanced_season_idx ON nba.boxscores_advanced (season_year, season_type);
CREATE INDEX boxscores_advanced_json_idx ON nba.boxscores_advanced USING gin (advanced_stats_json);

CREATE TABLE nba.boxscores_advanced_team (
  game_id             text NOT NULL REFERENCES nba.games (game_id),
  team_id             int NOT NULL REFERENCES nba.teams (team_id),
  team_abbreviation   text,
  game_date           date,
  season_year         int NOT NULL,
  season_label        text NOT NULL,
  season_type         text NOT NULL,
  minutes             numeric(8, 2) CHECK (minutes >= 0),
  off_rating          numeric,
  def_rating          numeric,
  net_rating          numeric,
  ast_pct             numeric(5, 4) CHECK (ast_pct BETWEEN 0 AND 1),
  ast_to_ratio        numeric CHECK (ast_to_ratio >= 0),
  ast_ratio           numeric CHECK (ast_ratio >= 0),
  oreb_pct            numeric(5, 4) CHECK (oreb_pct BETWEEN 0 AND 1),
  dreb_pct            numeric(5, 4) CHECK (dreb_pct BETWEEN 0 AND 1),
  reb_pct             numeric(5, 4) CHECK (reb_pct BETWEEN 0 AND 1),
  tm_tov_pct          numeric(5, 4) CHECK (tm_tov_pct BETWEEN 0 AND 1),
  efg_pct             numeric CHECK (efg_pct BETWEEN 0 AND 1.5),
  ts_pct              numeric CHECK (ts_pct BETWEEN 0 AND 1.5),
  pace                numeric CHECK (pace >= 0),
  pace_per40          numeric CHECK (pace_per40 >= 0),
  poss                int CHECK (poss >= 0),
  pie                 numeric(5, 4) CHECK (pie BETWEEN -1 AND 1),
  advanced_stats_json jsonb NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, team_id)
);
COMMENT ON TABLE nba.boxscores_advanced_team IS
  'Query Tool /game/team MeasureType=Advanced, two rows per game. Upstream sends MIN in 1/25 of team minutes (9.6 for 240); minutes holds MIN x 25, converted once at parse time; advanced_stats_json keeps the MIN as sent';
COMMENT ON COLUMN nba.boxscores_advanced_team.minutes IS 'team minutes, 240 in regulation plus 25 per overtime (upstream MIN x 25)';
COMMENT ON COLUMN nba.boxscores_advanced_team.off_rating IS 'points scored per 100 possessions (OFF_RATING)';
COMMENT ON COLUMN nba.boxscores_advanced_team.def_rating IS 'points allowed per 100 opponent possessions (DEF_RATING)';
COMMENT ON COLUMN nba.boxscores_advanced_team.net_rating IS 'off_rating - def_rating (NET_RATING)';
COMMENT ON COLUMN nba.boxscores_advanced_team.ast_pct IS 'share of field goals assisted, a fraction 0-1 (AST_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.ast_to_ratio IS 'assists per turnover (AST_TOV)';
COMMENT ON COLUMN nba.boxscores_advanced_team.ast_ratio IS 'assists per 100 plays (AST_RATIO)';
COMMENT ON COLUMN nba.boxscores_advanced_team.oreb_pct IS 'share of available offensive rebounds, a fraction 0-1 (OREB_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.dreb_pct IS 'share of available defensive rebounds, a fraction 0-1 (DREB_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.reb_pct IS 'share of available rebounds, a fraction 0-1 (REB_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.tm_tov_pct IS 'turnovers per play, a fraction 0-1 (TM_TOV_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.efg_pct IS 'effective FG%, (FGM + 0.5 FG3M) / FGA (EFG_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.ts_pct IS 'true shooting, PTS / (2 (FGA + 0.44 FTA)) (TS_PCT)';
COMMENT ON COLUMN nba.boxscores_advanced_team.pace IS 'possessions per 48 minutes (PACE)';
COMMENT ON COLUMN nba.boxscores_advanced_team.pace_per40 IS 'possessions per 40 minutes (PACE_PER40)';
COMMENT ON COLUMN nba.boxscores_advanced_team.poss IS 'possessions (POSS)';
COMMENT ON COLUMN nba.boxscores_advanced_team.pie IS 'the team''s share of the game''s PIE, a fraction 0-1 in practice (PIE)';
COMMENT ON COLUMN nba.boxscores_advanced_team.advanced_stats_json IS 'the raw stats object of the row, as received (MIN unscaled)';
CREATE INDEX boxscores_advanced_team_team_id_idx ON nba.boxscores_advanced_team (team_id);
CREATE INDEX boxscores_advanced_team_season_idx ON nba.boxscores_advanced_team (season_year, season_type);
CREATE INDEX boxscores_advanced_team_json_idx ON nba.boxscores_advanced_team USING gin (advanced_stats_json);

CREATE TABLE nba.defensive_stats (
  game_id              text NOT NULL REFERENCES nba.games (game_id),
  nba_id               int NOT NULL REFERENCES nba.players (nba_id),
  team_id              int REFERENCES nba.teams (team_id),
  player_name          text,
  team_abbreviation    text,
  game_date            date,
  season_year          int NOT NULL,
  season_label         text NOT NULL,
  season_type          text NOT NULL,
  minutes              numeric(8, 2) CHECK (minutes >= 0),
  def_fgm              int CHECK (def_fgm >= 0),
  def_fga              int CHECK (def_fga >= 0),
  def_fg_pct           numeric(5, 4) CHECK (def_fg_pct BETWEEN 0 AND 1),
  def_fg3m             int CHECK (def_fg3m >= 0),
  def_fg3a             int CHECK (def_fg3a >= 0),
  def_fg3_pct          numeric(5, 4) CHECK (def_fg3_pct BETWEEN 0 AND 1),
  def_ftm              int CHECK (def_ftm >= 0),
  def_fta              int CHECK (def_fta >= 0),
  def_ft_pct           numeric(5, 4) CHECK (def_ft_pct BETWEEN 0 AND 1),
  def_ast              int CHECK (def_ast >= 0),
  def_tov              int CHECK (def_tov >= 0),
  def_foul             int CHECK (def_foul >= 0),
  def_shooting_foul    int CHECK (def_shooting_foul >= 0),
  def_blk              int CHECK (def_blk >= 0),
  def_stl              int CHECK (def_stl >= 0),
  def_pts              int CHECK (def_pts >= 0),
  defensive_stats_json jsonb NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, nba_id)
);
COMMENT ON TABLE nba.defensive_stats IS
  'Query Tool /game/player MeasureType=Defensive: what the opponents he guarded made and attempted, and his own steals, blocks and fouls';
COMMENT ON COLUMN nba.defensive_stats.minutes IS 'decimal minutes played (MIN)';
COMMENT ON COLUMN nba.defensive_stats.def_fgm IS 'field goals made against him (DEF_FGM); def_fga attempted, and the same for threes and free throws';
COMMENT ON COLUMN nba.defensive_stats.def_fg_pct IS 'field-goal percentage against him, a fraction 0-1 (DEF_FG_PCT)';
COMMENT ON COLUMN nba.defensive_stats.def_fg3_pct IS 'three-point percentage against him, a fraction 0-1 (DEF_FG3_PCT)';
COMMENT ON COLUMN nba.defensive_stats.def_ft_pct IS 'free-throw percentage against him, a fraction 0-1 (DEF_FT_PCT)';
COMMENT ON COLUMN nba.defensive_stats.def_pts IS 'points scored against him (DEF_PTS)';
COMMENT ON COLUMN nba.defensive_stats.defensive_stats_json IS 'the raw stats object of the row, as received';
CREATE INDEX defensive_stats_nba_id_idx ON nba.defensive_stats (nba_id);
CREATE INDEX defensive_stats_team_id_idx ON nba.defensive_stats (team_id);
CREATE INDEX defensive_stats_season_idx ON nba.defensive_stats (season_year, season_type);
CREATE INDEX defensive_stats_json_idx ON nba.defensive_stats USING gin (defensive_stats_json);

CREATE TABLE nba.violations_player (
  game_id               text NOT NULL REFERENCES nba.games (game_id),
  nba_id                int NOT NULL REFERENCES nba.players (nba_id),
  team_id               int REFERENCES nba.teams (team_id),
  player_name           text,
  team_abbreviation     text,
  game_date             date,
  season_year           int NOT NULL,
  season_label          text NOT NULL,
  season_type           text NOT NULL,
  started               bool,
  minutes               numeric(8, 2) CHECK (minutes >= 0),
  travel                int CHECK (travel >= 0),
  double_dribble        int CHECK (double_dribble >= 0),
  discontinued_dribble  int CHECK (discontinued_dribble >= 0),
  off_three_sec         int CHECK (off_three_sec >= 0),
  def_three_sec         int CHECK (def_three_sec >= 0),
  inbound               int CHECK (inbound >= 0),
  backcourt             int CHECK (backcourt >= 0),
  off_goaltending       int CHECK (off_goaltending >= 0),
  def_goaltending       int CHECK (def_goaltending >= 0),
  palming               int CHECK (palming >= 0),
  kicked_ball           int CHECK (kicked_ball >= 0),
  jump_ball             int CHECK (jump_ball >= 0),
  lane                  int CHECK (lane >= 0),
  charge                int CHECK (charge >= 0),
  off_foul              int CHECK (off_foul >= 0),
  violations_stats_json jsonb NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, nba_id)
);
COMMENT ON TABLE nba.violations_player IS
  'Query Tool /game/player MeasureType=Violations: violations called on the player, each a count';
COMMENT ON COLUMN nba.violations_player.started IS 'whether he started the game (STARTED 0/1)';
COMMENT ON COLUMN nba.violations_player.minutes IS 'decimal minutes played (MIN)';
COMMENT ON COLUMN nba.violations_player.violations_stats_json IS 'the raw stats object of the row, as received';
CREATE INDEX violations_player_nba_id_idx ON nba.violations_player (nba_id);
CREATE INDEX violations_player_team_id_idx ON nba.violations_player (team_id);
CREATE INDEX violations_player_season_idx ON nba.violations_player (season_year, season_type);
CREATE INDEX violations_player_json_idx ON nba.violations_player USING gin (violations_stats_json);

CREATE TABLE nba.violations_team (
  game_id               text NOT NULL REFERENCES nba.games (game_id),
  team_id               int NOT NULL REFERENCES nba.teams (team_id),
  team_abbreviation     text,
  game_date             date,
  season_year           int NOT NULL,
  season_label          text NOT NULL,
  season_type           text NOT NULL,
  minutes               numeric(8, 2) CHECK (minutes >= 0),
  travel                int CHECK (travel >= 0),
  double_dribble        int CHECK (double_dribble >= 0),
  discontinued_dribble  int CHECK (discontinued_dribble >= 0),
  off_three_sec         int CHECK (off_three_sec >= 0),
  def_three_sec         int CHECK (def_three_sec >= 0),
  inbound               int CHECK (inbound >= 0),
  backcourt             int CHECK (backcourt >= 0),
  off_goaltending       int CHECK (off_goaltending >= 0),
  def_goaltending       int CHECK (def_goaltending >= 0),
  palming               int CHECK (palming >= 0),
  kicked_ball           int CHECK (kicked_ball >= 0),
  jump_ball             int CHECK (jump_ball >= 0),
  lane                  int CHECK (lane >= 0),
  charge                int CHECK (charge >= 0),
  off_foul              int CHECK (off_foul >= 0),
  tm_delay_of_game      int CHECK (tm_delay_of_game >= 0),
  tm_eight_sec          int CHECK (tm_eight_sec >= 0),
  tm_five_sec           int CHECK (tm_five_sec >= 0),
  tm_shot_clock         int CHECK (tm_shot_clock >= 0),
  violations_stats_json jsonb NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, team_id)
);
COMMENT ON TABLE nba.violations_team IS
  'Query Tool /game/team MeasureType=Violations, two rows per game: the players'' counters summed, plus the team''s own (tm_*). Unlike /game/team Advanced, MIN arrives in team minutes and is stored as sent';
COMMENT ON COLUMN nba.violations_team.minutes IS 'team minutes, 240 in regulation plus 25 per overtime (MIN, not rescaled)';
COMMENT ON COLUMN nba.violations_team.tm_delay_of_game IS 'delay-of-game violations charged to the team (TM_DELAY_OF_GAME)';
COMMENT ON COLUMN nba.violations_team.tm_shot_clock IS 'shot-clock violations, a team turnover (TM_SHOT_CLOCK); tm_eight_sec and tm_five_sec likewise';
COMMENT ON COLUMN nba.violations_team.violations_stats_json IS 'the raw stats object of the row, as received';
CREATE INDEX violations_team_team_id_idx ON nba.violations_team (team_id);
CREATE INDEX violations_team_season_idx ON nba.violations_team (season_year, season_type);
CREATE INDEX violations_team_json_idx ON nba.violations_team USING gin (violations_stats_json);
